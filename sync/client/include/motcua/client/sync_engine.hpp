#pragma once
// The kiosk's sync engine: one thread that pulls the catalog, pushes the outbox
// (create → upload each document → seal; several dossiers at once, each on a
// courier thread) and retries with capped exponential backoff and jitter. It
// owns its own connection to the kiosk database, and records what the couriers
// learn in batches (one transaction each). Every step is idempotent on the
// hub, so it can be restarted after any crash.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "motcua/client/hub_client.hpp"
#include "motcua/client/tus_uploader.hpp"
#include "motcua/util/clock.hpp"
#include "motcua/util/error.hpp"

namespace motcua::client {

class KioskStore;

// Capped exponential backoff with jitter, for every error class: after a
// failed pass the step doubles from `min` (the first failure) up to `max`, and
// the engine waits a time drawn uniformly from [step / 2, step], so kiosks
// that lost the hub together do not all come back in step. A success resets
// the step to 0; wake() (a new dossier, the network back) skips the wait.
std::chrono::milliseconds next_backoff_step(std::chrono::milliseconds step, std::chrono::milliseconds min,
                                            std::chrono::milliseconds max);
std::chrono::milliseconds backoff_wait(std::chrono::milliseconds step, std::uint64_t random);

struct SyncConfig {
  HubEndpoint hub;
  std::filesystem::path database;   // the kiosk's SQLite file (kiosk.db)
  std::filesystem::path data_dir;   // outbox files are relative to this
  std::chrono::milliseconds catalog_interval{60000};
  std::chrono::milliseconds backoff_min{500};
  std::chrono::milliseconds backoff_max{60000};
  // Official codes kept in reserve per agency for receipts while offline: when
  // fewer than lease_low are left for today, lease lease_batch more.
  int lease_low = 5;
  int lease_batch = 20;
  // Local copies of delivered dossiers are kept this long after the hub's
  // acknowledgement, then purged.
  std::chrono::milliseconds retention{std::chrono::hours(24 * 7)};
  std::chrono::milliseconds heartbeat_interval{60000};
  // Dossiers delivered at once, each by its own courier (own connections to
  // the hub): a backlog drains while one dossier waits on the hub's disk or the
  // link's latency. 1: one after the other.
  int parallel_dossiers = 4;
  // A dossier queued at most this long ago gets the official code the hub's
  // create answered recorded at once, before its documents go up: the kiosk's
  // worker is waiting for it to print the receipt (it waits 2.5 s at most).
  // Older dossiers get theirs recorded with the seal, one commit per dossier.
  std::chrono::milliseconds announce_code_within{10000};
  std::string version = MOTCUA_VERSION;
};

struct SyncState {
  bool online = false;                 // last hub contact succeeded
  std::optional<TimePoint> last_success;
  std::optional<TimePoint> last_attempt;
  std::int64_t outbox_depth = 0;       // dossiers not yet delivered
  std::int64_t catalog_cursor = 0;
  std::int64_t status_cursor = 0;
  std::optional<TimePoint> catalog_synced_at;  // last complete catalog pull
  std::string last_error;              // empty when the last pass succeeded
  std::chrono::milliseconds next_retry{0};
};

enum class SyncEvent {
  catalog_updated,  // new catalog rows committed
  outbox_changed,   // a dossier got its official code or was delivered
  state_changed,    // online/offline or error changed
};

class SyncEngine {
 public:
  SyncEngine(SyncConfig config, const Clock& clock);
  ~SyncEngine();
  SyncEngine(const SyncEngine&) = delete;
  SyncEngine& operator=(const SyncEngine&) = delete;

  // Called on the sync thread; keep it short (post to a queue, wake the UI).
  void set_listener(std::function<void(SyncEvent)> listener);

  void start();
  void stop();
  // New outbox item, or the network came back: run a pass now (skips backoff).
  void wake();

  SyncState state() const;

  // One full pass on the caller's thread (tests and `--once` tools): catalog pull,
  // outbox push, code leases, status feed, heartbeat, purge. Returns the first
  // error; the state is updated either way.
  Result<void> run_once();

 private:
  void loop();
  Result<void> pull_catalog_with(KioskStore& store);
  // Fails when the hub cannot be reached or the kiosk cannot record what it
  // learnt. A dossier the hub refused (its content, a service it no longer
  // offers) is only that dossier's error: returned as the value, while the
  // rest of the pass — the other dossiers, leases, the status feed, the
  // heartbeat that shows officials the stuck outbox — goes on.
  Result<std::optional<Error>> push_outbox_with(KioskStore& store);
  Result<void> top_up_leases(KioskStore& store);
  Result<void> pull_status_with(KioskStore& store);
  Result<void> send_heartbeat(KioskStore& store);
  // catalog: pull the catalog too; heartbeat: send one.
  Result<void> pass(bool catalog, bool heartbeat);
  void notify(SyncEvent e);
  bool stop_requested() const;

  SyncConfig config_;
  const Clock& clock_;
  std::function<void(SyncEvent)> listener_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  SyncState state_;
  bool wake_ = false;
  bool stopping_ = false;
  std::thread thread_;
  std::optional<HubClient> hub_;
  // One per parallel dossier, kept across passes: OPTIONS and the connections are reused.
  struct Courier;
  std::vector<std::unique_ptr<Courier>> couriers_;
  std::chrono::milliseconds backoff_{0};
  std::optional<TimePoint> last_catalog_pull_;
  std::optional<TimePoint> last_heartbeat_;
};

}  // namespace motcua::client
