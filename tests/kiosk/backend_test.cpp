// The kiosk's worker on a real data directory whose hub cannot be reached
// (kiosk.toml points at https://127.0.0.1:1): the office's network is down, and
// citizens must still find services, submit, get a receipt and look it up.

#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <variant>
#include <vector>

#include "app/kiosk_config.hpp"
#include "devices/jpeg.hpp"
#include "model/backend.hpp"
#include "motcua/client/kiosk_store.hpp"
#include "motcua/crypto/x509.hpp"
#include "motcua/domain/catalog.hpp"
#include "motcua/domain/dossier_code.hpp"
#include "motcua/util/fs.hpp"
#include "motcua/util/json.hpp"
#include "support/seal_key.hpp"
#include "support/temp_dir.hpp"

using namespace motcua;
using namespace motcua::kiosk;
using namespace std::chrono_literals;

namespace {

constexpr std::string_view kAgency = "H44.27.05";
constexpr std::string_view kKhaiSinh = "1.001193";
// 2025-11-30 11:43:24 in Việt Nam.
const TimePoint kNow = from_unix_millis(1764477804123);

domain::Catalog demo_catalog() {
  auto text = fs::read_file(std::filesystem::path(MOTCUA_SOURCE_DIR) / "assets" / "catalog" / "demo.json");
  if (!text) throw std::runtime_error(text.error().describe());
  auto json = parse_json(*text);
  if (!json) throw std::runtime_error(json.error().describe());
  auto catalog = domain::catalog_from_json(*json);
  if (!catalog) throw std::runtime_error(catalog.error().describe());
  return std::move(*catalog);
}

// A kiosk data directory as `motcua-hub kiosk-bundle` writes it (kiosk.toml,
// CA, client certificate and key), pointing at a port where no hub listens,
// with the catalog replica already filled from an earlier sync.
void make_offline_kiosk(const std::filesystem::path& dir, const Clock& clock) {
  auto ca_key = crypto::generate_ec_key();
  auto kiosk_key = crypto::generate_ec_key();
  ASSERT_TRUE(ca_key && kiosk_key);
  crypto::CertRequest ca_req;
  ca_req.common_name = "motcua test CA";
  ca_req.usage = crypto::CertUsage::ca;
  auto ca = crypto::make_ca(*ca_key, ca_req);
  ASSERT_TRUE(ca) << ca.error().message;
  crypto::CertRequest kiosk_req;
  kiosk_req.common_name = "KIOSK-03";
  kiosk_req.usage = crypto::CertUsage::client;
  auto cert = crypto::issue_cert(*ca, *ca_key, *kiosk_key, kiosk_req);
  ASSERT_TRUE(cert) << cert.error().message;

  ASSERT_TRUE(fs::write_file_durable(dir / "ca.pem", crypto::to_pem(*ca)));
  ASSERT_TRUE(fs::write_file_durable(dir / "kiosk-cert.pem", crypto::to_pem(*cert)));
  ASSERT_TRUE(fs::write_file_durable(dir / "kiosk-key.pem", crypto::to_pem(*kiosk_key), 0600));
  test::write_seal_public_key(dir);
  ASSERT_TRUE(fs::write_file_durable(dir / "kiosk.toml", std::string_view(
                                                             "[kiosk]\n"
                                                             "id = \"KIOSK-03\"\n"
                                                             "number = 3\n"
                                                             "agency = \"H44.27.05\"\n"
                                                             "\n"
                                                             "[hub]\n"
                                                             "url = \"https://127.0.0.1:1\"\n"
                                                             "ca = \"ca.pem\"\n"
                                                             "cert = \"kiosk-cert.pem\"\n"
                                                             "key = \"kiosk-key.pem\"\n")));

  const domain::Catalog catalog = demo_catalog();
  protocol::CatalogPage page;
  std::int64_t seq = 0;
  for (const auto& a : catalog.agencies) page.changes.push_back({++seq, "agency", a.id, false, domain::to_json(a)});
  for (const auto& s : catalog.sectors) page.changes.push_back({++seq, "sector", s.id, false, domain::to_json(s)});
  for (const auto& f : catalog.fields) page.changes.push_back({++seq, "field", f.id, false, domain::to_json(f)});
  for (const auto& s : catalog.services) page.changes.push_back({++seq, "service", s.code, false, domain::to_json(s)});
  page.next = seq;
  auto store = client::KioskStore::open(dir, clock);
  ASSERT_TRUE(store) << store.error().message;
  ASSERT_TRUE(store->apply_catalog_page(page));
}

// The worker's settings as the kiosk reads them from kiosk.toml. The official
// code wait is long on purpose: a worker that waited for the dead hub would
// miss every deadline below.
BackendConfig offline_config(const std::filesystem::path& dir) {
  auto settings = load_kiosk_settings(dir);
  if (!settings) throw std::runtime_error(settings.error().describe());
  BackendConfig c = settings->backend;
  c.official_code_wait = 120s;
  return c;
}

client::NewDossier birth_registration() {
  client::NewDossier d;
  d.service_code = std::string(kKhaiSinh);
  d.agency_id = std::string(kAgency);
  d.service_name = "Đăng ký khai sinh";
  d.applicant = {"Nguyễn Văn An", "0912345678"};
  std::vector<std::uint8_t> grey(64 * 48, 200);
  auto jpeg = encode_jpeg(grey, 64, 48, 1);
  if (!jpeg) throw std::runtime_error(jpeg.error().describe());
  d.documents.push_back({"d1", "Tờ khai đăng ký khai sinh", "image/jpeg", std::move(*jpeg)});
  d.documents.push_back({"d2", "Giấy chứng sinh", "image/jpeg", d.documents[0].bytes});
  return d;
}

// Collects the worker's events as the UI would (drain on wake) and waits, up
// to a deadline, for one that matches.
class Events {
 public:
  std::function<void()> wake() {
    return [this] {
      {
        std::lock_guard lk(mutex_);
        ++wakes_;
      }
      cv_.notify_all();
    };
  }

