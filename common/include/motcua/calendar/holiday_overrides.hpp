#pragma once
// What the Government announces each year on top of the Labor Code's holiday
// rules: the exact days off for Tết and National Day, days moved off a weekend,
// and swapped working days (a weekday given off, a Saturday worked instead).
// Kept as data — one TOML file per year in assets/calendar/ — because it changes
// every year after the software ships; the hub serves it as JSON so kiosks pick
// it up with the catalog. Format: docs/calendar.md.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "motcua/calendar/civil_date.hpp"
#include "motcua/util/error.hpp"
#include "motcua/util/json.hpp"

namespace motcua::calendar {

// The public holidays of Labor Code 2019 art. 112 (and Vietnamese Culture Day).
enum class HolidayRule {
  new_year,           // Tết Dương lịch, 1 January
  tet,                // Tết Âm lịch, 5 days
  hung_kings,         // Giỗ Tổ Hùng Vương, 10/3 lunar
  reunification_day,  // Ngày Chiến thắng, 30 April
  labour_day,         // Ngày Quốc tế Lao động, 1 May
  national_day,       // Quốc khánh, 2 September and one adjacent day
  culture_day,        // Ngày Văn hóa Việt Nam, 24 November (from 1 July 2026)
};
inline constexpr HolidayRule kAllHolidayRules[] = {
    HolidayRule::new_year,   HolidayRule::tet,          HolidayRule::hung_kings, HolidayRule::reunification_day,
    HolidayRule::labour_day, HolidayRule::national_day, HolidayRule::culture_day};

std::string_view to_string(HolidayRule rule) noexcept;  // "tet", "hung_kings", …
std::optional<HolidayRule> holiday_rule_from_string(std::string_view text) noexcept;

// The announced days off of one holiday. They replace the days the rule would
// give, and no compensatory day is derived from them (the announcement already
// placed the days).
struct AnnouncedHoliday {
  HolidayRule rule = HolidayRule::tet;
  std::vector<CivilDate> days_off;
  std::string note;
  friend bool operator==(const AnnouncedHoliday&, const AnnouncedHoliday&) = default;
};

// A single announced day: an extra day off (the weekday half of a swap) or a
// weekly rest day made a working day [làm bù].
struct AnnouncedDay {
  CivilDate date;
  std::string name_vi;
  std::string name_en;
  friend bool operator==(const AnnouncedDay&, const AnnouncedDay&) = default;
};

struct YearOverrides {
  int year = 0;
  std::string source;  // which announcement this is, for people reading the data
  std::vector<AnnouncedHoliday> holidays;
  std::vector<AnnouncedDay> days_off;
  std::vector<AnnouncedDay> working_days;
  friend bool operator==(const YearOverrides&, const YearOverrides&) = default;
};

struct HolidayOverrides {
  std::vector<YearOverrides> years;  // sorted by year, at most one entry per year

  const YearOverrides* find(int year) const noexcept;
  friend bool operator==(const HolidayOverrides&, const HolidayOverrides&) = default;
};

// Checks what the file formats cannot: dates inside their year, each rule at most
// once a year, working days only on Saturday/Sunday, no day both off and worked,
// one entry per year. Sorts years.
Result<HolidayOverrides> validate(HolidayOverrides overrides);

// One year, TOML (the file in assets/calendar/).
Result<YearOverrides> parse_year_overrides_toml(std::string_view text, std::string_view source_name = "overrides");
Result<YearOverrides> load_year_overrides(const std::filesystem::path& file);
// Every *.toml file of a directory (assets/calendar/); a missing directory is an error.
Result<HolidayOverrides> load_overrides_directory(const std::filesystem::path& dir);

// JSON codec with the same field names as the TOML files:
// {"years": [{"year": 2026, "source": "…", "holiday": [{"rule": "tet", "days_off": ["2026-02-16", …],
//  "note": "…"}], "day_off": [{"date": …, "name_vi": …, "name_en": …}], "working_day": […]}]}
Json to_json(const HolidayOverrides& overrides);
Result<HolidayOverrides> overrides_from_json(const Json& json);

}  // namespace motcua::calendar
