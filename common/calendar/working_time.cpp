#include "motcua/calendar/working_time.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "motcua/util/config.hpp"

namespace motcua::calendar {

namespace {
namespace chr = std::chrono;

// Longer than the whole calendar (300 years): refused before any arithmetic can overflow.
constexpr int kMaxCount = 300 * 366;

Error beyond_calendar(TimePoint t) {
  return Error{Errc::invalid_argument,
               "the deadline from " + format_vietnam(t) + " falls outside the working calendar (1900–2199)"};
}

bool two_digits(std::string_view s, int& out) {
  if (s.size() != 2 || s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9') return false;
  out = (s[0] - '0') * 10 + (s[1] - '0');
  return true;
}
}  // namespace

Result<chr::minutes> parse_time_of_day(std::string_view text) {
  int h = 0, m = 0;
  if (text.size() != 5 || text[2] != ':' || !two_digits(text.substr(0, 2), h) || !two_digits(text.substr(3, 2), m) ||
      m > 59 || h > 24 || (h == 24 && m != 0))
    return fail(Errc::invalid_argument, "time \"" + std::string(text) + "\" must be written HH:MM (e.g. 15:00)");
  return chr::minutes{h * 60 + m};
}

std::string format_time_of_day(chr::minutes time) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d", static_cast<int>(time.count() / 60), static_cast<int>(time.count() % 60));
  return buf;
}

Result<WorkingHours> working_hours_from_config(const Config& config) {
  const toml::node_view<const toml::node> node = config.table().at_path("working_time.sessions");
  if (!node) return WorkingHours{};
  const auto* list = node.as_array();
  if (!list || list->empty())
    return fail(Errc::invalid_argument,
                "working_time.sessions must be a list such as [\"07:30-11:30\", \"13:30-17:00\"]");
  std::vector<std::string> texts;
  for (const toml::node& item : *list) {
    const auto text = item.value<std::string>();
    if (!text)
      return fail(Errc::invalid_argument,
                  "working_time.sessions: each session is \"HH:MM-HH:MM\" (e.g. \"07:30-11:30\")");
    texts.push_back(*text);
  }
  auto hours = parse_sessions(texts);
  if (!hours) return fail(Errc::invalid_argument, "working_time.sessions: " + hours.error().message);
  return hours;
}

Result<WorkingHours> parse_sessions(const std::vector<std::string>& sessions) {
  if (sessions.empty()) return fail(Errc::invalid_argument, "at least one session is needed");
  WorkingHours hours;
  hours.sessions.clear();
  for (const auto& text : sessions) {
    const auto dash = text.find('-');
    if (dash == std::string::npos)
      return fail(Errc::invalid_argument, "each session is \"HH:MM-HH:MM\" (e.g. \"07:30-11:30\"), not \"" + text + "\"");
    auto start = parse_time_of_day(std::string_view(text).substr(0, dash));
    auto end = parse_time_of_day(std::string_view(text).substr(dash + 1));
    if (!start) return fail(start.error());
    if (!end) return fail(end.error());
    hours.sessions.push_back({*start, *end});
  }
  return hours;
}

std::vector<std::string> format_sessions(const WorkingHours& hours) {
  std::vector<std::string> out;
  for (const auto& s : hours.sessions) out.push_back(format_time_of_day(s.start) + "-" + format_time_of_day(s.end));
  return out;
}

Result<WorkingTime> WorkingTime::create(HolidayCalendar calendar, WorkingHours hours) {
  if (hours.sessions.empty()) return fail(Errc::invalid_argument, "working hours need at least one session");
  chr::minutes previous_end{0};
  for (const Session& s : hours.sessions) {
    const std::string shown = format_time_of_day(s.start) + "-" + format_time_of_day(s.end);
    if (s.start < chr::minutes{0} || s.end > chr::hours{24} || s.start >= s.end)
      return fail(Errc::invalid_argument, "session " + shown + " must start before it ends, within the day");
    if (s.start < previous_end)
      return fail(Errc::invalid_argument, "session " + shown + " overlaps or comes before the session before it");
    previous_end = s.end;
  }
  return WorkingTime(std::move(calendar), std::move(hours));
}

WorkingTime::WorkingTime(HolidayCalendar calendar, WorkingHours hours)
    : calendar_(std::move(calendar)), hours_(std::move(hours)) {
  for (const Session& s : hours_.sessions) {
    starts_.push_back(s.start);
    ends_.push_back(s.end);
    day_length_ += s.end - s.start;
  }
}

WorkingTime::Local WorkingTime::split(TimePoint t) noexcept {
  const Duration local = t.time_since_epoch() + kVietnamOffset;
  const auto day = chr::floor<chr::days>(local);
  return {static_cast<DayNumber>(day.count()), local - day};
}

WorkingTime::Duration WorkingTime::working_in_day(Duration from, Duration to) const noexcept {
  Duration total{};
  for (std::size_t i = 0; i < starts_.size(); ++i) {
    const Duration a = std::max(from, starts_[i]), b = std::min(to, ends_[i]);
    if (a < b) total += b - a;
  }
  return total;
}

bool WorkingTime::is_working_moment(TimePoint t) const noexcept {
  const Local l = split(t);
  if (!calendar_.is_working_day(l.day)) return false;
  for (std::size_t i = 0; i < starts_.size(); ++i)
    if (l.time >= starts_[i] && l.time < ends_[i]) return true;
  return false;
}

Result<TimePoint> WorkingTime::effective_receipt(TimePoint received, std::optional<chr::minutes> cutoff) const {
  const Local l = split(received);
  // "Received after 15:00" is strictly after: 15:00:00 itself still counts today.
  if (calendar_.is_working_day(l.day) && (!cutoff || l.time <= *cutoff)) {
    for (std::size_t i = 0; i < starts_.size(); ++i)
      if (l.time < ends_[i]) return vietnam_instant(l.day, std::max(l.time, starts_[i]));
  }
  const auto next = calendar_.nth_working_day_after(l.day, 1);
  if (!next) return fail(beyond_calendar(received));
  return vietnam_instant(*next, starts_.front());
}

Result<TimePoint> WorkingTime::end_of_session(DayNumber day, int working_days_after, std::size_t session) const {
  const auto target = calendar_.nth_working_day_after(day, working_days_after);
  if (!target) return fail(beyond_calendar(vietnam_instant(day)));
  return vietnam_instant(*target, ends_[session]);
}

Result<TimePoint> WorkingTime::add_working_days(TimePoint received, int n) const {
  return due(received, ProcessingTime{DeadlineUnit::working_days, n, std::nullopt});
}

Result<TimePoint> WorkingTime::add_working_half_days(TimePoint received, int n) const {
  return due(received, ProcessingTime{DeadlineUnit::working_half_days, n, std::nullopt});
}

Result<TimePoint> WorkingTime::due(TimePoint received, const ProcessingTime& time) const {
  if (time.count < 0)
    return fail(Errc::invalid_argument, "a processing time cannot be negative (" + std::to_string(time.count) + ")");
  if (time.count > kMaxCount)
    return fail(Errc::invalid_argument, "a processing time of " + std::to_string(time.count) +
                                            " days runs past the working calendar (1900–2199)");
  const auto start = effective_receipt(received, time.cutoff);
  if (!start) return fail(start.error());
  const Local l = split(*start);  // always inside a session of a working day
  const std::size_t last = ends_.size() - 1;
  switch (time.unit) {
    case DeadlineUnit::same_day: return end_of_session(l.day, 0, last);
    case DeadlineUnit::working_days: return end_of_session(l.day, time.count, last);
    case DeadlineUnit::working_half_days: {
      std::size_t session = 0;
      while (session < last && l.time >= ends_[session]) ++session;
      const std::size_t total = session + static_cast<std::size_t>(time.count);
      return end_of_session(l.day, static_cast<int>(total / ends_.size()), total % ends_.size());
    }
    case DeadlineUnit::calendar_days: {
      const DayNumber target = l.day + time.count;
      // A period ending on a rest day or holiday ends with the next working day.
      return end_of_session(target, calendar_.is_working_day(target) ? 0 : 1, last);
    }
  }
  return fail(Errc::internal, "unknown deadline unit");
}

WorkingTime::Duration WorkingTime::working_time_between(TimePoint from, TimePoint to) const noexcept {
  if (to <= from) return {};
  const Local a = split(from), b = split(to);
  if (a.day == b.day) return calendar_.is_working_day(a.day) ? working_in_day(a.time, b.time) : Duration{};
  Duration total{};
  if (calendar_.is_working_day(a.day)) total += working_in_day(a.time, chr::hours{24});
  if (calendar_.is_working_day(b.day)) total += working_in_day(Duration{}, b.time);
  total += day_length_ * calendar_.working_days_between(a.day + 1, b.day);
  return total;
}

Result<TimePoint> WorkingTime::advance(TimePoint from, Duration amount) const {
  if (amount < Duration{}) return fail(Errc::invalid_argument, "cannot advance by a negative working time");
  if (amount == Duration{}) return from;
  const Local l = split(from);
  if (calendar_.is_working_day(l.day)) {
    for (std::size_t i = 0; i < starts_.size(); ++i) {
      if (ends_[i] <= l.time) continue;
      const Duration begin = std::max(l.time, starts_[i]);
      const Duration available = ends_[i] - begin;
      if (amount <= available) return vietnam_instant(l.day, begin + amount);
      amount -= available;
    }
  }
  // Whole working days, then the rest inside the following one.
  if (amount / day_length_ > kMaxCount) return fail(beyond_calendar(from));
  const auto whole = static_cast<int>(amount / day_length_);
  Duration rest = amount % day_length_;
  if (rest == Duration{}) return end_of_session(l.day, whole, ends_.size() - 1);
  const auto day = calendar_.nth_working_day_after(l.day, whole + 1);
  if (!day) return fail(beyond_calendar(from));
  for (std::size_t i = 0; i < starts_.size(); ++i) {
    const Duration length = ends_[i] - starts_[i];
    if (rest <= length) return vietnam_instant(*day, starts_[i] + rest);
    rest -= length;
  }
  return fail(Errc::internal, "advance: working time left over after a full day");
}

Result<TimePoint> WorkingTime::due_with_pauses(TimePoint received, const ProcessingTime& time,
                                               std::span<const Pause> pauses) const {
  auto due_at = due(received, time);
  if (!due_at) return due_at;
  for (const Pause& p : pauses)
    if (p.to < p.from)
      return fail(Errc::invalid_argument, "a pause cannot end (" + format_vietnam(p.to) + ") before it starts (" +
                                              format_vietnam(p.from) + ")");
  if (pauses.empty()) return due_at;
  const auto start = effective_receipt(received, time.cutoff);
  if (!start) return fail(start.error());
  std::vector<Pause> sorted(pauses.begin(), pauses.end());
  std::sort(sorted.begin(), sorted.end(), [](const Pause& a, const Pause& b) { return a.from < b.from; });
  // Merge overlaps so shared time is not counted twice.
  std::vector<Pause> merged;
  for (const Pause& p : sorted) {
    if (!merged.empty() && p.from <= merged.back().to)
      merged.back().to = std::max(merged.back().to, p.to);
    else
      merged.push_back(p);
  }
  for (const Pause& p : merged) {
    const TimePoint from = std::max(p.from, *start);
    if (from >= p.to) continue;  // entirely before counting started
    if (from >= *due_at) break;  // the deadline had already passed
    due_at = advance(*due_at, working_time_between(from, p.to));
    if (!due_at) return due_at;
  }
  return due_at;
}

}  // namespace motcua::calendar
