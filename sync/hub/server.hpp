#pragma once
// HTTPS front of the hub (cpp-httplib SSLServer): routes of API v1 (docs/api.md),
// kiosk authentication by client certificate, officials by bearer token.

#include <memory>
#include <string>

#include "blob_store.hpp"
#include "hub_files.hpp"
#include "hub_store.hpp"
#include "motcua/util/clock.hpp"
#include "motcua/util/error.hpp"

namespace motcua::hub {

class HubServer {
 public:
  HubServer(HubPaths paths, HubStore& store, const Clock& clock);
  ~HubServer();

  // Binds host:port (port 0 picks a free one) and returns the bound port.
  Result<int> bind(const std::string& host, int port);
  // Serves until stop() (blocking).
  Result<void> run();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace motcua::hub
