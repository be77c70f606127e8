// A bad link between the kiosk and the hub: connections cut at every stage of a
// pass (create, upload, seal, the answers — including the lost acknowledgement),
// latency and a thin pipe, a link that goes dark, a link that refuses, and
// captive portals. Whatever the link does, no dossier is lost or duplicated,
// no page arrives damaged, and nothing but the hub itself counts as delivery.

#include <httplib.h>

#include <iomanip>
#include <thread>

#include "fault/fault_fixture.hpp"

using namespace motcua;
using namespace motcua::fault;

namespace {

class Link : public FaultFixture {
 protected:
  // Byte counts of one complete pass delivering one dossier of this shape, on a
  // fresh connection: the map the cut positions are chosen on. Measured, not
  // assumed, so the sweep follows the protocol wherever it goes (tus, sealed
  // submissions) without knowing it.
  std::pair<std::uint64_t, std::uint64_t> calibrate(int pages, std::size_t page_bytes,
                                                    const client::SyncConfig& config) {
    enqueue(pages, page_bytes);
    proxy.reset_counters();
    auto r = pass(config);
    EXPECT_TRUE(r) << r.error().describe();
    EXPECT_EQ(depth(), 0);
    return {proxy.bytes(Direction::upstream), proxy.bytes(Direction::downstream)};
  }
};

}  // namespace

TEST_F(Link, CutsAtEveryStageOfAPassNeverLoseOrDuplicateADossier) {
  ASSERT_TRUE(pass()) << "warm-up: catalog and code leases";
  constexpr int kPages = 2;
  constexpr std::size_t kPageBytes = 96 * 1024;
  const auto [up, down] = calibrate(kPages, kPageBytes, sync_config());
  std::cout << "[fault] one pass moves " << up << " B up, " << down << " B down" << std::endl;

  struct Step {
    Direction d;
    double at;  // fraction of the direction's bytes in a whole pass
  };
  const std::vector<Step> steps = {
      // Handshake, catalog request, create, first page, second page, seal.
      {Direction::upstream, 0.002},   {Direction::upstream, 0.008},  {Direction::upstream, 0.012},
      {Direction::upstream, 0.016},   {Direction::upstream, 0.02},   {Direction::upstream, 0.06},
      {Direction::upstream, 0.15},    {Direction::upstream, 0.3},    {Direction::upstream, 0.5},
      {Direction::upstream, 0.7},     {Direction::upstream, 0.9},    {Direction::upstream, 0.97},
      {Direction::upstream, 0.995},   {Direction::upstream, 0.998},  {Direction::upstream, 0.9995},
      // Handshake, catalog answer, create answer, upload answers, seal answer.
      {Direction::downstream, 0.05},  {Direction::downstream, 0.3},  {Direction::downstream, 0.6},
      {Direction::downstream, 0.85},  {Direction::downstream, 0.95}, {Direction::downstream, 0.98},
      {Direction::downstream, 0.995}, {Direction::downstream, 0.999},
  };
  std::size_t fired_cuts = 0;
  for (const auto& s : steps) {
    const auto e = enqueue(kPages, kPageBytes);
    const std::uint64_t total = s.d == Direction::upstream ? up : down;
    const auto at = static_cast<std::uint64_t>(static_cast<double>(total) * s.at);
    proxy.arm({FaultKind::cut, s.d, at, FaultScope::once});
    auto cut = pass();
    const bool fired = proxy.faults_fired() > 0;
    proxy.disarm();
    proxy.reset_counters();
    if (fired) ++fired_cuts;
    std::cout << "[fault] cut " << to_string(s.d) << " at byte " << at << " (" << s.at * 100 << " %): "
              << (fired ? "fired" : "not reached") << ", pass "
              << (cut ? "succeeded" : "failed: " + cut.error().describe()) << ", on the hub: "
              << (hub_has(e.receipt_code) ? "yes" : "no") << ", still queued: " << depth() << std::endl;
    // Delivered on the kiosk only if sealed on the hub; a failed pass before the
    // seal keeps the dossier queued. (A pass may also fail after the seal, in
    // the steps that follow it: then the dossier may already be delivered.)
    if (depth() == 0) {
      EXPECT_TRUE(hub_has(e.receipt_code)) << "the kiosk dropped a dossier the hub does not have";
    }
    if (!cut && !hub_has(e.receipt_code)) {
      EXPECT_EQ(depth(), 1) << "a failed pass keeps the dossier";
    }

    auto retry = pass();
    ASSERT_TRUE(retry) << retry.error().describe();
    ASSERT_EQ(depth(), 0);
  }
  // A pass may survive a cut (the uploader resumes on a new connection); what
  // matters is that the cuts landed inside the passes, where they were aimed.
  EXPECT_GE(fired_cuts + 2, steps.size()) << "the cuts missed the traffic they were aimed at";
  expect_exactly_once();
}

