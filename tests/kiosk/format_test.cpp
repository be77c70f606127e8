// What the citizen reads on screen and on the receipt: fees in đồng, and times
// in Vietnam time (UTC+7) whatever the kiosk's own time zone.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "app/format.hpp"
#include "motcua/util/clock.hpp"

using namespace motcua;
using namespace motcua::kiosk;

namespace {
// Instants given in UTC; the comments say what a clock in Việt Nam shows.
const TimePoint k0332Utc = from_unix_millis(1772681520000);  // 2026-03-05 03:32 UTC = 10:32 Thursday
const TimePoint kJustAfterMidnight = from_unix_millis(1772643900000);  // 2026-03-04 17:05 UTC = 00:05 on the 5th
const TimePoint kNewYear = from_unix_millis(1767200400000);  // 2025-12-31 17:00 UTC = 00:00 1 Jan 2026
const TimePoint kLastSecondOf2025 = from_unix_millis(1767200399000);  // 23:59:59 31 Dec 2025
const TimePoint kLeapDay = from_unix_millis(1709172429000);  // 2024-02-29 09:07:09 Vietnam
}  // namespace

TEST(FormatVnd, GroupsThousandsWithDotsAndEndsWithDong) {
  EXPECT_EQ(format_vnd(8000), "8.000 đ");
  EXPECT_EQ(format_vnd(1234567), "1.234.567 đ");
  EXPECT_EQ(format_vnd(50000), "50.000 đ");
  EXPECT_EQ(format_vnd(100000), "100.000 đ");
  EXPECT_EQ(format_vnd(1000000000), "1.000.000.000 đ");
}

TEST(FormatVnd, SmallAmountsHaveNoSeparator) {
  EXPECT_EQ(format_vnd(0), "0 đ");  // no fee: the function shows "0 đ"; "Miễn phí" is the screen's choice
  EXPECT_EQ(format_vnd(5), "5 đ");
  EXPECT_EQ(format_vnd(999), "999 đ");
  EXPECT_EQ(format_vnd(1000), "1.000 đ");
}

TEST(FormatVnd, RefundsShowAMinusSign) {
  EXPECT_EQ(format_vnd(-8000), "-8.000 đ");
  EXPECT_EQ(format_vnd(-999), "-999 đ");
}

// Circular 03/2025 form 01, item 4: the receipt says when the dossier was received.
TEST(ReceivedTime, UsesTheWordingOfForm01InVietnamTime) {
  EXPECT_EQ(format_received_time(k0332Utc, Lang::vi), "10 giờ 32 phút, ngày 05 tháng 03 năm 2026");
  EXPECT_EQ(format_received_time(kLeapDay, Lang::vi), "09 giờ 07 phút, ngày 29 tháng 02 năm 2024");
}

TEST(ReceivedTime, CountsTheDayInVietnamNotInUtc) {
  // Late on the 4th in UTC is already the 5th at the commune office.
  EXPECT_EQ(format_received_time(kJustAfterMidnight, Lang::vi), "00 giờ 05 phút, ngày 05 tháng 03 năm 2026");
  EXPECT_EQ(format_received_time(kNewYear, Lang::vi), "00 giờ 00 phút, ngày 01 tháng 01 năm 2026");
  EXPECT_EQ(format_received_time(kLastSecondOf2025, Lang::vi), "23 giờ 59 phút, ngày 31 tháng 12 năm 2025");
}

TEST(ReceivedTime, EnglishUsesDayMonthYear) {
  EXPECT_EQ(format_received_time(k0332Utc, Lang::en), "10:32, 05/03/2026");
}

TEST(ShortTimes, ShowVietnamClockAndDate) {
  EXPECT_EQ(format_short_time(k0332Utc), "10:32 05/03/2026");
  EXPECT_EQ(format_clock(kJustAfterMidnight), "00:05");
  EXPECT_EQ(format_date_long(k0332Utc, Lang::vi), "Thứ Năm, 05/03/2026");
  EXPECT_EQ(format_date_long(k0332Utc, Lang::en), "Thursday, 05/03/2026");
  EXPECT_EQ(format_date_long(kLastSecondOf2025, Lang::vi), "Thứ Tư, 31/12/2025");
}

TEST(ShortTimes, TheLastSyncIsTheClockTheSameDayAndTheDateOtherwise) {
  using namespace std::chrono_literals;
  // The day is Vietnam's: 00:05 on the 6th is already another day than 10:32 on the 5th.
  EXPECT_EQ(format_since(k0332Utc, k0332Utc + 5h), "10:32");
  EXPECT_EQ(format_since(k0332Utc, k0332Utc + 14h), "10:32 05/03");
  EXPECT_EQ(format_since(kLastSecondOf2025, kLastSecondOf2025 + 2s), "23:59 31/12");
}

TEST(WireTime, ReadsTheHubsTimesInAnyOffset) {
  for (const char* text : {"2026-03-05T03:32:00Z", "2026-03-05T03:32:00.000Z", "2026-03-05T03:32:00.5Z",
                           "2026-03-05T10:32:00+07:00", "2026-03-04T22:32:00-05:00"}) {
    auto t = parse_wire_time(text);
    ASSERT_TRUE(t) << text;
    EXPECT_EQ(format_short_time(*t), "10:32 05/03/2026") << text;
    EXPECT_EQ(format_wire_time(text), "10:32 05/03/2026") << text;
  }
}

TEST(WireTime, BadInputIsRejectedAndShownAsItCame) {
  const std::vector<std::string> bad = {
      "",
      "hôm nay",
      "2026-03-05",                 // a date alone
      "2026-03-05 10:32:00Z",       // space instead of T
      "2026-03-05T10:32:00",        // no offset: ambiguous
      "2026-03-05T10:32Z",          // no seconds
      "2026-13-05T10:32:00Z",       // month 13
      "2026-00-05T10:32:00Z",       // month 0
      "2026-03-32T10:32:00Z",       // day 32
      "2026-03-05T24:00:00Z",       // hour 24
      "2026-03-05T10:60:00Z",       // minute 60
      "2026-03-05T10:32:00.Z",      // a dot without digits
      "2026-03-05T10:32:00+0700",   // offset without colon
      "2026-03-05T10:32:00+07:00x", // trailing garbage
      "2026-03-05T10:32:00Zjunk",
      "26-03-05T10:32:00Z",
  };
  for (const auto& text : bad) {
    EXPECT_FALSE(parse_wire_time(text)) << '"' << text << '"';
    EXPECT_EQ(format_wire_time(text), text) << '"' << text << '"';
  }
}
