#include "model/backend.hpp"

#include <malloc.h>

#include <algorithm>
#include <cctype>
#include <utility>

#include "document/document_pdf.hpp"
#include "motcua/domain/dossier.hpp"
#include "motcua/domain/dossier_code.hpp"
#include "motcua/util/log.hpp"

namespace motcua::kiosk {

namespace {

constexpr std::string_view kLog = "kiosk.backend";

// Loading a large catalog allocates and frees hundreds of megabytes of small
// blocks; give the freed pages back so the kiosk's resident memory is what it
// keeps, not what loading needed.
void release_free_memory() { malloc_trim(0); }

bool same(const SyncStatus& a, const SyncStatus& b) {
  return a.hub_configured == b.hub_configured && a.online == b.online && a.last_success == b.last_success &&
         a.outbox_depth == b.outbox_depth && a.last_error == b.last_error &&
         a.catalog_synced_at == b.catalog_synced_at && a.catalog_stale == b.catalog_stale;
}

// Errors that mean the hub answered and does not know this code + secret, as
// opposed to errors that mean we could not ask it.
bool hub_answered(Errc code) {
  return code == Errc::not_found || code == Errc::invalid_argument || code == Errc::unauthorized ||
         code == Errc::forbidden;
}

}  // namespace

std::string normalize_code_input(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isspace(u)) continue;
    out.push_back(u < 0x80 ? static_cast<char>(std::toupper(u)) : c);
  }
  return out;
}

Backend::Backend(BackendConfig config, const Clock& clock, std::function<void()> wake_ui)
    : config_(std::move(config)), clock_(clock), wake_ui_(std::move(wake_ui)) {}

Backend::~Backend() { stop(); }

void Backend::start() {
  if (thread_.joinable()) return;
  if (config_.hub) {
    client::SyncConfig sc;
    sc.hub = *config_.hub;
    sc.database = config_.data_dir / "kiosk.db";
    sc.data_dir = config_.data_dir;
    sc.catalog_interval = config_.catalog_interval;
    sc.retention = config_.retention;
    engine_ = std::make_unique<client::SyncEngine>(std::move(sc), clock_);
    // Runs on the sync thread: only record what changed; the worker does the rest.
    engine_->set_listener([this](client::SyncEvent e) { on_sync_event(e); });
  }
  sync_status_.hub_configured = engine_ != nullptr;
  thread_ = std::thread([this] { run(); });
}

