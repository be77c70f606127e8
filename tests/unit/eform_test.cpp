#include <gtest/gtest.h>

#include "motcua/domain/catalog.hpp"
#include "motcua/domain/citizen_id.hpp"
#include "motcua/domain/eform.hpp"
#include "motcua/util/fs.hpp"

using namespace motcua;
using namespace motcua::domain;

namespace {

// A birth registration form, as the demo catalog's 1.001193 has it (shortened).
const char* kBirthForm = R"js({"fields": [
  {"id": "child_name", "type": "text", "label_vi": "Họ, chữ đệm, tên của trẻ", "label_en": "Child's full name",
   "required": true, "min_length": 2, "max_length": 60},
  {"id": "birth_date", "type": "date", "label_vi": "Ngày sinh", "label_en": "Date of birth", "required": true},
  {"id": "copies", "type": "number", "label_vi": "Số bản sao", "label_en": "Copies", "min": 1, "max": 50},
  {"id": "weight", "type": "number", "label_vi": "Cân nặng (kg)", "label_en": "Weight (kg)", "decimals": 1},
  {"id": "father_phone", "type": "phone", "label_vi": "Số điện thoại của cha", "label_en": "Father's phone"},
  {"id": "mother_id", "type": "id_number", "label_vi": "Số định danh của mẹ", "label_en": "Mother's ID number"},
  {"id": "relationship", "type": "select", "label_vi": "Quan hệ với trẻ", "label_en": "Relationship to the child",
   "required": true, "options": [
     {"value": "father", "label_vi": "Cha", "label_en": "Father"},
     {"value": "mother", "label_vi": "Mẹ", "label_en": "Mother"},
     {"value": "other", "label_vi": "Khác", "label_en": "Other"}]},
  {"id": "relationship_other", "type": "text", "label_vi": "Ghi rõ quan hệ", "label_en": "Specify the relationship",
   "required": true, "visible_if": {"field": "relationship", "equals": "other"}},
  {"id": "note", "type": "multiline", "label_vi": "Ghi chú", "label_en": "Note", "max_length": 20},
  {"id": "pledge", "type": "checkbox", "label_vi": "Tôi cam đoan", "label_en": "I declare", "required": true}
]})js";

EForm birth_form() {
  auto f = eform_from_json(Json::parse(kBirthForm));
  EXPECT_TRUE(f) << f.error().message;
  return f ? *f : EForm{};
}

FormValues valid_values() {
  return {{"child_name", "Nguyễn Minh Khang"}, {"birth_date", "2026-11-02"}, {"relationship", "mother"},
          {"pledge", "true"}};
}

}  // namespace

TEST(EForm, AcceptsACompleteAnswer) {
  EXPECT_TRUE(validate_form(birth_form(), valid_values()).empty());
}

struct ValueCase {
  const char* name;
  const char* field;
  const char* value;  // nullptr: remove the field
  const char* expected;  // error key, or nullptr for no error
  const char* error_on = nullptr;  // the field with the error, when not `field`
};

class EFormValue : public ::testing::TestWithParam<ValueCase> {};

