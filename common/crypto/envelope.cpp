#include "openssl_error.hpp"
#include "motcua/crypto/envelope.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <cstring>
#include <fstream>
#include <memory>

#include "motcua/crypto/random.hpp"

namespace motcua::crypto {

namespace {

struct CtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
struct PCtxFree {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};

constexpr char kMagic[] = "MCENC1";
constexpr std::size_t kMagicLen = 6;
constexpr std::size_t kHeaderLen = kMagicLen + 4 + 8;
constexpr std::size_t kTag = 16;
constexpr std::size_t kNonce = 12;

using detail::openssl_error;

void put_u32(std::uint8_t* p, std::uint32_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 24);
  p[1] = static_cast<std::uint8_t>(v >> 16);
  p[2] = static_cast<std::uint8_t>(v >> 8);
  p[3] = static_cast<std::uint8_t>(v);
}

std::uint32_t get_u32(const std::uint8_t* p) {
  return static_cast<std::uint32_t>(p[0]) << 24 | static_cast<std::uint32_t>(p[1]) << 16 |
         static_cast<std::uint32_t>(p[2]) << 8 | static_cast<std::uint32_t>(p[3]);
}

// One AES-256-GCM operation; returns false on authentication failure.
bool gcm(bool encrypt, const DataKey& key, const std::uint8_t* nonce, std::span<const std::uint8_t> aad,
         std::span<const std::uint8_t> in, std::uint8_t* out, std::uint8_t* tag) {
  std::unique_ptr<EVP_CIPHER_CTX, CtxFree> ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return false;
  if (EVP_CipherInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr, encrypt ? 1 : 0) != 1) return false;
  if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kNonce), nullptr) != 1) return false;
  if (EVP_CipherInit_ex(ctx.get(), nullptr, nullptr, key.data(), nonce, encrypt ? 1 : 0) != 1) return false;
  int len = 0;
  if (!aad.empty() && EVP_CipherUpdate(ctx.get(), nullptr, &len, aad.data(), static_cast<int>(aad.size())) != 1)
    return false;
  if (!in.empty() && EVP_CipherUpdate(ctx.get(), out, &len, in.data(), static_cast<int>(in.size())) != 1) return false;
  if (!encrypt && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTag), tag) != 1) return false;
  std::uint8_t final_block[16];
  if (EVP_CipherFinal_ex(ctx.get(), final_block, &len) != 1) return false;
  if (encrypt && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTag), tag) != 1) return false;
  return true;
}

std::vector<std::uint8_t> chunk_aad(std::span<const std::uint8_t> header, std::uint32_t index, bool final) {
  std::vector<std::uint8_t> aad(header.begin(), header.end());
  aad.resize(header.size() + 5);
  put_u32(aad.data() + header.size(), index);
  aad[header.size() + 4] = final ? 1 : 0;
  return aad;
}

}  // namespace

DataKey new_data_key() {
  DataKey k{};
  random_bytes(k);
  return k;
}

Result<PKey> generate_rsa_key(int bits) {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(bits));
  if (key == nullptr) return fail(openssl_error("RSA key generation"));
  return PKey(key);
}

std::string public_pem(const PKey& key) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PUBKEY(bio.get(), key.get());
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

Result<PKey> load_public_key_pem(const std::string& pem) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  EVP_PKEY* key = PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
  if (key == nullptr) return fail(Errc::invalid_argument, openssl_error("not a PEM public key").message);
  return PKey(key);
}

Result<std::vector<std::uint8_t>> wrap_key(const PKey& public_key, const DataKey& key) {
  std::unique_ptr<EVP_PKEY_CTX, PCtxFree> ctx(EVP_PKEY_CTX_new(public_key.get(), nullptr));
  if (!ctx || EVP_PKEY_encrypt_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_OAEP_PADDING) != 1 ||
      EVP_PKEY_CTX_set_rsa_oaep_md(ctx.get(), EVP_sha256()) != 1 ||
      EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.get(), EVP_sha256()) != 1)
    return fail(openssl_error("RSA-OAEP setup"));
  std::size_t len = 0;
  if (EVP_PKEY_encrypt(ctx.get(), nullptr, &len, key.data(), key.size()) != 1) return fail(openssl_error("RSA-OAEP size"));
  std::vector<std::uint8_t> out(len);
  if (EVP_PKEY_encrypt(ctx.get(), out.data(), &len, key.data(), key.size()) != 1) return fail(openssl_error("RSA-OAEP"));
  out.resize(len);
  return out;
}

