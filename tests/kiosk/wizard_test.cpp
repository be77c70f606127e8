// The submit wizard's rules (app/wizard.*): which steps a service has, what
// each step refuses with which message, and that a finished wizard becomes a
// dossier the outbox and the hub accept (protocol::validate_personal_data,
// the same check on both sides).

#include <gtest/gtest.h>

#include "app/wizard.hpp"
#include "motcua/protocol/wire.hpp"

using namespace motcua;
using namespace motcua::kiosk;

namespace {

domain::Service birth_registration(int level = 4, std::int64_t fee = 0) {
  domain::Service s;
  s.code = "1.001193";
  s.name = "Đăng ký khai sinh";
  s.agency = "H44.27.05.01";
  s.level = level;
  if (fee > 0) s.fees.push_back(domain::Fee{"Lệ phí", fee, "lần", ""});
  s.documents.push_back(domain::RequiredDocument{"Tờ khai đăng ký khai sinh", std::nullopt, 1, 0, true, std::nullopt});
  s.documents.push_back(domain::RequiredDocument{"Giấy chứng sinh", std::nullopt, 1, 0, true, std::nullopt});
  s.documents.push_back(domain::RequiredDocument{"Văn bản ủy quyền", std::nullopt, 1, 0, false, std::string("Nếu có")});
  domain::EForm form;
  domain::FormField child;
  child.id = "child_name";
  child.type = domain::FieldType::text;
  child.label_vi = "Họ, chữ đệm, tên của trẻ";
  child.required = true;
  form.fields.push_back(child);
  domain::FormField birth;
  birth.id = "child_birth_date";
  birth.type = domain::FieldType::date;
  birth.label_vi = "Ngày sinh của trẻ";
  birth.required = true;
  form.fields.push_back(birth);
  domain::FormField relation;
  relation.id = "relation";
  relation.type = domain::FieldType::select;
  relation.label_vi = "Quan hệ với trẻ";
  relation.required = true;
  relation.options = {{"mother", "Mẹ", "Mother"}, {"father", "Cha", "Father"}, {"other", "Khác", "Other"}};
  form.fields.push_back(relation);
  domain::FormField other;
  other.id = "relation_other";
  other.type = domain::FieldType::text;
  other.label_vi = "Ghi rõ quan hệ";
  other.required = true;
  other.visible_if = domain::VisibleIf{"relation", {"other"}};
  form.fields.push_back(other);
  s.form = form;
  return s;
}

void fill_applicant(SubmitView& v) {
  v.id_number = U"025190001234";  // Phú Thọ, a woman born in 1990
  v.name = U"  Nguyễn   Thị An ";
  v.birth_date = U"05031990";
  v.sex = domain::Sex::female;
  v.address = U"Khu 3, xã Tân Lạc, tỉnh Phú Thọ";
  v.phone = U"0912 345 678";
}

std::shared_ptr<const ScannedPage> a_page() {
  auto p = std::make_shared<ScannedPage>();
  p->jpeg = {0xFF, 0xD8, 0xFF, 0xD9};
  p->dpi = 300;
  return p;
}

}  // namespace

TEST(Wizard, AServiceWithAFormHasSixStepsAndOneWithoutHasFive) {
  domain::Service s = birth_registration();
  EXPECT_EQ(wizard_steps(s).size(), 6u);
  EXPECT_EQ(step_number(s, SubmitStep::documents), 3);
  EXPECT_EQ(next_step(s, SubmitStep::applicant), SubmitStep::form);
  EXPECT_EQ(previous_step(s, SubmitStep::documents), SubmitStep::form);
  EXPECT_FALSE(previous_step(s, SubmitStep::applicant));
  EXPECT_FALSE(next_step(s, SubmitStep::review));
  s.form.reset();
  EXPECT_EQ(wizard_steps(s).size(), 5u);
  EXPECT_EQ(next_step(s, SubmitStep::applicant), SubmitStep::documents);
}

TEST(Wizard, TheApplicantStepNamesEveryFieldThatIsWrong) {
  SubmitView v;
  EXPECT_FALSE(check_applicant(v));
  EXPECT_EQ(v.id_error, "submit.err_id");
  EXPECT_EQ(v.name_error, "submit.err_name");
  EXPECT_EQ(v.birth_error, "submit.err_birth");
  EXPECT_EQ(v.sex_error, "submit.err_sex");
  EXPECT_EQ(v.address_error, "submit.err_address");
  EXPECT_EQ(v.phone_error, "submit.err_phone");
  fill_applicant(v);
  EXPECT_TRUE(check_applicant(v));
  // The 4th digit says a woman born in the 1900s: a man does not match.
  v.sex = domain::Sex::male;
  EXPECT_FALSE(check_applicant(v));
  EXPECT_EQ(v.id_error, "submit.err_id_mismatch");
  v.sex = domain::Sex::female;
  v.birth_date = U"31021990";  // no 31 February
  EXPECT_FALSE(check_applicant(v));
  EXPECT_EQ(v.birth_error, "submit.err_birth");
}

