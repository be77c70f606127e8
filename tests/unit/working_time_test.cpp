// Working time and deadlines (common/calendar/working_time.cpp; semantics in
// docs/calendar.md "Working time"). Calendar: Labor Code rules plus the shipped
// overrides (2026: Tết off 16–20 February, Hùng Kings day on Monday 27 April).

#include <gtest/gtest.h>

#include <limits>
#include <random>

#include "motcua/calendar/working_time.hpp"
#include "motcua/util/config.hpp"

using namespace motcua;
using namespace motcua::calendar;
using namespace std::chrono_literals;

namespace {

// "2026-03-02 09:00" in Vietnam time.
TimePoint vn(const std::string& text) {
  TimePoint t;
  const std::string rfc = text.substr(0, 10) + "T" + text.substr(11) + (text.size() == 16 ? ":00" : "") + "+07:00";
  EXPECT_TRUE(parse_rfc3339(rfc, t)) << text;
  return t;
}

std::string shown(const Result<TimePoint>& t) {
  if (!t) return "error: " + t.error().message;
  return format_vietnam(*t).substr(0, 16);  // "2026-03-05T17:00"
}

const WorkingTime& working_time() {
  static const WorkingTime wt = [] {
    auto overrides = load_overrides_directory(std::filesystem::path(MOTCUA_SOURCE_DIR) / "assets" / "calendar");
    EXPECT_TRUE(overrides);
    auto cal = HolidayCalendar::create(overrides.value_or(HolidayOverrides{}));
    EXPECT_TRUE(cal);
    return *WorkingTime::create(*cal);
  }();
  return wt;
}

ProcessingTime working_days(int n, std::optional<std::chrono::minutes> cutoff = std::nullopt) {
  return {DeadlineUnit::working_days, n, cutoff};
}

}  // namespace

TEST(WorkingTime, NWorkingDaysAreDueAtTheEndOfTheNthWorkingDayAfterReceipt) {
  struct Case {
    const char* received;
    int days;
    const char* due;
    const char* why;
  } cases[] = {
      {"2026-03-02 09:00", 3, "2026-03-05T17:00", "Monday + 3 = Thursday, end of the afternoon session"},
      {"2026-03-05 10:00", 3, "2026-03-10T17:00", "the weekend does not count"},
      {"2026-02-13 10:00", 3, "2026-02-25T17:00", "Tết 16–20 February and two weekends do not count"},
      {"2026-04-22 08:00", 5, "2026-05-04T17:00", "Hùng Kings day (27/4), 30/4 and 1/5 do not count"},
      {"2026-08-31 16:00", 1, "2026-09-03T17:00", "National Day 1–2 September"},
      {"2026-11-23 09:00", 1, "2026-11-25T17:00", "Vietnamese Culture Day 24 November"},
      {"2026-12-31 10:00", 2, "2027-01-05T17:00", "New Year's Day, then a weekend"},
      {"2025-04-25 09:00", 1, "2025-04-26T17:00", "a Saturday made a working day counts"},
      {"2025-04-29 09:00", 1, "2025-05-05T17:00", "30/4, 1/5 and the swapped Friday 2/5 do not count"},
  };
  for (const auto& c : cases)
    EXPECT_EQ(shown(working_time().add_working_days(vn(c.received), c.days)), c.due) << c.received << ": " << c.why;
}

TEST(WorkingTime, ReceiptOutsideWorkingHoursCountsFromTheNextSession) {
  struct Case {
    const char* received;
    const char* counts_from;
    const char* due_in_3_days;
  } cases[] = {
      {"2026-03-02 06:00", "2026-03-02T07:30", "2026-03-05T17:00"},  // before opening: same day
      {"2026-03-02 12:00", "2026-03-02T13:30", "2026-03-05T17:00"},  // lunch break: same day
      {"2026-03-02 16:59", "2026-03-02T16:59", "2026-03-05T17:00"},  // still open
      {"2026-03-02 17:00", "2026-03-03T07:30", "2026-03-06T17:00"},  // closed: next working day
      {"2026-03-02 21:45", "2026-03-03T07:30", "2026-03-06T17:00"},  // online at night
      {"2026-03-07 10:00", "2026-03-09T07:30", "2026-03-12T17:00"},  // Saturday kiosk
      {"2026-02-15 10:00", "2026-02-23T07:30", "2026-02-26T17:00"},  // Sunday before Tết
      {"2026-02-18 10:00", "2026-02-23T07:30", "2026-02-26T17:00"},  // during Tết
  };
  for (const auto& c : cases) {
    EXPECT_EQ(shown(working_time().effective_receipt(vn(c.received))), c.counts_from) << c.received;
    EXPECT_EQ(shown(working_time().add_working_days(vn(c.received), 3)), c.due_in_3_days) << c.received;
  }
}

