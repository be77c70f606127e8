#pragma once
// SHA-256 over OpenSSL EVP, one-shot and streaming; hex and base64 codecs.

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "motcua/util/error.hpp"

struct evp_md_ctx_st;

namespace motcua::crypto {

using Digest = std::array<std::uint8_t, 32>;

class Sha256 {
 public:
  Sha256();
  void update(std::span<const std::uint8_t> bytes);
  void update(std::string_view text);
  Digest finish();
  // An independent copy of the state so far (EVP_MD_CTX_copy_ex): both go on
  // from here without affecting each other. Used to keep a hash that a later
  // update may have to be taken back from (a rejected upload chunk).
  Sha256 clone() const;

 private:
  struct Free {
    void operator()(evp_md_ctx_st* ctx) const;
  };
  std::unique_ptr<evp_md_ctx_st, Free> ctx_;
};

Digest sha256(std::span<const std::uint8_t> bytes);
Digest sha256(std::string_view text);
std::string sha256_hex(std::string_view text);
// Streams the file (constant memory).
Result<Digest> sha256_file(const std::filesystem::path& path);

std::string hex(std::span<const std::uint8_t> bytes);
bool from_hex(std::string_view text, std::vector<std::uint8_t>& out);
std::string base64(std::span<const std::uint8_t> bytes);
bool from_base64(std::string_view text, std::vector<std::uint8_t>& out);

inline std::string hex(const Digest& d) { return hex(std::span<const std::uint8_t>(d)); }

}  // namespace motcua::crypto
