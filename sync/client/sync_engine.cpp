#include "motcua/client/sync_engine.hpp"

#include <algorithm>
#include <random>

#include "motcua/client/kiosk_store.hpp"
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

Result<void> SyncEngine::run_once() {
  auto store = KioskStore::open(config_.data_dir, clock_);
  if (!store) return fail(store.error());
  if (!hub_) hub_.emplace(config_.hub);

  const bool was_online = state().online;
  Result<void> result = [&]() -> Result<void> {
    if (auto r = pull_catalog_with(*store); !r) return r;
    if (auto r = push_outbox_with(*store); !r) return r;
    return top_up_leases(*store);
  }();

  const auto depth = store->outbox_depth();
  const auto cursor = store->catalog_cursor();
  bool changed;
  {
    std::lock_guard lock(mutex_);
    state_.last_attempt = clock_.now();
    if (depth) state_.outbox_depth = *depth;
    if (cursor) state_.catalog_cursor = *cursor;
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
  if (any) {
    log::info(kLog, "catalog updated to cursor " + std::to_string(after));
    notify(SyncEvent::catalog_updated);
  }
  return {};
}

Result<void> SyncEngine::push_outbox_with(KioskStore& store) {
  auto pending = store.pending();
  if (!pending) return fail(pending.error());
  std::optional<Error> first_error;
  for (const auto& entry : *pending) {
    // Always (re)create: the hub answers idempotently with the documents it still
    // misses, so the hub's view — not our local flags — decides what to upload.
    Result<void> r = [&]() -> Result<void> {
      auto ack = hub_->create_dossier(entry.submission);
      if (!ack) return fail(ack.error());
      if (entry.state == OutboxState::queued || !entry.official_code || *entry.official_code != ack->code) {
        if (auto m = store.mark_created(entry.client_id, *ack); !m) return m;
        notify(SyncEvent::outbox_changed);
      }
      for (const auto& doc : entry.documents) {
        if (std::find(ack->missing_documents.begin(), ack->missing_documents.end(), doc.id) ==
            ack->missing_documents.end())
          continue;
        if (auto u = hub_->upload_document(entry.client_id, doc.id, config_.data_dir / doc.path, doc.sha256); !u)
          return u;
        if (auto m = store.mark_uploaded(entry.client_id, doc.id); !m) return m;
      }
      auto sealed = hub_->seal_dossier(entry.client_id);
      if (!sealed) return fail(sealed.error());
      if (auto m = store.mark_delivered(entry.client_id, *sealed); !m) return m;
      log::info(kLog, "dossier " + sealed->code + " delivered");
      notify(SyncEvent::outbox_changed);
      return {};
    }();
    if (!r) {
      log::warn(kLog, "dossier " + entry.client_id + ": " + r.error().describe());
      (void)store.record_failure(entry.client_id, r.error().describe());
      if (is_transport_error(r.error())) return r;  // hub unreachable: back off
      if (!first_error) first_error = r.error();     // this dossier only: go on with the rest
    }
  }
  if (first_error) return fail(*first_error);
  return {};
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
    first = false;
    Result<void> r = catalog_due ? run_once() : [&]() -> Result<void> {
      // Outbox only; the catalog is fresh enough.
      auto store = KioskStore::open(config_.data_dir, clock_);
      if (!store) return fail(store.error());
      if (!hub_) hub_.emplace(config_.hub);
      auto pushed = push_outbox_with(*store);
      std::lock_guard lock(mutex_);
      if (auto depth = store->outbox_depth()) state_.outbox_depth = *depth;
      return pushed;
    }();

    std::chrono::milliseconds wait;
    if (r) {
      backoff_ = std::chrono::milliseconds(0);
      wait = config_.catalog_interval;
    } else {
      // Capped exponential backoff with jitter, for every error class.
      backoff_ = backoff_.count() == 0 ? config_.backoff_min : std::min(backoff_ * 2, config_.backoff_max);
      std::uniform_int_distribution<long> jitter(backoff_.count() / 2, backoff_.count());
      wait = std::chrono::milliseconds(jitter(rng));
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
