#include <gtest/gtest.h>

#include "model/catalog_snapshot.hpp"
#include "motcua/domain/synthetic_catalog.hpp"
#include "motcua/text/fold.hpp"
#include "motcua/util/fs.hpp"

using namespace motcua;
using namespace motcua::kiosk;

namespace {
std::shared_ptr<const CatalogSnapshot> demo() {
  auto text = fs::read_file(std::string(MOTCUA_SOURCE_DIR) + "/assets/catalog/demo.json");
  auto c = domain::catalog_from_json(*parse_json(*text));
  return CatalogSnapshot::build(std::move(*c));
}

std::string first(const CatalogSnapshot& s, std::string_view q) {
  const auto hits = s.index.search(q);
  return hits.empty() ? std::string() : s.catalog.services[hits[0].service].name;
}
}  // namespace

TEST(Search, FindsKhaiSinhHoweverItIsTyped) {
  const auto s = demo();
  for (const char* q : {"khai sinh", "KHAI SINH", "khái sính", "Khai sinh", "khai sin"}) {
    const auto hits = s->index.search(q);
    ASSERT_FALSE(hits.empty()) << q;
    EXPECT_EQ(s->catalog.services[hits[0].service].code, "1.001193") << q << " → " << first(*s, q);
  }
}

TEST(Search, NameMatchesRankBeforeDocumentMatches) {
  const auto s = demo();
  const auto hits = s->index.search("chung thuc");
  ASSERT_GE(hits.size(), 2u);
  // Every service whose name says "chứng thực" comes before any that only mentions it elsewhere.
  bool seen_other = false;
  for (const auto& h : hits) {
    const bool in_name = text::fold(s->catalog.services[h.service].name).find("chung thuc") != std::string::npos;
    if (!in_name) seen_other = true;
    else EXPECT_FALSE(seen_other) << s->catalog.services[h.service].name;
  }
}

TEST(Search, FindsByProcedureCode) {
  const auto s = demo();
  const auto hits = s->index.search("2.000815");
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(s->catalog.services[hits[0].service].code, "2.000815");
}

TEST(Search, EmptyAndUnmatchedQueriesReturnNothing) {
  const auto s = demo();
  EXPECT_TRUE(s->index.search("").empty());
  EXPECT_TRUE(s->index.search("   ").empty());
  EXPECT_TRUE(s->index.search("xyzzyqqq").empty());
}

TEST(Search, EveryQueryWordMustMatch) {
  const auto s = demo();
  for (const auto& h : s->index.search("dang ky ket hon")) {
    const auto& svc = s->catalog.services[h.service];
    EXPECT_EQ(svc.code, "1.000894") << "only Đăng ký kết hôn has all four words in its text? got " << svc.name;
    break;
  }
}

TEST(Snapshot, GroupsServicesByFieldAndResolvesAgencyAliases) {
  const auto s = demo();
  std::size_t total = 0;
  for (const auto& g : s->groups) {
    ASSERT_NE(g.field, nullptr);
    total += g.services.size();
  }
  EXPECT_EQ(total, s->catalog.services.size());
  ASSERT_NE(s->service("1.001193"), nullptr);
  const auto* agency = s->agency(s->service("1.001193")->agency);
  ASSERT_NE(agency, nullptr);
  for (const auto& alias : agency->aliases) EXPECT_EQ(s->agency(alias), agency);
}

TEST(Search, ScalesToFiftyThousandServices) {
  const auto s = CatalogSnapshot::build(domain::synthetic_catalog(50000));
  const auto hits = s->index.search("cap giay phep xay dung", 50);
  ASSERT_FALSE(hits.empty());
  EXPECT_LE(hits.size(), 50u);
}

