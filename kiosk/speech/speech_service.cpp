#include "speech/speech_service.hpp"

#include "motcua/util/log.hpp"

namespace motcua::kiosk::speech {

namespace {
constexpr std::string_view kLog = "kiosk.speech";
}

SpeechService::SpeechService(std::unique_ptr<Synthesizer> synth, std::unique_ptr<AudioSink> sink,
                             std::function<void()> wake_ui)
    : synth_(std::move(synth)), sink_(std::move(sink)), wake_ui_(std::move(wake_ui)),
      thread_([this](std::stop_token st) { run(st); }) {}

SpeechService::~SpeechService() {
  cancel_ = true;
  thread_.request_stop();
  cv_.notify_all();
}

void SpeechService::speak(Utterance u) {
  std::lock_guard lk(mutex_);
  pending_ = std::move(u);
  speaking_ = true;
  cancel_ = true;  // the thread picks the new utterance up once the old one stops
  cv_.notify_all();
}

void SpeechService::stop() {
  std::lock_guard lk(mutex_);
  pending_.reset();
  cancel_ = true;
  // Stopped before the thread took it up: nothing is playing any more.
  if (!busy_) speaking_ = false;
  cv_.notify_all();
}

std::optional<Error> SpeechService::last_error() const {
  std::lock_guard lk(mutex_);
  return last_error_;
}

void SpeechService::run(std::stop_token stop) {
  for (;;) {
    Utterance u;
    {
      std::unique_lock lk(mutex_);
      if (!pending_) {
        const bool was_speaking = speaking_.exchange(false);
        if (was_speaking && wake_ui_) {
          lk.unlock();
          wake_ui_();  // the button's label goes back to "Đọc to"
          lk.lock();
        }
      }
      if (!cv_.wait(lk, stop, [&] { return pending_.has_value(); })) return;
      u = std::move(*pending_);
      pending_.reset();
      cancel_ = false;
      busy_ = true;
    }
    say(u);
    std::lock_guard lk(mutex_);
    busy_ = false;
  }
}

void SpeechService::say(const Utterance& u) {
  auto record = [&](const Error& e) {
    log::warn(kLog, e.describe());
    std::lock_guard lk(mutex_);
    last_error_ = e;
  };
  auto rate = synth_->sample_rate();
  if (!rate) return record(rate.error());
  if (auto ok = sink_->begin(*rate); !ok) return record(ok.error());
  bool sink_ok = true;
  auto synthesized = synth_->synthesize(u.text, u.voice, [&](std::span<const std::int16_t> pcm) {
    if (cancel_) return false;
    sink_ok = sink_->write(pcm, cancel_);
    return sink_ok && !cancel_;
  });
  if (!synthesized) {
    sink_->abort();
    return record(synthesized.error());
  }
  if (cancel_) {
    sink_->abort();
    return;
  }
  sink_->finish(cancel_);
  if (cancel_) {
    sink_->abort();
    return;
  }
  if (!sink_ok) return record(Error{Errc::io, "audio output failed"});
  completed_.fetch_add(1);
}

}  // namespace motcua::kiosk::speech
