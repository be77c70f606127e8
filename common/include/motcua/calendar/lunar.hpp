#pragma once
// The Vietnamese lunisolar calendar [âm lịch], computed with Hồ Ngọc Đức's method:
// astronomical new moons and sun longitudes (Meeus, "Astronomical Algorithms")
// evaluated at UTC+7, month 11 always holds the winter solstice, and in a year of
// 13 months the first month without a major solar term is the leap month.
// UTC+7 is what makes Vietnam differ from China in some years (Tết 1985 on
// 21 January instead of 20 February; Tết 2007 on 17 February instead of 18).
//
// Conversions read a table of every month start in the supported range, built
// once on first use (about a millisecond), so each conversion is a table lookup.

#include <optional>
#include <string>
#include <string_view>

#include "motcua/calendar/civil_date.hpp"
#include "motcua/util/error.hpp"

namespace motcua::calendar {

struct LunarDate {
  int year = 0;       // the year that starts at this year's Tết (1/1)
  int month = 1;      // 1–12
  int day = 1;        // 1–30
  bool leap = false;  // the leap month [tháng nhuận] repeats the number of the month before it

  friend bool operator==(const LunarDate&, const LunarDate&) = default;
};

// Solar dates that convert: 1900-01-01 … 2199-12-31.
inline constexpr CivilDate kFirstLunarSupported{1900, 1, 1};
inline constexpr CivilDate kLastLunarSupported{2199, 12, 31};

// Errors only for a date outside the supported range (or an invalid date).
Result<LunarDate> to_lunar(CivilDate date);
// Errors for a leap month the year does not have, day 30 of a 29-day month,
// or a date whose solar day falls outside the supported range.
Result<CivilDate> to_solar(LunarDate date);

// The leap month of a lunar year (e.g. 6 for 2025), nullopt if it has none or
// the year is outside the table.
std::optional<int> leap_month(int lunar_year);
// 29 or 30; an error as for to_solar when the month does not exist.
Result<int> lunar_month_length(int lunar_year, int month, bool leap = false);

// Text form used on the command line and in data: "1/1/2026", "1/6n/2025" (n = leap).
// Parsing checks the form and the ranges; whether the date exists is to_solar's job.
Result<LunarDate> parse_lunar(std::string_view text);
std::string format_lunar(LunarDate date);

// Sexagenary [can chi] name of a lunar year: 2026 → "Bính Ngọ".
std::string can_chi_year(int lunar_year);
// Vietnamese reading: "mùng 1 tháng Giêng năm Bính Ngọ", "ngày 15 tháng Sáu nhuận năm Ất Tỵ".
std::string describe_lunar_vi(LunarDate date);

namespace detail {
// Hồ Ngọc Đức's published per-date conversion, computed from scratch (slow, no
// table). Tests check the table against it; the benchmark shows the difference.
// Kept faithful, defects included: on 2054-05-07 and 2062-04-09 its month-start
// guess is one lunation late and it returns day 0 (the table is right there).
LunarDate to_lunar_direct(CivilDate date);
}  // namespace detail

}  // namespace motcua::calendar
