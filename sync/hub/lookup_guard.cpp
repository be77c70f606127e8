#include "lookup_guard.hpp"

namespace motcua::hub {

std::int64_t LookupGuard::blocked_for(const std::string& code) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(code);
  if (it == entries_.end()) return 0;
  const auto now = clock_.now();
  if (now - it->second.window_start >= kWindow) {
    entries_.erase(it);
    return 0;
  }
  if (it->second.failures < kMaxFailures) return 0;
  return std::chrono::duration_cast<std::chrono::seconds>(it->second.window_start + kWindow - now).count() + 1;
}

void LookupGuard::record_failure(const std::string& code) {
  std::lock_guard lock(mutex_);
  const auto now = clock_.now();
  // Forget stale entries now and then so the map cannot grow without bound.
  if (entries_.size() > 100000) std::erase_if(entries_, [&](const auto& e) { return now - e.second.window_start >= kWindow; });
  auto& e = entries_[code];
  if (e.failures == 0 || now - e.window_start >= kWindow) {
    e.failures = 0;
    e.window_start = now;
  }
  ++e.failures;
}

void LookupGuard::record_success(const std::string& code) {
  std::lock_guard lock(mutex_);
  entries_.erase(code);
}

}  // namespace motcua::hub
