#pragma once
// Cryptographically secure randomness (OpenSSL RAND_bytes) and tokens.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace motcua::crypto {

// Fills the buffer; aborts the process if the system RNG fails (nothing safe to do).
void random_bytes(std::span<std::uint8_t> out);
// Uniform integer in [0, bound) without modulo bias.
std::uint32_t random_below(std::uint32_t bound);
// URL-safe token with `bytes` bytes of entropy (hex encoded).
std::string random_token(std::size_t bytes = 32);
// Compares in time independent of where the inputs differ.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace motcua::crypto
