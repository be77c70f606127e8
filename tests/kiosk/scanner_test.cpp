// Scanning through the real SANE `test` backend, set up the way
// `motcua-kiosk --scanner test` does: the device thread turns each page into a
// JPEG within the size target with a preview, the flatbed gives one page and
// the feeder pages until it is empty, a cancel stops mid-page or between
// pages, and every way a scan fails becomes a sentence the citizen can act on,
// with the pages already processed kept. A scripted scanner (behind the same
// Scanner interface) stands in only where the test backend cannot fail: a
// driver that ignores a cancel, a device unplugged after two feeder pages, a
// 0-byte page.

#include <gtest/gtest.h>

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <turbojpeg.h>
#include <sane/sane.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <atomic>
#include <cstdlib>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "app/i18n.hpp"
#include "devices/sane_scanner.hpp"
#include "devices/scan_service.hpp"
#include "support/sane_child.hpp"
#include "support/temp_dir.hpp"

using namespace motcua;
using namespace motcua::kiosk;
using namespace std::chrono_literals;
using motcua::test::isolated;

namespace {

// libsane reads SANE_CONFIG_DIR once per process, so every test shares one
// configuration directory, made as main.cpp makes DATA/sane for `--scanner test`.
const std::filesystem::path& sane_test_config() {
  static const test::TempDir dir;
  static const std::filesystem::path ready = [] {
    auto prepared = prepare_sane_test_config(dir / "sane");
    if (!prepared) return std::filesystem::path();
    ::setenv("SANE_CONFIG_DIR", prepared->c_str(), 1);
    return *prepared;
  }();
  return ready;
}

class Scanning : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(sane_test_config().empty()) << "could not write the SANE test configuration"; }
};


std::string vietnamese_message(ScanErrorKind kind) {
  auto i18n = I18n::load(std::filesystem::path(MOTCUA_SOURCE_DIR) / "assets" / "i18n");
  if (!i18n) return "(strings not loaded: " + i18n.error().message + ")";
  i18n->set_lang(Lang::vi);
  return i18n->tr(std::string(message_key(kind)));
}

struct DecodedJpeg {
  bool ok = false;
  std::string error;
  int width = 0, height = 0;
  std::vector<std::uint8_t> rgb;
};

DecodedJpeg decode_jpeg(const std::vector<std::uint8_t>& jpeg) {
  DecodedJpeg out;
  std::unique_ptr<void, decltype(&tjDestroy)> tj(tjInitDecompress(), &tjDestroy);
  int subsampling = 0, colorspace = 0;
  if (tjDecompressHeader3(tj.get(), jpeg.data(), jpeg.size(), &out.width, &out.height, &subsampling, &colorspace) != 0) {
    out.error = tjGetErrorStr2(tj.get());
    return out;
  }
  out.rgb.resize(static_cast<std::size_t>(out.width) * static_cast<std::size_t>(out.height) * 3);
  if (tjDecompress2(tj.get(), jpeg.data(), jpeg.size(), out.rgb.data(), out.width, 0, out.height, TJPF_RGB, 0) != 0) {
    out.error = tjGetErrorStr2(tj.get());
    return out;
  }
  out.ok = true;
  return out;
}

// Collects a service's events until its request ends, up to a deadline. The
// service's wake callback (the UI loop's wake-up in the app) ends each wait;
// it also samples the progress, as the progress bar would.
class ScanWaiter {
 public:
  std::atomic<ScanService*> service{nullptr};

  std::function<void()> wake() {
    return [this] {
      {
        std::lock_guard lk(mutex_);
        ++wakes_;
        if (ScanService* watched = service.load()) {
          const auto p = watched->progress();
          if (p.phase == ScanPhase::scanning) saw_scanning = true;
          if (p.phase == ScanPhase::processing) saw_processing = true;
          if (p.fraction < last_fraction - 1e-6f && p.page == last_page) went_back = true;
          last_fraction = p.fraction;
          last_page = p.page;
        }
      }
      cv_.notify_all();
    };
  }

  struct Request {
    std::vector<ScanPageReady> pages;
    std::optional<ScanDone> done;
  };

  // Drains until ScanDone of `request` (or any request when 0) arrives.
  Request wait_for_done(ScanService& s, std::uint64_t request = 0, std::chrono::seconds limit = 60s) {
    Request out;
    wait_until_drained(s, out, [&] { return out.done.has_value(); }, request, limit);
    return out;
  }

