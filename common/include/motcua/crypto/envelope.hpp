#pragma once
// Sealing citizen data to the hub (envelope encryption). A kiosk that is stolen
// must not give away the dossiers it holds, so the moment a citizen confirms,
// everything personal is encrypted with a fresh AES-256-GCM data key, and that
// key is wrapped with the hub's RSA public key (RSA-OAEP, SHA-256). Only the
// hub, with its private key, can open it; the kiosk keeps a masked summary.
//
// Files use a chunked format so documents of any size stream through with
// constant memory, and truncation or reordering of chunks is detected:
//   header  "MCENC1" | u32 chunk size (BE) | 8-byte random nonce prefix
//   chunk i ciphertext | 16-byte GCM tag
//   nonce_i = prefix | u32 i (BE);  AAD_i = header | u32 i | u8 final
// The last chunk (possibly empty) has final = 1.

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "motcua/crypto/x509.hpp"
#include "motcua/util/error.hpp"

namespace motcua::crypto {

using DataKey = std::array<std::uint8_t, 32>;

DataKey new_data_key();

// RSA key pair for sealing (3072 bits: NIST's choice for use beyond 2030).
Result<PKey> generate_rsa_key(int bits = 3072);
std::string public_pem(const PKey& key);  // SubjectPublicKeyInfo
Result<PKey> load_public_key_pem(const std::string& pem);

// RSA-OAEP (SHA-256) wrap of a data key for the holder of the private key.
Result<std::vector<std::uint8_t>> wrap_key(const PKey& public_key, const DataKey& key);
Result<DataKey> unwrap_key(const PKey& private_key, std::span<const std::uint8_t> wrapped);

// Small messages: nonce (12) | ciphertext | tag (16).
std::vector<std::uint8_t> seal(const DataKey& key, std::span<const std::uint8_t> plaintext,
                               std::string_view associated_data = {});
Result<std::vector<std::uint8_t>> open(const DataKey& key, std::span<const std::uint8_t> sealed,
                                       std::string_view associated_data = {});

inline constexpr std::size_t kDefaultChunk = 1u << 20;

// Encrypts bytes into the chunked file format (for documents already in memory).
std::vector<std::uint8_t> encrypt_chunked(const DataKey& key, std::span<const std::uint8_t> plaintext,
                                          std::size_t chunk_size = kDefaultChunk);
// Streams a chunked file, handing each verified plaintext chunk to `sink` (in
// order; nothing unverified is ever handed out). Errc::corrupt on any tampering,
// truncation or a wrong key. `raw`, when given, sees every byte of the file as
// read (header, ciphertext and tags, in order): a caller can hash the file as
// sent in the same pass.
Result<std::uint64_t> decrypt_chunked_file(const DataKey& key, const std::filesystem::path& file,
                                           const std::function<Result<void>(std::span<const std::uint8_t>)>& sink,
                                           const std::function<void(std::span<const std::uint8_t>)>& raw = {});

}  // namespace motcua::crypto