TEST_F(Link, ALostSealAcknowledgementDoesNotDuplicateTheDossier) {
  // The hub sealed the dossier but its answer died on the way: the kiosk must
  // retry and the hub must answer with the same dossier, not a second one.
  ASSERT_TRUE(pass());
  const auto [up, down] = calibrate(1, 32 * 1024, sync_config());
  (void)up;
  bool lost_ack = false;
  // Cut ever earlier from the end of the answers until the cut lands inside
  // the seal's acknowledgement (whatever comes after it in a pass).
  for (const std::uint64_t from_end : std::initializer_list<std::uint64_t>{
           8, 30, 80, 160, 300, 500, 800, 1200, 1600, 2000, 2500, 3000, 3600, 4300, 5000, 6000, 7500, 9000, 11000}) {
    if (from_end >= down) break;
    const auto e = enqueue(1, 32 * 1024);
    proxy.arm({FaultKind::cut, Direction::downstream, down - from_end, FaultScope::once});
    auto r = pass();
    proxy.disarm();
    proxy.reset_counters();
    const bool sealed = hub_has(e.receipt_code);
    const auto queued = depth();
    std::cout << "[fault] cut " << from_end << " B before the end of the answers: pass "
              << (r ? "succeeded" : "failed") << ", sealed on the hub: " << sealed << ", still queued: " << queued
              << std::endl;
    ASSERT_TRUE(pass());
    ASSERT_EQ(depth(), 0);
    if (!r && sealed && queued == 1) {
      lost_ack = true;
      break;
    }
  }
  EXPECT_TRUE(lost_ack) << "no cut position produced a lost acknowledgement of the seal";
  expect_exactly_once();
}

TEST_F(Link, LatencyAndAThinPipeStillDeliverEverything) {
  proxy.set_latency(std::chrono::milliseconds(15));
  proxy.set_bandwidth(768 * 1024);
  for (int i = 0; i < 3; ++i) enqueue(2, 128 * 1024);
  auto r = pass();
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(depth(), 0);
  expect_exactly_once();
}

TEST_F(Link, ABlackHoleMakesTheEngineTimeOutAndRetryUntilTheLinkReturns) {
  // The link goes dark: connections open, nothing ever comes back. Only the
  // kiosk's own timeouts can notice; then it must keep retrying.
  enqueue(2, 64 * 1024);
  proxy.set_mode(LinkMode::black_hole);
  auto config = sync_config();
  config.hub.connect_timeout = std::chrono::milliseconds(800);
  config.hub.request_timeout = std::chrono::milliseconds(3000);
  config.hub.low_speed_time = std::chrono::seconds(2);
  client::SyncEngine engine(config, clock);
  const auto started = std::chrono::steady_clock::now();
  engine.start();
  // A second connection means the first one timed out and the engine retried.
  ASSERT_TRUE(wait_until([&] { return proxy.connections_accepted() >= 3; }, std::chrono::seconds(20)))
      << "the engine never gave up on a black-holed connection";
  std::cout << "[fault] 3 connections into the black hole after "
            << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count()
            << " ms" << std::endl;
  EXPECT_FALSE(engine.state().online);
  EXPECT_EQ(depth(), 1);

  proxy.set_mode(LinkMode::pass);
  engine.wake();  // the network came back
  ASSERT_TRUE(wait_until([&] { return depth() == 0; }, std::chrono::seconds(30)))
      << "not delivered after the link returned: " << engine.state().last_error;
  engine.stop();
  expect_exactly_once();
}

TEST_F(Link, AConnectionThatStallsMidUploadTimesOutAndTheUploadIsRetried) {
  ASSERT_TRUE(pass());
  enqueue(1, 512 * 1024);
  // Freeze the connection half-way through the page: no reset, no FIN, nothing.
  proxy.arm({FaultKind::stall, Direction::upstream, 256 * 1024, FaultScope::once});
  auto config = sync_config();
  config.hub.request_timeout = std::chrono::milliseconds(8000);
  config.hub.low_speed_time = std::chrono::seconds(2);
  const auto started = std::chrono::steady_clock::now();
  auto stalled = pass(config);
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(proxy.faults_fired(), 1u);
  // Either the pass gives up (a single-request upload) or the uploader itself
  // notices, resumes on a new connection and finishes (tus); never a hang.
  std::cout << "[fault] pass with a connection frozen mid-upload: "
            << (stalled ? std::string("succeeded") : stalled.error().describe()) << " after "
            << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms" << std::endl;
  EXPECT_LT(took, std::chrono::seconds(12)) << "the kiosk's timeouts must end a frozen transfer";
  // The link comes back and the dead connection is reset. Until then the
  // hub's request for it may hold the upload (423 to a resume) — on a real link
  // until the hub's read timeout; the kiosk just retries later.
  proxy.drop_connections();
  for (int i = 0; i < 3 && depth() > 0; ++i) (void)pass(config);
  EXPECT_EQ(depth(), 0);
  expect_exactly_once();
}

