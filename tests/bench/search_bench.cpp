// Kiosk-side figures: search time per keystroke, catalog snapshot build and
// replica load over generated catalogs (docs/performance.md).
//   build/bin/motcua_bench --benchmark_filter=Search

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <map>

#include "model/catalog_snapshot.hpp"
#include "motcua/client/kiosk_store.hpp"
#include "motcua/domain/synthetic_catalog.hpp"

using namespace motcua;

namespace {

const kiosk::CatalogSnapshot& snapshot(int services) {
  static std::map<int, std::shared_ptr<const kiosk::CatalogSnapshot>> cache;
  auto& s = cache[services];
  if (!s) s = kiosk::CatalogSnapshot::build(domain::synthetic_catalog(services));
  return *s;
}

double thread_cpu_us() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

// What a citizen types, one keystroke at a time: every prefix is one search.
constexpr const char* kTyped[] = {"cap giay phep xay dung", "đăng ký hộ kinh doanh", "xac nhan tinh trang hon nhan",
                                  "chứng thực", "tro cap xa hoi cho nguoi cao tuoi"};

void BM_SearchPerKeystroke(benchmark::State& state) {
  const auto& snap = snapshot(static_cast<int>(state.range(0)));
  std::vector<std::string> prefixes;
  for (const char* q : kTyped) {
    const std::string s(q);
    for (std::size_t i = 1; i <= s.size(); ++i)
      if ((static_cast<unsigned char>(s[i - 1]) & 0xC0) != 0x80 && (i == s.size() || (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80))
        prefixes.push_back(s.substr(0, i));
  }
  std::size_t k = 0, hits = 0;
  for (auto _ : state) {
    auto r = snap.index.search(prefixes[k], 200);
    hits += r.size();
    benchmark::DoNotOptimize(r.data());
    k = (k + 1) % prefixes.size();
  }
  state.counters["keystrokes"] = static_cast<double>(prefixes.size());
  state.counters["avg_hits"] = static_cast<double>(hits) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_SearchPerKeystroke)->Arg(5000)->Arg(50000)->Unit(benchmark::kMicrosecond);

// The same keystrokes timed one by one, to report the tail (p50/p99/max in µs).
void BM_SearchKeystrokeTail(benchmark::State& state) {
  const auto& snap = snapshot(static_cast<int>(state.range(0)));
  std::vector<double> samples, cpu;  // wall and thread CPU time per keystroke
  std::map<std::string, double> slowest;  // prefix → worst time, printed with MOTCUA_BENCH_SLOW=1
  for (auto _ : state) {
    for (const char* q : kTyped) {
      const std::string s(q);
      for (std::size_t i = 1; i <= s.size(); ++i) {
        if (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;  // mid-character
        const auto t0 = std::chrono::steady_clock::now();
        const double c0 = thread_cpu_us();
        auto r = snap.index.search(std::string_view(s).substr(0, i), 200);
        const double c1 = thread_cpu_us();
        const auto t1 = std::chrono::steady_clock::now();
        benchmark::DoNotOptimize(r.data());
        samples.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
        cpu.push_back(c1 - c0);
        auto& worst = slowest[s.substr(0, i)];
        worst = std::max(worst, cpu.back());
      }
    }
  }
  std::sort(samples.begin(), samples.end());
  if (std::getenv("MOTCUA_BENCH_SLOW")) {
    std::vector<std::pair<double, std::string>> v;
    for (const auto& [q, t] : slowest) v.emplace_back(t, q);
    std::sort(v.rbegin(), v.rend());
    for (std::size_t i = 0; i < std::min<std::size_t>(10, v.size()); ++i)
      std::fprintf(stderr, "  %8.0f us  \"%s\"\n", v[i].first, v[i].second.c_str());
  }
  auto pct = [&](double p) { return samples[static_cast<std::size_t>(p * static_cast<double>(samples.size() - 1))]; };
  state.counters["p50_us"] = pct(0.50);
  state.counters["p99_us"] = pct(0.99);
  state.counters["max_us"] = samples.back();
  // CPU time is what the search costs; wall time also counts waiting for a
  // core, which on a shared machine (compilers running) inflates the tail.
  std::sort(cpu.begin(), cpu.end());
  state.counters["cpu_p50_us"] = cpu[static_cast<std::size_t>(0.50 * static_cast<double>(cpu.size() - 1))];
  state.counters["cpu_p99_us"] = cpu[static_cast<std::size_t>(0.99 * static_cast<double>(cpu.size() - 1))];
}
BENCHMARK(BM_SearchKeystrokeTail)->Arg(5000)->Arg(50000)->Unit(benchmark::kMillisecond);

// Start-up reads the persisted search index instead of building it.
void BM_IndexLoad(benchmark::State& state) {
  const auto& snap = snapshot(static_cast<int>(state.range(0)));
  const auto file = std::filesystem::temp_directory_path() / ("motcua-bench-index-" + std::to_string(state.range(0)));
  if (!snap.index.save(file, 1)) state.SkipWithError("cannot save the index");
  for (auto _ : state) {
    auto idx = kiosk::SearchIndex::load(file, 1);
    if (!idx) state.SkipWithError("cannot load the index");
    benchmark::DoNotOptimize(idx->word_count());
  }
  state.counters["file_MB"] = static_cast<double>(std::filesystem::file_size(file)) / 1e6;
  std::filesystem::remove(file);
}
BENCHMARK(BM_IndexLoad)->Arg(5000)->Arg(50000)->Unit(benchmark::kMillisecond);

void BM_SnapshotBuild(benchmark::State& state) {
  const auto catalog = domain::synthetic_catalog(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    auto snap = kiosk::CatalogSnapshot::build(catalog);
    benchmark::DoNotOptimize(snap.get());
  }
}
BENCHMARK(BM_SnapshotBuild)->Arg(50)->Arg(5000)->Arg(50000)->Unit(benchmark::kMillisecond);

void BM_ReplicaLoad(benchmark::State& state) {
  const auto dir = std::filesystem::temp_directory_path() / ("motcua-bench-" + std::to_string(state.range(0)));
  std::filesystem::remove_all(dir);
  SystemClock clock;
  auto store = client::KioskStore::open(dir, clock);
  const auto catalog = domain::synthetic_catalog(static_cast<int>(state.range(0)));
  protocol::CatalogPage page;
  std::int64_t seq = 0;
  for (const auto& f : catalog.fields) page.changes.push_back({++seq, "field", f.id, false, domain::to_json(f)});
  for (const auto& s : catalog.services) page.changes.push_back({++seq, "service", s.code, false, domain::to_json(s)});
  page.next = seq;
  (void)store->apply_catalog_page(page);
  for (auto _ : state) {
    auto c = store->load_catalog();
    benchmark::DoNotOptimize(c->services.data());
  }
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_ReplicaLoad)->Arg(50)->Arg(5000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
