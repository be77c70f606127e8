#pragma once
// SQLite RAII: Db (one connection, one owner thread), Stmt (prepared statement),
// Tx (transaction that rolls back unless committed), numbered migrations.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "motcua/util/error.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace motcua::store {

// Maps an SQLite result code to an Error (SQLITE_FULL → disk_full, CORRUPT/NOTADB →
// corrupt, everything else → database) with the connection's message.
Error sqlite_error(int rc, sqlite3* db, std::string_view what);

// Prepared statements a connection keeps for reuse (Db::prepare): preparing
// the same SQL again costs more than the query itself on the hot paths.
struct StatementCache;

class Stmt {
 public:
  Stmt() = default;
  Stmt(sqlite3* db, sqlite3_stmt* stmt, std::weak_ptr<StatementCache> cache = {});
  Stmt(Stmt&&) noexcept = default;
  Stmt& operator=(Stmt&&) noexcept = default;

  // Binding is by 1-based index. A bind error is kept and reported by step().
  Stmt& bind(int index, std::int64_t value);
  Stmt& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Stmt& bind(int index, double value);
  Stmt& bind(int index, std::string_view text);
  Stmt& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Stmt& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
  Stmt& bind_blob(int index, std::span<const std::uint8_t> bytes);
  Stmt& bind_null(int index);
  template <class T>
  Stmt& bind(int index, const std::optional<T>& value) {
    if (value) return bind(index, *value);
    return bind_null(index);
  }

  // true: a row is available; false: done.
  Result<bool> step();
  // Runs to completion, ignoring rows.
  Result<void> run();
  void reset();

  bool is_null(int col) const;
  std::int64_t int64(int col) const;
  int integer(int col) const { return static_cast<int>(int64(col)); }
  double real(int col) const;
  std::string text(int col) const;
  std::optional<std::string> opt_text(int col) const;
  std::optional<std::int64_t> opt_int64(int col) const;
  std::vector<std::uint8_t> blob(int col) const;

 private:
  // Gives the statement back to its connection's cache (reset, bindings
  // cleared), or finalizes it when the connection or the room is gone.
  struct Finalizer {
    std::weak_ptr<StatementCache> cache;
    void operator()(sqlite3_stmt* s) const;
  };
  sqlite3* db_ = nullptr;
  std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
  std::optional<Error> bind_error_;
  void note_bind(int rc);
};

struct OpenOptions {
  bool read_only = false;
  bool create = true;
  // WAL + synchronous=FULL is the rule for anything holding citizen data.
  bool wal = true;
  bool synchronous_full = true;
  int busy_timeout_ms = 5000;
};

class Db {
 public:
  static Result<Db> open(const std::filesystem::path& path, OpenOptions options = {});
  static Result<Db> open_memory();

  Db(Db&&) noexcept = default;
  Db& operator=(Db&&) noexcept = default;

  // A statement of the same SQL prepared before on this connection and no
  // longer in use is reused (reset, no bindings).
  Result<Stmt> prepare(std::string_view sql);
  // Runs one or more statements without results.
  Result<void> exec(std::string_view sql);
  std::int64_t last_insert_rowid() const;
  int changes() const;
  // Passive WAL checkpoint (safe while other connections read).
  Result<void> checkpoint();
  sqlite3* handle() const { return db_.get(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  struct Closer {
    void operator()(sqlite3* db) const;
  };
  Db() = default;
  std::unique_ptr<sqlite3, Closer> db_;
  // Declared after db_: destroyed (its statements finalized) before the connection closes.
  std::shared_ptr<StatementCache> statements_;
  std::filesystem::path path_;
};

// BEGIN IMMEDIATE on construction (so writers serialise up front instead of
// failing on upgrade), ROLLBACK on destruction unless commit() succeeded.
class Tx {
 public:
  static Result<Tx> begin(Db& db);
  Tx(Tx&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  Tx& operator=(Tx&&) = delete;
  ~Tx();
  Result<void> commit();

 private:
  explicit Tx(Db& db) : db_(&db) {}
  Db* db_;
};

struct Migration {
  int version;            // 1, 2, 3 ... in order, never renumbered
  std::string_view name;  // what it does, for logs
  std::string_view sql;
};

// Applies every migration with version > PRAGMA user_version, each in its own
// transaction together with the user_version bump. Refuses a database newer than
// the program (a downgrade would corrupt it).
Result<int> migrate(Db& db, std::span<const Migration> migrations);

}  // namespace motcua::store
