#include "motcua/client/kiosk_store.hpp"

#include <cstdio>

#include <openssl/crypto.h>
#include <sys/statvfs.h>

#include "motcua/client/tus_uploader.hpp"
#include "motcua/crypto/envelope.hpp"
#include "motcua/crypto/hash.hpp"
#include "motcua/protocol/envelope.hpp"
#include "motcua/crypto/random.hpp"
#include "motcua/domain/dossier.hpp"
#include "motcua/domain/dossier_code.hpp"
#include "motcua/util/fs.hpp"
#include "motcua/util/ids.hpp"
#include "motcua/util/log.hpp"

namespace motcua::client {

namespace stdfs = std::filesystem;
using store::Db;
using store::Stmt;
using store::Tx;

namespace {

constexpr store::Migration kMigrations[] = {
    {1, "catalog replica, outbox, status cache", R"sql(
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE catalog (
  kind TEXT NOT NULL,            -- agency | sector | field | service
  key  TEXT NOT NULL,
  seq  INTEGER NOT NULL,         -- hub change sequence of this version
  body TEXT NOT NULL,            -- JSON as in docs/catalog-format.md
  PRIMARY KEY (kind, key)
);
CREATE TABLE outbox (
  client_id        TEXT PRIMARY KEY,   -- UUIDv7, the hub's idempotency key
  state            TEXT NOT NULL CHECK (state IN ('queued','created','delivered')),
  submission       TEXT NOT NULL,      -- protocol::Submission JSON, exactly what is sent
  service_name     TEXT NOT NULL,
  provisional_code TEXT NOT NULL UNIQUE,
  official_code    TEXT UNIQUE,
  lookup_secret    TEXT NOT NULL,
  applicant_masked TEXT NOT NULL,
  attempts         INTEGER NOT NULL DEFAULT 0,
  last_error       TEXT NOT NULL DEFAULT '',
  created_ms       INTEGER NOT NULL,
  delivered_ms     INTEGER
);
CREATE INDEX outbox_pending ON outbox(state, created_ms);
CREATE TABLE outbox_documents (
  client_id    TEXT NOT NULL REFERENCES outbox(client_id) ON DELETE CASCADE,
  document_id  TEXT NOT NULL,
  name         TEXT NOT NULL,
  content_type TEXT NOT NULL,
  path         TEXT NOT NULL,          -- relative to the data directory
  size         INTEGER NOT NULL,
  sha256       TEXT NOT NULL,
  uploaded     INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (client_id, document_id)
);
CREATE TABLE code_sequences (
  agency_id TEXT NOT NULL,
  day       TEXT NOT NULL,             -- yymmdd, Vietnam time
  last      INTEGER NOT NULL,
  PRIMARY KEY (agency_id, day)
);
CREATE TABLE status_cache (
  code             TEXT PRIMARY KEY,
  provisional_code TEXT,
  lookup_secret    TEXT NOT NULL,
  body             TEXT NOT NULL,      -- protocol::StatusView JSON
  fetched_ms       INTEGER NOT NULL
);
CREATE INDEX status_cache_provisional ON status_cache(provisional_code);
)sql"},
    // outbox.provisional_code holds the receipt code; `leased` says it is an
    // official code from a block the hub leased (the column keeps its first name).
    {2, "code leases for offline receipts", R"sql(
ALTER TABLE outbox ADD COLUMN leased INTEGER NOT NULL DEFAULT 0;
CREATE TABLE code_leases (
  agency_id TEXT NOT NULL,
  day       TEXT NOT NULL,     -- yymmdd, Vietnam date
  first     INTEGER NOT NULL,
  last      INTEGER NOT NULL,
  next      INTEGER NOT NULL,  -- next unused sequence number; > last when used up
  PRIMARY KEY (agency_id, day, first)
);
)sql"},
    {3, "resumable uploads: the upload URL and per-chunk digests of each document", R"sql(
ALTER TABLE outbox_documents ADD COLUMN upload_url TEXT;
ALTER TABLE outbox_documents ADD COLUMN chunk_size INTEGER;
ALTER TABLE outbox_documents ADD COLUMN chunk_digests TEXT;  -- hex sha256 of each chunk, comma-separated
)sql"},
    // A service's list entry in columns, so a 50,000-service catalog loads for
    // the lists without parsing every record; the full record is read when a
    // service is opened.
    {4, "service summaries in columns", R"sql(
ALTER TABLE catalog ADD COLUMN name TEXT;
ALTER TABLE catalog ADD COLUMN field TEXT;
ALTER TABLE catalog ADD COLUMN agency TEXT;
ALTER TABLE catalog ADD COLUMN level INTEGER;
ALTER TABLE catalog ADD COLUMN scope TEXT;
ALTER TABLE catalog ADD COLUMN proc_kind TEXT;
ALTER TABLE catalog ADD COLUMN proc_days INTEGER;
ALTER TABLE catalog ADD COLUMN proc_cutoff TEXT;
ALTER TABLE catalog ADD COLUMN proc_text TEXT;
ALTER TABLE catalog ADD COLUMN keywords TEXT;
UPDATE catalog SET name = json_extract(body, '$.name'), field = json_extract(body, '$.field'),
  agency = json_extract(body, '$.agency'), level = json_extract(body, '$.level'),
  scope = json_extract(body, '$.online_scope'), proc_kind = json_extract(body, '$.processing.kind'),
  proc_days = json_extract(body, '$.processing.days'), proc_cutoff = json_extract(body, '$.processing.cutoff'),
  proc_text = json_extract(body, '$.processing.text'),
  keywords = (SELECT group_concat(value, char(10)) FROM json_each(body, '$.keywords'))
  WHERE kind = 'service';
)sql"},
    {5, "upload digests for chunks that grow on a fast link", R"sql(
ALTER TABLE outbox_documents ADD COLUMN chunk_max INTEGER;  -- chunk_digests follow chunks from chunk_size doubling up to this
)sql"},
};

std::string day_key(TimePoint t) { return domain::code_day(t); }

std::string join_digests(const std::vector<crypto::Digest>& digests) {
  std::string out;
  for (const auto& d : digests) out += (out.empty() ? "" : ",") + crypto::hex(d);
  return out;
}

std::vector<crypto::Digest> split_digests(const std::string& text) {
  std::vector<crypto::Digest> out;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = std::min(text.find(',', start), text.size());
    std::vector<std::uint8_t> bytes;
    if (!crypto::from_hex(std::string_view(text).substr(start, end - start), bytes) || bytes.size() != 32) return {};
    crypto::Digest d{};
    std::copy(bytes.begin(), bytes.end(), d.begin());
    out.push_back(d);
    start = end + 1;
  }
  return out;
}

OutboxState state_from(const std::string& s) {
  if (s == "created") return OutboxState::created;
  if (s == "delivered") return OutboxState::delivered;
  return OutboxState::queued;
}

template <class T>
Result<T> step_value(Result<Stmt>& st, T (*get)(Stmt&)) {
  if (!st) return fail(st.error());
  auto row = st->step();
  if (!row) return fail(row.error());
  return get(*st);
}

}  // namespace

