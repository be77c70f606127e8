#include "pg_connection.hpp"

#include <charconv>
#include <chrono>
#include <memory>
#include <string_view>

#include "motcua/util/log.hpp"

namespace motcua::hub::pg {

namespace {

// Class 08 (connection exception), 57P0x (server shutting down / cannot
// connect now) and 53300 (too many connections): the database is not usable
// right now; the caller may retry later.
bool is_unavailable(std::string_view state) {
  return state.substr(0, 2) == "08" || state == "57P01" || state == "57P02" || state == "57P03" ||
         state == "53300";
}

Errc errc_for(std::string_view state) {
  if (state.empty()) return Errc::unavailable;  // no server answer at all: the connection failed
  if (state == kUniqueViolation) return Errc::conflict;
  if (state == kSerializationFailure || state == kDeadlockDetected) return Errc::conflict;
  if (is_unavailable(state)) return Errc::unavailable;
  if (state == "53100") return Errc::disk_full;
  if (state.substr(0, 2) == "22") return Errc::invalid_argument;  // data exception (bad value)
  if (state.substr(0, 2) == "XX") return Errc::corrupt;
  return Errc::database;
}

std::string first_line(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  return std::string(text);
}

void append_quoted(std::string& out, std::string_view item) {
  out += '"';
  for (char ch : item) {
    if (ch == '"' || ch == '\\') out += '\\';
    out += ch;
  }
  out += '"';
}

}  // namespace

std::vector<const char*> Params::pointers() const {
  std::vector<const char*> p;
  p.reserve(values_.size());
  for (const auto& v : values_) p.push_back(v ? v->c_str() : nullptr);
  return p;
}

std::string text_array(const std::vector<std::string>& items) {
  std::string out = "{";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    append_quoted(out, items[i]);
  }
  out += '}';
  return out;
}

std::string int_array(const std::vector<std::int64_t>& items) {
  std::string out = "{";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(items[i]);
  }
  out += '}';
  return out;
}

std::int64_t Rows::affected() const {
  const char* n = PQcmdTuples(r_.get());
  std::int64_t v = 0;
  if (n != nullptr) std::from_chars(n, n + std::char_traits<char>::length(n), v);
  return v;
}

std::string_view Rows::view(int row, int col) const {
  const char* v = PQgetvalue(r_.get(), row, col);
  const int len = PQgetlength(r_.get(), row, col);
  return std::string_view(v, static_cast<std::size_t>(len));
}

std::optional<std::string> Rows::opt_text(int row, int col) const {
  if (is_null(row, col)) return std::nullopt;
  return text(row, col);
}

std::int64_t Rows::int64(int row, int col) const {
  const auto v = view(row, col);
  std::int64_t out = 0;
  std::from_chars(v.data(), v.data() + v.size(), out);
  return out;
}

std::optional<std::int64_t> Rows::opt_int64(int row, int col) const {
  if (is_null(row, col)) return std::nullopt;
  return int64(row, col);
}

Result<Connection> Connection::open(const std::string& url) {
  // Defaults first: the URL's own settings override them (expand_dbname);
  // client_encoding comes last so nothing can override it.
  const char* keys[] = {"connect_timeout", "application_name", "dbname", "client_encoding", nullptr};
  const char* values[] = {"10", "motcua-hub", url.c_str(), "UTF8", nullptr};
  ConnHandle c(PQconnectdbParams(keys, values, 1));
  if (!c) return fail(Errc::unavailable, "PostgreSQL: out of memory opening a connection");
  if (PQstatus(c.get()) != CONNECTION_OK)
    return fail(Errc::unavailable, "PostgreSQL: cannot connect: " + first_line(PQerrorMessage(c.get())));
  // Server notices ("relation … already exists, skipping") are for debugging, not stderr.
  PQsetNoticeProcessor(
      c.get(), [](void*, const char* message) { log::debug("postgres", first_line(message)); }, nullptr);
  const char* enc = PQparameterStatus(c.get(), "server_encoding");
  if (enc == nullptr || std::string_view(enc) != "UTF8")
    return fail(Errc::invalid_argument, std::string("PostgreSQL: the database's encoding is ") +
                                            (enc ? enc : "unknown") +
                                            "; the hub needs UTF8 (CREATE DATABASE … ENCODING 'UTF8')");
  // The hub answers a kiosk only once what it was sent is durably stored. A
  // server, database or role set to synchronous_commit = off acknowledges a
  // commit before its WAL reaches the disk (a crash can lose the last ones),
  // so this session asks for the local flush; stricter settings (remote_write,
  // remote_apply for a synchronous standby) are left as they are.
  const auto exec = [&](const char* sql) {
    std::unique_ptr<PGresult, decltype(&PQclear)> r(PQexec(c.get(), sql), &PQclear);
    return r;
  };
  if (auto shown = exec("SHOW synchronous_commit"); PQresultStatus(shown.get()) == PGRES_TUPLES_OK &&
                                                    PQntuples(shown.get()) == 1 &&
                                                    std::string_view(PQgetvalue(shown.get(), 0, 0)) == "off") {
    if (auto set = exec("SET synchronous_commit TO on"); PQresultStatus(set.get()) != PGRES_COMMAND_OK)
      return fail(Errc::unavailable, "PostgreSQL: cannot set synchronous_commit: " + first_line(PQerrorMessage(c.get())));
  }
  return Connection(std::move(c));
}

