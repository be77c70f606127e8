// Civil dates, the Vietnamese lunar calendar, public holidays and the yearly
// overrides file (common/calendar, docs/calendar.md).

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <random>
#include <set>

#include "motcua/calendar/holidays.hpp"
#include "motcua/calendar/lunar.hpp"
#include "support/temp_dir.hpp"

using namespace motcua;
using namespace motcua::calendar;

namespace {

CivilDate date(const char* text) {
  auto d = parse_date(text);
  EXPECT_TRUE(d) << text;
  return d.value_or(CivilDate{});
}

bool is_weekend(CivilDate d) { return weekday(d) == std::chrono::Saturday || weekday(d) == std::chrono::Sunday; }

const HolidayCalendar& rules_only() {
  static const HolidayCalendar calendar = *HolidayCalendar::create();
  return calendar;
}

HolidayOverrides shipped_overrides() {
  auto o = load_overrides_directory(std::filesystem::path(MOTCUA_SOURCE_DIR) / "assets" / "calendar");
  EXPECT_TRUE(o) << (o ? "" : o.error().message);
  return o.value_or(HolidayOverrides{});
}

// "2026-02-16 override" … for comparing a year's list at a glance.
std::vector<std::string> listing(const HolidayCalendar& calendar, int year) {
  std::vector<std::string> out;
  for (const Holiday& h : calendar.holidays(year))
    out.push_back(format_date(h.date) + " " + std::string(to_string(h.kind)) + " " +
                  (h.rule ? std::string(to_string(*h.rule)) : "-"));
  return out;
}

}  // namespace

// ---------------------------------------------------------------- civil dates

TEST(CivilDate, ParsesIsoDatesAndSaysWhatIsWrong) {
  EXPECT_EQ(*parse_date("2026-02-17"), (CivilDate{2026, 2, 17}));
  EXPECT_EQ(*parse_date("2024-02-29"), (CivilDate{2024, 2, 29}));
  struct Case {
    const char* text;
    const char* says;
  } cases[] = {
      {"", "YYYY-MM-DD"},
      {"17/02/2026", "YYYY-MM-DD"},
      {"2026-2-17", "YYYY-MM-DD"},
      {"2026-02-1x", "YYYY-MM-DD"},
      {"2026-13-01", "month must be 01–12"},
      {"2025-02-29", "has 28 days"},
      {"2026-04-31", "has 30 days"},
      {"2026-02-00", "has 28 days"},
  };
  for (const auto& c : cases) {
    auto r = parse_date(c.text);
    ASSERT_FALSE(r) << c.text;
    EXPECT_EQ(r.error().code, Errc::invalid_argument);
    EXPECT_NE(r.error().message.find(c.says), std::string::npos) << c.text << ": " << r.error().message;
  }
  EXPECT_EQ(format_date({2026, 2, 17}), "2026-02-17");
  EXPECT_EQ(format_date_vi({2026, 2, 7}), "07/02/2026");
}

TEST(CivilDate, DayNumbersCountFromTheUnixEpochAndKnowWeekdays) {
  EXPECT_EQ(day_number({1970, 1, 1}), 0);
  EXPECT_EQ(weekday(CivilDate{1970, 1, 1}), std::chrono::Thursday);
  EXPECT_EQ(weekday(CivilDate{2026, 2, 17}), std::chrono::Tuesday);
  EXPECT_EQ(add_days({2024, 2, 28}, 1), (CivilDate{2024, 2, 29}));
  EXPECT_EQ(add_days({2026, 1, 1}, -1), (CivilDate{2025, 12, 31}));
  EXPECT_EQ(days_between({2026, 1, 1}, {2027, 1, 1}), 365);
  EXPECT_LT((CivilDate{2025, 12, 31}), (CivilDate{2026, 1, 1}));
  for (DayNumber d = day_number({1900, 1, 1}); d <= day_number({2199, 12, 31}); d += 13) {
    ASSERT_EQ(day_number(civil_date(d)), d);
    ASSERT_TRUE(is_valid(civil_date(d)));
  }
}

