// PrintService, the printers' device thread, with real printers' stand-ins:
// a raw TCP port on loopback and a device file for the 80 mm thermal printer
// (the bytes captured, decoded back into the receipt, its QR codes scanned
// with ZXing), and a private CUPS scheduler whose queue prints to a file (the
// file is the PDF the kiosk sent; pdftotext reads the dossier code in it).

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <mutex>
#include <thread>

#include "devices/print_service.hpp"
#include "motcua/domain/dossier_code.hpp"
#include "print/cups_lp.hpp"
#include "print/escpos.hpp"
#include "print_test_support.hpp"
#include "private_cups.hpp"
#include "support/sample_receipt.hpp"
#include "support/temp_dir.hpp"

using namespace motcua;
using namespace motcua::kiosk;
using namespace std::chrono_literals;

namespace {

// The UI side: wake_ui wakes this; results are drained as a frame would.
class Frames {
 public:
  std::function<void()> waker() {
    return [this] {
      std::lock_guard lk(m_);
      ++wakes_;
      cv_.notify_all();
    };
  }
  // Drains until the request's result arrives or the deadline passes.
  std::optional<PrintFinished> wait_for(PrintService& s, std::uint64_t request, std::chrono::milliseconds limit = 30s) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
      std::uint64_t seen;
      {
        std::lock_guard lk(m_);
        seen = wakes_;
      }
      for (auto& r : s.drain())
        if (r.request == request) return r;
      std::unique_lock lk(m_);
      if (!cv_.wait_until(lk, deadline, [&] { return wakes_ != seen; })) return std::nullopt;
    }
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  std::uint64_t wakes_ = 0;
};

std::vector<std::uint8_t> read_all(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// What pdftotext (poppler-utils) reads in a PDF file.
std::string pdf_text(const std::filesystem::path& pdf) {
  auto run = print::run_program({"pdftotext", "-layout", pdf.string(), "-"}, {}, 30s);
  return run && run->exit_code == 0 ? run->out : "(pdftotext failed)";
}
std::string pdf_info(const std::filesystem::path& pdf) {
  auto run = print::run_program({"pdfinfo", pdf.string()}, {}, 30s);
  return run && run->exit_code == 0 ? run->out : "(pdfinfo failed)";
}

void expect_receipt_printout(const std::vector<std::uint8_t>& bytes, const document::FormReceipt& r) {
  auto printout = print::decode_escpos(bytes);
  ASSERT_TRUE(printout) << printout.error().message;
  EXPECT_TRUE(printout->initialised);
  EXPECT_TRUE(printout->ends_with_cut);
  EXPECT_EQ(printout->image.width, print::kPaper80mmDots);
  std::vector<std::string> expected{domain::receipt_qr_payload(r.dossier_code, r.lookup_secret)};
  if (!r.fee.vietqr_payload.empty()) expected.push_back(r.fee.vietqr_payload);
  EXPECT_EQ(test::read_qr_codes(printout->image), test::sorted(expected));
}

}  // namespace

// ---- thermal printer

TEST(PrintService, ThermalReceiptReachesARawPortAndItsQrCodesScanBack) {
  test::RawPortPrinter printer;
  auto job = printer.capture_one_job();
  Frames frames;
  PrinterConfig config;
  config.thermal = printer.address();  // "127.0.0.1:PORT", as in kiosk.toml
  PrintService service(config, frames.waker());
  const auto receipt = test::sample_receipt();
  const auto request = service.print_thermal(receipt);
  auto done = frames.wait_for(service, request);
  ASSERT_TRUE(done) << "no result within the deadline";
  EXPECT_TRUE(done->ok()) << to_string(*done->failure) << ": " << done->detail;
  EXPECT_EQ(done->target, PrintTarget::thermal);
  EXPECT_EQ(done->printer, "tcp " + printer.address());
  expect_receipt_printout(job.get(), receipt);
  EXPECT_FALSE(service.busy());
}