TEST_P(EFormValue, GivesTheExpectedErrorKey) {
  const auto& c = GetParam();
  FormValues v = valid_values();
  if (c.value == nullptr) v.erase(c.field);
  else v[c.field] = c.value;
  const auto errors = validate_form(birth_form(), v);
  if (c.expected == nullptr) {
    EXPECT_TRUE(errors.empty()) << errors.front().field << " " << errors.front().key;
  } else {
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].field, c.error_on ? c.error_on : c.field);
    EXPECT_EQ(errors[0].key, c.expected);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, EFormValue,
    ::testing::Values(
        ValueCase{"required_missing", "child_name", nullptr, "form.err_required"},
        ValueCase{"required_empty", "child_name", "", "form.err_required"},
        ValueCase{"too_short", "child_name", "A", "form.err_too_short"},
        ValueCase{"too_long_counts_characters_not_bytes", "child_name",
                  "Nguyễn Nguyễn Nguyễn Nguyễn Nguyễn Nguyễn Nguyễn Nguyễn Nguyễn Nguyễn Nguyễn", "form.err_too_long"},
        ValueCase{"sixty_diacritics_fit", "child_name",
                  "ễễễễễễễễễễễễễễễễễễễễễễễễễễễễễễễễễễễễễễễễễễễễễễễễễễễễễễễễễễễễ", nullptr},
        ValueCase{"control_character", "child_name", "Nguyễn\tAn", "form.err_text"},
        ValueCase{"not_utf8", "child_name", "Nguy\xff", "form.err_text"},
        ValueCase{"date_ok", "birth_date", "2024-02-29", nullptr},
        ValueCase{"date_not_iso", "birth_date", "02/11/2026", "form.err_date"},
        ValueCase{"date_impossible", "birth_date", "2026-02-30", "form.err_date"},
        ValueCase{"number_ok", "copies", "50", nullptr},
        ValueCase{"number_below", "copies", "0", "form.err_range"},
        ValueCase{"number_above", "copies", "51", "form.err_range"},
        ValueCase{"number_letters", "copies", "3a", "form.err_number"},
        ValueCase{"number_decimals_not_allowed", "copies", "2.5", "form.err_number"},
        ValueCase{"number_decimal_ok", "weight", "3.2", nullptr},
        ValueCase{"number_too_many_decimals", "weight", "3.25", "form.err_number"},
        ValueCase{"number_exponent", "weight", "1e3", "form.err_number"},
        ValueCase{"phone_ok_with_spaces", "father_phone", "0912 345 678", nullptr},
        ValueCase{"phone_bad", "father_phone", "12345", "form.err_phone"},
        ValueCase{"id_ok", "mother_id", "001195012345", nullptr},
        ValueCase{"id_short", "mother_id", "00119501234", "form.err_id_number"},
        ValueCase{"id_province_zero", "mother_id", "000195012345", "form.err_id_number"},
        ValueCase{"id_province_97", "mother_id", "097195012345", "form.err_id_number"},
        ValueCase{"option_unknown", "relationship", "uncle", "form.err_option"},
        ValueCase{"option_label_is_not_a_value", "relationship", "Mẹ", "form.err_option"},
        ValueCase{"conditional_shown_and_missing", "relationship", "other", "form.err_required", "relationship_other"},
        ValueCase{"multiline_newline_ok", "note", "dòng 1\ndòng 2", nullptr},
        ValueCase{"multiline_too_long", "note", "123456789012345678901", "form.err_too_long"},
        ValueCase{"checkbox_required_false", "pledge", "false", "form.err_required"},
        ValueCase{"checkbox_not_boolean", "pledge", "yes", "form.err_checkbox"},
        ValueCase{"unknown_field", "nickname", "Bin", "form.err_unknown_field"}),
    [](const ::testing::TestParamInfo<ValueCase>& i) { return std::string(i.param.name); });

TEST(EForm, HiddenFieldsAreNeitherRequiredNorCheckedAndAreDropped) {
  const EForm form = birth_form();
  FormValues v = valid_values();
  v["relationship_other"] = "";  // hidden: relationship is "mother"
  EXPECT_TRUE(validate_form(form, v).empty());
  v["relationship_other"] = std::string(500, 'x');  // hidden and too long: still not checked
  EXPECT_TRUE(validate_form(form, v).empty());
  EXPECT_FALSE(is_visible(form, "relationship_other", v));
  const FormValues kept = normalize_form_values(form, v);
  EXPECT_FALSE(kept.contains("relationship_other"));

  v["relationship"] = "other";
  EXPECT_TRUE(is_visible(form, "relationship_other", v));
  v["relationship_other"] = "Bà ngoại";
  EXPECT_TRUE(validate_form(form, v).empty());
  EXPECT_EQ(normalize_form_values(form, v).at("relationship_other"), "Bà ngoại");
}

