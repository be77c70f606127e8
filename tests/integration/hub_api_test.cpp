// The hub's HTTP API against a real motcua-hub process over TLS on loopback.

#include <gtest/gtest.h>

#include <mutex>
#include <set>
#include <thread>

#include "motcua/calendar/holiday_overrides.hpp"
#include "motcua/crypto/envelope.hpp"
#include "motcua/crypto/hash.hpp"
#include "motcua/crypto/random.hpp"
#include "motcua/crypto/x509.hpp"
#include "motcua/util/fs.hpp"
#include "motcua/util/ids.hpp"
#include "support/hub_process.hpp"
#include "support/temp_dir.hpp"

using namespace motcua;

namespace {

class HubApi : public ::testing::Test {
 protected:
  test::TempDir dir;
  test::HubProcess hub{dir.path()};
  std::filesystem::path kiosk = hub.make_kiosk("KIOSK-01");
  SystemClock clock;
  UuidV7Generator ids{clock, [](std::span<std::uint8_t> b) { crypto::random_bytes(b); }};

  // A dossier as a kiosk sends it: the applicant sealed to the hub; the page
  // travels as is ("identity") so tests can compare bytes directly.
  protocol::Submission submission(const std::string& content = "trang 1",
                                  const protocol::Applicant& applicant = {"Nguyễn Văn An", "0912345678"}) {
    protocol::Submission s;
    s.client_id = ids.next().str();
    s.service_code = "1.001193";
    s.submitted_at = format_utc(clock.now());
    s.lookup_secret = "K7QM";
    s.sealed = hub.seal_for_hub(s.client_id, applicant).envelope;
    s.documents.push_back({"d1", "Tờ khai", "image/jpeg", static_cast<std::int64_t>(content.size()),
                           crypto::sha256_hex(content), std::string(protocol::kEncodingIdentity)});
    return s;
  }

  void upload(client::HubClient& c, const protocol::Submission& s, const std::string& content) {
    const auto file = dir / ("doc-" + s.client_id);
    ASSERT_TRUE(fs::write_file_durable(file, content));
    auto r = c.upload_document(s.client_id, "d1", file, s.documents[0].sha256);
    ASSERT_TRUE(r) << r.error().message;
  }
};

}  // namespace

TEST_F(HubApi, HealthAnswersWithTheProtocolHeader) {
  client::HubClient c(hub.admin_endpoint());
  auto r = c.request("GET", "/health");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->has_protocol_header);
  auto j = c.health();
  ASSERT_TRUE(j);
  EXPECT_EQ((*j)["status"], "ok");
  EXPECT_EQ((*j)["api"], 1);
}

TEST_F(HubApi, KioskEndpointsRefuseCallersWithoutAClientCertificate) {
  auto ep = hub.kiosk_endpoint(kiosk);
  ep.client_cert.reset();
  ep.client_key.reset();
  client::HubClient c(ep);
  auto r = c.create_dossier(submission());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::unauthorized);
  auto page = c.catalog_changes(0);
  ASSERT_FALSE(page);
  EXPECT_EQ(page.error().code, Errc::unauthorized);
}

TEST_F(HubApi, ACertificateFromAnotherCaFailsTheHandshake) {
  auto ca_key = crypto::generate_ec_key();
  crypto::CertRequest ca_req;
  ca_req.common_name = "rogue CA";
  auto ca = crypto::make_ca(*ca_key, ca_req);
  auto key = crypto::generate_ec_key();
  crypto::CertRequest req;
  req.common_name = "KIOSK-01";  // even claiming a real kiosk's id
  auto cert = crypto::issue_cert(*ca, *ca_key, *key, req);
  ASSERT_TRUE(fs::write_file_durable(dir / "rogue-cert.pem", crypto::to_pem(*cert)));
  ASSERT_TRUE(fs::write_file_durable(dir / "rogue-key.pem", crypto::to_pem(*key)));
  auto ep = hub.kiosk_endpoint(kiosk);
  ep.client_cert = dir / "rogue-cert.pem";
  ep.client_key = dir / "rogue-key.pem";
  client::HubClient c(ep);
  auto r = c.catalog_changes(0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::network) << r.error().message;
}

TEST_F(HubApi, AdminEndpointsRefuseAWrongToken) {
  auto ep = hub.admin_endpoint();
  ep.bearer_token = "0000";
  client::HubClient c(ep);
  auto r = c.admin_list_dossiers();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::unauthorized);
  // A kiosk certificate is not an admin credential either.
  client::HubClient k(hub.kiosk_endpoint(kiosk));
  EXPECT_FALSE(k.admin_list_dossiers());
}

