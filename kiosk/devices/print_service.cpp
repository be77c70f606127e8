#include "devices/print_service.hpp"

#include <unistd.h>

#include <system_error>

#include "motcua/util/log.hpp"
#include "print/cups_lp.hpp"
#include "print/printer_link.hpp"

namespace motcua::kiosk {

namespace {

PrintFailure failure_of(const Error& e) {
  switch (e.code) {
    case Errc::invalid_argument: return PrintFailure::receipt_invalid;
    case Errc::not_found:
    case Errc::forbidden:
    case Errc::network:
    case Errc::unavailable:
      // The printer stopped taking data: it is there, but cannot print (paper, cover, jam).
      if (e.message.find("took no data") != std::string::npos) return PrintFailure::printer_stalled;
      return PrintFailure::printer_unreachable;
    default: return PrintFailure::failed;
  }
}

PrintFailure failure_of(print::CupsFailure f) {
  switch (f) {
    case print::CupsFailure::client_missing:
    case print::CupsFailure::queue_missing: return PrintFailure::queue_missing;
    case print::CupsFailure::queue_rejecting: return PrintFailure::queue_rejecting;
    case print::CupsFailure::queue_stopped: return PrintFailure::queue_stopped;
    case print::CupsFailure::scheduler_unavailable:
    case print::CupsFailure::timeout: return PrintFailure::spooler_unavailable;
    case print::CupsFailure::failed: return PrintFailure::failed;
  }
  return PrintFailure::failed;
}

std::string_view paper_name(document::ReceiptPaper p) { return p == document::ReceiptPaper::a4 ? "A4" : "A5"; }

}  // namespace

std::optional<document::ReceiptPaper> paper_from_string(std::string_view text) {
  if (text == "A5" || text == "a5") return document::ReceiptPaper::a5;
  if (text == "A4" || text == "a4") return document::ReceiptPaper::a4;
  return std::nullopt;
}

std::string thermal_printer_address(std::string_view configured) {
  if (configured.empty() || configured.starts_with("/") || configured.starts_with("tcp://")) return std::string(configured);
  return "tcp://" + std::string(configured);
}

std::string_view to_string(PrintFailure f) {
  switch (f) {
    case PrintFailure::not_configured: return "not_configured";
    case PrintFailure::printer_unreachable: return "printer_unreachable";
    case PrintFailure::printer_stalled: return "printer_stalled";
    case PrintFailure::queue_missing: return "queue_missing";
    case PrintFailure::queue_rejecting: return "queue_rejecting";
    case PrintFailure::queue_stopped: return "queue_stopped";
    case PrintFailure::spooler_unavailable: return "spooler_unavailable";
    case PrintFailure::receipt_invalid: return "receipt_invalid";
    case PrintFailure::failed: return "failed";
  }
  return "failed";
}

PrintService::PrintService(PrinterConfig config, std::function<void()> wake_ui)
    : config_(std::move(config)), wake_ui_(std::move(wake_ui)), thread_([this](std::stop_token st) { run(st); }) {}

PrintService::~PrintService() {
  thread_.request_stop();
  cv_.notify_all();
}

std::uint64_t PrintService::print_thermal(document::FormReceipt receipt) {
  return enqueue(Job{0, PrintTarget::thermal, std::move(receipt), config_.paper});
}

std::uint64_t PrintService::print_pdf(document::FormReceipt receipt, std::optional<document::ReceiptPaper> paper) {
  return enqueue(Job{0, PrintTarget::pdf, std::move(receipt), paper.value_or(config_.paper)});
}

std::uint64_t PrintService::enqueue(Job job) {
  std::lock_guard lk(mutex_);
  job.request = next_request_++;
  busy_ = true;
  const std::uint64_t request = job.request;
  pending_.push_back(std::move(job));
  cv_.notify_all();
  return request;
}

std::vector<PrintFinished> PrintService::drain() {
  std::lock_guard lk(mutex_);
  std::vector<PrintFinished> out;
  out.swap(done_);
  return out;
}

void PrintService::run(std::stop_token stop) {
  for (;;) {
    Job job;
    {
      std::unique_lock lk(mutex_);
      // Shutting down: queued receipts are dropped, not printed while the kiosk exits.
      if (!cv_.wait(lk, stop, [&] { return !pending_.empty(); }) || stop.stop_requested()) return;
      job = std::move(pending_.front());
      pending_.pop_front();
    }
    PrintFinished result = job.target == PrintTarget::thermal ? print_on_thermal(job) : print_through_cups(job);
    result.request = job.request;
    result.target = job.target;
    if (result.failure)
      log::warn("kiosk.printer", std::string(to_string(*result.failure)) + ": " + result.detail);
    {
      std::lock_guard lk(mutex_);
      done_.push_back(std::move(result));
      busy_ = !pending_.empty();
    }
    if (wake_ui_) wake_ui_();
  }
}

PrintFinished PrintService::print_on_thermal(const Job& job) {
  PrintFinished r;
  if (config_.thermal.empty()) {
    r.failure = PrintFailure::not_configured;
    r.detail = "no thermal printer configured ([printer] thermal in kiosk.toml)";
    return r;
  }
  const std::string address = thermal_printer_address(config_.thermal);
  r.printer = address;
  auto regular = print::TextRasterizer::open(config_.font_regular);
  auto bold = print::TextRasterizer::open(config_.font_bold);
  if (!regular || !bold) {
    r.failure = PrintFailure::receipt_invalid;
    r.detail = (!regular ? regular.error() : bold.error()).message + " (install fonts-noto-core)";
    return r;
  }
  auto bytes = print::thermal_receipt_escpos(job.receipt, print::ReceiptFonts{*regular, *bold}, config_.thermal_layout);
  if (!bytes) {
    r.failure = PrintFailure::receipt_invalid;
    r.detail = bytes.error().message;
    return r;
  }
  auto link = print::open_printer(address, config_.thermal_timeout);
  if (!link) {
    r.failure = link.error().code == Errc::invalid_argument ? PrintFailure::not_configured : failure_of(link.error());
    r.detail = link.error().message;
    return r;
  }
  r.printer = (*link)->describe();
  if (auto sent = (*link)->send(*bytes); !sent) {
    r.failure = failure_of(sent.error());
    r.detail = sent.error().message;
  }
  return r;
}

PrintFinished PrintService::print_through_cups(const Job& job) {
  PrintFinished r;
  r.printer = config_.cups_queue;
  if (config_.cups_queue.empty()) {
    r.failure = PrintFailure::not_configured;
    r.detail = "no CUPS queue configured ([printer] cups_queue in kiosk.toml)";
    return r;
  }
  std::error_code ec;
  const std::filesystem::path dir =
      config_.spool_dir.empty() ? std::filesystem::temp_directory_path(ec) : config_.spool_dir;
  // One name per kiosk process and request: two kiosks sharing /tmp never collide.
  const std::filesystem::path file =
      dir / ("motcua-receipt-" + std::to_string(::getpid()) + "-" + std::to_string(job.request) + ".pdf");
  if (auto written = document::write_receipt_pdf(file, job.receipt, job.paper); !written) {
    r.failure = written.error().code == Errc::invalid_argument || written.error().code == Errc::not_found
                    ? PrintFailure::receipt_invalid
                    : PrintFailure::failed;
    r.detail = written.error().message;
    return r;
  }
  const print::CupsQueue queue{config_.cups_queue, config_.cups_server, config_.lp, config_.lpstat};
  auto submitted = print::cups_print(file, queue, paper_name(job.paper), config_.cups_timeout);
  // lp has copied the file into the spooler (or failed): ours is no longer needed.
  std::filesystem::remove(file, ec);
  if (!submitted) {
    r.failure = failure_of(submitted.error().kind);
    r.detail = submitted.error().message;
    r.cups_job = submitted.error().job;
    return r;
  }
  r.cups_job = submitted->id;
  return r;
}

}  // namespace motcua::kiosk
