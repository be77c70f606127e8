#include "document_sink.hpp"

#include <openssl/crypto.h>

#include <cerrno>
#include <cstdio>
#include <functional>

#include "motcua/crypto/envelope.hpp"
#include "motcua/crypto/hash.hpp"
#include "motcua/protocol/envelope.hpp"
#include "motcua/util/fs.hpp"

namespace motcua::hub {

Result<bool> SealedDocumentSink::already_received(const UploadTarget& t) {
  return store_.document_is_received(t.kiosk_id, t.dossier_client_id, t.document_id);
}

Result<void> SealedDocumentSink::complete(const CompletedUpload& u) {
  const UploadTarget& t = u.target;
  auto decl = store_.declared_document(t.kiosk_id, t.dossier_client_id, t.document_id);
  if (!decl) return fail(decl.error());
  // 1. The transfer: exactly the declared bytes (the digest is checked below,
  //    in the same read of the file that stores its content).
  std::error_code ec;
  const auto size = std::filesystem::file_size(u.file, ec);
  if (ec) return fail(Errc::io, "cannot stat " + u.file.string());
  if (static_cast<std::int64_t>(size) != decl->size)
    return fail(Errc::invalid_argument, "document " + t.document_id + " has " + std::to_string(size) +
                                            " bytes, declared " + std::to_string(decl->size) + "; send it again");
  auto digest_mismatch = [&](const crypto::Digest& got) {
    return fail(Errc::invalid_argument, "document " + t.document_id + " does not match the sha256 declared at creation (got " +
                                            crypto::hex(got) + "); send it again");
  };

  // 2. The content.
  BlobStore::Stored stored;
  if (decl->encoding == protocol::kEncodingSealed) {
    if (!seal_key_) return fail(Errc::unavailable, "the hub has no sealing key loaded");
    auto wrapped = store_.sealed_key(t.kiosk_id, t.dossier_client_id);
    if (!wrapped) return fail(wrapped.error());
    protocol::SealedEnvelope env;
    env.key = *wrapped;
    auto key = keys_.open(*seal_key_, env);
    if (!key) return fail(Errc::invalid_argument, "document " + t.document_id + ": " + key.error().message);
    // One read of the file: the bytes as sent are hashed (the declared digest,
    // unless the upload checked it already) while they are decrypted; the
    // blob is kept only when both agree.
    crypto::Sha256 sent;
    std::function<void(std::span<const std::uint8_t>)> hash_sent;
    if (!u.digest_verified) hash_sent = [&](std::span<const std::uint8_t> raw) { sent.update(raw); };
    auto put = blobs_.put_stream([&](const auto& sink) -> Result<void> {
      auto n = crypto::decrypt_chunked_file(*key, u.file, sink, hash_sent);
      if (!n) return fail(n.error().code == Errc::corrupt ? Errc::invalid_argument : n.error().code,
                          "document " + t.document_id + ": " + n.error().message);
      if (u.digest_verified) return {};
      if (const auto got = sent.finish(); crypto::hex(got) != decl->sha256) return digest_mismatch(got);
      return {};
    });
    OPENSSL_cleanse(key->data(), key->size());
    if (!put) return fail(put.error());
    stored = *put;
  } else {
    // identity: the bytes are the content. One read to check the digest, then
    // the file itself becomes the blob (renamed, not copied).
    if (!u.digest_verified) {
      auto digest = crypto::sha256_file(u.file);
      if (!digest) return fail(digest.error());
      if (crypto::hex(*digest) != decl->sha256) return digest_mismatch(*digest);
    }
    auto put = blobs_.adopt(u.file, decl->sha256, decl->size);
    if (!put) return fail(put.error());
    stored = *put;
  }
  return store_.document_received(t.kiosk_id, {t.dossier_client_id, t.document_id, decl->sha256, decl->size,
                                               stored.sha256, stored.size});
}

}  // namespace motcua::hub