  template <class Pred>
  void wait_until_drained(ScanService& s, Request& out, Pred done, std::uint64_t request, std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
      std::unique_lock lk(mutex_);
      const auto seen = wakes_;
      lk.unlock();
      for (auto& e : s.drain()) {
        if (auto* p = std::get_if<ScanPageReady>(&e)) {
          if (request == 0 || p->request == request) out.pages.push_back(std::move(*p));
        } else if (auto* d = std::get_if<ScanDone>(&e)) {
          if (request == 0 || d->request == request) out.done = *d;
        }
      }
      if (done()) return;
      lk.lock();
      if (!cv_.wait_until(lk, deadline, [&] { return wakes_ != seen; })) return;
    }
  }

  // Waits until pred() holds, re-checking on every wake.
  template <class Pred>
  bool wait_until(Pred pred, std::chrono::seconds limit = 60s) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    std::unique_lock lk(mutex_);
    while (!pred()) {
      const auto seen = wakes_;
      if (!cv_.wait_until(lk, deadline, [&] { return wakes_ != seen; })) return pred();
    }
    return true;
  }

  bool saw_scanning = false, saw_processing = false, went_back = false;

 private:
  float last_fraction = 0;
  int last_page = -1;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::uint64_t wakes_ = 0;
};

// "ok", or the failure's kind (as a number) and detail: "2|page 1: sane_read: Document feeder jammed".
std::string outcome(const std::optional<ScanError>& error) {
  if (!error) return "ok";
  return std::to_string(static_cast<int>(error->kind)) + "|" + error->detail;
}

// A flatbed or feeder scan straight through SaneScanner (no service): the raw pages and the outcome.
struct DirectScan {
  std::vector<RawPage> pages;
  ScanOutcome outcome;
};
DirectScan scan_direct(SaneScanner& scanner, ScanRequest request) {
  DirectScan out;
  ScanCallbacks cb;
  cb.page = [&](RawPage&& p) {
    out.pages.push_back(std::move(p));
    return true;
  };
  out.outcome = scanner.scan(request, cb);
  return out;
}

ScanRequest at(int dpi, ScanSource source = ScanSource::flatbed) {
  ScanRequest r;
  r.source = source;
  r.dpi = dpi;
  return r;
}

std::string expected_outcome_prefix(ScanErrorKind kind) { return std::to_string(static_cast<int>(kind)) + "|"; }

// Slows the test backend down (a pause after each buffer) so a scan is still
// running when the test acts on it.
std::vector<SaneOption> slow() { return {{"read-delay", "yes"}, {"read-delay-duration", "20000"}}; }


// Stands in for a device where the test backend cannot: it delivers the given
// pages, then ends with `error_after` (a scanner unplugged after them), or
// blocks in "the driver" until released, ignoring cancels.
struct Gate {
  std::mutex m;
  std::condition_variable cv;
  bool open = false;
  void release() {
    {
      std::lock_guard lk(m);
      open = true;
    }
    cv.notify_all();
  }
  void wait() {
    std::unique_lock lk(m);
    cv.wait(lk, [&] { return open; });
  }
};

class ScriptedScanner final : public Scanner {
 public:
  std::vector<RawPage> pages;
  std::optional<ScanError> error_after;
  std::shared_ptr<Gate> hang;  // set: scan() blocks here first, deaf to cancels

  ScanResult<std::vector<ScanSource>> sources() override { return std::vector<ScanSource>{ScanSource::flatbed}; }
  ScanOutcome scan(const ScanRequest&, const ScanCallbacks& cb) override {
    ScanOutcome out;
    if (hang) {
      if (cb.progress) cb.progress(0, 0.1f);
      hang->wait();
    }
    for (auto page : pages) {
      if (cb.progress && !cb.progress(out.pages, 0.5f)) {
        out.error = ScanError{ScanErrorKind::cancelled, "cancelled"};
        return out;
      }
      ++out.pages;
      if (!cb.page(std::move(page))) {
        out.error = ScanError{ScanErrorKind::cancelled, "stopped"};
        return out;
      }
    }
    out.error = error_after;
    return out;
  }
};

