#include "motcua/domain/eform.hpp"

#include <cmath>
#include <set>

#include "motcua/calendar/civil_date.hpp"
#include "motcua/domain/citizen_id.hpp"
#include "motcua/domain/dossier.hpp"
#include "motcua/text/utf8.hpp"

namespace motcua::domain {

namespace {

struct TypeName {
  FieldType type;
  std::string_view name;
};
constexpr TypeName kTypes[] = {
    {FieldType::text, "text"},         {FieldType::multiline, "multiline"}, {FieldType::number, "number"},
    {FieldType::date, "date"},         {FieldType::phone, "phone"},         {FieldType::id_number, "id_number"},
    {FieldType::select, "select"},     {FieldType::checkbox, "checkbox"},
};

bool is_field_id(std::string_view id) {
  if (id.empty() || id.size() > 40 || id[0] < 'a' || id[0] > 'z') return false;
  for (char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

// A number as typed on the kiosk's keypad: optional '-', digits, optionally '.'
// and at most `decimals` digits. No exponent, no thousands separators.
std::optional<double> parse_number(std::string_view s, int decimals) {
  std::size_t i = 0;
  if (i < s.size() && s[i] == '-') ++i;
  const std::size_t int_start = i;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  if (i == int_start || i - int_start > 15) return std::nullopt;
  if (i < s.size()) {
    if (s[i] != '.' || decimals == 0) return std::nullopt;
    const std::size_t frac_start = ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i != s.size() || i == frac_start || static_cast<int>(i - frac_start) > decimals) return std::nullopt;
  }
  return std::stod(std::string(s));
}

bool has_control(std::string_view s, bool newlines_allowed) {
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && !(newlines_allowed && (c == '\n'))) || c == 0x7f) return true;
  }
  return false;
}

// One visible field's value; empty = no error.
std::string_view check_value(const FormField& f, const std::string& v) {
  switch (f.type) {
    case FieldType::text:
    case FieldType::multiline: {
      if (!utf8::valid(v) || has_control(v, f.type == FieldType::multiline)) return form_error::text;
      const auto n = static_cast<int>(utf8::length(v));
      const int max = f.max_length.value_or(f.type == FieldType::text ? kDefaultTextMax : kDefaultMultilineMax);
      if (n > max) return form_error::too_long;
      if (f.min_length && n < *f.min_length) return form_error::too_short;
      return {};
    }
    case FieldType::number: {
      auto n = parse_number(v, f.decimals);
      if (!n) return form_error::number;
      if ((f.min && *n < *f.min) || (f.max && *n > *f.max)) return form_error::range;
      return {};
    }
    case FieldType::date:
      return calendar::parse_date(v) ? std::string_view{} : form_error::date;
    case FieldType::phone:
      return normalize_phone(v) ? std::string_view{} : form_error::phone;
    case FieldType::id_number:
      return validate_citizen_id(v) ? std::string_view{} : form_error::id_number;
    case FieldType::select:
      for (const auto& o : f.options)
        if (o.value == v) return {};
      return form_error::option;
    case FieldType::checkbox:
      return v == "true" || v == "false" ? std::string_view{} : form_error::checkbox;
  }
  return form_error::text;
}

bool answered(const FormField& f, const FormValues& values) {
  const auto it = values.find(f.id);
  if (it == values.end() || it->second.empty()) return false;
  return f.type != FieldType::checkbox || it->second == "true";
}

[[noreturn]] void invalid(const Json& j, const std::string& what) {
  throw nlohmann::json::other_error::create(501, what, &j);
}

std::optional<int> opt_int(const Json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  return it->get<int>();
}

std::optional<double> opt_double(const Json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  if (!it->is_number()) invalid(j, std::string(key) + " must be a number");
  return it->get<double>();
}

}  // namespace

std::string_view to_string(FieldType t) {
  for (const auto& n : kTypes)
    if (n.type == t) return n.name;
  return "text";
}

std::optional<FieldType> field_type_from_string(std::string_view s) {
  for (const auto& n : kTypes)
    if (n.name == s) return n.type;
  return std::nullopt;
}

const FormField* EForm::find(std::string_view id) const {
  for (const auto& f : fields)
    if (f.id == id) return &f;
  return nullptr;
}

