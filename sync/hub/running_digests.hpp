#pragma once
// The sha256 of each active upload's bytes so far, kept in the hub's memory and
// fed on the hashing thread beside each chunk's checksum, so that completion
// checks the document's declared digest without reading the file again — or,
// for an upload whose client declared its chunks' digests, that every chunk so
// far matched them, so that nothing but the chunks' checksums is hashed
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

// How this process vouches for an upload's committed bytes.
struct Coverage {
  // Their sha256, to be fed with the next chunk.
  std::optional<crypto::Sha256> hash;
  // Every chunk so far matched the digest the client declared for it when it
  // created the upload (protocol::DeclaredChunks): no hash of the whole is
  // kept for these, the declared digests vouch for them.
  bool declared = false;
};

class RunningDigests {
 public:
  // At most `capacity` uploads are followed (about 200 bytes each); the one
  // used least recently makes room for a new one.
  explicit RunningDigests(std::size_t capacity) : capacity_(capacity) {}

  // How the upload's first `at.offset` bytes are vouched for: the hash is a
  // copy, so the entry stays as it is whatever becomes of the next chunk
  // (refused, cut, short) until advance() says it was committed. An upload at
  // offset 0 has both a fresh hash and (trivially) declared chunks. nullopt
  // when no entry covers exactly `at` (an entry for another point is dropped:
  // it can never match again).
  std::optional<Coverage> resume(const std::string& upload_id, const UploadPoint& at);

  // A chunk was committed: `digest` now covers the upload up to `at`.
  void advance(const std::string& upload_id, const UploadPoint& at, crypto::Sha256 digest);
  // A chunk matching its declared digest was committed: the declared digests
  // now cover the upload up to `at`.
  void advance_declared(const std::string& upload_id, const UploadPoint& at);

  // The upload completed, was terminated, refused or expired.
  void forget(const std::string& upload_id);

  // Drops the entries of uploads that `exists` says are gone (removed by
  // another hub process sharing DATA).
  void forget_unless(const std::function<bool(const std::string&)>& exists);

  std::size_t size() const;

 private:
  struct Entry {
    std::optional<crypto::Sha256> digest;  // nullopt: covered by declared chunk digests
    UploadPoint at;
    std::uint64_t used = 0;
  };
  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::uint64_t tick_ = 0;
  std::unordered_map<std::string, Entry> entries_;

  void put(const std::string& upload_id, Entry entry);
};

}  // namespace motcua::hub
