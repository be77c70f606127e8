#pragma once
// A real motcua-hub process for integration tests: `init --demo` in a temp
// directory, `serve` on a loopback port with TLS, and a kiosk bundle. Stopping
// and restarting keeps the port so the kiosk's configuration stays valid.

#include <chrono>
#include <filesystem>
#include <map>
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

class HubProcess {
 public:
  // Creates DIR/hub (init --demo) and starts serving.
  explicit HubProcess(std::filesystem::path dir);
  ~HubProcess();

  void start();
  void stop();     // SIGTERM, wait
  void kill9();    // SIGKILL, wait
  bool running() const { return pid_ > 0; }

  const std::string& url() const { return url_; }
  std::filesystem::path hub_dir() const { return dir_ / "hub"; }
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
  std::string url_;
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace motcua::test
