#pragma once
// Scans with the SANE `test` backend in a child process with a deadline.
//
// libsane's reader thread (sanei_thread, pthread build) is cancelled
// asynchronously by sane_start/sane_cancel; a cancel landing while it
// allocates, starts or exits leaves a lock held (malloc's arena lock or
// ld.so's), and the process then hangs for good in sane_cancel or in
// sane_exit's dlclose — about 1 run in 10 on a loaded machine. That is
// libsane's bug, not the kiosk's, so tests that scan through the test backend
// run the scan in a child: a hung child is killed and the scan tried again.

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>

namespace motcua::test {

// The body's result (a string it builds), or nullopt when the child hung
// past `limit` or died.
inline std::optional<std::string> run_in_child(const std::function<std::string()>& body, std::chrono::seconds limit) {
  int fds[2];
  if (::pipe(fds) != 0) return std::nullopt;
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) return std::nullopt;
  if (pid == 0) {
    ::close(fds[0]);
    std::string out;
    try {
      out = body();
    } catch (const std::exception& e) {
      out = std::string("exception: ") + e.what();
    }
    for (std::size_t at = 0; at < out.size();) {
      const ssize_t n = ::write(fds[1], out.data() + at, out.size() - at);
      if (n <= 0) break;
      at += static_cast<std::size_t>(n);
    }
    ::_exit(0);  // no atexit handlers: the parent owns the temp directories
  }
  ::close(fds[1]);
  std::string out;
  bool finished = false;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fds[0], POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char buf[65536];
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n <= 0) {
      finished = true;
      break;
    }
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  if (!finished) ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!finished || !WIFEXITED(status)) return std::nullopt;
  return out;
}

// run_in_child, tried up to four times.
inline std::string isolated(const std::function<std::string()>& body, std::chrono::seconds limit = std::chrono::seconds(30)) {
  for (int attempt = 1; attempt <= 4; ++attempt) {
    if (auto out = run_in_child(body, limit)) return *out;
    std::fprintf(stderr, "note: libsane hung (attempt %d); trying again\n", attempt);
  }
  return "(hung every time)";
}

}  // namespace motcua::test
