#pragma once
// UUIDv7 (RFC 9562): 48-bit Unix milliseconds, then random bits. Time-ordered, so
// ids sort by creation and index well; unique across kiosks without coordination.

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "motcua/util/clock.hpp"

namespace motcua {

class Uuid {
 public:
  Uuid() = default;
  explicit Uuid(const std::array<std::uint8_t, 16>& bytes) : bytes_(bytes) {}

  // Canonical lower-case 8-4-4-4-12 form.
  std::string str() const;
  static std::optional<Uuid> parse(std::string_view text);

  int version() const { return bytes_[6] >> 4; }
  // Milliseconds since the Unix epoch encoded in a v7 id.
  std::int64_t unix_millis() const;
  const std::array<std::uint8_t, 16>& bytes() const { return bytes_; }
  bool is_nil() const;

  friend bool operator==(const Uuid&, const Uuid&) = default;
  friend auto operator<=>(const Uuid&, const Uuid&) = default;

 private:
  std::array<std::uint8_t, 16> bytes_{};
};

using RandomSource = std::function<void(std::span<std::uint8_t>)>;

// Generates v7 ids that are strictly increasing within one generator even when the
// clock stands still or steps back (a 12-bit counter in rand_a, RFC 9562 method 1).
class UuidV7Generator {
 public:
  UuidV7Generator(const Clock& clock, RandomSource random);
  Uuid next();

 private:
  const Clock& clock_;
  RandomSource random_;
  std::int64_t last_ms_ = -1;
  std::uint16_t counter_ = 0;
};

// True for a syntactically valid UUID of version 7.
bool is_uuid_v7(std::string_view text);

}  // namespace motcua
