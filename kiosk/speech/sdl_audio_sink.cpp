#include "speech/sdl_audio_sink.hpp"

#include <chrono>
#include <string>
#include <thread>

#include <SDL.h>

namespace motcua::kiosk::speech {

namespace {
// While playing, the speech thread checks every 20 ms whether it must stop
// or may queue more: a stop is heard within that, and idle costs nothing.
constexpr auto kPoll = std::chrono::milliseconds(20);
// At most this much audio waits in SDL's queue (synthesis is much faster than
// speech: without a bound a long screen would sit in memory as samples).
constexpr Uint32 kMaxQueuedSeconds = 2;
}  // namespace

Result<std::unique_ptr<SdlAudioSink>> SdlAudioSink::open(int sample_rate) {
  std::unique_ptr<SdlAudioSink> sink(new SdlAudioSink());
  if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0)
    return fail(Errc::unavailable, std::string("no audio output: ") + SDL_GetError());
  sink->subsystem_ = true;
  if (auto ok = sink->open_device(sample_rate); !ok) return fail(ok.error());
  return sink;
}

SdlAudioSink::~SdlAudioSink() {
  close_device();
  if (subsystem_) SDL_QuitSubSystem(SDL_INIT_AUDIO);
}

Result<void> SdlAudioSink::open_device(int sample_rate) {
  close_device();
  SDL_AudioSpec want{};
  want.freq = sample_rate;
  want.format = AUDIO_S16SYS;
  want.channels = 1;
  want.samples = 1024;
  want.callback = nullptr;  // queue mode
  SDL_AudioSpec have{};
  device_ = SDL_OpenAudioDevice(nullptr, 0, &want, &have, 0);  // no changes allowed: SDL converts
  if (device_ == 0) return fail(Errc::unavailable, std::string("cannot open the audio device: ") + SDL_GetError());
  rate_ = sample_rate;
  SDL_PauseAudioDevice(device_, 0);  // play whatever gets queued
  return {};
}

void SdlAudioSink::close_device() {
  if (device_ == 0) return;
  SDL_CloseAudioDevice(device_);
  device_ = 0;
}

Result<void> SdlAudioSink::begin(int sample_rate) {
  if (device_ != 0 && sample_rate == rate_) {
    SDL_ClearQueuedAudio(device_);
    return {};
  }
  return open_device(sample_rate);
}

bool SdlAudioSink::write(std::span<const std::int16_t> samples, const std::atomic<bool>& cancel) {
  if (device_ == 0) return false;
  const Uint32 max_bytes = kMaxQueuedSeconds * static_cast<Uint32>(rate_) * 2;
  while (SDL_GetQueuedAudioSize(device_) > max_bytes) {
    if (cancel) return false;
    std::this_thread::sleep_for(kPoll);
  }
  return SDL_QueueAudio(device_, samples.data(), static_cast<Uint32>(samples.size_bytes())) == 0;
}

void SdlAudioSink::finish(const std::atomic<bool>& cancel) {
  if (device_ == 0) return;
  while (SDL_GetQueuedAudioSize(device_) > 0 && !cancel) std::this_thread::sleep_for(kPoll);
}

void SdlAudioSink::abort() {
  if (device_ != 0) SDL_ClearQueuedAudio(device_);
}

}  // namespace motcua::kiosk::speech