void Backend::stop() {
  {
    std::lock_guard lk(mutex_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  // The worker stops the network watcher as it ends (it started it); the
  // engine is stopped once no worker can start it any more.
  if (thread_.joinable()) thread_.join();
  if (engine_) engine_->stop();
}

std::uint64_t Backend::submit(client::NewDossier dossier) {
  return submit(SubmitRequest{std::move(dossier), {}});
}

std::uint64_t Backend::submit(SubmitRequest request) {
  std::uint64_t id = 0;
  {
    std::lock_guard lk(mutex_);
    id = next_request_++;
    commands_.push_back(SubmitCmd{id, std::move(request.dossier), std::move(request.documents)});
  }
  cv_.notify_all();
  return id;
}

std::uint64_t Backend::load_service(std::string code) {
  std::uint64_t id = 0;
  {
    std::lock_guard lk(mutex_);
    id = next_request_++;
    commands_.push_back(ServiceCmd{id, std::move(code)});
  }
  cv_.notify_all();
  return id;
}

std::uint64_t Backend::lookup(std::string code, std::string secret) {
  std::uint64_t id = 0;
  {
    std::lock_guard lk(mutex_);
    id = next_request_++;
    commands_.push_back(LookupCmd{id, std::move(code), std::move(secret)});
  }
  cv_.notify_all();
  return id;
}

void Backend::sync_now() {
  if (engine_) engine_->wake();
}

std::vector<BackendEvent> Backend::drain() {
  std::lock_guard lk(out_mutex_);
  std::vector<BackendEvent> out;
  out.swap(events_);
  return out;
}

std::shared_ptr<const CatalogSnapshot> Backend::catalog() const {
  std::lock_guard lk(out_mutex_);
  return catalog_;
}

SyncStatus Backend::sync_status() const {
  std::lock_guard lk(out_mutex_);
  return sync_status_;
}

void Backend::post(BackendEvent event) {
  {
    std::lock_guard lk(out_mutex_);
    events_.push_back(std::move(event));
  }
  if (wake_ui_) wake_ui_();
}

void Backend::on_sync_event(client::SyncEvent event) {
  {
    std::lock_guard lk(mutex_);
    switch (event) {
      case client::SyncEvent::catalog_updated: catalog_dirty_ = true; break;
      case client::SyncEvent::outbox_changed: outbox_dirty_ = true; break;
      case client::SyncEvent::state_changed: state_dirty_ = true; break;
    }
  }
  cv_.notify_all();
}

void Backend::run() {
  auto opened = client::KioskStore::open(config_.data_dir, clock_);
  if (!opened) {
    log::error(kLog, "cannot open the kiosk database: " + opened.error().describe());
    post(BackendFailed{opened.error()});
    std::unique_lock lk(mutex_);
    cv_.wait(lk, [&] { return stopping_; });
    return;
  }
  store_.emplace(std::move(*opened));
  if (config_.hub) {
    // Its own client with short timeouts: a citizen is waiting at the screen.
    client::HubEndpoint ep = *config_.hub;
    ep.connect_timeout = config_.lookup_connect_timeout;
    ep.request_timeout = config_.lookup_timeout;
    ep.low_speed_time = std::chrono::duration_cast<std::chrono::seconds>(config_.lookup_timeout);
    lookup_client_.emplace(std::move(ep));
  }
  reload_catalog();
  refresh_sync_status();
  // Started only now so the engine never races our first open (and migration),
  // and under the lock: stop() may have been called meanwhile (a window closed
  // right after opening), and must then find nothing started behind its back.
  // The network watcher is this thread's: it stops it on its way out.
  {
    std::lock_guard lk(mutex_);
    if (engine_ && !stopping_) {
      engine_->start();
      // Queued dossiers go out the moment the network comes back, not after the backoff.
      network_ = std::make_unique<client::NetworkWatcher>([this] { engine_->wake(); });
      if (auto r = network_->start(); !r) log::warn(kLog, "no network change notifications: " + r.error().message);
    }
  }
  struct StopWatcher {
    std::unique_ptr<client::NetworkWatcher>& w;
    ~StopWatcher() {
      if (w) w->stop();
    }
  } stop_watcher{network_};

  for (;;) {
    std::optional<Command> cmd;
    bool catalog = false, status = false;
    {
      std::unique_lock lk(mutex_);
      cv_.wait(lk, [&] {
        return stopping_ || !commands_.empty() || catalog_dirty_ || outbox_dirty_ || state_dirty_;
      });
      if (stopping_) break;
      catalog = std::exchange(catalog_dirty_, false);
      status = outbox_dirty_ || state_dirty_;
      outbox_dirty_ = state_dirty_ = false;
      if (!commands_.empty()) {
        cmd.emplace(std::move(commands_.front()));
        commands_.pop_front();
      }
    }
    if (catalog) reload_catalog();
    if (status || catalog) refresh_sync_status();
    if (cmd) std::visit([this](auto& c) { handle(c); }, *cmd);
  }
}

void Backend::reload_catalog() {
  // The lists need only each service's summary, and the search index is kept in
  // a file built once per catalog change: start-up stays fast with 50,000
  // services (docs/performance.md). One read transaction: the sync thread may
  // apply catalog pages meanwhile, and the summaries, the cursor and the full
  // records must describe the same catalog.
  const auto index_file = config_.data_dir / "search-index.bin";
  (void)store_->db().exec("BEGIN");
  struct End {
    client::KioskStore& s;
    ~End() { (void)s.db().exec("COMMIT"); }
  } end{*store_};
  auto summaries = store_->load_catalog_summaries();
  auto cursor = store_->catalog_cursor();
  if (!summaries || !cursor) {
    log::error(kLog, "cannot load the catalog: " + (summaries ? cursor.error() : summaries.error()).describe());
    return;
  }
  const auto stamp = static_cast<std::uint64_t>(*cursor);
  auto publish = [&](std::optional<SearchIndex> index, bool last) {
    // The last publication takes the summaries instead of copying them.
    auto snapshot = last ? CatalogSnapshot::build(std::move(*summaries), std::move(index))
                         : CatalogSnapshot::build(*summaries, std::move(index));
    {
      std::lock_guard lk(out_mutex_);
      catalog_ = snapshot;
    }
    post(CatalogLoaded{std::move(snapshot)});
  };
  auto saved = SearchIndex::load(index_file, stamp);
  if (saved && saved->service_count() == summaries->services.size()) {
    publish(std::move(*saved), true);
    release_free_memory();
    return;
  }
  if (!saved && saved.error().code == Errc::corrupt) log::warn(kLog, saved.error().message + "; rebuilding it");
  // The index is missing or for an older catalog: the lists and a search over
  // names and keywords at once, the full index (documents, steps) when built.
  publish(std::nullopt, false);
  auto full = store_->load_catalog();
  if (!full) {
    log::error(kLog, "cannot load the catalog: " + full.error().describe());
    return;
  }
  SearchIndex index(full->services, full->fields);
  if (auto r = index.save(index_file, stamp); !r) log::warn(kLog, "cannot keep the search index: " + r.error().message);
  *full = domain::Catalog{};  // the full records are not kept: screens read a service when opened
  publish(std::move(index), true);
  release_free_memory();
}

void Backend::handle(ServiceCmd& cmd) {
  ServiceLoaded out;
  out.request = cmd.request;
  out.code = cmd.code;
  auto s = store_->load_service(cmd.code);
  if (!s) log::warn(kLog, "cannot load service " + cmd.code + ": " + s.error().describe());
  else if (*s) out.service = std::make_shared<const domain::Service>(std::move(**s));
  post(std::move(out));
}

void Backend::refresh_sync_status() {
  SyncStatus s;
  s.hub_configured = engine_ != nullptr;
  if (engine_) {
    const client::SyncState st = engine_->state();
    s.online = st.online;
    s.last_success = st.last_success;
    s.last_error = st.last_error;
    s.catalog_synced_at = st.catalog_synced_at;
  }
  if (!s.catalog_synced_at) {
    // Before the engine's first pass: what the replica recorded last time.
    if (auto m = store_->meta("catalog_synced_at"); m && *m) {
      TimePoint t;
      if (parse_rfc3339(**m, t)) s.catalog_synced_at = t;
    }
  }
  s.catalog_stale = s.hub_configured && (!s.catalog_synced_at || clock_.now() - *s.catalog_synced_at > config_.catalog_stale_after);
  // Our own connection is the authority on the outbox depth (the engine's copy
  // lags until its next pass).
  if (auto depth = store_->outbox_depth()) s.outbox_depth = *depth;
  {
    std::lock_guard lk(out_mutex_);
    if (same(s, sync_status_)) return;
    sync_status_ = s;
  }
  post(SyncStatusChanged{std::move(s)});
}

void Backend::handle(SubmitCmd& cmd) {
  // Each scanned document becomes one PDF of its pages (the JPEGs embedded as
  // they are: no re-encoding, a few milliseconds per document).
  for (const auto& doc : cmd.scanned) {
    std::vector<document::PdfPage> pages;
    for (const auto& p : doc.pages)
      if (p) pages.push_back(document::PdfPage{p->jpeg, p->dpi > 0 ? p->dpi : 300});
    document::DocumentInfo info;
    info.title = doc.name;
    info.created = clock_.now();
    auto pdf = document::build_document_pdf(pages, info);
    if (!pdf) {
      log::error(kLog, "document PDF: " + pdf.error().describe());
      post(SubmitFailed{cmd.request, pdf.error()});
      return;
    }
    client::NewDocument nd;
    nd.id = "d" + std::to_string(cmd.dossier.documents.size() + 1);
    nd.name = doc.name;
    nd.content_type = "application/pdf";
    nd.bytes = std::move(*pdf);
    cmd.dossier.documents.push_back(std::move(nd));
  }
  cmd.scanned.clear();  // the pages' memory goes back before the outbox writes
  auto queued = store_->enqueue(cmd.dossier, config_.kiosk_number);
  if (!queued) {
    log::error(kLog, "enqueue failed: " + queued.error().describe());
    post(SubmitFailed{cmd.request, queued.error()});
    return;
  }
  client::OutboxEntry entry = std::move(*queued);
  refresh_sync_status();

  if (engine_) {
    engine_->wake();
    // Online, the hub usually issues the official code within a second; a short
    // wait here (worker thread, the UI shows "sending…") saves the citizen a
    // provisional code. Offline, do not wait at all — nor any longer once the
    // engine finds the hub gone (it had been online at the last pass, but its
    // pass for this dossier failed to connect): no code can come, and waiting
    // out official_code_wait kept the citizen 2.5 s from the receipt.
    if (engine_->state().online && !entry.official_code) {
      const auto deadline = std::chrono::steady_clock::now() + config_.official_code_wait;
      for (;;) {
        {
          std::unique_lock lk(mutex_);
          cv_.wait_until(lk, deadline, [&] { return outbox_dirty_ || stopping_ || !engine_->state().online; });
          if (stopping_ || !outbox_dirty_) break;
          outbox_dirty_ = false;
          state_dirty_ = true;  // let the main loop refresh the depth afterwards
        }
        auto found = store_->find(entry.client_id);
        if (found && *found && (*found)->official_code) {
          entry = std::move(**found);
          break;
        }
      }
    }
  }

  Receipt r;
  r.client_id = entry.client_id;
  r.code = entry.display_code();
  r.provisional = !entry.official_code.has_value();
  r.provisional_code = entry.leased ? std::string() : entry.receipt_code;
  r.secret = entry.submission.lookup_secret;
  r.service_code = entry.submission.service_code;
  r.service_name = entry.service_name.empty() ? cmd.dossier.service_name : entry.service_name;
  r.agency_id = cmd.dossier.agency_id;
  r.applicant_masked =
      entry.applicant_masked.empty() ? domain::mask_name(cmd.dossier.applicant.name) : entry.applicant_masked;
  for (const auto& d : cmd.dossier.documents) r.documents.push_back(d.name);
  r.received_at = entry.created_at;
  if (const auto snapshot = catalog()) r.appointment = snapshot->appointment(r.service_code, r.received_at);
  r.payment_method = cmd.dossier.payment_method;
  r.result_delivery = cmd.dossier.result_delivery;
  post(ReceiptReady{cmd.request, std::move(r)});
}

std::optional<LookupResult> Backend::lookup_outbox(const std::string& code, const std::string& secret) {
  auto pending = store_->pending();
  if (!pending) return std::nullopt;
  for (const auto& e : *pending) {
    const bool code_matches = e.receipt_code == code || (e.official_code && *e.official_code == code);
    if (!code_matches || e.submission.lookup_secret != secret) continue;
    LookupResult r;
    r.code = code;
    r.source = LookupSource::outbox;
    r.local_state = e.state;
    r.as_of = clock_.now();
    auto& v = r.view;
    v.code = e.display_code();
    if (e.official_code && !e.leased) v.provisional_code = e.receipt_code;
    v.service_code = e.submission.service_code;
    v.service_name = e.service_name;
    if (auto parsed = domain::parse_dossier_code(v.code)) v.agency_id = parsed->agency_id;
    v.applicant = e.applicant_masked;
    v.status = std::string(client::to_string(e.state));
    v.received_at = format_vietnam(e.created_at);
    v.updated_at = v.received_at;
    protocol::StatusEvent ev;
    ev.at = v.received_at;
    ev.actor = config_.kiosk_id;
    ev.action = "submit";
    ev.status = v.status;
    v.events.push_back(std::move(ev));
    return r;
  }
  return std::nullopt;
}

void Backend::handle(LookupCmd& cmd) {
  LookupResult r;
  r.request = cmd.request;
  r.code = normalize_code_input(cmd.code);
  auto secret = domain::normalize_lookup_secret(cmd.secret);
  if (r.code.empty() || !domain::parse_dossier_code(r.code) || !secret) {
    r.failure = LookupFailure::invalid_input;
    r.detail = !secret ? secret.error().message : "malformed dossier code";
    post(std::move(r));
    return;
  }

  // A dossier still queued here — the hub has not acknowledged its create —
  // is answered from the outbox without asking the hub: the hub cannot know
  // it yet, and each "not found" there would count as a wrong attempt against
  // its code (LookupGuard), so a citizen checking a queued dossier a few
  // times would lock their own code out once it arrives.
  if (auto own = lookup_outbox(r.code, *secret); own && own->local_state == client::OutboxState::queued) {
    own->request = cmd.request;
    post(std::move(*own));
    return;
  }

  bool reachable = false;
  bool locked = false;
  if (lookup_client_) {
    auto view = lookup_client_->status(r.code, *secret);
    if (view) {
      if (auto cached = store_->cache_status(*view, *secret); !cached)
        log::warn(kLog, "cannot cache status: " + cached.error().describe());
      r.view = std::move(*view);
      r.source = LookupSource::hub;
      post(std::move(r));
      return;
    }
    reachable = hub_answered(view.error().code);
    locked = view.error().code == Errc::rate_limited;
    r.detail = view.error().describe();
    // Only the error class: the detail carries the request URL, secret included.
    if (!reachable && !locked) log::info(kLog, "status lookup: hub unreachable (" + std::string(to_string(view.error().code)) + ")");
  }

  // A dossier this kiosk queued and the hub has not got yet (or has not mapped
  // its provisional code yet) is still ours to answer for.
  if (auto own = lookup_outbox(r.code, *secret)) {
    own->request = cmd.request;
    post(std::move(*own));
    return;
  }

  if (!reachable) {
    auto cached = store_->cached_status(r.code, *secret);
    if (cached && *cached) {
      r.view = (*cached)->view;
      r.source = LookupSource::cache;
      r.as_of = (*cached)->fetched_at;
      post(std::move(r));
      return;
    }
    // The hub answered, but refuses this code for now (LookupGuard): say
    // so, rather than that the system cannot be reached.
    r.failure = locked ? LookupFailure::locked : LookupFailure::unavailable;
  } else {
    r.failure = LookupFailure::not_found;
  }
  post(std::move(r));
}

}  // namespace motcua::kiosk
