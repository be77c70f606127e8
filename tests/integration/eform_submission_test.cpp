// E-form submissions (issue 6) against a real motcua-hub: the hub opens the
// sealed personal data and checks it against the service's form in its catalog
// with the kiosk's own code (protocol::validate_personal_data).

#include <gtest/gtest.h>

#include "motcua/crypto/hash.hpp"
#include "motcua/crypto/random.hpp"
#include "motcua/protocol/envelope.hpp"
#include "motcua/util/fs.hpp"
#include "motcua/util/ids.hpp"
#include "support/hub_process.hpp"
#include "support/temp_dir.hpp"

using namespace motcua;

namespace {

class EFormSubmission : public ::testing::Test {
 protected:
  test::TempDir dir;
  test::HubProcess hub{dir.path()};
  std::filesystem::path kiosk = hub.make_kiosk("KIOSK-01");
  SystemClock clock;
  UuidV7Generator ids{clock, [](std::span<std::uint8_t> b) { crypto::random_bytes(b); }};

  // Đăng ký khai sinh as the demo catalog's form asks for it.
  static protocol::PersonalData birth_registration() {
    protocol::PersonalData p;
    p.applicant = {"Trần Thị Bình", "0912345678", "025195012345", "1995-03-04", "female",
                   "Thôn Đồng Mới, xã Thung Mây, tỉnh Phú Thọ"};
    p.form = domain::FormValues{{"child_name", "Nguyễn Minh Khang"},
                                {"child_birth_date", "2026-11-20"},
                                {"child_sex", "male"},
                                {"child_ethnicity", "Kinh"},
                                {"birth_place_kind", "health_facility"},
                                {"birth_place", "Trạm Y tế xã Thung Mây"},
                                {"father_name", "Nguyễn Văn Hùng"},
                                {"mother_name", "Trần Thị Bình"},
                                {"relationship", "mother"},
                                {"extract_copies", "2"},
                                {"pledge", "true"}};
    p.consent = protocol::Consent{"2026-11", "2026-11-30T04:43:24Z"};
    return p;
  }

  protocol::Submission submission(const protocol::PersonalData& personal) {
    protocol::Submission s;
    s.client_id = ids.next().str();
    s.service_code = "1.001193";
    s.submitted_at = format_utc(clock.now());
    s.lookup_secret = "K7QM";
    auto pem = fs::read_file(hub.hub_dir() / "seal.pem");
    EXPECT_TRUE(pem);
    auto key = crypto::load_public_key_pem(*pem);
    EXPECT_TRUE(key);
    auto sealed = protocol::seal_personal_data(*key, s.client_id, personal);
    EXPECT_TRUE(sealed);
    s.sealed = sealed->envelope;
    const std::string content = "trang 1";
    s.documents.push_back({"d1", "Tờ khai", "image/jpeg", static_cast<std::int64_t>(content.size()),
                           crypto::sha256_hex(content), std::string(protocol::kEncodingIdentity)});
    return s;
  }
};

}  // namespace

TEST_F(EFormSubmission, TheHubKeepsTheAnswersAndShowsThemToOfficials) {
  client::HubClient c(hub.kiosk_endpoint(kiosk));
  auto personal = birth_registration();
  (*personal.form)["relationship_other"] = "hidden, so dropped";
  auto ack = c.create_dossier(submission(personal));
  ASSERT_TRUE(ack) << ack.error().message;

  client::HubClient admin(hub.admin_endpoint());
  auto d = admin.admin_show_dossier(ack->code);
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->applicant.id_number, "025195012345");
  EXPECT_EQ(d->applicant.birth_date, "1995-03-04");
  EXPECT_EQ(d->applicant.sex, "female");
  EXPECT_EQ(d->form.at("child_name"), "Nguyễn Minh Khang");
  EXPECT_FALSE(d->form.contains("relationship_other"));
  ASSERT_TRUE(d->consent);
  EXPECT_EQ(d->consent->statement_version, "2026-11");
  EXPECT_FALSE(d->postal_address);

  // motcua-admin shows the answers to an official.
  auto show = hub.admin({"dossier", "show", ack->code});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  for (const char* part : {"025195012345", "Nữ", "child_name", "Nguyễn Minh Khang", "2026-11"})
    EXPECT_NE(show.out.find(part), std::string::npos) << part << "\n" << show.out;
}

TEST_F(EFormSubmission, InvalidAnswersAreRefusedNamingEveryField) {
  client::HubClient c(hub.kiosk_endpoint(kiosk));
  auto personal = birth_registration();
  personal.form->erase("child_name");
  (*personal.form)["extract_copies"] = "99";
  (*personal.form)["nickname"] = "Bin";
  auto r = c.create_dossier(submission(personal));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::invalid_argument);
  for (const char* part : {"child_name: form.err_required", "extract_copies: form.err_range",
                           "nickname: form.err_unknown_field"})
    EXPECT_NE(r.error().message.find(part), std::string::npos) << r.error().message;
}

TEST_F(EFormSubmission, ConsentIdentityAndThePostalAddressAreChecked) {
  client::HubClient c(hub.kiosk_endpoint(kiosk));
  auto no_consent = birth_registration();
  no_consent.consent.reset();
  auto r = c.create_dossier(submission(no_consent));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("consent"), std::string::npos) << r.error().message;

  auto wrong_id = birth_registration();
  wrong_id.applicant.sex = "male";  // the ID's 4th digit says female
  r = c.create_dossier(submission(wrong_id));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("applicant.id_number"), std::string::npos) << r.error().message;

  auto by_post = birth_registration();
  auto s = submission(by_post);
  s.payment_method = "bank_transfer";
  s.result_delivery = "public_post";
  r = c.create_dossier(s);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("postal_address"), std::string::npos) << r.error().message;

  by_post.postal_address = protocol::PostalAddress{"Trần Thị Bình", "0912345678", "Số 5, thôn Đồng Mới",
                                                   "Xã Thung Mây", "Tỉnh Phú Thọ"};
  s = submission(by_post);
  s.payment_method = "bank_transfer";
  s.result_delivery = "public_post";
  auto ok = c.create_dossier(s);
  ASSERT_TRUE(ok) << ok.error().message;
  client::HubClient admin(hub.admin_endpoint());
  auto d = admin.admin_show_dossier(ok->code);
  ASSERT_TRUE(d);
  ASSERT_TRUE(d->postal_address);
  EXPECT_EQ(d->postal_address->commune, "Xã Thung Mây");
}

TEST_F(EFormSubmission, AnOlderKiosksDossierWithNameAndPhoneStillGoesThrough) {
  client::HubClient c(hub.kiosk_endpoint(kiosk));
  protocol::PersonalData legacy;
  legacy.applicant = {"Nguyễn Văn An", "0912345678"};
  auto ack = c.create_dossier(submission(legacy));
  ASSERT_TRUE(ack) << ack.error().message;
  client::HubClient admin(hub.admin_endpoint());
  auto d = admin.admin_show_dossier(ack->code);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->applicant.name, "Nguyễn Văn An");
  EXPECT_TRUE(d->form.empty());
}