RawPage grey_page(int width, int height, int dpi = 300) {
  RawPage p;
  p.width = width;
  p.height = height;
  p.dpi = dpi;
  p.channels = 1;
  p.pixels.assign(static_cast<std::size_t>(width) * static_cast<std::size_t>(height), 235);
  // Some "text": dark bars, so the page is not blank paper.
  for (int y = 40; y < height - 40; y += 30)
    for (int x = 40; x < width - 40; ++x)
      for (int k = 0; k < 6; ++k)
        p.pixels[static_cast<std::size_t>(y + k) * static_cast<std::size_t>(width) + static_cast<std::size_t>(x)] = 30;
  return p;
}

std::size_t count_ok(const std::vector<ScanPageReady>& pages) {
  std::size_t n = 0;
  for (const auto& p : pages) n += p.page && !p.page->jpeg.empty() ? 1u : 0u;
  return n;
}

}  // namespace

TEST_F(Scanning, AFlatbedPageArrivesCompressedWithAPreviewAndProgressForBothPhases) {
  ScanWaiter waiter;
  // The test backend's largest page, 200 × 200 mm, at the kiosk's 300 dpi,
  // scanned in colour: its grid (black and white squares) as a document page.
  ScanService service(std::make_unique<SaneScanner>("test:0", std::vector<SaneOption>{{"br-x", "200"}, {"br-y", "200"},
                                                                                      {"test-picture", "Grid"}}),
                      waiter.wake());
  waiter.service = &service;
  const auto request = service.start_scan(at(300));
  EXPECT_TRUE(service.busy());
  auto got = waiter.wait_for_done(service, request);
  ASSERT_TRUE(got.done) << "no result within the deadline";
  EXPECT_FALSE(got.done->error) << outcome(got.done->error);
  EXPECT_EQ(got.done->pages, 1);
  ASSERT_EQ(got.pages.size(), 1u);
  EXPECT_EQ(got.pages[0].index, 0);
  const ScannedPage& page = *got.pages[0].page;

  EXPECT_EQ(page.scanned_dpi, 300);
  EXPECT_TRUE(page.within_target) << page.jpeg.size() << " bytes at " << page.dpi << " dpi, quality " << page.quality;
  EXPECT_LE(page.jpeg.size(), 250u * 1024) << "the size target per page";
  const auto decoded = decode_jpeg(page.jpeg);
  ASSERT_TRUE(decoded.ok) << decoded.error;
  EXPECT_EQ(decoded.width, page.width);
  EXPECT_EQ(decoded.height, page.height);
  EXPECT_NEAR(page.width * 300.0 / page.dpi, 2362, 3) << "200 mm at 300 dpi, whatever resolution the JPEG kept";
  EXPECT_EQ(page.channels, 1) << "a black-and-white page scanned in colour is stored grey";

  // The preview: small, RGB, the page's shape, and not black.
  EXPECT_GT(page.preview_width, 0);
  EXPECT_LE(page.preview_width, 720);
  EXPECT_LE(page.preview_height, 1024);
  ASSERT_EQ(page.preview_rgb.size(),
            static_cast<std::size_t>(page.preview_width) * static_cast<std::size_t>(page.preview_height) * 3);
  EXPECT_NEAR(static_cast<double>(page.preview_height) / page.preview_width,
              static_cast<double>(page.height) / page.width, 0.02);
  std::size_t lit = 0, dark = 0;
  for (std::size_t i = 0; i < page.preview_rgb.size(); i += 3) {
    const int sum = page.preview_rgb[i] + page.preview_rgb[i + 1] + page.preview_rgb[i + 2];
    lit += sum > 600 ? 1u : 0u;
    dark += sum < 300 ? 1u : 0u;
  }
  const std::size_t pixels = page.preview_rgb.size() / 3;
  // The test backend's grid: 10 mm squares, black and white in turn.
  EXPECT_GT(lit, pixels / 3) << "the preview shows the white squares";
  EXPECT_GT(dark, pixels / 3) << "… and the black ones";
  EXPECT_GT(page.processing.count(), 0);

  EXPECT_TRUE(waiter.saw_scanning) << "the progress bar shows the scan";
  EXPECT_TRUE(waiter.saw_processing) << "… and the processing";
  EXPECT_FALSE(waiter.went_back) << "progress never goes backwards within a page";
  EXPECT_FALSE(service.busy());
  EXPECT_EQ(service.progress().phase, ScanPhase::idle);
  EXPECT_FLOAT_EQ(service.progress().fraction, 1.0f) << "the progress bar ends full";

  // A colour page keeps its colour.
  ScanService colour(std::make_unique<SaneScanner>("test:0"), waiter.wake());
  got = waiter.wait_for_done(colour, colour.start_scan(at(100)));
  ASSERT_TRUE(got.done);
  ASSERT_EQ(got.pages.size(), 1u) << outcome(got.done->error);
  EXPECT_EQ(got.pages[0].page->channels, 3) << "the test backend's colour pattern";
}