TEST(Wizard, TheFormStepChecksVisibleFieldsWithTheSharedRules) {
  const domain::Service s = birth_registration();
  SubmitView v;
  EXPECT_FALSE(check_form(v, s));
  EXPECT_EQ(v.form_errors["child_name"], "form.err_required");
  EXPECT_EQ(v.form_errors.count("relation_other"), 0u) << "hidden until 'Khác' is chosen";
  v.form["child_name"] = U"Nguyễn Văn Bình";
  v.form["child_birth_date"] = U"01112026";
  v.form["relation"] = U"other";
  EXPECT_FALSE(check_form(v, s));
  EXPECT_EQ(v.form_errors["relation_other"], "form.err_required");
  v.form["relation"] = U"mother";
  v.form["relation_other"] = U"Bà ngoại";  // typed, then hidden again
  EXPECT_TRUE(check_form(v, s));
  const auto values = form_values(v, s);
  EXPECT_EQ(values.at("child_birth_date"), "2026-11-01") << "typed ddmmyyyy, carried as ISO";
  EXPECT_EQ(values.count("relation_other"), 0u) << "a hidden answer does not go into the dossier";
}

TEST(Wizard, RequiredDocumentsNeedAPageAndOptionalOnesDoNot) {
  SubmitView v;
  v.documents = document_checklist(birth_registration());
  ASSERT_EQ(v.documents.size(), 3u);
  EXPECT_TRUE(v.documents[0].required);
  EXPECT_FALSE(v.documents[2].required);
  EXPECT_EQ(v.documents[2].note, "Nếu có");
  EXPECT_FALSE(check_documents(v));
  EXPECT_EQ(v.documents_error, "submit.err_documents");
  v.documents[0].pages.push_back(PageView{a_page(), {}, 1});
  EXPECT_FALSE(check_documents(v));
  v.documents[1].pages.push_back(PageView{a_page(), {}, 2});
  EXPECT_TRUE(check_documents(v));
}

TEST(Wizard, LevelRulesDecideWhatMustBeChosenAndPostNeedsAnAddress) {
  const domain::Service level3 = birth_registration(3, 8000);
  SubmitView v;
  EXPECT_FALSE(check_delivery(v, level3));
  EXPECT_EQ(v.delivery_error, "submit.err_payment");
  const auto rules = domain::channel_rules(level3);
  for (std::size_t i = 0; i < rules.payment.size(); ++i)
    if (rules.payment[i] == domain::PaymentMethod::at_desk) v.payment = i;
  EXPECT_FALSE(check_delivery(v, level3));
  EXPECT_EQ(v.delivery_error, "submit.err_delivery");
  for (std::size_t i = 0; i < rules.delivery.size(); ++i)
    if (rules.delivery[i] == domain::ResultDelivery::public_post) v.delivery = i;
  EXPECT_TRUE(needs_postal_address(v, level3));
  EXPECT_FALSE(check_delivery(v, level3));
  EXPECT_EQ(v.delivery_error, "submit.err_postal");
  v.postal = {U"Nguyễn Thị An", U"0912345678", U"Số 12/3, thôn Đông", U"xã Tân Lạc", U"tỉnh Phú Thọ"};
  EXPECT_TRUE(check_delivery(v, level3));
}

TEST(Wizard, AFinishedWizardBecomesADossierTheHubWouldAccept) {
  const domain::Service s = birth_registration(4, 8000);
  SubmitView v;
  fill_applicant(v);
  v.form = {{"child_name", U"Nguyễn Văn Bình"}, {"child_birth_date", U"01112026"}, {"relation", U"mother"}};
  v.documents = document_checklist(s);
  v.documents[0].pages = {PageView{a_page(), {}, 1}, PageView{a_page(), {}, 2}};
  v.documents[1].pages = {PageView{a_page(), {}, 3}};
  const auto rules = domain::channel_rules(s);
  for (std::size_t i = 0; i < rules.payment.size(); ++i)
    if (rules.payment[i] == domain::PaymentMethod::bank_transfer) v.payment = i;
  for (std::size_t i = 0; i < rules.delivery.size(); ++i)
    if (rules.delivery[i] == domain::ResultDelivery::online) v.delivery = i;
  ASSERT_TRUE(v.payment && v.delivery);

  // No consent, no dossier.
  auto refused = build_submit(v, s, kConsentVersion, TimePoint{});
  EXPECT_FALSE(refused.request);
  EXPECT_EQ(refused.error, "submit.err_consent");

  v.consent = true;
  auto built = build_submit(v, s, kConsentVersion, TimePoint{});
  ASSERT_TRUE(built.request) << built.error;
  const client::NewDossier& d = built.request->dossier;
  EXPECT_EQ(d.applicant.name, "Nguyễn Thị An");
  EXPECT_EQ(d.applicant.phone, "0912345678");
  EXPECT_EQ(d.applicant.birth_date, "1990-03-05");
  EXPECT_EQ(d.applicant.sex, "female");
  EXPECT_EQ(d.payment_method, "bank_transfer");
  EXPECT_EQ(d.result_delivery, "online");
  EXPECT_FALSE(d.postal_address) << "nothing goes by post";
  ASSERT_TRUE(d.consent);
  EXPECT_EQ(d.consent->statement_version, kConsentVersion);
  ASSERT_EQ(built.request->documents.size(), 2u) << "the optional document was not scanned";
  EXPECT_EQ(built.request->documents[0].pages.size(), 2u);
  protocol::PersonalData pd{d.applicant, d.form, d.postal_address, d.consent};
  EXPECT_TRUE(protocol::validate_personal_data(pd, s, d.payment_method, d.result_delivery));
}
