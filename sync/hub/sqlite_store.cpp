// Embedded SQLite backend of the hub (development, demos, one commune or district).
// One connection guarded by a mutex: SQLite serialises writers anyway, and the
// hub's writes are small. WAL, and every commit on disk before the method
// returns (group commit, see WalSync): an acknowledged dossier survives a
// power cut.

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <tuple>
#include <unordered_map>

#include "hub_store.hpp"
#include "motcua/domain/service_rules.hpp"
#include "motcua/crypto/random.hpp"
#include "motcua/domain/dossier_code.hpp"
#include "motcua/store/db.hpp"
#include "motcua/util/fs.hpp"
#include "motcua/util/log.hpp"

namespace motcua::hub {

namespace {

using store::Db;
using store::Stmt;
using store::Tx;

constexpr store::Migration kMigrations[] = {
    {1, "catalog, kiosks, dossiers, documents, events, code sequences", R"sql(
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE catalog_entities (
  kind    TEXT NOT NULL,
  key     TEXT NOT NULL,
  seq     INTEGER NOT NULL UNIQUE,
  body    TEXT,
  deleted INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (kind, key)
);
CREATE TABLE kiosks (
  id               TEXT PRIMARY KEY,
  number           INTEGER NOT NULL UNIQUE,
  cert_fingerprint TEXT NOT NULL,
  revoked          INTEGER NOT NULL DEFAULT 0,
  created_ms       INTEGER NOT NULL
);
CREATE TABLE dossiers (
  id               INTEGER PRIMARY KEY,
  kiosk_id         TEXT NOT NULL,
  client_id        TEXT NOT NULL,
  content_hash     TEXT NOT NULL,
  code             TEXT NOT NULL UNIQUE,
  provisional_code TEXT UNIQUE,
  agency_id        TEXT NOT NULL,
  service_code     TEXT NOT NULL,
  service_name     TEXT NOT NULL,
  applicant_name   TEXT NOT NULL,
  applicant_phone  TEXT NOT NULL,
  lookup_secret    TEXT NOT NULL,
  submission       TEXT NOT NULL,
  status           INTEGER,            -- NULL while documents are still arriving
  received_ms      INTEGER NOT NULL,
  sealed_ms        INTEGER,
  updated_ms       INTEGER NOT NULL,
  due_ms           INTEGER,
  UNIQUE (kiosk_id, client_id)
);
CREATE INDEX dossiers_status ON dossiers(status, received_ms);
CREATE TABLE dossier_documents (
  dossier_id   INTEGER NOT NULL REFERENCES dossiers(id),
  document_id  TEXT NOT NULL,
  name         TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size         INTEGER NOT NULL,
  sha256       TEXT NOT NULL,
  received     INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (dossier_id, document_id)
);
-- Append-only: every state change of every dossier, with who and why.
CREATE TABLE dossier_events (
  id         INTEGER PRIMARY KEY,
  dossier_id INTEGER NOT NULL REFERENCES dossiers(id),
  at_ms      INTEGER NOT NULL,
  actor      TEXT NOT NULL,
  action     TEXT NOT NULL,
  status     INTEGER,
  note       TEXT
);
CREATE INDEX dossier_events_dossier ON dossier_events(dossier_id, id);
CREATE TABLE code_sequences (
  agency_id TEXT NOT NULL,
  day       TEXT NOT NULL,
  last      INTEGER NOT NULL,
  PRIMARY KEY (agency_id, day)
);
)sql"},
    {2, "lifecycle: actor roles, appointments, submission time", R"sql(
ALTER TABLE dossier_events ADD COLUMN actor_role TEXT NOT NULL DEFAULT 'system';
ALTER TABLE dossier_events ADD COLUMN appointment_ms INTEGER;
ALTER TABLE dossiers ADD COLUMN submitted_ms INTEGER;
)sql"},
    {3, "code leases for offline receipts", R"sql(
CREATE TABLE code_leases (
  id        INTEGER PRIMARY KEY,
  kiosk_id  TEXT NOT NULL,
  agency_id TEXT NOT NULL,
  day       TEXT NOT NULL,
  first     INTEGER NOT NULL,
  last      INTEGER NOT NULL,
  leased_ms INTEGER NOT NULL
);
CREATE INDEX code_leases_kiosk ON code_leases(kiosk_id, agency_id, day);
)sql"},
    {4, "status feed sequence, kiosk heartbeats", R"sql(
ALTER TABLE dossiers ADD COLUMN status_seq INTEGER;
CREATE INDEX dossiers_status_seq ON dossiers(status_seq);
CREATE INDEX dossiers_kiosk_status_seq ON dossiers(kiosk_id, status_seq);
ALTER TABLE kiosks ADD COLUMN heartbeat TEXT;
ALTER TABLE kiosks ADD COLUMN last_seen_ms INTEGER;
)sql"},
    {5, "sealed submissions: wrapped data key, document encoding and content digests", R"sql(
ALTER TABLE dossiers ADD COLUMN sealed_key TEXT;
ALTER TABLE dossier_documents ADD COLUMN encoding TEXT NOT NULL DEFAULT 'identity';
ALTER TABLE dossier_documents ADD COLUMN content_sha256 TEXT;
ALTER TABLE dossier_documents ADD COLUMN content_size INTEGER;
)sql"},
    {6, "timeliness kept with each dossier, for the service figures", R"sql(
ALTER TABLE dossiers ADD COLUMN timeliness TEXT;
ALTER TABLE dossiers ADD COLUMN effective_due_ms INTEGER;
CREATE INDEX dossiers_service ON dossiers(service_code);
)sql"},
    {7, "the opened personal data beyond name and phone: ID, birth date, sex, address, e-form answers, postal address, consent", R"sql(
ALTER TABLE dossiers ADD COLUMN personal TEXT;
)sql"},
};

// Every status change takes the next feed position, so a kiosk's cursor sees it.
constexpr const char* kNextStatusSeq = "(SELECT coalesce(max(status_seq), 0) + 1 FROM dossiers)";

std::string fmt_ms(std::int64_t ms) { return format_utc(from_unix_millis(ms)); }

std::optional<std::string> fmt_opt_ms(std::optional<std::int64_t> ms) {
  if (!ms) return std::nullopt;
  return fmt_ms(*ms);
}

std::string status_key_of(std::optional<std::int64_t> status) {
  if (!status) return "receiving";
  auto s = domain::status_from_int(static_cast<int>(*status));
  return s ? std::string(domain::status_key(*s)) : "unknown";
}

template <class F>
auto rows(Result<Stmt>& st, F&& each) -> Result<void> {
  if (!st) return fail(st.error());
  for (;;) {
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) return {};
    if (auto r = each(*st); !r) return r;
  }
}

std::optional<domain::Timeliness> timeliness_from(const std::string& key) {
  for (auto t : {domain::Timeliness::not_applicable, domain::Timeliness::not_yet_due, domain::Timeliness::overdue,
                 domain::Timeliness::early, domain::Timeliness::on_time, domain::Timeliness::late})
    if (domain::to_string(t) == key) return t;
  return std::nullopt;
}

// Group commit. The connection runs with synchronous=NORMAL — a commit writes
// the WAL but does not fsync it — and each store call that committed fsyncs
// the WAL itself once it has released the connection's mutex, before it
// returns. Concurrent requests (a backlog drained by several couriers, many
// kiosks) thus share their flushes instead of queueing one fsync each behind
// the mutex, and each is still answered only once its own commit is on disk,
// as with synchronous=FULL. SQLite keeps the WAL consistent in NORMAL mode by
// itself (it syncs the WAL before a checkpoint and the database after one).
class WalSync {
 public:
  explicit WalSync(std::filesystem::path wal) : path_(std::move(wal)) {}