  template <class T, class Pred>
  std::optional<T> wait_for(Backend& backend, Pred pred, std::chrono::seconds limit = 20s) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
      std::unique_lock lk(mutex_);
      const auto seen = wakes_;
      lk.unlock();
      for (auto& e : backend.drain()) seen_.push_back(std::move(e));
      for (auto it = seen_.begin(); it != seen_.end(); ++it)
        if (auto* t = std::get_if<T>(&*it); t && pred(*t)) {
          T out = std::move(*t);
          seen_.erase(it);
          return out;
        }
      lk.lock();
      if (!cv_.wait_until(lk, deadline, [&] { return wakes_ != seen; })) return std::nullopt;
    }
  }

  // Drops what an earlier worker announced (before starting a new one).
  void forget() { seen_.clear(); }

  template <class T>
  std::optional<T> wait_for(Backend& backend, std::chrono::seconds limit = 20s) {
    return wait_for<T>(backend, [](const T&) { return true; }, limit);
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::uint64_t wakes_ = 0;
  std::vector<BackendEvent> seen_;
};

class OfflineKiosk : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(make_offline_kiosk(dir.path(), clock)); }

  std::unique_ptr<Backend> start_backend() {
    auto b = std::make_unique<Backend>(offline_config(dir.path()), clock, events.wake());
    b->start();
    return b;
  }

  std::optional<Receipt> submit(Backend& backend) {
    const auto request = backend.submit(birth_registration());
    auto ready = events.wait_for<ReceiptReady>(backend, [&](const ReceiptReady& r) { return r.request == request; });
    if (!ready) return std::nullopt;
    return ready->receipt;
  }

  std::optional<LookupResult> lookup(Backend& backend, std::string code, std::string secret) {
    const auto request = backend.lookup(std::move(code), std::move(secret));
    return events.wait_for<LookupResult>(backend, [&](const LookupResult& r) { return r.request == request; });
  }

  test::TempDir dir;
  ManualClock clock{kNow};
  Events events;
};

std::string other_secret(const std::string& secret) { return secret == "K7QM" ? "K7QN" : "K7QM"; }

}  // namespace

TEST_F(OfflineKiosk, ReadsItsHubAndNumberFromKioskToml) {
  const BackendConfig c = offline_config(dir.path());
  ASSERT_TRUE(c.hub);
  EXPECT_EQ(c.hub->base_url, "https://127.0.0.1:1");
  EXPECT_EQ(c.hub->ca_file, dir.path() / "ca.pem");
  EXPECT_EQ(c.kiosk_id, "KIOSK-03");
  EXPECT_EQ(c.kiosk_number, 3);
}