TEST_F(Scanning, TheFeederScansEveryPageUntilItIsEmpty) {
  ScanWaiter waiter;
  ScanService service(std::make_unique<SaneScanner>("test:0"), waiter.wake());
  // The test backend's feeder holds 10 sheets.
  auto got = waiter.wait_for_done(service, service.start_scan(at(75, ScanSource::feeder)));
  ASSERT_TRUE(got.done);
  EXPECT_FALSE(got.done->error) << "an empty feeder after the pages is the normal end: " << outcome(got.done->error);
  EXPECT_EQ(got.done->pages, 10);
  ASSERT_EQ(got.pages.size(), 10u);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(got.pages[static_cast<std::size_t>(i)].index, i);
    EXPECT_TRUE(decode_jpeg(got.pages[static_cast<std::size_t>(i)].page->jpeg).ok) << "page " << i + 1;
  }

  // A batch stops at max_pages, normally.
  auto request = at(75, ScanSource::feeder);
  request.max_pages = 3;
  got = waiter.wait_for_done(service, service.start_scan(request));
  ASSERT_TRUE(got.done);
  EXPECT_FALSE(got.done->error) << outcome(got.done->error);
  EXPECT_EQ(got.pages.size(), 3u);

  // The flatbed gives one page per request.
  got = waiter.wait_for_done(service, service.start_scan(at(75)));
  ASSERT_TRUE(got.done);
  EXPECT_EQ(got.pages.size(), 1u);
}

TEST_F(Scanning, TheDeviceSaysWhichSourcesItHas) {
  SaneScanner scanner("test:0");
  auto sources = scanner.sources();
  ASSERT_TRUE(sources) << sources.error().detail;
  EXPECT_EQ(*sources, (std::vector<ScanSource>{ScanSource::flatbed, ScanSource::feeder}));

  ScanWaiter waiter;
  ScanService service(std::make_unique<SaneScanner>("test:0"), waiter.wake());
  ASSERT_TRUE(waiter.wait_until([&] { return service.sources().has_value(); }));
  EXPECT_EQ(*service.sources(), (std::vector<ScanSource>{ScanSource::flatbed, ScanSource::feeder}));

  ScanService none(std::make_unique<SaneScanner>("test:99"), waiter.wake());
  ASSERT_TRUE(waiter.wait_until([&] { return none.sources().has_value(); }));
  EXPECT_TRUE(none.sources()->empty()) << "no scanner: no scan buttons";

  EXPECT_EQ(classify_source("Flatbed"), ScanSource::flatbed);
  EXPECT_EQ(classify_source("Automatic Document Feeder"), ScanSource::feeder);
  EXPECT_EQ(classify_source("ADF Duplex"), ScanSource::feeder);
  EXPECT_EQ(classify_source("ADF Front"), ScanSource::feeder);
  EXPECT_EQ(classify_source("Document Table"), ScanSource::flatbed);
  EXPECT_EQ(classify_source("Transparency Adapter"), std::nullopt);
}

