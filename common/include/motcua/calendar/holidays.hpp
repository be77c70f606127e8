#pragma once
// Public holidays and working days in Vietnam's public administration.
//
// Rules (docs/calendar.md has the details and sources):
//  - Labor Code 2019 art. 112(1): 1 January; Tết, 5 days (by rule: the last day of
//    the lunar year and the first 4 days of the new one); Hùng Kings day 10/3
//    lunar; 30 April; 1 May; 2 September and one adjacent day.
//  - Vietnamese Culture Day, 24 November, a day off from 1 July 2026.
//  - Labor Code 2019 art. 111(3): a holiday on a weekly rest day is compensated on
//    the next working day.
//  - Weekly rest: Saturday and Sunday (Decision 188/1999/QĐ-TTg, 40-hour week).
//  - What the Government announces for a year (HolidayOverrides) replaces the rule.
//
// A HolidayCalendar computes every year 1900–2199 once when built and is
// immutable afterwards, so one instance can be shared by all threads. Day lookups
// are a bit test; "the n-th working day after" is a rank/select on the same bits.

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "motcua/calendar/civil_date.hpp"
#include "motcua/calendar/holiday_overrides.hpp"
#include "motcua/util/error.hpp"
#include "motcua/util/json.hpp"

namespace motcua::calendar {

enum class HolidayKind {
  rule,          // a day the Labor Code rule gives
  compensatory,  // moved off a weekly rest day (art. 111(3))
  override,      // announced by the Government for that year
};
std::string_view to_string(HolidayKind kind) noexcept;

struct Holiday {
  CivilDate date;
  std::optional<HolidayRule> rule;  // none for an announced day off outside any rule (a swap)
  HolidayKind kind = HolidayKind::rule;
  std::string name_vi;
  std::string name_en;
};
Json to_json(const Holiday& holiday);

class HolidayCalendar {
 public:
  static constexpr int kFirstYear = 1900;
  static constexpr int kLastYear = 2199;

  // Rules plus the overrides (validated again here).
  static Result<HolidayCalendar> create(HolidayOverrides overrides = {});

  // Days off in the year, sorted by date: rule days, compensatory days and
  // announced days. Empty outside 1900–2199.
  std::span<const Holiday> holidays(int year) const noexcept;

  // A listed holiday (including one that falls on a weekend).
  bool is_holiday(CivilDate date) const noexcept;
  bool is_holiday(DayNumber day) const noexcept;
  // Monday–Friday and not a holiday, or a weekend day announced as a working day.
  // Outside 1900–2199 no holidays are known: Monday–Friday.
  bool is_working_day(CivilDate date) const noexcept;
  bool is_working_day(DayNumber day) const noexcept;

  // The n-th working day strictly after `day` (n ≥ 1); `day` itself for n = 0.
  // nullopt when the answer lies beyond 2199-12-31 or `day` is outside the table.
  std::optional<DayNumber> nth_working_day_after(DayNumber day, int n) const noexcept;
  std::optional<CivilDate> nth_working_day_after(CivilDate date, int n) const noexcept;
  // Working days in [from, to); 0 if to <= from. Days outside the table count by weekday.
  int working_days_between(DayNumber from, DayNumber to) const noexcept;

  // The announcements this calendar was built with.
  const HolidayOverrides& overrides() const noexcept;

 private:
  struct Data;
  explicit HolidayCalendar(std::shared_ptr<const Data> data) : data_(std::move(data)) {}
  bool in_table(DayNumber day) const noexcept;
  int rank_through(DayNumber day) const noexcept;  // working days in [first day, day]

  // Shared and immutable: copies are cheap and all see the same tables.
  std::shared_ptr<const Data> data_;
};

}  // namespace motcua::calendar
