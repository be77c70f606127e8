#include "motcua/util/ids.hpp"

#include <mutex>

namespace motcua {

namespace {
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::string Uuid::str() const {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (std::size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[bytes_[i] >> 4]);
    out.push_back(kHex[bytes_[i] & 0xF]);
  }
  return out;
}

std::optional<Uuid> Uuid::parse(std::string_view text) {
  if (text.size() != 36) return std::nullopt;
  std::array<std::uint8_t, 16> bytes{};
  std::size_t b = 0;
  for (std::size_t i = 0; i < 36;) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (text[i] != '-') return std::nullopt;
      ++i;
      continue;
    }
    const int hi = hex_value(text[i]);
    const int lo = hex_value(text[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    bytes[b++] = static_cast<std::uint8_t>(hi << 4 | lo);
    i += 2;
  }
  return Uuid(bytes);
}

std::int64_t Uuid::unix_millis() const {
  std::int64_t ms = 0;
  for (std::size_t i = 0; i < 6; ++i) ms = (ms << 8) | bytes_[i];
  return ms;
}

bool Uuid::is_nil() const {
  for (auto b : bytes_)
    if (b != 0) return false;
  return true;
}

UuidV7Generator::UuidV7Generator(const Clock& clock, RandomSource random)
    : clock_(clock), random_(std::move(random)) {}

Uuid UuidV7Generator::next() {
  std::array<std::uint8_t, 16> b{};
  random_(std::span<std::uint8_t>(b.data(), b.size()));
  std::int64_t ms = motcua::unix_millis(clock_.now());
  if (ms <= last_ms_) {
    // Same or earlier millisecond: keep the last timestamp and count up, so ids
    // never go backwards. On counter overflow borrow the next millisecond.
    if (counter_ == 0x0FFF) {
      ++last_ms_;
      counter_ = 0;
    } else {
      ++counter_;
    }
    ms = last_ms_;
  } else {
    last_ms_ = ms;
    counter_ = static_cast<std::uint16_t>(((b[6] << 8) | b[7]) & 0x07FF);  // random start, room to count
  }
  for (int i = 5; i >= 0; --i) {
    b[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(ms & 0xFF);
    ms >>= 8;
  }
  b[6] = static_cast<std::uint8_t>(0x70 | ((counter_ >> 8) & 0x0F));
  b[7] = static_cast<std::uint8_t>(counter_ & 0xFF);
  b[8] = static_cast<std::uint8_t>(0x80 | (b[8] & 0x3F));  // RFC 9562 variant
  return Uuid(b);
}

bool is_uuid_v7(std::string_view text) {
  const auto id = Uuid::parse(text);
  return id && id->version() == 7 && (id->bytes()[8] & 0xC0) == 0x80;
}

}  // namespace motcua