std::string_view to_string(OutboxState s) {
  switch (s) {
    case OutboxState::queued: return "queued";
    case OutboxState::created: return "created";
    case OutboxState::delivered: return "delivered";
  }
  return "queued";
}

Result<KioskStore> KioskStore::open(const stdfs::path& data_dir, const Clock& clock) {
  if (auto r = fs::ensure_dir(data_dir, 0700); !r) return fail(r.error());
  auto db = Db::open(data_dir / "kiosk.db");
  if (!db) return fail(db.error());
  if (auto r = store::migrate(*db, kMigrations); !r) return fail(r.error());
  KioskStore store(std::move(*db), data_dir, clock);
  // The hub's public sealing key, from the kiosk's enrolment bundle.
  std::error_code ec;
  if (stdfs::exists(data_dir / kSealKeyFile, ec)) {
    auto pem = fs::read_file(data_dir / kSealKeyFile);
    if (!pem) return fail(pem.error());
    auto key = crypto::load_public_key_pem(*pem);
    if (!key) return fail(Errc::invalid_argument, (data_dir / kSealKeyFile).string() + ": " + key.error().message);
    store.seal_key_ = std::make_shared<crypto::PKey>(std::move(*key));
  }
  return store;
}

Result<std::optional<std::string>> KioskStore::meta(const std::string& key) {
  auto st = db_.prepare("SELECT value FROM meta WHERE key = ?");
  if (!st) return fail(st.error());
  st->bind(1, key);
  auto row = st->step();
  if (!row) return fail(row.error());
  if (!*row) return std::optional<std::string>{};
  return std::optional<std::string>(st->text(0));
}

