#include "motcua/client/sync_engine.hpp"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <random>
#include <thread>

#include "motcua/client/kiosk_store.hpp"
#include "motcua/client/tus_uploader.hpp"
#include "motcua/util/fs.hpp"
#include "motcua/util/log.hpp"

namespace motcua::client {

namespace {
constexpr const char* kLog = "sync";

bool is_transport_error(const Error& e) {
  // The hub (or the path to it) is unusable right now: stop this pass and back off.
  return e.code == Errc::network || e.code == Errc::protocol || e.code == Errc::unavailable ||
         e.code == Errc::internal || e.code == Errc::database || e.code == Errc::unauthorized ||
         e.code == Errc::disk_full;
}
}  // namespace

SyncEngine::SyncEngine(SyncConfig config, const Clock& clock) : config_(std::move(config)), clock_(clock) {}

SyncEngine::~SyncEngine() { stop(); }

void SyncEngine::set_listener(std::function<void(SyncEvent)> listener) {
  std::lock_guard lock(mutex_);
  listener_ = std::move(listener);
}

void SyncEngine::notify(SyncEvent e) {
  std::function<void(SyncEvent)> l;
  {
    std::lock_guard lock(mutex_);
    l = listener_;
  }
  if (l) l(e);
}

void SyncEngine::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { loop(); });
}

void SyncEngine::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void SyncEngine::wake() {
  {
    std::lock_guard lock(mutex_);
    wake_ = true;
  }
  cv_.notify_all();
}

SyncState SyncEngine::state() const {
  std::lock_guard lock(mutex_);
  return state_;
}

Result<void> SyncEngine::run_once() { return pass(true, true); }

Result<void> SyncEngine::pass(bool catalog, bool heartbeat) {
  auto store = KioskStore::open(config_.data_dir, clock_);
  if (!store) return fail(store.error());
  if (!hub_) hub_.emplace(config_.hub);

  const bool was_online = state().online;
  bool changed_anything = false;
  Result<void> result = [&]() -> Result<void> {
    const auto depth_before = store->outbox_depth();
    if (catalog) {
      if (auto r = pull_catalog_with(*store); !r) return r;
    }
    auto pushed = push_outbox_with(*store);
    if (!pushed) return fail(pushed.error());
    const std::optional<Error> refused = *pushed;
    if (auto r = top_up_leases(*store); !r) return r;
    if (auto r = pull_status_with(*store); !r) return r;
    if (auto purged = store->purge_delivered(config_.retention); !purged) {
      return fail(purged.error());
    } else if (*purged > 0) {
      log::info(kLog, "purged local copies of " + std::to_string(*purged) + " delivered dossier(s)");
      changed_anything = true;
    }
    if (heartbeat) {
      if (auto r = send_heartbeat(*store); !r) return r;
    }
    const auto depth_after = store->outbox_depth();
    changed_anything = changed_anything || !depth_before || !depth_after || *depth_before != *depth_after;
    // A refused dossier still makes the pass a failure: it is retried with
    // backoff, and its reason is the engine's last error.
    if (refused) return fail(*refused);
    return {};
  }();
  // Idle: fold the WAL back into the database so it does not grow between
  // busy periods (and a copy of kiosk.db alone is complete).
  if (result && !changed_anything) (void)store->db().checkpoint();

  const auto depth = store->outbox_depth();
  const auto cursor = store->catalog_cursor();
  const auto status_cursor = store->status_cursor();
  const auto synced = store->meta("catalog_synced_at");
  bool changed;
  {
    std::lock_guard lock(mutex_);
    state_.last_attempt = clock_.now();
    if (depth) state_.outbox_depth = *depth;
    if (cursor) state_.catalog_cursor = *cursor;
    if (status_cursor) state_.status_cursor = *status_cursor;
    if (synced && *synced) {
      TimePoint t;
      if (parse_rfc3339(**synced, t)) state_.catalog_synced_at = t;
    }
    const bool reached = result || !is_transport_error(result.error());
    state_.online = reached;
    if (reached) state_.last_success = clock_.now();
    const std::string err = result ? std::string() : result.error().describe();
    changed = was_online != state_.online || err != state_.last_error;
    state_.last_error = err;
  }
  if (changed) notify(SyncEvent::state_changed);
  return result;
}