TEST(WorkingTime, ReceivedAfterCutoffCountsFromNextWorkingDay) {
  const ProcessingTime same_day{DeadlineUnit::same_day, 0, 15h};
  struct Case {
    const char* received;
    const char* due;
  } cases[] = {
      {"2026-03-02 14:59", "2026-03-02T17:00"},
      {"2026-03-02 15:00:00", "2026-03-02T17:00"},  // "after 15:00" is strictly after
      {"2026-03-02 15:00:01", "2026-03-03T17:00"},
      {"2026-03-06 15:30", "2026-03-09T17:00"},  // Friday afternoon → Monday
      {"2026-02-13 15:30", "2026-02-23T17:00"},  // Friday before Tết → after Tết
  };
  for (const auto& c : cases) EXPECT_EQ(shown(working_time().due(vn(c.received), same_day)), c.due) << c.received;
  // The cut-off applies to working-day procedures too: counting starts a day later.
  EXPECT_EQ(shown(working_time().due(vn("2026-03-02 15:30"), working_days(3, 15h))), "2026-03-06T17:00");
  EXPECT_EQ(shown(working_time().due(vn("2026-03-02 14:30"), working_days(3, 15h))), "2026-03-05T17:00");
}

TEST(WorkingTime, SameDayProcedureIsDueAtTheEndOfTheSameWorkingDay) {
  const ProcessingTime same_day{DeadlineUnit::same_day, 0, std::nullopt};
  EXPECT_EQ(shown(working_time().due(vn("2026-03-02 09:00"), same_day)), "2026-03-02T17:00");
  EXPECT_EQ(shown(working_time().due(vn("2026-03-02 16:55"), same_day)), "2026-03-02T17:00");
  EXPECT_EQ(shown(working_time().due(vn("2026-03-07 09:00"), same_day)), "2026-03-09T17:00");  // Saturday
  EXPECT_EQ(shown(working_time().due(vn("2026-03-02 09:00"), same_day)),
            shown(working_time().add_working_days(vn("2026-03-02 09:00"), 0)));
}

TEST(WorkingTime, HalfDaysCountMorningAndAfternoonSessions) {
  struct Case {
    const char* received;
    int half_days;
    const char* due;
  } cases[] = {
      {"2026-03-02 09:00", 0, "2026-03-02T11:30"}, {"2026-03-02 09:00", 1, "2026-03-02T17:00"},
      {"2026-03-02 09:00", 2, "2026-03-03T11:30"}, {"2026-03-02 09:00", 3, "2026-03-03T17:00"},
      {"2026-03-02 14:00", 1, "2026-03-03T11:30"}, {"2026-03-02 14:00", 2, "2026-03-03T17:00"},
      {"2026-03-02 12:00", 1, "2026-03-03T11:30"},  // lunch: counts from the afternoon session
      {"2026-03-06 14:00", 1, "2026-03-09T11:30"},  // Friday afternoon → Monday morning
      {"2026-02-13 14:00", 1, "2026-02-23T11:30"},  // over Tết
  };
  for (const auto& c : cases)
    EXPECT_EQ(shown(working_time().add_working_half_days(vn(c.received), c.half_days)), c.due)
        << c.received << " + " << c.half_days;
}

