#include "app/wizard.hpp"

#include <algorithm>

#include "motcua/calendar/civil_date.hpp"
#include "motcua/domain/dossier.hpp"
#include "motcua/text/utf8.hpp"
#include "motcua/util/log.hpp"

namespace motcua::kiosk {

std::vector<SubmitStep> wizard_steps(const domain::Service& service) {
  std::vector<SubmitStep> steps{SubmitStep::applicant};
  if (service.form && !service.form->fields.empty()) steps.push_back(SubmitStep::form);
  steps.insert(steps.end(), {SubmitStep::documents, SubmitStep::delivery, SubmitStep::consent, SubmitStep::review});
  return steps;
}

int step_number(const domain::Service& service, SubmitStep step) {
  const auto steps = wizard_steps(service);
  const auto it = std::find(steps.begin(), steps.end(), step);
  return it == steps.end() ? static_cast<int>(steps.size()) : static_cast<int>(it - steps.begin()) + 1;
}

std::optional<SubmitStep> next_step(const domain::Service& service, SubmitStep step) {
  const auto steps = wizard_steps(service);
  const auto it = std::find(steps.begin(), steps.end(), step);
  if (it == steps.end() || it + 1 == steps.end()) return std::nullopt;
  return *(it + 1);
}

std::optional<SubmitStep> previous_step(const domain::Service& service, SubmitStep step) {
  const auto steps = wizard_steps(service);
  const auto it = std::find(steps.begin(), steps.end(), step);
  if (it == steps.end() || it == steps.begin()) return std::nullopt;
  return *(it - 1);
}

std::vector<DocumentItem> document_checklist(const domain::Service& service) {
  std::vector<DocumentItem> items;
  items.reserve(service.documents.size() + 1);
  for (const auto& d : service.documents)
    items.push_back(DocumentItem{d.name, d.required, d.originals, d.copies, d.note.value_or(std::string()), {}});
  if (items.empty()) {
    // A service that lists no components still takes what the citizen brings.
    items.push_back(DocumentItem{"Giấy tờ kèm theo", false, 0, 0, std::string(), {}});
  }
  return items;
}

std::string tidy_name(const std::u32string& name) {
  std::string out;
  bool space = false;
  for (char32_t c : name) {
    if (c == U' ') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    utf8::append(out, c);
  }
  return out;
}

std::string format_birth_date(const std::u32string& digits) {
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i == 2 || i == 4) out.push_back('/');
    utf8::append(out, digits[i]);
  }
  return out;
}

namespace {

std::optional<calendar::CivilDate> typed_date(const std::u32string& digits) {
  if (digits.size() != 8) return std::nullopt;
  int v[8];
  for (std::size_t i = 0; i < 8; ++i) {
    if (digits[i] < U'0' || digits[i] > U'9') return std::nullopt;
    v[i] = static_cast<int>(digits[i] - U'0');
  }
  const int day = v[0] * 10 + v[1], month = v[2] * 10 + v[3];
  const int year = v[4] * 1000 + v[5] * 100 + v[6] * 10 + v[7];
  if (month < 1 || month > 12 || day < 1 || day > calendar::days_in_month(year, month)) return std::nullopt;
  return calendar::CivilDate{year, month, day};
}

std::string trimmed(const std::u32string& s) {
  std::string out = utf8::from_u32(s);
  while (!out.empty() && out.back() == ' ') out.pop_back();
  while (!out.empty() && out.front() == ' ') out.erase(out.begin());
  return out;
}

}  // namespace

bool check_applicant(SubmitView& v) {
  v.id_error = v.name_error = v.birth_error = v.sex_error = v.address_error = v.phone_error = std::string();
  const std::string id = utf8::from_u32(v.id_number);
  const auto birth = typed_date(v.birth_date);
  if (!birth || birth->year < 1900 || birth->year > 2100) v.birth_error = "submit.err_birth";
  if (id.size() != 12 || !std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; }))
    v.id_error = "submit.err_id";
  else if (!domain::validate_citizen_id(id, birth, v.sex))
    v.id_error = "submit.err_id_mismatch";
  const std::string name = tidy_name(v.name);
  if (name.find(' ') == std::string::npos || utf8::length(name) < 4) v.name_error = "submit.err_name";
  if (!v.sex) v.sex_error = "submit.err_sex";
  if (utf8::length(trimmed(v.address)) < 5) v.address_error = "submit.err_address";
  if (!domain::normalize_phone(utf8::from_u32(v.phone))) v.phone_error = "submit.err_phone";
  return v.id_error.empty() && v.name_error.empty() && v.birth_error.empty() && v.sex_error.empty() &&
         v.address_error.empty() && v.phone_error.empty();
}

domain::FormValues form_values(const SubmitView& v, const domain::Service& service) {
  domain::FormValues values;
  if (!service.form) return values;
  for (const auto& f : service.form->fields) {
    const auto it = v.form.find(f.id);
    if (it == v.form.end()) continue;
    std::string value = trimmed(it->second);
    // Dates are typed as ddmmyyyy digits; the form carries yyyy-mm-dd.
    if (f.type == domain::FieldType::date && !value.empty()) {
      const auto date = typed_date(it->second);
      value = date ? calendar::format_date(*date) : value;
    }
    values[f.id] = value;
  }
  // Only what the citizen can see goes into the dossier.
  domain::FormValues shown;
  for (const auto& f : service.form->fields) {
    const auto it = values.find(f.id);
    if (it == values.end() || it->second.empty()) continue;
    if (domain::is_visible(*service.form, f, values)) shown[f.id] = it->second;
  }
  return shown;
}

