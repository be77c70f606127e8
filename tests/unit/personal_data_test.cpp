#include <gtest/gtest.h>

#include "motcua/client/kiosk_store.hpp"
#include "motcua/protocol/envelope.hpp"
#include "motcua/protocol/wire.hpp"
#include "support/seal_key.hpp"
#include "support/temp_dir.hpp"

using namespace motcua;
using namespace motcua::protocol;

namespace {

domain::Service birth_service() {
  domain::Service s;
  s.code = "1.001193";
  s.name = "Đăng ký khai sinh";
  s.level = 4;
  auto form = domain::eform_from_json(Json::parse(R"js({"fields": [
    {"id": "child_name", "type": "text", "label_vi": "Họ, chữ đệm, tên của trẻ", "label_en": "Child's full name",
     "required": true},
    {"id": "relationship", "type": "select", "label_vi": "Quan hệ với trẻ", "label_en": "Relationship", "required": true,
     "options": [{"value": "mother", "label_vi": "Mẹ", "label_en": "Mother"},
                 {"value": "other", "label_vi": "Khác", "label_en": "Other"}]},
    {"id": "relationship_other", "type": "text", "label_vi": "Ghi rõ quan hệ", "label_en": "Specify", "required": true,
     "visible_if": {"field": "relationship", "equals": "other"}}]})js"));
  EXPECT_TRUE(form) << form.error().message;
  s.form = *form;
  return s;
}

PersonalData complete() {
  PersonalData p;
  p.applicant = {"Trần Thị Bình", "0912 345 678", "001 195 012 345", "1995-03-04", "female",
                 "Thôn Đông, xã Tân Lạc, tỉnh Phú Thọ"};
  p.form = domain::FormValues{{"child_name", "Nguyễn Minh Khang"}, {"relationship", "mother"},
                              {"relationship_other", "ignored while hidden"}};
  p.consent = Consent{"2026-11", "2026-11-30T04:43:24Z"};
  return p;
}

PostalAddress postal() { return {"Trần Thị Bình", "0912345678", "Số 5, thôn Đông", "Xã Tân Lạc", "Tỉnh Phú Thọ"}; }

const std::optional<std::string> kNone;
const std::optional<std::string> kPost = std::string("public_post");

}  // namespace

TEST(PersonalData, CompleteDataIsAcceptedAndNormalised) {
  auto d = validate_personal_data(complete(), birth_service(), kNone, kNone);
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->applicant.phone, "0912345678");
  EXPECT_EQ(d->applicant.id_number, "001195012345");
  EXPECT_FALSE(d->form->contains("relationship_other"));  // hidden: dropped
}

TEST(PersonalData, AnOlderKiosksNameAndPhoneAloneStillPass) {
  PersonalData legacy;
  legacy.applicant = {"Nguyễn Văn An", "0912345678"};
  EXPECT_TRUE(validate_personal_data(legacy, birth_service(), kNone, kNone));
}

struct PersonalCase {
  const char* name;
  void (*change)(PersonalData&);
  const char* message_part;
};

class PersonalDataRefused : public ::testing::TestWithParam<PersonalCase> {};

