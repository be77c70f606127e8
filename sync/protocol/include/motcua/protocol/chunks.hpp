#pragma once
// The chunks of a tus upload and the digests a client declares for them when
// it creates the upload (Upload-Metadata "chunks", docs/uploads.md). Shared by
// the kiosk's uploader, which sends the chunks, and the hub, which checks them,
// so both ends cut a file the same way by construction.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "motcua/crypto/hash.hpp"
#include "motcua/util/error.hpp"

namespace motcua::protocol {

// Chunks of a file of `length` bytes that start at `first` bytes and double
// after each one up to `max` (max ≤ first: every chunk is `first`); the last
// one is cut at the end of the file.
struct ChunkSchedule {
  std::int64_t first = 0, max = 0, length = 0;
  // Index of the chunk that is exactly [offset, offset + len), if any.
  std::optional<std::size_t> index(std::int64_t offset, std::int64_t len) const;
  // How many chunks the file has (0 for an empty file or no schedule).
  std::size_t count() const;
  // The size of the chunk after one of `size` bytes (before the end of the
  // file cuts it): twice as large, up to max(first, max). Never overflows.
  std::int64_t after(std::int64_t size) const;

 private:
  struct Walk {
    std::int64_t at = 0, size = 0;
    std::size_t k = 0;
  };
  // Chunk by chunk while they grow (at most 63 of them), stopping at the
  // first chunk at or past `limit` or the first of the largest size.
  Walk walk_growth(std::int64_t limit) const;
};

// The Upload-Metadata key of the declaration.
inline constexpr std::string_view kChunksKey = "chunks";
// A declaration is at most this many digests (6.5 KiB of header with the tus
// metadata's base64): a 4 GiB file in chunks growing to 64 MiB has 66. More
// chunks than that are simply not declared.
inline constexpr std::size_t kMaxDeclaredChunks = 80;

// sha256 of each chunk of the schedule, made in the same pass over the file as
// the document's own digest. A hub that receives every chunk matching its
// declared digest has the very bytes the client hashed, and need not hash
// them again to compare with the document's digest.
struct DeclaredChunks {
  ChunkSchedule schedule;
  std::vector<crypto::Digest> digests;  // schedule.count() of them
};

// The metadata value "<first> <max> <hex of each digest>", or nullopt when the
// digests do not cover every chunk of the file or are too many to declare.
std::optional<std::string> encode_declared_chunks(const DeclaredChunks& d);
// Errc::invalid_argument with what is wrong.
Result<DeclaredChunks> parse_declared_chunks(std::string_view value, std::int64_t length);

}  // namespace motcua::protocol
