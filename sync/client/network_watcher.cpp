#include "motcua/client/network_watcher.hpp"

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "motcua/util/log.hpp"

namespace motcua::client {

NetworkWatcher::NetworkWatcher(std::function<void()> on_change) : on_change_(std::move(on_change)) {}

NetworkWatcher::~NetworkWatcher() { stop(); }

Result<void> NetworkWatcher::start() {
  if (thread_.joinable()) return {};
  netlink_ = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (netlink_ < 0) return fail(Errc::unavailable, std::string("netlink socket: ") + std::strerror(errno));
  sockaddr_nl addr{};
  addr.nl_family = AF_NETLINK;
  addr.nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR | RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE;
  if (::bind(netlink_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    const int err = errno;
    ::close(netlink_);
    netlink_ = -1;
    return fail(Errc::unavailable, std::string("netlink bind: ") + std::strerror(err));
  }
  stop_fd_ = ::eventfd(0, EFD_CLOEXEC);
  if (stop_fd_ < 0) {
    ::close(netlink_);
    netlink_ = -1;
    return fail(Errc::unavailable, std::string("eventfd: ") + std::strerror(errno));
  }
  thread_ = std::thread([this] { run(); });
  return {};
}

void NetworkWatcher::stop() {
  if (thread_.joinable()) {
    const std::uint64_t one = 1;
    (void)::write(stop_fd_, &one, sizeof one);
    thread_.join();
  }
  if (netlink_ >= 0) ::close(netlink_);
  if (stop_fd_ >= 0) ::close(stop_fd_);
  netlink_ = stop_fd_ = -1;
}

void NetworkWatcher::run() {
  char buf[8192];
  for (;;) {
    pollfd fds[2] = {{netlink_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      log::warn("network", std::string("poll: ") + std::strerror(errno));
      return;
    }
    if (fds[1].revents != 0) return;
    if ((fds[0].revents & POLLIN) == 0) continue;
    // Drain everything queued, then report once: a link coming up sends a burst.
    bool relevant = false;
    for (;;) {
      const ssize_t n = ::recv(netlink_, buf, sizeof buf, MSG_DONTWAIT);
      if (n <= 0) break;
      // Walk the messages by hand: the NLMSG_* macros do not pass our warnings.
      const auto len = static_cast<std::size_t>(n);
      std::size_t off = 0;
      while (off + sizeof(nlmsghdr) <= len) {
        nlmsghdr h{};
        std::memcpy(&h, buf + off, sizeof h);
        if (h.nlmsg_len < sizeof(nlmsghdr) || off + h.nlmsg_len > len) break;
        switch (h.nlmsg_type) {
          case RTM_NEWLINK:
          case RTM_NEWADDR:
          case RTM_NEWROUTE:
          case RTM_DELLINK:
          case RTM_DELADDR:
          case RTM_DELROUTE:
            relevant = true;
            break;
          default:
            break;
        }
        off += (h.nlmsg_len + 3u) & ~std::size_t{3};  // NLMSG_ALIGN
      }
    }
    if (relevant && on_change_) on_change_();
  }
}

}  // namespace motcua::client