TEST_F(Scanning, SaneStatusesBecomeWhatTheCitizenIsTold) {
  // The test backend cannot jam between pages; the mapping itself, for every status.
  struct Case {
    SANE_Status status;
    ScanErrorKind kind;
  };
  const Case cases[] = {
      {SANE_STATUS_JAMMED, ScanErrorKind::jammed},       {SANE_STATUS_COVER_OPEN, ScanErrorKind::cover_open},
      {SANE_STATUS_NO_DOCS, ScanErrorKind::no_docs},     {SANE_STATUS_DEVICE_BUSY, ScanErrorKind::busy},
      {SANE_STATUS_CANCELLED, ScanErrorKind::cancelled}, {SANE_STATUS_IO_ERROR, ScanErrorKind::failed},
      {SANE_STATUS_NO_MEM, ScanErrorKind::failed},       {SANE_STATUS_INVAL, ScanErrorKind::failed},
      {SANE_STATUS_ACCESS_DENIED, ScanErrorKind::failed},
  };
  for (const auto& c : cases) {
    const ScanError e = scan_error_from_sane(c.status, "sane_read");
    EXPECT_EQ(e.kind, c.kind) << e.detail;
    EXPECT_EQ(e.detail.rfind("sane_read: ", 0), 0u) << e.detail;
    EXPECT_GT(e.detail.size(), std::string("sane_read: ").size()) << "SANE's own words follow";
  }
}

TEST_F(Scanning, AFirstDeviceIsUsedWhenNoneIsNamed) {
  SaneScanner scanner("");
  auto scan = scan_direct(scanner, at(75));
  ASSERT_FALSE(scan.outcome.error) << outcome(scan.outcome.error);
  ASSERT_EQ(scan.pages.size(), 1u);
  EXPECT_EQ(scan.pages[0].dpi, 75);
  EXPECT_EQ(scan.pages[0].channels, 3);
  EXPECT_EQ(scan.pages[0].pixels.size(), static_cast<std::size_t>(scan.pages[0].width) *
                                             static_cast<std::size_t>(scan.pages[0].height) * 3);
  // The kiosk asks the test backend for a 148 × 200 mm page.
  EXPECT_NEAR(scan.pages[0].width, 148 / 25.4 * 75, 1.5);
  EXPECT_NEAR(scan.pages[0].height, 200 / 25.4 * 75, 1.5);
}

TEST_F(Scanning, AnOptionTheDeviceDoesNotHaveDoesNotStopScanning) {
  SaneScanner scanner("test:0", {{"no-such-option", "1"}, {"test-picture", "No such picture"}, {"read-delay", "maybe"}});
  auto scan = scan_direct(scanner, at(75));
  ASSERT_FALSE(scan.outcome.error) << outcome(scan.outcome.error);
  EXPECT_EQ(scan.pages.size(), 1u);
}

TEST_F(Scanning, AMissingScannerSaysSoInVietnamese) {
  for (const char* device : {"test:99", "nosuchbackend:0", "nosuchbackend"}) {
    SaneScanner scanner(device);
    auto scan = scan_direct(scanner, at(75));
    ASSERT_TRUE(scan.outcome.error) << device;
    EXPECT_EQ(scan.outcome.error->kind, ScanErrorKind::no_scanner) << device << ": " << scan.outcome.error->detail;
    EXPECT_NE(scan.outcome.error->detail.find(device), std::string::npos)
        << "the log names the device: " << scan.outcome.error->detail;
    EXPECT_FALSE(scanner.sources()) << device;
  }
  ScanWaiter waiter;
  ScanService service(std::make_unique<SaneScanner>("test:99"), waiter.wake());
  auto got = waiter.wait_for_done(service, service.start_scan(at(75)));
  ASSERT_TRUE(got.done);
  ASSERT_TRUE(got.done->error);
  EXPECT_EQ(got.done->error->kind, ScanErrorKind::no_scanner);
  EXPECT_EQ(got.done->pages, 0);
  EXPECT_EQ(vietnamese_message(ScanErrorKind::no_scanner),
            "Không tìm thấy máy quét. Xin vui lòng báo cán bộ tại quầy.");
}

