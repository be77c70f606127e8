#include "print/cups_lp.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "motcua/util/fs.hpp"

extern char** environ;

namespace motcua::print {

namespace {

using SteadyClock = std::chrono::steady_clock;

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

struct SpawnActions {
  posix_spawn_file_actions_t a;
  SpawnActions() { posix_spawn_file_actions_init(&a); }
  ~SpawnActions() { posix_spawn_file_actions_destroy(&a); }
  SpawnActions(const SpawnActions&) = delete;
  SpawnActions& operator=(const SpawnActions&) = delete;
};
struct SpawnAttr {
  posix_spawnattr_t a;
  SpawnAttr() { posix_spawnattr_init(&a); }
  ~SpawnAttr() { posix_spawnattr_destroy(&a); }
  SpawnAttr(const SpawnAttr&) = delete;
  SpawnAttr& operator=(const SpawnAttr&) = delete;
};

std::vector<std::string> cups_env(const CupsQueue& q) {
  // C messages: the failure kinds below are told apart by lp's own words.
  std::vector<std::string> env{"LC_ALL=C", "LANG=C"};
  if (!q.server.empty()) env.push_back("CUPS_SERVER=" + q.server);
  return env;
}

std::vector<std::string> with_server(const CupsQueue& q, std::string program) {
  std::vector<std::string> argv{std::move(program)};
  if (!q.server.empty()) {
    argv.emplace_back("-h");
    argv.push_back(q.server);
  }
  return argv;
}

// lp's and lpstat's messages (CUPS 2.4, C locale) → what staff should check.
CupsError classify(const CupsQueue& q, std::string_view program, const ProgramRun& run) {
  const std::string said = trimmed(run.err.empty() ? run.out : run.err);
  const std::string where = q.server.empty() ? std::string("this machine's CUPS") : "CUPS at " + q.server;
  if (run.timed_out)
    return {CupsFailure::timeout, std::string(program) + " did not finish in time talking to " + where +
                                      " (scheduler hung or unreachable)",
            {}};
  if (contains(said, "does not exist") || contains(said, "Unknown destination") || contains(said, "Invalid destination"))
    return {CupsFailure::queue_missing, "no print queue \"" + q.name + "\" on " + where + " (" + said + ")", {}};
  if (contains(said, "not accepting jobs"))
    return {CupsFailure::queue_rejecting,
            "print queue \"" + q.name + "\" on " + where + " is not accepting jobs (cupsaccept " + q.name + ")", {}};
  if (contains(said, "Scheduler Not Responding") || contains(said, "Connection refused") ||
      contains(said, "No such file or directory") || contains(said, "Bad file descriptor") ||
      contains(said, "Unable to connect") || contains(said, "Name or service not known") ||
      contains(said, "No route to host") || contains(said, "Network is unreachable"))
    return {CupsFailure::scheduler_unavailable, "no CUPS scheduler answers (" + where + "): " + said, {}};
  return {CupsFailure::failed, std::string(program) + " failed on " + where + ": " + (said.empty() ? "no message" : said),
          {}};
}

}  // namespace

std::string_view to_string(CupsFailure f) {
  switch (f) {
    case CupsFailure::client_missing: return "client_missing";
    case CupsFailure::scheduler_unavailable: return "scheduler_unavailable";
    case CupsFailure::queue_missing: return "queue_missing";
    case CupsFailure::queue_rejecting: return "queue_rejecting";
    case CupsFailure::queue_stopped: return "queue_stopped";
    case CupsFailure::timeout: return "timeout";
    case CupsFailure::failed: return "failed";
  }
  return "failed";
}

tl::expected<ProgramRun, std::string> run_program(const std::vector<std::string>& argv,
                                                  const std::vector<std::string>& extra_env,
                                                  std::chrono::milliseconds timeout) {
  if (argv.empty()) return tl::unexpected<std::string>("no program to run");
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) return tl::unexpected<std::string>(std::string("pipe: ") + std::strerror(errno));
  fs::UniqueFd out_r(out_pipe[0]), out_w(out_pipe[1]);
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) return tl::unexpected<std::string>(std::string("pipe: ") + std::strerror(errno));
  fs::UniqueFd err_r(err_pipe[0]), err_w(err_pipe[1]);

  // Environment: ours, minus what extra_env overrides.
  std::vector<std::string> env_strings;
  for (char** e = environ; e && *e; ++e) {
    const std::string_view entry(*e);
    const auto name = entry.substr(0, entry.find('=') + 1);
    const bool overridden = std::any_of(extra_env.begin(), extra_env.end(),
                                        [&](const std::string& x) { return x.starts_with(name); });
    if (!overridden) env_strings.emplace_back(entry);
  }
  env_strings.insert(env_strings.end(), extra_env.begin(), extra_env.end());
  std::vector<char*> envp, args;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_copy = argv;
  for (auto& s : argv_copy) args.push_back(s.data());
  args.push_back(nullptr);

  SpawnActions actions;
  posix_spawn_file_actions_addopen(&actions.a, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions.a, out_w.get(), 1);
  posix_spawn_file_actions_adddup2(&actions.a, err_w.get(), 2);
  SpawnAttr attr;
  // The child starts with default signal handling and nothing blocked, whatever this thread has.
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigmask(&attr.a, &none);
  posix_spawnattr_setsigdefault(&attr.a, &defaults);
  posix_spawnattr_setflags(&attr.a, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  pid_t pid = 0;
  const int rc = ::posix_spawnp(&pid, args[0], &actions.a, &attr.a, args.data(), envp.data());
  if (rc != 0)
    return tl::unexpected<std::string>(argv[0] + (rc == ENOENT ? std::string(": not found") : ": " + std::string(std::strerror(rc))));
  out_w.reset();
  err_w.reset();

  ProgramRun run;
  const auto deadline = SteadyClock::now() + timeout;
  bool out_open = true, err_open = true;
  while (out_open || err_open) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now()).count();
    if (left <= 0) {
      run.timed_out = true;
      ::kill(pid, SIGKILL);
      break;
    }
    pollfd fds[2] = {{out_open ? out_r.get() : -1, POLLIN, 0}, {err_open ? err_r.get() : -1, POLLIN, 0}};
    const int n = ::poll(fds, 2, static_cast<int>(std::min<long long>(left, 1'000'000)));
    if (n < 0) {
      if (errno == EINTR) continue;
      ::kill(pid, SIGKILL);
      break;
    }
    char buf[4096];
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      const ssize_t got = ::read(fds[i].fd, buf, sizeof buf);
      if (got > 0) {
        (i == 0 ? run.out : run.err).append(buf, static_cast<std::size_t>(got));
      } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
        (i == 0 ? out_open : err_open) = false;
      }
    }
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) run.exit_code = WEXITSTATUS(status);
  return run;
}