TEST_F(HubApi, CatalogChangesArePagedInOrderWithoutGapsOrRepeats) {
  client::HubClient c(hub.kiosk_endpoint(kiosk));
  std::int64_t after = 0, last = 0;
  std::set<std::string> keys;
  int pages = 0;
  for (;;) {
    auto page = c.catalog_changes(after, 7);
    ASSERT_TRUE(page) << page.error().message;
    ++pages;
    for (const auto& ch : page->changes) {
      EXPECT_GT(ch.seq, last);
      last = ch.seq;
      EXPECT_TRUE(keys.insert(ch.kind + "/" + ch.key).second) << ch.key;
    }
    after = page->next;
    if (!page->more) break;
  }
  EXPECT_GT(pages, 5);
  std::size_t services = 0;
  for (const auto& k : keys) services += k.rfind("service/", 0) == 0 ? 1u : 0u;
  EXPECT_EQ(services, 50u);
  auto empty = c.catalog_changes(after, 7);
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->changes.empty());
  EXPECT_EQ(empty->next, after);
}

TEST_F(HubApi, CreateIsIdempotentOnTheClientId) {
  client::HubClient c(hub.kiosk_endpoint(kiosk));
  const auto s = submission();
  auto first = c.request("POST", "/dossiers", protocol::to_json(s).dump());
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->status, 201);
  auto again = c.request("POST", "/dossiers", protocol::to_json(s).dump());
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
  EXPECT_EQ(protocol::dossier_ack_from_json(Json::parse(first->body))->code,
            protocol::dossier_ack_from_json(Json::parse(again->body))->code);

  auto changed = s;
  changed.sealed = hub.seal_for_hub(s.client_id, {"Trần Thị Bình", "0912345678"}).envelope;
  auto conflict = c.create_dossier(changed);
  ASSERT_FALSE(conflict);
  EXPECT_EQ(conflict.error().code, Errc::conflict);
  EXPECT_NE(conflict.error().message.find(s.client_id), std::string::npos);
}

TEST_F(HubApi, SealSucceedsOnlyWhenEveryDocumentArrivedIntact) {
  client::HubClient c(hub.kiosk_endpoint(kiosk));
  const std::string content = "nội dung trang quét";
  const auto s = submission(content);
  auto ack = c.create_dossier(s);
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->status, "receiving");
  EXPECT_EQ(ack->missing_documents, std::vector<std::string>{"d1"});

  auto early = c.seal_dossier(s.client_id);
  ASSERT_FALSE(early);
  EXPECT_EQ(early.error().code, Errc::conflict);
  EXPECT_NE(early.error().message.find("d1"), std::string::npos);

  // Corrupted content with the declared digest is refused and not stored.
  const auto bad = dir / "bad";
  ASSERT_TRUE(fs::write_file_durable(bad, std::string(content.size(), 'x')));
  auto r = c.upload_document(s.client_id, "d1", bad, s.documents[0].sha256);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::invalid_argument);
  EXPECT_FALSE(c.seal_dossier(s.client_id));

  upload(c, s, content);
  upload(c, s, content);  // a repeat is harmless
  auto sealed = c.seal_dossier(s.client_id);
  ASSERT_TRUE(sealed) << sealed.error().message;
  EXPECT_EQ(sealed->status, "submitted");
  EXPECT_TRUE(sealed->missing_documents.empty());
  EXPECT_TRUE(c.seal_dossier(s.client_id));  // idempotent

  // The stored blob is the exact content.
  const auto blob = hub.hub_dir() / "blobs" / s.documents[0].sha256.substr(0, 2) / s.documents[0].sha256;
  EXPECT_EQ(*fs::read_file(blob), content);
}

TEST_F(HubApi, StatusLookupNeedsTheSecretAndAcceptsTheProvisionalCode) {
  client::HubClient c(hub.kiosk_endpoint(kiosk));
  auto s = submission();
  s.provisional_code = "H44.27.05-261130-T01-0001";
  auto ack = c.create_dossier(s);
  ASSERT_TRUE(ack) << ack.error().message;
  upload(c, s, "trang 1");
  ASSERT_TRUE(c.seal_dossier(s.client_id));

  client::HubClient anyone([&] {
    auto ep = hub.admin_endpoint();
    ep.bearer_token.reset();
    return ep;
  }());
  auto v = anyone.status(ack->code, "k7qm");
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->status, "submitted");
  EXPECT_EQ(v->status_label, "Mới đăng ký");
  EXPECT_EQ(v->applicant, "Nguyễn V** A*");
  EXPECT_EQ(v->service_name, "Đăng ký khai sinh");
  ASSERT_FALSE(v->events.empty());
  EXPECT_EQ(v->events.back().action, "submit");

  auto by_provisional = anyone.status("H44.27.05-261130-T01-0001", "K7QM");
  ASSERT_TRUE(by_provisional);
  EXPECT_EQ(by_provisional->code, ack->code);

  auto wrong = anyone.status(ack->code, "AAAA");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, Errc::not_found);
  auto unknown = anyone.status("H44.27.05-261130-9999", "K7QM");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().message, wrong.error().message) << "the two must be indistinguishable";
}