TEST_F(Scanning, DeviceFaultsBecomeMessagesTheCitizenCanActOn) {
  struct Case {
    const char* status;
    ScanSource source;
    ScanErrorKind kind;
    const char* says;  // part of the Vietnamese message
  };
  const Case cases[] = {
      {"SANE_STATUS_JAMMED", ScanSource::feeder, ScanErrorKind::jammed, "Giấy bị kẹt"},
      {"SANE_STATUS_COVER_OPEN", ScanSource::flatbed, ScanErrorKind::cover_open, "Nắp máy quét đang mở"},
      {"SANE_STATUS_NO_DOCS", ScanSource::feeder, ScanErrorKind::no_docs, "Chưa thấy giấy tờ"},
      {"SANE_STATUS_DEVICE_BUSY", ScanSource::flatbed, ScanErrorKind::busy, "Máy quét đang bận"},
      {"SANE_STATUS_IO_ERROR", ScanSource::flatbed, ScanErrorKind::failed, "Quét chưa thành công"},
  };
  for (const auto& c : cases) {
    const std::string got = isolated([&] {
      SaneScanner scanner("test:0", {{"read-return-value", c.status}});
      auto scan = scan_direct(scanner, at(75, c.source));
      if (!scan.pages.empty()) return std::string("a page came through");
      return outcome(scan.outcome.error);
    });
    EXPECT_EQ(got.rfind(expected_outcome_prefix(c.kind), 0), 0u) << c.status << " → " << got;
    const std::string message = vietnamese_message(c.kind);
    EXPECT_NE(message.find(c.says), std::string::npos) << c.status << " → " << message;
  }
}

TEST_F(Scanning, EveryFailureHasAVietnameseAndAnEnglishMessage) {
  auto i18n = I18n::load(std::filesystem::path(MOTCUA_SOURCE_DIR) / "assets" / "i18n");
  ASSERT_TRUE(i18n) << i18n.error().message;
  for (auto kind : {ScanErrorKind::no_scanner, ScanErrorKind::busy, ScanErrorKind::jammed, ScanErrorKind::cover_open,
                    ScanErrorKind::no_docs, ScanErrorKind::cancelled, ScanErrorKind::failed}) {
    const std::string key = std::string(message_key(kind));
    i18n->set_lang(Lang::vi);
    const std::string vi = i18n->tr(key);
    i18n->set_lang(Lang::en);
    const std::string en = i18n->tr(key);
    EXPECT_NE(vi, key) << "no Vietnamese text for " << key;
    EXPECT_NE(en, key) << "no English text for " << key;
    EXPECT_NE(vi, en) << key << " is not translated";
  }
}

TEST_F(Scanning, TappingScanTwiceScansOnce) {
  ScanWaiter waiter;
  ScanService service(std::make_unique<SaneScanner>("test:0", slow()), waiter.wake());
  const auto first = service.start_scan(at(100));
  const auto second = service.start_scan(at(100));
  EXPECT_EQ(first, second);
  // start_scan returned while the device thread scans: the UI keeps drawing.
  EXPECT_TRUE(service.busy());

  auto got = waiter.wait_for_done(service);
  ASSERT_TRUE(got.done);
  EXPECT_EQ(got.done->request, first);
  EXPECT_EQ(got.pages.size(), 1u);
  EXPECT_FALSE(service.busy());
  EXPECT_TRUE(service.drain().empty());

  const auto third = service.start_scan(at(100));
  EXPECT_NE(third, first);
  got = waiter.wait_for_done(service);
  ASSERT_TRUE(got.done);
  EXPECT_EQ(got.done->request, third);
}

TEST_F(Scanning, CancellingStopsAPageMidway) {
  ScanWaiter waiter;
  ScanService service(std::make_unique<SaneScanner>("test:0", slow()), waiter.wake());
  const auto request = service.start_scan(at(150));
  ASSERT_TRUE(waiter.wait_until([&] { return service.progress().fraction > 0.0f; })) << "the scan never started";
  service.cancel();
  auto got = waiter.wait_for_done(service, request, 20s);
  ASSERT_TRUE(got.done);
  ASSERT_TRUE(got.done->error);
  EXPECT_EQ(got.done->error->kind, ScanErrorKind::cancelled);
  EXPECT_EQ(got.done->pages, 0);
  EXPECT_TRUE(got.pages.empty()) << "half a page is not a page";
  EXPECT_FALSE(service.busy());
}

TEST_F(Scanning, ARescanRightAfterACancelIsANewScan) {
  ScanWaiter waiter;
  ScanService service(std::make_unique<SaneScanner>("test:0", slow()), waiter.wake());
  const auto first = service.start_scan(at(100));
  ASSERT_TRUE(waiter.wait_until([&] { return service.progress().fraction > 0.0f; })) << "the scan never started";
  service.cancel();
  const auto second = service.start_scan(at(100));
  EXPECT_NE(second, first) << "not folded into the scan being cancelled";
  EXPECT_TRUE(service.busy());
  auto got = waiter.wait_for_done(service, first, 20s);
  ASSERT_TRUE(got.done);
  ASSERT_TRUE(got.done->error);
  EXPECT_EQ(got.done->error->kind, ScanErrorKind::cancelled);
  got = waiter.wait_for_done(service, second, 60s);
  ASSERT_TRUE(got.done);
  EXPECT_FALSE(got.done->error) << outcome(got.done->error);
  EXPECT_EQ(got.pages.size(), 1u);
}