tl::expected<CupsJob, CupsError> cups_print(const std::filesystem::path& file, const CupsQueue& q,
                                            std::string_view media, std::chrono::milliseconds timeout) {
  if (q.name.empty()) return tl::unexpected(CupsError{CupsFailure::queue_missing, "no print queue configured", {}});
  const auto started = SteadyClock::now();
  auto argv = with_server(q, q.lp);
  argv.insert(argv.end(), {"-d", q.name});
  if (!media.empty()) argv.insert(argv.end(), {"-o", "media=" + std::string(media)});
  // The path is absolute (the spool directory), so it cannot be read as an option.
  argv.insert(argv.end(), {"-t", file.filename().string(), std::filesystem::absolute(file).string()});
  auto run = run_program(argv, cups_env(q), timeout);
  if (!run)
    return tl::unexpected(CupsError{CupsFailure::client_missing,
                                    "cannot run " + run.error() + " (install cups-client)", {}});
  if (run->timed_out || run->exit_code != 0) {
    CupsError e = classify(q, "lp", *run);
    // lp says a queue "does not exist" also when no scheduler answers at all
    // (CUPS 2.4): ask the scheduler itself before blaming the queue.
    if (e.kind == CupsFailure::queue_missing) {
      auto probe_argv = with_server(q, q.lpstat);
      probe_argv.emplace_back("-r");
      if (auto probe = run_program(probe_argv, cups_env(q), std::chrono::milliseconds(5000));
          probe && contains(probe->out, "not running"))
        e = {CupsFailure::scheduler_unavailable,
             "no CUPS scheduler answers (" + (q.server.empty() ? std::string("this machine's CUPS") : "CUPS at " + q.server) +
                 "): is cupsd running?",
             {}};
    }
    return tl::unexpected(std::move(e));
  }
  // "request id is motcua-receipts-12 (1 file(s))"
  CupsJob job;
  const std::string_view said = run->out;
  if (const auto at = said.find("request id is "); at != std::string_view::npos) {
    const auto from = at + std::string_view("request id is ").size();
    job.id = std::string(said.substr(from, said.find(' ', from) - from));
  }

  // A stopped queue takes the job and keeps it: the receipt would not come
  // out, and the citizen is still standing there. Say so now.
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(timeout - (SteadyClock::now() - started));
  auto status_argv = with_server(q, q.lpstat);
  status_argv.insert(status_argv.end(), {"-p", q.name});
  if (auto status = run_program(status_argv, cups_env(q), std::max(left, std::chrono::milliseconds(1000)));
      status && status->exit_code == 0) {
    // "printer motcua-receipts disabled since …" / "printer motcua-receipts is idle.  enabled since …"
    if (contains(status->out, "disabled"))
      return tl::unexpected(CupsError{CupsFailure::queue_stopped,
                                      "print queue \"" + q.name + "\" is stopped; job " + job.id +
                                          " waits in it (printer off or unplugged? then cupsenable " + q.name + ")",
                                      job.id});
  }
  return job;
}

tl::expected<std::vector<std::string>, CupsError> cups_completed_jobs(const CupsQueue& q,
                                                                      std::chrono::milliseconds timeout) {
  auto argv = with_server(q, q.lpstat);
  argv.insert(argv.end(), {"-W", "completed", "-o", q.name});
  auto run = run_program(argv, cups_env(q), timeout);
  if (!run)
    return tl::unexpected(CupsError{CupsFailure::client_missing,
                                    "cannot run " + run.error() + " (install cups-client)", {}});
  if (run->timed_out || run->exit_code != 0) return tl::unexpected(classify(q, "lpstat", *run));
  std::vector<std::string> ids;
  std::size_t at = 0;
  while (at < run->out.size()) {
    const auto end = std::min(run->out.find('\n', at), run->out.size());
    const std::string line = run->out.substr(at, end - at);
    if (const auto sp = line.find(' '); sp != 0 && !line.empty()) ids.push_back(line.substr(0, sp));
    at = end + 1;
  }
  return ids;
}

}  // namespace motcua::print
