#pragma once
// What the applicant must do next, in plain words, derived from a status
// lookup: bring or send what the office asked for (5), pay and how (6), collect
// the result and where (9), the reason and where to ask (3, 8), or nothing.
// No ImGui: the status screen draws it, unit tests check it.

#include <optional>
#include <string>
#include <vector>

#include "model/backend.hpp"
#include "motcua/domain/catalog.hpp"
#include "motcua/domain/dossier.hpp"
#include "motcua/domain/service_rules.hpp"

namespace motcua::kiosk {

struct NextStep {
  bool action = false;            // the applicant has something to do
  std::string key;                // i18n key of the instruction ("next.supplement" …)
  std::vector<std::string> ways;  // i18n keys: how to pay / how the result comes
  std::string note;               // what the office wrote (documents, amount, reason)
  bool ask_office = false;        // show the office's address and phone
  bool overdue = false;           // past the appointment and still open
};

std::optional<domain::DossierStatus> status_of(const protocol::StatusView& view);

// The office's latest note for the dossier's current status (the supplement
// list, the amount to pay, the reason for stopping), else the latest note.
std::string current_note(const protocol::StatusView& view);

// payment / delivery: the applicant's choices when known (the receipt, or the
// hub's status view once it carries them); otherwise every way the service's
// level allows is listed (service may be null: then the desk).
NextStep next_step(const LookupResult& result, const domain::Service* service,
                   std::optional<domain::PaymentMethod> payment = std::nullopt,
                   std::optional<domain::ResultDelivery> delivery = std::nullopt);

// The choices recorded for the dossier, if the hub's status view carries them
// (protocol::StatusView::payment_method / result_delivery — asked of the hub
// side; nullopt until then).
std::optional<domain::PaymentMethod> payment_of(const protocol::StatusView& view);
std::optional<domain::ResultDelivery> delivery_of(const protocol::StatusView& view);

}  // namespace motcua::kiosk