bool check_form(SubmitView& v, const domain::Service& service) {
  v.form_errors.clear();
  if (!service.form) return true;
  for (const auto& e : domain::validate_form(*service.form, form_values(v, service))) v.form_errors[e.field] = e.key;
  return v.form_errors.empty();
}

bool check_documents(SubmitView& v) {
  v.documents_error = std::string();
  for (const auto& d : v.documents)
    if (d.required && d.pages.empty()) v.documents_error = "submit.err_documents";
  bool any = false;
  for (const auto& d : v.documents) any = any || !d.pages.empty();
  if (!any) v.documents_error = "submit.err_documents";
  return v.documents_error.empty();
}

bool needs_postal_address(const SubmitView& v, const domain::Service& service) {
  const auto rules = domain::channel_rules(service);
  const bool pay_post = service.base_fee() > 0 && v.payment && *v.payment < rules.payment.size() &&
                        rules.payment[*v.payment] == domain::PaymentMethod::public_post;
  const bool deliver_post = v.delivery && *v.delivery < rules.delivery.size() &&
                            rules.delivery[*v.delivery] == domain::ResultDelivery::public_post;
  return pay_post || deliver_post;
}

bool check_delivery(SubmitView& v, const domain::Service& service) {
  v.delivery_error = std::string();
  const auto rules = domain::channel_rules(service);
  // A service without a fee needs no payment choice.
  if (service.base_fee() > 0 && !rules.payment.empty() && (!v.payment || *v.payment >= rules.payment.size()))
    v.delivery_error = "submit.err_payment";
  else if (!rules.delivery.empty() && (!v.delivery || *v.delivery >= rules.delivery.size()))
    v.delivery_error = "submit.err_delivery";
  else if (needs_postal_address(v, service) &&
           (utf8::length(trimmed(v.postal[0])) < 2 || !domain::normalize_phone(utf8::from_u32(v.postal[1])) ||
            utf8::length(trimmed(v.postal[2])) < 3 || utf8::length(trimmed(v.postal[3])) < 2 ||
            utf8::length(trimmed(v.postal[4])) < 2))
    v.delivery_error = "submit.err_postal";
  return v.delivery_error.empty();
}

bool check_consent(SubmitView& v) {
  v.consent_error = v.consent ? std::string() : std::string("submit.err_consent");
  return v.consent;
}

SubmitBuild build_submit(SubmitView& v, const domain::Service& service, std::string_view consent_version,
                         TimePoint now) {
  SubmitBuild out;
  // Every step again, in order: the first that fails is where the citizen goes.
  if (!check_applicant(v)) return SubmitBuild{std::nullopt, "submit.err_incomplete_applicant"};
  if (!check_form(v, service)) return SubmitBuild{std::nullopt, "submit.err_incomplete_form"};
  if (!check_documents(v)) return SubmitBuild{std::nullopt, "submit.err_documents"};
  if (!check_delivery(v, service)) return SubmitBuild{std::nullopt, v.delivery_error};
  if (!check_consent(v)) return SubmitBuild{std::nullopt, "submit.err_consent"};

  SubmitRequest req;
  client::NewDossier& d = req.dossier;
  d.service_code = service.code;
  d.agency_id = service.agency;
  d.service_name = service.name;
  d.applicant.name = tidy_name(v.name);
  d.applicant.phone = *domain::normalize_phone(utf8::from_u32(v.phone));
  d.applicant.id_number = utf8::from_u32(v.id_number);
  if (const auto birth = typed_date(v.birth_date)) d.applicant.birth_date = calendar::format_date(*birth);
  d.applicant.sex = std::string(domain::to_string(*v.sex));
  d.applicant.address = trimmed(v.address);
  d.form = form_values(v, service);
  const auto rules = domain::channel_rules(service);
  if (service.base_fee() > 0 && v.payment && *v.payment < rules.payment.size())
    d.payment_method = std::string(domain::to_string(rules.payment[*v.payment]));
  if (v.delivery && *v.delivery < rules.delivery.size())
    d.result_delivery = std::string(domain::to_string(rules.delivery[*v.delivery]));
  if (needs_postal_address(v, service))
    d.postal_address = protocol::PostalAddress{tidy_name(v.postal[0]), *domain::normalize_phone(utf8::from_u32(v.postal[1])),
                                               trimmed(v.postal[2]), trimmed(v.postal[3]), trimmed(v.postal[4])};
  d.consent = protocol::Consent{std::string(consent_version), format_utc(now)};
  // The same check the outbox and the hub make (protocol::validate_personal_data):
  // what passes here is never refused later.
  protocol::PersonalData pd{d.applicant, d.form, d.postal_address, d.consent};
  if (auto ok = protocol::validate_personal_data(pd, service, d.payment_method, d.result_delivery); !ok) {
    log::warn("kiosk.wizard", "personal data refused: " + ok.error().message);
    return SubmitBuild{std::nullopt, "submit.err_incomplete"};
  }
  for (const auto& item : v.documents) {
    if (item.pages.empty()) continue;
    ScannedDocument doc;
    doc.name = item.name;
    for (const auto& p : item.pages) doc.pages.push_back(p.page);
    req.documents.push_back(std::move(doc));
  }
  out.request = std::move(req);
  return out;
}

}  // namespace motcua::kiosk