  // After a failed fsync the kernel may have dropped the pages it could not
  // write, and a later fsync would succeed without them: acknowledging anything
  // after that would be a lie. The hub stops; on restart SQLite recovers from
  // what is on disk, and kiosks send again what was not acknowledged.
  void sync() {
    auto fd = current();
    if (fd && ::fdatasync(fd->get()) == 0) return;
    log::error("db", fs::errno_error("cannot fsync", path_, fd ? errno : ENOENT).message +
                         " — stopping rather than acknowledge what may not be stored");
    std::abort();
  }

 private:
  using Fd = fs::UniqueFd;

  // The WAL stays the same file while the hub's connection is open; it is
  // reopened should it have been replaced anyway (compared by inode). Callers
  // keep their descriptor alive while they fsync it, outside the lock.
  std::shared_ptr<const Fd> current() {
    std::lock_guard lock(mutex_);
    struct stat named {}, held {};
    if (::stat(path_.c_str(), &named) != 0) return nullptr;
    if (!fd_ || ::fstat(fd_->get(), &held) != 0 || held.st_ino != named.st_ino || held.st_dev != named.st_dev) {
      const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) return nullptr;
      fd_ = std::make_shared<const Fd>(fd);
    }
    return fd_;
  }

  std::filesystem::path path_;
  std::mutex mutex_;
  std::shared_ptr<const Fd> fd_;
};

class SqliteStore final : public HubStore {
 public:
  SqliteStore(Db db, const Clock& clock) : db_(std::move(db)), clock_(clock), wal_(db_.path().string() + "-wal") {
    sqlite3_commit_hook(db_.handle(), &SqliteStore::on_commit, this);
  }
  ~SqliteStore() override { sqlite3_commit_hook(db_.handle(), nullptr, nullptr); }
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  // Every call holds one of these: the connection's mutex, then, if the call
  // committed, the WAL's fsync after the mutex is released (WalSync).
  class Locked {
   public:
    explicit Locked(SqliteStore& s) : s_(s), lock_(s.mutex_) { s_.committed_ = false; }
    ~Locked() {
      const bool committed = s_.committed_;
      s_.committed_ = false;
      lock_.unlock();
      if (committed) s_.wal_.sync();
    }
    Locked(const Locked&) = delete;
    Locked& operator=(const Locked&) = delete;

   private:
    SqliteStore& s_;
    std::unique_lock<std::mutex> lock_;
  };

  // The calendar comes from the catalog (its holiday overrides), so it is built
  // after the catalog can be read.
  Result<void> init_calendar() {
    auto c = load_catalog();
    if (!c) return fail(c.error());
    auto wt = domain::working_time_for(*c);
    if (!wt) return fail(wt.error());
    working_time_ = std::move(*wt);
    return {};
  }

  // ---- catalog

  Result<ImportCounts> import_catalog(const domain::Catalog& incoming) override {
    Locked lock(*this);
    // Check references against the merged catalog before writing anything.
    auto current = load_catalog();
    if (!current) return fail(current.error());
    domain::Catalog merged = merge(*current, incoming);
    if (auto r = domain::check_references(merged); !r) return fail(r.error());

    auto tx = Tx::begin(db_);
    if (!tx) return fail(tx.error());
    ImportCounts counts;
    auto put = [&](const char* kind, const std::string& key, const Json& body) -> Result<void> {
      auto changed = put_entity(kind, key, body);
      if (!changed) return fail(changed.error());
      if (*changed) ++counts.changed;
      return {};
    };
    for (const auto& a : incoming.agencies) {
      if (auto r = put("agency", a.id, domain::to_json(a)); !r) return fail(r.error());
      ++counts.agencies;
    }
    for (const auto& s : incoming.sectors) {
      if (auto r = put("sector", s.id, domain::to_json(s)); !r) return fail(r.error());
      ++counts.sectors;
    }
    for (const auto& f : incoming.fields) {
      if (auto r = put("field", f.id, domain::to_json(f)); !r) return fail(r.error());
      ++counts.fields;
    }
    for (const auto& s : incoming.services) {
      if (auto r = put("service", s.code, domain::to_json(s)); !r) return fail(r.error());
      ++counts.services;
    }
    if (incoming.calendar) {
      if (auto r = put("calendar", "overrides", calendar::to_json(*incoming.calendar)); !r) return fail(r.error());
    }
    for (const auto& q : incoming.qa) {
      if (auto r = put("qa", q.id, domain::to_json(q)); !r) return fail(r.error());
    }
    if (incoming.working_hours) {
      const Json hours{{"sessions", calendar::format_sessions(*incoming.working_hours)}};
      if (auto r = put("calendar", "working_hours", hours); !r) return fail(r.error());
    }
    if (auto r = tx->commit(); !r) return fail(r.error());
    if (incoming.calendar || incoming.working_hours) {
      auto wt = domain::working_time_for(merged);
      if (!wt) return fail(wt.error());
      working_time_ = std::move(*wt);
    }
    return counts;
  }

  // ---- service figures

  Result<int> refresh_stats(TimePoint now) override {
    Locked lock(*this);
    const std::int64_t now_ms = unix_millis(now);
    auto st = db_.prepare(
        "SELECT service_code, count(*), sum(received_ms >= ?1), "
        "sum(timeliness = 'early'), sum(timeliness = 'on_time'), sum(timeliness = 'late'), "
        "sum(status IN (1, 2, 4, 5, 6)), "
        // Waiting for the applicant's supplement stops the clock: not overdue then.
        "sum(status IN (2, 4, 6) AND effective_due_ms IS NOT NULL AND effective_due_ms < ?2) "
        "FROM dossiers WHERE status IS NOT NULL GROUP BY service_code ORDER BY service_code");
    if (!st) return fail(st.error());
    st->bind(1, now_ms - std::int64_t{365} * 86400000).bind(2, now_ms);
    std::vector<domain::ServiceStats> all;
    auto r = rows(st, [&](Stmt& s) -> Result<void> {
      domain::ServiceStats x;
      x.code = s.text(0);
      x.received_total = s.int64(1);
      x.received_last_year = s.int64(2);
      x.early = s.int64(3);
      x.on_time = s.int64(4);
      x.late = s.int64(5);
      x.finished = x.early + x.on_time + x.late;
      x.open = s.int64(6);
      x.overdue = s.int64(7);
      x.computed_at = format_utc(now);
      all.push_back(std::move(x));
      return {};
    });
    if (!r) return fail(r.error());
    auto tx = Tx::begin(db_);
    if (!tx) return fail(tx.error());
    int changed = 0;
    for (const auto& x : all) {
      // Republish only when a figure changed, not because time passed.
      auto cur = db_.prepare("SELECT body FROM catalog_entities WHERE kind = 'stats' AND key = ?");
      if (!cur) return fail(cur.error());
      cur->bind(1, x.code);
      auto row = cur->step();
      if (!row) return fail(row.error());
      if (*row) {
        if (auto old = parse_json(cur->text(0))) {
          Json a = *old, b = domain::to_json(x);
          a.erase("computed_at");
          b.erase("computed_at");
          if (a == b) continue;
        }
      }
      cur->reset();
      auto put = put_entity("stats", x.code, domain::to_json(x));
      if (!put) return fail(put.error());
      if (*put) ++changed;
    }
    if (auto c = tx->commit(); !c) return fail(c.error());
    return changed;
  }

