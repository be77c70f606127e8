#pragma once
// A document scanner as the submit wizard sees it: one call scans one page.
// Implementations block (they talk to hardware), so they run on a device
// thread (ScanService), never on the UI thread.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <tl/expected.hpp>

namespace motcua::kiosk {

struct ScannedPage {
  int width = 0, height = 0, dpi = 0;  // of the full-resolution page
  std::vector<std::uint8_t> jpeg;      // what is queued and sent to the hub
  // A small RGB24 copy for the on-screen preview, so the UI thread never decodes.
  int preview_width = 0, preview_height = 0;
  std::vector<std::uint8_t> preview_rgb;
};

// What went wrong, in terms the citizen can act on; the screen picks the words.
enum class ScanErrorKind {
  no_scanner,  // no device, or it could not be opened
  busy,
  jammed,
  cover_open,
  no_docs,     // feeder empty / nothing on the glass
  cancelled,
  failed,      // anything else (I/O error, unsupported format)
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

class Scanner {
 public:
  virtual ~Scanner() = default;
  // progress(fraction 0..1) is called from the scanning thread; returning
  // false cancels the scan.
  virtual ScanResult<ScannedPage> scan(const std::function<bool(float)>& progress) = 0;
};

}  // namespace motcua::kiosk