TEST_F(HubApi, GuessingALookupSecretIsStoppedAfterAFewTries) {
  client::HubClient c(hub.kiosk_endpoint(kiosk));
  auto s = submission();
  auto ack = c.create_dossier(s);
  ASSERT_TRUE(ack);
  upload(c, s, "trang 1");
  ASSERT_TRUE(c.seal_dossier(s.client_id));
  for (const char* guess : {"AAAA", "BBBB", "CCCC", "DDDD", "EEEE"}) {
    auto r = c.status(ack->code, guess);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::not_found);
  }
  // Now even the right secret is refused for a while, with a clear message.
  auto blocked = c.status(ack->code, "K7QM");
  ASSERT_FALSE(blocked);
  EXPECT_EQ(blocked.error().code, Errc::rate_limited);
  EXPECT_NE(blocked.error().message.find("try again"), std::string::npos);
}

TEST_F(HubApi, MalformedRequestsGetClearErrors) {
  client::HubClient c(hub.kiosk_endpoint(kiosk));
  auto r = c.request("POST", "/dossiers", std::string("{not json"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::invalid_argument);
  EXPECT_NE(r.error().message.find("malformed JSON"), std::string::npos) << r.error().message;

  auto s = submission();
  s.service_code = "9.999999";
  auto unknown = c.create_dossier(s);
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("unknown service"), std::string::npos);

  auto missing = c.request("POST", "/dossiers", std::string(R"({"client_id": 5})"));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Errc::invalid_argument);

  auto nothing = c.request("GET", "/no/such/thing");
  ASSERT_FALSE(nothing);
  EXPECT_EQ(nothing.error().code, Errc::not_found);
}

TEST_F(HubApi, ConcurrentCreatesGetUniqueSequentialCodes) {
  constexpr int kThreads = 4, kEach = 10;
  std::vector<std::vector<std::string>> codes(kThreads);
  std::vector<std::thread> threads;
  std::mutex m;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      client::HubClient c(hub.kiosk_endpoint(kiosk));
      UuidV7Generator gen(clock, [](std::span<std::uint8_t> b) { crypto::random_bytes(b); });
      for (int i = 0; i < kEach; ++i) {
        protocol::Submission s;
        {
          std::lock_guard lock(m);  // the fixture's helpers are not thread-safe
          s = submission();
        }
        s.client_id = gen.next().str();
        s.sealed = hub.seal_for_hub(s.client_id, {"Nguyễn Văn An", "0912345678"}).envelope;
        auto ack = c.create_dossier(s);
        if (ack) codes[static_cast<std::size_t>(t)].push_back(ack->code);
      }
    });
  for (auto& t : threads) t.join();
  std::set<int> sequences;
  for (const auto& list : codes)
    for (const auto& code : list) sequences.insert(std::stoi(code.substr(code.rfind('-') + 1)));
  ASSERT_EQ(sequences.size(), static_cast<std::size_t>(kThreads * kEach));
  EXPECT_EQ(*sequences.begin(), 1);
  EXPECT_EQ(*sequences.rbegin(), kThreads * kEach);
}

namespace {
// Creates, uploads and seals one dossier; returns its official code.
std::string submit_one(client::HubClient& c, const protocol::Submission& s, const std::filesystem::path& file) {
  auto ack = c.create_dossier(s);
  EXPECT_TRUE(ack) << ack.error().message;
  EXPECT_TRUE(c.upload_document(s.client_id, "d1", file, s.documents[0].sha256));
  EXPECT_TRUE(c.seal_dossier(s.client_id));
  return ack ? ack->code : std::string();
}

protocol::ActionRequest act(std::string action, std::string role = "official", std::optional<std::string> note = {}) {
  protocol::ActionRequest a;
  a.action = std::move(action);
  a.actor_role = std::move(role);
  a.note = std::move(note);
  return a;
}
}  // namespace

