#include "motcua/calendar/civil_date.hpp"

#include <charconv>
#include <cstdio>

namespace motcua::calendar {

namespace {
namespace chr = std::chrono;

chr::year_month_day to_ymd(CivilDate d) noexcept {
  return chr::year{d.year} / chr::month{static_cast<unsigned>(d.month)} / chr::day{static_cast<unsigned>(d.day)};
}

bool parse_digits(std::string_view s, int& out) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}
}  // namespace

bool is_leap_year(int year) noexcept { return chr::year{year}.is_leap(); }

int days_in_month(int year, int month) noexcept {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  return month == 2 && is_leap_year(year) ? 29 : kDays[month - 1];
}

bool is_valid(CivilDate d) noexcept {
  // chrono::year holds −32767…32767; beyond that the date has no use here.
  return d.year >= -32767 && d.year <= 32767 && d.day >= 1 && d.day <= days_in_month(d.year, d.month);
}

DayNumber day_number(CivilDate d) noexcept {
  return static_cast<DayNumber>(chr::sys_days(to_ymd(d)).time_since_epoch().count());
}

CivilDate civil_date(DayNumber day) noexcept {
  const chr::year_month_day ymd{chr::sys_days{chr::days{day}}};
  return {static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())),
          static_cast<int>(static_cast<unsigned>(ymd.day()))};
}

CivilDate add_days(CivilDate date, int days) noexcept { return civil_date(day_number(date) + days); }

int days_between(CivilDate from, CivilDate to) noexcept { return day_number(to) - day_number(from); }

chr::weekday weekday(CivilDate date) noexcept { return weekday(day_number(date)); }
chr::weekday weekday(DayNumber day) noexcept { return chr::weekday{chr::sys_days{chr::days{day}}}; }

Result<CivilDate> parse_date(std::string_view text) {
  const std::string shown(text);
  if (text.size() != 10 || text[4] != '-' || text[7] != '-')
    return fail(Errc::invalid_argument, "date \"" + shown + "\" must be written YYYY-MM-DD (e.g. 2026-02-17)");
  CivilDate d;
  if (!parse_digits(text.substr(0, 4), d.year) || !parse_digits(text.substr(5, 2), d.month) ||
      !parse_digits(text.substr(8, 2), d.day))
    return fail(Errc::invalid_argument, "date \"" + shown + "\" must be written YYYY-MM-DD (e.g. 2026-02-17)");
  if (d.month < 1 || d.month > 12) return fail(Errc::invalid_argument, "date \"" + shown + "\": month must be 01–12");
  if (!is_valid(d))
    return fail(Errc::invalid_argument, "date \"" + shown + "\": " + std::to_string(d.month) + "/" +
                                            std::to_string(d.year) + " has " +
                                            std::to_string(days_in_month(d.year, d.month)) + " days");
  return d;
}

std::string format_date(CivilDate d) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

std::string format_date_vi(CivilDate d) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%02d/%02d/%04d", d.day, d.month, d.year);
  return buf;
}

DayNumber vietnam_day_number(TimePoint t) noexcept {
  // floor, not truncation: instants before 1970 still land on the right day.
  const auto local = t.time_since_epoch() + kVietnamOffset;
  return static_cast<DayNumber>(chr::floor<chr::days>(local).count());
}

CivilDate vietnam_date(TimePoint t) noexcept { return civil_date(vietnam_day_number(t)); }

TimePoint vietnam_instant(DayNumber day, TimePoint::duration time_of_day) noexcept {
  return TimePoint(chr::duration_cast<TimePoint::duration>(chr::days{day}) + time_of_day - kVietnamOffset);
}

TimePoint vietnam_instant(CivilDate date, TimePoint::duration time_of_day) noexcept {
  return vietnam_instant(day_number(date), time_of_day);
}

}  // namespace motcua::calendar
