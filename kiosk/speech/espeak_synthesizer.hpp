#pragma once
// espeak-ng through its C API (libespeak-ng 1.51), in synchronous mode: samples
// come back through a callback and we decide where they go (the audio device,
// or a WAV file in tests), instead of espeak-ng opening a device itself.
//
// espeak-ng keeps its state in globals, so a process may hold one
// EspeakSynthesizer at a time (a second one reports Errc::unavailable), and
// every call must come from one thread at a time — the speech thread.

#include <memory>
#include <string>

#include "speech/synthesizer.hpp"

namespace motcua::kiosk::speech {

struct EspeakOptions {
  // Words per minute. espeak-ng's default (175) is fast for an older citizen
  // listening to unfamiliar administrative words.
  int rate = 145;
  // Directory containing espeak-ng-data; empty = the installed default.
  std::string data_path;
};

class EspeakSynthesizer final : public Synthesizer {
 public:
  explicit EspeakSynthesizer(EspeakOptions options = {});
  ~EspeakSynthesizer() override;
  EspeakSynthesizer(const EspeakSynthesizer&) = delete;
  EspeakSynthesizer& operator=(const EspeakSynthesizer&) = delete;

  Result<int> sample_rate() override;
  Result<void> synthesize(std::string_view text, std::string_view voice, const PcmConsumer& pcm) override;

 private:
  Result<void> ensure_initialized();

  EspeakOptions options_;
  bool owns_engine_ = false;  // this object claimed the process's espeak-ng
  int sample_rate_ = 0;       // > 0 once espeak_Initialize succeeded
  std::string voice_;         // currently selected voice
};

}  // namespace motcua::kiosk::speech