TEST_F(Scanning, CancellingBetweenFeederPagesKeepsThePagesScanned) {
  ScanWaiter waiter;
  ScanService service(std::make_unique<SaneScanner>("test:0", slow()), waiter.wake());
  const auto request = service.start_scan(at(50, ScanSource::feeder));
  ScanWaiter::Request got;
  waiter.wait_until_drained(service, got, [&] { return !got.pages.empty() || got.done; }, request, 60s);
  ASSERT_FALSE(got.pages.empty()) << "no first page";
  service.cancel();
  waiter.wait_until_drained(service, got, [&] { return got.done.has_value(); }, request, 20s);
  ASSERT_TRUE(got.done);
  ASSERT_TRUE(got.done->error);
  EXPECT_EQ(got.done->error->kind, ScanErrorKind::cancelled);
  EXPECT_GE(got.done->pages, 1);
  EXPECT_LT(got.done->pages, 10) << "the feeder stopped";
  EXPECT_EQ(static_cast<int>(got.pages.size()), got.done->pages) << "every page processed before the cancel arrived";
  EXPECT_EQ(count_ok(got.pages), got.pages.size());
}

TEST_F(Scanning, ACancelTheDriverIgnoresDoesNotHangTheKiosk) {
  ScanWaiter waiter;
  auto gate = std::make_shared<Gate>();
  auto scripted = std::make_unique<ScriptedScanner>();
  scripted->hang = gate;
  scripted->pages.push_back(grey_page(400, 500));
  auto service = std::make_unique<ScanService>(std::move(scripted), waiter.wake(),
                                               ScanServiceOptions{std::chrono::milliseconds(300)});
  const auto request = service->start_scan(at(300));
  ASSERT_TRUE(waiter.wait_until([&] { return service->progress().fraction > 0.0f; }));
  const auto cancelled_at = std::chrono::steady_clock::now();
  service->cancel();
  auto got = waiter.wait_for_done(*service, request, 10s);
  ASSERT_TRUE(got.done) << "the cancel hung";
  EXPECT_LT(std::chrono::steady_clock::now() - cancelled_at, 5s);
  ASSERT_TRUE(got.done->error);
  EXPECT_EQ(got.done->error->kind, ScanErrorKind::cancelled);
  EXPECT_FALSE(service->busy()) << "the screen is free again";

  // The driver is still stuck: a new scan says the scanner is busy at once.
  const auto next = service->start_scan(at(300));
  got = waiter.wait_for_done(*service, next, 10s);
  ASSERT_TRUE(got.done);
  ASSERT_TRUE(got.done->error);
  EXPECT_EQ(got.done->error->kind, ScanErrorKind::busy);

  // The driver comes back: what it still produced for the abandoned request
  // is dropped, and the scanner works again.
  gate->release();
  // Until the driver has returned, a tap still says busy; the citizen taps again.
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  do {
    got = waiter.wait_for_done(*service, service->start_scan(at(300)), 20s);
    ASSERT_TRUE(got.done);
    if (!got.done->error || got.done->error->kind != ScanErrorKind::busy) break;
    std::this_thread::sleep_for(10ms);
  } while (std::chrono::steady_clock::now() < deadline);
  EXPECT_FALSE(got.done->error) << outcome(got.done->error);
  EXPECT_EQ(got.pages.size(), 1u);
  for (const auto& p : got.pages) EXPECT_NE(p.request, request) << "a page of the abandoned scan arrived";

  // A service whose driver never returns is destroyed without waiting forever.
  auto stuck_gate = std::make_shared<Gate>();
  auto stuck = std::make_unique<ScriptedScanner>();
  stuck->hang = stuck_gate;
  auto doomed = std::make_unique<ScanService>(std::move(stuck), waiter.wake(),
                                              ScanServiceOptions{std::chrono::milliseconds(300)});
  doomed->start_scan(at(300));
  ASSERT_TRUE(waiter.wait_until([&] { return doomed->progress().fraction > 0.0f; }));
  const auto destroying = std::chrono::steady_clock::now();
  doomed.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - destroying, 5s);
  stuck_gate->release();  // the detached thread finishes and frees what it holds
}

