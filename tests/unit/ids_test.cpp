#include <gtest/gtest.h>

#include <set>

#include "motcua/crypto/random.hpp"
#include "motcua/util/clock.hpp"
#include "motcua/util/ids.hpp"

using namespace motcua;

namespace {
RandomSource secure() {
  return [](std::span<std::uint8_t> b) { crypto::random_bytes(b); };
}
}  // namespace

TEST(UuidV7, HasVersionVariantAndTimestamp) {
  ManualClock clock(from_unix_millis(1764477804123));
  UuidV7Generator gen(clock, secure());
  const Uuid id = gen.next();
  EXPECT_EQ(id.version(), 7);
  EXPECT_EQ(id.bytes()[8] & 0xC0, 0x80);
  EXPECT_EQ(id.unix_millis(), 1764477804123);
  EXPECT_TRUE(is_uuid_v7(id.str()));
  EXPECT_EQ(id.str().size(), 36u);
}

TEST(UuidV7, StrictlyIncreasesEvenWhenTheClockStandsStillOrStepsBack) {
  ManualClock clock(from_unix_millis(1764477804123));
  UuidV7Generator gen(clock, secure());
  Uuid prev = gen.next();
  for (int i = 0; i < 10000; ++i) {
    if (i == 5000) clock.advance(std::chrono::milliseconds(-2000));  // NTP step back
    const Uuid next = gen.next();
    ASSERT_LT(prev, next) << i;
    ASSERT_LT(prev.str(), next.str()) << "text order must match byte order";
    prev = next;
  }
}

TEST(UuidV7, ParsesItsOwnOutputAndRejectsGarbage) {
  SystemClock clock;
  UuidV7Generator gen(clock, secure());
  const Uuid id = gen.next();
  EXPECT_EQ(Uuid::parse(id.str()), id);
  EXPECT_FALSE(Uuid::parse("not-a-uuid"));
  EXPECT_FALSE(Uuid::parse("0193f0c2-7c1e-7a3b-9d2e-4b5c6d7e8f9"));   // short
  EXPECT_FALSE(Uuid::parse("0193f0c2x7c1e-7a3b-9d2e-4b5c6d7e8f90"));  // bad separator
  EXPECT_FALSE(is_uuid_v7("0193f0c2-7c1e-4a3b-9d2e-4b5c6d7e8f90"));   // v4
}

TEST(UuidV7, UniqueAcrossGenerators) {
  SystemClock clock;
  UuidV7Generator a(clock, secure()), b(clock, secure());
  std::set<std::string> seen;
  for (int i = 0; i < 2000; ++i) {
    ASSERT_TRUE(seen.insert(a.next().str()).second);
    ASSERT_TRUE(seen.insert(b.next().str()).second);
  }
}

TEST(Clock, FormatsAndParsesRfc3339) {
  const TimePoint t = from_unix_millis(1764477804123);
  EXPECT_EQ(format_utc(t), "2025-11-30T04:43:24.123Z");
  EXPECT_EQ(format_vietnam(t), "2025-11-30T11:43:24+07:00");
  TimePoint back;
  ASSERT_TRUE(parse_rfc3339("2025-11-30T04:43:24.123Z", back));
  EXPECT_EQ(back, t);
  ASSERT_TRUE(parse_rfc3339("2025-11-30T11:43:24.123+07:00", back));
  EXPECT_EQ(back, t);
  EXPECT_FALSE(parse_rfc3339("2025-13-30T04:43:24Z", back));
  EXPECT_FALSE(parse_rfc3339("yesterday", back));
  EXPECT_FALSE(parse_rfc3339("2025-11-30T04:43:24", back));  // no zone
}

TEST(Clock, VietnamDateRollsOverAt17Utc) {
  const auto v = to_vietnam(from_unix_millis(1764522000000));  // 2025-11-30T17:00:00Z
  EXPECT_EQ(v.day, 1);
  EXPECT_EQ(v.month, 12);
  EXPECT_EQ(v.hour, 0);
}

TEST(Clock, RejectsTimesThatAreNotRealOrNotStrict) {
  TimePoint t;
  for (const char* bad : {"2026-02-31T10:00:00Z", "2026-02-29T10:00:00Z", "2026-03-05T-1:32:00Z",
                          "2026-03-05T 1:32:00Z", "+026-03-05T10:00:00Z", "2026-03-05T10:00:00+99:99",
                          "2026-03-05T10:00:00+07:-1", "2026-03-05T24:00:00Z", "2026-03-05T10:00:00.Z",
                          "2026-03-05T10:00:00Zjunk", "2026-3-5T10:00:00Z"})
    EXPECT_FALSE(parse_rfc3339(bad, t)) << bad;
  EXPECT_TRUE(parse_rfc3339("2024-02-29T23:59:59+07:00", t));
  EXPECT_FALSE(parse_rfc3339("2026-03-05 10:00:00Z", t)) << "on the wire the separator is always T";
}