TEST(CivilDate, VietnamDateIsUtcPlusSevenAndAgreesWithToVietnam) {
  TimePoint t;
  ASSERT_TRUE(parse_rfc3339("2026-02-16T16:59:59Z", t));
  EXPECT_EQ(vietnam_date(t), (CivilDate{2026, 2, 16}));
  ASSERT_TRUE(parse_rfc3339("2026-02-16T17:00:00Z", t));
  EXPECT_EQ(vietnam_date(t), (CivilDate{2026, 2, 17}));  // midnight in Hà Nội
  EXPECT_EQ(vietnam_instant(CivilDate{2026, 2, 17}), t);
  EXPECT_EQ(format_vietnam(vietnam_instant(CivilDate{2026, 2, 17}, std::chrono::hours{17})),
            "2026-02-17T17:00:00+07:00");
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<std::int64_t> ms(-2'000'000'000'000, 7'000'000'000'000);  // 1906 … 2191
  for (int i = 0; i < 20000; ++i) {
    const TimePoint p = from_unix_millis(ms(rng));
    const auto v = to_vietnam(p);
    ASSERT_EQ(vietnam_date(p), (CivilDate{v.year, v.month, v.day})) << format_utc(p);
  }
}

// ---------------------------------------------------------------- lunar calendar

TEST(Lunar, Tet2026IsSeventeenthOfFebruary) {
  EXPECT_EQ(*to_solar({2026, 1, 1, false}), (CivilDate{2026, 2, 17}));
  EXPECT_EQ(*to_lunar({2026, 2, 17}), (LunarDate{2026, 1, 1, false}));
  EXPECT_EQ(*to_lunar({2026, 2, 16}), (LunarDate{2025, 12, 29, false}));  // no "30 Tết" this year
}

TEST(Lunar, TetFallsOnThePublishedDates) {
  const std::map<int, const char*> tet = {
      // DOMAIN.md
      {2024, "2024-02-10"},
      {2025, "2025-01-29"},
      {2026, "2026-02-17"},
      {2027, "2027-02-06"},
      {2028, "2028-01-26"},
      {2029, "2029-02-13"},
      {2031, "2031-01-23"},
      {2033, "2033-01-31"},
      {2035, "2035-02-08"},
      // Recent years, as observed.
      {2016, "2016-02-08"},
      {2017, "2017-01-28"},
      {2018, "2018-02-16"},
      {2019, "2019-02-05"},
      {2020, "2020-01-25"},
      {2021, "2021-02-12"},
      {2022, "2022-02-01"},
      {2023, "2023-01-22"},
      {1900, "1900-01-31"},
  };
  for (const auto& [year, solar] : tet) {
    auto d = to_solar({year, 1, 1, false});
    ASSERT_TRUE(d) << year << ": " << d.error().message;
    EXPECT_EQ(format_date(*d), solar) << "Tết " << year;
    EXPECT_EQ(*to_lunar(date(solar)), (LunarDate{year, 1, 1, false})) << solar;
  }
}

TEST(Lunar, VietnamCountsAtUtcPlusSevenSoSomeTetsDifferFromChina) {
  // China (UTC+8): 20 February 1985, 18 February 2007, 30 January 1968.
  EXPECT_EQ(*to_solar({1985, 1, 1, false}), (CivilDate{1985, 1, 21}));
  EXPECT_EQ(*to_solar({2007, 1, 1, false}), (CivilDate{2007, 2, 17}));
  EXPECT_EQ(*to_solar({1968, 1, 1, false}), (CivilDate{1968, 1, 29}));  // Tết Mậu Thân in the North
}

TEST(Lunar, Year2025HasALeapSixthMonth) {
  EXPECT_EQ(leap_month(2025), 6);
  EXPECT_EQ(*to_solar({2025, 6, 1, false}), (CivilDate{2025, 6, 25}));
  EXPECT_EQ(*to_solar({2025, 6, 1, true}), (CivilDate{2025, 7, 25}));
  EXPECT_EQ(*to_lunar({2025, 8, 22}), (LunarDate{2025, 6, 29, true}));
  EXPECT_EQ(*to_lunar({2025, 8, 23}), (LunarDate{2025, 7, 1, false}));
  EXPECT_EQ(*to_lunar({2025, 9, 6}), (LunarDate{2025, 7, 15, false}));  // Vu Lan
  EXPECT_EQ(*lunar_month_length(2025, 6, true), 29);
}

TEST(Lunar, KnowsTheLeapMonthOfEachYear) {
  const std::map<int, std::optional<int>> leap = {
      {2017, 6},
      {2020, 4},
      {2023, 2},
      {2025, 6},
      {2028, 5},
      {2031, 3},
      {2033, 11},
      {2022, std::nullopt},
      {2024, std::nullopt},
      {2026, std::nullopt},
      {2027, std::nullopt},
  };
  for (const auto& [year, month] : leap) EXPECT_EQ(leap_month(year), month) << year;
}