Result<void> SyncEngine::pull_status_with(KioskStore& store) {
  auto cursor = store.status_cursor();
  if (!cursor) return fail(cursor.error());
  std::int64_t after = *cursor;
  bool any = false;
  for (int pages = 0; pages < 10000; ++pages) {
    auto page = hub_->status_changes(after, 500);
    if (!page) return fail(page.error());
    if (!page->changes.empty()) {
      if (auto r = store.apply_status_page(*page); !r) return r;
      any = true;
    }
    after = page->next;
    if (!page->more) break;
  }
  if (any) notify(SyncEvent::outbox_changed);
  return {};
}

Result<void> SyncEngine::send_heartbeat(KioskStore& store) {
  protocol::Heartbeat h;
  h.version = config_.version;
  if (auto d = store.outbox_depth()) h.outbox_depth = *d;
  if (auto age = store.oldest_pending_age(); age && *age)
    h.oldest_queued_age_s = std::chrono::duration_cast<std::chrono::seconds>(**age).count();
  // The heartbeat is the last step of a pass: everything before it reached the
  // hub, so this moment is the last successful sync.
  h.last_sync_at = format_utc(clock_.now());
  if (auto synced = store.meta("catalog_synced_at"); synced && *synced) h.catalog_synced_at = **synced;
  if (auto free = fs::free_bytes(config_.data_dir)) h.free_disk_bytes = static_cast<std::int64_t>(*free);
  if (auto c = store.catalog_cursor()) h.catalog_cursor = *c;
  if (auto c = store.status_cursor()) h.status_cursor = *c;
  h.sent_at = format_utc(clock_.now());
  if (auto r = hub_->heartbeat(h); !r) return r;
  last_heartbeat_ = clock_.now();
  return {};
}

Result<void> SyncEngine::pull_catalog_with(KioskStore& store) {
  auto cursor = store.catalog_cursor();
  if (!cursor) return fail(cursor.error());
  std::int64_t after = *cursor;
  bool any = false;
  for (int pages = 0; pages < 10000; ++pages) {
    auto page = hub_->catalog_changes(after, 500);
    if (!page) return fail(page.error());
    if (!page->changes.empty()) {
      if (auto r = store.apply_catalog_page(*page); !r) return r;
      any = true;
    }
    after = page->next;
    if (!page->more) break;
  }
  last_catalog_pull_ = clock_.now();
  if (auto r = store.set_meta("catalog_synced_at", format_utc(*last_catalog_pull_)); !r) return r;
  if (any) {
    log::info(kLog, "catalog updated to cursor " + std::to_string(after));
    notify(SyncEvent::catalog_updated);
  }
  return {};
}

// A courier delivers one dossier at a time on its own connections.
struct SyncEngine::Courier {
  HubClient hub;
  TusUploader uploader;
  explicit Courier(const HubEndpoint& ep) : hub(ep), uploader(ep) {}
};

