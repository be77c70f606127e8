#include "app/next_step.hpp"

namespace motcua::kiosk {

namespace {

template <class View>
std::optional<std::string> member_payment(const View& v) {
  if constexpr (requires { v.payment_method; }) {
    if (v.payment_method) return std::string(*v.payment_method);
  }
  return std::nullopt;
}

template <class View>
std::optional<std::string> member_delivery(const View& v) {
  if constexpr (requires { v.result_delivery; }) {
    if (v.result_delivery) return std::string(*v.result_delivery);
  }
  return std::nullopt;
}

std::string pay_key(domain::PaymentMethod m) { return "next.pay." + std::string(domain::to_string(m)); }
std::string collect_key(domain::ResultDelivery d) { return "next.collect." + std::string(domain::to_string(d)); }

}  // namespace

std::optional<domain::PaymentMethod> payment_of(const protocol::StatusView& view) {
  if (auto key = member_payment(view)) return domain::payment_method_from_string(*key);
  return std::nullopt;
}

std::optional<domain::ResultDelivery> delivery_of(const protocol::StatusView& view) {
  if (auto key = member_delivery(view)) return domain::result_delivery_from_string(*key);
  return std::nullopt;
}

std::optional<domain::DossierStatus> status_of(const protocol::StatusView& v) {
  if (auto s = domain::status_from_int(v.status_code)) return s;
  return domain::status_from_key(v.status);
}

std::string current_note(const protocol::StatusView& v) {
  for (auto it = v.events.rbegin(); it != v.events.rend(); ++it)
    if (it->status == v.status && it->note && !it->note->empty()) return *it->note;
  for (auto it = v.events.rbegin(); it != v.events.rend(); ++it)
    if (it->note && !it->note->empty()) return *it->note;
  return {};
}

NextStep next_step(const LookupResult& r, const domain::Service* service,
                   std::optional<domain::PaymentMethod> payment, std::optional<domain::ResultDelivery> delivery) {
  NextStep n;
  if (r.local_state || r.source == LookupSource::outbox) {
    n.key = "next.local";
    return n;
  }
  const auto status = status_of(r.view);
  if (!status) {
    n.key = "next.unknown";
    n.ask_office = true;
    return n;
  }
  if (!payment) payment = payment_of(r.view);
  if (!delivery) delivery = delivery_of(r.view);
  const domain::ChannelRules rules = service ? domain::channel_rules(*service) : domain::ChannelRules{};
  using S = domain::DossierStatus;
  switch (*status) {
    case S::submitted: n.key = "next.submitted"; break;
    case S::accepted:
    case S::processing: n.key = "next.processing"; break;
    case S::not_accepted:
      n.key = "next.not_accepted";
      n.note = current_note(r.view);
      n.ask_office = true;
      break;
    case S::supplement_requested:
      n.key = "next.supplement";
      n.action = true;
      n.note = current_note(r.view);
      n.ask_office = true;
      break;
    case S::payment_requested:
      n.key = "next.payment";
      n.action = true;
      n.note = current_note(r.view);
      if (payment) {
        n.ways.push_back(pay_key(*payment));
      } else if (!rules.payment.empty()) {
        for (auto m : rules.payment) n.ways.push_back(pay_key(m));
      } else {
        n.ways.push_back(pay_key(domain::PaymentMethod::at_desk));
      }
      break;
    case S::withdrawn: n.key = "next.withdrawn"; break;
    case S::stopped:
      n.key = "next.stopped";
      n.note = current_note(r.view);
      n.ask_office = true;
      break;
    case S::result_ready:
      n.key = "next.result_ready";
      n.action = true;
      if (delivery) {
        n.ways.push_back(collect_key(*delivery));
      } else if (!rules.delivery.empty()) {
        for (auto d : rules.delivery) n.ways.push_back(collect_key(d));
      } else {
        n.ways.push_back(collect_key(domain::ResultDelivery::at_desk));
      }
      break;
    case S::result_returned: n.key = "next.returned"; break;
  }
  n.overdue = r.view.timeliness == "overdue";
  if (n.overdue) n.ask_office = true;
  return n;
}

}  // namespace motcua::kiosk