TEST(Lunar, RefusesDatesThatDoNotExistSayingWhy) {
  struct Case {
    LunarDate date;
    const char* says;
  } cases[] = {
      {{2026, 6, 1, true}, "has no leap month"},
      {{2025, 5, 1, true}, "has a leap month 6, not a leap month 5"},
      {{2025, 12, 30, false}, "has 29 days"},
      {{2025, 13, 1, false}, "does not exist (1–12)"},
      {{2025, 1, 31, false}, "does not exist (1–30)"},
      {{2025, 1, 0, false}, "does not exist (1–30)"},
      {{1850, 1, 1, false}, "outside the supported range"},
      {{2300, 1, 1, false}, "outside the supported range"},
      {{1899, 1, 1, false}, "outside the supported range"},
  };
  for (const auto& c : cases) {
    auto r = to_solar(c.date);
    ASSERT_FALSE(r) << format_lunar(c.date);
    EXPECT_EQ(r.error().code, Errc::invalid_argument);
    EXPECT_NE(r.error().message.find(c.says), std::string::npos) << format_lunar(c.date) << ": " << r.error().message;
  }
}

TEST(Lunar, ConvertsExactlyTheSupportedRange) {
  EXPECT_TRUE(to_lunar({1900, 1, 1}));
  EXPECT_TRUE(to_lunar({2199, 12, 31}));
  EXPECT_FALSE(to_lunar({1899, 12, 31}));
  EXPECT_FALSE(to_lunar({2200, 1, 1}));
  EXPECT_FALSE(to_lunar({2025, 2, 29}));
  EXPECT_EQ(*to_lunar({1900, 1, 1}), (LunarDate{1899, 12, 1, false}));
  auto beyond = to_solar(*to_lunar({2199, 12, 31}));
  ASSERT_TRUE(beyond);
  EXPECT_FALSE(to_solar({2200, 1, 1, false}));  // Tết 2200 is after 2199-12-31
}

// Every day of the range converts to lunar and back, and the lunar dates run
// the way a lunar calendar must: day + 1, or day 1 of the next month after a
// 29- or 30-day month; 12 or 13 months a year; at most one leap month.
TEST(Lunar, RoundTripsEveryDayFrom1900To2199) {
  const DayNumber first = day_number(kFirstLunarSupported), last = day_number(kLastLunarSupported);
  LunarDate previous = *to_lunar(kFirstLunarSupported);
  std::map<int, int> months_in_year;
  std::map<int, int> leaps_in_year;
  for (DayNumber d = first; d <= last; ++d) {
    const CivilDate solar = civil_date(d);
    const auto lunar = to_lunar(solar);
    ASSERT_TRUE(lunar) << format_date(solar);
    const auto back = to_solar(*lunar);
    ASSERT_TRUE(back) << format_lunar(*lunar) << ": " << back.error().message;
    ASSERT_EQ(*back, solar) << format_lunar(*lunar);
    if (d == first) continue;
    if (lunar->day == 1) {
      ASSERT_TRUE(previous.day == 29 || previous.day == 30) << format_date(solar);
      ++months_in_year[lunar->year];
      if (lunar->leap) {
        ++leaps_in_year[lunar->year];
        ASSERT_EQ(lunar->month, previous.month) << "a leap month repeats the month before it: " << format_date(solar);
      } else {
        ASSERT_EQ(lunar->month, previous.month % 12 + 1) << format_date(solar);
        ASSERT_EQ(lunar->year, previous.year + (lunar->month == 1 ? 1 : 0)) << format_date(solar);
      }
    } else {
      ASSERT_EQ(*lunar, (LunarDate{previous.year, previous.month, previous.day + 1, previous.leap}))
          << format_date(solar);
    }
    previous = *lunar;
  }
  for (int year = 1900; year <= 2198; ++year) {  // lunar 2199 ends in 2200
    ASSERT_TRUE(months_in_year[year] == 12 || months_in_year[year] == 13) << year;
    ASSERT_EQ(leaps_in_year[year], months_in_year[year] - 12) << year;
    ASSERT_EQ(leap_month(year).has_value(), months_in_year[year] == 13) << year;
  }
}

// The month table must give what Hồ Ngọc Đức's per-date algorithm gives — on
// every day but two, where his convertSolar2Lunar guesses the month start one
// lunation late and answers "day 0" (his JavaScript does the same; the table,
// built from whole months, gives the day before + 1).
TEST(Lunar, TableAgreesWithHoNgocDucsDirectComputation) {
  std::vector<std::string> day_zero;
  for (DayNumber d = day_number(kFirstLunarSupported); d <= day_number(kLastLunarSupported); ++d) {
    const CivilDate solar = civil_date(d);
    const LunarDate direct = detail::to_lunar_direct(solar);
    if (direct.day == 0) {
      day_zero.push_back(format_date(solar) + " " + format_lunar(*to_lunar(solar)));
      continue;
    }
    ASSERT_EQ(*to_lunar(solar), direct) << format_date(solar);
  }
  EXPECT_EQ(day_zero, (std::vector<std::string>{"2054-05-07 30/3/2054", "2062-04-09 30/2/2062"}));
}

