#pragma once
// The dossier lifecycle over the national status codes 1–10 (DOMAIN.md), as a
// table of transitions with who may make each, and the rules around them:
//  - accepting fixes the appointment [ngày hẹn trả] from the procedure's
//    processing time, counted from the moment the citizen submitted;
//  - a supplement request [yêu cầu bổ sung] may be made once; the time the dossier
//    waits for the applicant is excluded from the processing time;
//  - rejection [từ chối] (Circular 03/2025 form 03) and stopping [dừng xử lý]
//    (form 05) need a reason; withdrawal [rút hồ sơ] is the citizen's;
//  - late handling: one written apology with a new appointment (form 04);
//  - every transition is an event with actor, time and note.
// Timeliness (early / on time / late; not yet due / overdue) is computed from
// the events alone, so it can be recomputed for any past moment.

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "motcua/calendar/working_time.hpp"
#include "motcua/domain/catalog.hpp"
#include "motcua/domain/dossier.hpp"
#include "motcua/util/clock.hpp"
#include "motcua/util/error.hpp"

namespace motcua::domain {

enum class Actor {
  citizen,   // the applicant (at the kiosk, or at the desk through staff)
  staff,     // commune one-stop desk staff [công chức Bộ phận một cửa]
  official,  // the official handling the dossier [cán bộ xử lý]
  system,    // a kiosk or the hub itself
};
std::string_view to_string(Actor actor);
std::optional<Actor> actor_from_string(std::string_view text);

enum class DossierAction {
  submit,              // (local) → 1, the kiosk seals the dossier on the hub
  accept,              // 1 → 2, fixes the appointment
  reject,              // 1 → 3, reason required
  process,             // 2 → 4
  request_supplement,  // 2|4 → 5, once, what is missing required; the clock stops
  receive_supplement,  // 5 → 4, the clock runs again
  request_payment,     // 4 → 6, fees or taxes to pay [nghĩa vụ tài chính]
  confirm_payment,     // 6 → 4
  finish,              // 4 → 9, result ready
  return_result,       // 9 → 10
  withdraw,            // 1|2|4|5|6 → 7, the applicant withdraws
  stop,                // 2|4|5|6 → 8, reason required
  extend,              // open dossier, status unchanged: apology + new appointment, once
};
std::string_view action_key(DossierAction action);  // "request-supplement"
std::optional<DossierAction> action_from_key(std::string_view key);  // accepts '_' too
std::string_view action_label_vi(DossierAction action);

struct TransitionRule {
  DossierAction action;
  std::vector<DossierStatus> from;  // empty for submit (from the kiosk's local states)
  std::optional<DossierStatus> to;  // nullopt: status unchanged (extend)
  std::vector<Actor> actors;
  bool needs_note = false;
  bool once = false;
};
// The whole table, for documentation and for tests that walk it.
std::span<const TransitionRule> transition_rules();
const TransitionRule& rule_for(DossierAction action);

struct DossierEvent {
  TimePoint at;
  Actor actor = Actor::system;
  std::string actor_id;  // "kiosk:KIOSK-01", "admin", a user name
  DossierAction action = DossierAction::submit;
  DossierStatus status = DossierStatus::submitted;  // after the event
  std::optional<std::string> note;
  std::optional<TimePoint> appointment;  // set by accept and extend
};

// A dossier's events in order, and what follows from them.
class DossierHistory {
 public:
  DossierHistory() = default;
  explicit DossierHistory(std::vector<DossierEvent> events) : events_(std::move(events)) {}

  const std::vector<DossierEvent>& events() const { return events_; }
  void append(DossierEvent e) { events_.push_back(std::move(e)); }

  std::optional<DossierStatus> status() const;  // nullopt before submit
  std::optional<TimePoint> submitted_at() const;
  // The appointment fixed at acceptance, and the one in force (after an extension).
  std::optional<TimePoint> original_appointment() const;
  std::optional<TimePoint> appointment() const;
  // When the agency's work ended: first of result ready, returned, stopped, not accepted.
  std::optional<TimePoint> finished_at() const;
  // Waiting for the applicant's supplement; an open pause ends at `now`.
  std::vector<calendar::Pause> pauses(TimePoint now) const;
  bool has(DossierAction action) const;

 private:
  std::vector<DossierEvent> events_;
};

struct TransitionRequest {
  DossierAction action;
  Actor actor = Actor::official;
  std::string actor_id;
  std::optional<std::string> note;
  TimePoint at;
  std::optional<TimePoint> new_appointment;  // extend
};

// What accepting needs to fix the appointment.
struct DueRule {
  const calendar::WorkingTime* working_time = nullptr;
  calendar::ProcessingTime processing;
};

// Checks the request against the table and the history and returns the event
// to append, or an error that says what is not allowed and why (Errc::conflict
// for a transition the current status does not allow, Errc::forbidden for the
// wrong actor, Errc::invalid_argument for a missing reason or appointment).
Result<DossierEvent> decide(const DossierHistory& history, const TransitionRequest& request,
                            const std::optional<DueRule>& due_rule = std::nullopt);

enum class Timeliness {
  not_applicable,  // not yet accepted (no appointment), or withdrawn
  not_yet_due,     // open, appointment not passed
  overdue,         // open, appointment passed [quá hạn]
  early,           // finished before the appointment's day [trước hạn]
  on_time,         // finished on the appointment's day, not after it [đúng hạn]
  late,            // finished after the appointment [trễ hạn]
};
std::string_view to_string(Timeliness t);
std::string_view label_vi(Timeliness t);

// Against the original appointment extended by the working time spent waiting
// for the applicant's supplement; an extension (apology) does not make a late
// dossier on time — it is still counted late, as the rules intend.
Timeliness classify(const DossierHistory& history, TimePoint now, const calendar::WorkingTime& working_time);
// The appointment including supplement waiting time so far.
std::optional<TimePoint> effective_appointment(const DossierHistory& history, TimePoint now,
                                               const calendar::WorkingTime& working_time);

// The working-time calendar a catalog implies: holiday rules plus its overrides,
// default office hours.
Result<calendar::WorkingTime> working_time_for(const Catalog& catalog);

// Catalog processing → working-time rule (same_day / working_days / calendar days, cut-off).
Result<calendar::ProcessingTime> processing_time(const Processing& processing);

}  // namespace motcua::domain