bool is_visible(const EForm& form, const FormField& field, const FormValues& values) {
  // Definitions from eform_from_json point only backwards, so this ends; the
  // depth bound keeps a hand-built cycle from recursing forever.
  const FormField* f = &field;
  for (std::size_t depth = 0; depth <= form.fields.size(); ++depth) {
    if (!f->visible_if) return true;
    const FormField* on = form.find(f->visible_if->field);
    if (on == nullptr) return false;
    const auto it = values.find(on->id);
    const std::string value = it == values.end() ? std::string() : it->second;
    bool match = false;
    for (const auto& v : f->visible_if->one_of) match = match || v == value;
    if (!match) return false;
    f = on;
  }
  return false;
}

bool is_visible(const EForm& form, std::string_view field_id, const FormValues& values) {
  const FormField* f = form.find(field_id);
  return f != nullptr && is_visible(form, *f, values);
}

std::vector<FieldError> validate_form(const EForm& form, const FormValues& values) {
  std::vector<FieldError> errors;
  for (const auto& f : form.fields) {
    if (!is_visible(form, f, values)) continue;
    const auto it = values.find(f.id);
    if (it == values.end() || it->second.empty()) {
      if (f.required) errors.push_back({f.id, std::string(form_error::required)});
      continue;
    }
    if (const auto key = check_value(f, it->second); !key.empty()) {
      errors.push_back({f.id, std::string(key)});
      continue;
    }
    if (f.required && !answered(f, values)) errors.push_back({f.id, std::string(form_error::required)});
  }
  for (const auto& [id, value] : values)
    if (form.find(id) == nullptr) errors.push_back({id, std::string(form_error::unknown_field)});
  return errors;
}

FormValues normalize_form_values(const EForm& form, FormValues values) {
  FormValues out;
  for (const auto& f : form.fields) {
    auto it = values.find(f.id);
    if (it == values.end() || it->second.empty() || !is_visible(form, f, values)) continue;
    std::string v = it->second;
    if (f.type == FieldType::phone) {
      if (auto p = normalize_phone(v)) v = *p;
    } else if (f.type == FieldType::id_number) {
      if (auto p = validate_citizen_id(v)) v = *p;
    }
    out.emplace(f.id, std::move(v));
  }
  return out;
}

Json to_json(const EForm& form) {
  Json fields = Json::array();
  for (const auto& f : form.fields) {
    Json j{{"id", f.id}, {"type", to_string(f.type)}, {"label_vi", f.label_vi}, {"label_en", f.label_en}};
    if (!f.help_vi.empty()) j["help_vi"] = f.help_vi;
    if (!f.help_en.empty()) j["help_en"] = f.help_en;
    if (f.required) j["required"] = true;
    if (f.min_length) j["min_length"] = *f.min_length;
    if (f.max_length) j["max_length"] = *f.max_length;
    if (f.min) j["min"] = *f.min;
    if (f.max) j["max"] = *f.max;
    if (f.decimals != 0) j["decimals"] = f.decimals;
    if (!f.options.empty()) {
      j["options"] = Json::array();
      for (const auto& o : f.options)
        j["options"].push_back({{"value", o.value}, {"label_vi", o.label_vi}, {"label_en", o.label_en}});
    }
    if (f.visible_if) {
      Json c{{"field", f.visible_if->field}};
      if (f.visible_if->one_of.size() == 1) c["equals"] = f.visible_if->one_of.front();
      else c["one_of"] = f.visible_if->one_of;
      j["visible_if"] = std::move(c);
    }
    fields.push_back(std::move(j));
  }
  return Json{{"fields", fields}};
}

