#pragma once
// Resumable document uploads: the tus 1.0.0 protocol (core + creation + checksum
// (sha256) + expiration + termination) under /api/v1/uploads, for kiosks
// (client certificate). docs/uploads.md describes the endpoints.
//
// Upload state lives on the file system, not in the database, so several hub
// processes sharing the data directory serve the same uploads:
//   DATA/uploads/<id>.info   JSON (kiosk, dossier, document, length, expiry,
//                            completed), written at creation and completion
//   DATA/uploads/<id>.offset the committed offset and expiry: two checksummed
//                            slots written alternately in place and fsynced
//                            after each PATCH that moves the offset
//   DATA/uploads/<id>.data   the bytes received so far (only the first `offset`
//                            of them count: bytes of a request cut short by a
//                            crash are dropped by the next PATCH)
//   DATA/uploads/<id>.lock   flock()ed by the request writing to the upload
// When the last byte arrives, the file goes to an UploadSink (the document
// pipeline) that verifies it and stores it; only then is the upload complete.
// The document's sha256 is hashed as the chunks arrive (in memory, not on disk:
// running_digests.hpp), so the sink need not read the file again to check it
// unless this process did not see every chunk (a restart, another hub process).

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "hub_store.hpp"
#include "motcua/util/clock.hpp"
#include "motcua/util/error.hpp"

namespace httplib {
class Server;
struct Request;
}  // namespace httplib

namespace motcua::hub {

// The document an upload carries, as declared at dossier creation.
struct UploadTarget {
  std::string kiosk_id;
  std::string dossier_client_id;
  std::string document_id;
  std::int64_t length = 0;
  std::string sha256;  // declared digest (hex)
};

struct CompletedUpload {
  UploadTarget target;
  // The complete data file (exactly target.length bytes, not necessarily
  // fsynced: the sink makes durable whatever it keeps). The sink may rename it
  // away; whatever is left there afterwards is removed.
  std::filesystem::path file;
  // The file's sha256 was checked against target.sha256 already: one request
  // carried the whole upload with a matching checksum, or the hub hashed every
  // byte of the file as it was written (its running document hash).
  bool digest_verified = false;
};

// Where completed uploads go: verify, store, mark the document received.
class UploadSink {
 public:
  virtual ~UploadSink() = default;
  // Asked at creation: true when the hub already holds this document's content
  // (the sink marks it received), so the upload is created complete.
  virtual Result<bool> already_received(const UploadTarget& target) = 0;
  // The last byte arrived. Errc::invalid_argument / Errc::conflict mean "this
  // content is wrong": the upload is deleted and the client starts over. Any
  // other error is transient: the final request's bytes are discarded (offset
  // unchanged) so the client re-sends them and completion is tried again.
  virtual Result<void> complete(const CompletedUpload& upload) = 0;
};

struct TusOptions {
  std::filesystem::path dir;  // DATA/uploads
  // An upload not completed this long after its creation or its last PATCH
  // expires (tus 1.0.0 "Expiration"); completed ones are forgotten then too.
  std::chrono::seconds lifetime{std::chrono::hours(24 * 7)};
  std::int64_t max_size = std::int64_t{4} << 30;  // Tus-Max-Size
  std::chrono::seconds sweep_interval{std::chrono::minutes(10)};
  // Uploads whose document hash is kept in memory as their chunks arrive
  // (running_digests.hpp; a few hundred bytes each). Beyond that many at once,
  // the least recently used ones are checked by a full pass at completion.
  std::size_t running_digests = 4096;
};

class TusServer {
 public:
  // The kiosk id of an authenticated kiosk caller, nullopt for anyone else.
  using KioskOf = std::function<std::optional<std::string>(const httplib::Request&)>;

  TusServer(TusOptions options, HubStore& store, UploadSink& sink, const Clock& clock);
  ~TusServer();
  TusServer(const TusServer&) = delete;
  TusServer& operator=(const TusServer&) = delete;

  void register_routes(httplib::Server& server, KioskOf kiosk_of);

  // Removes expired uploads (and leftovers of creations cut by a crash) that no
  // request is writing to. Returns how many uploads were removed.
  Result<int> sweep();
  // Sweeps now, then every sweep_interval on a background thread until destruction.
  void start_sweeper();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread sweeper_;
};

}  // namespace motcua::hub
