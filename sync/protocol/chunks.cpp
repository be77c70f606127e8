#include "motcua/protocol/chunks.hpp"

#include <algorithm>
#include <charconv>

namespace motcua::protocol {

namespace {

std::int64_t cap_of(const ChunkSchedule& s) { return std::max(s.first, s.max); }

// The chunk after one of `size` bytes (no overflow, whatever the sizes).
std::int64_t grown(const ChunkSchedule& s, std::int64_t size) {
  const std::int64_t cap = cap_of(s);
  return size >= cap / 2 ? cap : size * 2;
}

bool parse_int(std::string_view text, std::int64_t& out) {
  const auto* end = text.data() + text.size();
  const auto r = std::from_chars(text.data(), end, out);
  return r.ec == std::errc() && r.ptr == end && !text.empty();
}

}  // namespace

// Both walk the chunks while they grow (at most 63 of them), then count the
// chunks of the largest size arithmetically: any schedule costs the same.
std::optional<std::size_t> ChunkSchedule::index(std::int64_t offset, std::int64_t len) const {
  if (first <= 0 || offset < 0 || len <= 0 || offset >= length) return std::nullopt;
  const std::int64_t cap = cap_of(*this);
  std::int64_t at = 0, size = first;
  std::size_t k = 0;
  while (at < offset && size < cap) {
    at += size;
    size = grown(*this, size);
    ++k;
  }
  if (at < offset) {
    if ((offset - at) % cap != 0) return std::nullopt;
    k += static_cast<std::size_t>((offset - at) / cap);
    at = offset;
  }
  if (at != offset || len != std::min(size, length - at)) return std::nullopt;
  return k;
}

std::size_t ChunkSchedule::count() const {
  if (first <= 0 || length <= 0) return 0;
  const std::int64_t cap = cap_of(*this);
  std::int64_t at = 0, size = first;
  std::size_t n = 0;
  while (at < length && size < cap) {
    at += size;
    size = grown(*this, size);
    ++n;
  }
  if (at < length) n += static_cast<std::size_t>((length - at - 1) / cap + 1);
  return n;
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