TEST(LunarText, ParsesAndFormatsLeapMonths) {
  EXPECT_EQ(*parse_lunar("1/1/2026"), (LunarDate{2026, 1, 1, false}));
  EXPECT_EQ(*parse_lunar("1/6n/2025"), (LunarDate{2025, 6, 1, true}));
  EXPECT_EQ(*parse_lunar("15/06N/2025"), (LunarDate{2025, 6, 15, true}));
  EXPECT_EQ(format_lunar({2025, 6, 1, true}), "1/6n/2025");
  EXPECT_EQ(format_lunar({2026, 3, 10, false}), "10/3/2026");
  for (const char* text : {"1/1/2026", "29/6n/2025", "30/12/2024"}) EXPECT_EQ(format_lunar(*parse_lunar(text)), text);
}

TEST(LunarText, RejectsMalformedTextSayingWhatIsWrong) {
  struct Case {
    const char* text;
    const char* says;
  } cases[] = {
      {"", "DAY/MONTH/YEAR"},
      {"1-1-2026", "DAY/MONTH/YEAR"},
      {"1/1/26", "DAY/MONTH/YEAR"},
      {"1/1/2026/1", "DAY/MONTH/YEAR"},
      {"1/x/2026", "DAY/MONTH/YEAR"},
      {"1/6l/2025", "DAY/MONTH/YEAR"},
      {"1/13/2026", "month must be 1–12"},
      {"31/1/2026", "day must be 1–30"},
      {"0/1/2026", "day must be 1–30"},
  };
  for (const auto& c : cases) {
    auto r = parse_lunar(c.text);
    ASSERT_FALSE(r) << c.text;
    EXPECT_NE(r.error().message.find(c.says), std::string::npos) << c.text << ": " << r.error().message;
  }
}

TEST(LunarText, NamesYearsInTheSexagenaryCycle) {
  EXPECT_EQ(can_chi_year(2026), "Bính Ngọ");
  EXPECT_EQ(can_chi_year(2025), "Ất Tỵ");
  EXPECT_EQ(can_chi_year(2024), "Giáp Thìn");
  EXPECT_EQ(can_chi_year(1984), "Giáp Tý");
  EXPECT_EQ(can_chi_year(1968), "Mậu Thân");
  EXPECT_EQ(can_chi_year(1900), "Canh Tý");
  EXPECT_EQ(can_chi_year(2199), "Kỷ Hợi");
}

TEST(LunarText, DescribesDatesTheWayVietnameseCalendarsDo) {
  EXPECT_EQ(describe_lunar_vi({2026, 1, 1, false}), "mùng 1 tháng Giêng năm Bính Ngọ");
  EXPECT_EQ(describe_lunar_vi({2025, 6, 15, true}), "ngày 15 tháng Sáu nhuận năm Ất Tỵ");
  EXPECT_EQ(describe_lunar_vi({2025, 12, 29, false}), "ngày 29 tháng Chạp năm Ất Tỵ");
  EXPECT_EQ(describe_lunar_vi({2026, 3, 10, false}), "mùng 10 tháng Ba năm Bính Ngọ");
}

// ---------------------------------------------------------------- holidays by rule

TEST(Holiday, RulesGiveTheLaborCodeDaysOf2026) {
  const std::vector<std::string> expected = {
      "2026-01-01 rule new_year",
      "2026-02-16 rule tet",  // 29 tháng Chạp, the last day of Ất Tỵ
      "2026-02-17 rule tet",
      "2026-02-18 rule tet",
      "2026-02-19 rule tet",
      "2026-02-20 rule tet",
      "2026-04-26 rule hung_kings",          // a Sunday …
      "2026-04-27 compensatory hung_kings",  // … taken on Monday
      "2026-04-30 rule reunification_day",
      "2026-05-01 rule labour_day",
      "2026-09-01 rule national_day",
      "2026-09-02 rule national_day",
      "2026-11-24 rule culture_day",
  };
  EXPECT_EQ(listing(rules_only(), 2026), expected);
}

