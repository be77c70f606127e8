#include "motcua/calendar/holiday_overrides.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "motcua/util/config.hpp"
#include "motcua/util/fs.hpp"

namespace motcua::calendar {

namespace {

std::string describe(const YearOverrides& y) { return "holiday overrides for " + std::to_string(y.year); }

bool is_weekend(CivilDate d) {
  const auto wd = weekday(d);
  return wd == std::chrono::Saturday || wd == std::chrono::Sunday;
}

// ---- TOML

std::string at_line(std::string_view source, const toml::node& node) {
  return std::string(source) + " line " + std::to_string(node.source().begin.line);
}

Result<CivilDate> toml_date(const toml::node& node, std::string_view where) {
  if (const auto* d = node.as_date()) {
    const toml::date v = d->get();
    const CivilDate c{static_cast<int>(v.year), static_cast<int>(v.month), static_cast<int>(v.day)};
    if (!is_valid(c)) return fail(Errc::invalid_argument, std::string(where) + ": not a valid date");
    return c;
  }
  if (const auto s = node.value<std::string>()) {
    auto d = parse_date(*s);
    if (!d) return fail(Errc::invalid_argument, std::string(where) + ": " + d.error().message);
    return d;
  }
  return fail(Errc::invalid_argument, std::string(where) + ": expected a date such as 2026-02-16");
}

Result<AnnouncedDay> toml_day(const toml::table& t, std::string_view where, std::string_view kind) {
  const auto* date = t.get("date");
  if (!date) return fail(Errc::invalid_argument, std::string(where) + ": [[" + std::string(kind) + "]] needs a date");
  auto d = toml_date(*date, where);
  if (!d) return fail(d.error());
  return AnnouncedDay{*d, t["name_vi"].value_or(std::string()), t["name_en"].value_or(std::string())};
}

// ---- JSON

Result<CivilDate> json_date(const Json& j, const std::string& where) {
  if (!j.is_string()) return fail(Errc::invalid_argument, where + ": expected a date string such as \"2026-02-16\"");
  auto d = parse_date(j.get<std::string>());
  if (!d) return fail(Errc::invalid_argument, where + ": " + d.error().message);
  return d;
}

Result<std::vector<AnnouncedDay>> json_days(const Json& year, const char* key, const std::string& where) {
  std::vector<AnnouncedDay> out;
  if (!year.contains(key)) return out;
  const Json& list = year.at(key);
  if (!list.is_array()) return fail(Errc::invalid_argument, where + ": \"" + key + "\" must be an array");
  for (const Json& item : list) {
    const std::string at = where + " " + key + "[" + std::to_string(out.size()) + "]";
    if (!item.is_object() || !item.contains("date")) return fail(Errc::invalid_argument, at + ": needs a \"date\"");
    auto d = json_date(item.at("date"), at);
    if (!d) return fail(d.error());
    out.push_back({*d, str_or(item, "name_vi"), str_or(item, "name_en")});
  }
  return out;
}

Json day_json(const AnnouncedDay& d) {
  return Json{{"date", format_date(d.date)}, {"name_vi", d.name_vi}, {"name_en", d.name_en}};
}

}  // namespace

std::string_view to_string(HolidayRule rule) noexcept {
  switch (rule) {
    case HolidayRule::new_year: return "new_year";
    case HolidayRule::tet: return "tet";
    case HolidayRule::hung_kings: return "hung_kings";
    case HolidayRule::reunification_day: return "reunification_day";
    case HolidayRule::labour_day: return "labour_day";
    case HolidayRule::national_day: return "national_day";
    case HolidayRule::culture_day: return "culture_day";
  }
  return "tet";
}

std::optional<HolidayRule> holiday_rule_from_string(std::string_view text) noexcept {
  for (const HolidayRule r : kAllHolidayRules)
    if (to_string(r) == text) return r;
  return std::nullopt;
}

const YearOverrides* HolidayOverrides::find(int year) const noexcept {
  const auto it =
      std::lower_bound(years.begin(), years.end(), year, [](const YearOverrides& y, int v) { return y.year < v; });
  return it != years.end() && it->year == year ? &*it : nullptr;
}

Result<HolidayOverrides> validate(HolidayOverrides overrides) {
  std::sort(overrides.years.begin(), overrides.years.end(),
            [](const YearOverrides& a, const YearOverrides& b) { return a.year < b.year; });
  for (std::size_t i = 0; i < overrides.years.size(); ++i) {
    const YearOverrides& y = overrides.years[i];
    const std::string name = describe(y);
    if (y.year < 1900 || y.year > 2199)
      return fail(Errc::invalid_argument, name + ": the year must be within 1900–2199");
    if (i > 0 && overrides.years[i - 1].year == y.year)
      return fail(Errc::invalid_argument, name + ": the year is given twice");
    const auto check_in_year = [&](CivilDate d, const std::string& what) -> Result<void> {
      if (!is_valid(d)) return fail(Errc::invalid_argument, name + ": " + what + " is not a valid date");
      if (d.year != y.year)
        return fail(Errc::invalid_argument,
                    name + ": " + what + " " + format_date(d) + " is not in " + std::to_string(y.year));
      return {};
    };
    std::set<HolidayRule> rules;
    std::map<CivilDate, std::string> off;  // date → what made it a day off
    for (const AnnouncedHoliday& h : y.holidays) {
      const std::string what = "holiday \"" + std::string(to_string(h.rule)) + "\"";
      if (!rules.insert(h.rule).second) return fail(Errc::invalid_argument, name + ": " + what + " is announced twice");
      for (const CivilDate d : h.days_off) {
        if (auto ok = check_in_year(d, what + " day"); !ok) return fail(ok.error());
        if (!off.emplace(d, what).second)
          return fail(Errc::invalid_argument, name + ": " + format_date(d) + " is listed twice as a day off");
      }
    }
    for (const AnnouncedDay& d : y.days_off) {
      if (auto ok = check_in_year(d.date, "day off"); !ok) return fail(ok.error());
      if (!off.emplace(d.date, "day off").second)
        return fail(Errc::invalid_argument, name + ": " + format_date(d.date) + " is listed twice as a day off");
    }
    std::set<CivilDate> worked;
    for (const AnnouncedDay& d : y.working_days) {
      if (auto ok = check_in_year(d.date, "working day"); !ok) return fail(ok.error());
      // A make-up day [làm bù] is a weekly rest day worked; weekdays are working
      // days already, and cancelling a statutory holiday is not something an
      // announcement can do (use [[holiday]] to move its days instead).
      if (!is_weekend(d.date))
        return fail(Errc::invalid_argument,
                    name + ": working day " + format_date(d.date) +
                        " is not a Saturday or Sunday; only weekly rest days can be made working days");
      if (off.count(d.date))
        return fail(Errc::invalid_argument, name + ": " + format_date(d.date) + " cannot be both a day off (" +
                                                off[d.date] + ") and a working day");
      if (!worked.insert(d.date).second)
        return fail(Errc::invalid_argument, name + ": working day " + format_date(d.date) + " is listed twice");
    }
  }
  return overrides;
}

Result<YearOverrides> parse_year_overrides_toml(std::string_view text, std::string_view source_name) {
  auto config = Config::parse(text, source_name);
  if (!config) return fail(config.error());
  const toml::table& t = config->table();
  const std::string src(source_name);
  YearOverrides y;
  const auto year = t["year"].value<std::int64_t>();
  if (!year) return fail(Errc::invalid_argument, src + ": needs year = YYYY at the top");
  y.year = static_cast<int>(*year);
  y.source = t["source"].value_or(std::string());

  if (const auto* list = t["holiday"].as_array()) {
    for (const toml::node& node : *list) {
      const auto* h = node.as_table();
      if (!h) return fail(Errc::invalid_argument, at_line(src, node) + ": [[holiday]] must be a table");
      const std::string where = at_line(src, node);
      const auto rule_text = (*h)["rule"].value<std::string>();
      if (!rule_text)
        return fail(Errc::invalid_argument, where + ": [[holiday]] needs rule = \"tet\" (or another rule)");
      const auto rule = holiday_rule_from_string(*rule_text);
      if (!rule)
        return fail(Errc::invalid_argument,
                    where + ": unknown holiday rule \"" + *rule_text +
                        "\" (new_year, tet, hung_kings, reunification_day, labour_day, national_day, culture_day)");
      AnnouncedHoliday announced{*rule, {}, (*h)["note"].value_or(std::string())};
      const auto* days = (*h)["days_off"].as_array();
      if (!days) return fail(Errc::invalid_argument, where + ": [[holiday]] needs days_off = [dates]");
      for (const toml::node& d : *days) {
        auto date = toml_date(d, at_line(src, d));
        if (!date) return fail(date.error());
        announced.days_off.push_back(*date);
      }
      y.holidays.push_back(std::move(announced));
    }
  }
  for (const auto& [key, target] : {std::pair{"day_off", &y.days_off}, std::pair{"working_day", &y.working_days}}) {
    const auto* list = t[key].as_array();
    if (!list) continue;
    for (const toml::node& node : *list) {
      const auto* d = node.as_table();
      if (!d) return fail(Errc::invalid_argument, at_line(src, node) + ": [[" + key + "]] must be a table");
      auto day = toml_day(*d, at_line(src, node), key);
      if (!day) return fail(day.error());
      target->push_back(std::move(*day));
    }
  }
  auto checked = validate(HolidayOverrides{{y}});
  if (!checked) return fail(Errc::invalid_argument, src + ": " + checked.error().message);
  return y;
}

Result<YearOverrides> load_year_overrides(const std::filesystem::path& file) {
  auto text = fs::read_file(file);
  if (!text) return fail(text.error());
  return parse_year_overrides_toml(*text, file.string());
}

Result<HolidayOverrides> load_overrides_directory(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec))
    return fail(Errc::not_found, "holiday overrides directory " + dir.string() + " does not exist");
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec))
    if (entry.is_regular_file() && entry.path().extension() == ".toml") files.push_back(entry.path());
  if (ec) return fail(Errc::io, "cannot list " + dir.string() + ": " + ec.message());
  std::sort(files.begin(), files.end());
  HolidayOverrides out;
  for (const auto& f : files) {
    auto y = load_year_overrides(f);
    if (!y) return fail(y.error());
    out.years.push_back(std::move(*y));
  }
  return validate(std::move(out));
}

