// PostgreSQL backend of the hub: the same behaviour as the embedded SQLite
// backend (sqlite_store.cpp), for several hub processes on one database.
//
// What changes when many processes write at once (docs/postgres.md):
//  - every operation that writes more than one row is one transaction;
//  - codes come from a row per agency and day, incremented with
//    INSERT … ON CONFLICT DO UPDATE … RETURNING: the row lock serialises
//    writers, so no code is issued twice and an aborted create leaves no gap;
//  - a repeated create that races the original hits the unique key
//    (kiosk_id, client_id), rolls back (returning its code number) and answers
//    from the committed original;
//  - lifecycle actions and seals lock the dossier row (SELECT … FOR UPDATE), so
//    two officials cannot both move a dossier from the same status;
//  - feed positions (catalog and status) come from a counter row updated in
//    the writing transaction. Its row lock is held until commit, so positions
//    become visible in the order they were allocated and a kiosk reading after
//    its cursor can never skip a change that commits later (a SEQUENCE would
//    allow exactly that).
// Hot reads (status lookup, status feed) are one statement each, which sees
// one snapshot; multi-statement reads use a REPEATABLE READ transaction.

#include "postgres_store.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <mutex>
#include <unordered_map>
#include <utility>

#include "motcua/crypto/random.hpp"
#include "motcua/domain/dossier_code.hpp"
#include "motcua/domain/service_rules.hpp"
#include "motcua/util/json.hpp"
#include "motcua/util/log.hpp"
#include "pg_connection.hpp"

namespace motcua::hub {

namespace {

using pg::Connection;
using pg::Params;
using pg::Rows;
using pg::Tx;

// Advisory lock keys (two int4): the class says "motcua", the object what is locked.
constexpr int kLockClass = 0x6d6f7463;  // 'motc'
constexpr int kLockMigrations = 1;
constexpr int kLockKioskNumbers = 2;

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

// Numbered, applied in order, never renumbered. Version 1 is the schema the
// SQLite backend reached through its migrations 1–5, with PostgreSQL types.
constexpr Migration kMigrations[] = {
    {1, "catalog, kiosks, dossiers, documents, events, codes, leases, feed counters", R"sql(
-- Feed positions: one row per feed, incremented inside the writing transaction
-- (see the file comment of postgres_store.cpp).
CREATE TABLE feed_counters (
  name TEXT PRIMARY KEY,
  last BIGINT NOT NULL
);
INSERT INTO feed_counters(name, last) VALUES ('catalog', 0), ('status', 0);

CREATE TABLE catalog_entities (
  kind    TEXT NOT NULL,
  key     TEXT NOT NULL,
  seq     BIGINT NOT NULL UNIQUE,
  body    TEXT,
  deleted BOOLEAN NOT NULL DEFAULT false,
  PRIMARY KEY (kind, key)
);

CREATE TABLE kiosks (
  id               TEXT PRIMARY KEY,
  number           INTEGER NOT NULL UNIQUE,
  cert_fingerprint TEXT NOT NULL,
  revoked          BOOLEAN NOT NULL DEFAULT false,
  created_ms       BIGINT NOT NULL,
  heartbeat        TEXT,
  last_seen_ms     BIGINT
);

CREATE TABLE dossiers (
  id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
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
  sealed_key       TEXT,
  status           INTEGER,            -- NULL while documents are still arriving
  received_ms      BIGINT NOT NULL,
  sealed_ms        BIGINT,
  submitted_ms     BIGINT,
  updated_ms       BIGINT NOT NULL,
  due_ms           BIGINT,
  status_seq       BIGINT UNIQUE,      -- position in the status feed of the latest change
  CONSTRAINT dossiers_kiosk_client UNIQUE (kiosk_id, client_id)
);
CREATE INDEX dossiers_status ON dossiers(status, received_ms);
CREATE INDEX dossiers_kiosk_status_seq ON dossiers(kiosk_id, status_seq);

CREATE TABLE dossier_documents (
  dossier_id     BIGINT NOT NULL REFERENCES dossiers(id),
  position       INTEGER NOT NULL,     -- order of declaration (SQLite: rowid)
  document_id    TEXT NOT NULL,
  name           TEXT NOT NULL,
  content_type   TEXT NOT NULL,
  size           BIGINT NOT NULL,
  sha256         TEXT NOT NULL,
  encoding       TEXT NOT NULL DEFAULT 'identity',
  received       BOOLEAN NOT NULL DEFAULT false,
  content_sha256 TEXT,
  content_size   BIGINT,
  PRIMARY KEY (dossier_id, document_id)
);

-- Append-only: every state change of every dossier, with who and why.
CREATE TABLE dossier_events (
  id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  dossier_id     BIGINT NOT NULL REFERENCES dossiers(id),
  at_ms          BIGINT NOT NULL,
  actor          TEXT NOT NULL,
  actor_role     TEXT NOT NULL DEFAULT 'system',
  action         TEXT NOT NULL,
  status         INTEGER,
  note           TEXT,
  appointment_ms BIGINT
);
CREATE INDEX dossier_events_dossier ON dossier_events(dossier_id, id);
-- The audit log stays append-only even for someone with SQL access as the hub's role.
CREATE FUNCTION motcua_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END $$;
CREATE TRIGGER dossier_events_append_only BEFORE UPDATE OR DELETE ON dossier_events
  FOR EACH ROW EXECUTE FUNCTION motcua_refuse_change();
CREATE TRIGGER dossier_events_no_truncate BEFORE TRUNCATE ON dossier_events
  FOR EACH STATEMENT EXECUTE FUNCTION motcua_refuse_change();

CREATE TABLE code_sequences (
  agency_id TEXT NOT NULL,
  day       TEXT NOT NULL,
  last      INTEGER NOT NULL,
  PRIMARY KEY (agency_id, day)
);

CREATE TABLE code_leases (
  id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kiosk_id  TEXT NOT NULL,
  agency_id TEXT NOT NULL,
  day       TEXT NOT NULL,
  first     INTEGER NOT NULL,
  last      INTEGER NOT NULL,
  leased_ms BIGINT NOT NULL
);
CREATE INDEX code_leases_kiosk ON code_leases(kiosk_id, agency_id, day);
)sql"},
    {2, "timeliness kept with each dossier, for the service figures", R"sql(
ALTER TABLE dossiers ADD COLUMN timeliness TEXT;
ALTER TABLE dossiers ADD COLUMN effective_due_ms BIGINT;
CREATE INDEX dossiers_service ON dossiers(service_code);
)sql"},
    {3, "the opened personal data beyond name and phone: ID, birth date, sex, address, e-form answers, postal address, consent", R"sql(
ALTER TABLE dossiers ADD COLUMN personal TEXT;
)sql"},
};

// Transactions that lose a serialization or deadlock race are run again.
constexpr int kAttempts = 3;

// The calendar's version: its rows' latest change position. Read together with
// the data that needs the calendar, so a catalog import by another hub process
// reaches this one's appointments and timeliness at once.
constexpr const char* kCalendarVersion =
    "(SELECT coalesce(max(seq), 0) FROM catalog_entities WHERE kind = 'calendar')";

// A dossier as the views need it, then its events (LEFT JOIN: NULL when none),
// then the calendar version. Queries add their own columns after kExtra.
constexpr const char* kDossierColumns =
    "d.id, d.code, d.provisional_code, d.service_code, d.service_name, d.status, d.kiosk_id, d.applicant_name, "
    "d.received_ms, d.updated_ms, d.due_ms, d.agency_id, d.client_id, d.applicant_phone, d.submission, "
    "e.id, e.at_ms, e.actor, e.actor_role, e.action, e.status, e.note, e.appointment_ms";
enum Col : int {
  kId, kCode, kProvisional, kServiceCode, kServiceName, kStatus, kKiosk, kApplicantName,
  kReceived, kUpdated, kDue, kAgency, kClientId, kPhone, kSubmission,
  kEvId, kEvAt, kEvActor, kEvRole, kEvAction, kEvStatus, kEvNote, kEvAppointment,
  kCalVersion, kExtra
};

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

std::optional<domain::Timeliness> timeliness_from(const std::string& key) {
  for (auto t : {domain::Timeliness::not_applicable, domain::Timeliness::not_yet_due, domain::Timeliness::overdue,
                 domain::Timeliness::early, domain::Timeliness::on_time, domain::Timeliness::late})
    if (domain::to_string(t) == key) return t;
  return std::nullopt;
}

// One dossier of a joined result: where its rows start, its events for
// display (all of them) and its history (the lifecycle events, for decide and
// timeliness), as in the SQLite backend's detail() and history().
struct Loaded {
  int row = 0;
  std::int64_t id = 0;
  std::vector<protocol::StatusEvent> events;
  domain::DossierHistory history;
  bool history_ok = true;  // false: an event with an unknown action or status (not classified, as SQLite)
};

Result<std::vector<Loaded>> group_rows(const Rows& r) {
  std::vector<Loaded> out;
  for (int i = 0; i < r.size(); ++i) {
    const std::int64_t id = r.int64(i, kId);
    if (out.empty() || out.back().id != id) out.push_back(Loaded{i, id, {}, {}, true});
    if (r.is_null(i, kEvId)) continue;
    auto& d = out.back();
    const std::string action = r.text(i, kEvAction);
    const auto known = domain::action_from_key(action);
    const auto status = r.opt_int64(i, kEvStatus);
    d.events.push_back({fmt_ms(r.int64(i, kEvAt)), r.text(i, kEvActor), r.text(i, kEvRole), action,
                        known ? std::string(domain::action_label_vi(*known)) : std::string("Nhận dữ liệu từ kiosk"),
                        status_key_of(status), r.opt_text(i, kEvNote), fmt_opt_ms(r.opt_int64(i, kEvAppointment))});
    if (action == "receive") continue;  // upload bookkeeping, not a lifecycle event
    domain::DossierEvent e;
    e.at = from_unix_millis(r.int64(i, kEvAt));
    e.actor_id = r.text(i, kEvActor);
    e.actor = domain::actor_from_string(r.view(i, kEvRole)).value_or(domain::Actor::system);
    const auto st = status ? domain::status_from_int(static_cast<int>(*status)) : std::nullopt;
    if (!known || !st) {
      d.history_ok = false;
      continue;
    }
    e.action = *known;
    e.status = *st;
    e.note = r.opt_text(i, kEvNote);
    if (auto ms = r.opt_int64(i, kEvAppointment)) e.appointment = from_unix_millis(*ms);
    d.history.append(std::move(e));
  }
  return out;
}

class PostgresStore final : public HubStore {
 public:
  PostgresStore(const std::string& url, const Clock& clock, std::size_t pool_size)
      : pool_(url, pool_size), clock_(clock) {}