TEST(WorkingTime, CalendarDaysEndOnTheNextWorkingDayWhenTheLastDayIsARestDay) {
  const auto calendar_days = [](int n) { return ProcessingTime{DeadlineUnit::calendar_days, n, std::nullopt}; };
  EXPECT_EQ(shown(working_time().due(vn("2026-03-02 09:00"), calendar_days(4))), "2026-03-06T17:00");
  EXPECT_EQ(shown(working_time().due(vn("2026-03-02 09:00"), calendar_days(5))), "2026-03-09T17:00");   // Sat → Mon
  EXPECT_EQ(shown(working_time().due(vn("2026-02-02 09:00"), calendar_days(15))), "2026-02-23T17:00");  // Tết
  EXPECT_EQ(shown(working_time().due(vn("2026-03-02 09:00"), calendar_days(0))), "2026-03-02T17:00");
}

TEST(WorkingTime, PausedWorkingTimeIsNotCounted) {
  const TimePoint received = vn("2026-03-02 09:00");  // Monday; 3 working days → Thursday 17:00
  struct Case {
    std::vector<Pause> pauses;
    const char* due;
    const char* why;
  } cases[] = {
      {{}, "2026-03-05T17:00", "no pause"},
      {{{vn("2026-03-03 07:30"), vn("2026-03-03 17:00")}}, "2026-03-06T17:00", "one whole working day"},
      {{{vn("2026-03-03 09:00"), vn("2026-03-03 15:00")}}, "2026-03-06T11:30", "4 working hours (lunch excluded)"},
      {{{vn("2026-03-07 08:00"), vn("2026-03-08 20:00")}}, "2026-03-05T17:00", "a weekend holds no working time"},
      {{{vn("2026-03-01 10:00"), vn("2026-03-02 10:00")}}, "2026-03-06T08:30", "only the hour after receipt counts"},
      {{{vn("2026-03-03 10:00"), vn("2026-03-03 12:00")}, {vn("2026-03-03 09:00"), vn("2026-03-03 11:00")}},
       "2026-03-06T10:00",
       "overlapping pauses count once (09:00–11:30)"},
      {{{vn("2026-03-06 09:00"), vn("2026-03-09 09:00")}}, "2026-03-05T17:00", "a pause after the deadline"},
      {{{vn("2026-03-05 09:00"), vn("2026-03-10 09:00")}},
       "2026-03-10T17:00",
       "paused with 6 h left; resumed Tuesday 09:00 + 6 h"},
      {{{vn("2026-03-03 09:00"), vn("2026-03-03 10:00")}, {vn("2026-03-06 07:30"), vn("2026-03-06 08:00")}},
       "2026-03-06T09:00",
       "the second pause starts before the extended deadline"},
  };
  for (const auto& c : cases)
    EXPECT_EQ(shown(working_time().due_with_pauses(received, working_days(3), c.pauses)), c.due) << c.why;
  const Pause backwards{vn("2026-03-03 10:00"), vn("2026-03-03 09:00")};
  auto r = working_time().due_with_pauses(received, working_days(3), std::span(&backwards, 1));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("cannot end"), std::string::npos) << r.error().message;
}