TEST(EForm, ConditionsChainThroughHiddenFields) {
  auto form = eform_from_json(Json::parse(R"js({"fields": [
    {"id": "by_post", "type": "checkbox", "label_vi": "Nhận qua bưu điện", "label_en": "By post"},
    {"id": "express", "type": "select", "label_vi": "Hình thức", "label_en": "Service",
     "visible_if": {"field": "by_post", "equals": "true"},
     "options": [{"value": "fast", "label_vi": "Nhanh", "label_en": "Express"},
                 {"value": "normal", "label_vi": "Thường", "label_en": "Normal"}]},
    {"id": "deadline", "type": "date", "label_vi": "Hạn", "label_en": "Deadline", "required": true,
     "visible_if": {"field": "express", "one_of": ["fast"]}}]})js"));
  ASSERT_TRUE(form) << form.error().message;
  // express holds "fast", but express itself is hidden: deadline is hidden too.
  FormValues v{{"by_post", "false"}, {"express", "fast"}};
  EXPECT_FALSE(is_visible(*form, "deadline", v));
  EXPECT_TRUE(validate_form(*form, v).empty());
  v["by_post"] = "true";
  EXPECT_TRUE(is_visible(*form, "deadline", v));
  EXPECT_EQ(validate_form(*form, v), (std::vector<FieldError>{{"deadline", "form.err_required"}}));
}

TEST(EForm, NormalisesPhoneAndIdNumbersAndDropsEmptyAnswers) {
  const EForm form = birth_form();
  FormValues v = valid_values();
  v["father_phone"] = "+84 912 345 678";
  v["mother_id"] = "001 195 012 345";
  v["note"] = "";
  const FormValues kept = normalize_form_values(form, v);
  EXPECT_EQ(kept.at("father_phone"), "0912345678");
  EXPECT_EQ(kept.at("mother_id"), "001195012345");
  EXPECT_FALSE(kept.contains("note"));
}

TEST(EForm, RoundTripsThroughJson) {
  const EForm form = birth_form();
  auto again = eform_from_json(to_json(form));
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(*again, form);
  EXPECT_EQ(form.fields[7].visible_if->one_of, std::vector<std::string>{"other"});
}

struct DefinitionCase {
  const char* name;
  const char* fields;        // the JSON array
  const char* message_part;  // expected in the error
};

class EFormDefinition : public ::testing::TestWithParam<DefinitionCase> {};

TEST_P(EFormDefinition, IsRefusedWithTheFieldAndTheReason) {
  const auto& c = GetParam();
  auto form = eform_from_json(Json::parse(std::string(R"({"fields": )") + c.fields + "}"));
  ASSERT_FALSE(form) << c.name;
  EXPECT_EQ(form.error().code, Errc::invalid_argument);
  EXPECT_NE(form.error().message.find(c.message_part), std::string::npos) << form.error().message;
}

