#include "motcua/domain/service_rules.hpp"

#include <algorithm>

namespace motcua::domain {

std::string_view to_string(PaymentMethod m) {
  switch (m) {
    case PaymentMethod::at_desk: return "at_desk";
    case PaymentMethod::public_post: return "public_post";
    case PaymentMethod::online: return "online";
    case PaymentMethod::bank_transfer: return "bank_transfer";
  }
  return "at_desk";
}

std::string_view to_string(ResultDelivery d) {
  switch (d) {
    case ResultDelivery::at_desk: return "at_desk";
    case ResultDelivery::public_post: return "public_post";
    case ResultDelivery::online: return "online";
  }
  return "at_desk";
}

std::string_view label_vi(PaymentMethod m) {
  switch (m) {
    case PaymentMethod::at_desk: return "Nộp tại Bộ phận một cửa";
    case PaymentMethod::public_post: return "Nộp qua dịch vụ bưu chính công ích";
    case PaymentMethod::online: return "Thanh toán trực tuyến";
    case PaymentMethod::bank_transfer: return "Chuyển khoản vào tài khoản của cơ quan";
  }
  return "";
}

std::string_view label_en(PaymentMethod m) {
  switch (m) {
    case PaymentMethod::at_desk: return "Pay at the one-stop desk";
    case PaymentMethod::public_post: return "Pay through the public postal service";
    case PaymentMethod::online: return "Pay online";
    case PaymentMethod::bank_transfer: return "Bank transfer to the agency's account";
  }
  return "";
}

std::string_view label_vi(ResultDelivery d) {
  switch (d) {
    case ResultDelivery::at_desk: return "Nhận tại Bộ phận một cửa";
    case ResultDelivery::public_post: return "Nhận qua dịch vụ bưu chính công ích";
    case ResultDelivery::online: return "Nhận trực tuyến";
  }
  return "";
}

std::string_view label_en(ResultDelivery d) {
  switch (d) {
    case ResultDelivery::at_desk: return "Collect at the one-stop desk";
    case ResultDelivery::public_post: return "By public postal service";
    case ResultDelivery::online: return "Online";
  }
  return "";
}

std::optional<PaymentMethod> payment_method_from_string(std::string_view key) {
  for (auto m : {PaymentMethod::at_desk, PaymentMethod::public_post, PaymentMethod::online, PaymentMethod::bank_transfer})
    if (to_string(m) == key) return m;
  return std::nullopt;
}

std::optional<ResultDelivery> result_delivery_from_string(std::string_view key) {
  for (auto d : {ResultDelivery::at_desk, ResultDelivery::public_post, ResultDelivery::online})
    if (to_string(d) == key) return d;
  return std::nullopt;
}

int effective_level(const Service& s) {
  if ((s.level && *s.level >= 4) || s.online_scope == OnlineScope::full) return 4;
  if ((s.level && *s.level == 3) || s.online_scope == OnlineScope::partial) return 3;
  return s.level.value_or(0);
}

ChannelRules channel_rules(const Service& s) {
  ChannelRules r;
  switch (effective_level(s)) {
    case 4:
      r.kiosk_accepts = true;
      r.payment = {PaymentMethod::online, PaymentMethod::bank_transfer, PaymentMethod::public_post};
      r.delivery = {ResultDelivery::online, ResultDelivery::public_post};
      r.digital_signature_encouraged = true;
      break;
    case 3:
      r.kiosk_accepts = true;
      r.payment = {PaymentMethod::at_desk, PaymentMethod::public_post};
      r.delivery = {ResultDelivery::at_desk, ResultDelivery::public_post};
      break;
    default:
      break;  // guide only
  }
  return r;
}

Result<void> check_choices(const Service& s, std::optional<PaymentMethod> payment,
                           std::optional<ResultDelivery> delivery) {
  const auto rules = channel_rules(s);
  const std::string level = "level " + std::to_string(effective_level(s));
  if (payment && std::find(rules.payment.begin(), rules.payment.end(), *payment) == rules.payment.end())
    return fail(Errc::invalid_argument, "fee payment \"" + std::string(to_string(*payment)) + "\" is not offered for " +
                                            level + " service " + s.code);
  if (delivery && std::find(rules.delivery.begin(), rules.delivery.end(), *delivery) == rules.delivery.end())
    return fail(Errc::invalid_argument, "result delivery \"" + std::string(to_string(*delivery)) +
                                            "\" is not offered for " + level + " service " + s.code);
  return {};
}

bool paper_dossier_by_post_required(const Service& s, bool digitally_signed) {
  return effective_level(s) == 4 && !digitally_signed;
}

std::string_view to_string(RefundDecision d) {
  switch (d) {
    case RefundDecision::not_applicable: return "not_applicable";
    case RefundDecision::refund_due: return "refund_due";
    case RefundDecision::no_refund: return "no_refund";
    case RefundDecision::pending: return "pending";
    case RefundDecision::review: return "review";
  }
  return "not_applicable";
}

RefundDecision refund_decision(bool fee_paid, DossierStatus status) {
  if (!fee_paid) return RefundDecision::not_applicable;
  switch (status) {
    case DossierStatus::not_accepted:
    case DossierStatus::stopped:
      return RefundDecision::refund_due;
    case DossierStatus::result_ready:
    case DossierStatus::result_returned:
      return RefundDecision::no_refund;  // performed; not collecting it is the applicant's choice
    case DossierStatus::withdrawn:
      return RefundDecision::review;
    default:
      return RefundDecision::pending;
  }
}

}  // namespace motcua::domain