Result<EForm> eform_from_json(const Json& j) {
  EForm form;
  if (!j.is_object() || !j.contains("fields") || !j["fields"].is_array())
    return fail(Errc::invalid_argument, "form: must be an object with a \"fields\" array");
  if (j["fields"].size() > kMaxFormFields)
    return fail(Errc::invalid_argument, "form: at most " + std::to_string(kMaxFormFields) + " fields");
  for (const auto& fj : j["fields"]) {
    const std::string context = "form field " + (fj.is_object() ? str_or(fj, "id", "?") : std::string("?"));
    auto field = decode_json<FormField>(context, [&] {
      if (!fj.is_object()) invalid(fj, "must be an object");
      FormField f;
      f.id = fj.at("id").get<std::string>();
      if (!is_field_id(f.id)) invalid(fj, "id must be 1–40 of a-z, 0-9 and _, starting with a letter");
      if (form.find(f.id) != nullptr) invalid(fj, "id appears twice");
      const std::string type = fj.at("type").get<std::string>();
      const auto t = field_type_from_string(type);
      if (!t) invalid(fj, "unknown type \"" + type + "\" (text, multiline, number, date, phone, id_number, select, checkbox)");
      f.type = *t;
      f.label_vi = fj.at("label_vi").get<std::string>();
      f.label_en = fj.at("label_en").get<std::string>();
      if (f.label_vi.empty() || f.label_en.empty()) invalid(fj, "label_vi and label_en must not be empty");
      f.help_vi = str_or(fj, "help_vi");
      f.help_en = str_or(fj, "help_en");
      f.required = fj.value("required", false);
      f.min_length = opt_int(fj, "min_length");
      f.max_length = opt_int(fj, "max_length");
      const bool textual = f.type == FieldType::text || f.type == FieldType::multiline;
      if ((f.min_length || f.max_length) && !textual) invalid(fj, "min_length and max_length are for text and multiline");
      if (f.min_length && *f.min_length < 0) invalid(fj, "min_length must not be negative");
      if (f.max_length && *f.max_length < 1) invalid(fj, "max_length must be at least 1");
      if (f.min_length && f.max_length && *f.min_length > *f.max_length) invalid(fj, "min_length exceeds max_length");
      f.min = opt_double(fj, "min");
      f.max = opt_double(fj, "max");
      f.decimals = opt_int(fj, "decimals").value_or(0);
      if ((f.min || f.max || f.decimals != 0) && f.type != FieldType::number)
        invalid(fj, "min, max and decimals are for number");
      if (f.min && f.max && *f.min > *f.max) invalid(fj, "min exceeds max");
      if (f.decimals < 0 || f.decimals > 6) invalid(fj, "decimals must be 0–6");
      if (const auto it = fj.find("options"); it != fj.end() && !it->is_null()) {
        if (f.type != FieldType::select) invalid(fj, "options are for select");
        std::set<std::string> values;
        for (const auto& o : *it) {
          FieldOption opt{o.at("value").get<std::string>(), o.at("label_vi").get<std::string>(),
                          o.at("label_en").get<std::string>()};
          if (opt.value.empty() || opt.label_vi.empty() || opt.label_en.empty())
            invalid(fj, "an option needs a value, label_vi and label_en");
          if (!values.insert(opt.value).second) invalid(fj, "option value \"" + opt.value + "\" appears twice");
          f.options.push_back(std::move(opt));
        }
      }
      if (f.type == FieldType::select && f.options.empty()) invalid(fj, "a select needs options");
      if (const auto it = fj.find("visible_if"); it != fj.end() && !it->is_null()) {
        VisibleIf c;
        c.field = it->at("field").get<std::string>();
        const FormField* on = form.find(c.field);
        if (on == nullptr)
          invalid(fj, "visible_if refers to \"" + c.field + "\", which is not an earlier field of the form");
        if (on->type != FieldType::select && on->type != FieldType::checkbox)
          invalid(fj, "visible_if must refer to a select or checkbox field");
        if (it->contains("equals") == it->contains("one_of"))
          invalid(fj, "visible_if needs either equals or one_of");
        if (it->contains("equals")) c.one_of.push_back(it->at("equals").get<std::string>());
        else c.one_of = it->at("one_of").get<std::vector<std::string>>();
        if (c.one_of.empty()) invalid(fj, "visible_if.one_of must not be empty");
        for (const auto& v : c.one_of) {
          bool possible = on->type == FieldType::checkbox ? (v == "true" || v == "false") : false;
          for (const auto& o : on->options) possible = possible || o.value == v;
          if (!possible) invalid(fj, "visible_if: \"" + c.field + "\" can never hold \"" + v + "\"");
        }
        f.visible_if = std::move(c);
      }
      return f;
    });
    if (!field) return fail(field.error());
    form.fields.push_back(std::move(*field));
  }
  return form;
}

Result<FormValues> form_values_from_json(const Json& j) {
  if (!j.is_object()) return fail(Errc::invalid_argument, "form values must be a JSON object");
  FormValues values;
  for (const auto& [key, value] : j.items()) {
    if (!value.is_string()) return fail(Errc::invalid_argument, "form value " + key + " must be a string");
    values.emplace(key, value.get<std::string>());
  }
  return values;
}

}  // namespace motcua::domain