#define LABELS R"("label_vi": "Tên", "label_en": "Name")"
INSTANTIATE_TEST_SUITE_P(
    Table, EFormDefinition,
    ::testing::Values(
        DefinitionCase{"duplicate_id", "[{\"id\": \"a\", \"type\": \"text\", " LABELS "}, {\"id\": \"a\", \"type\": \"date\", " LABELS "}]",
                       "form field a: [json.exception.other_error.501] id appears twice"},
        DefinitionCase{"bad_id", "[{\"id\": \"Họ tên\", \"type\": \"text\", " LABELS "}]", "id must be"},
        DefinitionCase{"unknown_type", "[{\"id\": \"a\", \"type\": \"email\", " LABELS "}]", "unknown type \"email\""},
        DefinitionCase{"missing_label", "[{\"id\": \"a\", \"type\": \"text\", \"label_vi\": \"Tên\"}]", "label_en"},
        DefinitionCase{"empty_label", "[{\"id\": \"a\", \"type\": \"text\", \"label_vi\": \"\", \"label_en\": \"x\"}]",
                       "must not be empty"},
        DefinitionCase{"select_without_options", "[{\"id\": \"a\", \"type\": \"select\", " LABELS "}]",
                       "a select needs options"},
        DefinitionCase{"duplicate_option", "[{\"id\": \"a\", \"type\": \"select\", " LABELS
                       ", \"options\": [{\"value\": \"x\", \"label_vi\": \"X\", \"label_en\": \"X\"},"
                       " {\"value\": \"x\", \"label_vi\": \"Y\", \"label_en\": \"Y\"}]}]",
                       "option value \"x\" appears twice"},
        DefinitionCase{"options_on_text", "[{\"id\": \"a\", \"type\": \"text\", " LABELS
                       ", \"options\": [{\"value\": \"x\", \"label_vi\": \"X\", \"label_en\": \"X\"}]}]",
                       "options are for select"},
        DefinitionCase{"visible_if_unknown", "[{\"id\": \"a\", \"type\": \"text\", " LABELS
                       ", \"visible_if\": {\"field\": \"zz\", \"equals\": \"x\"}}]",
                       "not an earlier field"},
        DefinitionCase{"visible_if_later", "[{\"id\": \"a\", \"type\": \"text\", " LABELS
                       ", \"visible_if\": {\"field\": \"b\", \"equals\": \"true\"}}, {\"id\": \"b\", \"type\": \"checkbox\", " LABELS "}]",
                       "form field a: [json.exception.other_error.501] visible_if refers to \"b\", which is not an earlier field"},
        DefinitionCase{"visible_if_self", "[{\"id\": \"a\", \"type\": \"checkbox\", " LABELS
                       ", \"visible_if\": {\"field\": \"a\", \"equals\": \"true\"}}]",
                       "not an earlier field"},
        DefinitionCase{"visible_if_on_text", "[{\"id\": \"a\", \"type\": \"text\", " LABELS "}, {\"id\": \"b\", \"type\": \"text\", " LABELS
                       ", \"visible_if\": {\"field\": \"a\", \"equals\": \"x\"}}]",
                       "select or checkbox"},
        DefinitionCase{"visible_if_impossible_value", "[{\"id\": \"a\", \"type\": \"checkbox\", " LABELS "}, {\"id\": \"b\", \"type\": \"text\", " LABELS
                       ", \"visible_if\": {\"field\": \"a\", \"equals\": \"yes\"}}]",
                       "can never hold \"yes\""},
        DefinitionCase{"visible_if_both", "[{\"id\": \"a\", \"type\": \"checkbox\", " LABELS "}, {\"id\": \"b\", \"type\": \"text\", " LABELS
                       ", \"visible_if\": {\"field\": \"a\", \"equals\": \"true\", \"one_of\": [\"true\"]}}]",
                       "either equals or one_of"},
        DefinitionCase{"min_above_max", "[{\"id\": \"a\", \"type\": \"number\", " LABELS ", \"min\": 5, \"max\": 1}]",
                       "min exceeds max"},
        DefinitionCase{"length_on_number", "[{\"id\": \"a\", \"type\": \"number\", " LABELS ", \"max_length\": 5}]",
                       "for text and multiline"},
        DefinitionCase{"bounds_on_text", "[{\"id\": \"a\", \"type\": \"text\", " LABELS ", \"max\": 5}]",
                       "are for number"},
        DefinitionCase{"min_length_above_max", "[{\"id\": \"a\", \"type\": \"text\", " LABELS
                       ", \"min_length\": 9, \"max_length\": 3}]",
                       "min_length exceeds max_length"}),
    [](const ::testing::TestParamInfo<DefinitionCase>& i) { return std::string(i.param.name); });

TEST(EForm, DefinitionMustBeAnObjectWithFields) {
  EXPECT_FALSE(eform_from_json(Json::array()));
  EXPECT_FALSE(eform_from_json(Json::object()));
  EXPECT_FALSE(eform_from_json(Json{{"fields", "x"}}));
}

TEST(EForm, FormValuesAreAnObjectOfStrings) {
  EXPECT_TRUE(form_values_from_json(Json{{"a", "1"}}));
  EXPECT_FALSE(form_values_from_json(Json{{"a", 1}}));
  EXPECT_FALSE(form_values_from_json(Json::array()));
}

TEST(EForm, ServiceCarriesItsFormThroughTheCatalogJson) {
  Service s;
  s.code = "1.001193";
  s.name = "Đăng ký khai sinh";
  s.field = "ho-tich";
  s.agency = "H41.26.01";
  s.level = 4;
  Json without = to_json(s);
  EXPECT_FALSE(without.contains("form"));  // services without a form keep their JSON
  s.form = birth_form();
  auto back = service_from_json(to_json(s));
  ASSERT_TRUE(back) << back.error().message;
  ASSERT_TRUE(back->form);
  EXPECT_EQ(*back->form, *s.form);

  Json bad = to_json(s);
  bad["form"]["fields"][7]["visible_if"]["field"] = "nobody";
  auto refused = service_from_json(bad);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("service 1.001193"), std::string::npos) << refused.error().message;
  EXPECT_NE(refused.error().message.find("relationship_other"), std::string::npos) << refused.error().message;
}