TEST(WorkingTime, ReadsSessionsFromConfigAndRefusesBadOnes) {
  auto config = Config::parse("[working_time]\nsessions = [\"08:00-12:00\", \"13:00-17:30\"]\n");
  ASSERT_TRUE(config);
  auto hours = working_hours_from_config(*config);
  ASSERT_TRUE(hours) << hours.error().message;
  EXPECT_EQ(hours->sessions, (std::vector<Session>{{8h, 12h}, {13h, 17h + 30min}}));
  auto wt = WorkingTime::create(working_time().calendar(), *hours);
  ASSERT_TRUE(wt);
  EXPECT_EQ(wt->day_length(), 8h + 30min);
  EXPECT_EQ(shown(wt->add_working_days(vn("2026-03-02 12:30"), 1)), "2026-03-03T17:30");
  EXPECT_EQ(shown(wt->add_working_half_days(vn("2026-03-02 12:30"), 0)), "2026-03-02T17:30");
  EXPECT_EQ(shown(wt->effective_receipt(vn("2026-03-02 12:30"))), "2026-03-02T13:00");

  EXPECT_EQ(*working_hours_from_config(*Config::parse("[hub]\nurl = \"x\"\n")), WorkingHours{});  // default
  EXPECT_EQ(working_time().day_length(), 7h + 30min);

  struct Case {
    const char* toml;
    const char* says;
  } bad_config[] = {
      {"[working_time]\nsessions = []", "must be a list"},
      {"[working_time]\nsessions = \"07:30-11:30\"", "must be a list"},
      {"[working_time]\nsessions = [\"7:30-11:30\"]", "HH:MM"},
      {"[working_time]\nsessions = [\"07:30\"]", "HH:MM-HH:MM"},
      {"[working_time]\nsessions = [\"07:30-11:61\"]", "HH:MM"},
  };
  for (const auto& c : bad_config) {
    auto r = working_hours_from_config(*Config::parse(c.toml));
    ASSERT_FALSE(r) << c.toml;
    EXPECT_NE(r.error().message.find(c.says), std::string::npos) << c.toml << " → " << r.error().message;
  }
  struct Bad {
    WorkingHours hours;
    const char* says;
  } bad_hours[] = {
      {WorkingHours{{}}, "at least one session"},
      {WorkingHours{{{12h, 8h}}}, "must start before it ends"},
      {WorkingHours{{{8h, 12h}, {11h, 17h}}}, "overlaps"},
      {WorkingHours{{{13h, 17h}, {8h, 12h}}}, "overlaps or comes before"},
      {WorkingHours{{{20h, 25h}}}, "within the day"},
  };
  for (const auto& b : bad_hours) {
    auto r = WorkingTime::create(working_time().calendar(), b.hours);
    ASSERT_FALSE(r) << b.says;
    EXPECT_NE(r.error().message.find(b.says), std::string::npos) << r.error().message;
  }
}

TEST(WorkingTime, OneSessionDaysMakeAHalfDayAWholeDay) {
  auto wt = WorkingTime::create(working_time().calendar(), WorkingHours{{{7h, 16h}}});
  ASSERT_TRUE(wt);
  EXPECT_EQ(shown(wt->add_working_half_days(vn("2026-03-02 09:00"), 1)), "2026-03-03T16:00");
  EXPECT_EQ(shown(wt->add_working_half_days(vn("2026-03-02 09:00"), 2)),
            shown(wt->add_working_days(vn("2026-03-02 09:00"), 2)));
}

TEST(WorkingTime, RefusesNegativeCountsAndDeadlinesBeyondTheCalendar) {
  auto negative = working_time().add_working_days(vn("2026-03-02 09:00"), -1);
  ASSERT_FALSE(negative);
  EXPECT_NE(negative.error().message.find("cannot be negative"), std::string::npos);
  auto beyond = working_time().add_working_days(vn("2199-12-30 09:00"), 10);
  ASSERT_FALSE(beyond);
  EXPECT_NE(beyond.error().message.find("outside the working calendar"), std::string::npos) << beyond.error().message;
  EXPECT_FALSE(working_time().advance(vn("2026-03-02 09:00"), -1s));
  // 200 years: past the calendar's end (2199), yet within what a nanosecond clock holds.
  EXPECT_FALSE(working_time().advance(vn("2026-03-02 09:00"), std::chrono::hours{24 * 365 * 200}));
  for (const DeadlineUnit unit :
       {DeadlineUnit::working_days, DeadlineUnit::working_half_days, DeadlineUnit::calendar_days})
    EXPECT_FALSE(working_time().due(vn("2026-03-02 09:00"), {unit, std::numeric_limits<int>::max(), std::nullopt}));
}

// ---------------------------------------------------------------- properties

namespace {
// Instants spread over 2024–2030 at any time of day, including nights and weekends.
std::vector<TimePoint> random_instants(int count, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::int64_t> ms(unix_millis(vn("2024-01-01 00:00")),
                                                 unix_millis(vn("2030-12-31 23:59")));
  std::vector<TimePoint> out;
  for (int i = 0; i < count; ++i) out.push_back(from_unix_millis(ms(rng)));
  return out;
}
}  // namespace

