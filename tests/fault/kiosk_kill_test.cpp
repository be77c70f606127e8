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
//
// A second test kills the kiosk in the middle of a document of several upload
// chunks, and checks that the restarted kiosk resumes the same tus upload.

#include <algorithm>
#include <csignal>
#include <cstring>
#include <fstream>
#include <map>
#include <random>

#include "fault/fault_fixture.hpp"
#include "motcua/crypto/hash.hpp"
#include "motcua/util/fs.hpp"
#include "motcua/util/json.hpp"

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

// An upload as the hub keeps it on disk (docs/uploads.md, "Where the state
// lives"): DATA/uploads/<id>.state holds two 48-byte commit records and, from
// byte 1024, the upload's info. Read without the hub, while it writes: a torn
// record fails its check and the other one counts, as for the hub itself.
struct HubUpload {
  std::string id, dossier, document;
  std::int64_t length = 0;
  std::int64_t offset = 0;  // committed
  bool completed = false;
};

std::uint64_t le64(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(p[i]) << (8 * i);
  return v;
}

std::vector<HubUpload> hub_uploads(const test::HubProcess& hub) {
  std::vector<HubUpload> out;
  std::error_code ec;
  for (const auto& f : std::filesystem::directory_iterator(hub.hub_dir() / "uploads", ec)) {
    if (f.path().extension() != ".state") continue;
    auto text = fs::read_file(f.path());
    if (!text || text->size() <= 1024) continue;  // a creation in progress
    auto info = parse_json(std::string_view(*text).substr(1024));
    if (!info) continue;
    HubUpload u;
    u.id = f.path().stem().string();
    u.dossier = str_or(*info, "dossier");
    u.document = str_or(*info, "document");
    u.length = int_or(*info, "length", 0);
    u.offset = int_or(*info, "offset", 0);
    u.completed = info->value("completed", false);
    std::uint64_t best = 0;
    for (std::size_t at : {std::size_t{0}, std::size_t{512}}) {
      const auto* p = reinterpret_cast<const std::uint8_t*>(text->data()) + at;
      if (std::memcmp(p, "MCTUSST1", 8) != 0) continue;
      const auto check = crypto::sha256(std::span<const std::uint8_t>(p, 40));
      if (std::memcmp(p + 40, check.data(), 8) != 0) continue;  // torn
      if (le64(p + 8) < best) continue;
      best = le64(p + 8);
      u.offset = std::max(u.offset, static_cast<std::int64_t>(le64(p + 16)));
      u.completed = u.completed || le64(p + 32) == 1;
    }
    out.push_back(std::move(u));
  }
  return out;
}

