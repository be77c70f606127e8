#pragma once
// libpq RAII for the hub's PostgreSQL backend: a connection (PGconn) that
// prepares each distinct statement once and reuses it, results (PGresult) that
// free themselves, text-format parameters (values never go into SQL text), a
// transaction that rolls back unless committed, and a small pool handing one
// connection to each request in flight.

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <libpq-fe.h>

#include "motcua/util/error.hpp"

namespace motcua::hub::pg {

struct ConnCloser {
  void operator()(PGconn* c) const noexcept { PQfinish(c); }
};
struct ResultClearer {
  void operator()(PGresult* r) const noexcept { PQclear(r); }
};
using ConnHandle = std::unique_ptr<PGconn, ConnCloser>;
using ResultHandle = std::unique_ptr<PGresult, ResultClearer>;

// SQLSTATEs the store acts on (PostgreSQL manual, appendix A).
inline constexpr std::string_view kUniqueViolation = "23505";
inline constexpr std::string_view kSerializationFailure = "40001";
inline constexpr std::string_view kDeadlockDetected = "40P01";

// Parameters in text format, $1 … $n in the order added. NULL is a missing value.
class Params {
 public:
  Params() = default;
  template <class... T>
  explicit Params(const T&... v) {
    (add(v), ...);
  }
  Params& add(std::string_view v) {
    values_.emplace_back(std::string(v));
    return *this;
  }
  Params& add(const std::string& v) { return add(std::string_view(v)); }
  Params& add(const char* v) { return add(std::string_view(v)); }
  Params& add(std::int64_t v) {
    values_.emplace_back(std::to_string(v));
    return *this;
  }
  Params& add(int v) { return add(static_cast<std::int64_t>(v)); }
  Params& add(bool v) {
    values_.emplace_back(std::string(v ? "t" : "f"));
    return *this;
  }
  Params& add(std::nullopt_t) {
    values_.emplace_back(std::nullopt);
    return *this;
  }
  template <class T>
  Params& add(const std::optional<T>& v) {
    if (v) return add(*v);
    return add(std::nullopt);
  }

  int size() const { return static_cast<int>(values_.size()); }
  // Pointers into this object, valid while it lives unchanged.
  std::vector<const char*> pointers() const;

 private:
  std::vector<std::optional<std::string>> values_;
};

// A text[] / bigint[] parameter in PostgreSQL's array literal syntax, so a
// whole batch travels as one parameter (used with unnest()).
std::string text_array(const std::vector<std::string>& items);
std::string int_array(const std::vector<std::int64_t>& items);

// The rows of one statement (text format).
class Rows {
 public:
  explicit Rows(ResultHandle r) : r_(std::move(r)) {}
  int size() const { return PQntuples(r_.get()); }
  bool empty() const { return size() == 0; }
  // Rows changed by INSERT / UPDATE / DELETE.
  std::int64_t affected() const;

  bool is_null(int row, int col) const { return PQgetisnull(r_.get(), row, col) != 0; }
  std::string_view view(int row, int col) const;
  std::string text(int row, int col) const { return std::string(view(row, col)); }
  std::optional<std::string> opt_text(int row, int col) const;
  std::int64_t int64(int row, int col) const;
  int integer(int row, int col) const { return static_cast<int>(int64(row, col)); }
  std::optional<std::int64_t> opt_int64(int row, int col) const;
  bool boolean(int row, int col) const { return view(row, col) == "t"; }

 private:
  ResultHandle r_;
};

class Connection {
 public:
  // `url` is a libpq connection URI or key=value string. The session speaks UTF-8
  // and the database must store UTF-8 (Vietnamese text).
  static Result<Connection> open(const std::string& url);

  // Runs one statement with parameters. Each distinct SQL text is prepared once
  // per connection (saves the parse and plan on hot paths such as lookups).
  Result<Rows> query(std::string_view sql, const Params& params = {});
  // Runs SQL without parameters through the simple protocol: transaction
  // control and migration scripts with several statements.
  Result<void> exec(std::string_view sql);

  bool broken() const { return !conn_ || PQstatus(conn_.get()) != CONNECTION_OK; }
  bool idle() const { return conn_ && PQtransactionStatus(conn_.get()) == PQTRANS_IDLE; }
  // SQLSTATE and constraint name of the last failed statement (empty after a success).
  const std::string& last_state() const { return last_state_; }
  const std::string& last_constraint() const { return last_constraint_; }
  bool last_failure_retryable() const {
    return last_state_ == kSerializationFailure || last_state_ == kDeadlockDetected;
  }

 private:
  explicit Connection(ConnHandle c) : conn_(std::move(c)) {}
  Error failure(const PGresult* r, std::string_view sql);

  ConnHandle conn_;
  std::unordered_map<std::string, std::string> prepared_;  // SQL text → statement name
  std::string last_state_, last_constraint_;
};

// BEGIN on creation, ROLLBACK on destruction unless commit() succeeded.
class Tx {
 public:
  // `begin` is the full BEGIN statement, e.g. "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY".
  static Result<Tx> begin(Connection& c, std::string_view begin = "BEGIN");
  Tx(Tx&& o) noexcept : c_(o.c_) { o.c_ = nullptr; }
  Tx& operator=(Tx&&) = delete;
  ~Tx();
  Result<void> commit();

 private:
  explicit Tx(Connection& c) : c_(&c) {}
  Connection* c_;
};

// Up to `max` connections, opened on demand; a request waits (with a deadline)
// when all are in use. Broken connections are dropped and replaced.
class Pool {
 public:
  Pool(std::string url, std::size_t max) : url_(std::move(url)), max_(max) {}

  class Lease {
   public:
    Lease(Pool& pool, std::unique_ptr<Connection> c) : pool_(&pool), c_(std::move(c)) {}
    Lease(Lease&& o) noexcept = default;
    // Gives the held connection back first (a dead one is dropped then).
    Lease& operator=(Lease&& o) noexcept;
    ~Lease();
    Connection& operator*() const { return *c_; }
    Connection* operator->() const { return c_.get(); }

   private:
    Pool* pool_;
    std::unique_ptr<Connection> c_;
  };

  Result<Lease> acquire();

 private:
  void give_back(std::unique_ptr<Connection> c);

  std::string url_;
  std::size_t max_;
  std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::size_t open_ = 0;  // idle + leased
};

}  // namespace motcua::hub::pg