TEST(PrintService, ThermalReceiptWrittenToADeviceFileDecodes) {
  test::TempDir dir;
  const auto device = dir / "lp0";
  std::ofstream(device).flush();  // the device node exists; print never creates it
  Frames frames;
  PrinterConfig config;
  config.thermal = device.string();
  PrintService service(config, frames.waker());
  auto receipt = test::sample_receipt();
  receipt.fee.method = domain::PaymentMethod::at_desk;  // no bank transfer: only the lookup code
  receipt.fee.vietqr_payload.clear();
  receipt.fee.account.reset();
  auto done = frames.wait_for(service, service.print_thermal(receipt));
  ASSERT_TRUE(done);
  EXPECT_TRUE(done->ok()) << done->detail;
  expect_receipt_printout(read_all(device), receipt);
}

TEST(PrintService, UnpluggedDeviceAndPrinterOffAreUnreachable) {
  test::TempDir dir;
  Frames frames;
  // A FIFO nobody reads: the device node of a USB printer that was unplugged (ENXIO).
  const auto fifo = dir / "lp0";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  {
    PrinterConfig config;
    config.thermal = fifo.string();
    PrintService service(config, frames.waker());
    auto done = frames.wait_for(service, service.print_thermal(test::sample_receipt()));
    ASSERT_TRUE(done);
    EXPECT_EQ(done->failure, PrintFailure::printer_unreachable) << done->detail;
  }
  {
    PrinterConfig config;
    config.thermal = (dir / "no-such-device").string();
    PrintService service(config, frames.waker());
    auto done = frames.wait_for(service, service.print_thermal(test::sample_receipt()));
    ASSERT_TRUE(done);
    EXPECT_EQ(done->failure, PrintFailure::printer_unreachable) << done->detail;
    EXPECT_NE(done->detail.find("no printer at"), std::string::npos) << done->detail;
    EXPECT_FALSE(std::filesystem::exists(dir / "no-such-device"));
  }
  {
    test::RawPortPrinter off(false);  // bound, not listening: connection refused
    PrinterConfig config;
    config.thermal = "tcp://" + off.address();
    PrintService service(config, frames.waker());
    auto done = frames.wait_for(service, service.print_thermal(test::sample_receipt()));
    ASSERT_TRUE(done);
    EXPECT_EQ(done->failure, PrintFailure::printer_unreachable) << done->detail;
  }
}

TEST(PrintService, PrinterThatStopsTakingDataIsStalled) {
  test::TempDir dir;
  // A FIFO whose reader never reads: a printer out of paper takes a pipe's worth and stops.
  const auto fifo = dir / "lp0";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
  ASSERT_GE(reader, 0);
  Frames frames;
  PrinterConfig config;
  config.thermal = fifo.string();
  config.thermal_timeout = 300ms;
  PrintService service(config, frames.waker());
  const auto request = service.print_thermal(test::sample_receipt());
  // The UI thread got its request number back while the printer is still stuck.
  EXPECT_TRUE(service.busy());
  EXPECT_TRUE(service.drain().empty());
  auto done = frames.wait_for(service, request);
  ::close(reader);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->failure, PrintFailure::printer_stalled) << done->detail;
  EXPECT_NE(done->detail.find("paper out"), std::string::npos) << done->detail;
}

TEST(PrintService, NothingConfiguredSaysSoForBothPrinters) {
  Frames frames;
  PrintService service(PrinterConfig{}, frames.waker());
  EXPECT_FALSE(service.thermal_configured());
  EXPECT_FALSE(service.pdf_configured());
  auto thermal = frames.wait_for(service, service.print_thermal(test::sample_receipt()));
  auto pdf = frames.wait_for(service, service.print_pdf(test::sample_receipt()));
  ASSERT_TRUE(thermal && pdf);
  EXPECT_EQ(thermal->failure, PrintFailure::not_configured);
  EXPECT_EQ(pdf->failure, PrintFailure::not_configured);
  EXPECT_EQ(pdf->target, PrintTarget::pdf);
}

TEST(PrintService, ThermalAddressesAsConfigured) {
  EXPECT_EQ(thermal_printer_address("/dev/usb/lp0"), "/dev/usb/lp0");
  EXPECT_EQ(thermal_printer_address("192.168.1.50:9100"), "tcp://192.168.1.50:9100");
  EXPECT_EQ(thermal_printer_address("printer.local"), "tcp://printer.local");
  EXPECT_EQ(thermal_printer_address("tcp://[fe80::1]:9100"), "tcp://[fe80::1]:9100");
  EXPECT_EQ(paper_from_string("A4"), document::ReceiptPaper::a4);
  EXPECT_EQ(paper_from_string("a5"), document::ReceiptPaper::a5);
  EXPECT_EQ(paper_from_string("Letter"), std::nullopt);
}

