#include "devices/scan_service.hpp"

#include <atomic>
#include <cmath>
#include <ctime>
#include <condition_variable>
#include <mutex>
#include <utility>

#include "motcua/util/log.hpp"

namespace motcua::kiosk {

namespace {
constexpr std::string_view kLog = "kiosk.scanner";
using SteadyClock = std::chrono::steady_clock;

std::chrono::microseconds thread_cpu_time() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return std::chrono::seconds(ts.tv_sec) + std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::nanoseconds(ts.tv_nsec));
}
}  // namespace

ScanResult<ScannedPage> process_page(const RawPage& raw, const document::CompressOptions& options) {
  const document::PageView view{raw.pixels, raw.width, raw.height, raw.channels, raw.dpi};
  auto compressed = document::compress_page(view, options);
  if (!compressed) return tl::unexpected(ScanError{ScanErrorKind::failed, compressed.error().describe()});
  ScannedPage page;
  page.width = compressed->width;
  page.height = compressed->height;
  page.dpi = compressed->dpi;
  page.channels = compressed->channels;
  page.jpeg = std::move(compressed->jpeg);
  page.quality = compressed->quality;
  page.within_target = compressed->within_target;
  page.scanned_dpi = raw.dpi;
  page.preview_width = compressed->preview_width;
  page.preview_height = compressed->preview_height;
  page.preview_rgb = std::move(compressed->preview_rgb);
  return page;
}

// Everything both threads touch. The threads hold it by shared_ptr, so a
// device thread stuck in a driver can be detached and outlive the service.
struct ScanService::Shared {
  std::unique_ptr<Scanner> scanner;
  ScanServiceOptions options;

  std::mutex wake_mutex;
  std::function<void()> wake;  // cleared by the destructor: the UI may be gone

  mutable std::mutex mutex;
  std::condition_variable_any cv;
  std::optional<std::pair<std::uint64_t, ScanRequest>> pending;
  bool probe_pending = true;
  std::uint64_t next_request = 1;
  std::uint64_t running = 0;    // the request on the device thread; 0 none
  int published = 0;            // its pages delivered so far
  std::uint64_t abandoned = 0;  // a cancelled request the device did not finish within the grace
  std::optional<SteadyClock::time_point> cancel_at;
  std::vector<ScanEvent> events;
  ScanProgress progress;
  std::optional<std::vector<ScanSource>> sources;
  bool exited = false;
  std::atomic<std::uint64_t> cancelled{0};  // the running request the UI cancelled

  void notify() {
    std::lock_guard lk(wake_mutex);
    if (wake) wake();
  }

  bool stuck() const { return abandoned != 0 && running == abandoned; }

  void device_loop(std::stop_token stop);
  void run_request(std::uint64_t id, const ScanRequest& request, std::stop_token stop);
  void watchdog_loop(std::stop_token stop);
};

ScanService::ScanService(std::unique_ptr<Scanner> scanner, std::function<void()> wake_ui, ScanServiceOptions options)
    : shared_(std::make_shared<Shared>()) {
  shared_->scanner = std::move(scanner);
  shared_->options = options;
  shared_->wake = std::move(wake_ui);
  watchdog_ = std::jthread([s = shared_](std::stop_token st) { s->watchdog_loop(st); });
  device_ = std::jthread([s = shared_](std::stop_token st) { s->device_loop(st); });
}

ScanService::~ScanService() {
  {
    std::lock_guard lk(shared_->wake_mutex);
    shared_->wake = nullptr;
  }
  device_.request_stop();
  watchdog_.request_stop();
  shared_->cv.notify_all();
  watchdog_.join();
  bool exited = false;
  {
    std::unique_lock lk(shared_->mutex);
    exited = shared_->cv.wait_for(lk, shared_->options.cancel_grace, [&] { return shared_->exited; });
  }
  if (exited) {
    device_.join();
  } else {
    // The driver does not return: leave its thread behind rather than hang
    // the kiosk's shutdown. It holds the shared state, not this object.
    log::warn(kLog, "scanner thread did not stop; detached");
    device_.detach();
  }
}

