#pragma once
// Each utterance as DIR/speech-0001.wav, speech-0002.wav, … (RIFF/WAVE, PCM
// 16-bit mono). Used by tests and by `motcua-kiosk --speech-wav DIR` where a
// machine has no loudspeaker (headless runs, CI).

#include <cstdio>
#include <filesystem>
#include <memory>

#include "speech/audio_sink.hpp"

namespace motcua::kiosk::speech {

class WavFileSink final : public AudioSink {
 public:
  explicit WavFileSink(std::filesystem::path dir);
  ~WavFileSink() override;

  Result<void> begin(int sample_rate) override;
  bool write(std::span<const std::int16_t> samples, const std::atomic<bool>& cancel) override;
  void finish(const std::atomic<bool>& cancel) override;
  void abort() override;

  // The file of the latest utterance (empty before the first).
  const std::filesystem::path& last_file() const { return last_file_; }

 private:
  struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  void close_file();

  std::filesystem::path dir_;
  std::unique_ptr<std::FILE, FileCloser> file_;
  std::filesystem::path last_file_;
  std::uint32_t data_bytes_ = 0;
  unsigned next_number_ = 1;
};

}  // namespace motcua::kiosk::speech
