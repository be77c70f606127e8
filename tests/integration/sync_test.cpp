// The kiosk's sync engine against a real hub process: exactly-once delivery,
// offline queueing, catalog pulls, and replies that are not from our hub.

#include <gtest/gtest.h>

#include <httplib.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "motcua/client/kiosk_store.hpp"
#include "motcua/client/network_watcher.hpp"
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

  // The pages a citizen scanned, by document id: what the hub must end up with.
  static std::vector<std::uint8_t> page(std::size_t i) {
    std::vector<std::uint8_t> bytes(50000 + i * 1000);
    for (std::size_t b = 0; b < bytes.size(); ++b) bytes[b] = static_cast<std::uint8_t>((b * 31 + i) & 0xFF);
    return bytes;
  }

  OutboxEntry enqueue(const std::string& name = "Nguyễn Văn An", std::size_t pages = 1,
                      const std::string& service_code = "1.001193") {
    auto store = KioskStore::open(kiosk, clock);
    if (!store) throw std::runtime_error("cannot open the kiosk store: " + store.error().message);
    NewDossier d;
    d.service_code = service_code;
    d.agency_id = "H44.27.05";
    d.service_name = "Đăng ký khai sinh";
    d.applicant = {name, "0912345678"};
    for (std::size_t i = 0; i < pages; ++i)
      d.documents.push_back({"d" + std::to_string(i + 1), "Trang " + std::to_string(i + 1), "image/jpeg", page(i)});
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
    // The hub opened the sealed page: its blob is the scanned bytes, named by their digest.
    const auto scanned = page(i);
    const std::string sha = crypto::hex(crypto::sha256(std::span<const std::uint8_t>(scanned)));
    EXPECT_EQ(detail->documents[i].sha256, sha);
    auto bytes = fs::read_file(hub.hub_dir() / "blobs" / sha.substr(0, 2) / sha);
    ASSERT_TRUE(bytes) << "page " << i << " missing on the hub";
    EXPECT_EQ(*bytes, std::string(scanned.begin(), scanned.end()));
    // On the kiosk the page exists only sealed.
    EXPECT_NE(*fs::read_file(kiosk / e.documents[i].path), *bytes);
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

TEST_F(Sync, ABacklogGoesUpInParallelAndEveryDossierArrivesOnceIntact) {
  // More dossiers than couriers, and one the hub refuses in the middle: the
  // others still go, each exactly once, in one pass.
  std::vector<OutboxEntry> queued;
  for (std::size_t i = 0; i < 9; ++i) queued.push_back(enqueue("Khách " + std::to_string(i), 1 + i % 3));
  {
    // The fifth page on the kiosk's disk no longer matches its digest (the
    // hub refuses it; the dossier stays queued with the reason).
    auto& bad = queued[4].documents[0];
    auto bytes = fs::read_file(kiosk / bad.path);
    ASSERT_TRUE(bytes);
    (*bytes)[bytes->size() / 2] = static_cast<char>((*bytes)[bytes->size() / 2] ^ 1);
    ASSERT_TRUE(fs::write_file_durable(kiosk / bad.path, *bytes, 0600));
  }
  auto config = hub.sync_config(kiosk);
  config.parallel_dossiers = 4;
  SyncEngine engine(config, clock);
  auto r = engine.run_once();
  EXPECT_FALSE(r) << "the refused dossier is reported";
  EXPECT_EQ(depth(), 1);
  auto store = KioskStore::open(kiosk, clock);
  auto stuck = store->find(queued[4].client_id);
  ASSERT_TRUE(stuck && *stuck);
  EXPECT_NE((*stuck)->state, OutboxState::delivered);
  EXPECT_FALSE((*stuck)->last_error.empty());

  auto list = hub_dossiers();
  EXPECT_EQ(list.size(), 8u);
  HubClient admin(hub.admin_endpoint());
  for (std::size_t i = 0; i < queued.size(); ++i) {
    if (i == 4) continue;
    const auto& e = queued[i];
    EXPECT_EQ(std::count_if(list.begin(), list.end(), [&](const auto& s) { return s.provisional_code == e.receipt_code; }), 1)
        << e.receipt_code;
    auto found = store->find(e.client_id);
    ASSERT_TRUE(found && *found);
    EXPECT_EQ((*found)->state, OutboxState::delivered);
    for (const auto& doc : (*found)->documents) EXPECT_TRUE(doc.uploaded);
    auto detail = admin.admin_show_dossier(*(*found)->official_code);
    ASSERT_TRUE(detail);
    ASSERT_EQ(detail->documents.size(), e.documents.size());
    for (std::size_t p = 0; p < e.documents.size(); ++p) {
      const auto scanned = page(p);
      EXPECT_EQ(detail->documents[p].sha256, crypto::hex(crypto::sha256(std::span<const std::uint8_t>(scanned))));
    }
  }
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
  s.sealed = hub.seal_for_hub(s.client_id, {"Nguyễn Văn An", "0912345678"}).envelope;
  s.leased_code = domain::make_code("H44.27.05", clock.now(), std::stoi(e.receipt_code.substr(e.receipt_code.rfind('-') + 1)) + 1).str();
  auto stolen = c.create_dossier(s);
  ASSERT_FALSE(stolen);
  EXPECT_EQ(stolen.error().code, Errc::forbidden) << stolen.error().message;
}

TEST_F(Sync, TheKioskFollowsTheStatusOfItsDossiersAndCanShowThemOffline) {
  const auto e = enqueue();
  SyncEngine engine(hub.sync_config(kiosk), clock);
  ASSERT_TRUE(engine.run_once());
  HubClient admin(hub.admin_endpoint());
  const std::string code = *(*KioskStore::open(kiosk, clock)->find(e.client_id))->official_code;
  protocol::ActionRequest accept;
  accept.action = "accept";
  accept.actor_role = "staff";
  ASSERT_TRUE(admin.admin_act(code, accept));
  ASSERT_TRUE(engine.run_once());
  EXPECT_GT(engine.state().status_cursor, 0);
  hub.stop();  // the citizen comes back while the network is down
  auto store = KioskStore::open(kiosk, clock);
  auto cached = store->cached_status(code, e.submission.lookup_secret);
  ASSERT_TRUE(cached && *cached);
  EXPECT_EQ((*cached)->view.status, "accepted");
  EXPECT_EQ((*cached)->view.status_label, "Được tiếp nhận");
  EXPECT_TRUE((*cached)->view.due_at) << "the appointment fixed at acceptance";
}

TEST_F(Sync, DeliveredCopiesArePurgedOnlyAfterTheRetentionPeriod) {
  const auto e = enqueue("Nguyễn Văn An", 2);
  auto config = hub.sync_config(kiosk);
  config.retention = std::chrono::hours(1);
  {
    SyncEngine engine(config, clock);
    ASSERT_TRUE(engine.run_once());
  }
  const std::string code = *(*KioskStore::open(kiosk, clock)->find(e.client_id))->official_code;
  EXPECT_TRUE(std::filesystem::exists(kiosk / e.documents[0].path)) << "kept during the retention period";
  config.retention = std::chrono::milliseconds(0);
  SyncEngine engine(config, clock);
  ASSERT_TRUE(engine.run_once());
  EXPECT_FALSE(std::filesystem::exists(kiosk / e.documents[0].path));
  EXPECT_FALSE(std::filesystem::exists(kiosk / "outbox" / e.client_id));
  auto store = KioskStore::open(kiosk, clock);
  EXPECT_FALSE(*store->find(e.client_id));
  // The masked summary stays for lookups at this kiosk.
  EXPECT_TRUE(*store->cached_status(code, e.submission.lookup_secret));
  // Never purged before the hub acknowledged: a queued dossier survives a zero retention.
  hub.stop();
  const auto queued = enqueue();
  (void)engine.run_once();
  EXPECT_TRUE(std::filesystem::exists(kiosk / queued.documents[0].path));
}

TEST_F(Sync, HeartbeatsShowTheFleetToOfficials) {
  hub.stop();
  enqueue();
  enqueue();
  hub.start();
  auto config = hub.sync_config(kiosk);
  config.hub.base_url = hub.url();
  SyncEngine engine(config, clock);
  // Hold the outbox back with a second store transaction? Simpler: heartbeat first.
  ASSERT_TRUE(engine.run_once());
  auto r = hub.admin({"kiosks", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = Json::parse(r.out);
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["id"], "KIOSK-01");
  ASSERT_FALSE(j[0]["heartbeat"].is_null());
  EXPECT_EQ(j[0]["heartbeat"]["outbox_depth"], 0) << "sent after the pass delivered both";
  EXPECT_EQ(j[0]["heartbeat"]["version"], MOTCUA_VERSION);
  EXPECT_GT(j[0]["heartbeat"]["free_disk_bytes"].get<std::int64_t>(), 0);
  EXPECT_FALSE(j[0]["heartbeat"]["last_sync_at"].is_null());
  auto table = hub.admin({"kiosks"});
  EXPECT_NE(table.out.find("KIOSK-01"), std::string::npos);
}

TEST_F(Sync, ADossierTheHubRefusesDoesNotStopTheRestOfThePass) {
  // One dossier for a service the hub does not offer (it refuses it, for its
  // content: retrying will not help until someone deals with it), queued
  // before a good one.
  const auto refused = enqueue("Trần Thị Bình", 1, "9.999999");
  const auto good = enqueue();
  SyncEngine engine(hub.sync_config(kiosk), clock);
  auto r = engine.run_once();
  ASSERT_FALSE(r) << "the refusal is the pass's error (retried with backoff)";
  EXPECT_NE(r.error().message.find("9.999999"), std::string::npos) << r.error().describe();
  EXPECT_TRUE(engine.state().online) << "the hub answered: the kiosk is online";
  EXPECT_NE(engine.state().last_error.find("9.999999"), std::string::npos);
  // The good dossier went through, and the rest of the pass ran: the
  // heartbeat shows officials the stuck outbox, codes were leased.
  ASSERT_EQ(hub_dossiers().size(), 1u);
  auto store = KioskStore::open(kiosk, clock);
  ASSERT_TRUE(store);
  EXPECT_EQ((*store->find(good.client_id))->state, OutboxState::delivered);
  EXPECT_EQ((*store->find(refused.client_id))->state, OutboxState::queued);
  EXPECT_GT(*store->leased_codes_left("H44.27.05"), 0);
  auto kiosks = hub.admin({"kiosks", "--json"});
  ASSERT_EQ(kiosks.exit_code, 0) << kiosks.err;
  const auto j = Json::parse(kiosks.out);
  ASSERT_EQ(j.size(), 1u);
  ASSERT_FALSE(j[0]["heartbeat"].is_null()) << "no heartbeat while a dossier was refused";
  EXPECT_EQ(j[0]["heartbeat"]["outbox_depth"], 1);
  ASSERT_FALSE(j[0]["heartbeat"]["oldest_queued_age_s"].is_null());
  EXPECT_GE(j[0]["heartbeat"]["oldest_queued_age_s"].get<std::int64_t>(), 0);
}

TEST(NetworkWatcher, NoticesWhenTheNetworkChanges) {
  std::mutex m;
  std::condition_variable cv;
  int changes = 0;
  client::NetworkWatcher watcher([&] {
    std::lock_guard lock(m);
    ++changes;
    cv.notify_all();
  });
  if (auto r = watcher.start(); !r) GTEST_SKIP() << "no netlink here: " << r.error().message;
  // A new address is what a 4G dongle or a DHCP lease produces.
  const auto add = test::run_command({"/usr/sbin/ip", "addr", "add", "10.254.254.7/32", "dev", "lo"});
  if (add.exit_code != 0) GTEST_SKIP() << "cannot change addresses here: " << add.err;
  std::unique_lock lock(m);
  const bool seen = cv.wait_for(lock, std::chrono::seconds(10), [&] { return changes > 0; });
  lock.unlock();
  test::run_command({"/usr/sbin/ip", "addr", "del", "10.254.254.7/32", "dev", "lo"});
  EXPECT_TRUE(seen);
}

TEST_F(Sync, ServiceFiguresAndQuestionsReachTheKiosk) {
  // Two birth registrations: one handled, one still open.
  enqueue("Nguyễn Văn An");
  enqueue("Trần Thị Bình");
  SyncEngine engine(hub.sync_config(kiosk), clock);
  ASSERT_TRUE(engine.run_once());
  HubClient admin(hub.admin_endpoint());
  auto list = admin.admin_list_dossiers();
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 2u);
  auto act = [&](const std::string& code, const char* action, const char* role) {
    protocol::ActionRequest a;
    a.action = action;
    a.actor_role = role;
    auto r = admin.admin_act(code, a);
    ASSERT_TRUE(r) << action << ": " << r.error().message;
  };
  const std::string done = (*list)[0].code;
  act(done, "accept", "staff");
  act(done, "process", "official");
  act(done, "finish", "official");
  act((*list)[1].code, "accept", "staff");

  auto refreshed = hub.admin({"stats", "--refresh", "--json"});
  ASSERT_EQ(refreshed.exit_code, 0) << refreshed.err;
  auto stats = Json::parse(refreshed.out);
  ASSERT_EQ(stats.size(), 1u);
  EXPECT_EQ(stats[0]["code"], "1.001193");
  EXPECT_EQ(stats[0]["received_total"], 2);
  EXPECT_EQ(stats[0]["finished"], 1);
  EXPECT_EQ(stats[0]["early"].get<int>() + stats[0]["on_time"].get<int>(), 1) << "finished the day it came in";
  EXPECT_EQ(stats[0]["open"], 1);

  auto qa = hub.admin({"qa", "add", "--question", "Làm giấy khai sinh cho con có mất tiền không?", "--answer",
                       "Đăng ký đúng hạn (trong 60 ngày) thì miễn lệ phí.", "--service", "1.001193"});
  ASSERT_EQ(qa.exit_code, 0) << qa.err;

  ASSERT_TRUE(engine.run_once());
  auto c = KioskStore::open(kiosk, clock)->load_catalog();
  ASSERT_TRUE(c);
  ASSERT_EQ(c->stats.size(), 1u);
  EXPECT_EQ(c->stats[0].received_total, 2);
  EXPECT_EQ(c->stats[0].finished, 1);
  // The demo catalog publishes its own questions; the new one joins them.
  const auto added = std::find_if(c->qa.begin(), c->qa.end(), [](const auto& q) {
    return q.question == "Làm giấy khai sinh cho con có mất tiền không?";
  });
  ASSERT_NE(added, c->qa.end());
  EXPECT_EQ(added->service, "1.001193");
  EXPECT_NE(added->answer.find("miễn lệ phí"), std::string::npos);

  // A refresh that changes nothing republishes nothing.
  const auto cursor = engine.state().catalog_cursor;
  auto again = hub.admin({"stats", "--refresh", "--json"});
  ASSERT_EQ(again.exit_code, 0);
  ASSERT_TRUE(engine.run_once());
  EXPECT_EQ(engine.state().catalog_cursor, cursor);
}
