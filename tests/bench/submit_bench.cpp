// "Submit → receipt on screen" (issue 6, goal ≤ 500 ms): the time from
// Backend::submit() to the ReceiptReady event the UI drains, for a realistic
// dossier — 3 documents, PDFs of 3, 2 and 3 pages of 230 KB JPEG each (random
// bytes of that size: the kiosk neither parses nor compresses them on this
// path), 1.84 MB in all.
//
// Real parts: the kiosk's worker (kiosk/model/backend) on its own data
// directory, the real KioskStore (SQLite, outbox files written durably), the
// real SyncEngine, and a real motcua-hub process on loopback with TLS and a
// kiosk bundle (tests/support/hub_process). Cases, each on a kiosk data
// directory of its own (bundle + one sync pass: catalog replica and today's
// leased codes, as a kiosk has after it has been online):
//   offline-leased  no hub configured (leased codes from the earlier sync)
//   offline-provis. no hub configured, no leased codes: provisional codes
//   unreachable     hub configured at https://127.0.0.1:1 (connection refused)
//   online-leased   hub up; the kiosk holds leased official codes (the usual case)
//   online-nolease  hub up; the kiosk's leases deleted before each submit (first
//                   dossier of the day for an agency, or leases used up): the
//                   worker waits for the hub's code (official_code_wait, 2.5 s)
//   hub-just-died   hub stopped after the kiosk saw it online, leases deleted:
//                   the engine still says online when the citizen submits
// Between submits the outbox is drained (citizens come minutes apart). Each
// receipt is classified: leased (official code from a lease, no wait), hub (the
// hub's code arrived within the wait) or provisional (the wait ran out or was
// skipped).
//
// usage: motcua_submit_bench [RUNS=30] [DIED_RUNS=3]
// Prints median, p95 and max per case; never fails on the goal.

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "model/backend.hpp"
#include "motcua/client/kiosk_store.hpp"
#include "motcua/client/sync_engine.hpp"
#include "motcua/util/clock.hpp"
#include "motcua/util/log.hpp"
#include "support/hub_process.hpp"
#include "support/temp_dir.hpp"

using namespace motcua;
using namespace std::chrono_literals;
namespace stdfs = std::filesystem;
using Steady = std::chrono::steady_clock;

namespace {

constexpr std::size_t kPageBytes = 230 * 1024;
constexpr int kPagesPerDocument[] = {3, 2, 3};

std::vector<std::uint8_t> random_bytes(std::size_t n, std::mt19937_64& rng) {
  std::vector<std::uint8_t> out(n);
  for (std::size_t i = 0; i < n; i += 8) {
    const std::uint64_t w = rng();
    for (std::size_t b = 0; b < 8 && i + b < n; ++b) out[i + b] = static_cast<std::uint8_t>(w >> (8 * b));
  }
  return out;
}

// Fresh bytes for each dossier: the outbox and the hub store documents by
// content, and a citizen's scans are never the same twice.
client::NewDossier make_dossier(const domain::Service& service, std::mt19937_64& rng) {
  client::NewDossier d;
  d.service_code = service.code;
  d.agency_id = service.agency;
  d.service_name = service.name;
  d.applicant = {"Nguyễn Thị Thu Hà", "0912345678"};
  const char* names[] = {"Tờ khai", "Giấy chứng sinh", "Căn cước của người đi khai"};
  for (std::size_t i = 0; i < std::size(kPagesPerDocument); ++i) {
    client::NewDocument doc;
    doc.id = "d" + std::to_string(i + 1);
    doc.name = names[i];
    doc.content_type = "application/pdf";
    doc.bytes = random_bytes(kPageBytes * static_cast<std::size_t>(kPagesPerDocument[i]) + 2048, rng);
    d.documents.push_back(std::move(doc));
  }
  return d;
}

int kiosk_number(const stdfs::path& dir) {
  std::ifstream in(dir / "kiosk.toml");
  std::stringstream text;
  text << in.rdbuf();
  std::smatch m;
  const std::string s = text.str();
  if (std::regex_search(s, m, std::regex(R"(number\s*=\s*(\d+))"))) return std::stoi(m[1]);
  return 1;
}

// Runs one statement on the kiosk's database beside the worker (WAL: the
// worker's connection sees it at its next transaction); returns the first
// column of the first row, if any.
std::int64_t kiosk_sql(const stdfs::path& dir, const char* sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open((dir / "kiosk.db").string().c_str(), &db) != SQLITE_OK) throw std::runtime_error("open kiosk.db");
  sqlite3_busy_timeout(db, 5000);
  std::int64_t value = 0;
  char* err = nullptr;
  const int rc = sqlite3_exec(
      db, sql,
      [](void* out, int, char** cols, char**) {
        if (cols[0]) *static_cast<std::int64_t*>(out) = std::atoll(cols[0]);
        return 0;
      },
      &value, &err);
  std::string msg = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(db);
  if (rc != SQLITE_OK) throw std::runtime_error(std::string(sql) + ": " + msg);
  return value;
}

