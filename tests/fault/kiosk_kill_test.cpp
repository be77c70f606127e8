// kill -9 of the kiosk at random points of submitting and uploading.
//
// Each iteration starts motcua-kiosk-agent — the kiosk's real outbox and sync
// engine in a process — to submit, to sync, or both at once as the kiosk does,
// and SIGKILLs it after a random delay or when the link has carried a random
// number of bytes. At the end one more agent drains the outbox, and then:
//  - every dossier the citizen got a receipt for (the agent's manifest line is
//    written, fdatasynced, after enqueue returned) is on the hub exactly once,
//    with every page byte-identical to what was scanned;
//  - the hub holds nothing else from this kiosk, except dossiers whose enqueue
//    committed before the kill cut off the manifest line — those are in the
//    kiosk's outbox, so the kiosk accepted them, and they must arrive intact too;
//  - no outbox row points at a missing or damaged file.
//
// MOTCUA_FAULT_ITERATIONS=1000 for the long run; MOTCUA_FAULT_SEED=N repeats a
// schedule (docs/fault-tests.md).

#include <csignal>
#include <map>
#include <random>

#include "fault/fault_fixture.hpp"

using namespace motcua;
using namespace motcua::fault;

namespace {

class KioskKill : public FaultFixture {};

enum class Action { run, submit, sync };

const char* name(Action a) {
  switch (a) {
    case Action::run: return "run";
    case Action::submit: return "submit";
    case Action::sync: return "sync";
  }
  return "?";
}

}  // namespace

TEST_F(KioskKill, KilledAtRandomPointsEveryAcceptedDossierArrivesExactlyOnce) {
  const std::uint64_t seed = fault_seed();
  const int iterations = fault_iterations(50);
  std::cout << "[fault] seed " << seed << ", " << iterations << " iterations (MOTCUA_FAULT_SEED=" << seed
            << " MOTCUA_FAULT_ITERATIONS=" << iterations << " to repeat)" << std::endl;
  std::mt19937_64 rng(seed);
  auto pick = [&](std::uint64_t lo, std::uint64_t hi) { return std::uniform_int_distribution<std::uint64_t>(lo, hi)(rng); };

  const auto manifest = dir / "manifest.jsonl";
  const auto log = dir / "agent.log";
  const auto started = std::chrono::steady_clock::now();
  {
    // Warm-up: the catalog and a block of leased codes, as a kiosk has after its first sync.
    auto args = agent_args(kiosk, proxy.url());
    args.insert(args.end(), {"sync", "--timeout-s", "30"});
    AgentProcess warm(args, log);
    ASSERT_EQ(warm.wait(std::chrono::seconds(40)), 0) << "see " << log;
  }

  int killed = 0, finished = 0;
  std::uint64_t next = 1;
  // How long each action takes when nothing kills it, learned as the test
  // goes (it depends on the machine, the build and the sync's own speed): a
  // kill by time is drawn within that, so that it lands inside the action
  // rather than after it. The draw itself is a fraction, so a seed repeats the
  // same schedule of kills relative to the actions' lengths.
  std::map<Action, double> took_ms{{Action::run, 400}, {Action::submit, 120}, {Action::sync, 400}};
  for (int i = 0; i < iterations; ++i) {
    const auto roll = pick(0, 9);
    const Action action = roll < 6 ? Action::run : roll < 8 ? Action::submit : Action::sync;
    const int count = static_cast<int>(pick(1, 3));
    const int pages = static_cast<int>(pick(1, 3));
    static constexpr int kSizes[] = {8, 48, 160, 400};
    const int page_kb = kSizes[pick(0, 3)];
    const bool by_bytes = action != Action::submit && pick(0, 1) == 1;

    auto args = agent_args(kiosk, proxy.url());
    args.push_back(name(action));
    if (action != Action::sync) {
      args.insert(args.end(), {"--first", std::to_string(next), "--count", std::to_string(count), "--pages",
                               std::to_string(pages), "--page-kb", std::to_string(page_kb), "--manifest",
                               manifest.string()});
      next += static_cast<std::uint64_t>(count);
    }
    // Enough bytes to land anywhere from the TLS handshake to the last seal.
    const std::uint64_t payload = static_cast<std::uint64_t>(count * pages * page_kb) * 1024 + 30000;
    const auto threshold = pick(0, payload);
    const Direction dir_of_kill = pick(0, 3) == 0 ? Direction::downstream : Direction::upstream;
    const auto delay = std::chrono::milliseconds(
        static_cast<std::int64_t>(static_cast<double>(pick(0, 1000)) * took_ms[action] / 1000.0));
    const auto spawned = std::chrono::steady_clock::now();

    std::string how;
    std::optional<int> status;
    {
      AgentProcess agent(args, log);
      if (by_bytes) {
        // The kill happens on the proxy thread, right after the chunk that
        // reaches the threshold: at an exact point of the transfer.
        const auto threshold_here = dir_of_kill == Direction::upstream ? threshold : threshold / 20;
        proxy.on_bytes(dir_of_kill, threshold_here, [&agent] { agent.kill9(); });
        how = "at " + std::to_string(threshold_here) + " B " + to_string(dir_of_kill);
        status = agent.wait(std::chrono::seconds(20));
      } else {
        how = "after " + std::to_string(delay.count()) + " ms";
        status = agent.wait(delay);
      }
      if (!status) {
        agent.kill9();  // still running: the random delay ran out (or the bytes never flowed)
        status = agent.wait(std::chrono::seconds(10));
      }
      proxy.clear_triggers();
      ASSERT_TRUE(status) << "the agent did not die";
    }
    if (*status == 128 + SIGKILL) {
      ++killed;
    } else if (*status == 0) {
      ++finished;
      const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - spawned).count();
      took_ms[action] = (took_ms[action] + ms) / 2;
    } else {
      FAIL() << "iteration " << i << ": agent exited with " << *status << "; its last words:\n" << tail_of(log, 20);
    }
    std::cout << "[fault] #" << i << " " << name(action);
    if (action != Action::sync) std::cout << " " << count << "×" << pages << "×" << page_kb << " KiB";
    std::cout << ", kill " << how << ": " << (*status == 0 ? "finished first" : "killed") << std::endl;
  }

  // The kiosk comes back for good: drain the outbox. (When it does not, the
  // check below says which dossiers are stuck and why; the agent's log has
  // the engine's errors.)
  std::optional<int> drained;
  {
    auto args = agent_args(kiosk, proxy.url());
    args.insert(args.end(), {"sync", "--timeout-s", "60"});
    AgentProcess drain(args, log);
    drained = drain.wait(std::chrono::seconds(90));
  }
  EXPECT_EQ(drained, 0) << "the outbox did not drain; the agent's last words:\n"
                        << tail_of(log, 30) << "the hub's:\n"
                        << tail_of(dir / "hub.log", 30);
  const auto check = check_delivery(hub, kiosk, kKioskId, read_manifest(manifest), true);
  EXPECT_TRUE(check.problems.empty()) << check.summary() << "\nseed " << seed << "; agent log " << log;
  EXPECT_TRUE(hub_blob_problems(hub).empty());
  EXPECT_GT(killed, iterations / 3) << "too few iterations were actually killed to mean anything";
  EXPECT_GT(check.receipts, 0u);
  std::cout << "[fault] " << iterations << " iterations, " << killed << " killed, " << finished << " finished first, "
            << std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started).count()
            << " s; " << check.summary() << std::endl;
}