TEST_F(Scanning, AScannerUnpluggedAfterTwoFeederPagesKeepsThem) {
  ScanWaiter waiter;
  auto scripted = std::make_unique<ScriptedScanner>();
  scripted->pages = {grey_page(800, 1100), grey_page(800, 1100)};
  scripted->error_after = scan_error_from_sane(SANE_STATUS_IO_ERROR, "sane_read (page 3)");
  ScanService service(std::move(scripted), waiter.wake());
  auto got = waiter.wait_for_done(service, service.start_scan(at(300, ScanSource::feeder)));
  ASSERT_TRUE(got.done);
  ASSERT_TRUE(got.done->error);
  EXPECT_EQ(got.done->error->kind, ScanErrorKind::failed);
  EXPECT_EQ(got.done->pages, 2);
  ASSERT_EQ(got.pages.size(), 2u);
  EXPECT_EQ(count_ok(got.pages), 2u);
}

TEST_F(Scanning, BadPagesAreRefusedWithAReasonNeverACrash) {
  const document::CompressOptions options;
  // 0 bytes; 0 lines; fewer bytes than the sizes say (cut off mid-page); 100,000 lines.
  RawPage empty = grey_page(100, 100);
  empty.pixels.clear();
  RawPage no_lines = grey_page(100, 100);
  no_lines.height = 0;
  no_lines.pixels.clear();
  RawPage truncated = grey_page(800, 1100);
  truncated.pixels.resize(1000);
  RawPage enormous;
  enormous.width = 2480;
  enormous.height = 100000;
  enormous.dpi = 300;
  enormous.pixels.assign(1000, 255);
  for (const RawPage* bad : {&empty, &no_lines, &truncated, &enormous}) {
    auto page = process_page(*bad, options);
    ASSERT_FALSE(page) << bad->width << " × " << bad->height;
    EXPECT_EQ(page.error().kind, ScanErrorKind::failed);
    EXPECT_FALSE(page.error().detail.empty());
  }
  EXPECT_NE(process_page(enormous, options).error().detail.find("100000"), std::string::npos)
      << process_page(enormous, options).error().detail;

  // Through the service: a good page, then a 0-byte one: the good one is kept
  // and the request ends with the reason.
  ScanWaiter waiter;
  auto scripted = std::make_unique<ScriptedScanner>();
  scripted->pages = {grey_page(800, 1100), empty, grey_page(800, 1100)};
  ScanService service(std::move(scripted), waiter.wake());
  auto got = waiter.wait_for_done(service, service.start_scan(at(300, ScanSource::feeder)));
  ASSERT_TRUE(got.done);
  ASSERT_TRUE(got.done->error);
  EXPECT_EQ(got.done->error->kind, ScanErrorKind::failed);
  EXPECT_NE(got.done->error->detail.find("page 2"), std::string::npos) << got.done->error->detail;
  EXPECT_EQ(got.done->pages, 1);
  EXPECT_EQ(got.pages.size(), 1u);
}

TEST_F(Scanning, APageLargerThanTheMemoryLimitIsRefusedBeforeItFillsMemory) {
  // A frame that announces its size (the flatbed) is refused before a byte is
  // read; one that does not (a hand scanner: -1 lines) when it passes the limit.
  for (const bool hand : {false, true}) {
    const std::string got = isolated([&] {
      std::vector<SaneOption> opts;
      if (hand) opts.push_back({"hand-scanner", "yes"});
      SaneScanner scanner("test:0", opts);
      auto request = at(300);
      request.max_page_bytes = 1 << 20;  // 1 MiB: less than the page
      auto scan = scan_direct(scanner, request);
      if (!scan.pages.empty()) return std::string("a page came through");
      return outcome(scan.outcome.error);
    });
    EXPECT_EQ(got.rfind(expected_outcome_prefix(ScanErrorKind::failed), 0), 0u) << got;
    EXPECT_NE(got.find("too large"), std::string::npos) << (hand ? "hand scanner: " : "flatbed: ") << got;
  }
}