TEST_F(Link, ARefusingLinkKeepsTheDossierQueued) {
  enqueue(1, 16 * 1024);
  proxy.set_mode(LinkMode::refuse);
  auto r = pass();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::network) << r.error().describe();
  EXPECT_EQ(depth(), 1);
  proxy.set_mode(LinkMode::pass);
  ASSERT_TRUE(pass());
  expect_exactly_once();
}

TEST_F(Link, ACaptivePortalAnsweringPlainHttpIsNeverASuccess) {
  enqueue(2, 32 * 1024);
  proxy.set_mode(LinkMode::captive_portal);
  client::SyncEngine engine(sync_config(), clock);
  for (int i = 0; i < 3; ++i) {
    auto r = engine.run_once();
    ASSERT_FALSE(r) << "an HTML login page was taken for the hub";
    EXPECT_TRUE(r.error().code == Errc::network || r.error().code == Errc::protocol) << r.error().describe();
    EXPECT_FALSE(engine.state().online);
  }
  EXPECT_GE(proxy.connections_accepted(), 3u);
  EXPECT_EQ(depth(), 1);
  EXPECT_FALSE(hub_has(receipts.back().receipt_code));

  proxy.set_mode(LinkMode::pass);
  ASSERT_TRUE(engine.run_once());
  expect_exactly_once();
}

TEST_F(Link, ATlsCaptivePortalWithAPlausibleBodyIsNeverASuccess) {
  // The worst portal: valid TLS (here: the hub's own certificate, as a
  // TLS-inspecting office firewall with a trusted CA would have), status 200 to
  // every method, and a body that parses as a successful create and seal.
  // Only the missing protocol header gives it away.
  const auto e = enqueue(2, 32 * 1024);
  const std::string fake_ack =
      R"({"dossier":{"client_id":")" + e.client_id +
      R"(","code":"H44.27.05-261130-0001","provisional_code":null,"status":"submitted",)"
      R"("received_at":"2026-11-30T04:43:25.002Z","sealed_at":"2026-11-30T04:43:25.002Z","missing_documents":[]}})";
  for (const std::string& body : {std::string("<html><body>Đăng nhập Wi-Fi</body></html>"), fake_ack}) {
    const bool html = body.front() == '<';
    httplib::SSLServer portal((hub.hub_dir() / "server.pem").c_str(), (hub.hub_dir() / "server-key.pem").c_str());
    auto answer = [&](const httplib::Request&, httplib::Response& res) {
      res.status = 200;
      res.set_content(body, html ? "text/html" : "application/json");
    };
    portal.Get(".*", answer);
    portal.Post(".*", answer);
    portal.Put(".*", answer);
    portal.Patch(".*", answer);
    portal.Delete(".*", answer);
    portal.Options(".*", answer);
    portal.set_keep_alive_max_count(1);
    const int port = portal.bind_to_any_port("127.0.0.1");
    std::thread serving([&] { portal.listen_after_bind(); });
    proxy.set_upstream_port(port);

    client::SyncEngine engine(sync_config(), clock);
    auto r = engine.run_once();
    portal.stop();
    serving.join();
    proxy.set_upstream_port(port_of(hub.url()));
    ASSERT_FALSE(r) << "the portal's 200 was taken for the hub's answer";
    EXPECT_EQ(r.error().code, Errc::protocol) << r.error().describe();
    EXPECT_FALSE(engine.state().online);
    EXPECT_EQ(depth(), 1) << "the outbox keeps the dossier";
    auto found = client::KioskStore::open(kiosk, clock)->find(e.client_id);
    ASSERT_TRUE(found && *found);
    EXPECT_NE((*found)->state, client::OutboxState::delivered);
  }
  EXPECT_FALSE(hub_has(e.receipt_code));
  ASSERT_TRUE(pass());
  expect_exactly_once();
}

TEST_F(Link, ALinkThatDropsEveryConnectionAfterAFewBytesStillDeliversEverything) {
  // A link that never carries more than 40 KiB per connection. A page larger
  // than that arrives because uploads resume (tus) in chunks that shrink until
  // they fit — and it is never sealed with a page missing meanwhile.
  ASSERT_TRUE(pass());
  enqueue(1, 120 * 1024);
  proxy.arm({FaultKind::cut, Direction::upstream, 40 * 1024, FaultScope::each_connection});
  client::SyncEngine engine(sync_config(), clock);
  bool delivered = false;
  int passes = 0;
  for (; passes < 8 && !delivered; ++passes) {
    (void)engine.run_once();
    delivered = depth() == 0;
  }
  std::cout << "[fault] over a 40 KiB-per-connection link: " << (delivered ? "delivered" : "still queued")
            << " after " << passes << " passes" << std::endl;
  EXPECT_TRUE(delivered) << "uploads stuck forever on a link that drops connections";
  proxy.disarm();
  ASSERT_TRUE(engine.run_once());
  expect_exactly_once();
}