TEST_F(HubApi, AcceptingFixesTheAppointmentAndTheStatusShowsIt) {
  client::HubClient kiosk_client(hub.kiosk_endpoint(kiosk));
  const auto s = submission("trang 1");
  ASSERT_TRUE(fs::write_file_durable(dir / "p1", std::string("trang 1")));
  const std::string code = submit_one(kiosk_client, s, dir / "p1");
  client::HubClient admin(hub.admin_endpoint());
  auto accepted = admin.admin_act(code, act("accept", "staff"));
  ASSERT_TRUE(accepted) << accepted.error().message;
  ASSERT_TRUE(accepted->summary.due_at);
  EXPECT_NE(accepted->summary.timeliness, "not_applicable");
  // Birth registration is a same-day procedure: due at 17:00 Vietnam time of a working day.
  TimePoint due;
  ASSERT_TRUE(parse_rfc3339(*accepted->summary.due_at, due));
  const auto v = to_vietnam(due);
  EXPECT_EQ(v.hour, 17);
  EXPECT_EQ(v.minute, 0);
  const auto& accept_event = accepted->events.back();
  EXPECT_EQ(accept_event.action, "accept");
  EXPECT_EQ(accept_event.actor_role, "staff");
  EXPECT_EQ(accept_event.label, "Tiếp nhận hồ sơ");
  EXPECT_EQ(accept_event.appointment, accepted->summary.due_at);

  auto status = kiosk_client.status(code, "K7QM");
  ASSERT_TRUE(status);
  EXPECT_EQ(status->due_at, accepted->summary.due_at);
  EXPECT_FALSE(status->timeliness_label.empty());
}

TEST_F(HubApi, IllegalTransitionsAreRefusedWithTheReason) {
  client::HubClient kiosk_client(hub.kiosk_endpoint(kiosk));
  const auto s = submission("trang 1");
  ASSERT_TRUE(fs::write_file_durable(dir / "p1", std::string("trang 1")));
  const std::string code = submit_one(kiosk_client, s, dir / "p1");
  client::HubClient admin(hub.admin_endpoint());

  auto finish = admin.admin_act(code, act("finish"));
  ASSERT_FALSE(finish);
  EXPECT_EQ(finish.error().code, Errc::conflict);
  EXPECT_NE(finish.error().message.find("status 1 (submitted)"), std::string::npos) << finish.error().message;

  auto reject = admin.admin_act(code, act("reject", "staff"));
  ASSERT_FALSE(reject);
  EXPECT_EQ(reject.error().code, Errc::invalid_argument);

  auto by_citizen = admin.admin_act(code, act("accept", "citizen"));
  ASSERT_FALSE(by_citizen);
  EXPECT_EQ(by_citizen.error().code, Errc::forbidden);

  ASSERT_TRUE(admin.admin_act(code, act("accept", "staff")));
  ASSERT_TRUE(admin.admin_act(code, act("request-supplement", "official", std::string("Thiếu giấy chứng sinh"))));
  ASSERT_TRUE(admin.admin_act(code, act("receive-supplement", "staff")));
  auto twice = admin.admin_act(code, act("request-supplement", "official", std::string("Lại thiếu")));
  ASSERT_FALSE(twice);
  EXPECT_NE(twice.error().message.find("only once"), std::string::npos);

  auto extend = act("extend", "official", std::string("Xin lỗi ông/bà vì chậm trễ"));
  extend.appointment = format_utc(clock.now() + std::chrono::hours(24 * 10));
  auto extended = admin.admin_act(code, extend);
  ASSERT_TRUE(extended) << extended.error().message;
  EXPECT_EQ(extended->summary.due_at, extend.appointment);
  EXPECT_FALSE(admin.admin_act(code, extend)) << "an apology with a new appointment only once";

  ASSERT_TRUE(admin.admin_act(code, act("withdraw", "citizen")));
  auto after = admin.admin_act(code, act("process"));
  ASSERT_FALSE(after);
  EXPECT_NE(after.error().message.find("withdrawn"), std::string::npos);
}

TEST_F(HubApi, PaymentAndDeliveryMustBeWhatTheServiceLevelOffers) {
  client::HubClient c(hub.kiosk_endpoint(kiosk));
  auto s = submission();  // 1.001193, level 4 in the demo catalog
  s.payment_method = "at_desk";
  auto refused = c.create_dossier(s);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::invalid_argument);
  EXPECT_NE(refused.error().message.find("at_desk"), std::string::npos) << refused.error().message;
  s.payment_method = "bank_transfer";
  s.result_delivery = "online";
  auto ok = c.create_dossier(s);
  ASSERT_TRUE(ok) << ok.error().message;
  client::HubClient admin(hub.admin_endpoint());
  auto d = admin.admin_show_dossier(ok->code);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->payment_method, "bank_transfer");
  EXPECT_EQ(d->result_delivery, "online");
}