  Result<void> migrate() {
    auto c = pool_.acquire();
    if (!c) return fail(c.error());
    auto tx = Tx::begin(**c);
    if (!tx) return fail(tx.error());
    // Held until commit: a second hub starting at the same moment waits here and
    // then finds the schema current.
    if (auto r = (*c)->query("SELECT pg_advisory_xact_lock($1::int, $2::int)", Params(kLockClass, kLockMigrations)); !r)
      return fail(r.error());
    if (auto r = (*c)->exec(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
            "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
        !r)
      return fail(r.error());
    auto v = (*c)->query("SELECT coalesce(max(version), 0) FROM schema_version");
    if (!v) return fail(v.error());
    const int current = v->integer(0, 0);
    const int latest = kMigrations[std::size(kMigrations) - 1].version;
    if (current > latest)
      return fail(Errc::corrupt, "the database's schema version " + std::to_string(current) +
                                     " is newer than this hub's (" + std::to_string(latest) + "); upgrade the hub");
    for (const auto& m : kMigrations) {
      if (m.version <= current) continue;
      if (auto r = (*c)->exec(m.sql); !r)
        return fail(r.error().code, "migration " + std::to_string(m.version) + " (" + m.name + "): " + r.error().message);
      if (auto r = (*c)->query("INSERT INTO schema_version(version, name) VALUES($1, $2)", Params(m.version, m.name)); !r)
        return fail(r.error());
      log::info("hub", "PostgreSQL schema migrated to version " + std::to_string(m.version) + ": " + m.name);
    }
    return tx->commit();
  }

  // Builds the calendar at start so a bad one fails here, like the SQLite backend.
  Result<void> init_calendar() {
    auto c = pool_.acquire();
    if (!c) return fail(c.error());
    auto v = (*c)->query(std::string("SELECT ") + kCalendarVersion);
    if (!v) return fail(v.error());
    auto wt = working_time(**c, v->int64(0, 0));
    if (!wt) return fail(wt.error());
    return {};
  }

  // ---- catalog

  Result<ImportCounts> import_catalog(const domain::Catalog& incoming) override {
    return in_tx<ImportCounts>([&](Connection& c) -> Result<ImportCounts> {
      // The catalog feed's counter row, locked until commit: imports from all hub
      // processes take turns, so the merged catalog is checked against what is
      // really stored and change positions commit in the order they were taken.
      auto counter = c.query("SELECT last FROM feed_counters WHERE name = 'catalog' FOR UPDATE");
      if (!counter) return fail(counter.error());
      if (counter->empty()) return fail(Errc::corrupt, "feed counter 'catalog' is missing");
      std::int64_t last = counter->int64(0, 0);

      auto current = load_catalog(c);
      if (!current) return fail(current.error());
      domain::Catalog merged = merge(*current, incoming);
      if (auto r = domain::check_references(merged); !r) return fail(r.error());

      auto stored = c.query("SELECT kind, key, body FROM catalog_entities");
      if (!stored) return fail(stored.error());
      std::map<std::pair<std::string, std::string>, std::string> bodies;
      for (int i = 0; i < stored->size(); ++i)
        bodies[{stored->text(i, 0), stored->text(i, 1)}] = stored->is_null(i, 2) ? std::string() : stored->text(i, 2);

      // Each entity whose content differs takes the next position; a key given
      // twice keeps its last version (as SQLite, where it is updated twice).
      ImportCounts counts;
      std::map<std::pair<std::string, std::string>, std::pair<std::int64_t, std::string>> changes;
      auto put = [&](const char* kind, const std::string& key, const Json& body) {
        std::string text = body.dump();
        auto& known = bodies[{kind, key}];
        if (known == text) return;
        known = text;
        changes[{kind, key}] = {++last, std::move(text)};
        ++counts.changed;
      };
      for (const auto& a : incoming.agencies) {
        put("agency", a.id, domain::to_json(a));
        ++counts.agencies;
      }
      for (const auto& s : incoming.sectors) {
        put("sector", s.id, domain::to_json(s));
        ++counts.sectors;
      }
      for (const auto& f : incoming.fields) {
        put("field", f.id, domain::to_json(f));
        ++counts.fields;
      }
      for (const auto& s : incoming.services) {
        put("service", s.code, domain::to_json(s));
        ++counts.services;
      }
      if (incoming.calendar) put("calendar", "overrides", calendar::to_json(*incoming.calendar));
      for (const auto& q : incoming.qa) put("qa", q.id, domain::to_json(q));
      if (incoming.working_hours)
        put("calendar", "working_hours", Json{{"sessions", calendar::format_sessions(*incoming.working_hours)}});
      if (auto r = write_entities(c, last, std::move(changes)); !r) return fail(r.error());
      return counts;
    });
  }

  // ---- service figures

  Result<int> refresh_stats(TimePoint now) override {
    const std::int64_t now_ms = unix_millis(now);
    // Counted outside the catalog's lock (a scan of every dossier), published under it.
    auto figures = with_connection<std::vector<domain::ServiceStats>>(
        [&](Connection& c) -> Result<std::vector<domain::ServiceStats>> {
          auto r = c.query(
              "SELECT service_code, count(*), count(*) FILTER (WHERE received_ms >= $1), "
              "count(*) FILTER (WHERE timeliness = 'early'), count(*) FILTER (WHERE timeliness = 'on_time'), "
              "count(*) FILTER (WHERE timeliness = 'late'), count(*) FILTER (WHERE status IN (1, 2, 4, 5, 6)), "
              // Waiting for the applicant's supplement stops the clock: not overdue then.
              "count(*) FILTER (WHERE status IN (2, 4, 6) AND effective_due_ms IS NOT NULL AND effective_due_ms < $2) "
              "FROM dossiers WHERE status IS NOT NULL GROUP BY service_code ORDER BY service_code COLLATE \"C\"",
              Params(now_ms - std::int64_t{365} * 86400000, now_ms));
          if (!r) return fail(r.error());
          std::vector<domain::ServiceStats> all;
          for (int i = 0; i < r->size(); ++i) {
            domain::ServiceStats x;
            x.code = r->text(i, 0);
            x.received_total = r->int64(i, 1);
            x.received_last_year = r->int64(i, 2);
            x.early = r->int64(i, 3);
            x.on_time = r->int64(i, 4);
            x.late = r->int64(i, 5);
            x.finished = x.early + x.on_time + x.late;
            x.open = r->int64(i, 6);
            x.overdue = r->int64(i, 7);
            x.computed_at = format_utc(now);
            all.push_back(std::move(x));
          }
          return all;
        });
    if (!figures) return fail(figures.error());
    return in_tx<int>([&](Connection& c) -> Result<int> {
      // Same lock as imports: two hub processes refreshing at once take turns,
      // and the second finds the figures already published.
      auto counter = c.query("SELECT last FROM feed_counters WHERE name = 'catalog' FOR UPDATE");
      if (!counter) return fail(counter.error());
      if (counter->empty()) return fail(Errc::corrupt, "feed counter 'catalog' is missing");
      std::int64_t last = counter->int64(0, 0);
      auto stored = c.query("SELECT key, body FROM catalog_entities WHERE kind = 'stats'");
      if (!stored) return fail(stored.error());
      std::map<std::string, std::string> bodies;
      for (int i = 0; i < stored->size(); ++i) bodies[stored->text(i, 0)] = stored->is_null(i, 1) ? "" : stored->text(i, 1);
      std::map<std::pair<std::string, std::string>, std::pair<std::int64_t, std::string>> changes;
      int changed = 0;
      for (const auto& x : *figures) {
        Json fresh = domain::to_json(x);
        if (auto it = bodies.find(x.code); it != bodies.end()) {
          // Republish only when a figure changed, not because time passed.
          if (auto old = parse_json(it->second)) {
            Json a = *old, b = fresh;
            a.erase("computed_at");
            b.erase("computed_at");
            if (a == b) continue;
          }
        }
        changes[{"stats", x.code}] = {++last, fresh.dump()};
        ++changed;
      }
      if (auto r = write_entities(c, last, std::move(changes)); !r) return fail(r.error());
      return changed;
    });
  }

  Result<protocol::CatalogPage> catalog_changes(std::int64_t after, int limit) override {
    return with_connection<protocol::CatalogPage>([&](Connection& c) -> Result<protocol::CatalogPage> {
      auto r = c.query("SELECT seq, kind, key, body, deleted FROM catalog_entities WHERE seq > $1 ORDER BY seq LIMIT $2",
                       Params(after, limit + 1));
      if (!r) return fail(r.error());
      protocol::CatalogPage page;
      page.next = after;
      for (int i = 0; i < r->size(); ++i) {
        if (static_cast<int>(page.changes.size()) == limit) {
          page.more = true;
          break;
        }
        protocol::CatalogChange ch;
        ch.seq = r->int64(i, 0);
        ch.kind = r->text(i, 1);
        ch.key = r->text(i, 2);
        ch.deleted = r->boolean(i, 4);
        if (!ch.deleted) {
          auto body = parse_json(r->view(i, 3));
          if (!body) return fail(Errc::corrupt, "catalog row " + ch.key + ": " + body.error().message);
          ch.body = std::move(*body);
        }
        page.next = ch.seq;
        page.changes.push_back(std::move(ch));
      }
      return page;
    });
  }

  Result<domain::Catalog> catalog() override {
    return with_connection<domain::Catalog>([&](Connection& c) { return load_catalog(c); });
  }

  Result<std::optional<domain::Service>> service(const std::string& code) override {
    return with_connection<std::optional<domain::Service>>([&](Connection& c) { return find_service(c, code); });
  }

  // ---- kiosks

  Result<KioskRecord> register_kiosk(const std::string& id, const std::string& fingerprint) override {
    return in_tx<KioskRecord>([&](Connection& c) -> Result<KioskRecord> {
      // Kiosk numbers are max + 1 as in SQLite; enrolments from two hub processes
      // take turns so they cannot pick the same number.
      if (auto r = c.query("SELECT pg_advisory_xact_lock($1::int, $2::int)", Params(kLockClass, kLockKioskNumbers)); !r)
        return fail(r.error());
      auto existing = find_kiosk(c, id);
      if (!existing) return fail(existing.error());
      if (*existing) {
        KioskRecord k = **existing;
        if (auto r = c.query("UPDATE kiosks SET cert_fingerprint = $1, revoked = false WHERE id = $2",
                             Params(fingerprint, id));
            !r)
          return fail(r.error());
        k.cert_fingerprint = fingerprint;
        k.revoked = false;
        return k;
      }
      auto ins = c.query(
          "INSERT INTO kiosks(id, number, cert_fingerprint, created_ms) "
          "VALUES($1, (SELECT coalesce(max(number), 0) + 1 FROM kiosks), $2, $3) RETURNING number",
          Params(id, fingerprint, unix_millis(std::chrono::system_clock::now())));
      if (!ins) return fail(ins.error());
      return KioskRecord{id, ins->integer(0, 0), fingerprint, false};
    });
  }

  Result<std::optional<KioskRecord>> kiosk(const std::string& id) override {
    return with_connection<std::optional<KioskRecord>>([&](Connection& c) { return find_kiosk(c, id); });
  }

  // ---- code leases

  Result<protocol::CodeLease> lease_codes(const std::string& kiosk_id, const std::string& agency_id, int count,
                                          TimePoint now) override {
    return in_tx<protocol::CodeLease>([&](Connection& c) -> Result<protocol::CodeLease> {
      auto known = c.query("SELECT 1 FROM catalog_entities WHERE kind = 'agency' AND key = $1 AND NOT deleted",
                           Params(agency_id));
      if (!known) return fail(known.error());
      if (known->empty()) return fail(Errc::not_found, "unknown agency " + agency_id);
      const std::string day = domain::code_day(now);
      // The (agency, day) row stays locked until commit: the block is this kiosk's alone.
      auto seq = c.query(
          "INSERT INTO code_sequences(agency_id, day, last) VALUES($1, $2, $3) "
          "ON CONFLICT (agency_id, day) DO UPDATE SET last = code_sequences.last + excluded.last RETURNING last",
          Params(agency_id, day, count));
      if (!seq) return fail(seq.error());
      const int last = seq->integer(0, 0);
      protocol::CodeLease lease{agency_id, day, last - count + 1, last};
      if (auto r = c.query(
              "INSERT INTO code_leases(kiosk_id, agency_id, day, first, last, leased_ms) VALUES($1,$2,$3,$4,$5,$6)",
              Params(kiosk_id, agency_id, day, lease.first, lease.last, unix_millis(now)));
          !r)
        return fail(r.error());
      return lease;
    });
  }

  // ---- dossiers

  Result<CreateResult> create_dossier(const std::string& kiosk_id, const protocol::Submission& s,
                                      const protocol::PersonalData& opened, const std::string& content_hash,
                                      TimePoint now) override {
    // A repeat can race the original (a kiosk retrying on another hub process
    // after a lost acknowledgement). The loser of the race finds the key taken,
    // rolls back — giving its code number back — and answers from the winner's
    // committed row on the next pass.
    auto c = pool_.acquire();
    if (!c) return fail(c.error());
    for (int attempt = 1; attempt <= kAttempts; ++attempt) {
      if ((*c)->broken()) {
        c = pool_.acquire();  // as in in_tx(): nothing was committed on the dead one
        if (!c) return fail(c.error());
      }
      auto tx = Tx::begin(**c);
      if (!tx) {
        if ((*c)->broken() && attempt < kAttempts) continue;
        return fail(tx.error());
      }
      auto r = create_once(**c, kiosk_id, s, opened, content_hash, now);
      if (!r) {
        if (((*c)->last_failure_retryable() || (*c)->broken()) && attempt < kAttempts) continue;
        return fail(r.error());
      }
      if (!*r) continue;  // raced: the rollback (tx's destructor) returns the code number
      if (auto x = tx->commit(); !x) {
        if ((*c)->last_failure_retryable() && attempt < kAttempts) continue;
        return fail(x.error());
      }
      return std::move(**r);
    }
    return fail(Errc::conflict, "client id " + s.client_id + ": concurrent creates did not settle; retry");
  }

  Result<protocol::DocumentDecl> declared_document(const std::string& kiosk_id, const std::string& client_id,
                                                   const std::string& document_id) override {
    return with_connection<protocol::DocumentDecl>([&](Connection& c) -> Result<protocol::DocumentDecl> {
      auto r = c.query(
          "SELECT d.document_id, d.name, d.content_type, d.size, d.sha256, d.encoding FROM dossier_documents d "
          "JOIN dossiers x ON x.id = d.dossier_id WHERE x.kiosk_id = $1 AND x.client_id = $2 AND d.document_id = $3",
          Params(kiosk_id, client_id, document_id));
      if (!r) return fail(r.error());
      if (r->empty()) return fail(Errc::not_found, "dossier " + client_id + " of this kiosk has no document " + document_id);
      return protocol::DocumentDecl{r->text(0, 0), r->text(0, 1), r->text(0, 2), r->int64(0, 3), r->text(0, 4),
                                    r->text(0, 5)};
    });
  }

  Result<std::string> sealed_key(const std::string& kiosk_id, const std::string& client_id) override {
    return with_connection<std::string>([&](Connection& c) -> Result<std::string> {
      auto r = c.query("SELECT sealed_key FROM dossiers WHERE kiosk_id = $1 AND client_id = $2",
                       Params(kiosk_id, client_id));
      if (!r) return fail(r.error());
      if (r->empty() || r->is_null(0, 0))
        return fail(Errc::not_found, "dossier " + client_id + " of this kiosk has no sealed key");
      return r->text(0, 0);
    });
  }

  Result<bool> document_is_received(const std::string& kiosk_id, const std::string& client_id,
                                    const std::string& document_id) override {
    return with_connection<bool>([&](Connection& c) -> Result<bool> {
      auto r = c.query(
          "SELECT d.received FROM dossier_documents d JOIN dossiers x ON x.id = d.dossier_id "
          "WHERE x.kiosk_id = $1 AND x.client_id = $2 AND d.document_id = $3",
          Params(kiosk_id, client_id, document_id));
      if (!r) return fail(r.error());
      if (r->empty()) return fail(Errc::not_found, "dossier " + client_id + " of this kiosk has no document " + document_id);
      return r->boolean(0, 0);
    });
  }

  Result<void> document_received(const std::string& kiosk_id, const DocumentReceipt& d) override {
    return with_connection<void>([&](Connection& c) -> Result<void> {
      auto r = c.query(
          "UPDATE dossier_documents SET received = true, content_sha256 = coalesce($6, content_sha256, sha256), "
          "content_size = coalesce($7::bigint, content_size, size) WHERE document_id = $1 AND sha256 = $2 AND "
          "size = $3 AND dossier_id = (SELECT id FROM dossiers WHERE kiosk_id = $4 AND client_id = $5)",
          Params(d.document_id, d.sha256, d.size, kiosk_id, d.dossier_client_id, d.content_sha256, d.content_size));
      if (!r) return fail(r.error());
      if (r->affected() != 1) return fail(Errc::conflict, "document " + d.document_id + " does not match its declaration");
      return {};
    });
  }

  Result<protocol::DossierAck> seal(const std::string& kiosk_id, const std::string& client_id,
                                    TimePoint now) override {
    return in_tx<protocol::DossierAck>([&](Connection& c) -> Result<protocol::DossierAck> {
      // Locked: a seal repeated on another hub process waits and then sees it sealed.
      auto r = c.query(
          "SELECT id, status, submission, received_ms FROM dossiers WHERE kiosk_id = $1 AND client_id = $2 FOR UPDATE",
          Params(kiosk_id, client_id));
      if (!r) return fail(r.error());
      if (r->empty()) return fail(Errc::not_found, "no dossier " + client_id + " from this kiosk");
      const std::int64_t id = r->int64(0, 0);
      const bool already = !r->is_null(0, 1);
      // The moment the citizen submitted (printed on the receipt) starts the
      // processing time; a kiosk clock ahead of the hub's cannot push it into the future.
      std::int64_t submitted_ms = r->int64(0, 3);
      if (auto j = parse_json(r->view(0, 2))) {
        TimePoint t;
        if (parse_rfc3339(str_or(*j, "submitted_at"), t)) submitted_ms = std::min(unix_millis(t), unix_millis(now));
      }
      if (!already) {
        auto ack = ack_for(c, id);
        if (!ack) return fail(ack.error());
        if (!ack->missing_documents.empty()) {
          std::string list;
          for (const auto& m : ack->missing_documents) list += (list.empty() ? "" : ", ") + m;
          return fail(Errc::conflict, "dossier " + ack->code + " still misses documents: " + list);
        }
        domain::DossierEvent submit;
        submit.at = from_unix_millis(submitted_ms);
        submit.actor = domain::Actor::system;
        submit.actor_id = "kiosk:" + kiosk_id;
        submit.action = domain::DossierAction::submit;
        submit.status = domain::DossierStatus::submitted;
        if (auto x = add_event(c, id, submit); !x) return fail(x.error());
        const std::int64_t ms = unix_millis(now);
        // Last write of the transaction: the status feed's counter stays locked
        // only for the commit.
        if (auto x = c.query(
                "WITH s AS (UPDATE feed_counters SET last = last + 1 WHERE name = 'status' RETURNING last) "
                "UPDATE dossiers SET status = 1, sealed_ms = $1, updated_ms = $1, submitted_ms = $2, "
                "status_seq = (SELECT last FROM s) WHERE id = $3",
                Params(ms, submitted_ms, id));
            !x)
          return fail(x.error());
      }
      return ack_for(c, id);
    });
  }

  Result<protocol::StatusPage> status_changes(const std::string& kiosk_id, std::int64_t after, int limit) override {
    return with_connection<protocol::StatusPage>([&](Connection& c) -> Result<protocol::StatusPage> {
      // One statement, one snapshot: the page and the views agree.
      auto r = c.query(std::string("WITH page AS (SELECT id FROM dossiers WHERE kiosk_id = $1 AND status_seq > $2 "
                                   "ORDER BY status_seq LIMIT $3) SELECT ") +
                           kDossierColumns + ", " + kCalendarVersion +
                           ", d.status_seq FROM page JOIN dossiers d ON d.id = page.id "
                           "LEFT JOIN dossier_events e ON e.dossier_id = d.id AND e.action <> 'receive' "
                           "ORDER BY d.status_seq, e.id",
                       Params(kiosk_id, after, limit + 1));
      if (!r) return fail(r.error());
      auto loaded = group_rows(*r);
      if (!loaded) return fail(loaded.error());
      protocol::StatusPage page;
      page.next = after;
      if (static_cast<int>(loaded->size()) > limit) {
        page.more = true;
        loaded->resize(static_cast<std::size_t>(limit));
      }
      if (loaded->empty()) return page;
      auto wt = working_time(c, r->int64(0, kCalVersion));
      if (!wt) return fail(wt.error());
      for (auto& d : *loaded) {
        const std::int64_t seq = r->int64(d.row, kExtra);
        page.changes.push_back({seq, r->text(d.row, kClientId), status_view(*r, d, **wt)});
        page.next = seq;
      }
      return page;
    });
  }

  // ---- fleet

  Result<void> record_heartbeat(const std::string& kiosk_id, const protocol::Heartbeat& heartbeat,
                                TimePoint now) override {
    return with_connection<void>([&](Connection& c) -> Result<void> {
      auto r = c.query("UPDATE kiosks SET heartbeat = $1, last_seen_ms = $2 WHERE id = $3",
                       Params(protocol::to_json(heartbeat).dump(), unix_millis(now), kiosk_id));
      if (!r) return fail(r.error());
      return {};
    });
  }

  Result<std::vector<protocol::KioskView>> kiosks() override {
    return with_connection<std::vector<protocol::KioskView>>(
        [&](Connection& c) -> Result<std::vector<protocol::KioskView>> {
          auto r = c.query("SELECT id, number, revoked, last_seen_ms, heartbeat FROM kiosks ORDER BY number");
          if (!r) return fail(r.error());
          std::vector<protocol::KioskView> out;
          for (int i = 0; i < r->size(); ++i) {
            protocol::KioskView k;
            k.id = r->text(i, 0);
            k.number = r->integer(i, 1);
            k.revoked = r->boolean(i, 2);
            k.last_seen_at = fmt_opt_ms(r->opt_int64(i, 3));
            if (!r->is_null(i, 4))
              if (auto j = parse_json(r->view(i, 4)))
                if (auto h = protocol::heartbeat_from_json(*j)) k.heartbeat = std::move(*h);
            out.push_back(std::move(k));
          }
          return out;
        });
  }

  Result<protocol::StatusView> status(const std::string& code, const std::string& secret) override {
    return with_connection<protocol::StatusView>([&](Connection& c) -> Result<protocol::StatusView> {
      // The hot path of public lookups: one prepared statement, one round trip.
      auto r = c.query(std::string("SELECT ") + kDossierColumns + ", " + kCalendarVersion +
                           ", d.lookup_secret FROM dossiers d "
                           "LEFT JOIN dossier_events e ON e.dossier_id = d.id AND e.action <> 'receive' "
                           "WHERE (d.code = $1 OR d.provisional_code = $1) AND d.status IS NOT NULL ORDER BY d.id, e.id",
                       Params(code));
      if (!r) return fail(r.error());
      // Same answer for an unknown code and a wrong secret: codes cannot be probed.
      if (r->empty() || !crypto::constant_time_equal(r->view(0, kExtra), secret))
        return fail(Errc::not_found, "no dossier with this code and lookup secret");
      auto loaded = group_rows(*r);
      if (!loaded) return fail(loaded.error());
      auto wt = working_time(c, r->int64(0, kCalVersion));
      if (!wt) return fail(wt.error());
      return status_view(*r, loaded->front(), **wt);
    });
  }

  // ---- officials

  Result<std::vector<protocol::DossierSummary>> list_dossiers(std::optional<domain::DossierStatus> status, int limit,
                                                               int offset) override {
    return with_connection<std::vector<protocol::DossierSummary>>(
        [&](Connection& c) -> Result<std::vector<protocol::DossierSummary>> {
          std::optional<int> wanted;
          if (status) wanted = static_cast<int>(*status);
          auto r = c.query(std::string("WITH page AS (SELECT id FROM dossiers WHERE status IS NOT NULL AND "
                                       "($1::int IS NULL OR status = $1::int) "
                                       "ORDER BY received_ms DESC, id DESC LIMIT $2 OFFSET $3) SELECT ") +
                               kDossierColumns + ", " + kCalendarVersion +
                               " FROM page JOIN dossiers d ON d.id = page.id "
                               "LEFT JOIN dossier_events e ON e.dossier_id = d.id AND e.action <> 'receive' "
                               "ORDER BY d.received_ms DESC, d.id DESC, e.id",
                           Params(wanted, limit, offset));
          if (!r) return fail(r.error());
          auto loaded = group_rows(*r);
          if (!loaded) return fail(loaded.error());
          std::vector<protocol::DossierSummary> out;
          if (loaded->empty()) return out;
          auto wt = working_time(c, r->int64(0, kCalVersion));
          if (!wt) return fail(wt.error());
          for (const auto& d : *loaded) out.push_back(summary_from(*r, d, **wt));
          return out;
        });
  }

  Result<protocol::DossierDetail> dossier(const std::string& code) override {
    // Two statements (the dossier with its events, its documents) that must agree.
    return in_tx<protocol::DossierDetail>(
        [&](Connection& c) -> Result<protocol::DossierDetail> {
          auto id = id_by_code(c, code, false);
          if (!id) return fail(id.error());
          return detail(c, *id);
        },
        "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  }

  Result<protocol::DossierDetail> apply_action(const std::string& code,
                                               const domain::TransitionRequest& request) override {
    return in_tx<protocol::DossierDetail>([&](Connection& c) -> Result<protocol::DossierDetail> {
      // The dossier row stays locked until commit: a second official acting on
      // the same dossier (on any hub process) waits, then decides against the
      // history this transaction wrote.
      auto id = id_by_code(c, code, true);
      if (!id) return fail(id.error());
      auto r = c.query(std::string("SELECT ") + kDossierColumns + ", " + kCalendarVersion +
                           " FROM dossiers d LEFT JOIN dossier_events e ON e.dossier_id = d.id "
                           "AND e.action <> 'receive' WHERE d.id = $1 ORDER BY e.id",
                       Params(*id));
      if (!r) return fail(r.error());
      if (r->empty()) return fail(Errc::not_found, "no dossier with code " + code);
      auto loaded = group_rows(*r);
      if (!loaded) return fail(loaded.error());
      if (!loaded->front().history_ok) return fail(Errc::corrupt, "dossier event with unknown action or status");
      const auto& hist = loaded->front().history;
      if (!hist.status()) return fail(Errc::conflict, "dossier " + code + " is still receiving documents");

      auto wt = working_time(c, r->int64(0, kCalVersion));
      if (!wt) return fail(wt.error());
      std::optional<domain::DueRule> due_rule;
      if (request.action == domain::DossierAction::accept) {
        const std::string service_code = r->text(0, kServiceCode);
        auto svc = find_service(c, service_code);
        if (!svc) return fail(svc.error());
        if (!*svc) return fail(Errc::conflict, "service " + service_code + " is no longer in the catalog");
        auto processing = domain::processing_time((*svc)->processing);
        if (!processing) return fail(processing.error());
        due_rule = domain::DueRule{wt->get(), *processing};
      }
      auto event = domain::decide(hist, request, due_rule);
      if (!event) return fail(event.error());
      if (auto x = add_event(c, *id, *event); !x) return fail(x.error());
      // The status feed's position last (see seal()).
      std::optional<std::int64_t> due;
      if (event->appointment) due = unix_millis(*event->appointment);
      // Timeliness and the effective appointment travel with the dossier (the
      // service figures count them), as of this change.
      domain::DossierHistory after = hist;
      after.append(*event);
      const auto timeliness = domain::classify(after, request.at, **wt);
      std::optional<std::int64_t> effective_due;
      if (auto e = domain::effective_appointment(after, request.at, **wt)) effective_due = unix_millis(*e);
      if (auto x = c.query(
              "WITH s AS (UPDATE feed_counters SET last = last + 1 WHERE name = 'status' RETURNING last) "
              "UPDATE dossiers SET status = $1, updated_ms = $2, due_ms = coalesce($3::bigint, due_ms), "
              "timeliness = $5, effective_due_ms = $6::bigint, status_seq = (SELECT last FROM s) WHERE id = $4",
              Params(static_cast<int>(event->status), unix_millis(event->at), due, *id,
                     std::string(domain::to_string(timeliness)), effective_due));
          !x)
        return fail(x.error());
      return detail(c, *id);
    });
  }

 private:
  // ---- connections and transactions

  // Runs one statement's worth of work (f) on a pooled connection. Every caller
  // is a read or an idempotent write, so when the pooled connection turns out
  // dead (the server restarted, failed over or closed it while idle) f runs
  // once more on a fresh one instead of failing the request.
  template <class T, class F>
  Result<T> with_connection(F&& f) {
    for (int attempt = 1;; ++attempt) {
      auto c = pool_.acquire();
      if (!c) return fail(c.error());
      Result<T> r = f(**c);
      if (r || !(*c)->broken() || attempt == 2) return r;
    }
  }

  // Runs f in a transaction on one pooled connection and commits; runs it again
  // when PostgreSQL reports a serialization failure or a deadlock, or when the
  // connection died before COMMIT (nothing was committed then). A connection
  // lost during COMMIT leaves the outcome unknown: that fails, and the caller's
  // retry finds out (every write of the API is idempotent).
  template <class T, class F>
  Result<T> in_tx(F&& f, std::string_view begin = "BEGIN") {
    auto c = pool_.acquire();
    if (!c) return fail(c.error());
    for (int attempt = 1;; ++attempt) {
      if ((*c)->broken()) {
        c = pool_.acquire();  // the dead one is dropped as its lease ends
        if (!c) return fail(c.error());
      }
      auto tx = Tx::begin(**c, begin);
      if (!tx) {
        if ((*c)->broken() && attempt < kAttempts) continue;
        return fail(tx.error());
      }
      Result<T> r = f(**c);
      if (r) {
        if (auto x = tx->commit(); x) return r;
        else if (!(*c)->last_failure_retryable() || attempt == kAttempts) return fail(x.error());
      } else if (!((*c)->last_failure_retryable() || (*c)->broken()) || attempt == kAttempts) {
        return r;
      }
    }
  }

  // ---- catalog

  // Writes changed catalog entities (kind, key) → (position, body) and moves the
  // catalog feed's counter to `last`. The caller holds the counter row's lock.
  // One statement for the whole batch: a 50,000-service catalog is one round trip.
  Result<void> write_entities(Connection& c, std::int64_t last,
                              std::map<std::pair<std::string, std::string>, std::pair<std::int64_t, std::string>> changes) {
    if (changes.empty()) return {};
    std::vector<std::string> kinds, keys, texts;
    std::vector<std::int64_t> seqs;
    for (auto& [k, v] : changes) {
      kinds.push_back(k.first);
      keys.push_back(k.second);
      seqs.push_back(v.first);
      texts.push_back(std::move(v.second));
    }
    auto up = c.query(
        "INSERT INTO catalog_entities(kind, key, seq, body, deleted) "
        "SELECT kind, key, seq, body, false FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[]) "
        "AS u(kind, key, seq, body) "
        "ON CONFLICT (kind, key) DO UPDATE SET seq = excluded.seq, body = excluded.body, deleted = false",
        Params(pg::text_array(kinds), pg::text_array(keys), pg::int_array(seqs), pg::text_array(texts)));
    if (!up) return fail(up.error());
    if (auto r = c.query("UPDATE feed_counters SET last = $1 WHERE name = 'catalog'", Params(last)); !r)
      return fail(r.error());
    return {};
  }

  // ---- dossiers

  // nullopt: the (kiosk, client id) key was taken by a concurrent create; the
  // caller runs this again and finds it.
  Result<std::optional<CreateResult>> create_once(Connection& c, const std::string& kiosk_id,
                                                  const protocol::Submission& s, const protocol::PersonalData& opened,
                                                  const std::string& content_hash, TimePoint now) {
    using Out = std::optional<CreateResult>;
    auto existing =
        c.query("SELECT id, content_hash FROM dossiers WHERE kiosk_id = $1 AND client_id = $2", Params(kiosk_id, s.client_id));
    if (!existing) return fail(existing.error());
    if (!existing->empty()) {
      if (existing->view(0, 1) != content_hash)
        return fail(Errc::conflict, "client id " + s.client_id + " was already used for a different dossier");
      auto ack = ack_for(c, existing->int64(0, 0));
      if (!ack) return fail(ack.error());
      return Out(CreateResult{std::move(*ack), false});
    }
    auto svc = find_service(c, s.service_code);
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
    // service's form as this hub has it (as SQLite's create_dossier).
    auto personal = protocol::validate_personal_data(opened, **svc, s.payment_method, s.result_delivery);
    if (!personal) return fail(personal.error());
    const protocol::Applicant& applicant = personal->applicant;
    // Each statement sees what was committed when it started (READ COMMITTED):
    // a code found taken here may belong to this very dossier, committed by a
    // concurrent repeat after the look-up above. Then the next pass answers it.
    if (s.provisional_code) {
      auto taken = c.query("SELECT kiosk_id = $2 AND client_id = $3 FROM dossiers WHERE provisional_code = $1",
                           Params(*s.provisional_code, kiosk_id, s.client_id));
      if (!taken) return fail(taken.error());
      if (!taken->empty() && taken->boolean(0, 0)) return Out();
      if (!taken->empty()) return fail(Errc::conflict, "provisional code " + *s.provisional_code + " is already in use");
    }
    const std::string agency = (*svc)->agency;
    std::string code;
    if (s.leased_code) {
      // An official code this kiosk printed offline from a block leased to it.
      auto parsed = domain::parse_dossier_code(*s.leased_code);
      if (!parsed) return fail(parsed.error());
      char day[8];
      std::snprintf(day, sizeof day, "%02d%02d%02d", parsed->year % 100, parsed->month, parsed->day);
      auto lease = c.query(
          "SELECT 1 FROM code_leases WHERE kiosk_id = $1 AND agency_id = $2 AND day = $3 AND first <= $4 AND last >= $4",
          Params(kiosk_id, parsed->agency_id, std::string(day), parsed->sequence));
      if (!lease) return fail(lease.error());
      if (lease->empty()) return fail(Errc::forbidden, "code " + *s.leased_code + " was not leased to this kiosk");
      if (parsed->agency_id != agency)
        return fail(Errc::invalid_argument, "code " + *s.leased_code + " belongs to agency " + parsed->agency_id +
                                                ", the service to " + agency);
      auto used = c.query("SELECT kiosk_id = $2 AND client_id = $3 FROM dossiers WHERE code = $1",
                          Params(*s.leased_code, kiosk_id, s.client_id));
      if (!used) return fail(used.error());
      if (!used->empty() && used->boolean(0, 0)) return Out();  // this dossier, committed meanwhile
      if (!used->empty()) return fail(Errc::conflict, "code " + *s.leased_code + " is already used by another dossier");
      code = *s.leased_code;
    } else {
      // Row lock on (agency, day) until commit: no other transaction can take
      // the same number, and a rollback gives it back (no gap).
      auto seq = c.query(
          "INSERT INTO code_sequences(agency_id, day, last) VALUES($1, $2, 1) "
          "ON CONFLICT (agency_id, day) DO UPDATE SET last = code_sequences.last + 1 RETURNING last",
          Params(agency, domain::code_day(now)));
      if (!seq) return fail(seq.error());
      code = domain::make_code(agency, now, seq->integer(0, 0)).str();
    }
    const std::int64_t ms = unix_millis(now);
    auto ins = c.query(
        "INSERT INTO dossiers(kiosk_id, client_id, content_hash, code, provisional_code, agency_id, service_code, "
        "service_name, applicant_name, applicant_phone, lookup_secret, submission, received_ms, updated_ms, sealed_key, "
        "personal) VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$13,$14,$15) "
        "ON CONFLICT ON CONSTRAINT dossiers_kiosk_client DO NOTHING RETURNING id",
        Params(kiosk_id, s.client_id, content_hash, code, s.provisional_code, agency, s.service_code, (*svc)->name,
               applicant.name, applicant.phone, s.lookup_secret, protocol::to_json(s).dump(), ms, s.sealed.key,
               protocol::to_json(*personal).dump()));
    if (!ins) {
      // A concurrent transaction committed a row with the same code or
      // provisional code after our checks (possibly this very dossier, sent
      // twice): decide again from committed data on the next pass.
      if (c.last_state() == pg::kUniqueViolation &&
          (c.last_constraint() == "dossiers_code_key" || c.last_constraint() == "dossiers_provisional_code_key"))
        return Out();
      return fail(ins.error());
    }
    if (ins->empty()) return Out();  // the concurrent original won; its row answers on the next pass
    const std::int64_t id = ins->int64(0, 0);
    int position = 0;
    for (const auto& d : s.documents) {
      auto doc = c.query(
          "INSERT INTO dossier_documents(dossier_id, position, document_id, name, content_type, size, sha256, encoding) "
          "VALUES($1,$2,$3,$4,$5,$6,$7,$8)",
          Params(id, position++, d.id, d.name, d.content_type, d.size, d.sha256, d.encoding));
      if (!doc) {
        if (c.last_state() == pg::kUniqueViolation)
          return fail(Errc::invalid_argument, "document id " + d.id + " is declared twice");
        return fail(doc.error());
      }
    }
    if (auto r = c.query(
            "INSERT INTO dossier_events(dossier_id, at_ms, actor, actor_role, action, status) "
            "VALUES($1, $2, $3, 'system', 'receive', NULL)",
            Params(id, ms, "kiosk:" + kiosk_id));
        !r)
      return fail(r.error());
    auto ack = ack_for(c, id);
    if (!ack) return fail(ack.error());
    return Out(CreateResult{std::move(*ack), true});
  }

  Result<protocol::DossierAck> ack_for(Connection& c, std::int64_t id) {
    auto r = c.query("SELECT client_id, code, provisional_code, status, received_ms, sealed_ms FROM dossiers WHERE id = $1",
                     Params(id));
    if (!r) return fail(r.error());
    if (r->empty()) return fail(Errc::not_found, "no dossier " + std::to_string(id));
    protocol::DossierAck a;
    a.client_id = r->text(0, 0);
    a.code = r->text(0, 1);
    a.provisional_code = r->opt_text(0, 2);
    a.status = status_key_of(r->opt_int64(0, 3));
    a.received_at = fmt_ms(r->int64(0, 4));
    a.sealed_at = fmt_opt_ms(r->opt_int64(0, 5));
    auto missing = c.query(
        "SELECT document_id FROM dossier_documents WHERE dossier_id = $1 AND NOT received ORDER BY position", Params(id));
    if (!missing) return fail(missing.error());
    for (int i = 0; i < missing->size(); ++i) a.missing_documents.push_back(missing->text(i, 0));
    return a;
  }

  Result<void> add_event(Connection& c, std::int64_t id, const domain::DossierEvent& e) {
    std::optional<std::int64_t> appointment;
    if (e.appointment) appointment = unix_millis(*e.appointment);
    auto r = c.query(
        "INSERT INTO dossier_events(dossier_id, at_ms, actor, actor_role, action, status, note, appointment_ms) "
        "VALUES($1,$2,$3,$4,$5,$6,$7,$8)",
        Params(id, unix_millis(e.at), e.actor_id, std::string(to_string(e.actor)), std::string(domain::action_key(e.action)),
               static_cast<int>(e.status), e.note, appointment));
    if (!r) return fail(r.error());
    return {};
  }

  Result<std::int64_t> id_by_code(Connection& c, const std::string& code, bool lock) {
    auto r = c.query(lock ? "SELECT id FROM dossiers WHERE code = $1 OR provisional_code = $1 ORDER BY id LIMIT 1 FOR UPDATE"
                          : "SELECT id FROM dossiers WHERE code = $1 OR provisional_code = $1 ORDER BY id LIMIT 1",
                     Params(code));
    if (!r) return fail(r.error());
    if (r->empty()) return fail(Errc::not_found, "no dossier with code " + code);
    return r->int64(0, 0);
  }

  // The full view for officials (receive events included), as SQLite's detail().
  Result<protocol::DossierDetail> detail(Connection& c, std::int64_t id) {
    auto r = c.query(std::string("SELECT ") + kDossierColumns + ", " + kCalendarVersion +
                         ", d.personal FROM dossiers d LEFT JOIN dossier_events e ON e.dossier_id = d.id WHERE d.id = $1 "
                         "ORDER BY e.id",
                     Params(id));
    if (!r) return fail(r.error());
    if (r->empty()) return fail(Errc::not_found, "no dossier " + std::to_string(id));
    auto loaded = group_rows(*r);
    if (!loaded) return fail(loaded.error());
    auto wt = working_time(c, r->int64(0, kCalVersion));
    if (!wt) return fail(wt.error());
    const auto& one = loaded->front();
    protocol::DossierDetail d;
    d.summary = summary_from(*r, one, **wt);
    d.client_id = r->text(0, kClientId);
    d.applicant = {r->text(0, kApplicantName), r->text(0, kPhone)};
    apply_personal_data(d, r->opt_text(0, kExtra));
    if (auto sub = parse_json(r->view(0, kSubmission))) {
      d.payment_method = opt_string(*sub, "payment_method");
      d.result_delivery = opt_string(*sub, "result_delivery");
    }
    d.events = one.events;
    auto docs = c.query(
        "SELECT document_id, name, content_type, coalesce(content_sha256, sha256), coalesce(content_size, size), "
        "received FROM dossier_documents WHERE dossier_id = $1 ORDER BY position",
        Params(id));
    if (!docs) return fail(docs.error());
    for (int i = 0; i < docs->size(); ++i)
      d.documents.push_back({docs->text(i, 0), docs->text(i, 1), docs->text(i, 2), docs->text(i, 3), docs->int64(i, 4),
                             docs->boolean(i, 5)});
    return d;
  }

  protocol::DossierSummary summary_from(const Rows& r, const Loaded& one, const calendar::WorkingTime& wt) const {
    const int i = one.row;
    protocol::DossierSummary d;
    d.code = r.text(i, kCode);
    d.provisional_code = r.opt_text(i, kProvisional);
    d.service_code = r.text(i, kServiceCode);
    d.service_name = r.text(i, kServiceName);
    const auto status = r.opt_int64(i, kStatus);
    d.status = status_key_of(status);
    d.status_code = status ? static_cast<int>(*status) : 0;
    if (auto st = status ? domain::status_from_int(static_cast<int>(*status)) : std::nullopt)
      d.status_label = std::string(domain::status_label_vi(*st));
    else
      d.status_label = "Đang nhận hồ sơ";
    d.kiosk_id = r.text(i, kKiosk);
    d.applicant_name = r.text(i, kApplicantName);
    d.received_at = fmt_ms(r.int64(i, kReceived));
    d.updated_at = fmt_ms(r.int64(i, kUpdated));
    d.due_at = fmt_opt_ms(r.opt_int64(i, kDue));
    d.timeliness = "not_applicable";
    if (status && one.history_ok)
      d.timeliness = std::string(domain::to_string(domain::classify(one.history, clock_.now(), wt)));
    return d;
  }

  // What a citizen may see of a dossier: masked applicant, no phone, no upload bookkeeping.
  protocol::StatusView status_view(const Rows& r, const Loaded& one, const calendar::WorkingTime& wt) const {
    const auto s = summary_from(r, one, wt);
    protocol::StatusView v;
    v.code = s.code;
    v.provisional_code = s.provisional_code;
    v.service_code = s.service_code;
    v.service_name = s.service_name;
    v.agency_id = r.text(one.row, kAgency);
    v.applicant = domain::mask_name(s.applicant_name);
    v.status = s.status;
    v.status_code = s.status_code;
    v.status_label = s.status_label;
    v.received_at = s.received_at;
    v.updated_at = s.updated_at;
    v.due_at = s.due_at;
    v.timeliness = s.timeliness;
    if (auto t = timeliness_from(v.timeliness)) v.timeliness_label = std::string(domain::label_vi(*t));
    for (const auto& e : one.events)
      if (e.action != "receive") v.events.push_back(e);
    return v;
  }

  // ---- catalog

  Result<std::optional<KioskRecord>> find_kiosk(Connection& c, const std::string& id) {
    auto r = c.query("SELECT id, number, cert_fingerprint, revoked FROM kiosks WHERE id = $1", Params(id));
    if (!r) return fail(r.error());
    if (r->empty()) return std::optional<KioskRecord>{};
    return std::optional<KioskRecord>(KioskRecord{r->text(0, 0), r->integer(0, 1), r->text(0, 2), r->boolean(0, 3)});
  }

  Result<std::optional<domain::Service>> find_service(Connection& c, const std::string& code) {
    auto r = c.query("SELECT body FROM catalog_entities WHERE kind = 'service' AND key = $1 AND NOT deleted", Params(code));
    if (!r) return fail(r.error());
    if (r->empty()) return std::optional<domain::Service>{};
    auto j = parse_json(r->view(0, 0));
    if (!j) return fail(Errc::corrupt, j.error().message);
    auto s = domain::service_from_json(*j);
    if (!s) return fail(Errc::corrupt, s.error().message);
    return std::optional<domain::Service>(std::move(*s));
  }

  Result<domain::Catalog> load_catalog(Connection& c) {
    // Byte order (COLLATE "C"), as SQLite sorts, whatever the database's locale.
    auto r = c.query(
        "SELECT kind, body, key FROM catalog_entities WHERE NOT deleted ORDER BY kind COLLATE \"C\", key COLLATE \"C\"");
    if (!r) return fail(r.error());
    domain::Catalog cat;
    for (int i = 0; i < r->size(); ++i) {
      auto j = parse_json(r->view(i, 1));
      if (!j) return fail(Errc::corrupt, j.error().message);
      const auto kind = r->view(i, 0);
      const auto key = r->view(i, 2);
      if (kind == "agency") {
        auto v = domain::agency_from_json(*j);
        if (!v) return fail(v.error());
        cat.agencies.push_back(std::move(*v));
      } else if (kind == "sector") {
        auto v = domain::sector_from_json(*j);
        if (!v) return fail(v.error());
        cat.sectors.push_back(std::move(*v));
      } else if (kind == "field") {
        auto v = domain::field_from_json(*j);
        if (!v) return fail(v.error());
        cat.fields.push_back(std::move(*v));
      } else if (kind == "service") {
        auto v = domain::service_from_json(*j);
        if (!v) return fail(v.error());
        cat.services.push_back(std::move(*v));
      } else if (kind == "qa") {
        auto v = domain::qa_from_json(*j);
        if (!v) return fail(v.error());
        cat.qa.push_back(std::move(*v));
      } else if (kind == "stats") {
        auto v = domain::stats_from_json(*j);
        if (!v) return fail(v.error());
        cat.stats.push_back(std::move(*v));
      } else if (kind == "calendar" && key == "overrides") {
        auto v = calendar::overrides_from_json(*j);
        if (!v) return fail(v.error());
        cat.calendar = std::move(*v);
      } else if (kind == "calendar" && key == "working_hours") {
        auto v = domain::working_hours_from_json(*j);
        if (!v) return fail(v.error());
        cat.working_hours = std::move(*v);
      }
    }
    return cat;
  }

  // The working-time calendar of the stored catalog at `version` (kCalendarVersion),
  // rebuilt only when the calendar changed (by this or another hub process).
  Result<std::shared_ptr<const calendar::WorkingTime>> working_time(Connection& c, std::int64_t version) {
    {
      std::lock_guard lock(calendar_mutex_);
      if (working_time_ && working_time_version_ == version) return working_time_;
    }
    auto r = c.query("SELECT key, body, seq FROM catalog_entities WHERE kind = 'calendar' AND NOT deleted");
    if (!r) return fail(r.error());
    domain::Catalog cat;
    std::int64_t loaded = 0;
    for (int i = 0; i < r->size(); ++i) {
      auto j = parse_json(r->view(i, 1));
      if (!j) return fail(Errc::corrupt, "catalog calendar: " + j.error().message);
      if (r->view(i, 0) == "overrides") {
        auto v = calendar::overrides_from_json(*j);
        if (!v) return fail(v.error());
        cat.calendar = std::move(*v);
      } else if (r->view(i, 0) == "working_hours") {
        auto v = domain::working_hours_from_json(*j);
        if (!v) return fail(v.error());
        cat.working_hours = std::move(*v);
      }
      loaded = std::max(loaded, r->int64(i, 2));
    }
    auto wt = domain::working_time_for(cat);
    if (!wt) return fail(wt.error());
    auto shared = std::make_shared<const calendar::WorkingTime>(std::move(*wt));
    std::lock_guard lock(calendar_mutex_);
    if (!working_time_ || loaded >= working_time_version_) {
      working_time_ = shared;
      working_time_version_ = loaded;
    }
    return shared;
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

  pg::Pool pool_;
  const Clock& clock_;
  std::mutex calendar_mutex_;
  std::shared_ptr<const calendar::WorkingTime> working_time_;
  std::int64_t working_time_version_ = -1;
};

}  // namespace

bool is_postgres_url(const std::string& spec) {
  return spec.rfind("postgresql://", 0) == 0 || spec.rfind("postgres://", 0) == 0;
}

Result<std::unique_ptr<HubStore>> open_postgres_store(const std::string& url, const Clock& clock,
                                                      PostgresOptions options) {
  auto store = std::make_unique<PostgresStore>(url, clock, std::max<std::size_t>(options.pool_size, 1));
  if (auto r = store->migrate(); !r) return fail(r.error());
  if (auto r = store->init_calendar(); !r) return fail(r.error());
  return std::unique_ptr<HubStore>(std::move(store));
}

}  // namespace motcua::hub
