#include "devices/scan_service.hpp"

#include <cmath>

#include "motcua/util/log.hpp"

namespace motcua::kiosk {

ScanService::ScanService(std::unique_ptr<Scanner> scanner, std::function<void()> wake_ui)
    : scanner_(std::move(scanner)), wake_ui_(std::move(wake_ui)),
      thread_([this](std::stop_token st) { run(st); }) {}

ScanService::~ScanService() {
  cancel_ = true;
  thread_.request_stop();
  cv_.notify_all();
}

std::uint64_t ScanService::start_scan() {
  std::lock_guard lk(mutex_);
  if (busy_) return next_request_ - 1;
  busy_ = true;
  cancel_ = false;
  progress_ = 0;
  pending_ = next_request_++;
  cv_.notify_all();
  return *pending_;
}

void ScanService::cancel() { cancel_ = true; }

std::vector<ScanFinished> ScanService::drain() {
  std::lock_guard lk(mutex_);
  std::vector<ScanFinished> out;
  out.swap(done_);
  return out;
}

void ScanService::run(std::stop_token stop) {
  for (;;) {
    std::uint64_t request = 0;
    {
      std::unique_lock lk(mutex_);
      if (!cv_.wait(lk, stop, [&] { return pending_.has_value(); })) return;
      request = *pending_;
      pending_.reset();
    }
    int last_step = -1;
    auto result = scanner_->scan([&](float f) {
      progress_ = f;
      // Wake the UI a few dozen times per page, not for every buffer.
      const int step = static_cast<int>(std::floor(f * 40));
      if (step != last_step && wake_ui_) wake_ui_();
      last_step = step;
      return !cancel_.load() && !stop.stop_requested();
    });
    if (!result) log::warn("kiosk.scanner", result.error().detail);
    {
      std::lock_guard lk(mutex_);
      done_.push_back(ScanFinished{request, std::move(result)});
      busy_ = false;
    }
    if (wake_ui_) wake_ui_();
  }
}

}  // namespace motcua::kiosk
