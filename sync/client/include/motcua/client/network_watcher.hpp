#pragma once
// Tells the sync engine the moment the network changes (a cable plugged in, a
// 4G dongle getting an address, Wi-Fi coming back), so queued dossiers go out at
// once instead of after the current backoff. Linux rtnetlink: link, address and
// route changes. Best effort: without netlink the engine still retries on its timer.

#include <atomic>
#include <functional>
#include <thread>

#include "motcua/util/error.hpp"

namespace motcua::client {

class NetworkWatcher {
 public:
  // on_change runs on the watcher's thread; keep it short (SyncEngine::wake).
  explicit NetworkWatcher(std::function<void()> on_change);
  ~NetworkWatcher();
  NetworkWatcher(const NetworkWatcher&) = delete;
  NetworkWatcher& operator=(const NetworkWatcher&) = delete;

  Result<void> start();
  void stop();

 private:
  void run();
  std::function<void()> on_change_;
  int netlink_ = -1;
  int stop_fd_ = -1;  // eventfd that ends the poll
  std::thread thread_;
};

}  // namespace motcua::client
