#include "motcua/domain/lifecycle.hpp"

#include <algorithm>

#include "motcua/calendar/civil_date.hpp"

namespace motcua::domain {

namespace {

using S = DossierStatus;
using A = Actor;

const std::vector<TransitionRule>& table() {
  static const std::vector<TransitionRule> rules = {
      {DossierAction::submit, {}, S::submitted, {A::system, A::staff}, false, true},
      // The one-stop desk receives and checks dossiers (Decree 118/2025 art. on receipt).
      {DossierAction::accept, {S::submitted}, S::accepted, {A::staff, A::official}, false, true},
      {DossierAction::reject, {S::submitted}, S::not_accepted, {A::staff, A::official}, true, true},
      {DossierAction::process, {S::accepted}, S::processing, {A::official}, false, false},
      {DossierAction::request_supplement, {S::accepted, S::processing}, S::supplement_requested,
       {A::staff, A::official}, true, true},
      {DossierAction::receive_supplement, {S::supplement_requested}, S::processing, {A::staff, A::official}, false,
       false},
      {DossierAction::request_payment, {S::processing}, S::payment_requested, {A::official}, true, false},
      {DossierAction::confirm_payment, {S::payment_requested}, S::processing, {A::staff, A::official, A::system},
       false, false},
      {DossierAction::finish, {S::processing}, S::result_ready, {A::official}, false, true},
      {DossierAction::return_result, {S::result_ready}, S::result_returned, {A::staff, A::official}, false, true},
      {DossierAction::withdraw,
       {S::submitted, S::accepted, S::processing, S::supplement_requested, S::payment_requested},
       S::withdrawn,
       {A::citizen, A::staff},
       false,
       true},
      {DossierAction::stop, {S::accepted, S::processing, S::supplement_requested, S::payment_requested}, S::stopped,
       {A::official}, true, true},
      {DossierAction::extend, {S::accepted, S::processing, S::supplement_requested, S::payment_requested},
       std::nullopt, {A::official}, true, true},
  };
  return rules;
}

struct ActionName {
  DossierAction action;
  std::string_view key, vi;
};
constexpr ActionName kNames[] = {
    {DossierAction::submit, "submit", "Nộp hồ sơ"},
    {DossierAction::accept, "accept", "Tiếp nhận hồ sơ"},
    {DossierAction::reject, "reject", "Từ chối tiếp nhận"},
    {DossierAction::process, "process", "Chuyển xử lý"},
    {DossierAction::request_supplement, "request-supplement", "Yêu cầu bổ sung hồ sơ"},
    {DossierAction::receive_supplement, "receive-supplement", "Nhận hồ sơ bổ sung"},
    {DossierAction::request_payment, "request-payment", "Yêu cầu thực hiện nghĩa vụ tài chính"},
    {DossierAction::confirm_payment, "confirm-payment", "Xác nhận đã nộp phí, lệ phí"},
    {DossierAction::finish, "finish", "Đã xử lý xong"},
    {DossierAction::return_result, "return-result", "Trả kết quả"},
    {DossierAction::withdraw, "withdraw", "Rút hồ sơ"},
    {DossierAction::stop, "stop", "Dừng xử lý"},
    {DossierAction::extend, "extend", "Xin lỗi và hẹn lại ngày trả kết quả"},
};

bool is_end(DossierAction a) {
  return a == DossierAction::finish || a == DossierAction::return_result || a == DossierAction::stop ||
         a == DossierAction::reject;
}

std::string list_statuses(const std::vector<DossierStatus>& list) {
  std::string out;
  for (auto s : list) out += (out.empty() ? "" : ", ") + std::to_string(static_cast<int>(s)) + " " + std::string(status_key(s));
  return out;
}

std::string list_actors(const std::vector<Actor>& list) {
  std::string out;
  for (auto a : list) out += (out.empty() ? "" : ", ") + std::string(to_string(a));
  return out;
}

}  // namespace

std::string_view to_string(Actor a) {
  switch (a) {
    case Actor::citizen: return "citizen";
    case Actor::staff: return "staff";
    case Actor::official: return "official";
    case Actor::system: return "system";
  }
  return "system";
}

std::optional<Actor> actor_from_string(std::string_view text) {
  for (auto a : {Actor::citizen, Actor::staff, Actor::official, Actor::system})
    if (to_string(a) == text) return a;
  return std::nullopt;
}

std::string_view action_key(DossierAction action) {
  for (const auto& n : kNames)
    if (n.action == action) return n.key;
  return "?";
}

std::string_view action_label_vi(DossierAction action) {
  for (const auto& n : kNames)
    if (n.action == action) return n.vi;
  return "?";
}

std::optional<DossierAction> action_from_key(std::string_view key) {
  std::string dashed(key);
  std::replace(dashed.begin(), dashed.end(), '_', '-');
  for (const auto& n : kNames)
    if (n.key == dashed) return n.action;
  return std::nullopt;
}

std::span<const TransitionRule> transition_rules() { return table(); }

const TransitionRule& rule_for(DossierAction action) {
  for (const auto& r : table())
    if (r.action == action) return r;
  return table().front();
}

// ---- history

std::optional<DossierStatus> DossierHistory::status() const {
  if (events_.empty()) return std::nullopt;
  return events_.back().status;
}

std::optional<TimePoint> DossierHistory::submitted_at() const {
  for (const auto& e : events_)
    if (e.action == DossierAction::submit) return e.at;
  return std::nullopt;
}

std::optional<TimePoint> DossierHistory::original_appointment() const {
  for (const auto& e : events_)
    if (e.action == DossierAction::accept) return e.appointment;
  return std::nullopt;
}

std::optional<TimePoint> DossierHistory::appointment() const {
  std::optional<TimePoint> out;
  for (const auto& e : events_)
    if ((e.action == DossierAction::accept || e.action == DossierAction::extend) && e.appointment) out = e.appointment;
  return out;
}

std::optional<TimePoint> DossierHistory::finished_at() const {
  for (const auto& e : events_)
    if (is_end(e.action)) return e.at;
  return std::nullopt;
}

std::vector<calendar::Pause> DossierHistory::pauses(TimePoint now) const {
  std::vector<calendar::Pause> out;
  std::optional<TimePoint> open;
  for (const auto& e : events_) {
    if (e.action == DossierAction::request_supplement) {
      open = e.at;
    } else if (open && e.status != DossierStatus::supplement_requested) {
      // Any event that leaves status 5 (supplement received, withdrawal, stop) ends the wait.
      out.push_back({*open, e.at});
      open.reset();
    }
  }
  if (open) out.push_back({*open, now});
  return out;
}

bool DossierHistory::has(DossierAction action) const {
  return std::any_of(events_.begin(), events_.end(), [&](const DossierEvent& e) { return e.action == action; });
}

// ---- decisions

Result<DossierEvent> decide(const DossierHistory& history, const TransitionRequest& req,
                            const std::optional<DueRule>& due_rule) {
  const TransitionRule& rule = rule_for(req.action);
  const auto current = history.status();
  const std::string what(action_key(req.action));

  if (rule.from.empty()) {
    if (current) return fail(Errc::conflict, "the dossier was already submitted");
  } else {
    if (!current) return fail(Errc::conflict, "cannot " + what + " a dossier that was not submitted yet");
    if (std::find(rule.from.begin(), rule.from.end(), *current) == rule.from.end())
      return fail(Errc::conflict, "cannot " + what + " a dossier in status " + std::to_string(static_cast<int>(*current)) +
                                      " (" + std::string(status_key(*current)) + "); allowed from: " +
                                      list_statuses(rule.from));
  }
  if (std::find(rule.actors.begin(), rule.actors.end(), req.actor) == rule.actors.end())
    return fail(Errc::forbidden, "a " + std::string(to_string(req.actor)) + " cannot " + what + " (only " +
                                     list_actors(rule.actors) + ")");
  if (rule.once && history.has(req.action)) {
    if (req.action == DossierAction::request_supplement)
      return fail(Errc::conflict, "a supplement may be requested only once per dossier");
    if (req.action == DossierAction::extend)
      return fail(Errc::conflict, "the appointment may be extended (with an apology) only once");
    return fail(Errc::conflict, "the dossier was already through " + what);
  }
  if (rule.needs_note && (!req.note || req.note->find_first_not_of(" \t\n") == std::string::npos))
    return fail(Errc::invalid_argument, what + " needs a note saying why (" + std::string(action_label_vi(req.action)) + ")");

  DossierEvent e;
  e.at = req.at;
  e.actor = req.actor;
  e.actor_id = req.actor_id;
  e.action = req.action;
  e.status = rule.to ? *rule.to : *current;
  e.note = req.note;

  if (req.action == DossierAction::accept) {
    if (!due_rule || due_rule->working_time == nullptr)
      return fail(Errc::internal, "accepting needs the procedure's processing time to fix the appointment");
    // Counted from when the citizen submitted, the moment printed on the receipt.
    const TimePoint from = history.submitted_at().value_or(req.at);
    auto due = due_rule->working_time->due(from, due_rule->processing);
    if (!due) return fail(due.error());
    e.appointment = *due;
  }
  if (req.action == DossierAction::extend) {
    if (!req.new_appointment) return fail(Errc::invalid_argument, "extend needs the new appointment");
    const auto current_appointment = history.appointment();
    if (current_appointment && *req.new_appointment <= *current_appointment)
      return fail(Errc::invalid_argument, "the new appointment must be later than the current one (" +
                                              format_vietnam(*current_appointment) + ")");
    if (*req.new_appointment <= req.at) return fail(Errc::invalid_argument, "the new appointment must be in the future");
    e.appointment = req.new_appointment;
  }
  return e;
}

// ---- timeliness

std::string_view to_string(Timeliness t) {
  switch (t) {
    case Timeliness::not_applicable: return "not_applicable";
    case Timeliness::not_yet_due: return "not_yet_due";
    case Timeliness::overdue: return "overdue";
    case Timeliness::early: return "early";
    case Timeliness::on_time: return "on_time";
    case Timeliness::late: return "late";
  }
  return "not_applicable";
}

std::string_view label_vi(Timeliness t) {
  switch (t) {
    case Timeliness::not_applicable: return "";
    case Timeliness::not_yet_due: return "Chưa đến hạn";
    case Timeliness::overdue: return "Quá hạn";
    case Timeliness::early: return "Trước hạn";
    case Timeliness::on_time: return "Đúng hạn";
    case Timeliness::late: return "Trễ hạn";
  }
  return "";
}

std::optional<TimePoint> effective_appointment(const DossierHistory& history, TimePoint now,
                                               const calendar::WorkingTime& wt) {
  const auto due = history.original_appointment();
  if (!due) return std::nullopt;
  const TimePoint until = history.finished_at().value_or(now);
  TimePoint::duration waited{0};
  for (const auto& p : history.pauses(until)) waited += wt.working_time_between(p.from, std::min(p.to, until));
  if (waited <= TimePoint::duration::zero()) return due;
  auto extended = wt.advance(*due, waited);
  return extended ? *extended : *due;
}

Timeliness classify(const DossierHistory& history, TimePoint now, const calendar::WorkingTime& wt) {
  const auto status = history.status();
  if (!status || *status == DossierStatus::withdrawn) return Timeliness::not_applicable;
  const auto due = effective_appointment(history, now, wt);
  if (const auto end = history.finished_at()) {
    if (!due) return Timeliness::not_applicable;  // rejected at the desk before acceptance
    if (*end > *due) return Timeliness::late;
    return calendar::vietnam_day_number(*end) < calendar::vietnam_day_number(*due) ? Timeliness::early
                                                                                    : Timeliness::on_time;
  }
  if (!due) return Timeliness::not_applicable;
  return now > *due ? Timeliness::overdue : Timeliness::not_yet_due;
}

Result<calendar::WorkingTime> working_time_for(const Catalog& catalog) {
  auto holidays = calendar::HolidayCalendar::create(catalog.calendar.value_or(calendar::HolidayOverrides{}));
  if (!holidays) return fail(holidays.error());
  return calendar::WorkingTime::create(std::move(*holidays), catalog.working_hours.value_or(calendar::WorkingHours{}));
}

Result<calendar::ProcessingTime> processing_time(const Processing& p) {
  calendar::ProcessingTime t;
  switch (p.kind) {
    case ProcessingKind::same_day: t.unit = calendar::DeadlineUnit::same_day; break;
    case ProcessingKind::working_days: t.unit = calendar::DeadlineUnit::working_days; break;
    case ProcessingKind::days: t.unit = calendar::DeadlineUnit::calendar_days; break;
  }
  t.count = p.days;
  if (t.count < 0) return fail(Errc::invalid_argument, "processing time must not be negative");
  if (p.cutoff) {
    auto c = calendar::parse_time_of_day(*p.cutoff);
    if (!c) return fail(Errc::invalid_argument, "processing cut-off: " + c.error().message);
    t.cutoff = *c;
  }
  return t;
}

}  // namespace motcua::domain