// ---- citizen ID numbers

struct CitizenIdCase {
  const char* name;
  const char* id;
  const char* birth;  // nullptr: not given
  std::optional<Sex> sex;
  bool valid;
};

class CitizenId : public ::testing::TestWithParam<CitizenIdCase> {};

TEST_P(CitizenId, IsCheckedAgainstBirthYearAndSex) {
  const auto& c = GetParam();
  std::optional<calendar::CivilDate> birth;
  if (c.birth) birth = *calendar::parse_date(c.birth);
  EXPECT_EQ(validate_citizen_id(c.id, birth, c.sex).has_value(), c.valid);
}

INSTANTIATE_TEST_SUITE_P(
    Table, CitizenId,
    ::testing::Values(
        CitizenIdCase{"male_1995", "001095012345", "1995-03-04", Sex::male, true},
        CitizenIdCase{"female_1995", "001195012345", "1995-03-04", Sex::female, true},
        CitizenIdCase{"male_2008", "017208012345", "2008-12-31", Sex::male, true},
        CitizenIdCase{"female_2008", "096308012345", "2008-01-01", Sex::female, true},
        CitizenIdCase{"spaces_tolerated", "001 095 012 345", "1995-03-04", Sex::male, true},
        CitizenIdCase{"no_birth_no_sex", "079300000001", nullptr, std::nullopt, true},
        CitizenIdCase{"sex_mismatch", "001095012345", "1995-03-04", Sex::female, false},
        CitizenIdCase{"century_mismatch", "001095012345", "2095-03-04", Sex::male, false},
        CitizenIdCase{"year_mismatch", "001095012345", "1996-03-04", Sex::male, false},
        CitizenIdCase{"before_1900", "001095012345", "1895-03-04", std::nullopt, false},
        CitizenIdCase{"province_000", "000095012345", nullptr, std::nullopt, false},
        CitizenIdCase{"province_097", "097095012345", nullptr, std::nullopt, false},
        CitizenIdCase{"eleven_digits", "00109501234", nullptr, std::nullopt, false},
        CitizenIdCase{"thirteen_digits", "0010950123456", nullptr, std::nullopt, false},
        CitizenIdCase{"letter", "00109501234A", nullptr, std::nullopt, false},
        CitizenIdCase{"old_nine_digit_cmnd", "123456789", nullptr, std::nullopt, false}),
    [](const ::testing::TestParamInfo<CitizenIdCase>& i) { return std::string(i.param.name); });

TEST(CitizenId, ReturnsTheDigitsWithoutSpaces) {
  EXPECT_EQ(*validate_citizen_id("001 095 012 345"), "001095012345");
  EXPECT_EQ(sex_from_string("female"), Sex::female);
  EXPECT_EQ(to_string(Sex::male), "male");
  EXPECT_FALSE(sex_from_string("Nam"));
}

TEST(EForm, EverySubmittableDemoServiceHasAFormWithBothLanguages) {
  auto text = fs::read_file(std::string(MOTCUA_SOURCE_DIR) + "/assets/catalog/demo.json");
  ASSERT_TRUE(text);
  auto c = catalog_from_json(*parse_json(*text));
  ASSERT_TRUE(c) << c.error().message;
  int with_form = 0;
  for (const auto& s : c->services) {
    if (!s.accepts_submissions()) continue;
    ASSERT_TRUE(s.form) << s.code << " is submittable at the kiosk but has no form";
    EXPECT_FALSE(s.form->fields.empty()) << s.code;
    for (const auto& f : s.form->fields) {
      EXPECT_NE(f.label_vi, f.label_en) << s.code << " " << f.id;
      for (const auto& o : f.options) EXPECT_FALSE(o.label_vi.empty()) << s.code << " " << f.id;
    }
    ++with_form;
  }
  EXPECT_GE(with_form, 40);
  // Đăng ký khai sinh: "Ghi rõ quan hệ" only when "Khác" is chosen.
  for (const auto& s : c->services)
    if (s.code == "1.001193") {
      FormValues v{{"relationship", "mother"}};
      EXPECT_FALSE(is_visible(*s.form, "relationship_other", v));
      v["relationship"] = "other";
      EXPECT_TRUE(is_visible(*s.form, "relationship_other", v));
    }
}
