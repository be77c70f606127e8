#pragma once
// The kiosk's worker: the one place the UI sends intents to and gets data from.
// It runs its own thread, owns its own KioskStore connection (one owner per
// SQLite connection) and, when a hub is configured, the SyncEngine and a
// HubClient for status lookups. The UI thread never waits on it: results come
// back through one queue the UI drains at the start of each frame (the Tracy
// pattern), and a wake callback tells the UI loop — blocked in
// SDL_WaitEventTimeout — that something arrived.
//
// No SDL or ImGui here, so unit tests drive it directly.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "devices/scanner.hpp"
#include "model/catalog_snapshot.hpp"
#include "motcua/client/hub_client.hpp"
#include "motcua/client/kiosk_store.hpp"
#include "motcua/client/network_watcher.hpp"
#include "motcua/client/sync_engine.hpp"
#include "motcua/protocol/wire.hpp"
#include "motcua/util/clock.hpp"
#include "motcua/util/error.hpp"

namespace motcua::kiosk {

struct BackendConfig {
  std::filesystem::path data_dir;  // holds kiosk.db and the outbox files
  std::string kiosk_id = "KIOSK-01";
  int kiosk_number = 1;
  // No hub: the kiosk works fully offline (catalog from the replica, outbox grows).
  std::optional<client::HubEndpoint> hub;
  // After queueing, how long the worker waits for the hub's official code
  // before the receipt shows the provisional one.
  std::chrono::milliseconds official_code_wait{2500};
  // A citizen waits for a lookup; a dead network must not keep them waiting.
  std::chrono::milliseconds lookup_connect_timeout{2000};
  std::chrono::milliseconds lookup_timeout{4000};
  std::chrono::milliseconds catalog_interval{60000};
  // Delivered dossiers' local copies are purged this long after the hub's acknowledgement.
  std::chrono::milliseconds retention{std::chrono::hours(24 * 7)};
  // The header warns when the catalog has not been refreshed for this long.
  std::chrono::hours catalog_stale_after{24 * 7};
};

// What the header bar shows; published as a plain value.
struct SyncStatus {
  bool hub_configured = false;
  bool online = false;
  std::optional<TimePoint> last_success;
  std::int64_t outbox_depth = 0;
  std::string last_error;
  std::optional<TimePoint> catalog_synced_at;
  bool catalog_stale = false;  // older than BackendConfig::catalog_stale_after
};

// Everything the receipt screen (Circular 03/2025 form 01, on screen) needs.
struct Receipt {
  std::string client_id;
  std::string code;         // official when the hub answered in time, else provisional
  bool provisional = false;
  std::string provisional_code;
  std::string secret;
  std::string service_code;
  std::string service_name;
  std::string agency_id;
  std::string applicant_masked;
  std::vector<std::string> documents;  // names of the documents received
  TimePoint received_at;
  // Expected appointment [ngày hẹn trả kết quả] from the working-time calendar;
  // the hub fixes the same date when the desk accepts the dossier.
  std::optional<TimePoint> appointment;
  std::optional<std::string> payment_method;   // domain::PaymentMethod key
  std::optional<std::string> result_delivery;  // domain::ResultDelivery key
};

enum class LookupSource {
  hub,     // fresh answer from the hub
  cache,   // hub unreachable: last known answer, "as of" fetched_at
  outbox,  // this kiosk's own dossier, not yet on the hub
};

enum class LookupFailure {
  invalid_input,  // code or secret malformed
  not_found,      // no dossier with this code and secret
  unavailable,    // hub unreachable and nothing cached
  locked,         // the hub refuses lookups of this code for a while: too many wrong secrets
};

struct LookupResult {
  std::uint64_t request = 0;
  std::string code;  // as the citizen typed it (normalised)
  std::optional<LookupFailure> failure;
  std::string detail;  // technical detail for logs, never shown raw
  protocol::StatusView view;
  LookupSource source = LookupSource::hub;
  std::optional<TimePoint> as_of;  // set when not fresh from the hub
  std::optional<client::OutboxState> local_state;  // for LookupSource::outbox
};

// One document of the wizard: its scanned pages, which the worker assembles
// into the document's PDF (document/document_pdf.hpp) before queueing.
struct ScannedDocument {
  std::string name;
  std::vector<std::shared_ptr<const ScannedPage>> pages;
};

struct SubmitRequest {
  client::NewDossier dossier;           // documents already made are kept, then these follow
  std::vector<ScannedDocument> documents;
};

struct SubmitFailed {
  std::uint64_t request = 0;
  Error error;
};

struct ReceiptReady {
  std::uint64_t request = 0;
  Receipt receipt;
};

struct CatalogLoaded {
  std::shared_ptr<const CatalogSnapshot> catalog;
};

// A service's full record (the snapshot's services carry only what the lists
// need), answering Backend::load_service.
struct ServiceLoaded {
  std::uint64_t request = 0;
  std::string code;
  std::shared_ptr<const domain::Service> service;  // null: no such service
};

struct SyncStatusChanged {
  SyncStatus status;
};

struct BackendFailed {  // the store could not be opened: the kiosk cannot work
  Error error;
};

using BackendEvent =
    std::variant<CatalogLoaded, SyncStatusChanged, ReceiptReady, SubmitFailed, LookupResult, BackendFailed, ServiceLoaded>;

class Backend {
 public:
  // wake_ui is called from worker threads after an event is queued; it must be
  // cheap and thread-safe (the app pushes an SDL user event).
  Backend(BackendConfig config, const Clock& clock, std::function<void()> wake_ui);
  ~Backend();
  Backend(const Backend&) = delete;
  Backend& operator=(const Backend&) = delete;