// Takes the kiosk's leased codes away, once the sync pass that delivered the
// previous dossier has topped them up (else its top-up would follow the
// deletion and the next dossier would get a leased code after all).
void delete_leases(const stdfs::path& dir) {
  // Every receiving agency's top-up (KioskStore::receiving_agencies), not
  // just the first: the pass leases for one agency after the other.
  const auto agencies = kiosk_sql(
      dir,
      "SELECT count(DISTINCT json_extract(body, '$.agency')) FROM catalog WHERE kind = 'service' AND "
      "(coalesce(json_extract(body, '$.level'), 0) >= 3 OR json_extract(body, '$.online_scope') IS NOT NULL)");
  const auto deadline = Steady::now() + 20s;
  while (kiosk_sql(dir, "SELECT count(DISTINCT agency_id) FROM code_leases WHERE next <= last") < agencies) {
    if (Steady::now() > deadline) throw std::runtime_error("the kiosk leased no codes within 20 s");
    std::this_thread::sleep_for(20ms);  // a bench polling the kiosk's database, not a test
  }
  kiosk_sql(dir, "DELETE FROM code_leases");
}

// The UI's side of the worker: events arrive through drain() after a wake.
class Screen {
 public:
  explicit Screen(kiosk::BackendConfig config)
      : backend_(std::move(config), clock_, [this] {
          {
            std::lock_guard lk(m_);
            woken_ = true;
          }
          cv_.notify_all();
        }) {}
  ~Screen() { backend_.stop(); }

  kiosk::Backend& backend() { return backend_; }

  // Drains events until pred(event) holds or the deadline passes.
  template <class Pred>
  bool wait_for(Pred pred, std::chrono::milliseconds limit) {
    const auto deadline = Steady::now() + limit;
    for (;;) {
      for (auto& e : backend_.drain()) {
        if (auto* s = std::get_if<kiosk::SyncStatusChanged>(&e)) status_ = s->status;
        if (auto* c = std::get_if<kiosk::CatalogLoaded>(&e)) catalog_ = c->catalog;
        if (pred(e)) return true;
      }
      std::unique_lock lk(m_);
      if (!cv_.wait_until(lk, deadline, [&] { return woken_; })) return false;
      woken_ = false;
    }
  }
  const kiosk::SyncStatus& status() const { return status_; }
  std::shared_ptr<const kiosk::CatalogSnapshot> catalog() const { return catalog_; }

 private:
  SystemClock clock_;
  std::mutex m_;
  std::condition_variable cv_;
  bool woken_ = false;
  kiosk::SyncStatus status_;
  std::shared_ptr<const kiosk::CatalogSnapshot> catalog_;
  kiosk::Backend backend_;  // last: its threads call the members above
};

enum class CodeKind { leased, hub, provisional };

struct Sample {
  double ms = 0;
  CodeKind kind = CodeKind::provisional;
};

// submit() → ReceiptReady drained, as the UI sees it.
Sample submit_once(Screen& screen, client::NewDossier dossier) {
  const auto t0 = Steady::now();
  const auto request = screen.backend().submit(std::move(dossier));
  std::optional<kiosk::Receipt> receipt;
  const bool ok = screen.wait_for(
      [&](kiosk::BackendEvent& e) {
        if (auto* r = std::get_if<kiosk::ReceiptReady>(&e); r && r->request == request) {
          receipt = std::move(r->receipt);
          return true;
        }
        if (auto* f = std::get_if<kiosk::SubmitFailed>(&e); f && f->request == request)
          throw std::runtime_error("submit failed: " + f->error.describe());
        return false;
      },
      30s);
  const auto t1 = Steady::now();
  if (!ok) throw std::runtime_error("no receipt within 30 s");
  Sample s;
  s.ms = std::chrono::duration<double, std::milli>(t1 - t0).count();
  s.kind = receipt->provisional ? CodeKind::provisional
                                : (receipt->provisional_code.empty() ? CodeKind::leased : CodeKind::hub);
  return s;
}

// Waits until the worker reports the outbox empty (every dossier on the hub).
// No sync_now() here: a pass it started would top up the leases
// delete_leases() is about to take away.
void wait_drained(Screen& screen) {
  if (screen.backend().sync_status().outbox_depth == 0) return;
  if (!screen.wait_for([&](kiosk::BackendEvent&) { return screen.backend().sync_status().outbox_depth == 0; }, 60s))
    throw std::runtime_error("the outbox did not drain within 60 s");
}

void wait_online(Screen& screen) {
  screen.backend().sync_now();
  if (screen.backend().sync_status().online) return;
  if (!screen.wait_for([&](kiosk::BackendEvent&) { return screen.backend().sync_status().online; }, 30s))
    throw std::runtime_error("the kiosk did not see the hub within 30 s");
}

