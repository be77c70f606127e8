#pragma once
// Printing a file through CUPS with its own command-line client, `lp`
// (cups-client), as a technician would: `lp -h SERVER -d QUEUE -o media=A5 FILE`.
// No libcups: lp is what technicians test a queue with, its messages are the
// ones they know, and a hung scheduler cannot hang the kiosk (the child is
// killed at the timeout). Run with an argument vector (posix_spawnp, no
// shell) and LC_ALL=C, so its messages can be told apart.

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace motcua::print {

struct CupsQueue {
  std::string name;    // the queue (lp -d), e.g. "motcua-receipts"
  std::string server;  // lp -h: "host:port" or a socket path; empty = the machine's own CUPS
  std::string lp = "lp";          // looked up on PATH
  std::string lpstat = "lpstat";  // looked up on PATH
};

enum class CupsFailure {
  client_missing,         // lp not installed (cups-client) or not executable
  scheduler_unavailable,  // no cupsd answers at the server (not running, wrong address)
  queue_missing,          // no such queue on that server
  queue_rejecting,        // the queue exists but refuses jobs (cupsreject)
  queue_stopped,          // job accepted, but the queue is stopped (printer off/unplugged, or cupsdisable): it waits
  timeout,                // lp did not finish in time; it was killed
  failed,                 // anything else lp said (its message is kept)
};
std::string_view to_string(CupsFailure f);

struct CupsError {
  CupsFailure kind = CupsFailure::failed;
  std::string message;  // for staff: what happened and what to check
  std::string job;      // queue_stopped: the request id that waits in the queue
};

struct CupsJob {
  std::string id;  // CUPS request id: "motcua-receipts-12"
};

// Submits `file` to the queue. media: "A4", "A5" (lp -o media=…); empty = the queue's default.
tl::expected<CupsJob, CupsError> cups_print(const std::filesystem::path& file, const CupsQueue& queue,
                                            std::string_view media, std::chrono::milliseconds timeout);

// The ids of the queue's completed jobs (lpstat -W completed -o QUEUE), for
// tests and staff tools.
tl::expected<std::vector<std::string>, CupsError> cups_completed_jobs(const CupsQueue& queue,
                                                                      std::chrono::milliseconds timeout);

// A program's outcome: exit status (or the signal that ended it) and what it wrote.
struct ProgramRun {
  std::optional<int> exit_code;  // none: killed by a signal (timed_out: by us)
  bool timed_out = false;
  std::string out, err;
};
// Runs argv[0] (found on PATH) with argv, stdin from /dev/null, the
// environment plus `extra_env` ("NAME=value", overriding). Errors: the program
// could not be started (errno in the message; ENOENT → "not found").
tl::expected<ProgramRun, std::string> run_program(const std::vector<std::string>& argv,
                                                  const std::vector<std::string>& extra_env,
                                                  std::chrono::milliseconds timeout);

}  // namespace motcua::print
