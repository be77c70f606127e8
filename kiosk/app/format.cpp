#include "app/format.hpp"

#include <algorithm>

#include <array>
#include <chrono>
#include <cstdio>

namespace motcua::kiosk {

namespace {
std::string two(int v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d", v);
  return buf;
}
}  // namespace

std::string format_vnd(std::int64_t amount) {
  const bool negative = amount < 0;
  // Magnitude in unsigned arithmetic: -INT64_MIN does not fit an int64.
  const std::uint64_t magnitude =
      negative ? 0u - static_cast<std::uint64_t>(amount) : static_cast<std::uint64_t>(amount);
  std::string digits = std::to_string(magnitude);
  std::string out;
  const std::size_t n = digits.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0 && (n - i) % 3 == 0) out.push_back('.');
    out.push_back(digits[i]);
  }
  return (negative ? "-" : "") + out + " đ";
}

std::string format_received_time(TimePoint t, Lang lang) {
  const VietnamTime v = to_vietnam(t);
  if (lang == Lang::en)
    return two(v.hour) + ":" + two(v.minute) + ", " + two(v.day) + "/" + two(v.month) + "/" + std::to_string(v.year);
  return two(v.hour) + " giờ " + two(v.minute) + " phút, ngày " + two(v.day) + " tháng " + two(v.month) + " năm " +
         std::to_string(v.year);
}

std::string format_short_time(TimePoint t) {
  const VietnamTime v = to_vietnam(t);
  return two(v.hour) + ":" + two(v.minute) + " " + two(v.day) + "/" + two(v.month) + "/" + std::to_string(v.year);
}

std::string format_clock(TimePoint t) {
  const VietnamTime v = to_vietnam(t);
  return two(v.hour) + ":" + two(v.minute);
}

std::string format_since(TimePoint t, TimePoint now) {
  const VietnamTime v = to_vietnam(t), n = to_vietnam(now);
  const std::string clock = two(v.hour) + ":" + two(v.minute);
  if (v.year == n.year && v.month == n.month && v.day == n.day) return clock;
  return clock + " " + two(v.day) + "/" + two(v.month);
}

std::string format_date_long(TimePoint t, Lang lang) {
  const VietnamTime v = to_vietnam(t);
  const std::chrono::year_month_day ymd{std::chrono::year{v.year}, std::chrono::month{static_cast<unsigned>(v.month)},
                                        std::chrono::day{static_cast<unsigned>(v.day)}};
  const unsigned wd = std::chrono::weekday{std::chrono::sys_days{ymd}}.c_encoding();  // 0 = Sunday
  static constexpr std::array<std::string_view, 7> vi = {"Chủ Nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư",
                                                         "Thứ Năm",  "Thứ Sáu", "Thứ Bảy"};
  static constexpr std::array<std::string_view, 7> en = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                         "Thursday", "Friday", "Saturday"};
  return std::string(lang == Lang::en ? en[wd] : vi[wd]) + ", " + two(v.day) + "/" + two(v.month) + "/" +
         std::to_string(v.year);
}

std::optional<TimePoint> parse_wire_time(std::string_view rfc3339) {
  TimePoint t;
  if (!parse_rfc3339(std::string(rfc3339), t)) return std::nullopt;
  return t;
}

std::string format_wire_time(std::string_view rfc3339) {
  if (auto t = parse_wire_time(rfc3339)) return format_short_time(*t);
  return std::string(rfc3339);
}

std::string format_iso_date(std::string_view d) {
  const bool iso = d.size() == 10 && d[4] == '-' && d[7] == '-' &&
                   std::all_of(d.begin(), d.end(), [](char c) { return c == '-' || (c >= '0' && c <= '9'); });
  if (!iso) return std::string(d);
  return std::string(d.substr(8, 2)) + "/" + std::string(d.substr(5, 2)) + "/" + std::string(d.substr(0, 4));
}

}  // namespace motcua::kiosk