Error Connection::failure(const PGresult* r, std::string_view sql) {
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  const char* constraint = r ? PQresultErrorField(r, PG_DIAG_CONSTRAINT_NAME) : nullptr;
  last_state_ = state ? state : "";
  last_constraint_ = constraint ? constraint : "";
  const char* primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  std::string message = primary ? std::string(primary) : first_line(PQerrorMessage(conn_.get()));
  // The statement's first words say which operation failed without flooding logs.
  std::string_view head = sql.substr(0, 60);
  // No SQLSTATE: the client library failed, usually because the connection did.
  const Errc code = last_state_.empty() && !broken() ? Errc::database : errc_for(last_state_);
  return Error{code, "PostgreSQL: " + message + " (in: " + std::string(head) +
                                          (sql.size() > head.size() ? "…" : "") + ")"};
}

Result<Rows> Connection::query(std::string_view sql, const Params& params) {
  last_state_.clear();
  last_constraint_.clear();
  if (broken()) return fail(Errc::unavailable, "PostgreSQL: connection lost");
  std::string key(sql);
  auto it = prepared_.find(key);
  if (it == prepared_.end()) {
    std::string name = "m" + std::to_string(prepared_.size() + 1);
    ResultHandle p(PQprepare(conn_.get(), name.c_str(), key.c_str(), 0, nullptr));
    if (!p || PQresultStatus(p.get()) != PGRES_COMMAND_OK) return fail(failure(p.get(), sql));
    it = prepared_.emplace(std::move(key), std::move(name)).first;
  }
  const auto values = params.pointers();
  ResultHandle r(PQexecPrepared(conn_.get(), it->second.c_str(), params.size(), values.data(), nullptr, nullptr, 0));
  const auto status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) return fail(failure(r.get(), sql));
  return Rows(std::move(r));
}

Result<void> Connection::exec(std::string_view sql) {
  last_state_.clear();
  last_constraint_.clear();
  if (broken()) return fail(Errc::unavailable, "PostgreSQL: connection lost");
  const std::string text(sql);
  ResultHandle r(PQexec(conn_.get(), text.c_str()));
  const auto status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) return fail(failure(r.get(), sql));
  return {};
}

Result<Tx> Tx::begin(Connection& c, std::string_view begin) {
  if (auto r = c.exec(begin); !r) return fail(r.error());
  return Tx(c);
}

Tx::~Tx() {
  // Best effort: a broken connection is dropped by the pool anyway.
  if (c_ != nullptr && !c_->broken()) (void)c_->exec("ROLLBACK");
}

Result<void> Tx::commit() {
  Connection* c = c_;
  c_ = nullptr;  // COMMIT ends the transaction whatever it answers
  return c->exec("COMMIT");
}

Pool::Lease::~Lease() {
  if (c_) pool_->give_back(std::move(c_));
}

Pool::Lease& Pool::Lease::operator=(Lease&& o) noexcept {
  if (this != &o) {
    if (c_) pool_->give_back(std::move(c_));
    pool_ = o.pool_;
    c_ = std::move(o.c_);
  }
  return *this;
}

void Pool::give_back(std::unique_ptr<Connection> c) {
  // A connection left inside a transaction (a bug or a failed ROLLBACK) must
  // not carry its state into the next request.
  if (!c->broken() && !c->idle()) (void)c->exec("ROLLBACK");
  const bool keep = !c->broken() && c->idle();
  {
    std::lock_guard lock(mutex_);
    if (keep) idle_.push_back(std::move(c));
    else --open_;
  }
  returned_.notify_one();
}

Result<Pool::Lease> Pool::acquire() {
  std::unique_lock lock(mutex_);
  // Enough for a burst of requests to drain; a longer wait means the database
  // is stuck, and the kiosk retries later.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (idle_.empty() && open_ >= max_) {
    if (returned_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() && open_ >= max_)
      return fail(Errc::unavailable, "PostgreSQL: every connection of the pool is busy");
  }
  if (!idle_.empty()) {
    auto c = std::move(idle_.back());
    idle_.pop_back();
    return Lease(*this, std::move(c));
  }
  ++open_;
  lock.unlock();
  // Connect outside the lock: other requests keep using idle connections meanwhile.
  auto c = Connection::open(url_);
  if (!c) {
    lock.lock();
    --open_;
    lock.unlock();
    returned_.notify_one();
    return fail(c.error());
  }
  return Lease(*this, std::make_unique<Connection>(std::move(*c)));
}

}  // namespace motcua::hub::pg
