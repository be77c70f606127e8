// The kiosk's sync engine against a real hub process: exactly-once delivery,
// offline queueing, catalog pulls, and replies that are not from our hub.

#include <gtest/gtest.h>

#include <httplib.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "motcua/client/kiosk_store.hpp"
#include "motcua/client/sync_engine.hpp"
#include "motcua/crypto/hash.hpp"
#include "motcua/domain/dossier_code.hpp"
#include "motcua/util/fs.hpp"
#include "support/hub_process.hpp"
#include "support/temp_dir.hpp"

using namespace motcua;
using namespace motcua::client;

namespace {

class Sync : public ::testing::Test {
 protected:
  test::TempDir dir;
  test::HubProcess hub{dir.path()};
  std::filesystem::path kiosk = hub.make_kiosk("KIOSK-01");
  SystemClock clock;

  OutboxEntry enqueue(const std::string& name = "Nguyễn Văn An", std::size_t pages = 1) {
    auto store = KioskStore::open(kiosk, clock);
    if (!store) throw std::runtime_error("cannot open the kiosk store: " + store.error().message);
    NewDossier d;
    d.service_code = "1.001193";
    d.agency_id = "H44.27.05";
    d.service_name = "Đăng ký khai sinh";
    d.applicant = {name, "0912345678"};
    for (std::size_t i = 0; i < pages; ++i) {
      std::vector<std::uint8_t> bytes(50000 + i * 1000);
      for (std::size_t b = 0; b < bytes.size(); ++b) bytes[b] = static_cast<std::uint8_t>((b * 31 + i) & 0xFF);
      d.documents.push_back({"d" + std::to_string(i + 1), "Trang " + std::to_string(i + 1), "image/jpeg", bytes});
    }
    auto e = store->enqueue(d, 1);
    EXPECT_TRUE(e) << e.error().message;
    return *e;
  }

  std::vector<protocol::DossierSummary> hub_dossiers() {
    HubClient admin(hub.admin_endpoint());
    auto list = admin.admin_list_dossiers();
    EXPECT_TRUE(list) << list.error().message;
    return list ? *list : std::vector<protocol::DossierSummary>{};
  }

  std::int64_t depth() { return *KioskStore::open(kiosk, clock)->outbox_depth(); }
};

}  // namespace

TEST_F(Sync, ADossierReachesTheHubExactlyOnceWithEveryPageIntact) {
  const auto e = enqueue("Nguyễn Văn An", 3);
  SyncEngine engine(hub.sync_config(kiosk), clock);
  auto r = engine.run_once();
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(depth(), 0);
  EXPECT_TRUE(engine.state().online);

  auto list = hub_dossiers();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].provisional_code, e.receipt_code);
  EXPECT_EQ(list[0].status, "submitted");
  HubClient admin(hub.admin_endpoint());
  auto detail = admin.admin_show_dossier(list[0].code);
  ASSERT_TRUE(detail);
  ASSERT_EQ(detail->documents.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_TRUE(detail->documents[i].received);
    const auto& local = e.documents[i];
    const auto blob = hub.hub_dir() / "blobs" / local.sha256.substr(0, 2) / local.sha256;
    auto bytes = fs::read_file(blob);
    ASSERT_TRUE(bytes) << "page " << i << " missing on the hub";
    EXPECT_EQ(crypto::sha256_hex(*bytes), local.sha256);
    EXPECT_EQ(*fs::read_file(kiosk / local.path), *bytes);
  }

  // The kiosk learned the official code; further passes change nothing.
  auto found = KioskStore::open(kiosk, clock)->find(e.client_id);
  EXPECT_EQ((*found)->official_code, list[0].code);
  ASSERT_TRUE(engine.run_once());
  EXPECT_EQ(hub_dossiers().size(), 1u);
}

TEST_F(Sync, WithTheHubDownTheDossierWaitsAndArrivesOnceAfterRestart) {
  hub.stop();
  const auto e = enqueue();
  SyncEngine engine(hub.sync_config(kiosk), clock);
  auto r = engine.run_once();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::network) << r.error().message;
  EXPECT_FALSE(engine.state().online);
  EXPECT_EQ(depth(), 1);
  EXPECT_FALSE(engine.run_once());
  EXPECT_EQ(depth(), 1) << "failures never drop a queued dossier";

  hub.start();
  ASSERT_TRUE(engine.run_once());
  EXPECT_EQ(depth(), 0);
  ASSERT_TRUE(engine.run_once());
  auto list = hub_dossiers();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].provisional_code, e.receipt_code);
}

TEST_F(Sync, ALostAcknowledgementDoesNotDuplicateTheDossier) {
  const auto e = enqueue();
  // The first attempt reached the hub but its answer never came back.
  HubClient direct(hub.kiosk_endpoint(kiosk));
  auto first = direct.create_dossier(e.submission);
  ASSERT_TRUE(first);
  ASSERT_TRUE(direct.upload_document(e.client_id, "d1", kiosk / e.documents[0].path, e.documents[0].sha256));

  SyncEngine engine(hub.sync_config(kiosk), clock);
  ASSERT_TRUE(engine.run_once());
  auto list = hub_dossiers();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].code, first->code);
}

