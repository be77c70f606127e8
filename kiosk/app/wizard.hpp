#pragma once
// The submit wizard's rules, apart from drawing: which steps a service has,
// what each step checks before the citizen may go on, and the dossier the
// confirmed wizard becomes. No ImGui here: unit tests drive it directly.

#include <optional>
#include <string>
#include <vector>

#include "app/state.hpp"
#include "model/backend.hpp"
#include "motcua/domain/catalog.hpp"
#include "motcua/domain/service_rules.hpp"

namespace motcua::kiosk {

// The steps of a service's wizard in order: the form step only when the
// service has an e-form.
std::vector<SubmitStep> wizard_steps(const domain::Service& service);
// 1-based position of `step` and the number of steps (the progress header).
int step_number(const domain::Service& service, SubmitStep step);
std::optional<SubmitStep> next_step(const domain::Service& service, SubmitStep step);
std::optional<SubmitStep> previous_step(const domain::Service& service, SubmitStep step);

// The document checklist from the service's dossier components.
std::vector<DocumentItem> document_checklist(const domain::Service& service);

// Each check sets the step's error keys (cleared when all is well) and
// returns whether the citizen may go on.
bool check_applicant(SubmitView& v);
bool check_form(SubmitView& v, const domain::Service& service);
bool check_documents(SubmitView& v);
bool check_delivery(SubmitView& v, const domain::Service& service);
bool check_consent(SubmitView& v);

// Whether the chosen payment or delivery goes through the public post (then a
// postal address is needed).
bool needs_postal_address(const SubmitView& v, const domain::Service& service);
// The applicant's name as it goes into the dossier: single spaces, no spaces at the ends.
std::string tidy_name(const std::u32string& name);
// dd/mm/yyyy from the typed digits ("01022019" → "01/02/2019"); partial input
// shows what was typed.
std::string format_birth_date(const std::u32string& digits);
// The form's values as the dossier carries them (hidden fields dropped).
domain::FormValues form_values(const SubmitView& v, const domain::Service& service);

// The confirmed wizard as the worker's submit request: every check passed
// again (a stale step cannot slip through), else the i18n key of what is missing.
struct SubmitBuild {
  std::optional<SubmitRequest> request;
  std::string error;  // i18n key
};
SubmitBuild build_submit(SubmitView& v, const domain::Service& service, std::string_view consent_version,
                         TimePoint now);

// The consent statement's version (docs/privacy.md): the dossier records which
// text the citizen agreed to.
inline constexpr std::string_view kConsentVersion = "2026-11";

}  // namespace motcua::kiosk
