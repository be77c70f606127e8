#include "motcua/protocol/chunks.hpp"

#include <algorithm>
#include <charconv>

namespace motcua::protocol {

namespace {

bool parse_int(std::string_view text, std::int64_t& out) {
  const auto* end = text.data() + text.size();
  const auto r = std::from_chars(text.data(), end, out);
  return r.ec == std::errc() && r.ptr == end && !text.empty();
}

}  // namespace

std::int64_t ChunkSchedule::after(std::int64_t size) const {
  const std::int64_t cap = std::max(first, max);
  return size >= cap / 2 ? cap : size * 2;
}

ChunkSchedule::Walk ChunkSchedule::walk_growth(std::int64_t limit) const {
  const std::int64_t cap = std::max(first, max);
  Walk w{0, first, 0};
  while (w.at < limit && w.size < cap) {
    w.at += w.size;
    w.size = after(w.size);
    ++w.k;
  }
  return w;
}

// Both count the chunks of the largest size arithmetically, after the
// growing ones: any schedule costs the same.
std::optional<std::size_t> ChunkSchedule::index(std::int64_t offset, std::int64_t len) const {
  if (first <= 0 || offset < 0 || len <= 0 || offset >= length) return std::nullopt;
  auto w = walk_growth(offset);
  if (w.at < offset) {  // among the chunks of the largest size, w.size
    if ((offset - w.at) % w.size != 0) return std::nullopt;
    w.k += static_cast<std::size_t>((offset - w.at) / w.size);
    w.at = offset;
  }
  if (w.at != offset || len != std::min(w.size, length - w.at)) return std::nullopt;
  return w.k;
}

std::size_t ChunkSchedule::count() const {
  if (first <= 0 || length <= 0) return 0;
  const auto w = walk_growth(length);
  return w.k + (w.at < length ? static_cast<std::size_t>((length - w.at - 1) / w.size + 1) : 0);
}

std::optional<std::string> encode_declared_chunks(const DeclaredChunks& d) {
  const std::size_t n = d.schedule.count();
  if (n == 0 || n > kMaxDeclaredChunks || d.digests.size() != n) return std::nullopt;
  std::string out = std::to_string(d.schedule.first) + ' ' + std::to_string(d.schedule.max) + ' ';
  out.reserve(out.size() + 64 * n);
  for (const auto& digest : d.digests) out += crypto::hex(digest);
  return out;
}

Result<DeclaredChunks> parse_declared_chunks(std::string_view value, std::int64_t length) {
  const auto bad = [](const std::string& why) {
    return fail(Errc::invalid_argument, "Upload-Metadata chunks: " + why);
  };
  const auto s1 = value.find(' ');
  const auto s2 = s1 == std::string_view::npos ? s1 : value.find(' ', s1 + 1);
  if (s2 == std::string_view::npos) return bad("must be \"<first chunk> <largest chunk> <hex sha256 of each chunk>\"");
  DeclaredChunks d;
  d.schedule.length = length;
  if (!parse_int(value.substr(0, s1), d.schedule.first) || d.schedule.first <= 0 ||
      !parse_int(value.substr(s1 + 1, s2 - s1 - 1), d.schedule.max) || d.schedule.max < 0)
    return bad("the chunk sizes must be positive integers");
  const std::size_t n = d.schedule.count();
  if (n == 0) return bad("an empty upload has no chunks");
  if (n > kMaxDeclaredChunks) return bad(std::to_string(n) + " chunks; at most " + std::to_string(kMaxDeclaredChunks) + " can be declared");
  const std::string_view hexes = value.substr(s2 + 1);
  if (hexes.size() != 64 * n)
    return bad("expected the sha256 of each of the " + std::to_string(n) + " chunks (" + std::to_string(64 * n) +
               " hex digits), got " + std::to_string(hexes.size()) + " characters");
  std::vector<std::uint8_t> bytes;
  if (!crypto::from_hex(hexes, bytes) || bytes.size() != 32 * n) return bad("the digests are not hexadecimal");
  d.digests.resize(n);
  for (std::size_t k = 0; k < n; ++k) std::copy_n(bytes.begin() + static_cast<std::ptrdiff_t>(32 * k), 32, d.digests[k].begin());
  return d;
}

}  // namespace motcua::protocol