TEST(Holiday, CompensatesAHolidayOnAWeekendOnTheNextWorkingDay) {
  struct Case {
    int year;
    std::vector<std::string> expected;  // the year's compensatory days
  } cases[] = {
      {2022,
       {"2022-01-03 compensatory new_year", "2022-04-11 compensatory hung_kings",
        "2022-05-02 compensatory reunification_day", "2022-05-03 compensatory labour_day"}},
      // 29/4 (Hùng Kings, Sat) and 30/4 (Sun) skip Monday 1 May, itself a holiday.
      {2023,
       {"2023-01-02 compensatory new_year", "2023-01-26 compensatory tet", "2023-01-27 compensatory tet",
        "2023-05-02 compensatory hung_kings", "2023-05-03 compensatory reunification_day",
        "2023-09-04 compensatory national_day"}},
      {2024, {"2024-02-14 compensatory tet", "2024-02-15 compensatory tet"}},
      {2029, {"2029-09-04 compensatory national_day", "2029-11-26 compensatory culture_day"}},
      // The one year in 1900–2199 where two holidays share a weekday: 10/3 lunar
      // on 30 April 1947. The second is taken on the next working day too.
      {1947, {"1947-01-27 compensatory tet", "1947-05-02 compensatory reunification_day"}},
  };
  for (const auto& c : cases) {
    std::vector<std::string> got;
    for (const std::string& line : listing(rules_only(), c.year))
      if (line.find("compensatory") != std::string::npos) got.push_back(line);
    EXPECT_EQ(got, c.expected) << c.year;
  }
}

TEST(Holiday, TetByRuleIsTheLastDayOfTheLunarYearAndTheFirstFourOfTheNew) {
  for (int year = 1901; year <= 2199; ++year) {
    const CivilDate tet = *to_solar({year, 1, 1, false});
    std::vector<CivilDate> rule;
    for (const Holiday& h : rules_only().holidays(year))
      if (h.rule == HolidayRule::tet && h.kind == HolidayKind::rule) rule.push_back(h.date);
    ASSERT_EQ(rule.size(), 5U) << year;
    ASSERT_EQ(rule.front(), add_days(tet, -1)) << year;
    ASSERT_EQ(to_lunar(rule.front())->month, 12) << year;
    ASSERT_EQ(rule.back(), add_days(tet, 3)) << year;
  }
}

TEST(Holiday, HungKingsDayIsTheTenthOfTheThirdLunarMonth) {
  const std::map<int, const char*> expected = {
      {2023, "2023-04-29"}, {2024, "2024-04-18"}, {2025, "2025-04-07"}, {2026, "2026-04-26"}, {2027, "2027-04-16"}};
  for (const auto& [year, day] : expected) {
    std::vector<std::string> got;
    for (const Holiday& h : rules_only().holidays(year))
      if (h.rule == HolidayRule::hung_kings && h.kind == HolidayKind::rule) got.push_back(format_date(h.date));
    EXPECT_EQ(got, std::vector<std::string>{day}) << year;
  }
}

TEST(Holiday, NationalDayAdjacentDayJoinsTheWeekendAsTheGovernmentChose) {
  // Weekday of 2 September → the two National Day days (working days off).
  struct Case {
    int year;
    std::vector<std::string> off;
  } cases[] = {
      {2021, {"2021-09-02", "2021-09-03"}},  // Thu → Fri after
      {2022, {"2022-09-01", "2022-09-02"}},  // Fri → Thu before
      {2023, {"2023-09-01", "2023-09-04"}},  // Sat → Fri before, Sat compensated on Mon
      {2024, {"2024-09-02", "2024-09-03"}},  // Mon → Tue after
      {2025, {"2025-09-01", "2025-09-02"}},  // Tue → Mon before
      {2026, {"2026-09-01", "2026-09-02"}},  // Wed → Tue before (no weekend to join)
      {2029, {"2029-09-03", "2029-09-04"}},  // Sun → Mon after, Sun compensated on Tue
  };
  for (const auto& c : cases) {
    std::vector<std::string> off;
    for (const Holiday& h : rules_only().holidays(c.year))
      if (h.rule == HolidayRule::national_day && !is_weekend(h.date)) off.push_back(format_date(h.date));
    EXPECT_EQ(off, c.off) << c.year;
  }
}

TEST(Holiday, CultureDayIsADayOffFromJuly2026) {
  EXPECT_FALSE(rules_only().is_holiday(CivilDate{2025, 11, 24}));
  EXPECT_TRUE(rules_only().is_working_day(CivilDate{2025, 11, 24}));
  EXPECT_TRUE(rules_only().is_holiday(CivilDate{2026, 11, 24}));
  EXPECT_FALSE(rules_only().is_working_day(CivilDate{2026, 11, 24}));
  EXPECT_TRUE(rules_only().is_holiday(CivilDate{2029, 11, 24}));       // a Saturday …
  EXPECT_FALSE(rules_only().is_working_day(CivilDate{2029, 11, 26}));  // … taken on Monday
}