Result<DataKey> unwrap_key(const PKey& private_key, std::span<const std::uint8_t> wrapped) {
  std::unique_ptr<EVP_PKEY_CTX, PCtxFree> ctx(EVP_PKEY_CTX_new(private_key.get(), nullptr));
  if (!ctx || EVP_PKEY_decrypt_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_OAEP_PADDING) != 1 ||
      EVP_PKEY_CTX_set_rsa_oaep_md(ctx.get(), EVP_sha256()) != 1 ||
      EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.get(), EVP_sha256()) != 1)
    return fail(openssl_error("RSA-OAEP setup"));
  std::size_t len = 0;
  if (EVP_PKEY_decrypt(ctx.get(), nullptr, &len, wrapped.data(), wrapped.size()) != 1) {
    ERR_clear_error();
    return fail(Errc::corrupt, "the sealed key cannot be opened with this hub's key");
  }
  std::vector<std::uint8_t> out(len);
  if (EVP_PKEY_decrypt(ctx.get(), out.data(), &len, wrapped.data(), wrapped.size()) != 1 || len != 32) {
    ERR_clear_error();
    return fail(Errc::corrupt, "the sealed key cannot be opened with this hub's key");
  }
  DataKey k{};
  std::memcpy(k.data(), out.data(), k.size());
  OPENSSL_cleanse(out.data(), out.size());
  return k;
}

std::vector<std::uint8_t> seal(const DataKey& key, std::span<const std::uint8_t> plaintext,
                               std::string_view associated_data) {
  std::vector<std::uint8_t> out(kNonce + plaintext.size() + kTag);
  random_bytes(std::span<std::uint8_t>(out.data(), kNonce));
  const std::span<const std::uint8_t> aad(reinterpret_cast<const std::uint8_t*>(associated_data.data()),
                                          associated_data.size());
  if (!gcm(true, key, out.data(), aad, plaintext, out.data() + kNonce, out.data() + kNonce + plaintext.size()))
    throw std::runtime_error("AES-256-GCM encryption failed");
  return out;
}

Result<std::vector<std::uint8_t>> open(const DataKey& key, std::span<const std::uint8_t> sealed,
                                       std::string_view associated_data) {
  if (sealed.size() < kNonce + kTag) return fail(Errc::corrupt, "sealed data is too short");
  const std::size_t n = sealed.size() - kNonce - kTag;
  std::vector<std::uint8_t> out(n);
  std::array<std::uint8_t, kTag> tag{};
  std::memcpy(tag.data(), sealed.data() + kNonce + n, kTag);
  const std::span<const std::uint8_t> aad(reinterpret_cast<const std::uint8_t*>(associated_data.data()),
                                          associated_data.size());
  if (!gcm(false, key, sealed.data(), aad, sealed.subspan(kNonce, n), out.data(), tag.data()))
    return fail(Errc::corrupt, "sealed data does not authenticate (tampered, or the wrong key)");
  return out;
}

