#pragma once
// The scanner's device thread. The UI asks for a scan and keeps drawing; the
// device thread scans, checks and compresses each page (document::compress_page
// — the UI thread never encodes or decodes), and the results come back through
// drain() at the start of a frame: one ScanPageReady per processed page, then
// one ScanDone per request. Progress covers both phases.
//
// A cancel never hangs the UI: the device thread stops at the next buffer or
// between feeder pages; if the device does not return within cancel_grace
// (SANE's cancel can block on some backends), the request is reported as
// cancelled anyway and whatever the device thread still produces for it is
// dropped. A new scan asked for while the device thread is still stuck ends
// at once with `busy`.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <thread>
#include <variant>
#include <vector>

#include "devices/scanner.hpp"

namespace motcua::kiosk {

enum class ScanPhase { idle, scanning, processing };

// For the progress bar. fraction covers the current page: reading it fills
// 0 … kScanShare, processing it the rest up to 1.
struct ScanProgress {
  ScanPhase phase = ScanPhase::idle;
  int page = 0;  // 0-based index within the request
  float fraction = 0;
};
inline constexpr float kScanShare = 0.85f;

struct ScanPageReady {
  std::uint64_t request = 0;
  int index = 0;  // 0-based, in scanning order
  std::shared_ptr<const ScannedPage> page;
};

struct ScanDone {
  std::uint64_t request = 0;
  int pages = 0;                   // ScanPageReady events this request produced (all kept)
  std::optional<ScanError> error;  // none: every page was scanned (the flatbed's one, or the feeder's until empty)
};

using ScanEvent = std::variant<ScanPageReady, ScanDone>;

struct ScanServiceOptions {
  std::chrono::milliseconds cancel_grace{3000};
};

// A raw page → the page the wizard keeps: checked (empty, truncated, too large
// → failed with check_page's message), compressed to the size target, preview
// made. Runs on the device thread; a test calls it directly.
ScanResult<ScannedPage> process_page(const RawPage& raw, const document::CompressOptions& options);

class ScanService {
 public:
  ScanService(std::unique_ptr<Scanner> scanner, std::function<void()> wake_ui, ScanServiceOptions options = {});
  ~ScanService();
  ScanService(const ScanService&) = delete;
  ScanService& operator=(const ScanService&) = delete;

  // Starts a scan unless one is running; returns its request number (or the
  // running one's).
  std::uint64_t start_scan(ScanRequest request = {});
  // Stops the running request (mid-page or between feeder pages); pages
  // already processed stay delivered. ScanDone follows with `cancelled`.
  void cancel();
  bool busy() const;
  ScanProgress progress() const;
  // The device's sources (the feeder button shows only with a feeder):
  // nullopt until the device thread has asked the device, empty when there is
  // no scanner. Asked at start and again after a request while unknown/empty.
  std::optional<std::vector<ScanSource>> sources() const;

  std::vector<ScanEvent> drain();

 private:
  struct Shared;
  std::shared_ptr<Shared> shared_;
  std::jthread watchdog_;
  std::jthread device_;
};

}  // namespace motcua::kiosk
