#include "motcua/calendar/holidays.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <set>

#include "motcua/calendar/lunar.hpp"

namespace motcua::calendar {

namespace {

constexpr DayNumber to_day_number(std::chrono::year_month_day ymd) {
  return static_cast<DayNumber>(std::chrono::sys_days(ymd).time_since_epoch().count());
}
constexpr DayNumber kFirstDay = to_day_number(std::chrono::year{HolidayCalendar::kFirstYear} / 1 / 1);
constexpr DayNumber kLastDay = to_day_number(std::chrono::year{HolidayCalendar::kLastYear} / 12 / 31);
static_assert(kFirstDay == -25567 && kLastDay == 84005);

bool is_weekend(DayNumber day) {
  const auto wd = weekday(day);
  return wd == std::chrono::Saturday || wd == std::chrono::Sunday;
}

// Monday–Friday in [from, to).
int weekdays_between(DayNumber from, DayNumber to) {
  if (to <= from) return 0;
  const int span = to - from;
  int count = span / 7 * 5;
  for (DayNumber d = from + span / 7 * 7; d < to; ++d)
    if (!is_weekend(d)) ++count;
  return count;
}

std::string rule_name_vi(HolidayRule rule) {
  switch (rule) {
    case HolidayRule::new_year: return "Tết Dương lịch";
    case HolidayRule::tet: return "Tết Nguyên đán";
    case HolidayRule::hung_kings: return "Giỗ Tổ Hùng Vương";
    case HolidayRule::reunification_day: return "Ngày Chiến thắng";
    case HolidayRule::labour_day: return "Ngày Quốc tế Lao động";
    case HolidayRule::national_day: return "Quốc khánh";
    case HolidayRule::culture_day: return "Ngày Văn hóa Việt Nam";
  }
  return {};
}

std::string rule_name_en(HolidayRule rule) {
  switch (rule) {
    case HolidayRule::new_year: return "New Year's Day";
    case HolidayRule::tet: return "Lunar New Year (Tết)";
    case HolidayRule::hung_kings: return "Hùng Kings' Commemoration Day";
    case HolidayRule::reunification_day: return "Reunification Day";
    case HolidayRule::labour_day: return "International Labour Day";
    case HolidayRule::national_day: return "National Day";
    case HolidayRule::culture_day: return "Vietnamese Culture Day";
  }
  return {};
}

// A holiday of `rule` on `day`; Tết days say which lunar day they are, since the
// announced days shift from year to year.
Holiday make_holiday(DayNumber day, HolidayRule rule, HolidayKind kind) {
  Holiday h{civil_date(day), rule, kind, rule_name_vi(rule), rule_name_en(rule)};
  if (rule == HolidayRule::tet) {
    if (const auto lunar = to_lunar(h.date)) {
      const std::string d = std::to_string(lunar->day);
      if (lunar->month == 12 && !lunar->leap) {
        h.name_vi += " (" + d + " tháng Chạp)";
        h.name_en += ", day " + d + " of the 12th lunar month";
      } else if (lunar->month == 1 && !lunar->leap) {
        h.name_vi += " (mùng " + d + " Tết)";
        h.name_en += ", day " + d;
      }
    }
  }
  return h;
}

// The days Labor Code 2019 art. 112(1) gives in `year`, before compensation.
std::vector<Holiday> rule_days(int year) {
  std::vector<Holiday> out;
  const auto add = [&](CivilDate d, HolidayRule rule) {
    out.push_back(make_holiday(day_number(d), rule, HolidayKind::rule));
  };
  add({year, 1, 1}, HolidayRule::new_year);
  // Tết: 5 days, placed each year by the Prime Minister. By rule: the last day of
  // the old lunar year and mùng 1–4, the span most announcements centre on.
  if (const auto tet = to_solar(LunarDate{year, 1, 1, false})) {
    const DayNumber first = day_number(*tet);
    for (DayNumber d = first - 1; d <= first + 3; ++d)
      out.push_back(make_holiday(d, HolidayRule::tet, HolidayKind::rule));
  }
  // 10/3 of the regular third month (a leap third month does not repeat it).
  if (const auto hung = to_solar(LunarDate{year, 3, 10, false})) add(*hung, HolidayRule::hung_kings);
  add({year, 4, 30}, HolidayRule::reunification_day);
  add({year, 5, 1}, HolidayRule::labour_day);
  // National Day: 2 September "và 01 ngày liền kề trước hoặc sau" (art. 112(1)(đ)).
  // By rule the adjacent day is a weekday and, where it can be, joins the two days
  // to a weekend: the day after when 2 September is a Sunday, Monday or Thursday,
  // the day before otherwise. This is what the Government chose in 2021–2025.
  add({year, 9, 2}, HolidayRule::national_day);
  const auto wd = weekday(CivilDate{year, 9, 2});
  const bool after = wd == std::chrono::Sunday || wd == std::chrono::Monday || wd == std::chrono::Thursday;
  Holiday adjacent =
      make_holiday(day_number(CivilDate{year, 9, after ? 3 : 1}), HolidayRule::national_day, HolidayKind::rule);
  adjacent.name_vi += " (ngày liền kề)";
  adjacent.name_en += " (adjacent day)";
  out.push_back(std::move(adjacent));
  // Vietnamese Culture Day is a day off from 1 July 2026, so from 2026 on.
  if (year >= 2026) add({year, 11, 24}, HolidayRule::culture_day);
  std::stable_sort(out.begin(), out.end(), [](const Holiday& a, const Holiday& b) { return a.date < b.date; });
  return out;
}

struct YearResult {
  std::vector<Holiday> holidays;
  std::vector<DayNumber> working_days;  // weekend days announced as working days
};

YearResult build_year(int year, const YearOverrides* announced) {
  YearResult out;
  std::set<HolidayRule> replaced;
  std::set<DayNumber> off;
  if (announced) {
    for (const AnnouncedHoliday& h : announced->holidays) {
      replaced.insert(h.rule);
      for (const CivilDate d : h.days_off) {
        out.holidays.push_back(make_holiday(day_number(d), h.rule, HolidayKind::override));
        off.insert(day_number(d));
      }
    }
    for (const AnnouncedDay& d : announced->days_off) {
      out.holidays.push_back(Holiday{d.date, std::nullopt, HolidayKind::override,
                                     d.name_vi.empty() ? "Ngày nghỉ theo thông báo" : d.name_vi,
                                     d.name_en.empty() ? "Announced day off" : d.name_en});
      off.insert(day_number(d.date));
    }
    for (const AnnouncedDay& d : announced->working_days) out.working_days.push_back(day_number(d.date));
  }
  std::vector<Holiday> rules;
  for (Holiday& h : rule_days(year))
    if (!replaced.count(*h.rule)) rules.push_back(std::move(h));
  for (const Holiday& h : rules) off.insert(day_number(h.date));
  // Labor Code 2019 art. 111(3): a holiday on a weekly rest day is taken on the
  // next working day. Two holidays on one weekday (10/3 lunar can fall on 30 April
  // or 1 May) are treated the same way, so the year keeps its number of days off.
  std::set<DayNumber> seen;
  for (const Holiday& h : rules) {
    const DayNumber day = day_number(h.date);
    const bool shared = !seen.insert(day).second;
    if (!is_weekend(day) && !shared) continue;
    DayNumber next = day + 1;
    while (is_weekend(next) || off.count(next)) ++next;
    off.insert(next);
    Holiday comp = make_holiday(next, *h.rule, HolidayKind::compensatory);
    comp.name_vi = "Nghỉ bù " + h.name_vi;
    comp.name_en = "Compensatory day off for " + h.name_en;
    out.holidays.push_back(std::move(comp));
  }
  for (Holiday& h : rules) out.holidays.push_back(std::move(h));
  std::stable_sort(out.holidays.begin(), out.holidays.end(),
                   [](const Holiday& a, const Holiday& b) { return a.date < b.date; });
  return out;
}

void set_bit(std::vector<std::uint64_t>& bits, int index) {
  bits[static_cast<std::size_t>(index) >> 6] |= std::uint64_t{1} << (static_cast<unsigned>(index) & 63U);
}

bool test_bit(const std::vector<std::uint64_t>& bits, int index) {
  return (bits[static_cast<std::size_t>(index) >> 6] >> (static_cast<unsigned>(index) & 63U)) & 1U;
}

// Position (0–63) of the k-th (1-based) set bit; k ≤ popcount(word).
int select_in_word(std::uint64_t word, int k) {
  int base = 0;
  for (;; base += 8, word >>= 8) {
    const int in_byte = std::popcount(word & 0xFFU);
    if (k <= in_byte) break;
    k -= in_byte;
  }
  for (; k > 1; --k) word &= word - 1;
  return base + std::countr_zero(word);
}

}  // namespace

struct HolidayCalendar::Data {
  HolidayOverrides overrides;
  std::vector<Holiday> holidays;            // every year, by date
  std::vector<std::size_t> year_begin;      // holidays of kFirstYear + i start here; one extra at the end
  std::vector<std::uint64_t> holiday_bits;  // bit i: day kFirstDay + i is listed as a holiday
  std::vector<std::uint64_t> working_bits;  // bit i: day kFirstDay + i is a working day
  std::vector<int> working_before;          // working days in words [0, w); one extra at the end
};

std::string_view to_string(HolidayKind kind) noexcept {
  switch (kind) {
    case HolidayKind::rule: return "rule";
    case HolidayKind::compensatory: return "compensatory";
    case HolidayKind::override: return "override";
  }
  return "rule";
}

Json to_json(const Holiday& h) {
  return Json{{"date", format_date(h.date)},
              {"name_vi", h.name_vi},
              {"name_en", h.name_en},
              {"kind", std::string(to_string(h.kind))},
              {"rule", h.rule ? Json(std::string(to_string(*h.rule))) : Json(nullptr)}};
}

Result<HolidayCalendar> HolidayCalendar::create(HolidayOverrides overrides) {
  auto checked = validate(std::move(overrides));
  if (!checked) return fail(checked.error());
  auto data = std::make_shared<Data>();
  data->overrides = std::move(*checked);
  const int days = kLastDay - kFirstDay + 1;
  const auto words = static_cast<std::size_t>((days + 63) / 64);
  data->holiday_bits.assign(words, 0);
  data->working_bits.assign(words, 0);
  std::vector<DayNumber> made_working;
  for (int year = kFirstYear; year <= kLastYear; ++year) {
    data->year_begin.push_back(data->holidays.size());
    YearResult y = build_year(year, data->overrides.find(year));
    for (Holiday& h : y.holidays) {
      const DayNumber day = day_number(h.date);
      if (day >= kFirstDay && day <= kLastDay) set_bit(data->holiday_bits, day - kFirstDay);
      data->holidays.push_back(std::move(h));
    }
    made_working.insert(made_working.end(), y.working_days.begin(), y.working_days.end());
  }
  data->year_begin.push_back(data->holidays.size());
  for (const DayNumber day : made_working)
    if (test_bit(data->holiday_bits, day - kFirstDay))
      return fail(Errc::invalid_argument, "holiday overrides: " + format_date(civil_date(day)) +
                                              " is announced as a working day but is a public holiday");
  for (DayNumber day = kFirstDay; day <= kLastDay; ++day)
    if (!is_weekend(day) && !test_bit(data->holiday_bits, day - kFirstDay))
      set_bit(data->working_bits, day - kFirstDay);
  for (const DayNumber day : made_working) set_bit(data->working_bits, day - kFirstDay);
  data->working_before.assign(words + 1, 0);
  for (std::size_t w = 0; w < words; ++w)
    data->working_before[w + 1] = data->working_before[w] + std::popcount(data->working_bits[w]);
  return HolidayCalendar(std::move(data));
}

const HolidayOverrides& HolidayCalendar::overrides() const noexcept { return data_->overrides; }

std::span<const Holiday> HolidayCalendar::holidays(int year) const noexcept {
  if (year < kFirstYear || year > kLastYear) return {};
  const auto i = static_cast<std::size_t>(year - kFirstYear);
  return std::span<const Holiday>(data_->holidays)
      .subspan(data_->year_begin[i], data_->year_begin[i + 1] - data_->year_begin[i]);
}

bool HolidayCalendar::in_table(DayNumber day) const noexcept { return day >= kFirstDay && day <= kLastDay; }

bool HolidayCalendar::is_holiday(DayNumber day) const noexcept {
  return in_table(day) && test_bit(data_->holiday_bits, day - kFirstDay);
}
bool HolidayCalendar::is_holiday(CivilDate date) const noexcept {
  return is_valid(date) && is_holiday(day_number(date));
}

bool HolidayCalendar::is_working_day(DayNumber day) const noexcept {
  if (!in_table(day)) return !is_weekend(day);
  return test_bit(data_->working_bits, day - kFirstDay);
}
bool HolidayCalendar::is_working_day(CivilDate date) const noexcept {
  return is_valid(date) && is_working_day(day_number(date));
}

int HolidayCalendar::rank_through(DayNumber day) const noexcept {
  const auto index = static_cast<unsigned>(day - kFirstDay);
  const std::size_t w = index >> 6;
  const unsigned bit = index & 63U;
  const std::uint64_t mask = (std::uint64_t{2} << bit) - 1;  // bits 0…bit (wraps to all ones for bit 63)
  return data_->working_before[w] + std::popcount(data_->working_bits[w] & mask);
}

std::optional<DayNumber> HolidayCalendar::nth_working_day_after(DayNumber day, int n) const noexcept {
  if (n < 0 || !in_table(day)) return std::nullopt;
  if (n == 0) return day;
  if (n > data_->working_before.back()) return std::nullopt;  // also keeps the sum below from overflowing
  const int target = rank_through(day) + n;                   // the answer is the target-th working day of the table
  if (target > data_->working_before.back()) return std::nullopt;
  std::size_t w = static_cast<std::size_t>(day - kFirstDay) >> 6;
  while (data_->working_before[w + 1] < target) ++w;  // a word holds ~45 working days: few steps
  const int pos = select_in_word(data_->working_bits[w], target - data_->working_before[w]);
  return kFirstDay + static_cast<int>(w * 64) + pos;
}

std::optional<CivilDate> HolidayCalendar::nth_working_day_after(CivilDate date, int n) const noexcept {
  if (!is_valid(date)) return std::nullopt;
  const auto day = nth_working_day_after(day_number(date), n);
  if (!day) return std::nullopt;
  return civil_date(*day);
}

int HolidayCalendar::working_days_between(DayNumber from, DayNumber to) const noexcept {
  if (to <= from) return 0;
  int count = weekdays_between(from, std::min(to, kFirstDay)) + weekdays_between(std::max(from, kLastDay + 1), to);
  const DayNumber a = std::max(from, kFirstDay), b = std::min(to, kLastDay + 1);
  if (a < b) count += (b - 1 >= kFirstDay ? rank_through(b - 1) : 0) - (a - 1 >= kFirstDay ? rank_through(a - 1) : 0);
  return count;
}

}  // namespace motcua::calendar
