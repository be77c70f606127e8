#include "offline_commands.hpp"

#include <CLI/CLI.hpp>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string_view>
#include <system_error>
#include <vector>

#include "motcua/calendar/civil_date.hpp"
#include "motcua/calendar/holidays.hpp"
#include "motcua/calendar/lunar.hpp"
#include "motcua/calendar/working_time.hpp"
#include "motcua/domain/catalog.hpp"
#include "motcua/domain/dossier_code.hpp"
#include "motcua/text/utf8.hpp"
#include "motcua/util/clock.hpp"
#include "motcua/util/error.hpp"
#include "motcua/util/fs.hpp"
#include "motcua/util/json.hpp"

namespace motcua::admin {

namespace {

namespace stdfs = std::filesystem;
namespace cal = calendar;
using cal::CivilDate;

// ---- errors and exit codes ------------------------------------------------------

tl::unexpected<Error> invalid(std::string message) { return fail(Errc::invalid_argument, std::move(message)); }

// main.cpp's convention; only these codes can come out of offline commands.
int report(const Error& e) {
  std::cerr << "motcua-admin: " << e.message << "\n";
  switch (e.code) {
    case Errc::invalid_argument: return 2;
    case Errc::not_found: return 3;
    default: return 1;
  }
}

// A command prints on success and returns nothing, or an error for report().
using Outcome = Result<void>;

// ---- small text helpers ---------------------------------------------------------

bool parse_digits(std::string_view s, std::size_t max_digits, int& out) {
  if (s.empty() || s.size() > max_digits) return false;
  int v = 0;
  for (const char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

std::string_view weekday_vi(CivilDate d) {
  static constexpr std::array<std::string_view, 7> kNames = {"Chủ nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư",
                                                             "Thứ Năm",  "Thứ Sáu", "Thứ Bảy"};
  return kNames[cal::weekday(d).c_encoding()];
}

std::string_view weekday_en(CivilDate d) {
  static constexpr std::array<std::string_view, 7> kNames = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                             "Thursday", "Friday", "Saturday"};
  return kNames[cal::weekday(d).c_encoding()];
}

// "Thứ Ba 17/02/2026"
std::string day_vi(CivilDate d) { return std::string(weekday_vi(d)) + " " + cal::format_date_vi(d); }

// Pads to a width in code points, so Vietnamese labels line up.
std::string pad(std::string s, std::size_t width) {
  const std::size_t len = utf8::length(s);
  if (len < width) s.append(width - len, ' ');
  return s;
}

// Library texts start lower-case because they are also used mid-sentence; a line
// of output starts with a capital. Only ASCII first letters occur ("mùng", "ngày").
std::string capitalised(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

CivilDate civil(const VietnamTime& v) { return CivilDate{v.year, v.month, v.day}; }

// "Thứ Sáu 13/02/2026 10:00"
std::string moment_vi(TimePoint t) {
  const VietnamTime v = to_vietnam(t);
  char hm[16];
  std::snprintf(hm, sizeof hm, "%02d:%02d", v.hour, v.minute);
  return day_vi(civil(v)) + " " + hm;
}

// "17 giờ 00 phút, ngày 19 tháng 2 năm 2026", as appointment slips write it.
std::string appointment_text_vi(TimePoint t) {
  const VietnamTime v = to_vietnam(t);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%d giờ %02d phút, ngày %d tháng %d năm %d", v.hour, v.minute, v.day, v.month,
                v.year);
  return buf;
}

Json lunar_json(const cal::LunarDate& l) {
  return Json{{"year", l.year}, {"month", l.month}, {"day", l.day}, {"leap", l.leap}, {"text", cal::format_lunar(l)}};
}

// ---- assets ---------------------------------------------------------------------

// Shipped data is found the way motcua-hub finds its demo catalog: $MOTCUA_ASSETS,
// else assets/ two levels above the binary (build/bin/ in a build tree), else the
// source tree the binary was built from.
stdfs::path assets_path(const stdfs::path& relative) {
  if (const char* env = std::getenv("MOTCUA_ASSETS"); env != nullptr && *env != '\0')
    return stdfs::path(env) / relative;
  std::error_code ec;
  const auto exe = stdfs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    auto candidate = exe.parent_path().parent_path().parent_path() / "assets" / relative;
    if (stdfs::exists(candidate, ec)) return candidate;
  }
  return stdfs::path(MOTCUA_SOURCE_DIR) / "assets" / relative;
}

struct LoadedCalendar {
  cal::HolidayCalendar calendar;
  std::optional<stdfs::path> dir;  // where the announcements came from; none: rules only
};

// The holiday rules plus the yearly announcements. An explicit --calendar-dir
// must load; a missing default directory only warns, because lunar dates and
// the Labor Code rules are still right without it and this tool must work on a
// machine that has the binary alone. A default directory that exists but does not
// load is an error: silently dropping announced days off would give wrong dates.
Result<LoadedCalendar> load_calendar(const std::string& explicit_dir) {
  cal::HolidayOverrides overrides;
  std::optional<stdfs::path> used;
  if (!explicit_dir.empty()) {
    auto o = cal::load_overrides_directory(explicit_dir);
    if (!o) return invalid("--calendar-dir: " + o.error().message);
    overrides = std::move(*o);
    used = explicit_dir;
  } else {
    const stdfs::path dir = assets_path("calendar");
    std::error_code ec;
    if (stdfs::is_directory(dir, ec)) {
      auto o = cal::load_overrides_directory(dir);
      if (!o) return fail(o.error());
      overrides = std::move(*o);
      used = dir;
    } else {
      std::cerr << "motcua-admin: warning: no holiday announcements at " << dir.string()
                << " (set MOTCUA_ASSETS or give --calendar-dir); using the Labor Code rules only\n";
    }
  }
  auto c = cal::HolidayCalendar::create(std::move(overrides));
  if (!c) return fail(c.error());
  return LoadedCalendar{std::move(*c), std::move(used)};
}

Result<domain::Catalog> load_catalog(const std::string& explicit_file) {
  const stdfs::path file = explicit_file.empty() ? assets_path(stdfs::path("catalog") / "demo.json")
                                                 : stdfs::path(explicit_file);
  // A file the user named is their input (exit 2); the default one missing or
  // broken is an installation problem (exit 1).
  const Errc code = explicit_file.empty() ? Errc::io : Errc::invalid_argument;
  auto text = fs::read_file(file);
  if (!text) return fail(code, "catalog: " + text.error().message);
  auto j = parse_json(*text);
  if (!j) return fail(code, file.string() + ": " + j.error().message);
  auto c = domain::catalog_from_json(*j);
  if (!c) return fail(code, file.string() + ": " + c.error().message);
  return c;
}

// ---- input forms ----------------------------------------------------------------

Result<CivilDate> parse_solar(const std::string& text) {
  if (text.empty()) return invalid("give a date, YYYY-MM-DD (e.g. 2026-02-17)");
  auto d = cal::parse_date(text);
  if (!d) return invalid(d.error().message);
  return d;
}

Result<int> parse_year(const std::string& text) {
  int year = 0;
  if (!parse_digits(text, 4, year) || text.size() != 4)
    return invalid("year \"" + text + "\" must be four digits, e.g. 2026");
  if (year < cal::HolidayCalendar::kFirstYear || year > cal::HolidayCalendar::kLastYear)
    return invalid("year " + text + " is outside the supported range " +
                   std::to_string(cal::HolidayCalendar::kFirstYear) + "–" +
                   std::to_string(cal::HolidayCalendar::kLastYear));
  return year;
}

// RFC 3339 ("2026-02-13T10:00:00+07:00", "…Z") or a Vietnam wall-clock time
// ("2026-02-13 10:00", seconds and a T separator optional): a receipt time is
// usually read off a paper slip, which has no offset.
Result<TimePoint> parse_instant(const std::string& text) {
  const std::string forms =
      " must be RFC 3339 (2026-02-13T10:00:00+07:00) or Vietnam time YYYY-MM-DD HH:MM (\"2026-02-13 10:00\")";
  if (text.empty()) return invalid("give the time of receipt: INSTANT" + forms);
  if (text.size() < 16 || (text[10] != ' ' && text[10] != 'T' && text[10] != 't') || text[13] != ':')
    return invalid("time \"" + text + "\"" + forms);
  auto date = cal::parse_date(std::string_view(text).substr(0, 10));
  if (!date) return invalid("time \"" + text + "\": " + date.error().message);
  int hour = 0, minute = 0, second = 0;
  if (!parse_digits(std::string_view(text).substr(11, 2), 2, hour) ||
      !parse_digits(std::string_view(text).substr(14, 2), 2, minute))
    return invalid("time \"" + text + "\"" + forms);
  std::size_t pos = 16;
  if (pos < text.size() && text[pos] == ':') {
    if (!parse_digits(std::string_view(text).substr(pos + 1, 2), 2, second) || text.size() < pos + 3)
      return invalid("time \"" + text + "\"" + forms);
    pos += 3;
  }
  if (hour > 23 || minute > 59 || second > 59)
    return invalid("time \"" + text + "\": hours must be 00–23, minutes and seconds 00–59");
  if (pos == text.size())
    return cal::vietnam_instant(*date, std::chrono::hours(hour) + std::chrono::minutes(minute) +
                                           std::chrono::seconds(second));
  // Anything after the time is a fraction or an offset: the RFC 3339 parser decides.
  // RFC 3339 allows a space for the T (section 5.6); our parser wants the T.
  std::string rfc = text;
  rfc[10] = 'T';
  TimePoint t;
  if (!parse_rfc3339(rfc, t)) return invalid("time \"" + text + "\"" + forms);
  return t;
}

// N as a count of half days: "3" → 6, "0.5" → 1, "1,5" → 3 (Vietnamese write a
// decimal comma). Only whole and half days exist in the working-time model.
Result<int> parse_half_days(const std::string& text) {
  const std::string what = "N \"" + text + "\" must be a number of working days, whole or half (e.g. 3, 0.5, 1.5)";
  if (text.empty()) return invalid("N is empty; give a number of working days, e.g. 3 or 0.5");
  if (text[0] == '-') return invalid("N \"" + text + "\" is negative; a processing time counts forward");
  const auto sep = text.find_first_of(".,");
  int whole = 0;
  if (!parse_digits(std::string_view(text).substr(0, sep), 5, whole)) return invalid(what);
  int half = 0;
  if (sep != std::string::npos) {
    const std::string_view frac = std::string_view(text).substr(sep + 1);
    if (frac == "0" || frac == "00") half = 0;
    else if (frac == "5" || frac == "50") half = 1;
    else return invalid(what);
  }
  return whole * 2 + half;
}

std::string half_days_text(int half_days, char decimal) {
  std::string s = std::to_string(half_days / 2);
  if (half_days % 2 != 0) s += std::string(1, decimal) + "5";
  return s;
}

// ---- calendar lunar / solar -----------------------------------------------------

void print_lunar(CivilDate solar, const cal::LunarDate& lunar, bool solar_first, bool json) {
  const std::string text = capitalised(cal::describe_lunar_vi(lunar));
  const auto month_length = cal::lunar_month_length(lunar.year, lunar.month, lunar.leap);
  if (json) {
    Json j{{"solar", cal::format_date(solar)},
           {"weekday", std::string(weekday_en(solar))},
           {"weekday_vi", std::string(weekday_vi(solar))},
           {"lunar", lunar_json(lunar)},
           {"text", text},
           {"can_chi", cal::can_chi_year(lunar.year)},
           {"month_length", month_length ? Json(*month_length) : Json(nullptr)}};
    std::cout << j.dump(2) << "\n";
    return;
  }
  const std::string solar_line =
      pad("Dương lịch / Solar:", 21) + day_vi(solar) + " (" + cal::format_date(solar) + ")\n";
  std::string lunar_line = pad("Âm lịch / Lunar:", 21) + text + " (" + cal::format_lunar(lunar) + ")";
  // Calendars print a month's length as "tháng đủ" (30 days) or "tháng thiếu" (29).
  if (month_length)
    lunar_line += *month_length == 30 ? ", tháng đủ (30 ngày)" : ", tháng thiếu (" + std::to_string(*month_length) + " ngày)";
  lunar_line += "\n";
  std::cout << (solar_first ? solar_line + lunar_line : lunar_line + solar_line);
}

Outcome run_lunar(const std::string& date_text, bool json) {
  auto date = parse_solar(date_text);
  if (!date) return fail(date.error());
  auto lunar = cal::to_lunar(*date);
  if (!lunar) return invalid(lunar.error().message);
  print_lunar(*date, *lunar, true, json);
  return {};
}

Outcome run_solar(const std::string& lunar_text, bool json) {
  if (lunar_text.empty()) return invalid("give a lunar date, D/M/YYYY, with n after a leap month (e.g. 1/1/2026, 1/6n/2025)");
  auto lunar = cal::parse_lunar(lunar_text);
  if (!lunar) return invalid(lunar.error().message);
  // to_solar says why a well-formed date does not exist (no such leap month, a 29-day month).
  auto solar = cal::to_solar(*lunar);
  if (!solar) return invalid(solar.error().message);
  print_lunar(*solar, *lunar, false, json);
  return {};
}

// ---- calendar holidays ----------------------------------------------------------

std::string_view kind_vi(cal::HolidayKind kind) {
  switch (kind) {
    case cal::HolidayKind::rule: return "theo luật";
    case cal::HolidayKind::compensatory: return "nghỉ bù";
    case cal::HolidayKind::override: return "theo thông báo";
  }
  return "";
}

Outcome run_holidays(const std::string& year_text, const std::string& calendar_dir, bool json) {
  auto year = parse_year(year_text);
  if (!year) return fail(year.error());
  auto loaded = load_calendar(calendar_dir);
  if (!loaded) return fail(loaded.error());
  const auto days_off = loaded->calendar.holidays(*year);
  const cal::YearOverrides* announced = loaded->calendar.overrides().find(*year);
  const std::vector<cal::AnnouncedDay> no_days;
  const auto& working_days = announced != nullptr ? announced->working_days : no_days;

  if (json) {
    Json off = Json::array();
    for (const auto& h : days_off) {
      Json e = cal::to_json(h);
      e["weekday"] = std::string(weekday_en(h.date));
      off.push_back(std::move(e));
    }
    Json worked = Json::array();
    for (const auto& d : working_days)
      worked.push_back(Json{{"date", cal::format_date(d.date)},
                            {"weekday", std::string(weekday_en(d.date))},
                            {"name_vi", d.name_vi},
                            {"name_en", d.name_en}});
    Json j{{"year", *year},
           {"calendar_dir", loaded->dir ? Json(loaded->dir->string()) : Json(nullptr)},
           {"announcement", announced != nullptr ? Json(announced->source) : Json(nullptr)},
           {"holidays", std::move(off)},
           {"working_days", std::move(worked)}};
    std::cout << j.dump(2) << "\n";
    return {};
  }

  std::cout << "Ngày nghỉ năm " << *year << " / Days off in " << *year << "\n";
  if (announced != nullptr) std::cout << "Theo thông báo / Announced: " << announced->source << "\n";
  else std::cout << "Chưa có thông báo năm " << *year << "; theo luật / No announcement for this year; by rule\n";
  std::cout << "\n";
  for (const auto& h : days_off)
    std::cout << "  " << pad(day_vi(h.date), 20) << pad(std::string(kind_vi(h.kind)), 16) << h.name_vi << " / "
              << h.name_en << "\n";
  std::cout << "\nNgày làm bù / Make-up working days:";
  if (working_days.empty()) std::cout << " không có / none\n";
  else std::cout << "\n";
  for (const auto& d : working_days)
    std::cout << "  " << pad(day_vi(d.date), 20) << d.name_vi << " / " << d.name_en << "\n";
  std::cout << "\n" << days_off.size() << " ngày nghỉ / days off\n";
  return {};
}

// ---- calendar add-working-days --------------------------------------------------

struct Request {
  cal::ProcessingTime time;
  const domain::Service* service = nullptr;
  int half_days = 0;  // the asked length in half days, for display
};

std::string processing_text(const Request& r) {
  std::string s;
  switch (r.time.unit) {
    case cal::DeadlineUnit::same_day: s = "trong ngày / same day"; break;
    case cal::DeadlineUnit::working_days:
    case cal::DeadlineUnit::working_half_days:
      s = half_days_text(r.half_days, ',') + " ngày làm việc / " + half_days_text(r.half_days, '.') + " working days";
      if (r.time.unit == cal::DeadlineUnit::working_half_days)
        s += " (" + std::to_string(r.time.count) + " buổi / sessions)";
      break;
    case cal::DeadlineUnit::calendar_days:
      s = std::to_string(r.time.count) + " ngày / " + std::to_string(r.time.count) + " calendar days";
      break;
  }
  if (r.time.cutoff) {
    const std::string at = cal::format_time_of_day(*r.time.cutoff);
    s += "; nhận sau " + at + " tính từ ngày làm việc tiếp theo / received after " + at +
         " counts from the next working day";
  }
  return s;
}

std::string_view unit_name(cal::DeadlineUnit unit) {
  switch (unit) {
    case cal::DeadlineUnit::same_day: return "same_day";
    case cal::DeadlineUnit::working_days: return "working_days";
    case cal::DeadlineUnit::working_half_days: return "working_half_days";
    case cal::DeadlineUnit::calendar_days: return "calendar_days";
  }
  return "";
}

// Whole days count in days; a half in sessions, which is how the working-time
// model defines half days (docs/calendar.md, "Half days").
cal::ProcessingTime working_time_for(int half_days, std::optional<std::chrono::minutes> cutoff) {
  if (half_days % 2 == 0) return {cal::DeadlineUnit::working_days, half_days / 2, cutoff};
  return {cal::DeadlineUnit::working_half_days, half_days, cutoff};
}

// What to compute: N alone; the procedure's own processing time; or N in the
// procedure's unit with its cut-off ("what if this procedure took N days").
Result<Request> make_request(const std::string& count_text, const std::string& procedure,
                             const domain::Catalog* catalog) {
  Request r;
  std::optional<int> half_days;
  if (!count_text.empty()) {
    auto n = parse_half_days(count_text);
    if (!n) return fail(n.error());
    half_days = *n;
  }
  if (catalog == nullptr) {
    if (!half_days)
      return invalid("give N, the number of working days (e.g. 3 or 0.5), or --procedure CODE");
    r.half_days = *half_days;
    r.time = working_time_for(*half_days, std::nullopt);
    return r;
  }
  for (const auto& s : catalog->services)
    if (s.code == procedure) r.service = &s;
  if (r.service == nullptr) return invalid("no procedure " + procedure + " in the catalog");
  const domain::Processing& p = r.service->processing;
  std::optional<std::chrono::minutes> cutoff;
  if (p.cutoff) {
    auto c = cal::parse_time_of_day(*p.cutoff);
    if (!c) return invalid("procedure " + procedure + " in the catalog has a bad cut-off: " + c.error().message);
    cutoff = *c;
  }
  switch (p.kind) {
    case domain::ProcessingKind::same_day:
      // Same-day procedures have no length to vary; N would silently mean nothing.
      if (half_days && *half_days != 0)
        return invalid("procedure " + procedure +
                       " is processed the same day; leave N out (or give N without --procedure)");
      r.time = {cal::DeadlineUnit::same_day, 0, cutoff};
      return r;
    case domain::ProcessingKind::working_days:
      r.half_days = half_days.value_or(p.days * 2);
      r.time = working_time_for(r.half_days, cutoff);
      return r;
    case domain::ProcessingKind::days:
      if (half_days && *half_days % 2 != 0)
        return invalid("procedure " + procedure + " counts calendar days; N must be a whole number");
      r.half_days = half_days.value_or(p.days * 2);
      r.time = {cal::DeadlineUnit::calendar_days, r.half_days / 2, cutoff};
      return r;
  }
  return fail(Errc::internal, "unknown processing kind");
}

Outcome run_code_parse(const std::string& text, bool json) {
  if (text.empty()) return invalid("give a dossier code, e.g. H41.26.01-260217-0001");
  auto c = domain::parse_dossier_code(text);
  if (!c) return invalid("code \"" + text + "\": " + c.error().message);
  const CivilDate date{c->year, c->month, c->day};
  const std::string kind = c->provisional() ? "provisional" : "official";
  if (json) {
    Json j{{"code", c->str()},
           {"kind", kind},
           {"agency_id", c->agency_id},
           {"date", cal::format_date(date)},
           {"kiosk", c->kiosk ? Json(*c->kiosk) : Json(nullptr)},
           {"sequence", c->sequence}};
    std::cout << j.dump(2) << "\n";
    return {};
  }
  std::cout << pad("Mã hồ sơ / Code:", 24) << c->str() << "\n"
            << pad("Loại / Kind:", 24)
            << (c->provisional() ? "mã tạm, cấp khi kiosk mất kết nối / provisional (issued offline by a kiosk)"
                                 : "mã chính thức / official")
            << "\n"
            << pad("Cơ quan / Agency:", 24) << c->agency_id << "\n"
            << pad("Ngày nhận / Received:", 24) << day_vi(date) << " (" << cal::format_date(date) << ")\n";
  if (c->kiosk) std::cout << pad("Kiosk:", 24) << *c->kiosk << "\n";
  std::cout << pad("Số thứ tự / Sequence:", 24) << c->sequence << "\n";
  return {};
}

Outcome run_add_working_days(const std::string& instant, const std::string& count, const std::string& procedure,
                             const std::string& catalog_file, const std::string& calendar_dir, bool json) {
  auto received = parse_instant(instant);
  if (!received) return fail(received.error());
  if (!catalog_file.empty() && procedure.empty()) return invalid("--catalog is only used with --procedure CODE");
  std::optional<domain::Catalog> catalog;
  if (!procedure.empty()) {
    if (!domain::is_procedure_code(procedure))
      return invalid("procedure code \"" + procedure + "\" must look like N.NNNNNN (e.g. 1.001193)");
    auto c = load_catalog(catalog_file);
    if (!c) return fail(c.error());
    catalog = std::move(*c);
  }
  auto request = make_request(count, procedure, catalog ? &*catalog : nullptr);
  if (!request) return fail(request.error());
  auto loaded = load_calendar(calendar_dir);
  if (!loaded) return fail(loaded.error());
  auto wt = cal::WorkingTime::create(loaded->calendar);
  if (!wt) return fail(wt.error());
  auto starts = wt->effective_receipt(*received, request->time.cutoff);
  if (!starts) return invalid(starts.error().message);
  auto due = wt->due(*received, request->time);
  if (!due) return invalid(due.error().message);

  const VietnamTime due_vn = to_vietnam(*due);
  if (json) {
    const auto& t = request->time;
    Json processing{{"unit", std::string(unit_name(t.unit))},
                    {"count", t.count},
                    {"working_days", t.unit == cal::DeadlineUnit::same_day ? Json(0)
                                     : t.unit == cal::DeadlineUnit::calendar_days
                                         ? Json(nullptr)
                                         : Json(static_cast<double>(request->half_days) / 2.0)},
                    {"cutoff", t.cutoff ? Json(cal::format_time_of_day(*t.cutoff)) : Json(nullptr)}};
    Json proc = nullptr;
    if (request->service != nullptr)
      proc = Json{{"code", request->service->code},
                  {"name", request->service->name},
                  {"processing", request->service->processing.text}};
    Json j{{"received", format_vietnam(*received)},
           {"counts_from", format_vietnam(*starts)},
           {"procedure", std::move(proc)},
           {"processing", std::move(processing)},
           {"due", format_vietnam(*due)},
           {"due_utc", format_utc(*due)},
           {"due_text", appointment_text_vi(*due)},
           {"due_weekday", std::string(weekday_en(civil(due_vn)))},
           {"calendar_dir", loaded->dir ? Json(loaded->dir->string()) : Json(nullptr)}};
    std::cout << j.dump(2) << "\n";
    return {};
  }
  constexpr std::size_t kLabel = 30;
  std::cout << pad("Nhận lúc / Received:", kLabel) << moment_vi(*received) << "\n";
  if (request->service != nullptr)
    std::cout << pad("Thủ tục / Procedure:", kLabel) << request->service->code << " " << request->service->name
              << "\n";
  std::cout << pad("Thời hạn / Processing time:", kLabel) << processing_text(*request) << "\n"
            << pad("Bắt đầu tính / Counts from:", kLabel) << moment_vi(*starts) << "\n"
            << pad("Hẹn trả / Due:", kLabel) << appointment_text_vi(*due) << " (" << weekday_vi(civil(due_vn))
            << ")\n"
            << pad("", kLabel) << format_vietnam(*due) << "\n";
  return {};
}

}  // namespace

OfflineCommands::OfflineCommands(CLI::App& app) {
  auto* calendar = app.add_subcommand("calendar", "lunar dates, public holidays and due dates (no hub needed)");
  calendar->require_subcommand(1);
  calendar->footer(
      "Vietnam time (UTC+7) throughout. Holidays come from the Labor Code rules plus the yearly\n"
      "announcements in assets/calendar/ ($MOTCUA_ASSETS, else ../../assets next to the binary,\n"
      "else the source tree), or --calendar-dir DIR.");

  lunar_ = calendar->add_subcommand("lunar", "the lunar date [âm lịch] of a solar date");
  lunar_->add_option("DATE", o_.date, "solar date YYYY-MM-DD, e.g. 2026-02-17");
  lunar_->add_flag("--json", o_.json, "print JSON: solar, lunar {year, month, day, leap, text}, text, can_chi");
  lunar_->footer("Example: motcua-admin calendar lunar 2026-02-17  →  Mùng 1 tháng Giêng năm Bính Ngọ (1/1/2026)");

  solar_ = calendar->add_subcommand("solar", "the solar date of a lunar date");
  solar_->add_option("LUNAR-DATE", o_.lunar_date, "lunar date D/M/YYYY, n after a leap month: 1/1/2026, 1/6n/2025");
  solar_->add_flag("--json", o_.json, "print JSON");
  solar_->footer(
      "Years 1900–2199. A leap month the year does not have, or day 30 of a 29-day month, is an\n"
      "error that says so. Example: motcua-admin calendar solar 1/6n/2025  →  2025-07-25");

  holidays_ = calendar->add_subcommand("holidays", "every day off of a year, and the make-up working days");
  holidays_->add_option("YEAR", o_.year, "year, 1900–2199");
  holidays_->add_option("--calendar-dir", o_.calendar_dir, "directory of yearly announcement files (*.toml)");
  holidays_->add_flag("--json", o_.json, "print JSON: holidays [{date, kind, rule, name_vi, name_en}], working_days");
  holidays_->footer(
      "Kinds: rule (Labor Code 2019 art. 112), compensatory (moved off a weekend, art. 111(3)),\n"
      "override (announced by the Government). Weekends are not listed.");

  add_working_days_ = calendar->add_subcommand("add-working-days", "the due moment of a dossier received at INSTANT");
  add_working_days_->add_option("INSTANT", o_.instant,
                                "time of receipt: RFC 3339 (2026-02-13T10:00:00+07:00) or Vietnam time "
                                "\"YYYY-MM-DD HH:MM\" (quote the space)");
  add_working_days_->add_option("N", o_.count,
                                "working days, whole or half (3, 0.5, 1.5); optional with --procedure");
  add_working_days_->add_option("--procedure", o_.procedure,
                                "national procedure code N.NNNNNN: use its processing time and cut-off");
  add_working_days_->add_option("--catalog", o_.catalog, "catalog file for --procedure (default assets/catalog/demo.json)");
  add_working_days_->add_option("--calendar-dir", o_.calendar_dir, "directory of yearly announcement files (*.toml)");
  add_working_days_->add_flag("--json", o_.json, "print JSON: received, counts_from, processing, due (RFC 3339)");
  add_working_days_->footer(
      "Working hours 07:30–11:30 and 13:30–17:00, Monday–Friday, minus days off. A receipt outside\n"
      "them counts from the next session; N working days end at 17:00 of the N-th working day after\n"
      "the day of receipt; a half day is one session. With --procedure, N may be left out: the\n"
      "procedure's own time is used (same_day: the end of the day of receipt; after its cut-off,\n"
      "the next working day). N given with --procedure replaces its number of days, keeping its\n"
      "unit and cut-off. Example:\n"
      "  motcua-admin calendar add-working-days \"2026-02-13 10:00\" 3   →  17:00 on 25/02/2026");

  auto* code = app.add_subcommand("code", "dossier codes (no hub needed)");
  code->require_subcommand(1);
  code_parse_ = code->add_subcommand("parse", "split a dossier code into its parts");
  code_parse_->add_option("CODE", o_.code,
                          "official AGENCY-YYMMDD-NNNN (H41.26.01-260217-0001) or provisional "
                          "AGENCY-YYMMDD-Tkk-NNNN (H41.26.01-260217-T03-0001)");
  code_parse_->add_flag("--json", o_.json, "print JSON: code, kind, agency_id, date, kiosk, sequence");
}

std::optional<int> OfflineCommands::run(bool global_json) const {
  const bool json = global_json || o_.json;
  Outcome r;
  if (*lunar_) r = run_lunar(o_.date, json);
  else if (*solar_) r = run_solar(o_.lunar_date, json);
  else if (*holidays_) r = run_holidays(o_.year, o_.calendar_dir, json);
  else if (*add_working_days_)
    r = run_add_working_days(o_.instant, o_.count, o_.procedure, o_.catalog, o_.calendar_dir, json);
  else if (*code_parse_) r = run_code_parse(o_.code, json);
  else return std::nullopt;
  if (!r) return report(r.error());
  return 0;
}

}  // namespace motcua::admin
