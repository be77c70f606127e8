#pragma once
// Working time and deadlines of administrative procedures.
//
// Decree 118/2025/NĐ-CP and Circular 03/2025/TT-VPCP count processing time in
// working days [ngày làm việc]. The semantics implemented here (docs/calendar.md
// "Working time" has the full text and examples):
//  - Receipt: a dossier received outside working hours — before opening, in the
//    lunch break, after closing, on a weekend or holiday — counts as received at
//    the start of the next working session. With a cut-off ("received after 15:00
//    counts from the next working day") a receipt after the cut-off counts from
//    the first session of the next working day.
//  - N working days: the due moment is the end of the last session of the N-th
//    working day after the day of receipt (Civil Code 2015 arts. 147–148: the first
//    day is not counted; a period ends at the end of its last day). N = 0, a
//    same-day procedure, is due at the end of the day of receipt.
//  - Half days: a half day is one session (morning or afternoon); N half days are
//    due at the end of the N-th session after the session of receipt.
//  - Calendar days: the end of day N after the day of receipt; if that is not a
//    working day, the end of the next working day (Civil Code 2015 art. 148).
//  - Pauses (waiting for the applicant's supplement) stop the clock: the working
//    time inside a pause is added to the due moment.
// All instants are interpreted in Vietnam time (UTC+7).

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "motcua/calendar/holidays.hpp"
#include "motcua/util/clock.hpp"
#include "motcua/util/error.hpp"

namespace motcua {
class Config;
}  // namespace motcua

namespace motcua::calendar {

// One opening period of a working day, in Vietnam local time after midnight.
struct Session {
  std::chrono::minutes start{0};
  std::chrono::minutes end{0};
  friend bool operator==(const Session&, const Session&) = default;
};

// Office hours, the same on every working day. Provinces set their own; the
// default is the common 07:30–11:30 and 13:30–17:00.
struct WorkingHours {
  std::vector<Session> sessions = {{std::chrono::minutes{7 * 60 + 30}, std::chrono::minutes{11 * 60 + 30}},
                                   {std::chrono::minutes{13 * 60 + 30}, std::chrono::minutes{17 * 60}}};
  friend bool operator==(const WorkingHours&, const WorkingHours&) = default;
};

// "15:00" → 900 minutes. Hours 00–24 (24:00 only as a session end), minutes 00–59.
Result<std::chrono::minutes> parse_time_of_day(std::string_view text);
std::string format_time_of_day(std::chrono::minutes time);

// Reads [working_time] sessions = ["07:30-11:30", "13:30-17:00"]; the default
// when absent. Sessions must be ascending and must not overlap.
Result<WorkingHours> working_hours_from_config(const Config& config);
// The same "HH:MM-HH:MM" list form, as the catalog ships it to kiosks.
Result<WorkingHours> parse_sessions(const std::vector<std::string>& sessions);
std::vector<std::string> format_sessions(const WorkingHours& hours);

enum class DeadlineUnit {
  same_day,  // due the day of receipt (count is ignored)
  working_days,
  working_half_days,  // internal step budgets ("0.5 ngày")
  calendar_days,      // "ngày" without "làm việc"
};

// How long a procedure may take, as its catalog entry states it.
struct ProcessingTime {
  DeadlineUnit unit = DeadlineUnit::working_days;
  int count = 0;
  std::optional<std::chrono::minutes> cutoff;  // received later than this counts from the next working day
};

// Time the clock stood still, e.g. from the supplement request [yêu cầu bổ sung]
// to the applicant's supplement. `to` may be "now" for a pause still running.
struct Pause {
  TimePoint from;
  TimePoint to;
};

class WorkingTime {
 public:
  using Duration = TimePoint::duration;

  static Result<WorkingTime> create(HolidayCalendar calendar, WorkingHours hours = {});

  const HolidayCalendar& calendar() const noexcept { return calendar_; }
  const WorkingHours& hours() const noexcept { return hours_; }
  // Working time in one full working day (7 h 30 min by default).
  Duration day_length() const noexcept { return day_length_; }

  // Inside a session of a working day.
  bool is_working_moment(TimePoint t) const noexcept;
  // When counting starts for a receipt at `received` (see the header comment).
  Result<TimePoint> effective_receipt(TimePoint received, std::optional<std::chrono::minutes> cutoff = {}) const;

  // End of the n-th working day after the day of receipt (n = 0: that day).
  Result<TimePoint> add_working_days(TimePoint received, int n) const;
  // End of the n-th session after the session of receipt (n = 0: that session).
  Result<TimePoint> add_working_half_days(TimePoint received, int n) const;
  // The due moment of a procedure received at `received`.
  Result<TimePoint> due(TimePoint received, const ProcessingTime& time) const;
  // As due(), with the working time inside the pauses added. Pauses may come in
  // any order and overlap; the part of a pause before the receipt does not count,
  // and a pause starting after the (extended) due moment does not extend it.
  Result<TimePoint> due_with_pauses(TimePoint received, const ProcessingTime& time,
                                    std::span<const Pause> pauses) const;

  // Working time in [from, to); zero if to <= from.
  Duration working_time_between(TimePoint from, TimePoint to) const noexcept;
  // The earliest instant u >= from with working_time_between(from, u) == amount.
  Result<TimePoint> advance(TimePoint from, Duration amount) const;

 private:
  WorkingTime(HolidayCalendar calendar, WorkingHours hours);
  struct Local {
    DayNumber day;
    Duration time;  // since local midnight
  };
  static Local split(TimePoint t) noexcept;
  Duration working_in_day(Duration from, Duration to) const noexcept;  // within one working day
  Result<TimePoint> end_of_session(DayNumber day, int working_days_after, std::size_t session) const;

  HolidayCalendar calendar_;
  WorkingHours hours_;
  std::vector<Duration> starts_, ends_;  // sessions as durations since midnight
  Duration day_length_{};
};

}  // namespace motcua::calendar
