#include "support/hub_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>
#include <thread>

#include "motcua/crypto/random.hpp"
#include "motcua/util/fs.hpp"

namespace motcua::test {

namespace stdfs = std::filesystem;

std::string bin(const std::string& program) { return std::string(MOTCUA_BIN_DIR) + "/" + program; }

namespace {

std::vector<char*> c_argv(const std::vector<std::string>& argv) {
  std::vector<char*> out;
  for (const auto& a : argv) out.push_back(const_cast<char*>(a.c_str()));
  out.push_back(nullptr);
  return out;
}

}  // namespace

CommandResult run_command(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env) {
  int out_pipe[2], err_pipe[2];
  if (pipe(out_pipe) != 0 || pipe(err_pipe) != 0) throw std::runtime_error("pipe failed");
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    close(out_pipe[0]);
    close(err_pipe[0]);
    for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
    auto args = c_argv(argv);
    execv(args[0], args.data());
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  CommandResult r;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_fds = 2;
  char buf[4096];
  while (open_fds > 0) {
    if (poll(fds, 2, 60000) <= 0) break;
    for (auto& f : fds) {
      if (f.fd < 0 || !(f.revents & (POLLIN | POLLHUP))) continue;
      const ssize_t n = read(f.fd, buf, sizeof buf);
      if (n <= 0) {
        close(f.fd);
        f.fd = -1;
        --open_fds;
      } else {
        (f.fd == out_pipe[0] ? r.out : r.err).append(buf, static_cast<std::size_t>(n));
      }
    }
  }
  int status = 0;
  waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

HubBackend backend_from_env() {
  const char* db = std::getenv("MOTCUA_TEST_HUB_DB");
  if (db == nullptr || *db == '\0' || std::string(db) == "sqlite") return HubBackend::sqlite;
  if (std::string(db) == "postgres") return HubBackend::postgres;
  throw std::runtime_error("MOTCUA_TEST_HUB_DB must be sqlite or postgres, not " + std::string(db));
}

namespace {

// The server URL with another database name: postgresql://who@host:port/DB?params.
std::string with_database(const std::string& url, const std::string& name) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) throw std::runtime_error("MOTCUA_TEST_PG_URL must be a postgresql:// URI: " + url);
  const auto query = url.find('?', scheme + 3);
  const auto path = url.find('/', scheme + 3);
  const auto authority_end = std::min(path, query);
  std::string out = url.substr(0, authority_end) + "/" + name;
  if (query != std::string::npos) out += url.substr(query);
  return out;
}

CommandResult psql(const std::string& url, const std::string& sql) {
  return run_command({"/usr/bin/psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql});
}

}  // namespace

TestPgDatabase::TestPgDatabase() {
  // $MOTCUA_TEST_PG_URL, else the server tests/CMakeLists.txt configured (the
  // one provisioning/test-services.sh starts).
  const char* url = std::getenv("MOTCUA_TEST_PG_URL");
#ifdef MOTCUA_TEST_PG_URL
  if (url == nullptr || *url == '\0') url = MOTCUA_TEST_PG_URL;
#endif
  if (url == nullptr || *url == '\0')
    throw std::runtime_error("a PostgreSQL test needs MOTCUA_TEST_PG_URL (the test PostgreSQL server)");
  server_url_ = url;
  // Random, lower-case hex: a valid identifier as is.
  name_ = "motcua_t_" + crypto::random_token(8);
  auto r = psql(server_url_, "CREATE DATABASE " + name_ + " ENCODING 'UTF8' TEMPLATE template0");
  if (r.exit_code != 0)
    throw std::runtime_error("PostgreSQL test server not usable at " + server_url_ +
                             " (make test starts it with provisioning/test-services.sh): " + r.err);
  url_ = with_database(server_url_, name_);
}

TestPgDatabase::~TestPgDatabase() {
  if (std::getenv("MOTCUA_KEEP_TEST_DIRS") != nullptr) return;  // kept for a look, like the temp dirs
  try {
    psql(server_url_, "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (const std::exception&) {
    // A left-over test database is harmless; a throwing destructor is not.
  }
}

HubProcess::HubProcess(stdfs::path dir, HubBackend backend) : dir_(std::move(dir)), hub_dir_(dir_ / "hub") {
  if (backend == HubBackend::postgres) {
    pg_ = std::make_shared<TestPgDatabase>();
    db_ = pg_->url();
  }
  std::vector<std::string> argv{bin("motcua-hub"), "init", "--data", hub_dir().string(), "--demo"};
  if (!db_.empty()) argv.insert(argv.end(), {"--db", db_});
  auto r = run_command(argv);
  if (r.exit_code != 0) throw std::runtime_error("motcua-hub init failed: " + r.err);
  start();
}

HubProcess::HubProcess(stdfs::path dir, const HubProcess& other)
    : dir_(std::move(dir)), hub_dir_(other.hub_dir_), pg_(other.pg_), db_(other.db_) {
  stdfs::create_directories(dir_);
  start();
}

HubProcess::~HubProcess() {
  if (pid_ > 0) stop();
}

void HubProcess::start() {
  std::error_code ec;
  stdfs::remove(hub_dir() / "hub-url", ec);
  const std::string listen = "127.0.0.1:" + std::to_string(port_);
  const std::string log = (dir_ / "hub.log").string();
  std::vector<std::string> argv{bin("motcua-hub"), "serve", "--data", hub_dir().string(), "--listen", listen};
  if (!db_.empty()) argv.insert(argv.end(), {"--db", db_});
  pid_ = fork();
  if (pid_ == 0) {
    const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    auto args = c_argv(argv);
    execv(args[0], args.data());
    _exit(127);
  }
  // Wait (with a deadline) until the hub has bound its port and answers health.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    auto text = fs::read_file(hub_dir() / "hub-url");
    if (text && !text->empty()) {
      url_ = text->substr(0, text->find('\n'));
      port_ = std::stoi(url_.substr(url_.rfind(':') + 1));
      client::HubClient probe(admin_endpoint());
      if (probe.health()) return;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("motcua-hub exited during start; see " + log);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  throw std::runtime_error("motcua-hub did not become healthy within 20 s; see " + log);
}

void HubProcess::stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

void HubProcess::kill9() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::string HubProcess::admin_token() const {
  auto t = fs::read_file(hub_dir() / "admin-token");
  std::string s = t ? *t : "";
  while (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

stdfs::path HubProcess::make_kiosk(const std::string& id) {
  const stdfs::path out = dir_ / id;
  std::vector<std::string> argv{bin("motcua-hub"), "kiosk-bundle", "--data", hub_dir().string(), "--id", id, "--hub",
                                url_, "--out", out.string()};
  if (!db_.empty()) argv.insert(argv.end(), {"--db", db_});
  auto r = run_command(argv);
  if (r.exit_code != 0) throw std::runtime_error("kiosk-bundle failed: " + r.err);
  return out;
}

client::HubEndpoint HubProcess::kiosk_endpoint(const stdfs::path& kiosk_dir) const {
  client::HubEndpoint ep;
  ep.base_url = url_;
  ep.ca_file = kiosk_dir / "ca.pem";
  ep.client_cert = kiosk_dir / "kiosk-cert.pem";
  ep.client_key = kiosk_dir / "kiosk-key.pem";
  ep.connect_timeout = std::chrono::milliseconds(2000);
  ep.request_timeout = std::chrono::milliseconds(10000);
  return ep;
}

client::HubEndpoint HubProcess::admin_endpoint() const {
  client::HubEndpoint ep;
  ep.base_url = url_;
  ep.ca_file = hub_dir() / "ca.pem";
  ep.bearer_token = admin_token();
  ep.connect_timeout = std::chrono::milliseconds(2000);
  ep.request_timeout = std::chrono::milliseconds(10000);
  return ep;
}

client::SyncConfig HubProcess::sync_config(const stdfs::path& kiosk_dir) const {
  client::SyncConfig c;
  c.hub = kiosk_endpoint(kiosk_dir);
  c.database = kiosk_dir / "kiosk.db";
  c.data_dir = kiosk_dir;
  c.backoff_min = std::chrono::milliseconds(50);
  c.backoff_max = std::chrono::milliseconds(500);
  return c;
}

protocol::SealedApplicant HubProcess::seal_for_hub(const std::string& client_id,
                                                   const protocol::Applicant& applicant) const {
  auto pem = fs::read_file(hub_dir() / "seal.pem");
  if (!pem) throw std::runtime_error("no seal.pem in the hub directory");
  auto key = crypto::load_public_key_pem(*pem);
  if (!key) throw std::runtime_error(key.error().message);
  auto sealed = protocol::seal_applicant(*key, client_id, applicant);
  if (!sealed) throw std::runtime_error(sealed.error().message);
  return *sealed;
}

CommandResult HubProcess::admin(const std::vector<std::string>& args) const {
  std::vector<std::string> argv{bin("motcua-admin"), "--hub", url_, "--ca", (hub_dir() / "ca.pem").string(), "--token",
                                admin_token()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv);
}

}  // namespace motcua::test
