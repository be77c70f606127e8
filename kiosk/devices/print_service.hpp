#pragma once
// The printers' device thread. The receipt screen hands over a receipt and
// keeps drawing; laying it out, rasterising, sending it to the thermal
// printer or through CUPS all happen here, and the outcome comes back through
// drain() at the start of a frame (like ScanService). Nothing here blocks the
// UI thread: print_*() only queue a job.
//
// Two printers, either or both configured (kiosk.toml [printer], docs/printing.md):
//   thermal    80 mm ESC/POS, a device file ("/dev/usb/lp0") or a raw TCP port
//              ("192.168.1.50:9100", "tcp://printer.local")
//   cups_queue an A4/A5 printer behind CUPS: the form 01 PDF goes to `lp -d QUEUE`

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "document/receipt_pdf.hpp"
#include "print/receipt_thermal.hpp"
#include "print/text_raster.hpp"

namespace motcua::kiosk {

// kiosk.toml:
//   [printer]
//   thermal = "/dev/usb/lp0"          # or "192.168.1.50:9100", "tcp://host[:port]"; absent = none
//   cups_queue = "motcua-receipts"    # absent = no A4/A5 printer
//   cups_server = ""                  # absent = this machine's CUPS; "host:port" for another
//   paper = "A5"                      # "A5" (default) or "A4"
//   timeout = 8                       # seconds without progress before a printer counts as gone
struct PrinterConfig {
  std::string thermal;
  std::string cups_queue;
  std::string cups_server;
  document::ReceiptPaper paper = document::ReceiptPaper::a5;
  std::chrono::milliseconds thermal_timeout{8000};
  std::chrono::milliseconds cups_timeout{15000};
  // Where receipt PDFs are written for lp (removed after lp has copied them
  // into the spooler). Empty: the system's temporary directory.
  std::filesystem::path spool_dir;
  // The faces the kiosk draws with (fonts-noto-core).
  std::filesystem::path font_regular = print::kNotoSansRegular;
  std::filesystem::path font_bold = print::kNotoSansBold;
  print::ThermalReceiptOptions thermal_layout{};
  // The CUPS client programs, found on PATH (tests may point elsewhere).
  std::string lp = "lp";
  std::string lpstat = "lpstat";
};

// "A5"/"a5" → a5, "A4" → a4; anything else is none.
std::optional<document::ReceiptPaper> paper_from_string(std::string_view text);
// The thermal printer address as print::open_printer takes it: a device path
// stays, "host:port" and "host" (port 9100) become "tcp://…".
std::string thermal_printer_address(std::string_view configured);

enum class PrintTarget { thermal, pdf };

enum class PrintFailure {
  not_configured,      // no thermal printer / no CUPS queue in kiosk.toml
  printer_unreachable, // device missing or unplugged, no permission, network printer off or refusing
  printer_stalled,     // the printer stopped taking data mid-receipt: paper out, cover open, jammed
  queue_missing,       // CUPS has no such queue (or no lp: cups-client not installed)
  queue_rejecting,     // the CUPS queue refuses jobs (cupsreject)
  queue_stopped,       // CUPS took the job but the queue is stopped (printer off?): it waits there
  spooler_unavailable, // no CUPS scheduler answers, or it did not answer in time
  receipt_invalid,     // the receipt cannot be laid out (no code, fonts missing, …): a bug or a broken install
  failed,              // anything else; the detail says what
};
std::string_view to_string(PrintFailure f);

struct PrintFinished {
  std::uint64_t request = 0;
  PrintTarget target = PrintTarget::thermal;
  std::optional<PrintFailure> failure;  // none: printed (thermal) / accepted by the CUPS queue (pdf)
  std::string detail;                   // for staff and logs, English; the UI shows its own text per failure
  std::string printer;                  // "/dev/usb/lp0", "tcp 192.168.1.50:9100", "motcua-receipts"
  std::string cups_job;                 // pdf: the CUPS request id ("motcua-receipts-12")
  bool ok() const { return !failure.has_value(); }
};

class PrintService {
 public:
  // wake_ui: called from the device thread when a result is ready (SDL_PushEvent).
  PrintService(PrinterConfig config, std::function<void()> wake_ui);
  // Waits for the job being printed (at most the printer's or lp's timeout);
  // jobs still queued are dropped.
  ~PrintService();
  PrintService(const PrintService&) = delete;
  PrintService& operator=(const PrintService&) = delete;

  bool thermal_configured() const { return !config_.thermal.empty(); }
  bool pdf_configured() const { return !config_.cups_queue.empty(); }

  // Queue a job; returns its request number at once. A target that is not
  // configured still gets a request number and a PrintFinished (not_configured),
  // so the UI has one path for every outcome.
  std::uint64_t print_thermal(document::FormReceipt receipt);
  // paper: none = the configured paper.
  std::uint64_t print_pdf(document::FormReceipt receipt, std::optional<document::ReceiptPaper> paper = std::nullopt);

  bool busy() const { return busy_.load(); }  // a job is queued or printing
  std::vector<PrintFinished> drain();

 private:
  struct Job {
    std::uint64_t request = 0;
    PrintTarget target = PrintTarget::thermal;
    document::FormReceipt receipt;
    document::ReceiptPaper paper = document::ReceiptPaper::a5;
  };
  std::uint64_t enqueue(Job job);
  void run(std::stop_token stop);
  PrintFinished print_on_thermal(const Job& job);
  PrintFinished print_through_cups(const Job& job);

  const PrinterConfig config_;
  std::function<void()> wake_ui_;
  std::atomic<bool> busy_{false};
  std::mutex mutex_;
  std::condition_variable_any cv_;
  std::deque<Job> pending_;
  std::uint64_t next_request_ = 1;
  std::vector<PrintFinished> done_;
  std::jthread thread_;  // last: joins before the members above go away
};

}  // namespace motcua::kiosk
