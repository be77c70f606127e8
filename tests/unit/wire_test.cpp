#include <gtest/gtest.h>

#include "motcua/protocol/wire.hpp"

using namespace motcua;
using namespace motcua::protocol;

namespace {
Json valid_submission() {
  return Json::parse(R"({
    "client_id": "0193f0c2-7c1e-7a3b-9d2e-4b5c6d7e8f90",
    "service_code": "1.001193",
    "submitted_at": "2026-11-30T04:43:24.123Z",
    "provisional_code": "H41.26.01-261130-T01-0003",
    "lookup_secret": "k7qm",
    "sealed": {"key": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "applicant": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},
    "documents": [{"id": "d1", "name": "Tờ khai", "content_type": "image/jpeg", "size": 10,
                   "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}]
  })");
}
}  // namespace

TEST(Submission, ParsesAndNormalises) {
  auto s = submission_from_json(valid_submission());
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->lookup_secret, "K7QM");
  EXPECT_EQ(s->documents[0].encoding, "mcenc1") << "documents travel sealed unless said otherwise";
  auto again = submission_from_json(to_json(*s));
  ASSERT_TRUE(again);
  EXPECT_EQ(to_json(*again).dump(), to_json(*s).dump());
}

TEST(Submission, RejectsEachInvalidFieldNamingIt) {
  struct Case {
    const char* pointer;
    Json value;
    const char* says;
  } cases[] = {
      {"/client_id", "not-a-uuid", "client_id"},
      {"/client_id", "0193f0c2-7c1e-4a3b-9d2e-4b5c6d7e8f90", "UUIDv7"},
      {"/service_code", "1001193", "service_code"},
      {"/submitted_at", "yesterday", "submitted_at"},
      {"/provisional_code", "H41.26.01-261130-0003", "provisional"},
      {"/lookup_secret", "K7Q0", "lookup_secret"},
      {"/sealed/key", "not base64!", "sealed.key"},
      {"/sealed/applicant", "AAAA", "sealed.applicant"},
      {"/documents/0/encoding", "gzip", "encoding"},
      {"/documents/0/sha256", "abc", "sha256"},
      {"/documents/0/size", -1, "size"},
      {"/documents/0/id", "a/b", "document id"},
  };
  for (const auto& c : cases) {
    Json j = valid_submission();
    j[Json::json_pointer(c.pointer)] = c.value;
    auto r = submission_from_json(j);
    ASSERT_FALSE(r) << c.pointer;
    EXPECT_EQ(r.error().code, Errc::invalid_argument);
    EXPECT_NE(r.error().message.find(c.says), std::string::npos) << c.pointer << ": " << r.error().message;
  }
  Json j = valid_submission();
  j.erase("sealed");
  EXPECT_FALSE(submission_from_json(j));
  j = valid_submission();
  j["applicant"] = {{"name", "Nguyễn Văn An"}, {"phone", "0912345678"}};
  auto clear = submission_from_json(j);
  ASSERT_FALSE(clear);
  EXPECT_NE(clear.error().message.find("never sent in the clear"), std::string::npos);
  j = valid_submission();
  j["documents"].push_back(j["documents"][0]);
  auto dup = submission_from_json(j);
  ASSERT_FALSE(dup);
  EXPECT_NE(dup.error().message.find("twice"), std::string::npos);
  EXPECT_FALSE(submission_from_json(Json("string")));
}

TEST(CatalogPage, RejectsOutOfOrderChanges) {
  Json j = {{"next", 2}, {"more", false},
            {"changes", Json::array({{{"seq", 2}, {"kind", "field"}, {"key", "a"}, {"body", Json::object()}},
                                     {{"seq", 1}, {"kind", "field"}, {"key", "b"}, {"body", Json::object()}}})}};
  EXPECT_FALSE(catalog_page_from_json(j));
  j["changes"][1]["seq"] = 3;
  j["next"] = 3;
  EXPECT_TRUE(catalog_page_from_json(j));
  j["changes"][1]["kind"] = "weird";
  EXPECT_FALSE(catalog_page_from_json(j));
}

TEST(Errors, RoundTripThroughResponses) {
  const Error e{Errc::conflict, "đã tồn tại"};
  const Error back = error_from_response(409, error_body(e).dump());
  EXPECT_EQ(back.code, Errc::conflict);
  EXPECT_EQ(back.message, "đã tồn tại");
  EXPECT_EQ(http_status_for(Errc::not_found), 404);
  // A body that is not ours (a proxy's HTML page) still gives a sensible error.
  const Error html = error_from_response(502, "<html>Bad gateway</html>");
  EXPECT_EQ(html.code, Errc::internal);
  EXPECT_NE(html.message.find("502"), std::string::npos);
}

TEST(Applicant, IsValidatedAfterTheHubOpensIt) {
  auto a = validate_applicant({"Nguyễn Văn An", "0912 345 678"});
  ASSERT_TRUE(a);
  EXPECT_EQ(a->phone, "0912345678");
  EXPECT_FALSE(validate_applicant({"A", "0912345678"}));
  EXPECT_FALSE(validate_applicant({"Nguyễn Văn An", "12345"}));
}
