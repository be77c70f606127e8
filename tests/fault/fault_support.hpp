#pragma once
// What the fault tests share: the kiosk agent as a child process, the check
// that every dossier is on the hub exactly once with every page intact, a
// small file system to fill, waiting on conditions with deadlines, and the
// seeded randomness that makes a failing run reproducible.

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "fault/fault_dossier.hpp"
#include "support/hub_process.hpp"

namespace motcua::fault {

// motcua-kiosk-agent, started with the given arguments; output to `log`.
class AgentProcess {
 public:
  AgentProcess(const std::vector<std::string>& args, const std::filesystem::path& log);
  ~AgentProcess();  // SIGKILLs and reaps a process still running
  AgentProcess(const AgentProcess&) = delete;
  AgentProcess& operator=(const AgentProcess&) = delete;

  pid_t pid() const { return pid_; }
  // Only kill(2): safe from any thread, e.g. a FaultProxy trigger.
  void kill9() const;
  // The exit code (128 + signal when killed); nullopt at the deadline.
  std::optional<int> wait(std::chrono::milliseconds timeout);

 private:
  pid_t pid_ = -1;
  int pidfd_ = -1;
  std::optional<int> status_;
};

// Arguments common to every agent run against `hub_url` (the proxy's, usually).
std::vector<std::string> agent_args(const std::filesystem::path& kiosk_dir, const std::string& hub_url);

// Polls `done` until it holds or the deadline passes (every `step`). For
// conditions that have no notification of their own (another process's
// database, the hub's list).
bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout,
                std::chrono::milliseconds step = std::chrono::milliseconds(20));

struct DeliveryCheck {
  std::size_t receipts = 0;     // manifest lines: the citizen holds a receipt
  std::size_t queued = 0;       // outbox rows: enqueue committed
  std::size_t unrecorded = 0;   // committed, but killed before the manifest line
  std::size_t delivered = 0;    // outbox rows marked delivered
  std::size_t on_hub = 0;       // sealed dossiers of this kiosk on the hub
  std::size_t orphan_dirs = 0;  // outbox directories without a row (enqueue killed before its commit)
  std::vector<std::string> problems;  // what a citizen or the office would notice
  std::string summary() const;
};

// Compares the kiosk's outbox, the manifest and the hub. With
// expect_all_delivered, a dossier still in the outbox is a problem too.
DeliveryCheck check_delivery(const test::HubProcess& hub, const std::filesystem::path& kiosk_dir,
                             const std::string& kiosk_id, const std::vector<ManifestEntry>& manifest,
                             bool expect_all_delivered = true);

// Undelivered dossiers in the kiosk's outbox (its own connection, then closed).
std::int64_t outbox_depth(const std::filesystem::path& kiosk_dir);

// sha256 of a stored page on the hub, read from its content-addressed blob
// store (there is no download endpoint); nullopt when absent.
std::optional<std::string> hub_blob_sha256(const test::HubProcess& hub, const std::string& sha256);
// Every blob file's content matches its name, and no corrupted page was stored.
std::vector<std::string> hub_blob_problems(const test::HubProcess& hub);

// A size-limited tmpfs mounted on `dir` for as long as this lives.
class SmallDisk {
 public:
  // nullopt when mounting is not possible here (not root, no CAP_SYS_ADMIN);
  // `why` says why.
  static std::optional<SmallDisk> mount(const std::filesystem::path& dir, std::uint64_t bytes, std::string& why,
                                        const std::string& extra_options = {});
  SmallDisk(SmallDisk&& other) noexcept;
  SmallDisk& operator=(SmallDisk&&) = delete;
  ~SmallDisk();
  const std::filesystem::path& dir() const { return dir_; }
  // Fills the disk with a filler file, leaving about `leave` bytes free.
  void fill(std::uint64_t leave = 0);
  // Uses up every free inode with empty files (a disk full of small files).
  void fill_inodes();
  void free_filler();  // space (and inodes) return
  std::uint64_t free_bytes() const;

 private:
  explicit SmallDisk(std::filesystem::path dir) : dir_(std::move(dir)) {}
  std::filesystem::path dir_;
};

// The last `lines` lines of a log file, for failure messages.
std::string tail_of(const std::filesystem::path& file, std::size_t lines);

// MOTCUA_FAULT_SEED (else random) and MOTCUA_FAULT_ITERATIONS (else fallback),
// printed so a failing run can be repeated.
std::uint64_t fault_seed();
int fault_iterations(int fallback);

}  // namespace motcua::fault
