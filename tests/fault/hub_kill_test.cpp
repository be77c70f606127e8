// kill -9 of the hub in the middle of uploads, restarted on the same data
// directory: the kiosk's sync thread keeps retrying and every dossier arrives
// exactly once, every page intact, nothing half-written left in the hub's store.

#include <algorithm>
#include <random>

#include "fault/fault_fixture.hpp"

using namespace motcua;
using namespace motcua::fault;

namespace {
class HubKill : public FaultFixture {};
}  // namespace

TEST_F(HubKill, KilledMidUploadAndRestartedEverythingArrivesOnce) {
  const std::uint64_t seed = fault_seed();
  std::cout << "[fault] seed " << seed << " (MOTCUA_FAULT_SEED=" << seed << " repeats the kill points)" << std::endl;
  std::mt19937_64 rng(seed);

  constexpr int kDossiers = 3;
  constexpr int kPages = 2;
  constexpr std::size_t kPageBytes = 1536 * 1024;
  for (int i = 0; i < kDossiers; ++i) enqueue(kPages, kPageBytes);
  const std::uint64_t payload = std::uint64_t{kDossiers} * kPages * kPageBytes;

  // A 4 MB/s link makes "mid-upload" a window of seconds rather than
  // milliseconds, so the kills land where the seed says.
  proxy.set_bandwidth(4 * 1024 * 1024);
  std::vector<std::uint64_t> kill_at;
  std::uniform_real_distribution<double> where(0.05, 0.95);
  for (int i = 0; i < 3; ++i) kill_at.push_back(static_cast<std::uint64_t>(where(rng) * static_cast<double>(payload)));
  std::sort(kill_at.begin(), kill_at.end());

  client::SyncEngine engine(sync_config(), clock);
  engine.start();
  for (const auto at : kill_at) {
    ASSERT_TRUE(proxy.wait_for_bytes(Direction::upstream, at, std::chrono::seconds(60)))
        << "the kiosk stopped sending before byte " << at << ": " << engine.state().last_error;
    hub.kill9();
    const auto sent = proxy.bytes(Direction::upstream);
    std::cout << "[fault] hub killed (SIGKILL) after " << sent << " B upstream of " << payload << " B of pages, "
              << depth() << " dossiers still queued" << std::endl;
    hub.start();  // same data directory, same port
  }
  ASSERT_TRUE(wait_until([&] { return depth() == 0; }, std::chrono::seconds(90)))
      << "not everything delivered after the hub came back: " << engine.state().last_error;
  engine.stop();
  EXPECT_GT(proxy.bytes(Direction::upstream), payload) << "the kills must have cost re-sent bytes";
  std::cout << "[fault] " << proxy.bytes(Direction::upstream) << " B sent upstream for " << payload << " B of pages"
            << std::endl;
  expect_exactly_once();
}

TEST_F(HubKill, KilledRightAfterASealWhoseAnswerIsLostTheKioskStillEndsWithOneCopy) {
  // The hub commits the seal and dies; its answer, still on the (slow) link,
  // dies with the connection. The kiosk never heard "delivered" and must end
  // with exactly one copy on the restarted hub.
  ASSERT_TRUE(pass());
  // The answer spends this long on the link: longer than it takes to see the
  // seal on the hub and drop the connection.
  proxy.set_latency(std::chrono::milliseconds(150));
  int lost = 0, rounds = 0;
  // A round loses the acknowledgement unless the machine is too loaded to see
  // the seal within the link's latency; a few rounds make that certain.
  for (; rounds < 6 && lost < 2; ++rounds) {
    const auto e = enqueue(1, 48 * 1024);
    client::SyncEngine engine(sync_config(), clock);
    engine.start();
    // hub_has asks the hub directly, not through the slow link.
    ASSERT_TRUE(wait_until([&] { return hub_has(e.receipt_code); }, std::chrono::seconds(30)));
    proxy.drop_connections();
    hub.kill9();
    engine.stop();
    if (depth() == 1) ++lost;
    hub.start();
    ASSERT_TRUE(pass());
    ASSERT_EQ(depth(), 0);
  }
  std::cout << "[fault] " << lost << " of " << rounds << " seal acknowledgements lost with the hub" << std::endl;
  EXPECT_GE(lost, 1) << "the test never produced the case it is about";
  expect_exactly_once();
}
