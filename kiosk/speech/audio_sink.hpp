#pragma once
// Where spoken samples go: the kiosk's loudspeaker (SdlAudioSink, in the
// kiosk program) or WAV files (WavFileSink: tests and headless runs, so a test
// can check that audio was produced). Every call comes from the speech thread.

#include <atomic>
#include <cstdint>
#include <span>

#include "motcua/util/error.hpp"

namespace motcua::kiosk::speech {

class AudioSink {
 public:
  virtual ~AudioSink() = default;
  // A new utterance of 16-bit mono samples at `sample_rate`.
  virtual Result<void> begin(int sample_rate) = 0;
  // Appends samples. A device sink may block while more than a couple of
  // seconds are waiting to be played (so memory stays bounded); it returns
  // false early once `cancel` is set.
  virtual bool write(std::span<const std::int16_t> samples, const std::atomic<bool>& cancel) = 0;
  // The utterance is complete: returns when it has been played (or written),
  // or early once `cancel` is set.
  virtual void finish(const std::atomic<bool>& cancel) = 0;
  // Stop at once: drop whatever has not been played yet.
  virtual void abort() = 0;
};

}  // namespace motcua::kiosk::speech
