// motcua-kiosk-agent: the kiosk's real non-UI code in a process the fault tests
// can SIGKILL at any moment — the KioskStore outbox the worker thread writes
// and the SyncEngine thread that delivers it, exactly as kiosk::Backend wires
// them (the worker enqueues, then wakes the engine), minus the screens.
//
//   motcua-kiosk-agent --data DIR [--hub URL] submit --first I --count N [--pages P] [--page-kb K] [--manifest F]
//   motcua-kiosk-agent --data DIR [--hub URL] sync [--timeout-s T] [--forever]
//   motcua-kiosk-agent --data DIR [--hub URL] run  --first I --count N ... (submit while syncing, then drain)
//
// DIR is a kiosk data directory written by `motcua-hub kiosk-bundle`. The
// manifest gets one line per dossier *after* enqueue returned, fdatasynced: the
// moment the kiosk would show the citizen a receipt.
// Exit codes: 0 done, 1 error (stderr says which; "disk_full: ..." for a full
// disk), 2 usage, 3 the outbox was not empty when --timeout-s ran out.

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdlib>
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <optional>

#include "fault/fault_dossier.hpp"
#include "motcua/client/kiosk_store.hpp"
#include "motcua/client/sync_engine.hpp"
#include "motcua/crypto/hash.hpp"
#include "motcua/util/clock.hpp"
#include "motcua/util/config.hpp"
#include "motcua/util/log.hpp"

using namespace motcua;

namespace {

struct Options {
  std::filesystem::path data;
  std::string hub_url;  // overrides kiosk.toml (the tests point it at the fault proxy)
  int connect_timeout_ms = 2000;
  int request_timeout_ms = 10000;
  int low_speed_time_s = 5;
  int backoff_min_ms = 50;
  int backoff_max_ms = 500;
  std::string log_level = "warn";
  // submit / run
  std::uint64_t first = 1;
  int count = 1;
  int pages = 2;
  int page_kb = 64;
  std::filesystem::path manifest;
  // sync / run
  int timeout_s = 0;     // 0 = no deadline
  bool forever = false;  // sync: keep running after the outbox is empty (manual runs)
};

int fail_with(const Error& e) {
  std::cerr << "motcua-kiosk-agent: " << e.describe() << "\n";
  return 1;
}

struct Kiosk {
  std::string id = "KIOSK-01";
  int number = 1;
  client::HubEndpoint hub;
};

Result<Kiosk> load_kiosk(const Options& o) {
  auto cfg = Config::load(o.data / "kiosk.toml");
  if (!cfg) return fail(cfg.error());
  Kiosk k;
  k.id = cfg->string_or("kiosk.id", "KIOSK-01");
  k.number = static_cast<int>(cfg->integer_or("kiosk.number", 1));
  k.hub.base_url = o.hub_url.empty() ? cfg->string_or("hub.url", "") : o.hub_url;
  if (k.hub.base_url.empty()) return fail(Errc::invalid_argument, "no hub URL in kiosk.toml and no --hub");
  k.hub.ca_file = o.data / cfg->string_or("hub.ca", "ca.pem");
  k.hub.client_cert = o.data / cfg->string_or("hub.cert", "kiosk-cert.pem");
  k.hub.client_key = o.data / cfg->string_or("hub.key", "kiosk-key.pem");
  k.hub.connect_timeout = std::chrono::milliseconds(o.connect_timeout_ms);
  k.hub.request_timeout = std::chrono::milliseconds(o.request_timeout_ms);
  k.hub.low_speed_time = std::chrono::seconds(o.low_speed_time_s);
  return k;
}

// The worker's half: enqueue, then record the receipt. Calls wake after each.
int submit(const Options& o, client::KioskStore& store, const Kiosk& kiosk, const std::function<void()>& wake) {
  if (!o.manifest.empty())
    if (auto r = fault::terminate_torn_line(o.manifest); !r) return fail_with(r.error());
  for (int i = 0; i < o.count; ++i) {
    const std::uint64_t n = o.first + static_cast<std::uint64_t>(i);
    const auto dossier = fault::make_dossier(n, o.pages, static_cast<std::size_t>(o.page_kb) * 1024);
    auto queued = store.enqueue(dossier, kiosk.number);
    if (!queued) return fail_with(queued.error());
    fault::ManifestEntry m;
    m.dossier = n;
    m.client_id = queued->client_id;
    m.receipt_code = queued->receipt_code;
    m.lookup_secret = queued->submission.lookup_secret;
    // What the citizen scanned (the outbox may hold it encrypted for the hub).
    for (const auto& d : dossier.documents)
      m.page_sha256.push_back(crypto::hex(crypto::sha256(std::span<const std::uint8_t>(d.bytes))));
    if (!o.manifest.empty())
      if (auto r = fault::append_manifest(o.manifest, m); !r) return fail_with(r.error());
    std::cout << "accepted " << n << " " << m.client_id << " " << m.receipt_code << std::endl;
    if (wake) wake();
  }
  return 0;
}

// The sync thread's half: runs the real SyncEngine thread until the outbox is
// empty. Returns 0, or 3 at the deadline.
class Syncer {
 public:
  Syncer(const Options& o, const Kiosk& kiosk, const Clock& clock) {
    client::SyncConfig c;
    c.hub = kiosk.hub;
    c.database = o.data / "kiosk.db";
    c.data_dir = o.data;
    c.backoff_min = std::chrono::milliseconds(o.backoff_min_ms);
    c.backoff_max = std::chrono::milliseconds(o.backoff_max_ms);
    engine_.emplace(std::move(c), clock);
    engine_->set_listener([this](client::SyncEvent) {
      {
        std::lock_guard lock(mutex_);
        ++events_;
      }
      cv_.notify_all();
    });
    engine_->start();
    engine_->wake();
  }
  ~Syncer() { engine_->stop(); }

