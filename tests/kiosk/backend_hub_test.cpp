// The kiosk's worker against a real motcua-hub process (loopback, TLS, a kiosk
// bundle): a citizen who submits while the hub is up gets the hub's official
// code on the receipt; one who submits just after the hub went away gets the
// provisional code at once, not after the worker has waited out
// official_code_wait for a code that cannot come; and on a slow link the hub's
// code reaches the receipt as soon as the hub answered the dossier's create,
// not after its documents are uploaded.

#include <gtest/gtest.h>

#include <sqlite3.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "fault/fault_proxy.hpp"
#include "model/backend.hpp"
#include "motcua/client/kiosk_store.hpp"
#include "motcua/client/sync_engine.hpp"
#include "motcua/domain/dossier_code.hpp"
#include "support/hub_process.hpp"
#include "support/temp_dir.hpp"

using namespace motcua;
using namespace motcua::kiosk;
using namespace std::chrono_literals;
namespace stdfs = std::filesystem;

namespace {

// The UI's side: events arrive through drain() after a wake.
class Screen {
 public:
  explicit Screen(BackendConfig config)
      : backend_(std::move(config), clock_, [this] {
          {
            std::lock_guard lk(m_);
            ++wakes_;
          }
          cv_.notify_all();
        }) {}
  ~Screen() { backend_.stop(); }
  Backend& backend() { return backend_; }

  // Drains events until pred(event) holds, or the deadline passes.
  template <class Pred>
  bool wait_for(Pred pred, std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
      std::unique_lock lk(m_);
      const auto seen = wakes_;
      lk.unlock();
      for (auto& e : backend_.drain())
        if (pred(e)) return true;
      lk.lock();
      if (!cv_.wait_until(lk, deadline, [&] { return wakes_ != seen; })) return false;
    }
  }

  std::optional<Receipt> submit(client::NewDossier dossier, std::chrono::seconds limit) {
    const auto request = backend_.submit(std::move(dossier));
    std::optional<Receipt> receipt;
    wait_for(
        [&](BackendEvent& e) {
          if (auto* r = std::get_if<ReceiptReady>(&e); r && r->request == request) receipt = std::move(r->receipt);
          return receipt.has_value();
        },
        limit);
    return receipt;
  }

  std::optional<LookupResult> lookup(const std::string& code, const std::string& secret, std::chrono::seconds limit) {
    const auto request = backend_.lookup(code, secret);
    std::optional<LookupResult> found;
    wait_for(
        [&](BackendEvent& e) {
          if (auto* r = std::get_if<LookupResult>(&e); r && r->request == request) found = std::move(*r);
          return found.has_value();
        },
        limit);
    return found;
  }

  // Online is published at the end of the worker's first sync pass.
  bool wait_online(std::chrono::seconds limit) {
    return backend_.sync_status().online ||
           wait_for([&](BackendEvent&) { return backend_.sync_status().online; }, limit);
  }

 private:
  SystemClock clock_;
  std::mutex m_;
  std::condition_variable cv_;
  std::uint64_t wakes_ = 0;
  Backend backend_;  // last: its threads call the members above
};

// A kiosk data directory after its first sync: catalog replica, leased codes.
stdfs::path synced_kiosk(test::HubProcess& hub) {
  const auto dir = hub.make_kiosk("KIOSK-HUB");
  SystemClock clock;
  client::SyncEngine engine(hub.sync_config(dir), clock);
  if (auto r = engine.run_once(); !r) throw std::runtime_error(r.error().describe());
  return dir;
}

// Takes the kiosk's leased codes away — the first dossier of the day for an
// agency, or the leases used up — so the receipt's official code must come
// from the hub. Called once the worker is online: its first pass (which tops
// leases up) is over, and the next one starts with the submit.
void delete_leases(const stdfs::path& dir) {
  sqlite3* db = nullptr;
  if (sqlite3_open((dir / "kiosk.db").string().c_str(), &db) != SQLITE_OK) throw std::runtime_error("kiosk.db");
  sqlite3_busy_timeout(db, 5000);
  const int rc = sqlite3_exec(db, "DELETE FROM code_leases", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  if (rc != SQLITE_OK) throw std::runtime_error("cannot delete the leases");
}

BackendConfig config_for(const test::HubProcess& hub, const stdfs::path& dir, std::chrono::milliseconds wait) {
  BackendConfig c;
  c.data_dir = dir;
  c.kiosk_id = "KIOSK-HUB";
  c.hub = hub.kiosk_endpoint(dir);
  c.official_code_wait = wait;
  return c;
}

client::NewDossier death_registration() {
  client::NewDossier d;
  d.service_code = "1.000656";  // Đăng ký khai tử, in the hub's demo catalog
  d.agency_id = "H44.27.05";
  d.service_name = "Đăng ký khai tử";
  d.applicant = {"Nguyễn Thị Thu Hà", "0912345678"};
  d.documents.push_back({"d1", "Tờ khai", "application/pdf", std::vector<std::uint8_t>(300 * 1024, 0x25)});
  d.documents.push_back({"d2", "Giấy báo tử", "application/pdf", std::vector<std::uint8_t>(200 * 1024, 0x26)});
  return d;
}

}  // namespace

