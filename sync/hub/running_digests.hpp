#pragma once
// The sha256 of each active upload's bytes so far, kept in the hub's memory and
// fed on the hashing thread beside each chunk's checksum, so that completion
// checks the document's declared digest without reading the file again
// (docs/performance.md, issue 4; docs/uploads.md).
//
// Only ever a shortcut: an upload this process holds no entry for, or whose
// entry does not match the upload's committed state exactly (the hub restarted,
// another hub process sharing DATA took a chunk, the entry was evicted), is
// checked by a full pass over its file as before.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "motcua/crypto/hash.hpp"

namespace motcua::hub {

// A committed state of an upload, as its state record says: how far, and which
// record said so. Offset alone is not enough: a record lost in a power cut
// puts the offset back, and the same offset can then be reached again with
// other bytes (by another hub process, say).
struct UploadPoint {
  std::int64_t offset = 0;
  std::uint64_t commit = 0;
  std::int64_t expires_ms = 0;
  bool operator==(const UploadPoint&) const = default;
};

class RunningDigests {
 public:
  // At most `capacity` uploads are followed (about 200 bytes each); the one
  // used least recently makes room for a new one.
  explicit RunningDigests(std::size_t capacity) : capacity_(capacity) {}

  // The hash of the upload's first `at.offset` bytes, to be fed with the next
  // chunk: a copy, so the entry stays as it is whatever becomes of the chunk
  // (refused, cut, short) until advance() says it was committed. An upload at
  // offset 0 always has one. nullopt when no entry covers exactly `at` (an
  // entry for another point is dropped: it can never match again).
  std::optional<crypto::Sha256> resume(const std::string& upload_id, const UploadPoint& at);

  // A chunk was committed: `digest` now covers the upload up to `at`.
  void advance(const std::string& upload_id, const UploadPoint& at, crypto::Sha256 digest);

  // The upload completed, was terminated, refused or expired.
  void forget(const std::string& upload_id);

  // Drops the entries of uploads that `exists` says are gone (removed by
  // another hub process sharing DATA).
  void forget_unless(const std::function<bool(const std::string&)>& exists);

  std::size_t size() const;

 private:
  struct Entry {
    crypto::Sha256 digest;
    UploadPoint at;
    std::uint64_t used = 0;
  };
  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::uint64_t tick_ = 0;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace motcua::hub
