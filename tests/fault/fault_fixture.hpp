#pragma once
// A real hub process over TLS on loopback, one enrolled kiosk, and the fault
// proxy between them. Dossiers queued in-process are recorded as receipts, so
// every test ends with the same question: is every dossier the citizen was
// given a receipt for on the hub exactly once, with every page intact?

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fault/fault_proxy.hpp"
#include "fault/fault_support.hpp"
#include "motcua/client/kiosk_store.hpp"
#include "motcua/client/sync_engine.hpp"
#include "motcua/util/clock.hpp"
#include "support/hub_process.hpp"
#include "support/temp_dir.hpp"

namespace motcua::fault {

inline int port_of(const std::string& url) { return std::stoi(url.substr(url.rfind(':') + 1)); }

class FaultFixture : public ::testing::Test {
 protected:
  static constexpr const char* kKioskId = "KIOSK-01";

  test::TempDir dir;
  test::HubProcess hub{dir.path()};
  std::filesystem::path kiosk = hub.make_kiosk(kKioskId);
  FaultProxy proxy{"127.0.0.1", port_of(hub.url())};
  SystemClock clock;
  std::vector<ManifestEntry> receipts;
  std::uint64_t next_dossier = 1;

  // The kiosk's sync settings, through the proxy.
  client::SyncConfig sync_config() const {
    auto c = hub.sync_config(kiosk);
    c.hub.base_url = proxy.url();
    return c;
  }

  // Queues a dossier as the kiosk's worker does and records the receipt.
  client::OutboxEntry enqueue(int pages, std::size_t page_bytes) {
    auto store = client::KioskStore::open(kiosk, clock);
    if (!store) throw std::runtime_error("kiosk store: " + store.error().describe());
    const std::uint64_t n = next_dossier++;
    auto e = store->enqueue(make_dossier(n, pages, page_bytes), 1);
    if (!e) throw std::runtime_error("enqueue: " + e.error().describe());
    ManifestEntry m{n, e->client_id, e->receipt_code, e->submission.lookup_secret, {}};
    for (int p = 1; p <= pages; ++p) m.page_sha256.push_back(page_sha256({n, p, page_bytes}));
    receipts.push_back(std::move(m));
    return *e;
  }

  std::int64_t depth() const { return outbox_depth(kiosk); }

  // One pass of a fresh engine (a fresh HubClient: a new connection).
  Result<void> pass(client::SyncConfig config) {
    client::SyncEngine engine(std::move(config), clock);
    return engine.run_once();
  }
  Result<void> pass() { return pass(sync_config()); }

  // Is the dossier with this receipt code sealed on the hub?
  bool hub_has(const std::string& receipt_code) const {
    client::HubClient admin(hub.admin_endpoint());
    auto list = admin.admin_list_dossiers({}, 1000);
    if (!list) return false;
    for (const auto& s : *list)
      if (s.code == receipt_code || (s.provisional_code && *s.provisional_code == receipt_code)) return true;
    return false;
  }

  void expect_exactly_once(bool all_delivered = true) {
    const auto c = check_delivery(hub, kiosk, kKioskId, receipts, all_delivered);
    EXPECT_TRUE(c.problems.empty()) << c.summary();
    const auto blobs = hub_blob_problems(hub);
    EXPECT_TRUE(blobs.empty()) << blobs.front();
    std::cout << "[fault] " << c.summary() << std::endl;
  }
};

}  // namespace motcua::fault