TEST(BackendWithHub, OnlineTheReceiptCarriesTheHubsOfficialCode) {
  test::TempDir tmp;
  test::HubProcess hub(tmp.path());
  const auto dir = synced_kiosk(hub);
  Screen screen(config_for(hub, dir, 60s));
  screen.backend().start();
  ASSERT_TRUE(screen.wait_online(30s));
  delete_leases(dir);

  const auto receipt = screen.submit(death_registration(), 30s);
  ASSERT_TRUE(receipt);
  EXPECT_FALSE(receipt->provisional) << receipt->code;
  EXPECT_FALSE(receipt->provisional_code.empty()) << "the code came from the hub, not from a lease";
  EXPECT_NE(receipt->code, receipt->provisional_code);
  EXPECT_TRUE(domain::parse_dossier_code(receipt->code)) << receipt->code;
}

TEST(BackendWithHub, AHubThatJustWentAwayDoesNotKeepTheCitizenWaiting) {
  test::TempDir tmp;
  test::HubProcess hub(tmp.path());
  const auto dir = synced_kiosk(hub);
  // A wait far longer than the deadline below: a worker that waited it out
  // would fail this test.
  Screen screen(config_for(hub, dir, 120s));
  screen.backend().start();
  ASSERT_TRUE(screen.wait_online(30s));
  delete_leases(dir);
  hub.stop();  // the kiosk still believes the hub is online
  ASSERT_TRUE(screen.backend().sync_status().online);

  const auto receipt = screen.submit(death_registration(), 60s);
  ASSERT_TRUE(receipt) << "the worker waited for a code from a hub that is gone";
  EXPECT_TRUE(receipt->provisional);
  EXPECT_EQ(receipt->code, receipt->provisional_code);
  // The header then shows the kiosk offline (published after the receipt).
  EXPECT_TRUE(!screen.backend().sync_status().online ||
              screen.wait_for([&](BackendEvent&) { return !screen.backend().sync_status().online; }, 30s));
}

TEST(BackendWithHub, OnASlowLinkTheHubsCodeIsOnTheReceiptBeforeTheUploadEnds) {
  test::TempDir tmp;
  test::HubProcess hub(tmp.path());
  const auto dir = synced_kiosk(hub);
  // The office's uplink: 40 KB/s, so the dossier's 500 KB of documents take
  // about 12 s to go up — far longer than the worker waits for the code.
  const auto port = std::stoi(hub.url().substr(hub.url().rfind(':') + 1));
  fault::FaultProxy link("127.0.0.1", port);
  link.set_bandwidth(40 * 1024);
  auto config = config_for(hub, dir, 4s);
  config.hub->base_url = link.url();
  Screen screen(config);
  screen.backend().start();
  ASSERT_TRUE(screen.wait_online(60s));
  delete_leases(dir);

  const auto receipt = screen.submit(death_registration(), 30s);
  ASSERT_TRUE(receipt);
  EXPECT_FALSE(receipt->provisional) << "the worker gave up waiting for the hub's code: " << receipt->code;
  EXPECT_NE(receipt->code, receipt->provisional_code);
  // The code came while the documents were still going up.
  SystemClock clock;
  auto store = client::KioskStore::open(dir, clock);
  ASSERT_TRUE(store);
  auto entry = store->find(receipt->client_id);
  ASSERT_TRUE(entry && *entry);
  EXPECT_EQ((*entry)->state, client::OutboxState::created);
  EXPECT_EQ((*entry)->official_code, receipt->code);
  link.set_bandwidth(0);  // the rest goes up at once: the engine stops after it
}

TEST(BackendWithHub, LookingUpADossierTheHubHasNotGotDoesNotCountAgainstItsCodeButGuessingDoes) {
  test::TempDir tmp;
  test::HubProcess hub(tmp.path());
  const auto dir = synced_kiosk(hub);
  Screen screen(config_for(hub, dir, 0s));
  screen.backend().start();
  ASSERT_TRUE(screen.wait_online(30s));
  // A dossier the hub keeps refusing (a service it no longer offers): it
  // stays queued on the kiosk, under its receipt's code.
  auto dossier = death_registration();
  dossier.service_code = "9.999999";
  const auto receipt = screen.submit(std::move(dossier), 30s);
  ASSERT_TRUE(receipt);

  const auto lookup = [&](const std::string& secret) { return screen.lookup(receipt->code, secret, 30s); };
  // The citizen checks it more times than the hub allows wrong attempts.
  for (int i = 0; i < 8; ++i) {
    const auto found = lookup(receipt->secret);
    ASSERT_TRUE(found);
    EXPECT_FALSE(found->failure) << found->detail;
    EXPECT_EQ(found->source, LookupSource::outbox);
  }
  // The hub was never asked: its lockout for the code has not started, and
  // once the dossier arrives the citizen can look it up there at once.
  client::HubClient direct(hub.kiosk_endpoint(dir));
  auto asked = direct.status(receipt->code, receipt->secret);
  ASSERT_FALSE(asked);
  EXPECT_EQ(asked.error().code, Errc::not_found) << asked.error().describe();

  // Someone guessing the secret is not in the outbox's way: the hub counts
  // the wrong attempts, and past its limit the kiosk says the code is locked
  // for a while — not that the system cannot be reached.
  const std::string wrong = receipt->secret == "K7QM" ? "K7QN" : "K7QM";
  std::optional<LookupResult> last;
  for (int i = 0; i < 6; ++i) {
    last = lookup(wrong);
    ASSERT_TRUE(last);
    ASSERT_TRUE(last->failure);
  }
  EXPECT_EQ(*last->failure, LookupFailure::locked) << last->detail;
  // The right secret still finds the queued dossier in the outbox.
  const auto own = lookup(receipt->secret);
  ASSERT_TRUE(own);
  EXPECT_FALSE(own->failure);
}