  Result<protocol::CatalogPage> catalog_changes(std::int64_t after, int limit) override {
    Locked lock(*this);
    auto st = db_.prepare(
        "SELECT seq, kind, key, body, deleted FROM catalog_entities WHERE seq > ? ORDER BY seq LIMIT ?");
    if (!st) return fail(st.error());
    st->bind(1, after).bind(2, limit + 1);
    protocol::CatalogPage page;
    page.next = after;
    auto r = rows(st, [&](Stmt& s) -> Result<void> {
      if (static_cast<int>(page.changes.size()) == limit) {
        page.more = true;
        return {};
      }
      protocol::CatalogChange c;
      c.seq = s.int64(0);
      c.kind = s.text(1);
      c.key = s.text(2);
      c.deleted = s.int64(4) != 0;
      if (!c.deleted) {
        auto body = parse_json(s.text(3));
        if (!body) return fail(Errc::corrupt, "catalog row " + c.key + ": " + body.error().message);
        c.body = std::move(*body);
      }
      page.next = c.seq;
      page.changes.push_back(std::move(c));
      return {};
    });
    if (!r) return fail(r.error());
    return page;
  }

  Result<domain::Catalog> catalog() override {
    Locked lock(*this);
    return load_catalog();
  }

  Result<std::optional<domain::Service>> service(const std::string& code) override {
    Locked lock(*this);
    return find_service(code);
  }

  // ---- kiosks

  Result<KioskRecord> register_kiosk(const std::string& id, const std::string& fingerprint) override {
    Locked lock(*this);
    auto tx = Tx::begin(db_);
    if (!tx) return fail(tx.error());
    auto existing = find_kiosk(id);
    if (!existing) return fail(existing.error());
    KioskRecord k;
    if (*existing) {
      k = **existing;
      auto up = db_.prepare("UPDATE kiosks SET cert_fingerprint = ?, revoked = 0 WHERE id = ?");
      if (!up) return fail(up.error());
      if (auto r = up->bind(1, fingerprint).bind(2, id).run(); !r) return fail(r.error());
      k.cert_fingerprint = fingerprint;
    } else {
      auto ins = db_.prepare(
          "INSERT INTO kiosks(id, number, cert_fingerprint, created_ms) "
          "VALUES(?, (SELECT coalesce(max(number), 0) + 1 FROM kiosks), ?, ?) RETURNING number");
      if (!ins) return fail(ins.error());
      ins->bind(1, id).bind(2, fingerprint).bind(3, unix_millis(std::chrono::system_clock::now()));
      auto row = ins->step();
      if (!row) return fail(row.error());
      k = KioskRecord{id, ins->integer(0), fingerprint, false};
      ins->reset();
    }
    if (auto r = tx->commit(); !r) return fail(r.error());
    return k;
  }

  Result<std::optional<KioskRecord>> kiosk(const std::string& id) override {
    Locked lock(*this);
    return find_kiosk(id);
  }

  // ---- code leases

  Result<protocol::CodeLease> lease_codes(const std::string& kiosk_id, const std::string& agency_id, int count,
                                          TimePoint now) override {
    Locked lock(*this);
    auto tx = Tx::begin(db_);
    if (!tx) return fail(tx.error());
    auto known = db_.prepare("SELECT 1 FROM catalog_entities WHERE kind = 'agency' AND key = ? AND deleted = 0");
    if (!known) return fail(known.error());
    known->bind(1, agency_id);
    auto row = known->step();
    if (!row) return fail(row.error());
    if (!*row) return fail(Errc::not_found, "unknown agency " + agency_id);
    known->reset();
    const std::string day = day_key(now);
    auto seq = db_.prepare(
        "INSERT INTO code_sequences(agency_id, day, last) VALUES(?1, ?2, ?3) "
        "ON CONFLICT(agency_id, day) DO UPDATE SET last = last + ?3 RETURNING last");
    if (!seq) return fail(seq.error());
    seq->bind(1, agency_id).bind(2, day).bind(3, count);
    auto r = seq->step();
    if (!r) return fail(r.error());
    protocol::CodeLease lease{agency_id, day, seq->integer(0) - count + 1, seq->integer(0)};
    seq->reset();
    auto ins = db_.prepare(
        "INSERT INTO code_leases(kiosk_id, agency_id, day, first, last, leased_ms) VALUES(?,?,?,?,?,?)");
    if (!ins) return fail(ins.error());
    if (auto x = ins->bind(1, kiosk_id).bind(2, agency_id).bind(3, day).bind(4, lease.first).bind(5, lease.last)
                     .bind(6, unix_millis(now)).run();
        !x)
      return fail(x.error());
    if (auto x = tx->commit(); !x) return fail(x.error());
    return lease;
  }

  // ---- dossiers