Result<void> KioskStore::set_meta(const std::string& key, const std::string& value) {
  auto st = db_.prepare("INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  if (!st) return fail(st.error());
  return st->bind(1, key).bind(2, value).run();
}

// ---- catalog

Result<std::int64_t> KioskStore::catalog_cursor() {
  auto v = meta("catalog_cursor");
  if (!v) return fail(v.error());
  if (!*v) return 0;
  return std::stoll(**v);
}

Result<void> KioskStore::apply_catalog_page(const protocol::CatalogPage& page) {
  auto tx = Tx::begin(db_);
  if (!tx) return fail(tx.error());
  auto upsert = db_.prepare(
      "INSERT INTO catalog(kind, key, seq, body, name, field, agency, level, scope, proc_kind, proc_days, proc_cutoff, "
      "proc_text, keywords) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
      "ON CONFLICT(kind, key) DO UPDATE SET seq = excluded.seq, body = excluded.body, name = excluded.name, "
      "field = excluded.field, agency = excluded.agency, level = excluded.level, scope = excluded.scope, "
      "proc_kind = excluded.proc_kind, proc_days = excluded.proc_days, proc_cutoff = excluded.proc_cutoff, "
      "proc_text = excluded.proc_text, keywords = excluded.keywords");
  auto remove = db_.prepare("DELETE FROM catalog WHERE kind = ? AND key = ?");
  if (!upsert) return fail(upsert.error());
  if (!remove) return fail(remove.error());
  for (const auto& c : page.changes) {
    Result<void> r;
    if (c.deleted) {
      r = remove->bind(1, c.kind).bind(2, c.key).run();
    } else {
      upsert->bind(1, c.kind).bind(2, c.key).bind(3, c.seq).bind(4, c.body.dump());
      if (c.kind == "service" && c.body.is_object()) {
        const Json& b = c.body;
        const Json proc = b.value("processing", Json::object());
        std::string keywords;
        if (b.contains("keywords") && b["keywords"].is_array())
          for (const auto& k : b["keywords"])
            if (k.is_string()) keywords += (keywords.empty() ? "" : "\n") + k.get<std::string>();
        upsert->bind(5, str_or(b, "name"))
            .bind(6, str_or(b, "field"))
            .bind(7, str_or(b, "agency"));
        if (b.contains("level") && b["level"].is_number_integer()) upsert->bind(8, b["level"].get<std::int64_t>());
        else upsert->bind_null(8);
        upsert->bind(9, opt_string(b, "online_scope"))
            .bind(10, str_or(proc, "kind", "working_days"))
            .bind(11, int_or(proc, "days", 0))
            .bind(12, opt_string(proc, "cutoff"))
            .bind(13, str_or(proc, "text"))
            .bind(14, keywords);
      } else {
        for (int i = 5; i <= 14; ++i) upsert->bind_null(i);
      }
      r = upsert->run();
    }
    if (!r) return r;
  }
  if (auto r = set_meta("catalog_cursor", std::to_string(page.next)); !r) return r;
  return tx->commit();
}

Result<domain::Catalog> KioskStore::load_catalog() { return load_catalog_rows(false); }
Result<domain::Catalog> KioskStore::load_catalog_summaries() { return load_catalog_rows(true); }

Result<std::optional<domain::Service>> KioskStore::load_service(const std::string& code) {
  auto st = db_.prepare("SELECT body FROM catalog WHERE kind = 'service' AND key = ?");
  if (!st) return fail(st.error());
  st->bind(1, code);
  auto row = st->step();
  if (!row) return fail(row.error());
  if (!*row) return std::optional<domain::Service>{};
  auto body = parse_json(st->text(0));
  if (!body) return fail(Errc::corrupt, "catalog row " + code + ": " + body.error().message);
  auto s = domain::service_from_json(*body);
  if (!s) return fail(s.error());
  return std::optional<domain::Service>(std::move(*s));
}

Result<domain::Catalog> KioskStore::load_catalog_rows(bool summaries) {
  auto st = db_.prepare(
      "SELECT kind, key, CASE WHEN ?1 AND kind = 'service' THEN NULL ELSE body END, name, field, agency, level, "
      "scope, proc_kind, proc_days, proc_cutoff, proc_text, keywords FROM catalog ORDER BY kind, key");
  if (!st) return fail(st.error());
  st->bind(1, summaries ? 1 : 0);
  domain::Catalog c;
  for (;;) {
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    const std::string kind = st->text(0);
    if (summaries && kind == "service") {
      domain::Service s;
      s.code = st->text(1);
      s.name = st->text(3);
      s.official_name = s.name;
      s.field = st->text(4);
      s.agency = st->text(5);
      if (auto level = st->opt_int64(6)) s.level = static_cast<int>(*level);
      if (auto scope = st->opt_text(7))
        s.online_scope = *scope == "toan_trinh" ? domain::OnlineScope::full
                         : *scope == "mot_phan"   ? domain::OnlineScope::partial
                                                  : domain::OnlineScope::none;
      const std::string kind_text = st->text(8);
      s.processing.kind = kind_text == "same_day" ? domain::ProcessingKind::same_day
                          : kind_text == "days"   ? domain::ProcessingKind::days
                                                  : domain::ProcessingKind::working_days;
      s.processing.days = st->integer(9);
      s.processing.cutoff = st->opt_text(10);
      s.processing.text = st->text(11);
      const std::string keywords = st->text(12);
      for (std::size_t start = 0; start < keywords.size();) {
        const auto end = std::min(keywords.find('\n', start), keywords.size());
        s.keywords.push_back(keywords.substr(start, end - start));
        start = end + 1;
      }
      c.services.push_back(std::move(s));
      continue;
    }
    auto body = parse_json(st->text(2));
    if (!body) {
      log::warn("kiosk-store", "skipping unreadable catalog row " + kind + " " + st->text(1));
      continue;
    }
    // A row the hub sent but this version cannot read is skipped, not fatal:
    // the rest of the catalog stays usable.
    auto skip = [&](const Error& e) { log::warn("kiosk-store", "skipping catalog row: " + e.message); };
    if (kind == "agency") {
      if (auto v = domain::agency_from_json(*body)) c.agencies.push_back(std::move(*v));
      else skip(v.error());
    } else if (kind == "sector") {
      if (auto v = domain::sector_from_json(*body)) c.sectors.push_back(std::move(*v));
      else skip(v.error());
    } else if (kind == "field") {
      if (auto v = domain::field_from_json(*body)) c.fields.push_back(std::move(*v));
      else skip(v.error());
    } else if (kind == "service") {
      if (auto v = domain::service_from_json(*body)) c.services.push_back(std::move(*v));
      else skip(v.error());
    } else if (kind == "calendar" && st->text(1) == "overrides") {
      if (auto v = calendar::overrides_from_json(*body)) c.calendar = std::move(*v);
      else skip(v.error());
    } else if (kind == "qa") {
      if (auto v = domain::qa_from_json(*body)) c.qa.push_back(std::move(*v));
      else skip(v.error());
    } else if (kind == "stats") {
      if (auto v = domain::stats_from_json(*body)) c.stats.push_back(std::move(*v));
      else skip(v.error());
    } else if (kind == "calendar" && st->text(1) == "working_hours") {
      if (auto v = domain::working_hours_from_json(*body)) c.working_hours = std::move(*v);
      else skip(v.error());
    }
  }
  return c;
}

Result<std::vector<std::string>> KioskStore::receiving_agencies() {
  auto st = db_.prepare(
      "SELECT DISTINCT json_extract(body, '$.agency') FROM catalog WHERE kind = 'service' AND "
      "(coalesce(json_extract(body, '$.level'), 0) >= 3 OR json_extract(body, '$.online_scope') IS NOT NULL) "
      "ORDER BY 1");
  if (!st) return fail(st.error());
  std::vector<std::string> out;
  for (;;) {
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    if (!st->is_null(0)) out.push_back(st->text(0));
  }
  return out;
}

// ---- code leases

Result<void> KioskStore::add_code_lease(const protocol::CodeLease& lease) {
  auto st = db_.prepare(
      "INSERT INTO code_leases(agency_id, day, first, last, next) VALUES(?, ?, ?, ?, ?) "
      "ON CONFLICT(agency_id, day, first) DO NOTHING");
  if (!st) return fail(st.error());
  return st->bind(1, lease.agency_id).bind(2, lease.day).bind(3, lease.first).bind(4, lease.last).bind(5, lease.first).run();
}

Result<int> KioskStore::leased_codes_left(const std::string& agency_id) {
  auto st = db_.prepare("SELECT coalesce(sum(last - next + 1), 0) FROM code_leases WHERE agency_id = ? AND day = ? AND next <= last");
  if (!st) return fail(st.error());
  st->bind(1, agency_id).bind(2, day_key(clock_->now()));
  auto row = st->step();
  if (!row) return fail(row.error());
  return st->integer(0);
}

// ---- outbox

Result<OutboxEntry> KioskStore::enqueue(const NewDossier& d, int kiosk_number) {
  const TimePoint now = clock_->now();
  UuidV7Generator ids(*clock_, [](std::span<std::uint8_t> b) { crypto::random_bytes(b); });
  const std::string client_id = ids.next().str();

  OutboxEntry e;
  e.client_id = client_id;
  e.state = OutboxState::queued;
  e.service_name = d.service_name;
  e.created_at = now;
  e.applicant_masked = domain::mask_name(d.applicant.name);
  auto& s = e.submission;
  s.client_id = client_id;
  s.service_code = d.service_code;
  s.submitted_at = format_utc(now);
  s.lookup_secret = domain::generate_lookup_secret();
  s.payment_method = d.payment_method;
  s.result_delivery = d.result_delivery;

  // Keep room for the sync bookkeeping (marking dossiers delivered, which lets
  // the purge free space): a new dossier is refused before the disk is full.
  {
    // 16 MiB, or 2 % of a small disk.
    std::uint64_t needed = kDiskReserve;
    struct statvfs st {};
    if (::statvfs(data_dir_.c_str(), &st) == 0)
      needed = std::min<std::uint64_t>(needed, static_cast<std::uint64_t>(st.f_blocks) * st.f_frsize / 50);
    for (const auto& doc : d.documents) needed += doc.bytes.size() + doc.bytes.size() / 64 + 4096;
    if (auto free = fs::free_bytes(data_dir_); free && *free < needed)
      return fail(Errc::disk_full, "the kiosk's disk is nearly full (" + std::to_string(*free / (1024 * 1024)) +
                                       " MiB free); dossiers cannot be taken until space is freed");
  }

  // Everything personal is sealed to the hub before it touches the disk: a
  // stolen kiosk gives away only masked summaries (ARCHITECTURE.md, security).
  if (!seal_key_)
    return fail(Errc::unavailable, "this kiosk has no sealing key from the hub (" +
                                       (data_dir_ / kSealKeyFile).string() + "); enrol it again with kiosk-bundle");
  // The same check the hub makes after opening the envelope, against the
  // service as this kiosk's replica has it (the hub's copy decides).
  protocol::PersonalData personal{d.applicant, d.form, d.postal_address, d.consent};
  auto service = load_service(d.service_code);
  if (!service) return fail(service.error());
  if (*service) {
    auto checked = protocol::validate_personal_data(std::move(personal), **service, d.payment_method, d.result_delivery);
    if (!checked) return fail(checked.error());
    personal = std::move(*checked);
  } else {
    auto a = protocol::validate_applicant(d.applicant);
    if (!a) return fail(a.error());
    personal.applicant = std::move(*a);
  }
  auto sealed = protocol::seal_personal_data(*seal_key_, client_id, personal);
  if (!sealed) return fail(sealed.error());
  s.sealed = sealed->envelope;
  struct Forget {  // the data key lives only as long as this call
    crypto::DataKey& k;
    ~Forget() { OPENSSL_cleanse(k.data(), k.size()); }
  } forget{sealed->key};

  // 1. Files first: written, fsynced, renamed, directory fsynced. A crash after
  //    this point and before the commit leaves orphan files, never a row that
  //    points at a missing file.
  const stdfs::path rel_dir = stdfs::path("outbox") / client_id;
  if (auto r = fs::ensure_dir(data_dir_ / rel_dir, 0700); !r) return fail(r.error());
  auto cleanup = [&] {
    std::error_code ec;
    stdfs::remove_all(data_dir_ / rel_dir, ec);
  };
  for (const auto& doc : d.documents) {
    const std::string ext = doc.content_type == "image/jpeg" ? ".jpg"
                            : doc.content_type == "application/pdf" ? ".pdf" : ".bin";
    const stdfs::path rel = rel_dir / (doc.id + ext);
    const auto encrypted = crypto::encrypt_chunked(sealed->key, std::span<const std::uint8_t>(doc.bytes));
    if (auto r = fs::write_file_durable(data_dir_ / rel, std::span<const std::uint8_t>(encrypted), 0600); !r) {
      cleanup();
      return fail(r.error());
    }
    OutboxDocument od;
    od.id = doc.id;
    od.name = doc.name;
    od.content_type = doc.content_type;
    od.path = rel;
    od.size = static_cast<std::int64_t>(encrypted.size());
    // The document's digest and the digests of the chunks the upload will send
    // on a fast link, in one pass over the bytes; a document of one chunk (most
    // pages) is hashed once, its chunk digest being its own.
    const auto digests = upload_digests(std::span<const std::uint8_t>(encrypted), kUploadChunk, kUploadChunkMax);
    od.sha256 = crypto::hex(digests.whole);
    od.chunk_size = kUploadChunk;
    od.chunk_max = kUploadChunkMax;
    od.chunk_digests = digests.chunks;
    s.documents.push_back({od.id, od.name, od.content_type, od.size, od.sha256, std::string(protocol::kEncodingSealed)});
    e.documents.push_back(std::move(od));
  }
  if (auto r = fs::fsync_dir(data_dir_ / "outbox"); !r) {
    cleanup();
    return fail(r.error());
  }

  // 2. One transaction: receipt code + dossier row + document rows.
  auto result = [&]() -> Result<void> {
    auto tx = Tx::begin(db_);
    if (!tx) return fail(tx.error());
    const std::string day = day_key(now);
    // A leased official code if one is left for this agency today...
    auto take = db_.prepare(
        "UPDATE code_leases SET next = next + 1 WHERE rowid = (SELECT rowid FROM code_leases "
        "WHERE agency_id = ? AND day = ? AND next <= last ORDER BY first LIMIT 1) RETURNING next - 1");
    if (!take) return fail(take.error());
    take->bind(1, d.agency_id).bind(2, day);
    auto leased = take->step();
    if (!leased) return fail(leased.error());
    if (*leased) {
      e.receipt_code = domain::make_code(d.agency_id, now, take->integer(0)).str();
      e.leased = true;
      e.official_code = e.receipt_code;
      s.leased_code = e.receipt_code;
      take->reset();
    } else {
      // ...else a provisional code from the kiosk's own sequence.
      auto seq = db_.prepare(
          "INSERT INTO code_sequences(agency_id, day, last) VALUES(?, ?, 1) "
          "ON CONFLICT(agency_id, day) DO UPDATE SET last = last + 1 RETURNING last");
      if (!seq) return fail(seq.error());
      seq->bind(1, d.agency_id).bind(2, day);
      auto row = seq->step();
      if (!row) return fail(row.error());
      const int n = seq->integer(0);
      seq->reset();
      e.receipt_code = domain::make_code(d.agency_id, now, n, kiosk_number).str();
      s.provisional_code = e.receipt_code;
    }

    auto ins = db_.prepare(
        "INSERT INTO outbox(client_id, state, submission, service_name, provisional_code, leased, official_code, "
        "lookup_secret, applicant_masked, created_ms) VALUES(?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!ins) return fail(ins.error());
    if (auto r = ins->bind(1, client_id)
                     .bind(2, protocol::to_json(s).dump())
                     .bind(3, e.service_name)
                     .bind(4, e.receipt_code)
                     .bind(5, e.leased ? 1 : 0)
                     .bind(6, e.official_code)
                     .bind(7, s.lookup_secret)
                     .bind(8, e.applicant_masked)
                     .bind(9, unix_millis(now))
                     .run();
        !r)
      return r;
    auto doc = db_.prepare(
        "INSERT INTO outbox_documents(client_id, document_id, name, content_type, path, size, sha256, chunk_size, "
        "chunk_digests, chunk_max) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!doc) return fail(doc.error());
    for (const auto& od : e.documents) {
      if (auto r = doc->bind(1, client_id)
                       .bind(2, od.id)
                       .bind(3, od.name)
                       .bind(4, od.content_type)
                       .bind(5, od.path.string())
                       .bind(6, od.size)
                       .bind(7, od.sha256)
                       .bind(8, od.chunk_size)
                       .bind(9, join_digests(od.chunk_digests))
                       .bind(10, od.chunk_max)
                       .run();
          !r)
        return r;
    }
    return tx->commit();
  }();
  if (!result) {
    cleanup();
    return fail(result.error());
  }
  return e;
}

Result<OutboxEntry> KioskStore::read_entry(Stmt& st) {
  OutboxEntry e;
  e.client_id = st.text(0);
  e.state = state_from(st.text(1));
  auto j = parse_json(st.text(2));
  if (!j) return fail(Errc::corrupt, "outbox row " + e.client_id + ": " + j.error().message);
  auto sub = protocol::submission_from_json(*j);
  if (!sub) return fail(Errc::corrupt, "outbox row " + e.client_id + ": " + sub.error().message);
  e.submission = std::move(*sub);
  e.service_name = st.text(3);
  e.receipt_code = st.text(4);
  e.leased = st.int64(11) != 0;
  e.official_code = st.opt_text(5);
  e.applicant_masked = st.text(6);
  e.attempts = st.int64(7);
  e.last_error = st.text(8);
  e.created_at = from_unix_millis(st.int64(9));
  if (auto ms = st.opt_int64(10)) e.delivered_at = from_unix_millis(*ms);
  auto docs = db_.prepare(
      "SELECT document_id, name, content_type, path, size, sha256, uploaded, upload_url, chunk_size, chunk_digests, "
      "chunk_max FROM outbox_documents WHERE client_id = ? ORDER BY rowid");
  if (!docs) return fail(docs.error());
  docs->bind(1, e.client_id);
  for (;;) {
    auto row = docs->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    OutboxDocument d;
    d.id = docs->text(0);
    d.name = docs->text(1);
    d.content_type = docs->text(2);
    d.path = docs->text(3);
    d.size = docs->int64(4);
    d.sha256 = docs->text(5);
    d.uploaded = docs->int64(6) != 0;
    d.upload_url = docs->opt_text(7);
    d.chunk_size = docs->opt_int64(8).value_or(0);
    if (auto text = docs->opt_text(9)) d.chunk_digests = split_digests(*text);
    d.chunk_max = docs->opt_int64(10).value_or(0);  // 0: fixed chunks (rows from before version 5)
    e.documents.push_back(std::move(d));
  }
  return e;
}

namespace {
constexpr const char* kEntryColumns =
    "SELECT client_id, state, submission, service_name, provisional_code, official_code, "
    "applicant_masked, attempts, last_error, created_ms, delivered_ms, leased FROM outbox ";
}

Result<std::vector<OutboxEntry>> KioskStore::pending() {
  auto st = db_.prepare(std::string(kEntryColumns) + "WHERE state != 'delivered' ORDER BY created_ms, client_id");
  if (!st) return fail(st.error());
  std::vector<OutboxEntry> out;
  for (;;) {
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    auto e = read_entry(*st);
    if (!e) return fail(e.error());
    out.push_back(std::move(*e));
  }
  return out;
}

Result<std::optional<OutboxEntry>> KioskStore::find(const std::string& client_id) {
  auto st = db_.prepare(std::string(kEntryColumns) + "WHERE client_id = ?");
  if (!st) return fail(st.error());
  st->bind(1, client_id);
  auto row = st->step();
  if (!row) return fail(row.error());
  if (!*row) return std::optional<OutboxEntry>{};
  auto e = read_entry(*st);
  if (!e) return fail(e.error());
  return std::optional<OutboxEntry>(std::move(*e));
}

Result<std::int64_t> KioskStore::outbox_depth() {
  auto st = db_.prepare("SELECT count(*) FROM outbox WHERE state != 'delivered'");
  return step_value<std::int64_t>(st, [](Stmt& s) { return s.int64(0); });
}

Result<void> KioskStore::mark_created(const std::string& client_id, const protocol::DossierAck& ack) {
  auto st = db_.prepare(
      "UPDATE outbox SET state = CASE WHEN state = 'queued' THEN 'created' ELSE state END, "
      "official_code = ?, last_error = '' WHERE client_id = ?");
  if (!st) return fail(st.error());
  return st->bind(1, ack.code).bind(2, client_id).run();
}

Result<void> KioskStore::set_upload_url(const std::string& client_id, const std::string& document_id,
                                        const std::string& url) {
  auto st = db_.prepare("UPDATE outbox_documents SET upload_url = ? WHERE client_id = ? AND document_id = ?");
  if (!st) return fail(st.error());
  return st->bind(1, url).bind(2, client_id).bind(3, document_id).run();
}

Result<void> KioskStore::mark_uploaded(const std::string& client_id, const std::string& document_id) {
  auto st = db_.prepare("UPDATE outbox_documents SET uploaded = 1, upload_url = NULL WHERE client_id = ? AND document_id = ?");
  if (!st) return fail(st.error());
  return st->bind(1, client_id).bind(2, document_id).run();
}

Result<void> KioskStore::mark_delivered(const std::string& client_id, const protocol::DossierAck& ack) {
  auto entry = find(client_id);
  if (!entry) return fail(entry.error());
  if (!*entry) return fail(Errc::not_found, "no outbox entry " + client_id);
  auto tx = Tx::begin(db_);
  if (!tx) return fail(tx.error());
  if (auto r = write_delivered(**entry, ack); !r) return r;
  return tx->commit();
}

Result<void> KioskStore::write_delivered(const OutboxEntry& e, const protocol::DossierAck& ack) {
  auto st = db_.prepare(
      "UPDATE outbox SET state = 'delivered', official_code = ?, delivered_ms = ?, last_error = '' "
      "WHERE client_id = ?");
  if (!st) return fail(st.error());
  if (auto r = st->bind(1, ack.code).bind(2, unix_millis(clock_->now())).bind(3, e.client_id).run(); !r) return r;
  // Sealed means every document arrived.
  auto docs = db_.prepare("UPDATE outbox_documents SET uploaded = 1, upload_url = NULL WHERE client_id = ?");
  if (!docs) return fail(docs.error());
  if (auto r = docs->bind(1, e.client_id).run(); !r) return r;

  // Seed the status cache with what the hub just confirmed, so the citizen can
  // look the dossier up at this kiosk while it is offline. A status fetched
  // from the hub later replaces it; an existing (newer) row is kept.
  protocol::StatusView v;
  v.code = ack.code;
  if (!e.leased) v.provisional_code = e.receipt_code;
  v.service_code = e.submission.service_code;
  v.service_name = e.service_name;
  if (auto code = domain::parse_dossier_code(e.receipt_code)) v.agency_id = code->agency_id;
  v.applicant = e.applicant_masked;
  v.status = std::string(domain::status_key(domain::DossierStatus::submitted));
  v.status_code = static_cast<int>(domain::DossierStatus::submitted);
  v.status_label = std::string(domain::status_label_vi(domain::DossierStatus::submitted));
  v.received_at = ack.received_at;
  v.updated_at = ack.sealed_at.value_or(ack.received_at);
  v.timeliness = "not_applicable";
  v.events.push_back({v.updated_at, "kiosk", "system", "submit", "Nộp hồ sơ", v.status, std::nullopt, std::nullopt});
  auto cache = db_.prepare(
      "INSERT INTO status_cache(code, provisional_code, lookup_secret, body, fetched_ms) VALUES(?, ?, ?, ?, ?) "
      "ON CONFLICT(code) DO NOTHING");
  if (!cache) return fail(cache.error());
  return cache->bind(1, v.code)
      .bind(2, v.provisional_code)
      .bind(3, e.submission.lookup_secret)
      .bind(4, protocol::to_json(v).dump())
      .bind(5, unix_millis(clock_->now()))
      .run();
}

Result<void> KioskStore::record_progress(std::span<const DossierProgress> batch) {
  if (batch.empty()) return {};
  auto tx = Tx::begin(db_);
  if (!tx) return fail(tx.error());
  for (const auto& p : batch) {
    if (p.sealed) {
      auto entry = find(p.client_id);
      if (!entry) return fail(entry.error());
      if (!*entry) continue;  // purged meanwhile: nothing left to record
      if (auto r = write_delivered(**entry, *p.sealed); !r) return r;
      continue;
    }
    if (p.created)
      if (auto r = mark_created(p.client_id, *p.created); !r) return r;
    if (p.error)
      if (auto r = record_failure(p.client_id, *p.error); !r) return r;
  }
  return tx->commit();
}

Result<void> KioskStore::record_failure(const std::string& client_id, const std::string& error) {
  auto st = db_.prepare("UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE client_id = ?");
  if (!st) return fail(st.error());
  return st->bind(1, error).bind(2, client_id).run();
}

Result<int> KioskStore::purge_delivered(std::chrono::milliseconds retention) {
  const std::int64_t cutoff = unix_millis(clock_->now()) - retention.count();
  auto st = db_.prepare("SELECT client_id FROM outbox WHERE state = 'delivered' AND delivered_ms <= ?");
  if (!st) return fail(st.error());
  st->bind(1, cutoff);
  std::vector<std::string> ids;
  for (;;) {
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    ids.push_back(st->text(0));
  }
  int purged = 0;
  for (const auto& id : ids) {
    // Row first: a crash after the commit leaves only a folder the orphan sweep removes.
    auto del = db_.prepare("DELETE FROM outbox WHERE client_id = ? AND state = 'delivered'");
    if (!del) return fail(del.error());
    if (auto r = del->bind(1, id).run(); !r) return fail(r.error());
    std::error_code ec;
    stdfs::remove_all(data_dir_ / "outbox" / id, ec);
    ++purged;
  }
  // Orphan folders: files written by an enqueue that never committed.
  std::error_code ec;
  const auto outbox = data_dir_ / "outbox";
  if (stdfs::exists(outbox, ec)) {
    const auto old = stdfs::file_time_type::clock::now() - std::chrono::hours(1);
    for (const auto& entry : stdfs::directory_iterator(outbox, ec)) {
      if (!entry.is_directory(ec)) continue;
      if (entry.last_write_time(ec) > old) continue;
      auto known = db_.prepare("SELECT 1 FROM outbox WHERE client_id = ?");
      if (!known) return fail(known.error());
      known->bind(1, entry.path().filename().string());
      auto row = known->step();
      if (!row) return fail(row.error());
      if (!*row) stdfs::remove_all(entry.path(), ec);
    }
  }
  return purged;
}

Result<std::optional<std::chrono::milliseconds>> KioskStore::oldest_pending_age() {
  auto st = db_.prepare("SELECT min(created_ms) FROM outbox WHERE state != 'delivered'");
  if (!st) return fail(st.error());
  auto row = st->step();
  if (!row) return fail(row.error());
  if (st->is_null(0)) return std::optional<std::chrono::milliseconds>{};
  return std::optional<std::chrono::milliseconds>(std::chrono::milliseconds(unix_millis(clock_->now()) - st->int64(0)));
}

// ---- status feed

Result<std::int64_t> KioskStore::status_cursor() {
  auto v = meta("status_cursor");
  if (!v) return fail(v.error());
  if (!*v) return 0;
  return std::stoll(**v);
}

Result<void> KioskStore::apply_status_page(const protocol::StatusPage& page) {
  auto tx = Tx::begin(db_);
  if (!tx) return fail(tx.error());
  for (const auto& change : page.changes) {
    // The secret comes from this kiosk's own records: the outbox row, or (after
    // a purge) the cached status of the same dossier.
    auto st = db_.prepare(
        "SELECT lookup_secret FROM outbox WHERE client_id = ?1 "
        "UNION ALL SELECT lookup_secret FROM status_cache WHERE code = ?2 OR (?3 IS NOT NULL AND provisional_code = ?3) "
        "LIMIT 1");
    if (!st) return fail(st.error());
    st->bind(1, change.client_id).bind(2, change.view.code).bind(3, change.view.provisional_code);
    auto row = st->step();
    if (!row) return fail(row.error());
    if (!*row) continue;  // a dossier this kiosk no longer knows: nothing to show anyway
    const std::string secret = st->text(0);
    st->reset();
    if (auto r = cache_status(change.view, secret); !r) return r;
  }
  if (auto r = set_meta("status_cursor", std::to_string(page.next)); !r) return r;
  return tx->commit();
}

// ---- status cache

Result<void> KioskStore::cache_status(const protocol::StatusView& view, const std::string& secret) {
  auto st = db_.prepare(
      "INSERT INTO status_cache(code, provisional_code, lookup_secret, body, fetched_ms) VALUES(?, ?, ?, ?, ?) "
      "ON CONFLICT(code) DO UPDATE SET provisional_code = excluded.provisional_code, "
      "lookup_secret = excluded.lookup_secret, body = excluded.body, fetched_ms = excluded.fetched_ms");
  if (!st) return fail(st.error());
  return st->bind(1, view.code)
      .bind(2, view.provisional_code)
      .bind(3, secret)
      .bind(4, protocol::to_json(view).dump())
      .bind(5, unix_millis(clock_->now()))
      .run();
}

Result<std::optional<CachedStatus>> KioskStore::cached_status(const std::string& code,
                                                              const std::string& secret) {
  auto st = db_.prepare(
      "SELECT body, fetched_ms, lookup_secret FROM status_cache WHERE code = ? OR provisional_code = ? "
      "ORDER BY fetched_ms DESC LIMIT 1");
  if (!st) return fail(st.error());
  st->bind(1, code).bind(2, code);
  auto row = st->step();
  if (!row) return fail(row.error());
  if (!*row || !crypto::constant_time_equal(st->text(2), secret)) return std::optional<CachedStatus>{};
  auto j = parse_json(st->text(0));
  if (!j) return fail(Errc::corrupt, "status cache: " + j.error().message);
  auto v = protocol::status_view_from_json(*j);
  if (!v) return fail(Errc::corrupt, "status cache: " + v.error().message);
  return std::optional<CachedStatus>(CachedStatus{std::move(*v), from_unix_millis(st->int64(1))});
}

}  // namespace motcua::client