TEST_F(OfflineKiosk, PublishesTheCatalogFromItsReplica) {
  const auto expected = demo_catalog();
  auto backend = start_backend();
  auto loaded = events.wait_for<CatalogLoaded>(*backend);
  ASSERT_TRUE(loaded) << "no catalog within the deadline";
  ASSERT_TRUE(loaded->catalog);
  const CatalogSnapshot& snap = *loaded->catalog;
  EXPECT_EQ(snap.catalog.services.size(), expected.services.size());
  EXPECT_EQ(snap.catalog.agencies.size(), expected.agencies.size());
  ASSERT_NE(snap.service(std::string(kKhaiSinh)), nullptr);
  EXPECT_EQ(snap.service(std::string(kKhaiSinh))->name, "Đăng ký khai sinh");
  ASSERT_NE(snap.agency(std::string(kAgency)), nullptr);
  EXPECT_FALSE(snap.groups.empty()) << "the catalog screen lists services by field";

  // Searching works offline, diacritics or not.
  const auto hits = snap.index.search("khai sinh");
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(snap.catalog.services[hits[0].service].code, kKhaiSinh);

  EXPECT_EQ(backend->catalog(), loaded->catalog) << "the published value is the one announced";
}

TEST_F(OfflineKiosk, ShowsItIsOfflineAndWhy) {
  auto backend = start_backend();
  auto status = events.wait_for<SyncStatusChanged>(
      *backend, [](const SyncStatusChanged& s) { return !s.status.last_error.empty(); }, 30s);
  ASSERT_TRUE(status) << "the header never learned the hub is unreachable";
  EXPECT_TRUE(status->status.hub_configured);
  EXPECT_FALSE(status->status.online);
  EXPECT_FALSE(status->status.last_success);
}

TEST_F(OfflineKiosk, SubmittingGivesAProvisionalReceiptWithoutWaitingForTheHub) {
  auto backend = start_backend();
  const auto receipt = submit(*backend);
  ASSERT_TRUE(receipt) << "no receipt: the worker is waiting for the network";

  EXPECT_TRUE(receipt->provisional);
  EXPECT_EQ(receipt->code, receipt->provisional_code);
  // AGENCY-YYMMDD-Tkk-NNNN: this kiosk is number 3, first dossier of 30/11/2025.
  EXPECT_TRUE(std::regex_match(receipt->code, std::regex(R"([A-Z0-9.]+-\d{6}-T\d{2}-\d{4})"))) << receipt->code;
  EXPECT_EQ(receipt->code, "H44.27.05-251130-T03-0001");
  auto parsed = domain::parse_dossier_code(receipt->code);
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->provisional());
  EXPECT_EQ(parsed->kiosk, 3);

  EXPECT_TRUE(domain::normalize_lookup_secret(receipt->secret)) << receipt->secret;
  EXPECT_EQ(receipt->service_code, kKhaiSinh);
  EXPECT_EQ(receipt->service_name, "Đăng ký khai sinh");
  EXPECT_EQ(receipt->agency_id, kAgency);
  EXPECT_EQ(receipt->applicant_masked, "Nguyễn V** A*");  // the full name is never shown on screen
  EXPECT_EQ(receipt->documents, (std::vector<std::string>{"Tờ khai đăng ký khai sinh", "Giấy chứng sinh"}));
  EXPECT_EQ(receipt->received_at, kNow);

  // The header counts it as waiting to be sent.
  auto depth = events.wait_for<SyncStatusChanged>(
      *backend, [](const SyncStatusChanged& s) { return s.status.outbox_depth == 1; });
  ASSERT_TRUE(depth);
  EXPECT_FALSE(depth->status.online);

  // The next citizen gets the next number.
  const auto second = submit(*backend);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->code, "H44.27.05-251130-T03-0002");
  EXPECT_NE(second->secret.size(), 0u);
}

TEST_F(OfflineKiosk, ACatalogOlderThanTheConfiguredDaysIsFlaggedForTheBanner) {
  // The replica was last brought up to date 6 days ago; kiosk.toml's
  // catalog_stale_days is 7 (the default).
  {
    auto store = client::KioskStore::open(dir.path(), clock);
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->set_meta("catalog_synced_at", format_utc(kNow - std::chrono::hours(24 * 6))));
  }
  auto backend = start_backend();
  auto first = events.wait_for<SyncStatusChanged>(*backend, [](const SyncStatusChanged& s) { return s.status.hub_configured; });
  ASSERT_TRUE(first);
  EXPECT_FALSE(first->status.catalog_stale);
  ASSERT_TRUE(first->status.catalog_synced_at);
  EXPECT_EQ(*first->status.catalog_synced_at, kNow - std::chrono::hours(24 * 6));

  // Two days later, still offline: the status the header shows turns stale
  // with the next refresh (here a citizen's submission).
  clock.advance(std::chrono::hours(48));
  ASSERT_TRUE(submit(*backend));
  auto stale = events.wait_for<SyncStatusChanged>(*backend, [](const SyncStatusChanged& s) { return s.status.catalog_stale; });
  ASSERT_TRUE(stale) << "the catalog was not flagged stale after 8 days";
  EXPECT_EQ(*stale->status.catalog_synced_at, kNow - std::chrono::hours(24 * 6));
  backend->stop();

  // A kiosk whose replica never recorded a sync is stale from the start.
  {
    auto store = client::KioskStore::open(dir.path(), clock);
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->set_meta("catalog_synced_at", ""));
  }
  auto fresh = start_backend();
  auto never = events.wait_for<SyncStatusChanged>(
      *fresh, [](const SyncStatusChanged& s) { return s.status.hub_configured && !s.status.catalog_synced_at; });
  ASSERT_TRUE(never);
  EXPECT_TRUE(never->status.catalog_stale);
  EXPECT_FALSE(never->status.catalog_synced_at);
}

