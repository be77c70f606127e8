#include "print/printer_link.hpp"

#include "motcua/util/fs.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>

namespace motcua::print {

namespace {

using Clock = std::chrono::steady_clock;

using Fd = motcua::fs::UniqueFd;

std::string errno_text(int err) { return std::strerror(err); }

// Milliseconds left until deadline, for poll(); 0 once it has passed.
int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return static_cast<int>(std::clamp<long long>(left, 0, 1'000'000));
}

// Waits until fd is writable; false on timeout. A stall is measured from the
// last progress, not from the start: a long receipt on a slow printer is fine.
Result<bool> wait_writable(int fd, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (true) {
    pollfd p{fd, POLLOUT, 0};
    const int n = ::poll(&p, 1, remaining_ms(deadline));
    if (n > 0) return true;  // writable, or an error the next write reports
    if (n == 0) return false;
    if (errno != EINTR) return fail(Errc::io, "poll: " + errno_text(errno));
  }
}

// Writes every byte to a non-blocking descriptor, waiting up to `timeout`
// whenever it takes nothing. `err` is the errno that stopped it (EPIPE for a
// write that took nothing without one), `stalled` a wait that ran out.
struct WriteOutcome {
  std::size_t sent = 0;
  int err = 0;
  bool stalled = false;
  std::optional<Error> wait_error;
};
template <class Write>
WriteOutcome write_all(int fd, std::span<const std::uint8_t> bytes, std::chrono::milliseconds timeout, Write write) {
  WriteOutcome out;
  while (out.sent < bytes.size()) {
    const ssize_t n = write(bytes.data() + out.sent, bytes.size() - out.sent);
    if (n > 0) {
      out.sent += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      auto ready = wait_writable(fd, timeout);
      if (!ready) {
        out.wait_error = ready.error();
        return out;
      }
      if (!*ready) {
        out.stalled = true;
        return out;
      }
      continue;
    }
    out.err = n < 0 ? errno : EPIPE;
    return out;
  }
  return out;
}

}  // namespace

DevicePrinter::DevicePrinter(std::filesystem::path device, std::chrono::milliseconds timeout)
    : device_(std::move(device)), timeout_(timeout) {}