std::uint64_t ScanService::start_scan(ScanRequest request) {
  bool refused = false;
  std::uint64_t id = 0;
  {
    std::lock_guard lk(shared_->mutex);
    if (shared_->pending) return shared_->pending->first;
    // A running request returns its number, unless it is being cancelled: then
    // the new one waits behind it (a rescan right after a cancel).
    if (shared_->running && !shared_->stuck() && shared_->cancelled != shared_->running) return shared_->running;
    id = shared_->next_request++;
    if (shared_->stuck()) {
      // Still inside the driver since an abandoned cancel: say so now rather
      // than leave the citizen watching a scan that cannot start.
      shared_->events.emplace_back(std::in_place_type<ScanDone>, id, 0,
                                   ScanError{ScanErrorKind::busy, "the scanner has not stopped the last scan yet"});
      refused = true;
    } else {
      shared_->progress = ScanProgress{ScanPhase::scanning, 0, 0};
      shared_->pending.emplace(id, std::move(request));
      shared_->cv.notify_all();
    }
  }
  if (refused) shared_->notify();
  return id;
}

void ScanService::cancel() {
  bool notify = false;
  {
    std::lock_guard lk(shared_->mutex);
    if (shared_->pending) {  // not started yet: ends here
      shared_->events.emplace_back(std::in_place_type<ScanDone>, shared_->pending->first, 0,
                                   ScanError{ScanErrorKind::cancelled, "cancelled before it started"});
      shared_->pending.reset();
      shared_->progress = ScanProgress{};
      notify = true;
    }
    if (shared_->running && !shared_->stuck()) {
      shared_->cancelled = shared_->running;
      if (!shared_->cancel_at) shared_->cancel_at = SteadyClock::now();
      shared_->cv.notify_all();
    }
  }
  if (notify) shared_->notify();
}

bool ScanService::busy() const {
  std::lock_guard lk(shared_->mutex);
  return shared_->pending.has_value() || (shared_->running != 0 && !shared_->stuck());
}

ScanProgress ScanService::progress() const {
  std::lock_guard lk(shared_->mutex);
  return shared_->progress;
}

std::optional<std::vector<ScanSource>> ScanService::sources() const {
  std::lock_guard lk(shared_->mutex);
  return shared_->sources;
}

std::vector<ScanEvent> ScanService::drain() {
  std::lock_guard lk(shared_->mutex);
  std::vector<ScanEvent> out;
  out.swap(shared_->events);
  return out;
}

void ScanService::Shared::device_loop(std::stop_token stop) {
  struct Exit {
    Shared& s;
    ~Exit() {
      {
        std::lock_guard lk(s.mutex);
        s.exited = true;
      }
      s.cv.notify_all();
    }
  } on_exit{*this};
  for (;;) {
    std::uint64_t id = 0;
    ScanRequest request;
    bool probe = false;
    {
      std::unique_lock lk(mutex);
      if (!cv.wait(lk, stop, [&] { return pending.has_value() || probe_pending; })) return;
      if (pending) {
        id = pending->first;
        request = std::move(pending->second);
        pending.reset();
        running = id;
        published = 0;
      } else {
        probe = true;
        probe_pending = false;
      }
    }
    if (probe) {
      auto found = scanner->sources();
      if (!found) log::info(kLog, "no scanner: " + found.error().detail);
      {
        std::lock_guard lk(mutex);
        sources = found ? *found : std::vector<ScanSource>{};
      }
      notify();
      continue;
    }
    run_request(id, request, stop);
  }
}