  // Starts the worker (which opens the store, publishes the catalog) and the
  // sync engine. Returns at once.
  void start();
  void stop();

  // Intents. Each returns a request number echoed by its result event.
  std::uint64_t submit(client::NewDossier dossier);
  std::uint64_t submit(SubmitRequest request);
  std::uint64_t lookup(std::string code, std::string secret);
  // The full record of a service (steps, documents, legal basis …) for its page.
  std::uint64_t load_service(std::string code);
  // Asks the sync engine for a pass now (e.g. a technician's "sync now").
  void sync_now();

  // UI thread: takes every queued event, oldest first.
  std::vector<BackendEvent> drain();

  // Latest published values (also delivered as events); safe from any thread.
  std::shared_ptr<const CatalogSnapshot> catalog() const;
  SyncStatus sync_status() const;

 private:
  struct SubmitCmd {
    std::uint64_t request;
    client::NewDossier dossier;
    std::vector<ScannedDocument> scanned;
  };
  struct LookupCmd {
    std::uint64_t request;
    std::string code, secret;
  };
  struct ServiceCmd {
    std::uint64_t request;
    std::string code;
  };
  using Command = std::variant<SubmitCmd, LookupCmd, ServiceCmd>;

  void run();
  void handle(SubmitCmd& cmd);
  void handle(LookupCmd& cmd);
  void handle(ServiceCmd& cmd);
  void reload_catalog();
  void refresh_sync_status();
  void post(BackendEvent event);
  void on_sync_event(client::SyncEvent event);
  std::optional<LookupResult> lookup_outbox(const std::string& code, const std::string& secret);

  BackendConfig config_;
  const Clock& clock_;
  std::function<void()> wake_ui_;

  // Worker-thread-only state.
  std::optional<client::KioskStore> store_;
  std::optional<client::HubClient> lookup_client_;

  std::unique_ptr<client::SyncEngine> engine_;
  std::unique_ptr<client::NetworkWatcher> network_;  // wakes the engine when the network changes

  // Commands in, sync-engine notifications as flags (they coalesce).
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Command> commands_;
  bool catalog_dirty_ = false;
  bool outbox_dirty_ = false;
  bool state_dirty_ = false;
  bool stopping_ = false;
  std::uint64_t next_request_ = 1;

  // Published to the UI.
  mutable std::mutex out_mutex_;
  std::vector<BackendEvent> events_;
  std::shared_ptr<const CatalogSnapshot> catalog_;
  SyncStatus sync_status_;

  std::thread thread_;
};

// Lookup inputs as citizens type them: trims, upper-cases, drops spaces.
std::string normalize_code_input(std::string_view text);

}  // namespace motcua::kiosk
