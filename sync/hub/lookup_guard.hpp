#pragma once
// Stops guessing of lookup secrets. A secret has 4 characters of a 31-letter
// alphabet (~920,000 combinations): fine for a printed receipt, too weak against
// unlimited tries. After kMaxFailures wrong secrets for one code within the
// window, that code's lookups are refused (429) until the window passes, so
// guessing one dossier's secret would take years. The price — someone can make a
// code briefly unreachable by failing on purpose — is documented in docs/api.md.

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

#include "motcua/util/clock.hpp"

namespace motcua::hub {

class LookupGuard {
 public:
  static constexpr int kMaxFailures = 5;
  static constexpr std::chrono::minutes kWindow{15};

  explicit LookupGuard(const Clock& clock) : clock_(clock) {}

  // Seconds until lookups of this code are allowed again; 0 when allowed now.
  std::int64_t blocked_for(const std::string& code);
  void record_failure(const std::string& code);
  void record_success(const std::string& code);

 private:
  struct Entry {
    int failures = 0;
    TimePoint window_start;
  };
  const Clock& clock_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace motcua::hub