// Compensation keeps the count: by rule every year loses exactly the 11 working
// days of art. 112 (12 from 2026 with Culture Day), whatever weekdays they hit —
// also in 1947, when 10/3 lunar fell on 30 April.
TEST(Holiday, EveryYearByRuleHasTheStatutoryNumberOfWorkingDaysOff) {
  for (int year = 1900; year <= 2199; ++year) {
    std::set<CivilDate> weekdays_off;
    CivilDate previous{year, 1, 1};
    for (const Holiday& h : rules_only().holidays(year)) {
      ASSERT_LE(previous, h.date) << year << ": holidays are listed by date";
      previous = h.date;
      ASSERT_EQ(h.date.year, year);
      if (!is_weekend(h.date)) weekdays_off.insert(h.date);
    }
    ASSERT_EQ(weekdays_off.size(), year >= 2026 ? 12U : 11U) << year;
  }
}

TEST(Holiday, WorkingDaysAreWeekdaysThatAreNotHolidays) {
  const auto& cal = rules_only();
  for (DayNumber d = day_number({1900, 1, 1}); d <= day_number({2199, 12, 31}); ++d) {
    const CivilDate c = civil_date(d);
    ASSERT_EQ(cal.is_working_day(d), !is_weekend(c) && !cal.is_holiday(d)) << format_date(c);
  }
  // Outside the table nothing is known but the weekly rest days.
  EXPECT_TRUE(cal.is_working_day(CivilDate{2200, 1, 1}));   // a Wednesday
  EXPECT_FALSE(cal.is_working_day(CivilDate{2200, 1, 4}));  // a Saturday
  EXPECT_FALSE(cal.is_holiday(CivilDate{1899, 1, 1}));
  EXPECT_TRUE(cal.holidays(2200).empty());
}

TEST(Holiday, NthWorkingDayAfterAgreesWithCountingDayByDay) {
  const auto& cal = rules_only();
  std::mt19937 rng(11);
  std::uniform_int_distribution<DayNumber> day(day_number({1900, 1, 1}), day_number({2199, 6, 30}));
  std::uniform_int_distribution<int> count(0, 80);
  for (int i = 0; i < 20000; ++i) {
    const DayNumber start = day(rng);
    const int n = count(rng);
    DayNumber expected = start;
    for (int left = n; left > 0;)
      if (cal.is_working_day(++expected)) --left;
    ASSERT_EQ(cal.nth_working_day_after(start, n), expected) << format_date(civil_date(start)) << " + " << n;
    ASSERT_EQ(cal.working_days_between(start + 1, expected + 1), n) << format_date(civil_date(start));
  }
  EXPECT_EQ(cal.nth_working_day_after(CivilDate{2026, 2, 13}, 1), (CivilDate{2026, 2, 23}));  // over Tết
  EXPECT_FALSE(cal.nth_working_day_after(CivilDate{2199, 12, 30}, 5));                        // beyond the table
  EXPECT_FALSE(cal.nth_working_day_after(CivilDate{2026, 1, 5}, -1));
  EXPECT_EQ(cal.working_days_between(day_number({2199, 12, 1}), day_number({2200, 1, 10})),
            cal.working_days_between(day_number({2199, 12, 1}), day_number({2200, 1, 1})) + 7);  // 1–9/1/2200
}

TEST(Holiday, JsonNamesTheDayItsKindAndItsRule) {
  const Holiday& h = rules_only().holidays(2026)[6];
  EXPECT_EQ(to_json(h), Json::parse(R"({"date":"2026-04-26","name_vi":"Giỗ Tổ Hùng Vương",
      "name_en":"Hùng Kings' Commemoration Day","kind":"rule","rule":"hung_kings"})"));
  const Holiday& comp = rules_only().holidays(2026)[7];
  EXPECT_EQ(to_json(comp)["kind"], "compensatory");
  EXPECT_EQ(comp.name_vi, "Nghỉ bù Giỗ Tổ Hùng Vương");
}

// ---------------------------------------------------------------- overrides

