// Issue 6 figure through the live path (docs/performance.md, "Submitting"): the
// time from the end of a page's scan to its processed page (JPEG within the size
// target + preview) being published by ScanService's device thread, and the JPEG
// size per page. Pages come from the real SANE `test` backend through SaneScanner
// (its feeder: 10 sheets per request) and, for true A4 text pages the test
// backend cannot produce (its largest page is 200 × 200 mm, patterns only), from
// synthetic 300 dpi A4 scans (tests/support/synthetic_page) replayed through the
// same Scanner interface into the same ScanService. Prints; never fails.
//
//   build/bin/motcua_scan_bench [REQUESTS=2]

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "devices/sane_scanner.hpp"
#include "devices/scan_service.hpp"
#include "support/synthetic_page.hpp"
#include "support/temp_dir.hpp"

using namespace motcua;
using namespace motcua::kiosk;

namespace {

// Synthetic A4 pages handed over as a scanner would hand over raw pixels.
class ReplayScanner final : public Scanner {
 public:
  explicit ReplayScanner(std::vector<test::SyntheticPage> pages) : pages_(std::move(pages)) {}
  ScanResult<std::vector<ScanSource>> sources() override { return std::vector<ScanSource>{ScanSource::feeder}; }
  ScanOutcome scan(const ScanRequest&, const ScanCallbacks& cb) override {
    ScanOutcome out;
    for (const auto& p : pages_) {
      RawPage raw{p.width, p.height, p.channels, p.dpi, p.pixels};  // the copy is the "scan"
      ++out.pages;
      if (!cb.page(std::move(raw))) break;
    }
    return out;
  }

 private:
  std::vector<test::SyntheticPage> pages_;
};

struct Sample {
  double ms = 0, cpu_ms = 0;
  std::size_t bytes = 0;
  int dpi = 0, quality = 0, channels = 0;
  bool within = false;
};

std::vector<Sample> run(std::unique_ptr<Scanner> scanner, int requests) {
  std::mutex m;
  std::condition_variable cv;
  std::uint64_t wakes = 0;
  ScanService service(std::move(scanner), [&] {
    {
      std::lock_guard lk(m);
      ++wakes;
    }
    cv.notify_all();
  });
  std::vector<Sample> out;
  for (int r = 0; r < requests; ++r) {
    ScanRequest request;
    request.source = ScanSource::feeder;
    request.dpi = 300;
    const auto id = service.start_scan(request);
    bool done = false;
    while (!done) {
      std::unique_lock lk(m);
      const auto seen = wakes;
      lk.unlock();
      for (auto& e : service.drain()) {
        if (auto* p = std::get_if<ScanPageReady>(&e)) {
          const auto& page = *p->page;
          out.push_back({static_cast<double>(page.processing.count()) / 1000.0,
                         static_cast<double>(page.processing_cpu.count()) / 1000.0, page.jpeg.size(), page.dpi,
                         page.quality, page.channels, page.within_target});
        } else if (auto* d = std::get_if<ScanDone>(&e); d && d->request == id) {
          if (d->error) std::fprintf(stderr, "request %d: %s\n", r, d->error->detail.c_str());
          done = true;
        }
      }
      if (done) break;
      lk.lock();
      cv.wait_for(lk, std::chrono::seconds(60), [&] { return wakes != seen; });
    }
  }
  return out;
}

void report(const char* name, std::vector<Sample> s) {
  if (s.empty()) {
    std::printf("%-52s no pages\n", name);
    return;
  }
  std::vector<double> ms, cpu;
  std::vector<std::size_t> kb;
  int within = 0;
  for (const auto& x : s) {
    ms.push_back(x.ms);
    cpu.push_back(x.cpu_ms);
    kb.push_back(x.bytes);
    within += x.within ? 1 : 0;
  }
  std::sort(ms.begin(), ms.end());
  std::sort(cpu.begin(), cpu.end());
  std::sort(kb.begin(), kb.end());
  const auto median = [](const auto& v) { return v[v.size() / 2]; };
  std::printf("%-52s pages %3zu  end of scan -> processed page: median %6.1f ms, worst %6.1f ms"
              " (CPU median %6.1f, worst %6.1f);  JPEG median %5.1f KB, largest %5.1f KB, within 250 KB %d/%zu;"
              "  first page: %d dpi q%d %s\n",
              name, s.size(), median(ms), ms.back(), median(cpu), cpu.back(), static_cast<double>(median(kb)) / 1024.0,
              static_cast<double>(kb.back()) / 1024.0, within, s.size(), s[0].dpi, s[0].quality,
              s[0].channels == 1 ? "grey" : "colour");
}

}  // namespace

int main(int argc, char** argv) {
  const int requests = argc > 1 ? std::max(1, std::atoi(argv[1])) : 2;
  test::TempDir dir;
  auto config = prepare_sane_test_config(dir / "sane");
  if (!config) {
    std::fprintf(stderr, "SANE test configuration: %s\n", config.error().describe().c_str());
    return 1;
  }
  ::setenv("SANE_CONFIG_DIR", config->c_str(), 1);

  const std::vector<SaneOption> big{{"br-x", "200"}, {"br-y", "200"}};
  auto grid = big;
  grid.push_back({"test-picture", "Grid"});
  report("SANE test, 300 dpi 200x200 mm colour scan of its grid",
         run(std::make_unique<SaneScanner>("test:0", grid), requests));
  auto grid_grey = grid;
  grid_grey.push_back({"mode", "Gray"});
  report("SANE test, 300 dpi 200x200 mm grey scan of its grid",
         run(std::make_unique<SaneScanner>("test:0", grid_grey), requests));
  report("SANE test, 300 dpi 200x200 mm colour pattern", run(std::make_unique<SaneScanner>("test:0", big), requests));

  const std::pair<const char*, test::SyntheticPageOptions> a4[] = {
      {"replayed A4 300 dpi: grey form", {}},
      {"replayed A4 300 dpi: colour scan of the form", {.channels = 3}},
      {"replayed A4 300 dpi: colour form with a red seal", {.channels = 3, .colour_stamp = true}},
      {"replayed A4 300 dpi: grey dense text", {.layout = test::PageLayout::dense_text}},
      {"replayed A4 300 dpi: colour dense text + seal",
       {.layout = test::PageLayout::dense_text, .channels = 3, .colour_stamp = true}},
  };
  for (const auto& [name, options] : a4) {
    std::vector<test::SyntheticPage> pages;
    for (unsigned i = 0; i < 10; ++i) {
      auto o = options;
      o.seed = i + 1;
      pages.push_back(test::text_page(o));
    }
    report(name, run(std::make_unique<ReplayScanner>(std::move(pages)), 1));
  }
  return 0;
}
