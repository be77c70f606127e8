#include "motcua/calendar/lunar.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <vector>

namespace motcua::calendar {

namespace {

// ---- Hồ Ngọc Đức's astronomy (https://www.informatik.uni-leipzig.de/~duc/amlich/),
// kept term for term so results match his published tables. Julian day numbers;
// INT is floor as in his JavaScript original.

constexpr double kTimeZone = 7.0;  // Vietnam: UTC+7
constexpr double kPi = std::numbers::pi;
constexpr long kJulianDayOfEpoch = 2440588;  // JDN of 1970-01-01

long floor_to_long(double d) { return static_cast<long>(std::floor(d)); }

long jd_from_day_number(DayNumber day) { return kJulianDayOfEpoch + day; }
DayNumber day_number_from_jd(long jd) { return static_cast<DayNumber>(jd - kJulianDayOfEpoch); }

// Time of the k-th new moon after the one of 1900-01-01 13:52 UTC, as a Julian date.
double new_moon(long k) {
  const double kk = static_cast<double>(k);
  const double T = kk / 1236.85;  // Julian centuries from 1900 January 0.5
  const double T2 = T * T;
  const double T3 = T2 * T;
  const double dr = kPi / 180;
  double jd1 = 2415020.75933 + 29.53058868 * kk + 0.0001178 * T2 - 0.000000155 * T3;
  jd1 = jd1 + 0.00033 * std::sin((166.56 + 132.87 * T - 0.009173 * T2) * dr);          // mean new moon
  const double M = 359.2242 + 29.10535608 * kk - 0.0000333 * T2 - 0.00000347 * T3;     // sun's mean anomaly
  const double Mpr = 306.0253 + 385.81691806 * kk + 0.0107306 * T2 + 0.00001236 * T3;  // moon's mean anomaly
  const double F = 21.2964 + 390.67050646 * kk - 0.0016528 * T2 - 0.00000239 * T3;     // moon's argument of latitude
  double C1 = (0.1734 - 0.000393 * T) * std::sin(M * dr) + 0.0021 * std::sin(2 * dr * M);
  C1 = C1 - 0.4068 * std::sin(Mpr * dr) + 0.0161 * std::sin(dr * 2 * Mpr);
  C1 = C1 - 0.0004 * std::sin(dr * 3 * Mpr);
  C1 = C1 + 0.0104 * std::sin(dr * 2 * F) - 0.0051 * std::sin(dr * (M + Mpr));
  C1 = C1 - 0.0074 * std::sin(dr * (M - Mpr)) + 0.0004 * std::sin(dr * (2 * F + M));
  C1 = C1 - 0.0004 * std::sin(dr * (2 * F - M)) - 0.0006 * std::sin(dr * (2 * F + Mpr));
  C1 = C1 + 0.0010 * std::sin(dr * (2 * F - Mpr)) + 0.0005 * std::sin(dr * (2 * Mpr + M));
  double deltat;
  if (T < -11)
    deltat = 0.001 + 0.000839 * T + 0.0002261 * T2 - 0.00000845 * T3 - 0.000000081 * T * T3;
  else
    deltat = -0.000278 + 0.000265 * T + 0.000262 * T2;
  return jd1 + C1 - deltat;
}

// Sun's apparent longitude in radians, [0, 2π), at Julian date jdn.
double sun_longitude(double jdn) {
  const double T = (jdn - 2451545.0) / 36525;  // Julian centuries from 2000-01-01 12:00 UTC
  const double T2 = T * T;
  const double dr = kPi / 180;
  const double M = 357.52910 + 35999.05030 * T - 0.0001559 * T2 - 0.00000048 * T * T2;  // mean anomaly
  const double L0 = 280.46645 + 36000.76983 * T + 0.0003032 * T2;                       // mean longitude
  double DL = (1.914600 - 0.004817 * T - 0.000014 * T2) * std::sin(dr * M);
  DL = DL + (0.019993 - 0.000101 * T) * std::sin(dr * 2 * M) + 0.000290 * std::sin(dr * 3 * M);
  double L = (L0 + DL) * dr;
  L = L - kPi * 2 * std::floor(L / (kPi * 2));
  return L;
}

// Which of the 12 major-term sectors (30° each, 0 = from the March equinox) the
// sun is in at local midnight starting the given day.
long sun_sector(long jd) {
  return floor_to_long(sun_longitude(static_cast<double>(jd) - 0.5 - kTimeZone / 24) / kPi * 6);
}

// The local day (JDN) on which the k-th new moon falls.
long new_moon_day(long k) { return floor_to_long(new_moon(k) + 0.5 + kTimeZone / 24); }

long jd_from_date(int dd, int mm, int yy) { return jd_from_day_number(day_number(CivilDate{yy, mm, dd})); }

// The day that starts lunar month 11 (the month holding the winter solstice)
// that begins in late Gregorian year yy.
long lunar_month_11(int yy) {
  const long off = jd_from_date(31, 12, yy) - 2415021;
  const long k = floor_to_long(static_cast<double>(off) / 29.530588853);
  long nm = new_moon_day(k);
  if (sun_sector(nm) >= 9) nm = new_moon_day(k - 1);
  return nm;
}

long new_moon_index(long month_start_jd) {
  return floor_to_long((static_cast<double>(month_start_jd) - 2415021.076998695) / 29.530588853 + 0.5);
}

// In a 13-month span starting with month 11 at a11: how many months after it the
// leap month (the first without a major term) comes.
int leap_month_offset(long a11) {
  const long k = new_moon_index(a11);
  int i = 1;  // start with the month after month 11
  long arc = sun_sector(new_moon_day(k + i));
  long last = 0;
  do {
    last = arc;
    ++i;
    arc = sun_sector(new_moon_day(k + i));
  } while (arc != last && i < 14);
  return i - 1;
}

// ---- The month table: every month start from month 11 of 1899 to month 11 of 2200.

struct MonthEntry {
  DayNumber start;
  int year;
  int month;
  bool leap;
};

struct LunarTable {
  std::vector<MonthEntry> months;  // ascending by start
  DayNumber end = 0;               // day after the last month
  int first_year = 0;              // lunar year of months.front()
  std::vector<int> year_first;     // index of the first month of year first_year + i; one extra at the end
  double average_month = 29.530588853;
};

LunarTable build_table() {
  constexpr int kFirstSpan = 1900, kLastSpan = 2200;  // span yy = [month 11 of yy−1, month 11 of yy)
  LunarTable t;
  long a11 = lunar_month_11(kFirstSpan - 1);
  for (int yy = kFirstSpan; yy <= kLastSpan; ++yy) {
    const long b11 = lunar_month_11(yy);
    const long k = new_moon_index(a11);
    const bool has_leap = b11 - a11 > 365;
    const int count = has_leap ? 13 : 12;
    const int leap_offset = has_leap ? leap_month_offset(a11) : -1;
    // The new moons k … k+count must run exactly from a11 to b11; anything else
    // is a bug in the transcription above, not an input error.
    if (new_moon_day(k) != a11 || new_moon_day(k + count) != b11)
      throw std::logic_error("lunar table: month 11 of " + std::to_string(yy) + " does not match the new moons");
    for (int i = 0; i < count; ++i) {
      int month = 11 + i;
      bool leap = false;
      if (has_leap && i >= leap_offset) {
        month = 10 + i;
        leap = i == leap_offset;
      }
      if (month > 12) month -= 12;
      const int year = (month >= 11 && i < 4) ? yy - 1 : yy;  // months 11 and 12 belong to the year before
      t.months.push_back({day_number_from_jd(new_moon_day(k + i)), year, month, leap});
    }
    a11 = b11;
  }
  t.end = day_number_from_jd(a11);
  t.first_year = t.months.front().year;
  for (std::size_t i = 0; i < t.months.size(); ++i) {
    const auto y = static_cast<std::size_t>(t.months[i].year - t.first_year);
    while (t.year_first.size() <= y) t.year_first.push_back(static_cast<int>(i));
  }
  t.year_first.push_back(static_cast<int>(t.months.size()));
  return t;
}

const LunarTable& table() {
  static const LunarTable t = build_table();  // immutable after the first call (thread-safe init)
  return t;
}

constexpr DayNumber constexpr_day_number(CivilDate d) {
  namespace chr = std::chrono;
  return static_cast<DayNumber>(chr::sys_days(chr::year{d.year} / chr::month{static_cast<unsigned>(d.month)} /
                                              chr::day{static_cast<unsigned>(d.day)})
                                    .time_since_epoch()
                                    .count());
}
constexpr DayNumber kFirstDay = constexpr_day_number(kFirstLunarSupported);
constexpr DayNumber kLastDay = constexpr_day_number(kLastLunarSupported);

std::string range_text() { return format_date(kFirstLunarSupported) + " … " + format_date(kLastLunarSupported); }

// Index of the month entry of (year, month, leap), or an error saying why not.
Result<std::size_t> find_month(int year, int month, bool leap) {
  const auto& t = table();
  if (month < 1 || month > 12)
    return fail(Errc::invalid_argument, "lunar month " + std::to_string(month) + " does not exist (1–12)");
  const int y = year - t.first_year;
  if (y < 0 || y + 1 >= static_cast<int>(t.year_first.size()))
    return fail(Errc::invalid_argument,
                "lunar year " + std::to_string(year) + " is outside the supported range (" + range_text() + ")");
  const auto begin = static_cast<std::size_t>(t.year_first[static_cast<std::size_t>(y)]);
  const auto end = static_cast<std::size_t>(t.year_first[static_cast<std::size_t>(y) + 1]);
  std::optional<int> year_leap;
  for (std::size_t i = begin; i < end; ++i) {
    if (t.months[i].month == month && t.months[i].leap == leap) return i;
    if (t.months[i].leap) year_leap = t.months[i].month;
  }
  if (leap) {
    const std::string name = "lunar year " + std::to_string(year) + " (" + can_chi_year(year) + ")";
    if (!year_leap) return fail(Errc::invalid_argument, name + " has no leap month");
    return fail(Errc::invalid_argument, name + " has a leap month " + std::to_string(*year_leap) +
                                            ", not a leap month " + std::to_string(month));
  }
  return fail(Errc::invalid_argument, "lunar month " + std::to_string(month) + "/" + std::to_string(year) +
                                          " is outside the supported range (" + range_text() + ")");
}

DayNumber month_end(std::size_t i) {
  const auto& t = table();
  return i + 1 < t.months.size() ? t.months[i + 1].start : t.end;
}

bool parse_int(std::string_view s, int& out) {
  if (s.empty() || s.size() > 4) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  std::from_chars(s.data(), s.data() + s.size(), out);
  return true;
}

}  // namespace

Result<LunarDate> to_lunar(CivilDate date) {
  if (!is_valid(date)) return fail(Errc::invalid_argument, "not a valid date");
  const DayNumber day = day_number(date);
  if (day < kFirstDay || day > kLastDay)
    return fail(Errc::invalid_argument,
                "date " + format_date(date) + " is outside the supported range (" + range_text() + ")");
  const auto& t = table();
  // Months are 29–30 days: guess the index from the mean length, then step.
  const auto last = static_cast<long>(t.months.size()) - 1;
  long i = static_cast<long>(static_cast<double>(day - t.months.front().start) / t.average_month);
  i = std::clamp(i, 0L, last);
  while (i > 0 && t.months[static_cast<std::size_t>(i)].start > day) --i;
  while (i < last && t.months[static_cast<std::size_t>(i + 1)].start <= day) ++i;
  const auto& m = t.months[static_cast<std::size_t>(i)];
  return LunarDate{m.year, m.month, day - m.start + 1, m.leap};
}

Result<CivilDate> to_solar(LunarDate date) {
  if (date.day < 1 || date.day > 30)
    return fail(Errc::invalid_argument, "lunar day " + std::to_string(date.day) + " does not exist (1–30)");
  auto i = find_month(date.year, date.month, date.leap);
  if (!i) return fail(i.error());
  const auto& m = table().months[*i];
  const int length = month_end(*i) - m.start;
  if (date.day > length)
    return fail(Errc::invalid_argument, "lunar month " + std::to_string(date.month) + (date.leap ? " (leap)" : "") +
                                            " of " + std::to_string(date.year) + " has " + std::to_string(length) +
                                            " days, so " + format_lunar(date) + " does not exist");
  const DayNumber day = m.start + date.day - 1;
  if (day < kFirstDay || day > kLastDay)
    return fail(Errc::invalid_argument,
                "lunar date " + format_lunar(date) + " falls outside the supported range (" + range_text() + ")");
  return civil_date(day);
}

std::optional<int> leap_month(int lunar_year) {
  const auto& t = table();
  const int y = lunar_year - t.first_year;
  if (y < 0 || y + 1 >= static_cast<int>(t.year_first.size())) return std::nullopt;
  for (int i = t.year_first[static_cast<std::size_t>(y)]; i < t.year_first[static_cast<std::size_t>(y) + 1]; ++i)
    if (t.months[static_cast<std::size_t>(i)].leap) return t.months[static_cast<std::size_t>(i)].month;
  return std::nullopt;
}

Result<int> lunar_month_length(int lunar_year, int month, bool leap) {
  auto i = find_month(lunar_year, month, leap);
  if (!i) return fail(i.error());
  return month_end(*i) - table().months[*i].start;
}

Result<LunarDate> parse_lunar(std::string_view text) {
  const std::string shown(text);
  const auto bad = [&] {
    return fail(Errc::invalid_argument,
                "lunar date \"" + shown +
                    "\" must be written DAY/MONTH/YEAR, with n after a leap month (e.g. 1/1/2026, 1/6n/2025)");
  };
  const auto a = text.find('/');
  if (a == std::string_view::npos) return bad();
  const auto b = text.find('/', a + 1);
  if (b == std::string_view::npos || text.find('/', b + 1) != std::string_view::npos) return bad();
  std::string_view day = text.substr(0, a), month = text.substr(a + 1, b - a - 1), year = text.substr(b + 1);
  LunarDate d;
  if (!month.empty() && (month.back() == 'n' || month.back() == 'N')) {
    d.leap = true;
    month.remove_suffix(1);
  }
  if (day.size() > 2 || month.size() > 2 || year.size() != 4 || !parse_int(day, d.day) || !parse_int(month, d.month) ||
      !parse_int(year, d.year))
    return bad();
  if (d.month < 1 || d.month > 12)
    return fail(Errc::invalid_argument, "lunar date \"" + shown + "\": month must be 1–12");
  if (d.day < 1 || d.day > 30) return fail(Errc::invalid_argument, "lunar date \"" + shown + "\": day must be 1–30");
  return d;
}

std::string format_lunar(LunarDate d) {
  return std::to_string(d.day) + "/" + std::to_string(d.month) + (d.leap ? "n" : "") + "/" + std::to_string(d.year);
}

std::string can_chi_year(int lunar_year) {
  static constexpr std::array<std::string_view, 10> kStems = {"Giáp", "Ất",   "Bính", "Đinh", "Mậu",
                                                              "Kỷ",   "Canh", "Tân",  "Nhâm", "Quý"};
  static constexpr std::array<std::string_view, 12> kBranches = {"Tý",  "Sửu", "Dần",  "Mão", "Thìn", "Tỵ",
                                                                 "Ngọ", "Mùi", "Thân", "Dậu", "Tuất", "Hợi"};
  // 1984 was Giáp Tý, the start of a 60-year cycle.
  const int offset = ((lunar_year - 1984) % 60 + 60) % 60;
  std::string out(kStems[static_cast<std::size_t>(offset % 10)]);
  out += ' ';
  out += kBranches[static_cast<std::size_t>(offset % 12)];
  return out;
}

std::string describe_lunar_vi(LunarDate d) {
  static constexpr std::array<std::string_view, 12> kMonths = {"Giêng", "Hai", "Ba",   "Tư",   "Năm",      "Sáu",
                                                               "Bảy",   "Tám", "Chín", "Mười", "Mười một", "Chạp"};
  // Days 1–10 are read "mùng 1" … "mùng 10".
  std::string out = (d.day <= 10 ? "mùng " : "ngày ") + std::to_string(d.day) + " tháng ";
  out += d.month >= 1 && d.month <= 12 ? kMonths[static_cast<std::size_t>(d.month - 1)] : std::to_string(d.month);
  if (d.leap) out += " nhuận";
  out += " năm " + can_chi_year(d.year);
  return out;
}

namespace detail {

LunarDate to_lunar_direct(CivilDate date) {
  const int yy = date.year;
  const long day = jd_from_date(date.day, date.month, date.year);
  const long k = floor_to_long((static_cast<double>(day) - 2415021.076998695) / 29.530588853);
  long month_start = new_moon_day(k + 1);
  if (month_start > day) month_start = new_moon_day(k);
  long a11 = lunar_month_11(yy);
  long b11 = a11;
  int lunar_year;
  if (a11 >= month_start) {
    lunar_year = yy;
    a11 = lunar_month_11(yy - 1);
  } else {
    lunar_year = yy + 1;
    b11 = lunar_month_11(yy + 1);
  }
  const int lunar_day = static_cast<int>(day - month_start + 1);
  const int diff = static_cast<int>((month_start - a11) / 29);
  bool leap = false;
  int lunar_month = diff + 11;
  if (b11 - a11 > 365) {
    const int leap_diff = leap_month_offset(a11);
    if (diff >= leap_diff) {
      lunar_month = diff + 10;
      leap = diff == leap_diff;
    }
  }
  if (lunar_month > 12) lunar_month -= 12;
  if (lunar_month >= 11 && diff < 4) lunar_year -= 1;
  return {lunar_year, lunar_month, lunar_day, leap};
}

}  // namespace detail

}  // namespace motcua::calendar