TEST(HolidayOverrides, Shipped2026FileGivesTetOffSixteenthToTwentieth) {
  auto cal = HolidayCalendar::create(shipped_overrides());
  ASSERT_TRUE(cal) << cal.error().message;
  for (int day = 16; day <= 20; ++day) EXPECT_FALSE(cal->is_working_day(CivilDate{2026, 2, day})) << day;
  EXPECT_TRUE(cal->is_working_day(CivilDate{2026, 2, 13}));
  EXPECT_TRUE(cal->is_working_day(CivilDate{2026, 2, 23}));
  EXPECT_FALSE(cal->is_working_day(CivilDate{2026, 4, 27}));  // Hùng Kings day, moved to Monday
  EXPECT_TRUE(cal->is_working_day(CivilDate{2026, 4, 28}));
  const std::vector<std::string> expected = {
      "2026-01-01 rule new_year",       "2026-02-16 override tet",           "2026-02-17 override tet",
      "2026-02-18 override tet",        "2026-02-19 override tet",           "2026-02-20 override tet",
      "2026-04-27 override hung_kings", "2026-04-30 rule reunification_day", "2026-05-01 rule labour_day",
      "2026-09-01 rule national_day",   "2026-09-02 rule national_day",      "2026-11-24 rule culture_day",
  };
  EXPECT_EQ(listing(*cal, 2026), expected);
}

TEST(HolidayOverrides, AnnouncedTet2025ReplacesTheRuleDaysAndTheirCompensation) {
  auto cal = HolidayCalendar::create(shipped_overrides());
  ASSERT_TRUE(cal);
  // By rule: 28/1–1/2 with Saturday 1/2 compensated on Monday 3/2.
  EXPECT_TRUE(rules_only().is_working_day(CivilDate{2025, 1, 27}));
  EXPECT_FALSE(rules_only().is_working_day(CivilDate{2025, 2, 3}));
  // As announced: 27/1–31/1, back to work on Monday 3/2.
  for (int day = 27; day <= 31; ++day) EXPECT_FALSE(cal->is_working_day(CivilDate{2025, 1, day})) << day;
  EXPECT_TRUE(cal->is_working_day(CivilDate{2025, 2, 3}));
  EXPECT_FALSE(cal->is_holiday(CivilDate{2025, 2, 1}));
}

TEST(HolidayOverrides, SwappedDaysMoveWorkToASaturday) {
  auto cal = HolidayCalendar::create(shipped_overrides());
  ASSERT_TRUE(cal);
  EXPECT_TRUE(cal->is_working_day(CivilDate{2025, 4, 26}));  // Saturday worked …
  EXPECT_FALSE(cal->is_working_day(CivilDate{2025, 5, 2}));  // … for Friday off
  EXPECT_TRUE(cal->is_holiday(CivilDate{2025, 5, 2}));
  EXPECT_FALSE(cal->is_holiday(CivilDate{2025, 4, 26}));
  // Counting runs through the make-up Saturday: Friday 25/4 + 1 = Saturday 26/4.
  EXPECT_EQ(cal->nth_working_day_after(CivilDate{2025, 4, 25}, 1), (CivilDate{2025, 4, 26}));
  EXPECT_EQ(cal->nth_working_day_after(CivilDate{2025, 4, 29}, 1), (CivilDate{2025, 5, 5}));
}

TEST(HolidayOverrides, JsonRoundTripsAndCarriesWhatTheTomlSays) {
  const HolidayOverrides o = shipped_overrides();
  ASSERT_EQ(o.years.size(), 2U);
  const Json j = to_json(o);
  EXPECT_EQ(j["years"][1]["year"], 2026);
  EXPECT_EQ(j["years"][1]["holiday"][0]["rule"], "tet");
  EXPECT_EQ(j["years"][1]["holiday"][0]["days_off"][0], "2026-02-16");
  auto back = overrides_from_json(Json::parse(j.dump()));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, o);
  ASSERT_NE(o.find(2025), nullptr);
  EXPECT_EQ(o.find(2025)->working_days.front().date, (CivilDate{2025, 4, 26}));
  EXPECT_EQ(o.find(2027), nullptr);
}

TEST(HolidayOverrides, TomlAcceptsDatesAsTomlDatesOrStrings) {
  auto y = parse_year_overrides_toml(R"(
year = 2027
[[holiday]]
rule = "tet"
days_off = [2027-02-04, "2027-02-05"]
[[day_off]]
date = "2027-02-10"
)");
  ASSERT_TRUE(y) << y.error().message;
  EXPECT_EQ(y->holidays[0].days_off, (std::vector<CivilDate>{{2027, 2, 4}, {2027, 2, 5}}));
  EXPECT_EQ(y->days_off[0].date, (CivilDate{2027, 2, 10}));
  auto cal = HolidayCalendar::create(HolidayOverrides{{*y}});
  ASSERT_TRUE(cal);
  EXPECT_EQ(cal->holidays(2027)[1].name_vi, "Tết Nguyên đán (28 tháng Chạp)");
  EXPECT_EQ(cal->holidays(2027)[3].name_vi, "Ngày nghỉ theo thông báo");  // the day off without a name
}

