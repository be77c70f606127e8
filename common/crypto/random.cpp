#include "motcua/crypto/random.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

#include "motcua/crypto/hash.hpp"

namespace motcua::crypto {

void random_bytes(std::span<std::uint8_t> out) {
  if (out.empty()) return;
  if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) {
    std::fputs("fatal: RAND_bytes failed\n", stderr);
    std::abort();
  }
}

std::uint32_t random_below(std::uint32_t bound) {
  if (bound <= 1) return 0;
  const std::uint32_t limit = UINT32_MAX - (UINT32_MAX % bound);
  for (;;) {
    std::uint32_t v = 0;
    random_bytes(std::span<std::uint8_t>(reinterpret_cast<std::uint8_t*>(&v), sizeof v));
    if (v < limit) return v % bound;
  }
}

std::string random_token(std::size_t bytes) {
  std::vector<std::uint8_t> buf(bytes);
  random_bytes(buf);
  return hex(buf);
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace motcua::crypto
