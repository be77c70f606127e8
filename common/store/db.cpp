#include "motcua/store/db.hpp"

#include <sqlite3.h>

#include <chrono>
#include <string>
#include <thread>
#include <unordered_map>

namespace motcua::store {

Error sqlite_error(int rc, sqlite3* db, std::string_view what) {
  std::string msg(what);
  msg += ": ";
  msg += (db != nullptr) ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  const int primary = rc & 0xFF;
  Errc code = Errc::database;
  if (primary == SQLITE_FULL) code = Errc::disk_full;
  else if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) code = Errc::corrupt;
  else if (primary == SQLITE_IOERR || primary == SQLITE_CANTOPEN) code = Errc::io;
  else if (primary == SQLITE_CONSTRAINT) code = Errc::conflict;
  return Error{code, std::move(msg)};
}

struct StatementCache {
  static constexpr std::size_t kCapacity = 128;
  std::unordered_multimap<std::string, sqlite3_stmt*> idle;  // by SQL text
  StatementCache() = default;
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;
  ~StatementCache() {
    for (auto& [sql, stmt] : idle) sqlite3_finalize(stmt);
  }
};

void Stmt::Finalizer::operator()(sqlite3_stmt* s) const {
  if (auto c = cache.lock(); c && c->idle.size() < StatementCache::kCapacity) {
    sqlite3_reset(s);  // also ends the statement's read of the database
    sqlite3_clear_bindings(s);
    c->idle.emplace(sqlite3_sql(s), s);
    return;
  }
  sqlite3_finalize(s);
}
void Db::Closer::operator()(sqlite3* db) const { sqlite3_close_v2(db); }

Stmt::Stmt(sqlite3* db, sqlite3_stmt* stmt, std::weak_ptr<StatementCache> cache)
    : db_(db), stmt_(stmt, Finalizer{std::move(cache)}) {}

void Stmt::note_bind(int rc) {
  if (rc != SQLITE_OK && !bind_error_) bind_error_ = sqlite_error(rc, db_, "bind");
}

Stmt& Stmt::bind(int index, std::int64_t value) {
  note_bind(sqlite3_bind_int64(stmt_.get(), index, value));
  return *this;
}
Stmt& Stmt::bind(int index, double value) {
  note_bind(sqlite3_bind_double(stmt_.get(), index, value));
  return *this;
}
Stmt& Stmt::bind(int index, std::string_view text) {
  note_bind(sqlite3_bind_text64(stmt_.get(), index, text.data(), text.size(), SQLITE_TRANSIENT,
                                SQLITE_UTF8));
  return *this;
}
Stmt& Stmt::bind_blob(int index, std::span<const std::uint8_t> bytes) {
  note_bind(sqlite3_bind_blob64(stmt_.get(), index, bytes.data(), bytes.size(), SQLITE_TRANSIENT));
  return *this;
}
Stmt& Stmt::bind_null(int index) {
  note_bind(sqlite3_bind_null(stmt_.get(), index));
  return *this;
}

Result<bool> Stmt::step() {
  if (bind_error_) {
    Error e = *bind_error_;
    bind_error_.reset();
    return fail(std::move(e));
  }
  const int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  Error e = sqlite_error(rc, db_, std::string("step ") + sqlite3_sql(stmt_.get()));
  sqlite3_reset(stmt_.get());
  return fail(std::move(e));
}

Result<void> Stmt::run() {
  for (;;) {
    auto r = step();
    if (!r) return fail(r.error());
    if (!*r) break;
  }
  sqlite3_reset(stmt_.get());
  return {};
}

void Stmt::reset() {
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
  bind_error_.reset();
}

bool Stmt::is_null(int col) const { return sqlite3_column_type(stmt_.get(), col) == SQLITE_NULL; }
std::int64_t Stmt::int64(int col) const { return sqlite3_column_int64(stmt_.get(), col); }
double Stmt::real(int col) const { return sqlite3_column_double(stmt_.get(), col); }

std::string Stmt::text(int col) const {
  const auto* p = sqlite3_column_text(stmt_.get(), col);
  const int n = sqlite3_column_bytes(stmt_.get(), col);
  if (p == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n));
}

std::optional<std::string> Stmt::opt_text(int col) const {
  if (is_null(col)) return std::nullopt;
  return text(col);
}

std::optional<std::int64_t> Stmt::opt_int64(int col) const {
  if (is_null(col)) return std::nullopt;
  return int64(col);
}

std::vector<std::uint8_t> Stmt::blob(int col) const {
  const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_.get(), col));
  const int n = sqlite3_column_bytes(stmt_.get(), col);
  if (p == nullptr) return {};
  return std::vector<std::uint8_t>(p, p + n);
}