TEST(PrintService, ReceiptWithoutCodeIsInvalidNotAPrinterProblem) {
  test::RawPortPrinter printer;
  Frames frames;
  PrinterConfig config;
  config.thermal = printer.address();
  PrintService service(config, frames.waker());
  auto r = test::sample_receipt();
  r.dossier_code.clear();
  auto done = frames.wait_for(service, service.print_thermal(r));
  ASSERT_TRUE(done);
  EXPECT_EQ(done->failure, PrintFailure::receipt_invalid) << done->detail;
}

// ---- CUPS: a private scheduler, one for the suite

class CupsPrinting : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    cups_ = new test::PrivateCups;
    start_error_ = new std::string(cups_->start());
  }
  static void TearDownTestSuite() {
    delete cups_;
    delete start_error_;
    cups_ = nullptr;
    start_error_ = nullptr;
  }
  void SetUp() override { ASSERT_TRUE(start_error_->empty()) << *start_error_; }

  PrinterConfig config_for(const std::string& queue) const {
    PrinterConfig c;
    c.cups_queue = queue;
    c.cups_server = cups_->server();  // never the machine's own CUPS
    c.spool_dir = spool_.path();
    return c;
  }
  // Waits for CUPS to report the job completed.
  bool wait_completed(const std::string& queue, const std::string& job, std::chrono::seconds limit = 30s) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    const print::CupsQueue q{queue, cups_->server()};
    while (std::chrono::steady_clock::now() < deadline) {
      if (auto ids = print::cups_completed_jobs(q, 5s))
        if (std::find(ids->begin(), ids->end(), job) != ids->end()) return true;
      std::this_thread::sleep_for(50ms);  // polling CUPS with a deadline
    }
    return false;
  }

  static test::PrivateCups* cups_;
  static std::string* start_error_;
  test::TempDir spool_;
  Frames frames_;
};
test::PrivateCups* CupsPrinting::cups_ = nullptr;
std::string* CupsPrinting::start_error_ = nullptr;

TEST_F(CupsPrinting, ReceiptPdfComesOutOfTheQueueWithItsDossierCode) {
  const auto out = cups_->dir() / "out/receipts.pdf";
  ASSERT_EQ(cups_->add_file_queue("motcua-receipts", out), "");
  PrintService service(config_for("motcua-receipts"), frames_.waker());
  EXPECT_TRUE(service.pdf_configured());
  const auto receipt = test::sample_receipt();
  auto done = frames_.wait_for(service, service.print_pdf(receipt, document::ReceiptPaper::a5));
  ASSERT_TRUE(done);
  ASSERT_TRUE(done->ok()) << to_string(*done->failure) << ": " << done->detail << "\n" << cups_->log_tail();
  EXPECT_EQ(done->target, PrintTarget::pdf);
  EXPECT_TRUE(done->cups_job.starts_with("motcua-receipts-")) << done->cups_job;
  ASSERT_TRUE(wait_completed("motcua-receipts", done->cups_job)) << cups_->log_tail();

  const auto printed = read_all(out);
  ASSERT_GE(printed.size(), 5u);
  EXPECT_EQ(std::string(printed.begin(), printed.begin() + 5), "%PDF-");
  const std::string text = pdf_text(out);
  EXPECT_NE(text.find(receipt.dossier_code), std::string::npos) << text;
  EXPECT_NE(text.find("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"), std::string::npos) << text;
  EXPECT_NE(pdf_info(out).find("419.53 x 595.28 pts"), std::string::npos) << pdf_info(out);  // A5
  // The kiosk's copy for lp is gone once CUPS has it.
  EXPECT_TRUE(std::filesystem::is_empty(spool_.path()));
}

