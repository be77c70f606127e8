#include "motcua/util/clock.hpp"

#include <cstdio>

namespace motcua {

namespace {
constexpr std::int64_t kVietnamOffsetSeconds = 7 * 3600;

// Howard Hinnant's civil-from-days / days-from-civil.
struct Ymd {
  int y;
  unsigned m, d;
};

Ymd civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int>(y + (m <= 2)), m, d};
}

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

VietnamTime split(std::int64_t seconds) {
  const std::int64_t days = floor_div(seconds, 86400);
  const std::int64_t rem = seconds - days * 86400;
  const Ymd ymd = civil_from_days(days);
  return {ymd.y,
          static_cast<int>(ymd.m),
          static_cast<int>(ymd.d),
          static_cast<int>(rem / 3600),
          static_cast<int>((rem % 3600) / 60),
          static_cast<int>(rem % 60)};
}
}  // namespace

std::int64_t unix_millis(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

TimePoint from_unix_millis(std::int64_t ms) {
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(std::chrono::milliseconds(ms)));
}

std::string format_utc(TimePoint t) {
  const std::int64_t ms = unix_millis(t);
  const std::int64_t secs = floor_div(ms, 1000);
  const auto v = split(secs);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", v.year, v.month, v.day,
                v.hour, v.minute, v.second, static_cast<int>(ms - secs * 1000));
  return buf;
}

std::string format_vietnam(TimePoint t) {
  const auto v = to_vietnam(t);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d+07:00", v.year, v.month, v.day,
                v.hour, v.minute, v.second);
  return buf;
}

VietnamTime to_vietnam(TimePoint t) {
  return split(floor_div(unix_millis(t), 1000) + kVietnamOffsetSeconds);
}

bool parse_rfc3339(const std::string& text, TimePoint& out) {
  // Strict RFC 3339: YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM), every field its
  // exact number of digits and in range (sscanf would accept "-1", " 1", "+026").
  auto digits = [&](std::size_t pos, std::size_t n, int& value) {
    if (pos + n > text.size()) return false;
    value = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
      value = value * 10 + (text[i] - '0');
    }
    return true;
  };
  auto at = [&](std::size_t pos, char c) { return pos < text.size() && text[pos] == c; };
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (!digits(0, 4, y) || !at(4, '-') || !digits(5, 2, mo) || !at(7, '-') || !digits(8, 2, d) ||
      !(at(10, 'T') || at(10, 't')) || !digits(11, 2, h) || !at(13, ':') || !digits(14, 2, mi) ||
      !at(16, ':') || !digits(17, 2, s))
    return false;
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (mo < 1 || mo > 12 || d < 1 || d > kDays[mo - 1] || (mo == 2 && d == 29 && !leap)) return false;
  if (h > 23 || mi > 59 || s > 60) return false;
  std::size_t pos = 19;
  std::int64_t millis = 0;
  if (at(pos, '.')) {
    ++pos;
    int n = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (n < 3) millis = millis * 10 + (text[pos] - '0');
      ++n;
      ++pos;
    }
    if (n == 0) return false;
    for (int i = n; i < 3; ++i) millis *= 10;
  }
  std::int64_t offset = 0;
  if (at(pos, 'Z') || at(pos, 'z')) {
    ++pos;
  } else if (at(pos, '+') || at(pos, '-')) {
    int oh = 0, om = 0;
    if (!digits(pos + 1, 2, oh) || !at(pos + 3, ':') || !digits(pos + 4, 2, om) || oh > 23 || om > 59) return false;
    offset = (oh * 3600 + om * 60) * (text[pos] == '+' ? 1 : -1);
    pos += 6;
  } else {
    return false;
  }
  if (pos != text.size()) return false;
  const std::int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  const std::int64_t secs = days * 86400 + h * 3600 + mi * 60 + std::min(s, 59) - offset;
  out = from_unix_millis(secs * 1000 + millis);
  return true;
}

}  // namespace motcua
