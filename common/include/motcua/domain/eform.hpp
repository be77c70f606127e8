#pragma once
// E-forms [tờ khai điện tử]: the form a service asks the applicant to fill in at
// the kiosk, carried by the service in the catalog (docs/eforms.md). The kiosk
// draws it and checks the values as they are typed; the hub checks the opened
// values again with the same validate_form before it accepts the dossier.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "motcua/util/error.hpp"
#include "motcua/util/json.hpp"

namespace motcua::domain {

enum class FieldType {
  text,       // one line, Telex keyboard
  multiline,  // several lines
  number,     // digits keypad; `decimals` places after '.'
  date,       // ISO yyyy-mm-dd
  phone,      // Vietnamese phone number (normalize_phone)
  id_number,  // 12-digit citizen ID (validate_citizen_id)
  select,     // one of `options`
  checkbox,   // "true" | "false"
};

std::string_view to_string(FieldType);
std::optional<FieldType> field_type_from_string(std::string_view);

struct FieldOption {
  std::string value;  // what is stored in FormValues
  std::string label_vi;
  std::string label_en;
  friend bool operator==(const FieldOption&, const FieldOption&) = default;
};

// The field is shown (and validated) only while an earlier select or checkbox
// field holds one of these values ("equals" in JSON is a one_of of one value).
struct VisibleIf {
  std::string field;
  std::vector<std::string> one_of;
  friend bool operator==(const VisibleIf&, const VisibleIf&) = default;
};

struct FormField {
  std::string id;  // [a-z][a-z0-9_]*, at most 40 characters; the key in FormValues
  FieldType type = FieldType::text;
  std::string label_vi;
  std::string label_en;
  std::string help_vi;  // optional hint under the control
  std::string help_en;
  bool required = false;  // a required checkbox must be "true"
  // text and multiline, in characters (code points). Without max_length a text
  // holds at most kDefaultTextMax, a multiline kDefaultMultilineMax.
  std::optional<int> min_length;
  std::optional<int> max_length;
  // number: inclusive bounds and allowed decimal places.
  std::optional<double> min;
  std::optional<double> max;
  int decimals = 0;
  std::vector<FieldOption> options;  // select: at least one
  std::optional<VisibleIf> visible_if;
  friend bool operator==(const FormField&, const FormField&) = default;
};

inline constexpr int kDefaultTextMax = 200;
inline constexpr int kDefaultMultilineMax = 2000;
inline constexpr std::size_t kMaxFormFields = 100;

struct EForm {
  std::vector<FormField> fields;
  const FormField* find(std::string_view id) const;
  friend bool operator==(const EForm&, const EForm&) = default;
};

// The applicant's answers: field id → value. Dates "yyyy-mm-dd", checkboxes
// "true"/"false", numbers as typed ("3", "12.5"), selects the option's value.
// An empty string counts as not answered.
using FormValues = std::map<std::string, std::string>;

// Stable keys; the kiosk maps them to Vietnamese and English text.
namespace form_error {
inline constexpr std::string_view required = "form.err_required";
inline constexpr std::string_view too_short = "form.err_too_short";
inline constexpr std::string_view too_long = "form.err_too_long";
inline constexpr std::string_view text = "form.err_text";  // not UTF-8, or a control character
inline constexpr std::string_view number = "form.err_number";
inline constexpr std::string_view range = "form.err_range";  // a number outside min..max
inline constexpr std::string_view date = "form.err_date";
inline constexpr std::string_view option = "form.err_option";
inline constexpr std::string_view checkbox = "form.err_checkbox";
inline constexpr std::string_view phone = "form.err_phone";
inline constexpr std::string_view id_number = "form.err_id_number";
inline constexpr std::string_view unknown_field = "form.err_unknown_field";
}  // namespace form_error

struct FieldError {
  std::string field;  // the field's id
  std::string key;    // a form_error key
  friend bool operator==(const FieldError&, const FieldError&) = default;
};

// Whether the field is shown given the current values: no condition, or its
// condition field is itself visible and holds one of the listed values.
bool is_visible(const EForm& form, const FormField& field, const FormValues& values);
bool is_visible(const EForm& form, std::string_view field_id, const FormValues& values);

// Every problem, in the form's field order (unknown fields last, by id). Fields
// hidden by their condition are not checked, whatever value they hold. Values
// of fields the form does not have are refused (form.err_unknown_field).
std::vector<FieldError> validate_form(const EForm& form, const FormValues& values);

// The values worth keeping: hidden fields and empty answers dropped, phone and
// ID numbers normalised. Call after validate_form found nothing.
FormValues normalize_form_values(const EForm& form, FormValues values);

// docs/eforms.md. eform_from_json refuses a malformed definition with the field
// and the reason: unknown type, duplicate or malformed id, empty labels, select
// without options or with duplicate values, visible_if naming an unknown or
// later field, not a select or checkbox, or a value it cannot hold, bounds
// that contradict each other.
Json to_json(const EForm&);
Result<EForm> eform_from_json(const Json&);
// A JSON object of strings; anything else is refused.
Result<FormValues> form_values_from_json(const Json&);

}  // namespace motcua::domain
