#pragma once
// The loudspeaker: SDL2's default audio output device, fed with
// SDL_QueueAudio from the speech thread (no audio callback to synchronise
// with). Part of the kiosk program, which already links SDL; headless runs set
// SDL_AUDIODRIVER=dummy, which plays into nothing at real-time speed.

#include <memory>

#include "speech/audio_sink.hpp"

namespace motcua::kiosk::speech {

class SdlAudioSink final : public AudioSink {
 public:
  // Initialises SDL's audio subsystem (call on the main thread, after SDL_Init)
  // and opens the default output device; an error when there is none.
  static Result<std::unique_ptr<SdlAudioSink>> open(int sample_rate = 22050);
  ~SdlAudioSink() override;
  SdlAudioSink(const SdlAudioSink&) = delete;
  SdlAudioSink& operator=(const SdlAudioSink&) = delete;

  Result<void> begin(int sample_rate) override;
  bool write(std::span<const std::int16_t> samples, const std::atomic<bool>& cancel) override;
  void finish(const std::atomic<bool>& cancel) override;
  void abort() override;

 private:
  SdlAudioSink() = default;
  Result<void> open_device(int sample_rate);
  void close_device();

  bool subsystem_ = false;
  unsigned device_ = 0;  // SDL_AudioDeviceID; 0 = none
  int rate_ = 0;
};

}  // namespace motcua::kiosk::speech
