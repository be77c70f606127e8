#pragma once
// A real motcua-hub process for integration tests: `init --demo` in a temp
// directory, `serve` on a loopback port with TLS, and a kiosk bundle. Stopping
// and restarting keeps the port so the kiosk's configuration stays valid.

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <sys/types.h>

#include "motcua/client/hub_client.hpp"
#include "motcua/client/sync_engine.hpp"
#include "motcua/protocol/envelope.hpp"

namespace motcua::test {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs a program to completion, capturing stdout and stderr.
CommandResult run_command(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {});

std::string bin(const std::string& program);  // build/bin/<program>

// The hub's storage in tests: SQLite in the hub directory (default) or, with
// MOTCUA_TEST_HUB_DB=postgres, a fresh PostgreSQL database for each test on the
// server at $MOTCUA_TEST_PG_URL (a postgresql:// URI), by default the one
// provisioning/test-services.sh starts (URL configured in tests/CMakeLists.txt).
enum class HubBackend { sqlite, postgres };
HubBackend backend_from_env();

// A PostgreSQL database of one test's own (motcua_t_<random>), created through
// psql on the test server and dropped, with its connections, at the end.
// Throws with a clear message when the server cannot be reached: a test meant
// to run on PostgreSQL fails, it never quietly runs on something else.
class TestPgDatabase {
 public:
  TestPgDatabase();
  ~TestPgDatabase();
  TestPgDatabase(const TestPgDatabase&) = delete;
  TestPgDatabase& operator=(const TestPgDatabase&) = delete;
  const std::string& url() const { return url_; }  // for motcua-hub --db

 private:
  std::string server_url_, name_, url_;
};

class HubProcess {
 public:
  // Creates DIR/hub (init --demo) and starts serving.
  explicit HubProcess(std::filesystem::path dir, HubBackend backend = backend_from_env());
  // A second process serving the same hub directory and database as `other`
  // (several hubs on one PostgreSQL database); its log and kiosks go to DIR.
  HubProcess(std::filesystem::path dir, const HubProcess& other);
  ~HubProcess();

  void start();
  void stop();     // SIGTERM, wait
  void kill9();    // SIGKILL, wait
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }  // benchmarks read its CPU time in /proc

  const std::string& url() const { return url_; }
  std::filesystem::path hub_dir() const { return hub_dir_; }
  const std::string& db() const { return db_; }  // --db of the hub: "" (SQLite) or a postgresql:// URL
  std::string admin_token() const;

  // Writes a kiosk data directory DIR/<id> with key, certificate, CA and kiosk.toml.
  std::filesystem::path make_kiosk(const std::string& id);
  client::HubEndpoint kiosk_endpoint(const std::filesystem::path& kiosk_dir) const;
  client::HubEndpoint admin_endpoint() const;
  client::SyncConfig sync_config(const std::filesystem::path& kiosk_dir) const;

  // Seals an applicant to this hub, as a kiosk does (protocol/envelope.hpp).
  protocol::SealedApplicant seal_for_hub(const std::string& client_id, const protocol::Applicant& applicant) const;

  // motcua-admin with --hub/--ca/--token filled in.
  CommandResult admin(const std::vector<std::string>& args) const;

 private:
  std::filesystem::path dir_;
  std::filesystem::path hub_dir_;
  std::shared_ptr<TestPgDatabase> pg_;  // shared by the processes serving it
  std::string db_;
  std::string url_;
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace motcua::test
