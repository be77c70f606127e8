#pragma once
// Civil (proleptic Gregorian) dates and their link to instants in Vietnam time.
// Every deadline in the product is a Vietnam date (UTC+7, no daylight saving), so
// this is the one place where an instant becomes a date and back.

#include <chrono>
#include <compare>
#include <string>
#include <string_view>

#include "motcua/util/clock.hpp"
#include "motcua/util/error.hpp"

namespace motcua::calendar {

struct CivilDate {
  int year = 1970;
  int month = 1;  // 1–12
  int day = 1;    // 1–31

  friend constexpr auto operator<=>(const CivilDate&, const CivilDate&) = default;
};

// Days since 1970-01-01 (negative before). Day arithmetic and table lookups use
// this number; it is the index behind every cached calendar table.
using DayNumber = int;

bool is_leap_year(int year) noexcept;
int days_in_month(int year, int month) noexcept;  // 0 for a month outside 1–12
bool is_valid(CivilDate date) noexcept;

// Precondition: is_valid(date).
DayNumber day_number(CivilDate date) noexcept;
CivilDate civil_date(DayNumber day) noexcept;
CivilDate add_days(CivilDate date, int days) noexcept;
int days_between(CivilDate from, CivilDate to) noexcept;  // to − from
std::chrono::weekday weekday(CivilDate date) noexcept;
std::chrono::weekday weekday(DayNumber day) noexcept;

// "2026-02-17" (ISO 8601 calendar date, the only form accepted on input).
Result<CivilDate> parse_date(std::string_view text);
std::string format_date(CivilDate date);
// "17/02/2026", as Vietnamese documents write dates.
std::string format_date_vi(CivilDate date);

// Vietnam time is UTC+7 all year (no daylight saving since 1975).
inline constexpr std::chrono::hours kVietnamOffset{7};

// The Vietnam calendar date of an instant.
CivilDate vietnam_date(TimePoint t) noexcept;
DayNumber vietnam_day_number(TimePoint t) noexcept;
// The instant at `time_of_day` after midnight of `date` in Vietnam.
TimePoint vietnam_instant(CivilDate date, TimePoint::duration time_of_day = {}) noexcept;
TimePoint vietnam_instant(DayNumber day, TimePoint::duration time_of_day = {}) noexcept;

}  // namespace motcua::calendar