TEST_P(PersonalDataRefused, WithAClearMessage) {
  PersonalData d = complete();
  GetParam().change(d);
  auto r = validate_personal_data(d, birth_service(), kNone, kNone);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::invalid_argument);
  EXPECT_NE(r.error().message.find(GetParam().message_part), std::string::npos) << r.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Table, PersonalDataRefused,
    ::testing::Values(
        PersonalCase{"no_consent_with_details", [](PersonalData& d) { d.consent.reset(); }, "consent"},
        PersonalCase{"consent_without_version", [](PersonalData& d) { d.consent->statement_version.clear(); },
                     "statement_version"},
        PersonalCase{"consent_time_not_rfc3339", [](PersonalData& d) { d.consent->at = "hôm nay"; }, "consent.at"},
        PersonalCase{"no_id_number", [](PersonalData& d) { d.applicant.id_number.reset(); }, "id_number"},
        PersonalCase{"id_number_sex_mismatch", [](PersonalData& d) { d.applicant.sex = "male"; },
                     "applicant.id_number"},
        PersonalCase{"id_number_year_mismatch", [](PersonalData& d) { d.applicant.birth_date = "1996-03-04"; },
                     "applicant.id_number"},
        PersonalCase{"bad_birth_date", [](PersonalData& d) { d.applicant.birth_date = "04/03/1995"; },
                     "applicant.birth_date"},
        PersonalCase{"bad_sex", [](PersonalData& d) { d.applicant.sex = "Nữ"; }, "applicant.sex"},
        PersonalCase{"address_too_short", [](PersonalData& d) { d.applicant.address = "x"; }, "applicant.address"},
        PersonalCase{"no_form", [](PersonalData& d) { d.form.reset(); }, "form"},
        PersonalCase{"form_required_missing", [](PersonalData& d) { d.form->erase("child_name"); },
                     "form of service 1.001193: child_name: form.err_required"},
        PersonalCase{"form_unknown_field", [](PersonalData& d) { (*d.form)["pet"] = "mèo"; },
                     "pet: form.err_unknown_field"},
        PersonalCase{"form_conditional_missing", [](PersonalData& d) {
                       (*d.form)["relationship"] = "other";
                       d.form->erase("relationship_other");
                     },
                     "relationship_other: form.err_required"}),
    [](const ::testing::TestParamInfo<PersonalCase>& i) { return std::string(i.param.name); });

TEST(PersonalData, PostalAddressIsRequiredOnlyWhenSomethingGoesByPost) {
  const auto service = birth_service();
  auto missing = validate_personal_data(complete(), service, kNone, kPost);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("postal_address"), std::string::npos);
  EXPECT_FALSE(validate_personal_data(complete(), service, kPost, kNone));

  PersonalData d = complete();
  d.postal_address = postal();
  d.postal_address->phone = "+84 912 345 678";
  auto ok = validate_personal_data(d, service, kNone, kPost);
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->postal_address->phone, "0912345678");

  d.postal_address->commune = "";
  EXPECT_FALSE(validate_personal_data(d, service, kNone, kPost));

  // Not by post: the address was not needed and is not kept.
  auto at_desk = validate_personal_data(d, service, kNone, std::string("at_desk"));
  ASSERT_TRUE(at_desk);
  EXPECT_FALSE(at_desk->postal_address);
}

TEST(PersonalData, AServiceWithoutAFormTakesNoAnswers) {
  domain::Service plain = birth_service();
  plain.form.reset();
  PersonalData d = complete();
  EXPECT_FALSE(validate_personal_data(d, plain, kNone, kNone));
  d.form = domain::FormValues{};
  EXPECT_TRUE(validate_personal_data(d, plain, kNone, kNone));
}

TEST(PersonalData, IsSealedAndOpenedWholeAndAnOldEnvelopeStillOpens) {
  PersonalData d = complete();
  d.postal_address = postal();
  const std::string client_id = "0193f0c2-7c1e-7a3b-9d2e-4b5c6d7e8f90";
  auto sealed = seal_personal_data(test::test_seal_key(), client_id, d);
  ASSERT_TRUE(sealed) << sealed.error().message;
  // Nothing personal readable outside the envelope.
  EXPECT_EQ(sealed->envelope.applicant.find("Bình"), std::string::npos);
  auto key = open_data_key(test::test_seal_key(), sealed->envelope);
  ASSERT_TRUE(key);
  auto opened = open_personal_data(*key, client_id, sealed->envelope);
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ(*opened, d);
  // Bound to its dossier.
  EXPECT_FALSE(open_personal_data(*key, "0193f0c2-7c1e-7a3b-9d2e-4b5c6d7e8f91", sealed->envelope));

  // An envelope sealed by a kiosk before e-forms: {"name","phone"} only.
  auto old = seal_applicant(test::test_seal_key(), client_id, {"Nguyễn Văn An", "0912345678"});
  ASSERT_TRUE(old);
  auto old_key = open_data_key(test::test_seal_key(), old->envelope);
  auto old_opened = open_personal_data(*old_key, client_id, old->envelope);
  ASSERT_TRUE(old_opened) << old_opened.error().message;
  EXPECT_EQ(old_opened->applicant.name, "Nguyễn Văn An");
  EXPECT_FALSE(old_opened->form);
  EXPECT_FALSE(old_opened->consent);
}