TEST(WorkingTime, AddingWorkingDaysIsMonotoneAndNeverLandsOnARestDay) {
  const auto& wt = working_time();
  const auto& cal = wt.calendar();
  for (const TimePoint start : random_instants(3000, 1)) {
    const DayNumber receipt_day = vietnam_day_number(*wt.effective_receipt(start));
    TimePoint previous{};
    for (int n = 0; n <= 40; ++n) {
      const auto due = wt.add_working_days(start, n);
      ASSERT_TRUE(due) << format_vietnam(start);
      const CivilDate day = vietnam_date(*due);
      ASSERT_TRUE(cal.is_working_day(day)) << format_vietnam(start) << " + " << n << " → " << format_vietnam(*due);
      ASSERT_FALSE(cal.is_holiday(day));
      ASSERT_NE(weekday(day), std::chrono::Sunday);
      ASSERT_EQ(*due - vietnam_instant(day), 17h) << "due at the end of the afternoon session";
      ASSERT_GT(*due, start);
      if (n > 0) {
        ASSERT_GT(*due, previous) << format_vietnam(start) << " + " << n;
      }
      ASSERT_EQ(cal.working_days_between(receipt_day + 1, day_number(day) + 1), n) << format_vietnam(start);
      previous = *due;
    }
  }
  // Monotone in the receipt too: a later receipt is never due earlier.
  auto starts = random_instants(3000, 2);
  std::sort(starts.begin(), starts.end());
  for (int n : {0, 1, 5, 20}) {
    TimePoint previous{};
    for (const TimePoint s : starts) {
      const TimePoint due = *wt.add_working_days(s, n);
      ASSERT_GE(due, previous) << format_vietnam(s) << " + " << n;
      previous = due;
    }
  }
}

TEST(WorkingTime, AddingZeroDaysEndsTheDayCountingStarts) {
  const auto& wt = working_time();
  for (const TimePoint start : random_instants(5000, 3)) {
    const TimePoint due = *wt.add_working_days(start, 0);
    const TimePoint counted_from = *wt.effective_receipt(start);
    ASSERT_EQ(vietnam_date(due), vietnam_date(counted_from)) << format_vietnam(start);
    if (wt.is_working_moment(start)) {
      ASSERT_EQ(counted_from, start);
      ASSERT_EQ(vietnam_date(due), vietnam_date(start)) << "received in working hours: due the same day";
    } else {
      ASSERT_GT(counted_from, start);
      ASSERT_TRUE(wt.is_working_moment(counted_from)) << format_vietnam(start);
      ASSERT_EQ(wt.working_time_between(start, counted_from), WorkingTime::Duration{}) << format_vietnam(start);
    }
  }
}

TEST(WorkingTime, AdvanceIsTheInverseOfMeasuringWorkingTime) {
  const auto& wt = working_time();
  std::mt19937 rng(4);
  std::uniform_int_distribution<int> minutes(0, 20 * 450);  // up to 20 working days
  for (const TimePoint start : random_instants(5000, 5)) {
    const auto amount = std::chrono::duration_cast<WorkingTime::Duration>(std::chrono::minutes{minutes(rng)});
    const auto end = wt.advance(start, amount);
    ASSERT_TRUE(end);
    ASSERT_EQ(wt.working_time_between(start, *end), amount) << format_vietnam(start);
    if (amount > WorkingTime::Duration{}) {
      ASSERT_LT(wt.working_time_between(start, *end - 1s), amount) << "the earliest such instant";
    }
  }
}

TEST(WorkingTime, HalfDaysAreNeverLaterThanWholeDays) {
  const auto& wt = working_time();
  for (const TimePoint start : random_instants(3000, 6)) {
    const auto counted_from = to_vietnam(*wt.effective_receipt(start));
    for (int n = 0; n <= 10; ++n) {
      const TimePoint half = *wt.add_working_half_days(start, 2 * n);
      const TimePoint whole = *wt.add_working_days(start, n);
      ASSERT_LE(half, whole) << format_vietnam(start) << " n=" << n;
      if (counted_from.hour >= 12) {
        ASSERT_EQ(half, whole) << "received in the afternoon";
      }
    }
  }
}

TEST(WorkingTime, NoPausesMeansTheSameDeadline) {
  const auto& wt = working_time();
  for (const TimePoint start : random_instants(2000, 8))
    ASSERT_EQ(*wt.due_with_pauses(start, working_days(7, 15h), {}), *wt.due(start, working_days(7, 15h)));
}