TEST(HolidayOverrides, RejectsBadFilesSayingWhatIsWrong) {
  struct Case {
    const char* toml;
    const char* says;
  } cases[] = {
      {"source = \"x\"", "needs year = YYYY"},
      {"year = 2026\n[[holiday]]\nrule = \"easter\"\ndays_off = [2026-04-05]", "unknown holiday rule \"easter\""},
      {"year = 2026\n[[holiday]]\nrule = \"tet\"", "needs days_off"},
      {"year = 2026\n[[holiday]]\nrule = \"tet\"\ndays_off = [2025-02-16]", "2025-02-16 is not in 2026"},
      {"year = 2026\n[[holiday]]\nrule = \"tet\"\ndays_off = [\"16/02/2026\"]", "line 4"},
      {"year = 2026\n[[holiday]]\nrule = \"tet\"\ndays_off = [2026-02-16]\n[[holiday]]\nrule = \"tet\"\ndays_off = "
       "[2026-02-17]",
       "announced twice"},
      {"year = 2026\n[[working_day]]\ndate = 2026-02-11", "not a Saturday or Sunday"},
      {"year = 2026\n[[working_day]]\nname_vi = \"x\"", "needs a date"},
      {"year = 2026\n[[day_off]]\ndate = 2026-02-14\n[[working_day]]\ndate = 2026-02-14", "both a day off"},
      {"year = 2026\n[[day_off]]\ndate = 2026-03-02\n[[day_off]]\ndate = 2026-03-02", "listed twice"},
      {"year = 1850", "within 1900–2199"},
      {"year = 2026\n[[holiday]\n", "line"},
  };
  for (const auto& c : cases) {
    auto r = parse_year_overrides_toml(c.toml, "vn-test.toml");
    ASSERT_FALSE(r) << c.toml;
    EXPECT_EQ(r.error().code, Errc::invalid_argument);
    EXPECT_NE(r.error().message.find(c.says), std::string::npos) << c.toml << "\n→ " << r.error().message;
    EXPECT_NE(r.error().message.find("vn-test.toml"), std::string::npos) << r.error().message;
  }
}

TEST(HolidayOverrides, RejectsBadJsonSayingWhatIsWrong) {
  struct Case {
    const char* json;
    const char* says;
  } cases[] = {
      {R"([])", "\"years\" array"},
      {R"({"years":[{"source":"x"}]})", "integer \"year\""},
      {R"({"years":[{"year":2026,"holiday":[{"rule":7,"days_off":[]}]}]})", "\"rule\""},
      {R"({"years":[{"year":2026,"holiday":[{"rule":"tet"}]}]})", "\"days_off\" array"},
      {R"({"years":[{"year":2026,"holiday":[{"rule":"tet","days_off":[20260216]}]}]})", "date string"},
      {R"({"years":[{"year":2026,"day_off":[{"date":"2026-02-30"}]}]})", "has 28 days"},
      {R"({"years":[{"year":2026},{"year":2026}]})", "given twice"},
  };
  for (const auto& c : cases) {
    auto r = overrides_from_json(Json::parse(c.json));
    ASSERT_FALSE(r) << c.json;
    EXPECT_NE(r.error().message.find(c.says), std::string::npos) << c.json << "\n→ " << r.error().message;
  }
}

TEST(HolidayOverrides, CalendarRefusesAMakeUpDayOnAPublicHoliday) {
  // 2 September 2023 was a Saturday and National Day.
  auto r = HolidayCalendar::create(HolidayOverrides{{YearOverrides{2023, "", {}, {}, {{{2023, 9, 2}, "", ""}}}}});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("2023-09-02 is announced as a working day but is a public holiday"),
            std::string::npos)
      << r.error().message;
}

TEST(HolidayOverrides, DirectoryLoadingReadsEveryTomlFileAndRefusesDuplicates) {
  test::TempDir dir;
  EXPECT_EQ(load_overrides_directory(dir / "missing").error().code, Errc::not_found);
  std::ofstream(dir / "a.toml") << "year = 2030\n[[day_off]]\ndate = 2030-01-02\n";
  std::ofstream(dir / "README.md") << "not read";
  auto one = load_overrides_directory(dir.path());
  ASSERT_TRUE(one) << one.error().message;
  EXPECT_EQ(one->years.size(), 1U);
  std::ofstream(dir / "b.toml") << "year = 2030\n";
  auto two = load_overrides_directory(dir.path());
  ASSERT_FALSE(two);
  EXPECT_NE(two.error().message.find("given twice"), std::string::npos) << two.error().message;
  std::ofstream(dir / "b.toml") << "year = 2030\n[[day_off]]\ndate = 2031-01-02\n";
  auto bad = load_overrides_directory(dir.path());
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("b.toml"), std::string::npos) << bad.error().message;
}
