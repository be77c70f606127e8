#pragma once
// What a service's level allows, per the provincial regulation on the Public
// Service Portal (Decree 43/2011 levels) and the 2022 classification
// (Decree 42/2022: toàn trình / một phần):
//  - level 1–2: information and forms only; the kiosk shows the guide;
//  - level 3 / một phần: submit online; fees at the one-stop desk or by public
//    post; result at the desk or by public post;
//  - level 4 / toàn trình: as level 3, fees online, by bank transfer to the
//    agency's published account, or by public post; result online or by post;
//    digital signatures encouraged — without one, the paper dossier must also be
//    sent by public post.
// Refunds: fee paid and the agency could not perform → refund due; the agency
// performed and the applicant never collected the result → no refund.

#include <optional>
#include <string_view>
#include <vector>

#include "motcua/domain/catalog.hpp"
#include "motcua/domain/dossier.hpp"
#include "motcua/util/error.hpp"

namespace motcua::domain {

enum class PaymentMethod { at_desk, public_post, online, bank_transfer };
enum class ResultDelivery { at_desk, public_post, online };

std::string_view to_string(PaymentMethod m);
std::string_view to_string(ResultDelivery d);
std::optional<PaymentMethod> payment_method_from_string(std::string_view key);
std::optional<ResultDelivery> result_delivery_from_string(std::string_view key);
std::string_view label_vi(PaymentMethod m);
std::string_view label_vi(ResultDelivery d);
std::string_view label_en(PaymentMethod m);
std::string_view label_en(ResultDelivery d);

// The effective online level: 4 for level 4 or toàn trình, 3 for level 3 or
// một phần, otherwise the level given (0 when none).
int effective_level(const Service& service);

struct ChannelRules {
  bool kiosk_accepts = false;              // the kiosk may take a dossier for it
  std::vector<PaymentMethod> payment;      // in the order to offer them
  std::vector<ResultDelivery> delivery;
  bool digital_signature_encouraged = false;
};

ChannelRules channel_rules(const Service& service);
// Checks a citizen's choices against the service's rules, naming what is not offered.
Result<void> check_choices(const Service& service, std::optional<PaymentMethod> payment,
                           std::optional<ResultDelivery> delivery);
// Level 4 submitted without a digital signature: the paper dossier must also
// be sent by public post.
bool paper_dossier_by_post_required(const Service& service, bool digitally_signed);

enum class RefundDecision {
  not_applicable,  // no fee was paid
  refund_due,      // the agency did not or could not perform
  no_refund,       // the agency performed (result ready or returned)
  pending,         // the dossier is still open; decide when it ends
  review,          // withdrawn by the applicant: the law governing the fee decides
};
std::string_view to_string(RefundDecision d);
RefundDecision refund_decision(bool fee_paid, DossierStatus status);

}  // namespace motcua::domain
