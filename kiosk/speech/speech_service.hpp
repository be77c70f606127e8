#pragma once
// The read-aloud's own thread: synthesis and playback never run on the UI
// thread. speak() replaces whatever is being said (a new screen, or the button
// pressed again on another screen) and stop() silences it within one audio
// buffer; the UI learns that speech ended through the wake callback and
// speaking(). Idle, the thread sleeps on a condition variable.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "speech/audio_sink.hpp"
#include "speech/synthesizer.hpp"

namespace motcua::kiosk::speech {

struct Utterance {
  std::string text;   // already normalised (speech_text.hpp)
  std::string voice;  // espeak-ng voice: "vi", "en"
};

class SpeechService {
 public:
  SpeechService(std::unique_ptr<Synthesizer> synth, std::unique_ptr<AudioSink> sink, std::function<void()> wake_ui);
  ~SpeechService();
  SpeechService(const SpeechService&) = delete;
  SpeechService& operator=(const SpeechService&) = delete;

  // Starts saying `u`, interrupting anything being said.
  void speak(Utterance u);
  void stop();
  // True from speak() until the utterance has been played, stopped or failed.
  bool speaking() const { return speaking_.load(); }
  // Utterances played to the end (tests wait on this).
  std::uint64_t completed() const { return completed_.load(); }
  // The last failure (synthesis or audio), for the log and the tests.
  std::optional<Error> last_error() const;

 private:
  void run(std::stop_token stop);
  void say(const Utterance& u);

  std::unique_ptr<Synthesizer> synth_;
  std::unique_ptr<AudioSink> sink_;
  std::function<void()> wake_ui_;
  std::atomic<bool> speaking_{false};
  std::atomic<bool> cancel_{false};  // the current utterance must stop
  bool busy_ = false;                 // the thread is saying something (guarded by mutex_)
  std::atomic<std::uint64_t> completed_{0};
  mutable std::mutex mutex_;
  std::condition_variable_any cv_;
  std::optional<Utterance> pending_;
  std::optional<Error> last_error_;
  std::jthread thread_;  // last: joins before the members above go away
};

}  // namespace motcua::kiosk::speech
