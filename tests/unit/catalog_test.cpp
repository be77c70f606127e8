#include <gtest/gtest.h>

#include "motcua/domain/catalog.hpp"
#include "motcua/domain/dossier_code.hpp"
#include "motcua/domain/synthetic_catalog.hpp"
#include "motcua/util/fs.hpp"

using namespace motcua;
using namespace motcua::domain;

namespace {
Result<Catalog> demo() {
  auto text = fs::read_file(std::string(MOTCUA_SOURCE_DIR) + "/assets/catalog/demo.json");
  if (!text) return fail(text.error());
  auto j = parse_json(*text);
  if (!j) return fail(j.error());
  return catalog_from_json(*j);
}
}  // namespace

TEST(DemoCatalog, IsValidAndHasTheRequiredRealProcedures) {
  auto c = demo();
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_GE(c->services.size(), 40u);
  for (const char* code : {"1.001193", "2.000815", "1.000894", "1.000656", "2.000884"}) {
    bool found = false;
    for (const auto& s : c->services) found = found || s.code == code;
    EXPECT_TRUE(found) << code;
  }
  for (const auto& s : c->services) {
    EXPECT_FALSE(s.name.empty()) << s.code;
    EXPECT_FALSE(s.steps.empty()) << s.code;
    EXPECT_FALSE(s.documents.empty()) << s.code;
  }
  ASSERT_FALSE(c->agencies.empty());
  EXPECT_FALSE(c->agencies[0].phone.empty());
  EXPECT_FALSE(c->agencies[0].email.empty());
}

TEST(Catalog, RoundTripsThroughJson) {
  auto c = demo();
  ASSERT_TRUE(c);
  auto again = catalog_from_json(to_json(*c));
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(to_json(*again), to_json(*c));
}

TEST(Catalog, RejectsBrokenReferencesAndCodesWithClearMessages) {
  auto c = demo();
  ASSERT_TRUE(c);
  Json j = to_json(*c);
  j["services"][0]["field"] = "khong-ton-tai";
  auto r = catalog_from_json(j);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("unknown field khong-ton-tai"), std::string::npos) << r.error().message;

  j = to_json(*c);
  j["services"][0]["code"] = "1.23";
  r = catalog_from_json(j);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("code must look like"), std::string::npos) << r.error().message;

  j = to_json(*c);
  j["services"][1]["code"] = j["services"][0]["code"];
  r = catalog_from_json(j);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("appears twice"), std::string::npos);

  j = to_json(*c);
  j["services"][0]["level"] = 7;
  EXPECT_FALSE(catalog_from_json(j));

  EXPECT_FALSE(catalog_from_json(Json{{"format", "something-else"}}));
  EXPECT_FALSE(catalog_from_json(Json::array()));
}

TEST(Catalog, LevelDecidesWhetherTheKioskAcceptsDossiers) {
  Service s;
  s.level = 2;
  EXPECT_FALSE(s.accepts_submissions());
  s.level = 3;
  EXPECT_TRUE(s.accepts_submissions());
  s.level = std::nullopt;
  s.online_scope = OnlineScope::partial;
  EXPECT_TRUE(s.accepts_submissions());
}

TEST(SyntheticCatalog, IsDeterministicValidAndLarge) {
  const auto a = synthetic_catalog(5000, 7);
  const auto b = synthetic_catalog(5000, 7);
  EXPECT_EQ(a.services.size(), 5000u);
  EXPECT_EQ(to_json(a), to_json(b));
  EXPECT_TRUE(check_references(a));
  EXPECT_EQ(a.services.front().code, "9.000001");
}

TEST(Catalog, CodesWithAnOldAgencyIdResolveToTheMergedAgency) {
  auto c = demo();
  ASSERT_TRUE(c);
  const Agency* commune = find_agency(*c, "H44.27.05");
  ASSERT_NE(commune, nullptr);
  ASSERT_FALSE(commune->aliases.empty()) << "the demo commune was formed by merging older communes";
  // A receipt printed before the 2025 merger, with the old commune's id.
  const auto old_code = parse_dossier_code(commune->aliases.front() + "-250415-0012");
  ASSERT_TRUE(old_code);
  EXPECT_EQ(find_agency(*c, old_code->agency_id), commune);
  EXPECT_EQ(find_agency(*c, "X00.00.00"), nullptr);
}

TEST(Catalog, QuestionsAndAnswersRoundTripAndPointAtRealServices) {
  auto c = demo();
  ASSERT_TRUE(c);
  ASSERT_GE(c->qa.size(), 3u);
  auto again = catalog_from_json(to_json(*c));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->qa.size(), c->qa.size());
  Json j = to_json(*c);
  j["qa"][0]["service"] = "9.999999";
  auto bad = catalog_from_json(j);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("unknown service"), std::string::npos);
  j = to_json(*c);
  j["qa"][1]["id"] = j["qa"][0]["id"];
  EXPECT_FALSE(catalog_from_json(j));
}

TEST(Catalog, ServiceFiguresRoundTrip) {
  ServiceStats s{"1.001193", 120, 80, 100, 60, 30, 10, 20, 3, "2026-11-30T04:00:00.000Z"};
  auto back = stats_from_json(to_json(s));
  ASSERT_TRUE(back);
  EXPECT_EQ(to_json(*back), to_json(s));
}