void ScanService::Shared::run_request(std::uint64_t id, const ScanRequest& request, std::stop_token stop) {
  std::optional<ScanError> failure;
  int last_step = -1;
  auto keep_going = [&] { return cancelled.load() != id && !stop.stop_requested(); };
  ScanCallbacks callbacks;
  callbacks.progress = [&](int page, float fraction) {
    {
      std::lock_guard lk(mutex);
      progress = ScanProgress{ScanPhase::scanning, page, fraction * kScanShare};
    }
    // Wake the UI a few dozen times per page, not for every buffer.
    const int step = page * 100 + static_cast<int>(std::floor(fraction * 40));
    if (step != last_step) notify();
    last_step = step;
    return keep_going();
  };
  callbacks.page = [&](RawPage&& delivered) {
    const auto scanned_at = SteadyClock::now();
    const auto cpu_at = thread_cpu_time();
    const RawPage raw = std::move(delivered);  // freed when this page is done
    if (!keep_going()) return false;
    int index = 0;
    {
      std::lock_guard lk(mutex);
      index = published;
      progress = ScanProgress{ScanPhase::processing, index, kScanShare};
    }
    notify();
    auto page = process_page(raw, request.compress);
    if (!page) {
      page.error().detail = "page " + std::to_string(index + 1) + ": " + page.error().detail;
      failure = std::move(page.error());
      return false;
    }
    page->processing = std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - scanned_at);
    page->processing_cpu = thread_cpu_time() - cpu_at;
    {
      std::lock_guard lk(mutex);
      if (abandoned != id) {
        events.emplace_back(std::in_place_type<ScanPageReady>, id, index, std::make_shared<const ScannedPage>(std::move(*page)));
        ++published;
        progress = ScanProgress{ScanPhase::processing, index, 1.0f};
      }
    }
    notify();
    return keep_going();
  };

  ScanOutcome outcome = scanner->scan(request, callbacks);
  std::optional<ScanError> error = failure ? std::move(failure) : std::move(outcome.error);
  if (error && !keep_going() && !failure) {
    error->kind = ScanErrorKind::cancelled;  // whatever the driver said while being stopped
  }
  if (error) log::warn(kLog, "scan " + std::to_string(id) + ": " + error->detail);
  {
    std::lock_guard lk(mutex);
    if (abandoned == id) {
      abandoned = 0;  // reported as cancelled long ago; the device is free again
    } else {
      events.emplace_back(std::in_place_type<ScanDone>, id, published, error);
      if (!pending) {  // else a rescan asked for meanwhile owns the progress bar
        progress.phase = ScanPhase::idle;
        if (error) progress.fraction = 0;
      }
    }
    running = 0;
    cancel_at.reset();
    if (error && error->kind == ScanErrorKind::no_scanner) sources = std::vector<ScanSource>{};
    if (!sources || sources->empty()) probe_pending = true;  // a scanner plugged in since?
    cv.notify_all();
  }
  notify();
}

void ScanService::Shared::watchdog_loop(std::stop_token stop) {
  std::unique_lock lk(mutex);
  for (;;) {
    if (!cv.wait(lk, stop, [&] { return cancel_at.has_value() && !stuck(); })) return;
    const auto deadline = *cancel_at + options.cancel_grace;
    const std::uint64_t request = running;
    if (cv.wait_until(lk, stop, deadline, [&] { return !cancel_at.has_value() || running != request; })) continue;
    if (stop.stop_requested()) return;
    if (!cancel_at || running != request || request == 0) continue;
    abandoned = request;
    cancel_at.reset();
    events.emplace_back(std::in_place_type<ScanDone>, request, published,
                        ScanError{ScanErrorKind::cancelled, "the scanner did not stop within " +
                                                                std::to_string(options.cancel_grace.count()) +
                                                                " ms; the scan was abandoned"});
    if (pending) {  // queued behind the stuck driver: it would never start
      events.emplace_back(std::in_place_type<ScanDone>, pending->first, 0,
                          ScanError{ScanErrorKind::busy, "the scanner has not stopped the last scan yet"});
      pending.reset();
    }
    progress = ScanProgress{};
    log::warn(kLog, "scan " + std::to_string(request) + " abandoned: the scanner did not stop");
    lk.unlock();
    notify();
    lk.lock();
  }
}

}  // namespace motcua::kiosk
