// The chunk schedule and the chunk digests a client declares at upload
// creation (motcua/protocol/chunks.hpp), both ends' shared code.
#include <gtest/gtest.h>

#include <random>

#include "motcua/client/tus_uploader.hpp"
#include "motcua/protocol/chunks.hpp"

namespace motcua {
namespace {

constexpr std::int64_t MiB = 1 << 20;

using protocol::ChunkSchedule;

// The chunks by walking them one by one, as the uploader sends them on a fast link.
std::vector<std::pair<std::int64_t, std::int64_t>> walk(const ChunkSchedule& s) {
  std::vector<std::pair<std::int64_t, std::int64_t>> out;
  for (std::int64_t at = 0, size = s.first; at < s.length; at += size, size = std::min(std::max(s.first, s.max), size * 2))
    out.emplace_back(at, std::min(size, s.length - at));
  return out;
}

TEST(ChunkSchedule, ChunksDoubleUpToTheLargestAndTheLastIsCutAtTheEnd) {
  const ChunkSchedule s{MiB, 4 * MiB, 12 * MiB + 3};  // 1, 2, 4, 4, then 1 MiB + 3
  EXPECT_EQ(s.count(), 5u);
  EXPECT_EQ(s.index(0, MiB), 0u);
  EXPECT_EQ(s.index(MiB, 2 * MiB), 1u);
  EXPECT_EQ(s.index(3 * MiB, 4 * MiB), 2u);
  EXPECT_EQ(s.index(7 * MiB, 4 * MiB), 3u);
  EXPECT_EQ(s.index(11 * MiB, MiB + 3), 4u);
  // Not a chunk: the wrong length, an offset inside one, past the end.
  EXPECT_FALSE(s.index(MiB, MiB));
  EXPECT_FALSE(s.index(11 * MiB, 4 * MiB));
  EXPECT_FALSE(s.index(2 * MiB, 2 * MiB));
  EXPECT_FALSE(s.index(12 * MiB + 3, 1));
  EXPECT_FALSE(s.index(0, 0));
}

TEST(ChunkSchedule, CountAndIndexAgreeWithWalkingTheChunksForAnySchedule) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 2000; ++i) {
    const ChunkSchedule s{1 + static_cast<std::int64_t>(rng() % 5000), static_cast<std::int64_t>(rng() % 40000),
                          static_cast<std::int64_t>(rng() % 300000)};
    const auto chunks = walk(s);
    ASSERT_EQ(s.count(), chunks.size()) << s.first << " " << s.max << " " << s.length;
    for (std::size_t k = 0; k < chunks.size(); ++k) ASSERT_EQ(s.index(chunks[k].first, chunks[k].second), k);
  }
  // Fixed chunks (max ≤ first), and no schedule at all.
  EXPECT_EQ((ChunkSchedule{8 * MiB, 0, 200 * MiB}.count()), 25u);
  EXPECT_EQ((ChunkSchedule{8 * MiB, 0, 200 * MiB}.index(192 * MiB, 8 * MiB)), 24u);
  EXPECT_EQ((ChunkSchedule{0, 0, MiB}.count()), 0u);
  EXPECT_FALSE((ChunkSchedule{0, 0, MiB}.index(0, MiB)));
}

TEST(ChunkSchedule, HugeFilesAndTinyChunksCostNothingToCount) {
  // One-byte chunks over 4 GiB: counted, not walked.
  const ChunkSchedule s{1, 1, std::int64_t{4} << 30};
  EXPECT_EQ(s.count(), std::size_t{4} << 30);
  EXPECT_EQ(s.index((std::int64_t{4} << 30) - 1, 1), (std::size_t{4} << 30) - 1);
  // Sizes near the top of the range do not overflow.
  const ChunkSchedule big{std::int64_t{1} << 61, INT64_MAX, INT64_MAX};
  EXPECT_EQ(big.count(), 3u);  // 2^61, 2^62, then the rest
}

TEST(DeclaredChunks, WhatTheUploaderDeclaresTheHubReadsBack) {
  std::vector<std::uint8_t> bytes(5 * MiB + 17);
  std::mt19937 rng(3);
  for (auto& b : bytes) b = static_cast<std::uint8_t>(rng());
  const auto digests = client::upload_digests(bytes, MiB, 2 * MiB);
  const ChunkSchedule s{MiB, 2 * MiB, static_cast<std::int64_t>(bytes.size())};
  ASSERT_EQ(digests.chunks.size(), s.count());
  const auto value = protocol::encode_declared_chunks({s, digests.chunks});
  ASSERT_TRUE(value);
  auto back = protocol::parse_declared_chunks(*value, s.length);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->schedule.first, MiB);
  EXPECT_EQ(back->schedule.max, 2 * MiB);
  EXPECT_EQ(back->digests, digests.chunks);
  // Read against another length, the same value is wrong: too few digests.
  auto other = protocol::parse_declared_chunks(*value, s.length + 4 * MiB);
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, Errc::invalid_argument);
}

TEST(DeclaredChunks, DigestsThatDoNotCoverTheFileOrAreTooManyAreNotDeclared) {
  const crypto::Digest d{};
  EXPECT_FALSE(protocol::encode_declared_chunks({{MiB, 0, 3 * MiB}, {d, d}}));  // three chunks, two digests
  EXPECT_FALSE(protocol::encode_declared_chunks({{MiB, 0, 0}, {}}));           // nothing to declare
  const ChunkSchedule many{MiB, 0, static_cast<std::int64_t>(protocol::kMaxDeclaredChunks + 1) * MiB};
  EXPECT_FALSE(protocol::encode_declared_chunks({many, std::vector<crypto::Digest>(protocol::kMaxDeclaredChunks + 1)}));
  const ChunkSchedule most{MiB, 0, static_cast<std::int64_t>(protocol::kMaxDeclaredChunks) * MiB};
  EXPECT_TRUE(protocol::encode_declared_chunks({most, std::vector<crypto::Digest>(protocol::kMaxDeclaredChunks)}));
}

TEST(DeclaredChunks, MalformedValuesSayWhatIsWrong) {
  const std::string one(64, 'a');
  const auto why = [](std::string_view value, std::int64_t length) {
    auto r = protocol::parse_declared_chunks(value, length);
    return r ? std::string("accepted") : r.error().message;
  };
  EXPECT_EQ(why("1048576 0 " + one, MiB), "accepted");
  EXPECT_NE(why("", MiB).find("must be"), std::string::npos);
  EXPECT_NE(why("1048576 " + one, MiB).find("must be"), std::string::npos);
  EXPECT_NE(why("-5 0 " + one, MiB).find("positive"), std::string::npos);
  EXPECT_NE(why("1x 0 " + one, MiB).find("positive"), std::string::npos);
  EXPECT_NE(why("1048576 0 " + one, 0).find("empty"), std::string::npos);
  EXPECT_NE(why("1048576 0 " + one + one, MiB).find("hex digits"), std::string::npos);
  EXPECT_NE(why("1048576 0 " + std::string(63, 'a') + "g", MiB).find("not hexadecimal"), std::string::npos);
  EXPECT_NE(why("1 0 " + one, std::int64_t{4} << 30).find("at most"), std::string::npos);
}

}  // namespace
}  // namespace motcua