std::size_t count_lines_with(const std::filesystem::path& file, const std::vector<std::string>& parts) {
  std::ifstream in(file);
  std::size_t n = 0;
  for (std::string line; std::getline(in, line);)
    if (std::all_of(parts.begin(), parts.end(), [&](const auto& p) { return line.find(p) != std::string::npos; })) ++n;
  return n;
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

// The kill loop's pages are all smaller than one upload chunk. This one is a
// document of several chunks (48 MiB): the kiosk keeps its tus upload URL in
// the outbox row (SyncEngine: on_created → KioskStore::set_upload_url) so
// that, killed mid-upload, it resumes the same upload where the hub is rather
// than sending the document again from its first byte.
TEST_F(KioskKill, KilledMidWayThroughAMultiChunkUploadResumesTheSameUpload) {
  constexpr int kPageKb = 48 * 1024;
  const auto manifest = dir / "manifest.jsonl";
  const auto log = dir / "agent.log";
  const auto hub_log = dir / "hub.log";
  const auto started = std::chrono::steady_clock::now();
  {
    auto args = agent_args(kiosk, proxy.url());
    args.insert(args.end(), {"submit", "--first", "1", "--count", "1", "--pages", "1", "--page-kb",
                             std::to_string(kPageKb), "--manifest", manifest.string()});
    AgentProcess submit(args, log);
    ASSERT_EQ(submit.wait(std::chrono::seconds(120)), 0) << "see " << log << ":\n" << tail_of(log, 20);
  }
  const auto receipts_given = read_manifest(manifest);
  ASSERT_EQ(receipts_given.size(), 1u);
  const std::string client_id = receipts_given.front().client_id;
  std::string document_id;
  std::int64_t length = 0;
  {
    auto store = client::KioskStore::open(kiosk, clock);
    ASSERT_TRUE(store) << store.error().describe();
    auto e = store->find(client_id);
    ASSERT_TRUE(e && *e);
    ASSERT_EQ((*e)->documents.size(), 1u);
    document_id = (*e)->documents.front().id;
    length = (*e)->documents.front().size;
    ASSERT_FALSE((*e)->documents.front().upload_url);
  }
  ASSERT_GT(length, 4 * client::kUploadChunk) << "the document must take several chunks";

  // 8 MiB/s: a chunk takes about a second and the rest of the document
  // several more, so "chunks on the hub, not all of them" is a window of
  // seconds, not a race.
  proxy.set_bandwidth(8u << 20);
  std::uint64_t sent_before_kill = 0;
  HubUpload at_kill;
  {
    auto args = agent_args(kiosk, proxy.url());
    args.insert(args.end(), {"--log-level", "info", "sync", "--timeout-s", "120"});
    AgentProcess agent(args, log);
    // The hub has committed two chunks (its state file says so; two, so that
    // sending the document again from 0 could not pass for resuming it)...
    std::optional<int> early;
    const bool chunk_committed = wait_until(
        [&] {
          if ((early = agent.wait(std::chrono::milliseconds(0)))) return true;
          const auto ups = hub_uploads(hub);
          return std::any_of(ups.begin(), ups.end(),
                             [&](const HubUpload& u) { return u.offset >= 2 * client::kUploadChunk; });
        },
        std::chrono::seconds(90), std::chrono::milliseconds(10));
    ASSERT_FALSE(early) << "the agent ended (" << *early << ") before the hub had two chunks:\n" << tail_of(log, 20);
    ASSERT_TRUE(chunk_committed) << "the hub never committed two chunks; the hub's log:\n" << tail_of(hub_log, 20);
    // ... and the kiosk dies 2 MiB into the next one: SIGKILL on the proxy
    // thread right after those bytes passed. The link goes down with it: the
    // kernel would otherwise go on sending what the dead kiosk's socket still
    // held (megabytes, on this slow link) after the counters are reset below.
    proxy.on_bytes(Direction::upstream, 2u << 20, [this, &agent] {
      agent.kill9();
      proxy.drop_connections();
    });
    const auto status = agent.wait(std::chrono::seconds(60));
    proxy.clear_triggers();
    ASSERT_TRUE(status) << "the agent was neither killed nor finished";
    ASSERT_EQ(*status, 128 + SIGKILL) << "the agent was not killed mid-upload:\n" << tail_of(log, 20);
    sent_before_kill = proxy.bytes(Direction::upstream);
  }
  {
    const auto ups = hub_uploads(hub);
    ASSERT_EQ(ups.size(), 1u) << "one upload on the hub before the restart";
    // The hub is done with the chunk the kill cut (and has dropped it: its
    // checksum cannot be verified) before anything else is measured.
    const std::string cut = "upload " + ups.front().id + ": request cut after";
    ASSERT_TRUE(wait_until([&] { return count_lines_with(hub_log, {cut}) > 0; }, std::chrono::seconds(60)))
        << "the hub never saw the cut request; its log:\n" << tail_of(hub_log, 20);
    at_kill = hub_uploads(hub).front();
  }
  EXPECT_EQ(at_kill.dossier, client_id);
  EXPECT_EQ(at_kill.document, document_id);
  EXPECT_EQ(at_kill.length, length);
  ASSERT_GE(at_kill.offset, 2 * client::kUploadChunk);
  ASSERT_LT(at_kill.offset, length) << "the upload completed before the kill: the test missed its point";
  ASSERT_FALSE(at_kill.completed);
  {
    // The killed kiosk left the upload's URL in its outbox row.
    auto store = client::KioskStore::open(kiosk, clock);
    ASSERT_TRUE(store) << store.error().describe();
    auto e = store->find(client_id);
    ASSERT_TRUE(e && *e);
    const auto& url = (*e)->documents.front().upload_url;
    ASSERT_TRUE(url) << "no upload URL kept in the outbox row";
    EXPECT_TRUE(url->ends_with("/uploads/" + at_kill.id)) << *url << " is not upload " << at_kill.id;
    EXPECT_NE((*e)->state, client::OutboxState::delivered);
  }
  std::cout << "[fault] kiosk killed (SIGKILL) after " << sent_before_kill << " B upstream; the hub had "
            << at_kill.offset << " of " << length << " B of upload " << at_kill.id << std::endl;

  // The kiosk restarts on the same data directory, on a free link.
  proxy.set_bandwidth(0);
  proxy.reset_counters();
  std::optional<int> drained;
  {
    auto args = agent_args(kiosk, proxy.url());
    args.insert(args.end(), {"--log-level", "info", "sync", "--timeout-s", "120"});
    AgentProcess agent(args, log);
    drained = agent.wait(std::chrono::seconds(150));
  }
  ASSERT_EQ(drained, 0) << "the restarted kiosk did not deliver; its last words:\n"
                        << tail_of(log, 30) << "the hub's:\n"
                        << tail_of(hub_log, 30);
  const auto sent_after_restart = proxy.bytes(Direction::upstream);

  // The same upload was resumed: the hub created one upload for this
  // document, ever, and completed that one.
  EXPECT_EQ(count_lines_with(hub_log, {"upload ", " created by ", " for " + client_id + "/" + document_id + " ("}), 1u)
      << "the document's upload was created again after the restart:\n"
      << tail_of(hub_log, 30);
  EXPECT_EQ(count_lines_with(hub_log, {"upload " + at_kill.id + " complete: " + client_id + "/" + document_id}), 1u)
      << tail_of(hub_log, 30);
  {
    const auto ups = hub_uploads(hub);
    ASSERT_EQ(ups.size(), 1u);
    EXPECT_EQ(ups.front().id, at_kill.id);
    EXPECT_TRUE(ups.front().completed);
  }
  // Only what the hub lacked went up again, not the chunks it had: on top of
  // it, requests and TLS framing (some 70 KB) — at most one chunk more, should
  // libcurl send a chunk again on a fresh connection (docs/uploads.md).
  const auto missing = static_cast<std::uint64_t>(length - at_kill.offset);
  EXPECT_LE(sent_after_restart, missing + static_cast<std::uint64_t>(client::kUploadChunk))
      << "the restarted kiosk sent " << sent_after_restart << " B for the " << missing << " B the hub lacked";

  // Exactly once, sealed, byte-identical.
  const auto check = check_delivery(hub, kiosk, kKioskId, receipts_given, true);
  EXPECT_TRUE(check.problems.empty()) << check.summary() << "\nagent log " << log;
  EXPECT_EQ(check.on_hub, 1u);
  const auto scanned = page_sha256({1, 1, static_cast<std::size_t>(kPageKb) * 1024});
  EXPECT_EQ(hub_blob_sha256(hub, scanned), scanned) << "the document on the hub is not the one scanned";
  EXPECT_TRUE(hub_blob_problems(hub).empty());
  std::cout << "[fault] restarted kiosk sent " << sent_after_restart << " B upstream for the " << missing
            << " B the hub lacked (of " << length << " B); "
            << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count()
            << " ms; " << check.summary() << std::endl;
}