TEST(PersonalData, OpenedShapeErrorsAreClear) {
  EXPECT_FALSE(personal_data_from_json(Json{{"name", "An"}}));  // no phone
  auto bad_form = personal_data_from_json(Json{{"name", "An"}, {"phone", "0912345678"}, {"form", {{"a", 1}}}});
  ASSERT_FALSE(bad_form);
  EXPECT_NE(bad_form.error().message.find("form value a"), std::string::npos);
}

TEST(PersonalData, DossierDetailCarriesItForOfficials) {
  DossierDetail d;
  d.summary.code = "H41.26.01-261130-0001";
  d.applicant = complete().applicant;
  d.form = {{"child_name", "Nguyễn Minh Khang"}};
  d.postal_address = postal();
  d.consent = Consent{"2026-11", "2026-11-30T04:43:24Z"};
  auto back = dossier_detail_from_json(to_json(d));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->applicant, d.applicant);
  EXPECT_EQ(back->form, d.form);
  EXPECT_EQ(back->postal_address, d.postal_address);
  EXPECT_EQ(back->consent, d.consent);
}

// ---- the kiosk side: the form reaches the replica and queue() checks with it

namespace {

protocol::CatalogPage page_with(const domain::Service& s) {
  protocol::CatalogPage page;
  page.changes.push_back({1, "service", s.code, false, domain::to_json(s)});
  page.next = 1;
  return page;
}

client::NewDossier dossier_for(const domain::Service& s) {
  client::NewDossier d;
  d.service_code = s.code;
  d.agency_id = "H44.27.05";
  d.service_name = s.name;
  d.documents.push_back({"d1", "Tờ khai", "image/jpeg", std::vector<std::uint8_t>(100, 0xAB)});
  d.result_delivery = "public_post";
  const PersonalData p = complete();
  d.applicant = p.applicant;
  d.form = p.form;
  d.consent = p.consent;
  return d;
}

}  // namespace

TEST(PersonalData, TheKioskChecksWithTheFormItsReplicaHasAndSealsEverything) {
  test::TempDir dir;
  ManualClock clock(from_unix_millis(1764477804123));
  test::write_seal_public_key(dir.path());
  auto store = client::KioskStore::open(dir.path(), clock);
  ASSERT_TRUE(store) << store.error().message;
  domain::Service s = birth_service();
  s.field = "ho-tich";
  s.agency = "H44.27.05";
  ASSERT_TRUE(store->apply_catalog_page(page_with(s)));

  // The full record (Backend::load_service's path) keeps the form; summaries need not.
  auto loaded = store->load_service(s.code);
  ASSERT_TRUE(loaded && *loaded);
  ASSERT_TRUE((*loaded)->form);
  EXPECT_EQ(*(*loaded)->form, *s.form);

  client::NewDossier d = dossier_for(s);
  auto no_address = store->enqueue(d, 1);  // by post, no postal address
  ASSERT_FALSE(no_address);
  EXPECT_NE(no_address.error().message.find("postal_address"), std::string::npos);

  d.postal_address = postal();
  (*d.form)["relationship"] = "other";  // now "Ghi rõ quan hệ" is required
  d.form->erase("relationship_other");
  auto missing = store->enqueue(d, 1);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("relationship_other: form.err_required"), std::string::npos)
      << missing.error().message;

  (*d.form)["relationship_other"] = "Bà ngoại";
  auto e = store->enqueue(d, 1);
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->applicant_masked, "Trần T** B***");
  // Nothing personal in the outbox row or its JSON: only inside the envelope.
  const std::string row = protocol::to_json(e->submission).dump();
  for (const char* secret : {"Bà ngoại", "001195012345", "Số 5, thôn Đông", "Khang"})
    EXPECT_EQ(row.find(secret), std::string::npos) << secret;
  auto key = open_data_key(test::test_seal_key(), e->submission.sealed);
  ASSERT_TRUE(key);
  auto opened = open_personal_data(*key, e->client_id, e->submission.sealed);
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ(opened->form->at("relationship_other"), "Bà ngoại");
  EXPECT_EQ(opened->postal_address->street, "Số 5, thôn Đông");
  EXPECT_EQ(opened->applicant.id_number, "001195012345");
  EXPECT_EQ(opened->consent->statement_version, "2026-11");
}