TEST_F(OfflineKiosk, FindsItsOwnQueuedDossierByCodeAndSecret) {
  auto backend = start_backend();
  const auto receipt = submit(*backend);
  ASSERT_TRUE(receipt);

  auto found = lookup(*backend, receipt->code, receipt->secret);
  ASSERT_TRUE(found) << "no answer within the deadline";
  EXPECT_FALSE(found->failure) << found->detail;
  EXPECT_EQ(found->source, LookupSource::outbox);
  EXPECT_EQ(found->view.code, receipt->code);
  EXPECT_EQ(found->view.service_code, kKhaiSinh);
  EXPECT_EQ(found->view.service_name, "Đăng ký khai sinh");
  EXPECT_EQ(found->view.applicant, "Nguyễn V** A*");
  EXPECT_EQ(found->view.agency_id, kAgency);
  ASSERT_TRUE(found->local_state);
  EXPECT_EQ(*found->local_state, client::OutboxState::queued);
  EXPECT_TRUE(found->as_of);

  // As citizens type it: lower case, spaces.
  std::string typed_code = receipt->code;
  for (auto& c : typed_code) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string typed_secret = receipt->secret;
  for (auto& c : typed_secret) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto typed = lookup(*backend, " " + typed_code + " ", typed_secret.substr(0, 2) + " " + typed_secret.substr(2));
  ASSERT_TRUE(typed);
  EXPECT_FALSE(typed->failure) << typed->detail;
  EXPECT_EQ(typed->view.code, receipt->code);
}

TEST_F(OfflineKiosk, AWrongSecretFindsNothing) {
  auto backend = start_backend();
  const auto receipt = submit(*backend);
  ASSERT_TRUE(receipt);

  auto wrong = lookup(*backend, receipt->code, other_secret(receipt->secret));
  ASSERT_TRUE(wrong);
  ASSERT_TRUE(wrong->failure) << "a wrong secret revealed " << wrong->view.code;
  // Offline the kiosk cannot tell "no such dossier" from "ask again later".
  EXPECT_EQ(*wrong->failure, LookupFailure::unavailable);
  EXPECT_TRUE(wrong->view.code.empty());
  EXPECT_TRUE(wrong->view.applicant.empty());

  auto malformed = lookup(*backend, "không phải mã", receipt->secret);
  ASSERT_TRUE(malformed);
  ASSERT_TRUE(malformed->failure);
  EXPECT_EQ(*malformed->failure, LookupFailure::invalid_input);

  auto bad_secret = lookup(*backend, receipt->code, "0O1I");  // letters that are never in a secret
  ASSERT_TRUE(bad_secret);
  ASSERT_TRUE(bad_secret->failure);
  EXPECT_EQ(*bad_secret->failure, LookupFailure::invalid_input);
}

TEST_F(OfflineKiosk, QueuedDossiersSurviveARestart) {
  std::optional<Receipt> receipt;
  {
    auto backend = start_backend();
    receipt = submit(*backend);
    ASSERT_TRUE(receipt);
    backend->stop();
  }
  events.forget();
  auto backend = start_backend();
  auto depth = events.wait_for<SyncStatusChanged>(
      *backend, [](const SyncStatusChanged& s) { return s.status.outbox_depth == 1; });
  ASSERT_TRUE(depth) << "the queued dossier was lost";
  auto found = lookup(*backend, receipt->code, receipt->secret);
  ASSERT_TRUE(found);
  EXPECT_FALSE(found->failure) << found->detail;
  EXPECT_EQ(found->view.code, receipt->code);

  // Numbering continues after the restart: no two receipts share a code.
  const auto next = submit(*backend);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->code, "H44.27.05-251130-T03-0002");
}