  Result<CreateResult> create_dossier(const std::string& kiosk_id, const protocol::Submission& s,
                                      const protocol::PersonalData& opened, const std::string& content_hash,
                                      TimePoint now) override {
    Locked lock(*this);
    auto tx = Tx::begin(db_);
    if (!tx) return fail(tx.error());
    auto existing = db_.prepare("SELECT id, content_hash FROM dossiers WHERE kiosk_id = ? AND client_id = ?");
    if (!existing) return fail(existing.error());
    existing->bind(1, kiosk_id).bind(2, s.client_id);
    auto row = existing->step();
    if (!row) return fail(row.error());
    if (*row) {
      if (existing->text(1) != content_hash)
        return fail(Errc::conflict, "client id " + s.client_id + " was already used for a different dossier");
      auto ack = ack_for(existing->int64(0));
      if (!ack) return fail(ack.error());
      return CreateResult{std::move(*ack), false};
    }
    auto svc = find_service(s.service_code);
    if (!svc) return fail(svc.error());
    if (!*svc) return fail(Errc::invalid_argument, "unknown service " + s.service_code);
    if (!(*svc)->accepts_submissions())
      return fail(Errc::invalid_argument, "service " + s.service_code + " does not accept dossiers online (level " +
                                              std::to_string((*svc)->level.value_or(0)) + ")");
    if (auto r = domain::check_choices(
            **svc, s.payment_method ? domain::payment_method_from_string(*s.payment_method) : std::nullopt,
            s.result_delivery ? domain::result_delivery_from_string(*s.result_delivery) : std::nullopt);
        !r)
      return fail(r.error());
    // The opened personal data checked with the kiosk's own code against the
    // service's form as this hub has it.
    auto personal = protocol::validate_personal_data(opened, **svc, s.payment_method, s.result_delivery);
    if (!personal) return fail(personal.error());
    const protocol::Applicant& applicant = personal->applicant;
    if (s.provisional_code) {
      auto taken = db_.prepare("SELECT 1 FROM dossiers WHERE provisional_code = ?");
      if (!taken) return fail(taken.error());
      taken->bind(1, *s.provisional_code);
      auto t = taken->step();
      if (!t) return fail(t.error());
      if (*t) return fail(Errc::conflict, "provisional code " + *s.provisional_code + " is already in use");
    }
    const std::string agency = (*svc)->agency;
    std::string code;
    if (s.leased_code) {
      // An official code this kiosk printed offline from a block leased to it.
      auto parsed = domain::parse_dossier_code(*s.leased_code);
      if (!parsed) return fail(parsed.error());
      char day[8];
      std::snprintf(day, sizeof day, "%02d%02d%02d", parsed->year % 100, parsed->month, parsed->day);
      auto lease = db_.prepare(
          "SELECT 1 FROM code_leases WHERE kiosk_id = ? AND agency_id = ? AND day = ? AND first <= ? AND last >= ?");
      if (!lease) return fail(lease.error());
      lease->bind(1, kiosk_id).bind(2, parsed->agency_id).bind(3, std::string(day)).bind(4, parsed->sequence).bind(5, parsed->sequence);
      auto held = lease->step();
      if (!held) return fail(held.error());
      if (!*held) return fail(Errc::forbidden, "code " + *s.leased_code + " was not leased to this kiosk");
      lease->reset();
      if (parsed->agency_id != agency)
        return fail(Errc::invalid_argument, "code " + *s.leased_code + " belongs to agency " + parsed->agency_id +
                                                ", the service to " + agency);
      auto used = db_.prepare("SELECT 1 FROM dossiers WHERE code = ?");
      if (!used) return fail(used.error());
      used->bind(1, *s.leased_code);
      auto u = used->step();
      if (!u) return fail(u.error());
      if (*u) return fail(Errc::conflict, "code " + *s.leased_code + " is already used by another dossier");
      code = *s.leased_code;
    } else {
      auto seq = next_sequence(agency, now);
      if (!seq) return fail(seq.error());
      code = domain::make_code(agency, now, *seq).str();
    }
    const std::int64_t ms = unix_millis(now);
    auto ins = db_.prepare(
        "INSERT INTO dossiers(kiosk_id, client_id, content_hash, code, provisional_code, agency_id, "
        "service_code, service_name, applicant_name, applicant_phone, lookup_secret, submission, "
        "received_ms, updated_ms, sealed_key, personal) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    if (!ins) return fail(ins.error());
    if (auto r = ins->bind(1, kiosk_id)
                     .bind(2, s.client_id)
                     .bind(3, content_hash)
                     .bind(4, code)
                     .bind(5, s.provisional_code)
                     .bind(6, agency)
                     .bind(7, s.service_code)
                     .bind(8, (*svc)->name)
                     .bind(9, applicant.name)
                     .bind(10, applicant.phone)
                     .bind(11, s.lookup_secret)
                     .bind(12, protocol::to_json(s).dump())
                     .bind(13, ms)
                     .bind(14, ms)
                     .bind(15, s.sealed.key)
                     .bind(16, protocol::to_json(*personal).dump())
                     .run();
        !r)
      return fail(r.error());
    const std::int64_t id = db_.last_insert_rowid();
    auto doc = db_.prepare(
        "INSERT INTO dossier_documents(dossier_id, document_id, name, content_type, size, sha256, encoding) "
        "VALUES(?,?,?,?,?,?,?)");
    if (!doc) return fail(doc.error());
    for (const auto& d : s.documents)
      if (auto r = doc->bind(1, id).bind(2, d.id).bind(3, d.name).bind(4, d.content_type).bind(5, d.size).bind(6, d.sha256)
                       .bind(7, d.encoding).run();
          !r)
        return fail(r.error());
    if (auto r = add_receive_event(id, ms, "kiosk:" + kiosk_id); !r) return fail(r.error());
    auto ack = ack_for(id);
    if (!ack) return fail(ack.error());
    if (auto r = tx->commit(); !r) return fail(r.error());
    return CreateResult{std::move(*ack), true};
  }

  Result<protocol::DocumentDecl> declared_document(const std::string& kiosk_id, const std::string& client_id,
                                                   const std::string& document_id) override {
    Locked lock(*this);
    auto st = db_.prepare(
        "SELECT d.document_id, d.name, d.content_type, d.size, d.sha256, d.encoding FROM dossier_documents d "
        "JOIN dossiers x ON x.id = d.dossier_id WHERE x.kiosk_id = ? AND x.client_id = ? AND d.document_id = ?");
    if (!st) return fail(st.error());
    st->bind(1, kiosk_id).bind(2, client_id).bind(3, document_id);
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) return fail(Errc::not_found, "dossier " + client_id + " of this kiosk has no document " + document_id);
    return protocol::DocumentDecl{st->text(0), st->text(1), st->text(2), st->int64(3), st->text(4), st->text(5)};
  }

