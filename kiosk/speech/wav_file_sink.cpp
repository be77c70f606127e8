#include "speech/wav_file_sink.hpp"

#include <array>
#include <bit>
#include <cerrno>
#include <cstring>
#include <string>

namespace motcua::kiosk::speech {

namespace {

void put_u32(std::uint8_t* p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
void put_u16(std::uint8_t* p, std::uint16_t v) {
  p[0] = static_cast<std::uint8_t>(v);
  p[1] = static_cast<std::uint8_t>(v >> 8);
}

// The canonical 44-byte header of a PCM WAVE file (little-endian fields).
std::array<std::uint8_t, 44> wav_header(int sample_rate, std::uint32_t data_bytes) {
  std::array<std::uint8_t, 44> h{};
  std::memcpy(h.data(), "RIFF", 4);
  put_u32(h.data() + 4, 36 + data_bytes);
  std::memcpy(h.data() + 8, "WAVEfmt ", 8);
  put_u32(h.data() + 16, 16);  // fmt chunk size
  put_u16(h.data() + 20, 1);   // PCM
  put_u16(h.data() + 22, 1);   // mono
  const auto rate = static_cast<std::uint32_t>(sample_rate);
  put_u32(h.data() + 24, rate);
  put_u32(h.data() + 28, rate * 2);  // bytes per second
  put_u16(h.data() + 32, 2);         // bytes per frame
  put_u16(h.data() + 34, 16);        // bits per sample
  std::memcpy(h.data() + 36, "data", 4);
  put_u32(h.data() + 40, data_bytes);
  return h;
}

}  // namespace

WavFileSink::WavFileSink(std::filesystem::path dir) : dir_(std::move(dir)) {}

WavFileSink::~WavFileSink() { close_file(); }

Result<void> WavFileSink::begin(int sample_rate) {
  close_file();
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  char name[32];
  std::snprintf(name, sizeof name, "speech-%04u.wav", next_number_++);
  const auto path = dir_ / name;
  file_.reset(std::fopen(path.c_str(), "wb"));
  if (!file_) return fail(Errc::io, "cannot write " + path.string() + ": " + std::strerror(errno));
  last_file_ = path;
  data_bytes_ = 0;
  // The sizes are filled in when the utterance ends; the rate is known now.
  const auto h = wav_header(sample_rate, 0);
  if (std::fwrite(h.data(), 1, h.size(), file_.get()) != h.size()) return fail(Errc::io, "cannot write " + path.string());
  return {};
}

bool WavFileSink::write(std::span<const std::int16_t> samples, const std::atomic<bool>& cancel) {
  if (!file_ || cancel) return false;
  // Samples are written in the machine's order; WAV is little-endian, like every machine we run on.
  static_assert(std::endian::native == std::endian::little);
  const std::size_t n = std::fwrite(samples.data(), sizeof(std::int16_t), samples.size(), file_.get());
  data_bytes_ += static_cast<std::uint32_t>(n * sizeof(std::int16_t));
  return n == samples.size();
}

void WavFileSink::finish(const std::atomic<bool>&) { close_file(); }

void WavFileSink::abort() { close_file(); }

void WavFileSink::close_file() {
  if (!file_) return;
  // Patch the two sizes now that the data length is known.
  std::array<std::uint8_t, 4> v{};
  put_u32(v.data(), 36 + data_bytes_);
  std::fseek(file_.get(), 4, SEEK_SET);
  std::fwrite(v.data(), 1, 4, file_.get());
  put_u32(v.data(), data_bytes_);
  std::fseek(file_.get(), 40, SEEK_SET);
  std::fwrite(v.data(), 1, 4, file_.get());
  file_.reset();
}

}  // namespace motcua::kiosk::speech
