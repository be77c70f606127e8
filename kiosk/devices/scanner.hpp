#pragma once
// A document scanner as the submit wizard sees it: one request scans one page
// from the flatbed, or every page in the feeder. The scanner delivers raw
// pixels; ScanService's device thread checks and compresses them
// (document::compress_page), so neither the scanner nor the UI thread ever
// encodes a JPEG. Implementations block (they talk to hardware), so they run
// on that device thread, never on the UI thread.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "document/page_compress.hpp"

namespace motcua::kiosk {

enum class ScanSource {
  flatbed,  // one page per request, from the glass
  feeder,   // automatic document feeder: pages until it is empty
};

inline std::string_view to_string(ScanSource s) { return s == ScanSource::feeder ? "feeder" : "flatbed"; }

// A processed page, as the UI shows it and the submit step keeps it.
struct ScannedPage {
  int width = 0, height = 0, dpi = 0;  // of the JPEG (dpi is lower than scanned_dpi if it had to shrink)
  int channels = 1;                    // 1 grey, 3 colour
  std::vector<std::uint8_t> jpeg;      // what is queued and sent to the hub; ≤ target unless !within_target
  int quality = 0;
  bool within_target = true;
  int scanned_dpi = 0;  // what the scanner delivered
  // A small RGB24 copy for the on-screen preview, so the UI thread never decodes.
  int preview_width = 0, preview_height = 0;
  std::vector<std::uint8_t> preview_rgb;
  // From the end of this page's scan to the processed page being published
  // (docs/performance.md, "Submitting").
  std::chrono::microseconds processing{0};
  std::chrono::microseconds processing_cpu{0};  // of it, CPU time of the device thread (the rest is waiting for a core)
};

// What went wrong, in terms the citizen can act on; the screen picks the words.
enum class ScanErrorKind {
  no_scanner,  // no device, or it could not be opened
  busy,
  jammed,
  cover_open,
  no_docs,     // feeder empty / nothing on the glass
  cancelled,
  failed,      // anything else (I/O error — a scanner unplugged mid-page —, a page that is empty or too large)
};

// The i18n key of the message the screen shows for a failure (assets/i18n).
inline std::string_view message_key(ScanErrorKind kind) {
  switch (kind) {
    case ScanErrorKind::no_scanner: return "scan.err_no_scanner";
    case ScanErrorKind::busy: return "scan.err_busy";
    case ScanErrorKind::jammed: return "scan.err_jammed";
    case ScanErrorKind::cover_open: return "scan.err_cover_open";
    case ScanErrorKind::no_docs: return "scan.err_no_docs";
    case ScanErrorKind::cancelled: return "scan.err_cancelled";
    case ScanErrorKind::failed: return "scan.err_failed";
  }
  return "scan.err_failed";
}

struct ScanError {
  ScanErrorKind kind = ScanErrorKind::failed;
  std::string detail;  // technical, for the log
};

template <class T>
using ScanResult = tl::expected<T, ScanError>;

// The raw pixels of a page a scanner kept in memory at most: A4 at 600 dpi in
// colour is 104 MB; anything larger is not a document page (a stuck sensor,
// a hand scanner that never stops) and would take the kiosk's memory.
inline constexpr std::size_t kMaxRawPageBytes = std::size_t{128} << 20;

struct ScanRequest {
  ScanSource source = ScanSource::flatbed;
  int dpi = 300;
  int max_pages = 50;  // a feeder batch stops here (a normal end)
  std::size_t max_page_bytes = kMaxRawPageBytes;
  document::CompressOptions compress{};  // used by ScanService, not by the scanner
};

// One page as the device delivered it: row-major, tightly packed 8-bit grey
// or RGB24 (line-art expanded to grey).
struct RawPage {
  int width = 0, height = 0;
  int channels = 1;
  int dpi = 0;
  std::vector<std::uint8_t> pixels;
};

struct ScanCallbacks {
  // The current page's progress (0..1) while it is read; false cancels.
  std::function<bool(int page, float fraction)> progress;
  // A page was read whole; false stops the request (it was cancelled, or the
  // page could not be processed). Called on the scanning thread, between
  // pages, so a feeder waits while a page is processed.
  std::function<bool(RawPage&& page)> page;
};

struct ScanOutcome {
  int pages = 0;                    // pages handed to callbacks.page
  std::optional<ScanError> error;  // none: the flatbed page, or the feeder ran empty after ≥ 1 page
};

class Scanner {
 public:
  virtual ~Scanner() = default;
  // The sources the device offers (a flatbed, a feeder, both), or why none.
  virtual ScanResult<std::vector<ScanSource>> sources() = 0;
  virtual ScanOutcome scan(const ScanRequest& request, const ScanCallbacks& callbacks) = 0;
};

}  // namespace motcua::kiosk