Result<std::optional<Error>> SyncEngine::push_outbox_with(KioskStore& store) {
  auto pending = store.pending();
  if (!pending) return fail(pending.error());
  if (pending->empty()) return std::optional<Error>();
  const auto workers = std::min<std::size_t>(static_cast<std::size_t>(std::max(1, config_.parallel_dossiers)), pending->size());
  while (couriers_.size() < workers) couriers_.push_back(std::make_unique<Courier>(config_.hub));

  // Shared by the couriers and this thread. `store` is used by this thread
  // and, for the rare upload URL to keep, by couriers: under store_mutex.
  struct Outcome {
    DossierProgress progress;
    std::optional<Error> error;
  };
  std::mutex m, store_mutex;
  std::condition_variable cv;
  std::size_t next = 0, running = workers;
  std::vector<Outcome> outcomes;
  bool halt = false;  // the hub is unusable or the kiosk cannot record: start no more dossiers

  auto deliver = [&](Courier& c, const OutboxEntry& entry) -> Outcome {
    Outcome out{{entry.client_id, std::nullopt, std::nullopt, std::nullopt}, std::nullopt};
    auto stop_with = [&](const Error& e) {
      out.progress.error = e.describe();
      out.error = e;
      return out;
    };
    // Always (re)create: the hub answers idempotently with the documents it still
    // misses, so the hub's view — not our local flags — decides what to upload.
    auto ack = c.hub.create_dossier(entry.submission);
    if (!ack) return stop_with(ack.error());
    if (entry.state == OutboxState::queued || !entry.official_code || *entry.official_code != ack->code)
      out.progress.created = *ack;
    auto missing = [&](const OutboxDocument& doc) {
      return std::find(ack->missing_documents.begin(), ack->missing_documents.end(), doc.id) !=
             ack->missing_documents.end();
    };
    bool announced = false;
    auto announce = [&] {
      // Recorded (and shown) now, in the recorder's next batch, instead of
      // after the uploads with the seal.
      std::lock_guard lock(m);
      outcomes.push_back({{entry.client_id, out.progress.created, std::nullopt, std::nullopt}, std::nullopt});
      announced = true;
      cv.notify_all();
    };
    // A dossier queued moments ago without a leased code: a citizen is at the
    // screen and the kiosk's worker waits (BackendConfig::official_code_wait)
    // for this code to print on the receipt — it should not wait for the
    // upload too (1.5 s for 1.8 MB at 10 Mbit/s). Older dossiers, a backlog
    // draining, keep their one commit per dossier.
    const bool code_is_new = !entry.official_code || *entry.official_code != ack->code;
    if (out.progress.created && code_is_new && clock_.now() - entry.created_at <= config_.announce_code_within &&
        std::any_of(entry.documents.begin(), entry.documents.end(), missing))
      announce();
    for (const auto& doc : entry.documents) {
      if (!missing(doc)) continue;
      const bool large = doc.size > kUploadChunk;
      // A long upload ahead: the official code is recorded (and shown) now.
      if (large && out.progress.created && !announced) announce();
      // Resumable (tus 1.0.0, docs/uploads.md). The upload URL of a document
      // larger than one chunk is kept in the outbox row, so a kiosk killed
      // mid-upload resumes where the hub is. A smaller one is sent again whole
      // after a restart — at most one chunk, as after a cut — and saves a
      // commit per document.
      auto up = document_upload(entry.client_id, doc.id, config_.data_dir / doc.path);
      up.resume_url = doc.upload_url.value_or("");
      up.chunk_digests = doc.chunk_digests;
      up.chunk_digest_size = doc.chunk_size;
      up.chunk_digest_max = doc.chunk_max;
      if (large)
        up.on_created = [&](const std::string& url) {
          std::lock_guard lock(store_mutex);
          return store.set_upload_url(entry.client_id, doc.id, url);
        };
      if (auto u = c.uploader.upload(up); !u) return stop_with(u.error());
    }
    auto sealed = c.hub.seal_dossier(entry.client_id);
    if (!sealed) return stop_with(sealed.error());
    out.progress.sealed = *sealed;
    log::info(kLog, "dossier " + sealed->code + " delivered");
    return out;
  };

  auto work = [&](std::size_t w) {
    for (;;) {
      const OutboxEntry* entry = nullptr;
      {
        std::lock_guard lock(m);
        if (!halt && next < pending->size() && !stop_requested()) entry = &(*pending)[next++];
      }
      if (entry == nullptr) break;
      Outcome o = deliver(*couriers_[w], *entry);
      std::lock_guard lock(m);
      if (o.error && is_transport_error(*o.error)) halt = true;
      outcomes.push_back(std::move(o));
      cv.notify_all();
    }
    std::lock_guard lock(m);
    --running;
    cv.notify_all();
  };
  std::vector<std::thread> threads;
  for (std::size_t w = 0; w < workers; ++w) {
    try {
      threads.emplace_back(work, w);
    } catch (const std::system_error&) {
      std::lock_guard lock(m);
      running -= workers - w;  // no thread to spare: fewer couriers
      break;
    }
  }
  if (threads.empty()) {
    running = 1;
    work(0);  // no thread at all: one dossier after the other, on this thread
  }

  // This thread records what the couriers learn: whatever has arrived, in one
  // transaction (one fsync for the batch).
  std::optional<Error> transport_error, first_error, store_error;
  for (;;) {
    std::vector<Outcome> batch;
    bool done = false;
    {
      std::unique_lock lock(m);
      cv.wait(lock, [&] { return !outcomes.empty() || running == 0; });
      batch.swap(outcomes);
      done = running == 0;
    }
    if (!batch.empty() && !store_error) {
      std::vector<DossierProgress> progress;
      for (auto& o : batch) {
        if (o.error) {
          log::warn(kLog, "dossier " + o.progress.client_id + ": " + o.error->describe());
          if (is_transport_error(*o.error)) {
            if (!transport_error) transport_error = o.error;
          } else if (!first_error) {
            first_error = o.error;  // this dossier only: the others go on
          }
        }
        progress.push_back(std::move(o.progress));
      }
      Result<void> recorded;
      {
        std::lock_guard lock(store_mutex);
        recorded = store.record_progress(progress);
      }
      if (!recorded) {
        store_error = recorded.error();
        std::lock_guard lock(m);
        halt = true;
      } else {
        notify(SyncEvent::outbox_changed);
      }
    }
    if (done) break;
  }
  for (auto& t : threads) t.join();
  if (store_error) return fail(*store_error);
  if (transport_error) return fail(*transport_error);  // hub unreachable: back off
  return first_error;
}

