#pragma once
// Text to speech samples. The read-aloud's one implementation is espeak-ng
// (espeak_synthesizer.hpp); the interface keeps the speech thread and its
// tests independent of the engine's C API.

#include <cstdint>
#include <functional>
#include <span>
#include <string_view>

#include "motcua/util/error.hpp"

namespace motcua::kiosk::speech {

// Chunks of signed 16-bit mono samples as they are produced; return false to
// stop synthesis (a newer request, or the citizen left the screen).
using PcmConsumer = std::function<bool(std::span<const std::int16_t>)>;

class Synthesizer {
 public:
  virtual ~Synthesizer() = default;
  // Samples per second of what synthesize() produces; loads the engine if needed.
  virtual Result<int> sample_rate() = 0;
  // Speaks `text` (UTF-8) with `voice` ("vi", "en"), streaming the samples to
  // `pcm`. Returns once all samples were delivered or `pcm` returned false.
  virtual Result<void> synthesize(std::string_view text, std::string_view voice, const PcmConsumer& pcm) = 0;
};

}  // namespace motcua::kiosk::speech