Result<Db> Db::open(const std::filesystem::path& path, OpenOptions options) {
  int flags = SQLITE_OPEN_NOMUTEX;  // one owner thread per connection
  flags |= options.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
  if (options.create && !options.read_only) flags |= SQLITE_OPEN_CREATE;
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Db db;
  db.db_.reset(raw);
  db.path_ = path;
  if (rc != SQLITE_OK)
    return fail(sqlite_error(rc, raw, "cannot open database " + path.string()));
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, options.busy_timeout_ms);
  std::string pragmas = "PRAGMA foreign_keys=ON;";
  if (!options.read_only)
    pragmas += options.synchronous_full ? "PRAGMA synchronous=FULL;" : "PRAGMA synchronous=NORMAL;";
  // A file that is not a database fails here, not at the first query.
  if (auto r = db.exec(pragmas); !r) return fail(r.error());
  if (!options.read_only && options.wal) {
    // Switching to WAL needs a moment of exclusive access, and SQLite does not
    // run the busy handler for it: when two connections open a new database at
    // the same time, one retries here instead of failing.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(options.busy_timeout_ms);
    for (;;) {
      auto mode = db.prepare("PRAGMA journal_mode=WAL");
      if (!mode) return fail(mode.error());
      auto row = mode->step();
      if (row && *row && mode->text(0) == "wal") break;
      if (std::chrono::steady_clock::now() >= deadline)
        return fail(row ? Error{Errc::database, "cannot switch " + path.string() + " to WAL (database busy)"} : row.error());
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  return db;
}

Result<Db> Db::open_memory() {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(":memory:", &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  Db db;
  db.db_.reset(raw);
  db.path_ = ":memory:";
  if (rc != SQLITE_OK) return fail(sqlite_error(rc, raw, "cannot open in-memory database"));
  sqlite3_extended_result_codes(raw, 1);
  if (auto r = db.exec("PRAGMA foreign_keys=ON;"); !r) return fail(r.error());
  return db;
}

Result<Stmt> Db::prepare(std::string_view sql) {
  if (!statements_) statements_ = std::make_shared<StatementCache>();
  if (auto it = statements_->idle.find(std::string(sql)); it != statements_->idle.end()) {
    sqlite3_stmt* again = it->second;
    statements_->idle.erase(it);
    return Stmt(db_.get(), again, statements_);
  }
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v2(db_.get(), sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) return fail(sqlite_error(rc, db_.get(), "prepare " + std::string(sql)));
  return Stmt(db_.get(), stmt, statements_);
}

Result<void> Db::exec(std::string_view sql) {
  char* err = nullptr;
  const std::string owned(sql);
  const int rc = sqlite3_exec(db_.get(), owned.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err != nullptr ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    Error e = sqlite_error(rc, nullptr, "exec");
    e.message = "exec: " + msg;
    return fail(std::move(e));
  }
  return {};
}

std::int64_t Db::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_.get()); }
int Db::changes() const { return sqlite3_changes(db_.get()); }

Result<void> Db::checkpoint() {
  int log = 0, done = 0;
  const int rc = sqlite3_wal_checkpoint_v2(db_.get(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
  if (rc != SQLITE_OK && rc != SQLITE_BUSY) return fail(sqlite_error(rc, db_.get(), "checkpoint"));
  return {};
}

Result<Tx> Tx::begin(Db& db) {
  if (auto r = db.exec("BEGIN IMMEDIATE"); !r) return fail(r.error());
  return Tx(db);
}

Tx::~Tx() {
  if (db_ != nullptr) (void)db_->exec("ROLLBACK");
}

Result<void> Tx::commit() {
  if (db_ == nullptr) return fail(Errc::internal, "transaction already finished");
  auto r = db_->exec("COMMIT");
  if (!r) return r;  // destructor rolls back
  db_ = nullptr;
  return {};
}

Result<int> migrate(Db& db, std::span<const Migration> migrations) {
  auto version_stmt = db.prepare("PRAGMA user_version");
  if (!version_stmt) return fail(version_stmt.error());
  auto row = version_stmt->step();
  if (!row) return fail(row.error());
  const int current = version_stmt->integer(0);
  version_stmt->reset();
  int latest = 0;
  for (const auto& m : migrations) latest = std::max(latest, m.version);
  if (current > latest)
    return fail(Errc::conflict, "database " + db.path().string() + " has schema version " +
                                    std::to_string(current) + ", newer than this program (" +
                                    std::to_string(latest) + ")");
  int expected = 1;
  for (const auto& m : migrations) {
    if (m.version != expected++)
      return fail(Errc::internal, "migrations must be numbered 1, 2, 3...: found " +
                                      std::to_string(m.version));
    if (m.version <= current) continue;
    auto tx = Tx::begin(db);
    if (!tx) return fail(tx.error());
    // Another connection may have migrated while we waited for the write lock.
    auto again = db.prepare("PRAGMA user_version");
    if (!again) return fail(again.error());
    if (auto step = again->step(); !step) return fail(step.error());
    if (again->integer(0) >= m.version) continue;
    if (auto r = db.exec(m.sql); !r)
      return fail(r.error().code, "migration " + std::to_string(m.version) + " (" +
                                      std::string(m.name) + "): " + r.error().message);
    if (auto r = db.exec("PRAGMA user_version=" + std::to_string(m.version)); !r) return fail(r.error());
    if (auto r = tx->commit(); !r) return fail(r.error());
  }
  return latest;
}

}  // namespace motcua::store
