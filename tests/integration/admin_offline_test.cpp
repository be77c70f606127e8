// motcua-admin's offline commands (calendar, code parse) through the real binary,
// with no hub and no connection settings: they must work on a machine that has
// only the program and its assets, and refuse bad input with exit 2 and a message
// that names what is wrong.

#include <gtest/gtest.h>

#include <algorithm>
#include <initializer_list>
#include <map>
#include <string>
#include <vector>

#include "motcua/util/json.hpp"
#include "support/hub_process.hpp"

using namespace motcua;

namespace {

// Runs motcua-admin with the hub settings cleared from the environment, so a
// developer's MOTCUA_HUB cannot make a test pass that would fail offline.
test::CommandResult admin(std::initializer_list<std::string> args, std::map<std::string, std::string> env = {}) {
  std::vector<std::string> argv{test::bin("motcua-admin")};
  argv.insert(argv.end(), args);
  env.insert({{"MOTCUA_HUB", ""}, {"MOTCUA_CA", ""}, {"MOTCUA_TOKEN", ""}, {"MOTCUA_TOKEN_FILE", ""}});
  return test::run_command(argv, env);
}

Json json_of(const test::CommandResult& r) {
  auto j = parse_json(r.out);
  EXPECT_TRUE(j) << r.out;
  return j.value_or(Json::object());
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Invalid input: exit 2, nothing on stdout, and a message with `part` in it.
void expect_invalid(std::initializer_list<std::string> args, const std::string& part) {
  const auto r = admin(args);
  std::string shown;
  for (const auto& a : args) shown += a + " ";
  EXPECT_EQ(r.exit_code, 2) << shown << "\nstdout: " << r.out << "\nstderr: " << r.err;
  EXPECT_TRUE(r.out.empty()) << shown << r.out;
  EXPECT_TRUE(contains(r.err, "motcua-admin: ")) << shown << r.err;
  EXPECT_TRUE(contains(r.err, part)) << shown << "expected \"" << part << "\" in: " << r.err;
}

}  // namespace

TEST(AdminOffline, LunarDateOfTet2026) {
  auto r = admin({"calendar", "lunar", "2026-02-17"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "Mùng 1 tháng Giêng năm Bính Ngọ (1/1/2026)")) << r.out;
  EXPECT_TRUE(contains(r.out, "Âm lịch / Lunar:")) << r.out;

  r = admin({"calendar", "lunar", "2026-02-17", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json j = json_of(r);
  EXPECT_EQ(j["solar"], "2026-02-17");
  EXPECT_EQ(j["lunar"]["year"], 2026);
  EXPECT_EQ(j["lunar"]["month"], 1);
  EXPECT_EQ(j["lunar"]["day"], 1);
  EXPECT_EQ(j["lunar"]["leap"], false);
  EXPECT_EQ(j["lunar"]["text"], "1/1/2026");
  EXPECT_EQ(j["can_chi"], "Bính Ngọ");
  EXPECT_EQ(j["text"], "Mùng 1 tháng Giêng năm Bính Ngọ");
}

TEST(AdminOffline, TheAppLevelJsonFlagAlsoWorks) {
  auto r = admin({"--json", "calendar", "lunar", "2026-02-17"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json_of(r)["lunar"]["text"], "1/1/2026");
}

TEST(AdminOffline, SolarDateOfTheLeapSixthMonth2025) {
  auto r = admin({"calendar", "solar", "1/6n/2025", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json j = json_of(r);
  EXPECT_EQ(j["solar"], "2025-07-25");
  EXPECT_EQ(j["lunar"]["leap"], true);
  EXPECT_EQ(j["lunar"]["month"], 6);
  EXPECT_EQ(j["can_chi"], "Ất Tỵ");

  r = admin({"calendar", "solar", "1/6n/2025"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "2025-07-25")) << r.out;
  EXPECT_TRUE(contains(r.out, "tháng Sáu nhuận")) << r.out;
  // The regular sixth month is a different month, a lunation earlier.
  r = admin({"calendar", "solar", "1/6/2025", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json_of(r)["solar"], "2025-06-25");
}

TEST(AdminOffline, HolidaysOf2026) {
  auto r = admin({"calendar", "holidays", "2026", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json j = json_of(r);
  EXPECT_EQ(j["year"], 2026);
  std::vector<std::string> dates;
  for (const auto& h : j["holidays"]) {
    dates.push_back(h["date"].get<std::string>());
    EXPECT_FALSE(h["name_vi"].get<std::string>().empty());
    EXPECT_FALSE(h["kind"].get<std::string>().empty());
  }
  const auto has = [&](const std::string& d) { return std::find(dates.begin(), dates.end(), d) != dates.end(); };
  for (const char* d : {"2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20", "2026-04-27",
                        "2026-09-02", "2026-11-24", "2026-01-01", "2026-04-30", "2026-05-01"})
    EXPECT_TRUE(has(d)) << d;
  // Hùng Kings day falls on Sunday 26 April; the announcement moves it to Monday.
  EXPECT_FALSE(has("2026-04-26"));
  for (const auto& h : j["holidays"]) {
    if (h["date"] == "2026-04-27") {
      EXPECT_EQ(h["kind"], "override");
    }
  }
  EXPECT_TRUE(j["working_days"].is_array());

  r = admin({"calendar", "holidays", "2026"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "Tết Nguyên đán")) << r.out;
  EXPECT_TRUE(contains(r.out, "24/11/2026")) << r.out;
}

TEST(AdminOffline, HolidaysOf2025ListTheMakeUpSaturday) {
  auto r = admin({"calendar", "holidays", "2025", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json j = json_of(r);
  ASSERT_EQ(j["working_days"].size(), 1u) << j.dump();
  EXPECT_EQ(j["working_days"][0]["date"], "2025-04-26");
}

TEST(AdminOffline, WithoutAnnouncementsTheRulesApplyAndItWarns) {
  // $MOTCUA_ASSETS decides where the data is; with no calendar/ there the Labor
  // Code rules alone give Hùng Kings day on Sunday 26 April, compensated on Monday.
  const auto r = admin({"calendar", "holidays", "2026", "--json"}, {{"MOTCUA_ASSETS", "/nonexistent/motcua-assets"}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.err, "warning")) << r.err;
  EXPECT_TRUE(contains(r.err, "/nonexistent/motcua-assets/calendar")) << r.err;
  const Json j = json_of(r);
  EXPECT_TRUE(j["calendar_dir"].is_null());
  bool compensated = false;
  for (const auto& h : j["holidays"])
    compensated = compensated || (h["date"] == "2026-04-27" && h["kind"] == "compensatory");
  EXPECT_TRUE(compensated) << j.dump();
}

TEST(AdminOffline, WorkingDaysSkipTheTet2026Break) {
  // Friday 13 February 10:00 + 3 working days: Tết 16–20 February and two weekends skipped.
  auto r = admin({"calendar", "add-working-days", "2026-02-13 10:00", "3", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Json j = json_of(r);
  EXPECT_EQ(j["received"], "2026-02-13T10:00:00+07:00");
  EXPECT_EQ(j["due"], "2026-02-25T17:00:00+07:00");
  EXPECT_EQ(j["due_text"], "17 giờ 00 phút, ngày 25 tháng 2 năm 2026");
  EXPECT_EQ(j["processing"]["unit"], "working_days");

  // The same receipt in RFC 3339: in UTC, and with an offset and a space.
  for (const char* t : {"2026-02-13T03:00:00Z", "2026-02-13 10:00:00+07:00"}) {
    r = admin({"calendar", "add-working-days", t, "3", "--json"});
    ASSERT_EQ(r.exit_code, 0) << t << ": " << r.err;
    EXPECT_EQ(json_of(r)["received"], "2026-02-13T10:00:00+07:00") << t;
    EXPECT_EQ(json_of(r)["due"], "2026-02-25T17:00:00+07:00") << t;
  }

  r = admin({"calendar", "add-working-days", "2026-02-13 10:00", "3"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "17 giờ 00 phút, ngày 25 tháng 2 năm 2026")) << r.out;
  EXPECT_TRUE(contains(r.out, "2026-02-25T17:00:00+07:00")) << r.out;
}

TEST(AdminOffline, HalfDaysCountSessions) {
  // Monday 2 March 14:00 + half a day: the end of the next session, Tuesday 11:30.
  auto r = admin({"calendar", "add-working-days", "2026-03-02 14:00", "0.5", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json j = json_of(r);
  EXPECT_EQ(j["due"], "2026-03-03T11:30:00+07:00");
  EXPECT_EQ(j["processing"]["unit"], "working_half_days");
  EXPECT_EQ(j["processing"]["working_days"], 0.5);
  r = admin({"calendar", "add-working-days", "2026-03-02 14:00", "0,5", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json_of(r)["due"], "2026-03-03T11:30:00+07:00");
}

TEST(AdminOffline, ASameDayProcedureAfterItsCutOffIsDueTheNextWorkingDay) {
  // 1.001193 (birth registration) is same-day with a 15:00 cut-off in the demo catalog.
  auto r = admin({"calendar", "add-working-days", "2026-03-02 15:30", "--procedure", "1.001193", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Json j = json_of(r);
  EXPECT_EQ(j["due"], "2026-03-03T17:00:00+07:00");
  EXPECT_EQ(j["counts_from"], "2026-03-03T07:30:00+07:00");
  EXPECT_EQ(j["processing"]["unit"], "same_day");
  EXPECT_EQ(j["processing"]["cutoff"], "15:00");
  EXPECT_EQ(j["procedure"]["code"], "1.001193");

  // Before the cut-off it is due the same day.
  r = admin({"calendar", "add-working-days", "2026-03-02 14:00", "--procedure", "1.001193", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json_of(r)["due"], "2026-03-02T17:00:00+07:00");

  // After the cut-off on Friday 13 February: the next working day is after Tết.
  r = admin({"calendar", "add-working-days", "2026-02-13 15:01", "--procedure", "1.001193"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "17 giờ 00 phút, ngày 23 tháng 2 năm 2026")) << r.out;
  EXPECT_TRUE(contains(r.out, "Đăng ký khai sinh")) << r.out;
}

TEST(AdminOffline, ParsesOfficialAndProvisionalCodes) {
  auto r = admin({"code", "parse", "H41.26.01-260217-0012", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Json j = json_of(r);
  EXPECT_EQ(j["kind"], "official");
  EXPECT_EQ(j["agency_id"], "H41.26.01");
  EXPECT_EQ(j["date"], "2026-02-17");
  EXPECT_TRUE(j["kiosk"].is_null());
  EXPECT_EQ(j["sequence"], 12);

  r = admin({"code", "parse", "H41.26.01-260217-T03-0007", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  j = json_of(r);
  EXPECT_EQ(j["kind"], "provisional");
  EXPECT_EQ(j["kiosk"], 3);
  EXPECT_EQ(j["sequence"], 7);
  EXPECT_EQ(j["code"], "H41.26.01-260217-T03-0007");

  r = admin({"code", "parse", "H41.26.01-260217-T03-0007"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "provisional")) << r.out;
  EXPECT_TRUE(contains(r.out, "17/02/2026")) << r.out;
}

TEST(AdminOffline, InvalidInputExitsWithTwoAndSaysWhy) {
  // Dates.
  expect_invalid({"calendar", "lunar", "2026-13-01"}, "month must be 01–12");
  expect_invalid({"calendar", "lunar", "2026-02-30"}, "2/2026 has 28 days");
  expect_invalid({"calendar", "lunar", "17/02/2026"}, "YYYY-MM-DD");
  expect_invalid({"calendar", "lunar", "1899-12-31"}, "outside the supported range");
  expect_invalid({"calendar", "lunar"}, "give a date");
  // Lunar dates.
  expect_invalid({"calendar", "solar", "1/6n/2026"}, "has no leap month");
  expect_invalid({"calendar", "solar", "30/12/2025"}, "does not exist");
  expect_invalid({"calendar", "solar", "1/13/2026"}, "month must be 1–12");
  expect_invalid({"calendar", "solar", "2026-02-17"}, "DAY/MONTH/YEAR");
  // Years.
  expect_invalid({"calendar", "holidays", "20x6"}, "four digits");
  expect_invalid({"calendar", "holidays", "2300"}, "outside the supported range");
  expect_invalid({"calendar", "holidays", "2026", "--calendar-dir", "/nonexistent/calendar"}, "does not exist");
  // Receipt times and N.
  expect_invalid({"calendar", "add-working-days", "2026-02-13", "3"}, "Vietnam time YYYY-MM-DD HH:MM");
  expect_invalid({"calendar", "add-working-days", "2026-02-13 25:00", "3"}, "hours must be 00–23");
  expect_invalid({"calendar", "add-working-days", "2026-02-13 10:00+25:00", "3"}, "RFC 3339");
  expect_invalid({"calendar", "add-working-days", "2026-02-30 10:00", "3"}, "2/2026 has 28 days");
  expect_invalid({"calendar", "add-working-days", "2026-02-13 10:00", "abc"}, "N \"abc\"");
  expect_invalid({"calendar", "add-working-days", "2026-02-13 10:00", "0.3"}, "whole or half");
  expect_invalid({"calendar", "add-working-days", "2026-02-13 10:00", "-1"}, "negative");
  expect_invalid({"calendar", "add-working-days", "2026-02-13 10:00"}, "give N");
  expect_invalid({"calendar", "add-working-days", "2026-02-13 10:00", "99999"}, "working calendar");
  // Procedures.
  expect_invalid({"calendar", "add-working-days", "2026-02-13 10:00", "--procedure", "9.999999"},
                 "no procedure 9.999999");
  expect_invalid({"calendar", "add-working-days", "2026-02-13 10:00", "--procedure", "birth"}, "N.NNNNNN");
  expect_invalid({"calendar", "add-working-days", "2026-02-13 10:00", "2", "--procedure", "1.001193"},
                 "same day");
  expect_invalid({"calendar", "add-working-days", "2026-02-13 10:00", "--procedure", "1.001193", "--catalog",
                  "/nonexistent/catalog.json"},
                 "/nonexistent/catalog.json");
  // Codes.
  expect_invalid({"code", "parse", "H41.26.01-261332-0001"}, "not a valid date");
  expect_invalid({"code", "parse", "H41.26.01-260217"}, "AGENCY-YYMMDD-NNNN");
  expect_invalid({"code", "parse", "H41.26.01-260217-X3-0001"}, "kiosk part");
  expect_invalid({"code", "parse", "H41.26.01-260217-0000"}, "sequence");
}

TEST(AdminOffline, HubCommandsStillNeedAHub) {
  const auto r = admin({"dossier", "list"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "no hub")) << r.err;
}

TEST(AdminOffline, HelpExplainsTheFormats) {
  const auto r = admin({"calendar", "add-working-days", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(contains(r.out, "RFC 3339")) << r.out;
  EXPECT_TRUE(contains(r.out, "--procedure")) << r.out;
  const auto s = admin({"calendar", "solar", "--help"});
  EXPECT_TRUE(contains(s.out, "1/6n/2025")) << s.out;
}