Json to_json(const HolidayOverrides& overrides) {
  Json years = Json::array();
  for (const YearOverrides& y : overrides.years) {
    Json holidays = Json::array();
    for (const AnnouncedHoliday& h : y.holidays) {
      Json days = Json::array();
      for (const CivilDate d : h.days_off) days.push_back(format_date(d));
      holidays.push_back(Json{{"rule", std::string(to_string(h.rule))}, {"days_off", days}, {"note", h.note}});
    }
    Json off = Json::array(), worked = Json::array();
    for (const AnnouncedDay& d : y.days_off) off.push_back(day_json(d));
    for (const AnnouncedDay& d : y.working_days) worked.push_back(day_json(d));
    years.push_back(
        Json{{"year", y.year}, {"source", y.source}, {"holiday", holidays}, {"day_off", off}, {"working_day", worked}});
  }
  return Json{{"years", years}};
}

Result<HolidayOverrides> overrides_from_json(const Json& json) {
  if (!json.is_object() || !json.contains("years") || !json.at("years").is_array())
    return fail(Errc::invalid_argument, "holiday overrides: expected an object with a \"years\" array");
  HolidayOverrides out;
  for (const Json& item : json.at("years")) {
    const std::string where = "holiday overrides years[" + std::to_string(out.years.size()) + "]";
    if (!item.is_object() || !item.contains("year") || !item.at("year").is_number_integer())
      return fail(Errc::invalid_argument, where + ": needs an integer \"year\"");
    YearOverrides y;
    y.year = item.at("year").get<int>();
    y.source = str_or(item, "source");
    if (item.contains("holiday")) {
      const Json& list = item.at("holiday");
      if (!list.is_array()) return fail(Errc::invalid_argument, where + ": \"holiday\" must be an array");
      for (const Json& h : list) {
        const std::string at = where + " holiday[" + std::to_string(y.holidays.size()) + "]";
        const auto rule = holiday_rule_from_string(str_or(h, "rule"));
        if (!rule) return fail(Errc::invalid_argument, at + ": unknown or missing \"rule\"");
        if (!h.contains("days_off") || !h.at("days_off").is_array())
          return fail(Errc::invalid_argument, at + ": needs a \"days_off\" array");
        AnnouncedHoliday announced{*rule, {}, str_or(h, "note")};
        for (const Json& d : h.at("days_off")) {
          auto date = json_date(d, at);
          if (!date) return fail(date.error());
          announced.days_off.push_back(*date);
        }
        y.holidays.push_back(std::move(announced));
      }
    }
    auto off = json_days(item, "day_off", where);
    if (!off) return fail(off.error());
    auto worked = json_days(item, "working_day", where);
    if (!worked) return fail(worked.error());
    y.days_off = std::move(*off);
    y.working_days = std::move(*worked);
    out.years.push_back(std::move(y));
  }
  return validate(std::move(out));
}

}  // namespace motcua::calendar
