#pragma once
// The scanner's device thread. The UI asks for a scan and keeps drawing; the
// page (or a reason it failed) comes back through drain() at the start of a
// frame, and progress through an atomic the progress bar reads.

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <variant>
#include <vector>

#include "devices/scanner.hpp"

namespace motcua::kiosk {

struct ScanFinished {
  std::uint64_t request = 0;
  ScanResult<ScannedPage> result;
};

class ScanService {
 public:
  ScanService(std::unique_ptr<Scanner> scanner, std::function<void()> wake_ui);
  ~ScanService();
  ScanService(const ScanService&) = delete;
  ScanService& operator=(const ScanService&) = delete;

  // Starts a scan unless one is running; returns its request number (or the
  // running one's).
  std::uint64_t start_scan();
  void cancel();
  bool busy() const { return busy_.load(); }
  float progress() const { return progress_.load(); }

  std::vector<ScanFinished> drain();

 private:
  void run(std::stop_token stop);

  std::unique_ptr<Scanner> scanner_;
  std::function<void()> wake_ui_;
  std::atomic<bool> busy_{false};
  std::atomic<bool> cancel_{false};
  std::atomic<float> progress_{0};
  std::mutex mutex_;
  std::condition_variable_any cv_;
  std::optional<std::uint64_t> pending_;
  std::uint64_t next_request_ = 1;
  std::vector<ScanFinished> done_;
  std::jthread thread_;  // last: joins before the members above go away
};

}  // namespace motcua::kiosk
