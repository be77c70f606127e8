#pragma once
// Where every document a kiosk sends ends up (tus uploads and the single-request
// PUT alike): the bytes received must be exactly what the kiosk declared (size
// and sha256); a sealed document (mcenc1) is then opened with the dossier's data
// key — unwrapped with the hub's private sealing key — and its plaintext streams
// into the content-addressed blob store; finally the document is marked received.
// Nothing half-done is ever marked received.

#include <memory>

#include "blob_store.hpp"
#include "data_key_cache.hpp"
#include "hub_store.hpp"
#include "motcua/crypto/x509.hpp"
#include "tus_server.hpp"

namespace motcua::hub {

class SealedDocumentSink final : public UploadSink {
 public:
  SealedDocumentSink(BlobStore& blobs, HubStore& store, DataKeyCache& keys) : blobs_(blobs), store_(store), keys_(keys) {}
  // The hub's private sealing key (DATA/seal-key.pem), set once at start-up.
  void set_seal_key(std::shared_ptr<const crypto::PKey> key) { seal_key_ = std::move(key); }

  Result<bool> already_received(const UploadTarget& target) override;
  Result<void> complete(const CompletedUpload& upload) override;

 private:
  BlobStore& blobs_;
  HubStore& store_;
  DataKeyCache& keys_;
  std::shared_ptr<const crypto::PKey> seal_key_;
};

}  // namespace motcua::hub