Result<void> DevicePrinter::send(std::span<const std::uint8_t> bytes) {
  const std::string name = device_.string();
  // Never O_CREAT: a mistyped device path must fail, not fill a file.
  // Non-blocking so a printer that stops taking data (paper out) cannot hang
  // the kiosk: poll() bounds each wait.
  Fd fd(::open(name.c_str(), O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
  if (fd.get() < 0) {
    const int err = errno;
    switch (err) {
      case ENOENT:
        return fail(Errc::not_found, "no printer at " + name + " (no such device: unplugged or wrong path?)");
      case EACCES:
      case EPERM: return fail(Errc::forbidden, "not allowed to write to " + name + " (is the kiosk user in group lp?)");
      case ENXIO:
      case ENODEV: return fail(Errc::unavailable, "printer " + name + " is not connected (" + errno_text(err) + ")");
      case EBUSY: return fail(Errc::unavailable, "printer " + name + " is busy (another program has it open)");
      default: return fail(Errc::io, "cannot open printer " + name + ": " + errno_text(err));
    }
  }
  const auto out = write_all(fd.get(), bytes, timeout_, [&](const std::uint8_t* p, std::size_t n) {
    return ::write(fd.get(), p, n);
  });
  if (out.wait_error) return fail(*out.wait_error);
  const std::string progress = std::to_string(out.sent) + " of " + std::to_string(bytes.size()) + " bytes";
  if (out.stalled)
    return fail(Errc::unavailable, "printer " + name + " took no data for " + std::to_string(timeout_.count()) +
                                       " ms after " + progress + " (paper out, cover open or offline?)");
  if (out.err == ENODEV || out.err == ENXIO || out.err == EPIPE)
    return fail(Errc::unavailable, "printer " + name + " went away after " + progress + " (" + errno_text(out.err) + ")");
  if (out.err != 0)
    return fail(Errc::io, "writing to printer " + name + " failed after " + progress + ": " + errno_text(out.err));
  return {};
}

NetworkPrinter::NetworkPrinter(std::string host, std::uint16_t port, std::chrono::milliseconds timeout)
    : host_(std::move(host)), port_(port), timeout_(timeout) {}

std::string NetworkPrinter::describe() const { return "tcp " + host_ + ":" + std::to_string(port_); }

Result<void> NetworkPrinter::send(std::span<const std::uint8_t> bytes) {
  const std::string where = host_ + ":" + std::to_string(port_);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (const int rc = ::getaddrinfo(host_.c_str(), std::to_string(port_).c_str(), &hints, &found); rc != 0)
    return fail(Errc::network, "cannot resolve printer host " + host_ + ": " + ::gai_strerror(rc));
  const std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> addresses(found, &::freeaddrinfo);

  // Connect to the first address that answers, each attempt bounded by the timeout.
  Error last{Errc::network, "no address for printer " + where};
  for (const addrinfo* ai = addresses.get(); ai; ai = ai->ai_next) {
    Fd fd(::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol));
    if (fd.get() < 0) {
      last = Error{Errc::network, "socket: " + errno_text(errno)};
      continue;
    }
    if (::connect(fd.get(), ai->ai_addr, ai->ai_addrlen) != 0) {
      if (errno != EINPROGRESS) {
        const int err = errno;
        last = Error{Errc::network, err == ECONNREFUSED
                                        ? "printer " + where + " refused the connection (off, or not a raw print port?)"
                                        : "cannot connect to printer " + where + ": " + errno_text(err)};
        continue;
      }
      auto ready = wait_writable(fd.get(), timeout_);
      if (!ready) return fail(ready.error());
      if (!*ready) {
        last = Error{Errc::network,
                     "timed out after " + std::to_string(timeout_.count()) + " ms connecting to printer " + where};
        continue;
      }
      int err = 0;
      socklen_t len = sizeof err;
      ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0) {
        last = Error{Errc::network, err == ECONNREFUSED
                                        ? "printer " + where + " refused the connection (off, or not a raw print port?)"
                                        : "cannot connect to printer " + where + ": " + errno_text(err)};
        continue;
      }
    }
    // MSG_NOSIGNAL: a printer that drops the connection is an error value, not SIGPIPE.
    const auto out = write_all(fd.get(), bytes, timeout_, [&](const std::uint8_t* p, std::size_t n) {
      return ::send(fd.get(), p, n, MSG_NOSIGNAL);
    });
    if (out.wait_error) return fail(*out.wait_error);
    const std::string progress = std::to_string(out.sent) + " of " + std::to_string(bytes.size()) + " bytes";
    if (out.stalled)
      return fail(Errc::network, "printer " + where + " took no data for " + std::to_string(timeout_.count()) +
                                     " ms after " + progress + " (paper out, cover open or offline?)");
    if (out.err != 0)
      return fail(Errc::network, "connection to printer " + where + " lost after " + progress + ": " + errno_text(out.err));
    // Half-close: the printer sees the end of the job; close() then keeps the
    // kernel delivering what is still queued.
    ::shutdown(fd.get(), SHUT_WR);
    return {};
  }
  return fail(std::move(last));
}

Result<std::unique_ptr<PrinterLink>> open_printer(std::string_view address, std::chrono::milliseconds timeout) {
  constexpr std::string_view kTcp = "tcp://";
  if (address.starts_with(kTcp)) {
    std::string_view rest = address.substr(kTcp.size());
    std::uint16_t port = kRawPrintPort;
    std::string host;
    // [v6::addr]:port, host:port, or host alone.
    if (rest.starts_with('[')) {
      const std::size_t close = rest.find(']');
      if (close == std::string_view::npos)
        return fail(Errc::invalid_argument, "printer address " + std::string(address) + ": missing ]");
      host = std::string(rest.substr(1, close - 1));
      rest = rest.substr(close + 1);
    } else {
      const std::size_t colon = rest.rfind(':');
      host = std::string(rest.substr(0, colon));
      rest = colon == std::string_view::npos ? std::string_view{} : rest.substr(colon);
    }
    if (!rest.empty()) {
      if (rest.front() != ':' || rest.size() < 2 || rest.size() > 6 ||
          !std::all_of(rest.begin() + 1, rest.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return fail(Errc::invalid_argument, "printer address " + std::string(address) + ": bad port");
      const int p = std::stoi(std::string(rest.substr(1)));
      if (p < 1 || p > 65535)
        return fail(Errc::invalid_argument, "printer address " + std::string(address) + ": bad port");
      port = static_cast<std::uint16_t>(p);
    }
    if (host.empty()) return fail(Errc::invalid_argument, "printer address " + std::string(address) + ": no host");
    return std::make_unique<NetworkPrinter>(std::move(host), port, timeout);
  }
  if (address.empty()) return fail(Errc::invalid_argument, "no printer configured");
  if (address.find("://") != std::string_view::npos)
    return fail(Errc::invalid_argument,
                "printer address " + std::string(address) + ": use tcp://HOST[:PORT] or a device path");
  return std::make_unique<DevicePrinter>(std::filesystem::path(address), timeout);
}

}  // namespace motcua::print