TEST_F(Sync, AHubKilledMidwayLosesNothing) {
  for (int i = 0; i < 3; ++i) enqueue("Khách " + std::to_string(i), 2);
  SyncEngine engine(hub.sync_config(kiosk), clock);
  // Deliver with the hub killed (SIGKILL) between passes; restart and finish.
  (void)engine.run_once();
  hub.kill9();
  (void)engine.run_once();
  hub.start();
  ASSERT_TRUE(engine.run_once());
  EXPECT_EQ(depth(), 0);
  EXPECT_EQ(hub_dossiers().size(), 3u);
}

TEST_F(Sync, ErrorsNeverRevealTheLookupSecret) {
  hub.stop();
  HubClient c(hub.kiosk_endpoint(kiosk));
  auto r = c.status("H44.27.05-261130-0001", "K7QM");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::network);
  EXPECT_EQ(r.error().message.find("K7QM"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("secret=***"), std::string::npos) << r.error().message;
}

TEST_F(Sync, TheBackgroundThreadDeliversAfterAWake) {
  SyncEngine engine(hub.sync_config(kiosk), clock);
  std::mutex m;
  std::condition_variable cv;
  int delivered = 0;
  engine.set_listener([&](SyncEvent ev) {
    if (ev == SyncEvent::outbox_changed) {
      std::lock_guard lock(m);
      ++delivered;
      cv.notify_all();
    }
  });
  engine.start();
  enqueue();
  engine.wake();
  std::unique_lock lock(m);
  ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(20), [&] { return depth() == 0 && delivered > 0; }));
  lock.unlock();
  engine.stop();
  EXPECT_EQ(hub_dossiers().size(), 1u);
}

TEST_F(Sync, TheCatalogIsPulledAndUpdatesArrive) {
  SyncEngine engine(hub.sync_config(kiosk), clock);
  ASSERT_TRUE(engine.run_once());
  auto store = KioskStore::open(kiosk, clock);
  auto c = store->load_catalog();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->services.size(), 50u);
  const auto cursor = *store->catalog_cursor();

  // An official renames a service; the kiosk sees it on the next pass.
  HubClient admin(hub.admin_endpoint());
  auto services = admin.admin_catalog_services();
  ASSERT_TRUE(services);
  auto svc = services->front();
  svc.name = "Tên mới của thủ tục";
  domain::Catalog patch;
  patch.services.push_back(svc);
  ASSERT_TRUE(admin.admin_import_catalog(domain::to_json(patch)));
  ASSERT_TRUE(engine.run_once());
  EXPECT_GT(*store->catalog_cursor(), cursor);
  bool renamed = false;
  const auto updated = store->load_catalog();
  ASSERT_TRUE(updated);
  for (const auto& s : updated->services) renamed = renamed || s.name == "Tên mới của thủ tục";
  EXPECT_TRUE(renamed);
}

TEST_F(Sync, AReplyWithoutTheHubProtocolHeaderIsNeverASuccess) {
  // A "captive portal" on the hub's own TLS identity answering 200 with HTML to everything.
  httplib::SSLServer portal((hub.hub_dir() / "server.pem").c_str(), (hub.hub_dir() / "server-key.pem").c_str());
  portal.Get(".*", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("<html><body>Đăng nhập Wi-Fi</body></html>", "text/html");
  });
  portal.Post(".*", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("<html><body>Đăng nhập Wi-Fi</body></html>", "text/html");
  });
  portal.set_keep_alive_max_count(1);  // no lingering keep-alive connection at stop()
  const int port = portal.bind_to_any_port("127.0.0.1");
  std::thread serving([&] { portal.listen_after_bind(); });

  enqueue();
  auto config = hub.sync_config(kiosk);
  config.hub.base_url = "https://127.0.0.1:" + std::to_string(port);
  SyncEngine engine(config, clock);
  auto r = engine.run_once();
  portal.stop();
  serving.join();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::protocol) << r.error().message;
  EXPECT_FALSE(engine.state().online);
  EXPECT_EQ(depth(), 1);
  EXPECT_TRUE(hub_dossiers().empty());
}

TEST_F(Sync, OfflineReceiptsUseCodesLeasedFromTheHub) {
  SyncEngine engine(hub.sync_config(kiosk), clock);
  ASSERT_TRUE(engine.run_once());  // pulls the catalog and leases codes
  {
    auto store = KioskStore::open(kiosk, clock);
    EXPECT_GE(*store->leased_codes_left("H44.27.05"), 5);
  }
  hub.stop();
  const auto e = enqueue();
  EXPECT_TRUE(e.leased) << "the receipt printed offline carries an official code";
  ASSERT_TRUE(e.official_code);
  hub.start();
  ASSERT_TRUE(engine.run_once());
  auto list = hub_dossiers();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].code, e.receipt_code) << "the hub keeps the leased code";
  EXPECT_FALSE(list[0].provisional_code);

  // Another kiosk cannot use this kiosk's leased codes.
  const auto other = hub.make_kiosk("KIOSK-02");
  HubClient c(hub.kiosk_endpoint(other));
  auto s = e.submission;
  s.client_id = "0193f0c2-7c1e-7a3b-9d2e-4b5c6d7e8f91";
  s.leased_code = domain::make_code("H44.27.05", clock.now(), std::stoi(e.receipt_code.substr(e.receipt_code.rfind('-') + 1)) + 1).str();
  auto stolen = c.create_dossier(s);
  ASSERT_FALSE(stolen);
  EXPECT_EQ(stolen.error().code, Errc::forbidden) << stolen.error().message;
}