TEST_F(CupsPrinting, A4WhenAskedFor) {
  const auto out = cups_->dir() / "out/a4.pdf";
  ASSERT_EQ(cups_->add_file_queue("motcua-a4", out), "");
  PrintService service(config_for("motcua-a4"), frames_.waker());
  auto done = frames_.wait_for(service, service.print_pdf(test::sample_receipt(), document::ReceiptPaper::a4));
  ASSERT_TRUE(done);
  ASSERT_TRUE(done->ok()) << done->detail;
  ASSERT_TRUE(wait_completed("motcua-a4", done->cups_job)) << cups_->log_tail();
  EXPECT_NE(pdf_info(out).find("(A4)"), std::string::npos) << pdf_info(out);
}

TEST_F(CupsPrinting, MissingQueueIsNamed) {
  PrintService service(config_for("no-such-queue"), frames_.waker());
  auto done = frames_.wait_for(service, service.print_pdf(test::sample_receipt()));
  ASSERT_TRUE(done);
  EXPECT_EQ(done->failure, PrintFailure::queue_missing) << done->detail;
  EXPECT_NE(done->detail.find("no-such-queue"), std::string::npos) << done->detail;
}

TEST_F(CupsPrinting, RejectingQueueSaysSo) {
  ASSERT_EQ(cups_->add_file_queue("motcua-rejecting", cups_->dir() / "out/rejecting.pdf"), "");
  ASSERT_EQ(cups_->admin({"cupsreject", "motcua-rejecting"}), "");
  PrintService service(config_for("motcua-rejecting"), frames_.waker());
  auto done = frames_.wait_for(service, service.print_pdf(test::sample_receipt()));
  ASSERT_TRUE(done);
  EXPECT_EQ(done->failure, PrintFailure::queue_rejecting) << done->detail;
}

TEST_F(CupsPrinting, StoppedQueueKeepsTheJobAndSaysTheReceiptWaits) {
  const auto out = cups_->dir() / "out/stopped.pdf";
  ASSERT_EQ(cups_->add_file_queue("motcua-stopped", out), "");
  ASSERT_EQ(cups_->admin({"cupsdisable", "motcua-stopped"}), "");
  PrintService service(config_for("motcua-stopped"), frames_.waker());
  auto done = frames_.wait_for(service, service.print_pdf(test::sample_receipt()));
  ASSERT_TRUE(done);
  EXPECT_EQ(done->failure, PrintFailure::queue_stopped) << done->detail;
  EXPECT_TRUE(done->cups_job.starts_with("motcua-stopped-")) << done->cups_job;
  // Resumed by a technician, the waiting receipt prints.
  ASSERT_EQ(cups_->admin({"cupsenable", "motcua-stopped"}), "");
  EXPECT_TRUE(wait_completed("motcua-stopped", done->cups_job)) << cups_->log_tail();
  EXPECT_NE(pdf_text(out).find(test::sample_receipt().dossier_code), std::string::npos);
}

TEST_F(CupsPrinting, NoSchedulerAndNoClientAreTellable) {
  {
    PrinterConfig c = config_for("motcua-receipts");
    c.cups_server = (spool_.path() / "nobody-listens.sock").string();
    PrintService service(c, frames_.waker());
    auto done = frames_.wait_for(service, service.print_pdf(test::sample_receipt()));
    ASSERT_TRUE(done);
    EXPECT_EQ(done->failure, PrintFailure::spooler_unavailable) << done->detail;
  }
  {
    PrinterConfig c = config_for("motcua-receipts");
    c.lp = "/nonexistent/lp";
    PrintService service(c, frames_.waker());
    auto done = frames_.wait_for(service, service.print_pdf(test::sample_receipt()));
    ASSERT_TRUE(done);
    EXPECT_EQ(done->failure, PrintFailure::queue_missing) << done->detail;
    EXPECT_NE(done->detail.find("cups-client"), std::string::npos) << done->detail;
  }
}

TEST(CupsLp, AHungClientIsKilledAtTheTimeout) {
  // `sleep` stands in for an lp that never returns (a scheduler that accepts
  // the connection and never answers).
  const auto started = std::chrono::steady_clock::now();
  auto run = print::run_program({"sleep", "30"}, {}, 300ms);
  ASSERT_TRUE(run) << run.error();
  EXPECT_TRUE(run->timed_out);
  EXPECT_FALSE(run->exit_code.has_value());
  EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);
  auto missing = print::run_program({"/nonexistent/program"}, {}, 1s);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().find("not found"), std::string::npos) << missing.error();
}
