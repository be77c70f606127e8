#pragma once
// Received documents, content-addressed: DATA/blobs/ab/abcdef…(sha256). A blob
// is streamed to a temporary file while hashing, checked against the declared
// digest and size (or a file already checked is adopted), fsynced and renamed
// into place — so a stored blob is always complete and correct, and storing the
// same content twice is a no-op.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>

#include "motcua/util/error.hpp"

namespace motcua::hub {

class BlobStore {
 public:
  explicit BlobStore(std::filesystem::path root) : root_(std::move(root)) {}

  std::filesystem::path path_for(const std::string& sha256_hex) const;
  bool contains(const std::string& sha256_hex) const;

  // `produce` is called with a sink; it feeds the body chunk by chunk and returns
  // false if the transfer broke. Fails with Errc::invalid_argument if the content
  // does not match expected_sha256/expected_size.
  using Sink = std::function<bool(const char* data, std::size_t size)>;
  Result<void> put(const std::string& expected_sha256, std::int64_t expected_size,
                   const std::function<bool(const Sink&)>& produce);

  // Content not known in advance (a document being decrypted): stored under the
  // digest computed while writing. Returns the digest (hex) and size.
  struct Stored {
    std::string sha256;
    std::int64_t size = 0;
  };
  // A file already checked to hold exactly this content (sha256 and size)
  // becomes the blob itself: fsynced and renamed into place, no copy. The file
  // must be on the blob store's file system (else it is copied). When the
  // content is stored already, the file is left alone.
  Result<Stored> adopt(const std::filesystem::path& file, const std::string& sha256_hex, std::int64_t size);

  Result<Stored> put_stream(const std::function<Result<void>(const std::function<Result<void>(std::span<const std::uint8_t>)>&)>& produce);

 private:
  std::filesystem::path root_;
};

}  // namespace motcua::hub
