#pragma once
// Time is injected so tests control it.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace motcua {

using TimePoint = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::now(); }
};

// A clock that only moves when told to.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start) : now_(start.time_since_epoch().count()) {}
  TimePoint now() const override { return TimePoint(TimePoint::duration(now_.load())); }
  void set(TimePoint t) { now_ = t.time_since_epoch().count(); }
  void advance(std::chrono::milliseconds d) {
    now_ += std::chrono::duration_cast<TimePoint::duration>(d).count();
  }

 private:
  std::atomic<TimePoint::rep> now_;
};

std::int64_t unix_millis(TimePoint t);
TimePoint from_unix_millis(std::int64_t ms);

// RFC 3339 in UTC with milliseconds: 2026-11-30T04:43:24.123Z
std::string format_utc(TimePoint t);
// RFC 3339 in Vietnam time (UTC+7, no DST): 2026-11-30T11:43:24+07:00
std::string format_vietnam(TimePoint t);
// Parses RFC 3339 with 'Z' or a numeric offset; false on malformed input.
bool parse_rfc3339(const std::string& text, TimePoint& out);

// Civil date/time in Vietnam (UTC+7), the time zone of every deadline.
struct VietnamTime {
  int year, month, day, hour, minute, second;
};
VietnamTime to_vietnam(TimePoint t);

}  // namespace motcua