void report(const std::string& name, std::vector<Sample> samples) {
  if (samples.empty()) return;
  std::vector<double> ms;
  std::map<CodeKind, int> kinds;
  for (const auto& s : samples) {
    ms.push_back(s.ms);
    ++kinds[s.kind];
  }
  std::sort(ms.begin(), ms.end());
  auto pct = [&](double p) {
    const auto i = static_cast<std::size_t>(p * static_cast<double>(ms.size() - 1) + 0.5);
    return ms[std::min(i, ms.size() - 1)];
  };
  std::printf("%-16s runs %3zu  median %8.1f ms  p95 %8.1f ms  min %8.1f  max %8.1f   codes: leased %d, hub %d, provisional %d\n",
              name.c_str(), ms.size(), pct(0.5), pct(0.95), ms.front(), ms.back(), kinds[CodeKind::leased],
              kinds[CodeKind::hub], kinds[CodeKind::provisional]);
  std::fflush(stdout);
}

kiosk::BackendConfig config_for(const stdfs::path& dir, std::optional<client::HubEndpoint> hub) {
  kiosk::BackendConfig c;
  c.data_dir = dir;
  c.kiosk_id = dir.filename().string();
  c.kiosk_number = kiosk_number(dir);
  c.hub = std::move(hub);
  return c;
}

// A kiosk as it is after its first sync: catalog replica and leased codes.
stdfs::path prepared_kiosk(test::HubProcess& hub, const std::string& id) {
  const auto dir = hub.make_kiosk(id);
  SystemClock clock;
  client::SyncEngine engine(hub.sync_config(dir), clock);
  if (auto r = engine.run_once(); !r) throw std::runtime_error("first sync of " + id + ": " + r.error().describe());
  return dir;
}

}  // namespace

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::atoi(argv[1]) : 30;
  const int died_runs = argc > 2 ? std::atoi(argv[2]) : 3;
  log::set_level(log::Level::error);
  try {
    test::TempDir tmp;
    test::HubProcess hub(tmp.path());
    std::mt19937_64 rng(6);

    // The service every dossier is for: the catalog's first.
    domain::Service service;
    {
      const auto dir = prepared_kiosk(hub, "K-PROBE");
      Screen screen(config_for(dir, std::nullopt));
      screen.backend().start();
      if (!screen.wait_for([](kiosk::BackendEvent& e) { return std::holds_alternative<kiosk::CatalogLoaded>(e); }, 30s) ||
          !screen.catalog() || screen.catalog()->catalog.services.empty())
        throw std::runtime_error("no catalog in the kiosk replica");
      service = screen.catalog()->catalog.services.front();
    }
    std::printf("dossier: service %s (%s), 3 documents of %d+%d+%d pages × 230 KB\n", service.code.c_str(),
                service.agency.c_str(), kPagesPerDocument[0], kPagesPerDocument[1], kPagesPerDocument[2]);

    auto warm_then_measure = [&](Screen& screen, bool drain, bool no_leases, const stdfs::path& dir) {
      std::vector<Sample> samples;
      for (int i = -2; i < runs; ++i) {  // two warm-up submits, not counted
        if (drain) wait_drained(screen);
        if (no_leases) delete_leases(dir);
        auto d = make_dossier(service, rng);
        const Sample s = submit_once(screen, std::move(d));
        if (i >= 0) samples.push_back(s);
      }
      return samples;
    };

    {
      const auto dir = prepared_kiosk(hub, "K-OFFLINE");
      Screen screen(config_for(dir, std::nullopt));
      screen.backend().start();
      report("offline-leased", warm_then_measure(screen, false, false, dir));
      // A kiosk that has not been online today: provisional codes.
      kiosk_sql(dir, "DELETE FROM code_leases");
      report("offline-provis.", warm_then_measure(screen, false, false, dir));
    }
    {
      const auto dir = prepared_kiosk(hub, "K-UNREACH");
      auto ep = hub.kiosk_endpoint(dir);
      ep.base_url = "https://127.0.0.1:1";
      Screen screen(config_for(dir, ep));
      screen.backend().start();
      report("unreachable", warm_then_measure(screen, false, false, dir));
    }
    {
      const auto dir = prepared_kiosk(hub, "K-ONLINE");
      Screen screen(config_for(dir, hub.kiosk_endpoint(dir)));
      screen.backend().start();
      wait_online(screen);
      report("online-leased", warm_then_measure(screen, true, false, dir));
      report("online-nolease", warm_then_measure(screen, true, true, dir));
    }
    {
      const auto dir = prepared_kiosk(hub, "K-DIED");
      Screen screen(config_for(dir, hub.kiosk_endpoint(dir)));
      screen.backend().start();
      std::vector<Sample> samples;
      for (int i = 0; i < died_runs; ++i) {
        if (!hub.running()) hub.start();
        wait_online(screen);
        wait_drained(screen);
        hub.stop();
        delete_leases(dir);
        samples.push_back(submit_once(screen, make_dossier(service, rng)));
      }
      report("hub-just-died", samples);
      if (!hub.running()) hub.start();
    }
  } catch (const std::exception& e) {
    std::cerr << "motcua_submit_bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