std::vector<std::uint8_t> encrypt_chunked(const DataKey& key, std::span<const std::uint8_t> plaintext,
                                          std::size_t chunk_size) {
  std::vector<std::uint8_t> out(kHeaderLen);
  std::memcpy(out.data(), kMagic, kMagicLen);
  put_u32(out.data() + kMagicLen, static_cast<std::uint32_t>(chunk_size));
  random_bytes(std::span<std::uint8_t>(out.data() + kMagicLen + 4, 8));
  const std::vector<std::uint8_t> header(out.begin(), out.end());
  const std::size_t chunks = plaintext.size() / chunk_size + 1;  // the last one may be empty
  out.reserve(kHeaderLen + plaintext.size() + chunks * kTag);
  for (std::size_t i = 0; i < chunks; ++i) {
    const std::size_t off = i * chunk_size;
    const std::size_t n = std::min(chunk_size, plaintext.size() - off);
    const bool final = i + 1 == chunks;
    std::uint8_t nonce[kNonce];
    std::memcpy(nonce, header.data() + kMagicLen + 4, 8);
    put_u32(nonce + 8, static_cast<std::uint32_t>(i));
    const auto aad = chunk_aad(header, static_cast<std::uint32_t>(i), final);
    const std::size_t at = out.size();
    out.resize(at + n + kTag);
    if (!gcm(true, key, nonce, aad, plaintext.subspan(off, n), out.data() + at, out.data() + at + n))
      throw std::runtime_error("AES-256-GCM encryption failed");
  }
  return out;
}

Result<std::uint64_t> decrypt_chunked_file(const DataKey& key, const std::filesystem::path& file,
                                           const std::function<Result<void>(std::span<const std::uint8_t>)>& sink,
                                           const std::function<void(std::span<const std::uint8_t>)>& raw) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return fail(Errc::io, "cannot open " + file.string());
  std::error_code ec;
  const std::uint64_t total = std::filesystem::file_size(file, ec);
  if (ec) return fail(Errc::io, "cannot stat " + file.string());
  std::vector<std::uint8_t> header(kHeaderLen);
  if (!in.read(reinterpret_cast<char*>(header.data()), static_cast<std::streamsize>(kHeaderLen)) ||
      std::memcmp(header.data(), kMagic, kMagicLen) != 0)
    return fail(Errc::corrupt, file.string() + " is not an encrypted document");
  if (raw) raw(header);
  const std::size_t chunk = get_u32(header.data() + kMagicLen);
  if (chunk == 0 || chunk > (64u << 20)) return fail(Errc::corrupt, "encrypted document has an invalid chunk size");
  std::uint64_t remaining = total - kHeaderLen;
  // Not zeroed: every byte is read or decrypted into before it is used.
  const auto buf_owner = std::make_unique_for_overwrite<std::uint8_t[]>(chunk + kTag);
  const auto plain_owner = std::make_unique_for_overwrite<std::uint8_t[]>(chunk);
  std::uint8_t* const buf = buf_owner.get();
  std::uint8_t* const plain = plain_owner.get();
  std::uint64_t written = 0;
  for (std::uint32_t i = 0;; ++i) {
    // Every chunk but the last is full; the last is shorter than a chunk (maybe
    // empty, just its tag). A stream cut after a full chunk is therefore caught.
    if (remaining < kTag) return fail(Errc::corrupt, "encrypted document is truncated");
    bool final = false;
    std::size_t n = chunk;
    if (remaining < chunk + 2 * kTag) {
      final = true;
      n = static_cast<std::size_t>(remaining - kTag);
      if (n >= chunk) return fail(Errc::corrupt, "encrypted document is truncated");
    }
    if (!in.read(reinterpret_cast<char*>(buf), static_cast<std::streamsize>(n + kTag)))
      return fail(Errc::corrupt, "encrypted document is truncated");
    if (raw) raw(std::span<const std::uint8_t>(buf, n + kTag));
    std::uint8_t nonce[kNonce];
    std::memcpy(nonce, header.data() + kMagicLen + 4, 8);
    put_u32(nonce + 8, i);
    const auto aad = chunk_aad(header, i, final);
    if (!gcm(false, key, nonce, aad, std::span<const std::uint8_t>(buf, n), plain, buf + n))
      return fail(Errc::corrupt, "encrypted document does not authenticate (tampered, truncated, or the wrong key)");
    if (auto r = sink(std::span<const std::uint8_t>(plain, n)); !r) return fail(r.error());
    written += n;
    remaining -= n + kTag;
    if (final) break;
  }
  if (remaining != 0) return fail(Errc::corrupt, "encrypted document has trailing data");
  return written;
}

}  // namespace motcua::crypto