bool SyncEngine::stop_requested() const {
  std::lock_guard lock(mutex_);
  return stopping_;
}

Result<void> SyncEngine::top_up_leases(KioskStore& store) {
  if (config_.lease_batch <= 0) return {};
  auto agencies = store.receiving_agencies();
  if (!agencies) return fail(agencies.error());
  for (const auto& agency : *agencies) {
    auto left = store.leased_codes_left(agency);
    if (!left) return fail(left.error());
    if (*left >= config_.lease_low) continue;
    auto lease = hub_->lease_codes(agency, config_.lease_batch);
    if (!lease) return fail(lease.error());
    if (auto r = store.add_code_lease(*lease); !r) return r;
    log::info(kLog, "leased codes " + std::to_string(lease->first) + "–" + std::to_string(lease->last) + " of " +
                        agency + " for " + lease->day);
  }
  return {};
}

std::chrono::milliseconds next_backoff_step(std::chrono::milliseconds step, std::chrono::milliseconds min,
                                            std::chrono::milliseconds max) {
  if (step.count() <= 0) return std::min(min, max);
  return step > max / 2 ? max : step * 2;
}

std::chrono::milliseconds backoff_wait(std::chrono::milliseconds step, std::uint64_t random) {
  const auto low = step.count() / 2;
  const auto span = static_cast<std::uint64_t>(step.count() - low) + 1;
  return std::chrono::milliseconds(low + static_cast<std::chrono::milliseconds::rep>(random % span));
}

void SyncEngine::loop() {
  std::mt19937_64 rng(std::random_device{}());
  bool first = true;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      if (stopping_) return;
      wake_ = false;
    }
    const bool catalog_due = first || !last_catalog_pull_ ||
                             clock_.now() - *last_catalog_pull_ >= config_.catalog_interval;
    const bool heartbeat_due = first || !last_heartbeat_ ||
                               clock_.now() - *last_heartbeat_ >= config_.heartbeat_interval;
    first = false;
    Result<void> r = pass(catalog_due, heartbeat_due);

    std::chrono::milliseconds wait;
    if (r) {
      backoff_ = std::chrono::milliseconds(0);
      wait = std::min(config_.catalog_interval, config_.heartbeat_interval);
    } else {
      // Capped exponential backoff with jitter, for every error class.
      backoff_ = next_backoff_step(backoff_, config_.backoff_min, config_.backoff_max);
      wait = backoff_wait(backoff_, rng());
    }
    {
      std::lock_guard lock(mutex_);
      state_.next_retry = r ? std::chrono::milliseconds(0) : wait;
    }
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, wait, [&] { return stopping_ || wake_; });
    if (stopping_) return;
  }
}

}  // namespace motcua::client