TEST_F(HubApi, HolidayAnnouncementsTravelWithTheCatalog) {
  client::HubClient c(hub.kiosk_endpoint(kiosk));
  std::int64_t after = 0;
  bool found = false;
  for (;;) {
    auto page = c.catalog_changes(after, 100);
    ASSERT_TRUE(page);
    for (const auto& ch : page->changes)
      if (ch.kind == "calendar") {
        found = true;
        EXPECT_EQ(ch.key, "overrides");
        auto o = calendar::overrides_from_json(ch.body);
        ASSERT_TRUE(o) << o.error().message;
        EXPECT_NE(o->find(2026), nullptr);
      }
    after = page->next;
    if (!page->more) break;
  }
  EXPECT_TRUE(found);
}

TEST_F(HubApi, SealedDossiersAreOpenedOnlyByTheHub) {
  client::HubClient c(hub.kiosk_endpoint(kiosk));
  // A kiosk seals the applicant and encrypts the page with the dossier's data key.
  auto s = submission();
  const auto sealed = hub.seal_for_hub(s.client_id, {"Lò Văn Páo", "0203 555 666"});
  s.sealed = sealed.envelope;
  const std::string page = "Giấy chứng sinh số 123 — bé Lò Thị Mai";
  const auto encrypted = crypto::encrypt_chunked(
      sealed.key, std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(page.data()), page.size()), 16);
  s.documents[0] = {"d1", "Giấy chứng sinh", "image/jpeg", static_cast<std::int64_t>(encrypted.size()),
                    crypto::hex(crypto::sha256(std::span<const std::uint8_t>(encrypted))),
                    std::string(protocol::kEncodingSealed)};
  auto ack = c.create_dossier(s);
  ASSERT_TRUE(ack) << ack.error().message;
  ASSERT_TRUE(fs::write_file_durable(dir / "sealed-page", std::span<const std::uint8_t>(encrypted)));
  auto up = c.upload_document(s.client_id, "d1", dir / "sealed-page", s.documents[0].sha256);
  ASSERT_TRUE(up) << up.error().message;
  ASSERT_TRUE(c.seal_dossier(s.client_id));

  client::HubClient admin(hub.admin_endpoint());
  auto d = admin.admin_show_dossier(ack->code);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->applicant.name, "Lò Văn Páo") << "officials read what the citizen typed";
  EXPECT_EQ(d->applicant.phone, "0203555666");
  // The hub stores the opened page, named by the digest of its content.
  const std::string content_sha = crypto::sha256_hex(page);
  EXPECT_EQ(d->documents[0].sha256, content_sha);
  EXPECT_EQ(*fs::read_file(hub.hub_dir() / "blobs" / content_sha.substr(0, 2) / content_sha), page);

  // A page sealed with another key is refused, and nothing is marked received.
  auto s2 = submission();
  const auto other = hub.seal_for_hub(s2.client_id, {"Lò Văn Páo", "0203555666"});
  s2.sealed = other.envelope;
  const auto wrong = crypto::encrypt_chunked(crypto::new_data_key(),
                                             std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(page.data()), page.size()));
  s2.documents[0] = {"d1", "Giấy chứng sinh", "image/jpeg", static_cast<std::int64_t>(wrong.size()),
                     crypto::hex(crypto::sha256(std::span<const std::uint8_t>(wrong))), std::string(protocol::kEncodingSealed)};
  ASSERT_TRUE(c.create_dossier(s2));
  ASSERT_TRUE(fs::write_file_durable(dir / "wrong-page", std::span<const std::uint8_t>(wrong)));
  auto refused = c.upload_document(s2.client_id, "d1", dir / "wrong-page", s2.documents[0].sha256);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::invalid_argument) << refused.error().message;
  EXPECT_FALSE(c.seal_dossier(s2.client_id));

  // An applicant sealed for another hub cannot be opened here.
  auto s3 = submission();
  auto foreign_key = crypto::generate_rsa_key(2048);
  s3.sealed = protocol::seal_applicant(*foreign_key, s3.client_id, {"Lò Văn Páo", "0203555666"})->envelope;
  auto foreign = c.create_dossier(s3);
  ASSERT_FALSE(foreign);
  EXPECT_EQ(foreign.error().code, Errc::invalid_argument);
}
