#pragma once
// Resumable uploads with the tus 1.0.0 protocol (libcurl), for the kiosk's
// documents. The file is streamed from disk in chunks (one PATCH each): memory
// does not grow with the file size. After any failure the uploader asks the
// server (HEAD) where to resume and trusts its Upload-Offset over its own
// count; a chunk answered 460 (checksum mismatch) is sent again; an upload the
// server no longer has (404/410) is created anew. The upload URL is handed to
// the caller as soon as it exists, so a restarted kiosk resumes the same upload.
// docs/uploads.md describes the protocol as the hub speaks it.

#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "motcua/client/hub_client.hpp"
#include "motcua/util/error.hpp"

namespace motcua::client {

struct TusUploaderOptions {
  // The uploads collection: a path appended to the endpoint's base_url.
  std::string collection = "/api/v1/uploads";
  // Bytes per PATCH. A chunk cut on the way is lost (the hub keeps nothing of a
  // checksummed request it did not receive whole), so the chunk halves after
  // each such failure (down to 16 KiB) and grows back after chunks that arrive.
  std::int64_t chunk_size = std::int64_t{8} << 20;
  // On a fast link the chunk doubles after each chunk acknowledged within
  // fast_chunk, up to max_chunk_size, so the fixed cost of a chunk (a round
  // trip, two fsyncs at the hub) stays small next to its transfer; it halves
  // back towards chunk_size after one that took more than 4 × fast_chunk. A cut
  // therefore costs about a second of transfer at most, whatever the link.
  // max_chunk_size ≤ chunk_size: every chunk is chunk_size. An upload with
  // digests for every chunk (TusUpload::chunk_digests) grows no further than
  // their schedule does: its chunks need no hashing while they are sent. 128
  // MiB is half the hub's limit per request.
  std::int64_t max_chunk_size = std::int64_t{128} << 20;
  std::chrono::milliseconds fast_chunk{1000};
  // Attempts in one upload() call that make no progress before it gives up
  // (the sync engine's backoff takes over; the upload stays resumable).
  int max_attempts = 4;
  // Pause before a retry: retry_delay, doubled each further failure. The first
  // retry after a failure that made progress is immediate.
  std::chrono::milliseconds retry_delay{250};
  // Send Upload-Checksum: sha256 with every chunk when the server offers it
  // (tus 1.0.0 "Checksum"): a chunk corrupted on the way is refused, not stored.
  bool checksums = true;
  // Our hub marks every answer with X-Motcua-Protocol; a reply without it (a
  // captive portal) is an Errc::protocol failure. Off only for foreign tus servers.
  bool require_protocol_header = true;
};

// What the server announced on OPTIONS (tus 1.0.0 core: discovery).
struct TusCapabilities {
  std::string version;
  std::vector<std::string> extensions;
  std::vector<std::string> checksum_algorithms;
  std::optional<std::int64_t> max_size;
  bool has(const std::string& extension) const;
  bool sha256_checksums() const;
};

struct TusUpload {
  std::filesystem::path file;
  // Upload-Metadata pairs; our hub needs "dossier" (client id) and "document".
  std::vector<std::pair<std::string, std::string>> metadata;
  // URL of an upload started earlier (persisted by the caller); empty: create one.
  std::string resume_url;
  // sha256 of the chunks the uploader will send, computed when the file was
  // written (the kiosk's outbox does, upload_digests()): the chunks start at
  // chunk_digest_size and double up to chunk_digest_max, as they do on a fast
  // link (chunk_digest_max ≤ chunk_digest_size: every chunk is
  // chunk_digest_size). A chunk that is one of them goes with its digest and
  // nothing is hashed now; others are hashed while sending (the next one on
  // another thread while one travels).
  std::vector<std::array<std::uint8_t, 32>> chunk_digests;
  std::int64_t chunk_digest_size = 0;
  std::int64_t chunk_digest_max = 0;
  // Called with the URL of a newly created upload before its first byte is
  // sent, to persist it; an error aborts the upload.
  std::function<Result<void>(const std::string& url)> on_created;
  // Bytes of the file the server holds or is receiving now; return false to
  // stop (the upload stays resumable; upload() fails with Errc::unavailable).
  std::function<bool(std::int64_t sent, std::int64_t total)> on_progress;
};

struct TusOutcome {
  std::string url;
  std::int64_t length = 0;
  std::int64_t resumed_from = 0;  // the server's offset when this call first asked
  std::int64_t bytes_sent = 0;    // body bytes this call put on the wire, re-sent ones included
  int patches = 0;                // PATCH requests sent
  int retries = 0;                // failures recovered from
  bool checksums = false;         // chunks carried Upload-Checksum: sha256
};

class TusUploader {
 public:
  explicit TusUploader(HubEndpoint endpoint, TusUploaderOptions options = {});
  ~TusUploader();
  TusUploader(TusUploader&&) noexcept;
  TusUploader& operator=(TusUploader&&) noexcept;

  // Uploads (or finishes uploading) the file. Errors: Errc::network /
  // unavailable / internal (try again later, same resume_url), Errc::protocol
  // (not our hub / not tus), the hub's own error (e.g. not_found: no such
  // declared document; invalid_argument: the hub refused the document's content).
  Result<TusOutcome> upload(const TusUpload& upload);

  // OPTIONS once per uploader (cached).
  Result<TusCapabilities> capabilities();

  // tus 1.0.0 "Termination".
  Result<void> terminate(const std::string& url);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The digest of a document and of the chunks an upload with these chunk sizes
// sends on a fast link (TusUpload::chunk_digests), in one pass over its bytes.
struct UploadDigests {
  std::array<std::uint8_t, 32> whole{};
  std::vector<std::array<std::uint8_t, 32>> chunks;
};
UploadDigests upload_digests(std::span<const std::uint8_t> bytes, std::int64_t first_chunk, std::int64_t max_chunk);

// The upload of one outbox document to our hub.
TusUpload document_upload(const std::string& dossier_client_id, const std::string& document_id,
                          const std::filesystem::path& file);

}  // namespace motcua::client