  void wake() { engine_->wake(); }

  int drain(client::KioskStore& store, int timeout_s, bool forever) {
    const auto deadline = timeout_s > 0 ? std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s)
                                        : std::chrono::steady_clock::time_point::max();
    for (;;) {
      auto depth = store.outbox_depth();
      if (depth && *depth == 0 && !forever) return 0;
      if (std::chrono::steady_clock::now() >= deadline) {
        std::cerr << "motcua-kiosk-agent: " << (depth ? *depth : -1)
                  << " dossier(s) still queued at the deadline; last error: " << engine_->state().last_error << "\n";
        if (auto pending = store.pending())
          for (const auto& e : *pending)
            std::cerr << "  " << e.receipt_code << " " << e.client_id << " " << client::to_string(e.state)
                      << " attempts " << e.attempts << ": " << e.last_error << "\n";
        // The engine may be inside a long transfer and stopping it could take a
        // whole request timeout; nothing here needs a clean stop (the tests
        // SIGKILL this process all the time).
        std::cerr.flush();
        std::_Exit(3);
      }
      // The engine reports every delivery; the periodic look is a safety net.
      std::unique_lock lock(mutex_);
      const auto seen = events_;
      cv_.wait_for(lock, std::chrono::milliseconds(200), [&] { return events_ != seen; });
    }
  }

 private:
  std::optional<client::SyncEngine> engine_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::uint64_t events_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"motcua-kiosk-agent: the kiosk's outbox and sync engine without the screens, for fault tests"};
  app.add_option("--data", o.data, "kiosk data directory (kiosk.toml, kiosk.db, outbox/)")->required();
  app.add_option("--hub", o.hub_url, "hub URL instead of the one in kiosk.toml");
  app.add_option("--connect-timeout-ms", o.connect_timeout_ms);
  app.add_option("--request-timeout-ms", o.request_timeout_ms);
  app.add_option("--low-speed-time-s", o.low_speed_time_s);
  app.add_option("--backoff-min-ms", o.backoff_min_ms);
  app.add_option("--backoff-max-ms", o.backoff_max_ms);
  app.add_option("--log-level", o.log_level, "debug, info, warn, error or off");
  auto add_submit_options = [&](CLI::App* cmd) {
    cmd->add_option("--first", o.first, "number of the first dossier (unique per kiosk)")->required();
    cmd->add_option("--count", o.count, "how many dossiers")->check(CLI::Range(1, 100000));
    cmd->add_option("--pages", o.pages, "pages per dossier")->check(CLI::Range(1, 100));
    cmd->add_option("--page-kb", o.page_kb, "KiB per page")->check(CLI::Range(1, 65536));
    cmd->add_option("--manifest", o.manifest, "append what was accepted here (fdatasynced)");
  };
  auto* submit_cmd = app.add_subcommand("submit", "queue dossiers in the outbox (no network)");
  add_submit_options(submit_cmd);
  auto* sync_cmd = app.add_subcommand("sync", "run the sync engine until the outbox is empty");
  sync_cmd->add_option("--timeout-s", o.timeout_s, "give up after this long (exit 3); 0 = never");
  sync_cmd->add_flag("--forever", o.forever, "keep syncing after the outbox is empty (until killed)");
  auto* run_cmd = app.add_subcommand("run", "submit while the sync engine runs, then wait until delivered");
  add_submit_options(run_cmd);
  run_cmd->add_option("--timeout-s", o.timeout_s, "give up after this long (exit 3); 0 = never");
  app.require_subcommand(1);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  log::Level level;
  if (!log::parse_level(o.log_level, level)) {
    std::cerr << "motcua-kiosk-agent: unknown log level " << o.log_level << "\n";
    return 2;
  }
  log::set_level(level);

  SystemClock clock;
  auto kiosk = load_kiosk(o);
  if (!kiosk) return fail_with(kiosk.error());
  // Opened (and migrated) before the engine starts, as the kiosk's worker does.
  auto store = client::KioskStore::open(o.data, clock);
  if (!store) return fail_with(store.error());

  if (*submit_cmd) return submit(o, *store, *kiosk, {});
  Syncer syncer(o, *kiosk, clock);
  if (*run_cmd) {
    if (const int rc = submit(o, *store, *kiosk, [&] { syncer.wake(); }); rc != 0) return rc;
  }
  return syncer.drain(*store, o.timeout_s, o.forever);
}