TEST(Search, ToleratesOneTypoPerWord) {
  const auto s = demo();
  for (const char* q : {"khia sinh", "khai sinhh", "kai sinh", "dang ki khai sinh", "đăng kí khai sinh"}) {
    const auto hits = s->index.search(q);
    ASSERT_FALSE(hits.empty()) << q;
    EXPECT_EQ(s->catalog.services[hits[0].service].code, "1.001193") << q << " → " << first(*s, q);
  }
  // "chung thuc" and a typo of it both find the certification services.
  const auto exact = s->index.search("chung thuc");
  const auto typo = s->index.search("chung thcu");
  ASSERT_FALSE(typo.empty());
  EXPECT_EQ(typo[0].service, exact[0].service);
}

TEST(Search, ExactMatchesOutrankTypoMatches) {
  const auto s = demo();
  // "sinh" exists as a word; a typo search is only tried when too little is found.
  const auto hits = s->index.search("sinh");
  ASSERT_FALSE(hits.empty());
  for (const auto& h : hits) {
    const auto& svc = s->catalog.services[h.service];
    std::string all = svc.name + " " + svc.official_name + " " + svc.summary + " " + svc.result;
    for (const auto& d : svc.documents) all += " " + d.name;
    for (const auto& st : svc.steps) all += " " + st;
    for (const auto& k : svc.keywords) all += " " + k;
    EXPECT_NE(text::fold(all).find("sinh"), std::string::npos) << svc.name;
  }
}

TEST(Search, ShortPrefixesAnswerFromThePrecomputedLists) {
  const auto s = CatalogSnapshot::build(domain::synthetic_catalog(5000));
  for (const char* q : {"c", "ca", "cap", "x", "xa"}) {
    const auto hits = s->index.search(q, 50);
    ASSERT_FALSE(hits.empty()) << q;
    EXPECT_LE(hits.size(), 50u);
    for (std::size_t i = 1; i < hits.size(); ++i) EXPECT_GE(hits[i - 1].score, hits[i].score) << q;
  }
}

TEST(Search, LargeCatalogShortcutsChangeNoResult) {
  // 12,000 generated services: common words have thousands of postings, so the
  // ordered scan with early stop and the shared name-group scores are used.
  // Every prefix of these queries must rank exactly as scoring every
  // candidate one by one does. Services with keywords and codes typed as
  // queries check that shared scores are not used where they differ.
  auto catalog = domain::synthetic_catalog(12000);
  for (std::size_t i = 0; i < catalog.services.size(); i += 97) catalog.services[i].keywords = {"khai sinh con"};
  const SearchIndex index(catalog.services, catalog.fields);
  const char* queries[] = {"cap giay phep xay dung", "đăng ký hộ kinh doanh", "tro cap xa hoi cho nguoi cao tuoi",
                           "xac nhan tinh trang hon nhan", "chứng thực", "khai sinh", "9.0001", "ho so nguoi co cong",
                           "giay chung nhan cho to chuc", "thu tuc so 12", "cap lai giay phep xay dng"};
  std::vector<std::vector<SearchHit>> fast;
  for (const char* q : queries) {
    const std::string s(q);
    for (std::size_t i = 1; i <= s.size(); ++i) fast.push_back(index.search(s.substr(0, i), 50));
  }
  SearchIndex::set_shortcuts_for_tests({UINT64_MAX, false});
  std::size_t k = 0;
  for (const char* q : queries) {
    const std::string s(q);
    for (std::size_t i = 1; i <= s.size(); ++i, ++k) {
      const auto slow = index.search(s.substr(0, i), 50);
      ASSERT_EQ(fast[k].size(), slow.size()) << s.substr(0, i);
      for (std::size_t h = 0; h < slow.size(); ++h) {
        EXPECT_EQ(fast[k][h].service, slow[h].service) << '"' << s.substr(0, i) << "\" hit " << h;
        EXPECT_EQ(fast[k][h].score, slow[h].score) << '"' << s.substr(0, i) << "\" hit " << h;
      }
    }
  }
  SearchIndex::set_shortcuts_for_tests({});
}