  Result<std::string> sealed_key(const std::string& kiosk_id, const std::string& client_id) override {
    Locked lock(*this);
    auto st = db_.prepare("SELECT sealed_key FROM dossiers WHERE kiosk_id = ? AND client_id = ?");
    if (!st) return fail(st.error());
    st->bind(1, kiosk_id).bind(2, client_id);
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row || st->is_null(0)) return fail(Errc::not_found, "dossier " + client_id + " of this kiosk has no sealed key");
    return st->text(0);
  }

  Result<bool> document_is_received(const std::string& kiosk_id, const std::string& client_id,
                                    const std::string& document_id) override {
    Locked lock(*this);
    auto st = db_.prepare(
        "SELECT d.received FROM dossier_documents d JOIN dossiers x ON x.id = d.dossier_id "
        "WHERE x.kiosk_id = ? AND x.client_id = ? AND d.document_id = ?");
    if (!st) return fail(st.error());
    st->bind(1, kiosk_id).bind(2, client_id).bind(3, document_id);
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) return fail(Errc::not_found, "dossier " + client_id + " of this kiosk has no document " + document_id);
    return st->int64(0) != 0;
  }

  Result<void> document_received(const std::string& kiosk_id, const DocumentReceipt& r) override {
    Locked lock(*this);
    auto st = db_.prepare(
        "UPDATE dossier_documents SET received = 1, content_sha256 = coalesce(?6, content_sha256, sha256), "
        "content_size = coalesce(?7, content_size, size) WHERE document_id = ?1 AND sha256 = ?2 AND size = ?3 AND "
        "dossier_id = (SELECT id FROM dossiers WHERE kiosk_id = ?4 AND client_id = ?5)");
    if (!st) return fail(st.error());
    if (auto x = st->bind(1, r.document_id).bind(2, r.sha256).bind(3, r.size).bind(4, kiosk_id).bind(5, r.dossier_client_id)
                     .bind(6, r.content_sha256).bind(7, r.content_size).run();
        !x)
      return x;
    if (db_.changes() != 1)
      return fail(Errc::conflict, "document " + r.document_id + " does not match its declaration");
    return {};
  }

  Result<protocol::DossierAck> seal(const std::string& kiosk_id, const std::string& client_id,
                                    TimePoint now) override {
    Locked lock(*this);
    auto tx = Tx::begin(db_);
    if (!tx) return fail(tx.error());
    auto st = db_.prepare("SELECT id, status, submission, received_ms FROM dossiers WHERE kiosk_id = ? AND client_id = ?");
    if (!st) return fail(st.error());
    st->bind(1, kiosk_id).bind(2, client_id);
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) return fail(Errc::not_found, "no dossier " + client_id + " from this kiosk");
    const std::int64_t id = st->int64(0);
    const bool already = !st->is_null(1);
    // The moment the citizen submitted (printed on the receipt) starts the
    // processing time; a kiosk clock ahead of the hub's cannot push it into the future.
    std::int64_t submitted_ms = st->int64(3);
    if (auto j = parse_json(st->text(2))) {
      TimePoint t;
      if (parse_rfc3339(str_or(*j, "submitted_at"), t)) submitted_ms = std::min(unix_millis(t), unix_millis(now));
    }
    st->reset();
    if (!already) {
      auto ack = ack_for(id);
      if (!ack) return fail(ack.error());
      if (!ack->missing_documents.empty()) {
        std::string list;
        for (const auto& m : ack->missing_documents) list += (list.empty() ? "" : ", ") + m;
        return fail(Errc::conflict, "dossier " + ack->code + " still misses documents: " + list);
      }
      const std::int64_t ms = unix_millis(now);
      auto up = db_.prepare(std::string("UPDATE dossiers SET status = 1, sealed_ms = ?, updated_ms = ?, submitted_ms = ?, status_seq = ") +
                            kNextStatusSeq + " WHERE id = ?");
      if (!up) return fail(up.error());
      if (auto r = up->bind(1, ms).bind(2, ms).bind(3, submitted_ms).bind(4, id).run(); !r) return fail(r.error());
      domain::DossierEvent submit;
      submit.at = from_unix_millis(submitted_ms);
      submit.actor = domain::Actor::system;
      submit.actor_id = "kiosk:" + kiosk_id;
      submit.action = domain::DossierAction::submit;
      submit.status = domain::DossierStatus::submitted;
      if (auto r = add_event(id, submit); !r) return fail(r.error());
    }
    auto ack = ack_for(id);
    if (!ack) return fail(ack.error());
    if (auto r = tx->commit(); !r) return fail(r.error());
    return ack;
  }

  Result<protocol::StatusView> status(const std::string& code, const std::string& secret) override {
    Locked lock(*this);
    // The hot path of public lookups: one statement, prepared once, one read
    // transaction (the dossier and its events in a single join) instead of six
    // statements prepared on every call.
    if (!lookup_) {
      auto st = db_.prepare(
          "SELECT d.lookup_secret, d.code, d.provisional_code, d.service_code, d.service_name, d.agency_id, "
          "d.applicant_name, d.status, d.received_ms, d.updated_ms, d.due_ms, "
          "e.at_ms, e.actor, e.actor_role, e.action, e.status, e.note, e.appointment_ms FROM dossiers d "
          "LEFT JOIN dossier_events e ON e.dossier_id = d.id AND e.action != 'receive' "
          "WHERE d.id = (SELECT id FROM dossiers WHERE (code = ?1 OR provisional_code = ?1) AND status IS NOT NULL) "
          "ORDER BY e.id");
      if (!st) return fail(st.error());
      lookup_ = std::move(*st);
    }
    Stmt& st = *lookup_;
    // Reset on every path: a statement left stepping would hold its read transaction open.
    struct Reset {
      Stmt& s;
      ~Reset() { s.reset(); }
    } reset{st};
    st.bind(1, code);
    auto row = st.step();
    if (!row) return fail(row.error());
    // Same answer for an unknown code and a wrong secret: codes cannot be probed.
    if (!*row || !crypto::constant_time_equal(st.text(0), secret))
      return fail(Errc::not_found, "no dossier with this code and lookup secret");
    protocol::StatusView v;
    v.code = st.text(1);
    v.provisional_code = st.opt_text(2);
    v.service_code = st.text(3);
    v.service_name = st.text(4);
    v.agency_id = st.text(5);
    v.applicant = domain::mask_name(st.text(6));
    const auto status = st.opt_int64(7);
    v.status = status_key_of(status);
    v.status_code = status ? static_cast<int>(*status) : 0;
    if (auto s = status ? domain::status_from_int(static_cast<int>(*status)) : std::nullopt)
      v.status_label = std::string(domain::status_label_vi(*s));
    else
      v.status_label = "Đang nhận hồ sơ";
    v.received_at = fmt_ms(st.int64(8));
    v.updated_at = fmt_ms(st.int64(9));
    v.due_at = fmt_opt_ms(st.opt_int64(10));
    domain::DossierHistory h;
    bool history_ok = true;  // as summary_from(): an unreadable history is not classified
    for (; row && *row; row = st.step()) {
      if (st.is_null(11)) break;  // no events (LEFT JOIN)
      const std::string action = st.text(14);
      const auto known = domain::action_from_key(action);
      const auto ev_status = st.opt_int64(15);
      v.events.push_back({fmt_ms(st.int64(11)), st.text(12), st.text(13), action,
                          known ? std::string(domain::action_label_vi(*known)) : std::string("Nhận dữ liệu từ kiosk"),
                          status_key_of(ev_status), st.opt_text(16), fmt_opt_ms(st.opt_int64(17))});
      const auto ev = ev_status ? domain::status_from_int(static_cast<int>(*ev_status)) : std::nullopt;
      if (!known || !ev) {
        history_ok = false;
        continue;
      }
      domain::DossierEvent e;
      e.at = from_unix_millis(st.int64(11));
      e.actor_id = st.text(12);
      e.actor = domain::actor_from_string(st.text(13)).value_or(domain::Actor::system);
      e.action = *known;
      e.status = *ev;
      e.note = st.opt_text(16);
      if (auto ms = st.opt_int64(17)) e.appointment = from_unix_millis(*ms);
      h.append(std::move(e));
    }
    if (!row) return fail(row.error());
    v.timeliness = status && history_ok
                       ? std::string(domain::to_string(domain::classify(h, clock_.now(), *working_time_)))
                       : std::string("not_applicable");
    if (auto t = timeliness_from(v.timeliness)) v.timeliness_label = std::string(domain::label_vi(*t));
    return v;
  }

  Result<protocol::StatusPage> status_changes(const std::string& kiosk_id, std::int64_t after, int limit) override {
    Locked lock(*this);
    auto st = db_.prepare(
        "SELECT id, status_seq, client_id FROM dossiers WHERE kiosk_id = ? AND status_seq > ? ORDER BY status_seq LIMIT ?");
    if (!st) return fail(st.error());
    st->bind(1, kiosk_id).bind(2, after).bind(3, limit + 1);
    protocol::StatusPage page;
    page.next = after;
    std::vector<std::tuple<std::int64_t, std::int64_t, std::string>> ids;
    auto r = rows(st, [&](Stmt& s) -> Result<void> {
      ids.emplace_back(s.int64(0), s.int64(1), s.text(2));
      return {};
    });
    if (!r) return fail(r.error());
    if (static_cast<int>(ids.size()) > limit) {
      page.more = true;
      ids.resize(static_cast<std::size_t>(limit));
    }
    for (const auto& [id, seq, client_id] : ids) {
      auto v = status_view(id);
      if (!v) return fail(v.error());
      page.changes.push_back({seq, client_id, std::move(*v)});
      page.next = seq;
    }
    return page;
  }

  // ---- fleet

  Result<void> record_heartbeat(const std::string& kiosk_id, const protocol::Heartbeat& heartbeat,
                                TimePoint now) override {
    Locked lock(*this);
    auto st = db_.prepare("UPDATE kiosks SET heartbeat = ?, last_seen_ms = ? WHERE id = ?");
    if (!st) return fail(st.error());
    return st->bind(1, protocol::to_json(heartbeat).dump()).bind(2, unix_millis(now)).bind(3, kiosk_id).run();
  }

  Result<std::vector<protocol::KioskView>> kiosks() override {
    Locked lock(*this);
    auto st = db_.prepare("SELECT id, number, revoked, last_seen_ms, heartbeat FROM kiosks ORDER BY number");
    std::vector<protocol::KioskView> out;
    auto r = rows(st, [&](Stmt& s) -> Result<void> {
      protocol::KioskView k;
      k.id = s.text(0);
      k.number = s.integer(1);
      k.revoked = s.int64(2) != 0;
      k.last_seen_at = fmt_opt_ms(s.opt_int64(3));
      if (auto text = s.opt_text(4))
        if (auto j = parse_json(*text))
          if (auto h = protocol::heartbeat_from_json(*j)) k.heartbeat = std::move(*h);
      out.push_back(std::move(k));
      return {};
    });
    if (!r) return fail(r.error());
    return out;
  }

 private:
  // What a citizen may see of a dossier: masked applicant, no phone.
  Result<protocol::StatusView> status_view(std::int64_t id) {
    auto d = detail(id);
    if (!d) return fail(d.error());
    protocol::StatusView v;
    v.code = d->summary.code;
    v.provisional_code = d->summary.provisional_code;
    v.service_code = d->summary.service_code;
    v.service_name = d->summary.service_name;
    v.agency_id = agency_of(id);
    v.applicant = domain::mask_name(d->applicant.name);
    v.status = d->summary.status;
    v.status_code = d->summary.status_code;
    v.status_label = d->summary.status_label;
    v.received_at = d->summary.received_at;
    v.updated_at = d->summary.updated_at;
    v.due_at = d->summary.due_at;
    v.timeliness = d->summary.timeliness;
    if (auto t = timeliness_from(v.timeliness)) v.timeliness_label = std::string(domain::label_vi(*t));
    for (const auto& e : d->events)
      if (e.action != "receive") v.events.push_back(e);  // upload bookkeeping is not the citizen's concern
    return v;
  }

 public:
  // ---- officials

  Result<std::vector<protocol::DossierSummary>> list_dossiers(std::optional<domain::DossierStatus> status,
                                                               int limit, int offset) override {
    Locked lock(*this);
    std::string sql = std::string(kSummarySelect) + " WHERE status IS NOT NULL";
    if (status) sql += " AND status = " + std::to_string(static_cast<int>(*status));
    sql += " ORDER BY received_ms DESC, id DESC LIMIT ? OFFSET ?";
    auto st = db_.prepare(sql);
    if (!st) return fail(st.error());
    st->bind(1, limit).bind(2, offset);
    std::vector<protocol::DossierSummary> out;
    auto r = rows(st, [&](Stmt& s) -> Result<void> {
      out.push_back(summary_from(s));
      return {};
    });
    if (!r) return fail(r.error());
    return out;
  }

  Result<protocol::DossierDetail> dossier(const std::string& code) override {
    Locked lock(*this);
    auto id = id_by_code(code);
    if (!id) return fail(id.error());
    return detail(*id);
  }

  Result<protocol::DossierDetail> apply_action(const std::string& code,
                                               const domain::TransitionRequest& request) override {
    Locked lock(*this);
    auto tx = Tx::begin(db_);
    if (!tx) return fail(tx.error());
    auto id = id_by_code(code);
    if (!id) return fail(id.error());
    auto st = db_.prepare("SELECT service_code FROM dossiers WHERE id = ?");
    if (!st) return fail(st.error());
    st->bind(1, *id);
    if (auto row = st->step(); !row || !*row) return fail(Errc::not_found, "no dossier with code " + code);
    const std::string service_code = st->text(0);
    st->reset();
    auto hist = history(*id);
    if (!hist) return fail(hist.error());
    if (!hist->status()) return fail(Errc::conflict, "dossier " + code + " is still receiving documents");

    std::optional<domain::DueRule> due_rule;
    if (request.action == domain::DossierAction::accept) {
      auto svc = find_service(service_code);
      if (!svc) return fail(svc.error());
      if (!*svc) return fail(Errc::conflict, "service " + service_code + " is no longer in the catalog");
      auto processing = domain::processing_time((*svc)->processing);
      if (!processing) return fail(processing.error());
      due_rule = domain::DueRule{&*working_time_, *processing};
    }
    auto event = domain::decide(*hist, request, due_rule);
    if (!event) return fail(event.error());
    if (auto r = add_event(*id, *event); !r) return fail(r.error());
    auto up = db_.prepare(std::string("UPDATE dossiers SET status = ?, updated_ms = ?, due_ms = coalesce(?, due_ms), status_seq = ") +
                          kNextStatusSeq + " WHERE id = ?");
    if (!up) return fail(up.error());
    up->bind(1, static_cast<int>(event->status)).bind(2, unix_millis(event->at));
    if (event->appointment) up->bind(3, unix_millis(*event->appointment));
    else up->bind_null(3);
    if (auto r = up->bind(4, *id).run(); !r) return fail(r.error());
    if (auto r = update_timeliness(*id, request.at); !r) return fail(r.error());
    auto d = detail(*id);
    if (!d) return fail(d.error());
    if (auto r = tx->commit(); !r) return fail(r.error());
    return d;
  }

 private:
  static constexpr const char* kSummarySelect =
      "SELECT code, provisional_code, service_code, service_name, status, kiosk_id, applicant_name, "
      "received_ms, updated_ms, id, due_ms FROM dossiers";

  // Reads a row of kSummarySelect (same column order) and classifies it.
  protocol::DossierSummary summary_from(Stmt& s) {
    protocol::DossierSummary d;
    d.code = s.text(0);
    d.provisional_code = s.opt_text(1);
    d.service_code = s.text(2);
    d.service_name = s.text(3);
    const auto status = s.opt_int64(4);
    d.status = status_key_of(status);
    d.status_code = status ? static_cast<int>(*status) : 0;
    if (auto st = status ? domain::status_from_int(static_cast<int>(*status)) : std::nullopt)
      d.status_label = std::string(domain::status_label_vi(*st));
    else
      d.status_label = "Đang nhận hồ sơ";
    d.kiosk_id = s.text(5);
    d.applicant_name = s.text(6);
    d.received_at = fmt_ms(s.int64(7));
    d.updated_at = fmt_ms(s.int64(8));
    d.due_at = fmt_opt_ms(s.opt_int64(10));
    d.timeliness = "not_applicable";
    if (status) {
      if (auto h = history(s.int64(9))) d.timeliness = std::string(domain::to_string(domain::classify(*h, clock_.now(), *working_time_)));
    }
    return d;
  }

  // Upserts a catalog entity, giving it a new change position when its body
  // changed. True when it changed.
  Result<bool> put_entity(const char* kind, const std::string& key, const Json& body) {
    const std::string text = body.dump();
    auto cur = db_.prepare("SELECT body FROM catalog_entities WHERE kind = ? AND key = ?");
    if (!cur) return fail(cur.error());
    cur->bind(1, kind).bind(2, key);
    auto row = cur->step();
    if (!row) return fail(row.error());
    if (*row && cur->text(0) == text) return false;
    auto up = db_.prepare(
        "INSERT INTO catalog_entities(kind, key, seq, body, deleted) "
        "VALUES(?1, ?2, (SELECT coalesce(max(seq), 0) + 1 FROM catalog_entities), ?3, 0) "
        "ON CONFLICT(kind, key) DO UPDATE SET seq = (SELECT coalesce(max(seq), 0) + 1 FROM catalog_entities), "
        "body = excluded.body, deleted = 0");
    if (!up) return fail(up.error());
    if (auto r = up->bind(1, kind).bind(2, key).bind(3, text).run(); !r) return fail(r.error());
    return true;
  }

  // Keeps the dossier's timeliness and effective appointment up to date after a change.
  Result<void> update_timeliness(std::int64_t id, TimePoint now) {
    auto h = history(id);
    if (!h) return fail(h.error());
    const auto t = domain::classify(*h, now, *working_time_);
    const auto due = domain::effective_appointment(*h, now, *working_time_);
    auto up = db_.prepare("UPDATE dossiers SET timeliness = ?, effective_due_ms = ? WHERE id = ?");
    if (!up) return fail(up.error());
    up->bind(1, domain::to_string(t));
    if (due) up->bind(2, unix_millis(*due));
    else up->bind_null(2);
    return up->bind(3, id).run();
  }

  Result<std::int64_t> id_by_code(const std::string& code) {
    auto st = db_.prepare("SELECT id FROM dossiers WHERE code = ?1 OR provisional_code = ?1");
    if (!st) return fail(st.error());
    st->bind(1, code);
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) return fail(Errc::not_found, "no dossier with code " + code);
    return st->int64(0);
  }

  std::string agency_of(std::int64_t id) {
    auto st = db_.prepare("SELECT agency_id FROM dossiers WHERE id = ?");
    if (!st) return {};
    st->bind(1, id);
    auto row = st->step();
    return (row && *row) ? st->text(0) : std::string();
  }

  Result<protocol::DossierDetail> detail(std::int64_t id) {
    auto q = db_.prepare(
        "SELECT code, provisional_code, service_code, service_name, status, kiosk_id, applicant_name, "
        "received_ms, updated_ms, id, due_ms, client_id, applicant_phone, submission, personal FROM dossiers "
        "WHERE id = ?");
    if (!q) return fail(q.error());
    q->bind(1, id);
    auto row = q->step();
    if (!row) return fail(row.error());
    if (!*row) return fail(Errc::not_found, "no dossier " + std::to_string(id));
    protocol::DossierDetail d;
    d.summary = summary_from(*q);
    d.client_id = q->text(11);
    d.applicant = {q->text(6), q->text(12)};
    apply_personal_data(d, q->opt_text(14));
    if (auto sub = parse_json(q->text(13))) {
      d.payment_method = opt_string(*sub, "payment_method");
      d.result_delivery = opt_string(*sub, "result_delivery");
    }
    q->reset();
    auto docs = db_.prepare(
        "SELECT document_id, name, content_type, coalesce(content_sha256, sha256), coalesce(content_size, size), "
        "received FROM dossier_documents WHERE dossier_id = ? ORDER BY rowid");
    if (!docs) return fail(docs.error());
    docs->bind(1, id);
    if (auto r = rows(docs, [&](Stmt& s) -> Result<void> {
          d.documents.push_back({s.text(0), s.text(1), s.text(2), s.text(3), s.int64(4), s.int64(5) != 0});
          return {};
        });
        !r)
      return fail(r.error());
    auto ev = db_.prepare(
        "SELECT at_ms, actor, actor_role, action, status, note, appointment_ms FROM dossier_events "
        "WHERE dossier_id = ? ORDER BY id");
    if (!ev) return fail(ev.error());
    ev->bind(1, id);
    if (auto r = rows(ev, [&](Stmt& s) -> Result<void> {
          const std::string action = s.text(3);
          const auto known = domain::action_from_key(action);
          d.events.push_back({fmt_ms(s.int64(0)), s.text(1), s.text(2), action,
                              known ? std::string(domain::action_label_vi(*known)) : std::string("Nhận dữ liệu từ kiosk"),
                              status_key_of(s.opt_int64(4)), s.opt_text(5), fmt_opt_ms(s.opt_int64(6))});
          return {};
        });
        !r)
      return fail(r.error());
    return d;
  }

  Result<protocol::DossierAck> ack_for(std::int64_t id) {
    auto st = db_.prepare(
        "SELECT client_id, code, provisional_code, status, received_ms, sealed_ms FROM dossiers WHERE id = ?");
    if (!st) return fail(st.error());
    st->bind(1, id);
    auto row = st->step();
    if (!row) return fail(row.error());
    protocol::DossierAck a;
    a.client_id = st->text(0);
    a.code = st->text(1);
    a.provisional_code = st->opt_text(2);
    a.status = status_key_of(st->opt_int64(3));
    a.received_at = fmt_ms(st->int64(4));
    a.sealed_at = fmt_opt_ms(st->opt_int64(5));
    st->reset();
    auto missing = db_.prepare("SELECT document_id FROM dossier_documents WHERE dossier_id = ? AND received = 0 ORDER BY rowid");
    if (!missing) return fail(missing.error());
    missing->bind(1, id);
    if (auto r = rows(missing, [&](Stmt& s) -> Result<void> {
          a.missing_documents.push_back(s.text(0));
          return {};
        });
        !r)
      return fail(r.error());
    return a;
  }

  // Upload bookkeeping, not a lifecycle event: documents are still arriving.
  Result<void> add_receive_event(std::int64_t id, std::int64_t ms, const std::string& actor) {
    auto st = db_.prepare(
        "INSERT INTO dossier_events(dossier_id, at_ms, actor, actor_role, action, status) VALUES(?,?,?,'system','receive',NULL)");
    if (!st) return fail(st.error());
    return st->bind(1, id).bind(2, ms).bind(3, actor).run();
  }

  Result<void> add_event(std::int64_t id, const domain::DossierEvent& e) {
    auto st = db_.prepare(
        "INSERT INTO dossier_events(dossier_id, at_ms, actor, actor_role, action, status, note, appointment_ms) "
        "VALUES(?,?,?,?,?,?,?,?)");
    if (!st) return fail(st.error());
    st->bind(1, id)
        .bind(2, unix_millis(e.at))
        .bind(3, e.actor_id)
        .bind(4, to_string(e.actor))
        .bind(5, domain::action_key(e.action))
        .bind(6, static_cast<int>(e.status))
        .bind(7, e.note);
    if (e.appointment) st->bind(8, unix_millis(*e.appointment));
    else st->bind_null(8);
    return st->run();
  }

  Result<domain::DossierHistory> history(std::int64_t id) {
    auto st = db_.prepare(
        "SELECT at_ms, actor, actor_role, action, status, note, appointment_ms FROM dossier_events "
        "WHERE dossier_id = ? AND action != 'receive' ORDER BY id");
    if (!st) return fail(st.error());
    st->bind(1, id);
    domain::DossierHistory h;
    auto r = rows(st, [&](Stmt& s) -> Result<void> {
      domain::DossierEvent e;
      e.at = from_unix_millis(s.int64(0));
      e.actor_id = s.text(1);
      e.actor = domain::actor_from_string(s.text(2)).value_or(domain::Actor::system);
      auto action = domain::action_from_key(s.text(3));
      auto status = domain::status_from_int(s.integer(4));
      if (!action || !status) return fail(Errc::corrupt, "dossier event with unknown action or status");
      e.action = *action;
      e.status = *status;
      e.note = s.opt_text(5);
      if (auto ms = s.opt_int64(6)) e.appointment = from_unix_millis(*ms);
      h.append(std::move(e));
      return {};
    });
    if (!r) return fail(r.error());
    return h;
  }

  static std::string day_key(TimePoint now) { return domain::code_day(now); }

  Result<int> next_sequence(const std::string& agency, TimePoint now) {
    const std::string day = day_key(now);
    auto st = db_.prepare(
        "INSERT INTO code_sequences(agency_id, day, last) VALUES(?, ?, 1) "
        "ON CONFLICT(agency_id, day) DO UPDATE SET last = last + 1 RETURNING last");
    if (!st) return fail(st.error());
    st->bind(1, agency).bind(2, day);
    auto row = st->step();
    if (!row) return fail(row.error());
    const int n = st->integer(0);
    st->reset();
    return n;
  }

  Result<std::optional<KioskRecord>> find_kiosk(const std::string& id) {
    auto st = db_.prepare("SELECT id, number, cert_fingerprint, revoked FROM kiosks WHERE id = ?");
    if (!st) return fail(st.error());
    st->bind(1, id);
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) return std::optional<KioskRecord>{};
    return std::optional<KioskRecord>(KioskRecord{st->text(0), st->integer(1), st->text(2), st->int64(3) != 0});
  }

  Result<std::optional<domain::Service>> find_service(const std::string& code) {
    auto st = db_.prepare("SELECT body FROM catalog_entities WHERE kind = 'service' AND key = ? AND deleted = 0");
    if (!st) return fail(st.error());
    st->bind(1, code);
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) return std::optional<domain::Service>{};
    auto j = parse_json(st->text(0));
    if (!j) return fail(Errc::corrupt, j.error().message);
    auto s = domain::service_from_json(*j);
    if (!s) return fail(Errc::corrupt, s.error().message);
    return std::optional<domain::Service>(std::move(*s));
  }

  Result<domain::Catalog> load_catalog() {
    auto st = db_.prepare("SELECT kind, body, key FROM catalog_entities WHERE deleted = 0 ORDER BY kind, key");
    domain::Catalog c;
    auto r = rows(st, [&](Stmt& s) -> Result<void> {
      auto j = parse_json(s.text(1));
      if (!j) return fail(Errc::corrupt, j.error().message);
      const std::string kind = s.text(0);
      Result<void> ok;
      if (kind == "agency") {
        auto v = domain::agency_from_json(*j);
        if (!v) return fail(v.error());
        c.agencies.push_back(std::move(*v));
      } else if (kind == "sector") {
        auto v = domain::sector_from_json(*j);
        if (!v) return fail(v.error());
        c.sectors.push_back(std::move(*v));
      } else if (kind == "field") {
        auto v = domain::field_from_json(*j);
        if (!v) return fail(v.error());
        c.fields.push_back(std::move(*v));
      } else if (kind == "service") {
        auto v = domain::service_from_json(*j);
        if (!v) return fail(v.error());
        c.services.push_back(std::move(*v));
      } else if (kind == "qa") {
        auto v = domain::qa_from_json(*j);
        if (!v) return fail(v.error());
        c.qa.push_back(std::move(*v));
      } else if (kind == "stats") {
        auto v = domain::stats_from_json(*j);
        if (!v) return fail(v.error());
        c.stats.push_back(std::move(*v));
      } else if (kind == "calendar" && s.text(2) == "overrides") {
        auto v = calendar::overrides_from_json(*j);
        if (!v) return fail(v.error());
        c.calendar = std::move(*v);
      } else if (kind == "calendar" && s.text(2) == "working_hours") {
        auto v = domain::working_hours_from_json(*j);
        if (!v) return fail(v.error());
        c.working_hours = std::move(*v);
      }
      return ok;
    });
    if (!r) return fail(r.error());
    return c;
  }

  static domain::Catalog merge(domain::Catalog base, const domain::Catalog& in) {
    auto upsert_all = [](auto& list, const auto& incoming, auto key) {
      std::unordered_map<std::string, std::size_t> index;
      for (std::size_t i = 0; i < list.size(); ++i) index[key(list[i])] = i;
      for (const auto& item : incoming) {
        auto it = index.find(key(item));
        if (it != index.end()) {
          list[it->second] = item;
        } else {
          index[key(item)] = list.size();
          list.push_back(item);
        }
      }
    };
    upsert_all(base.agencies, in.agencies, [](const auto& x) { return x.id; });
    upsert_all(base.sectors, in.sectors, [](const auto& x) { return x.id; });
    upsert_all(base.fields, in.fields, [](const auto& x) { return x.id; });
    upsert_all(base.services, in.services, [](const auto& x) { return x.code; });
    if (in.calendar) base.calendar = in.calendar;
    upsert_all(base.qa, in.qa, [](const auto& x) { return x.id; });
    if (in.working_hours) base.working_hours = in.working_hours;
    return base;
  }

  static int on_commit(void* self) {
    static_cast<SqliteStore*>(self)->committed_ = true;
    return 0;  // go ahead
  }

  std::mutex mutex_;
  Db db_;
  std::optional<Stmt> lookup_;  // status(): prepared once, reset after every use
  const Clock& clock_;
  WalSync wal_;
  bool committed_ = false;  // under mutex_: the current call committed
  std::optional<calendar::WorkingTime> working_time_;
};

}  // namespace

Result<std::unique_ptr<HubStore>> open_sqlite_store(const std::string& path, const Clock& clock) {
  auto db = Db::open(path);
  if (!db) return fail(db.error());
  if (auto r = store::migrate(*db, kMigrations); !r) return fail(r.error());  // synchronous=FULL so far
  if (auto r = db->exec("PRAGMA synchronous=NORMAL"); !r) return fail(r.error());  // WalSync from here on
  auto store = std::make_unique<SqliteStore>(std::move(*db), clock);
  if (auto r = store->init_calendar(); !r) return fail(r.error());
  return std::unique_ptr<HubStore>(std::move(store));
}

}  // namespace motcua::hub
