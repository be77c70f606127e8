// The fault proxy itself, against a plain echo server: a tool that cuts at the
// wrong byte would make every other fault test lie.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "fault/fault_proxy.hpp"

using namespace motcua::fault;

namespace {

// Accepts one connection and echoes until EOF; counts what it received.
class EchoServer {
 public:
  EchoServer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(fd_, 4);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] {
      const int c = ::accept(fd_, nullptr, nullptr);
      char buf[8192];
      for (;;) {
        const ssize_t n = ::read(c, buf, sizeof buf);
        if (n <= 0) break;
        received_ += static_cast<std::size_t>(n);
        if (::send(c, buf, static_cast<std::size_t>(n), MSG_NOSIGNAL) != n) break;
      }
      ::close(c);
      done_ = true;
    });
  }
  ~EchoServer() {
    ::shutdown(fd_, SHUT_RDWR);
    thread_.join();
    ::close(fd_);
  }
  int port() const { return port_; }
  std::size_t received() const { return received_; }
  bool done() const { return done_; }

 private:
  int fd_ = -1;
  int port_ = 0;
  std::atomic<std::size_t> received_{0};
  std::atomic<bool> done_{false};
  std::thread thread_;
};

int connect_to(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Sends `n` bytes and reads back until `n` arrived or the connection ended.
std::size_t send_and_read_back(int fd, std::size_t n) {
  std::string data(n, 'a');
  std::size_t sent = 0, got = 0;
  char buf[8192];
  while (got < n) {
    pollfd p{fd, static_cast<short>(POLLIN | (sent < n ? POLLOUT : 0)), 0};
    if (::poll(&p, 1, 5000) <= 0) break;
    if ((p.revents & POLLOUT) != 0 && sent < n) {
      const ssize_t w = ::send(fd, data.data() + sent, std::min<std::size_t>(n - sent, 4096), MSG_NOSIGNAL);
      if (w <= 0) break;
      sent += static_cast<std::size_t>(w);
    }
    if ((p.revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
      const ssize_t r = ::read(fd, buf, sizeof buf);
      if (r <= 0) break;
      got += static_cast<std::size_t>(r);
    }
  }
  return got;
}

}  // namespace

TEST(FaultProxyTool, ForwardsEveryByteAndCountsThem) {
  EchoServer echo;
  FaultProxy proxy("127.0.0.1", echo.port());
  const int fd = connect_to(proxy.port());
  ASSERT_GE(fd, 0);
  EXPECT_EQ(send_and_read_back(fd, 200000), 200000u);
  ::close(fd);
  EXPECT_TRUE(proxy.wait_for_bytes(Direction::downstream, 200000, std::chrono::seconds(5)));
  EXPECT_EQ(proxy.bytes(Direction::upstream), 200000u);
  EXPECT_EQ(proxy.bytes(Direction::downstream), 200000u);
  EXPECT_EQ(proxy.connections_accepted(), 1u);
}

TEST(FaultProxyTool, CutsTheConnectionAfterExactlyNBytes) {
  EchoServer echo;
  FaultProxy proxy("127.0.0.1", echo.port());
  proxy.arm({FaultKind::cut, Direction::upstream, 12345, FaultScope::once});
  const int fd = connect_to(proxy.port());
  ASSERT_GE(fd, 0);
  const std::size_t echoed = send_and_read_back(fd, 100000);
  ::close(fd);
  EXPECT_LE(echoed, 12345u);
  EXPECT_EQ(proxy.faults_fired(), 1u);
  EXPECT_EQ(proxy.bytes(Direction::upstream), 12345u) << "the hub side got exactly the bytes before the cut";
}

TEST(FaultProxyTool, RefusesAndBlackHolesOnRequest) {
  EchoServer echo;
  FaultProxy proxy("127.0.0.1", echo.port());
  proxy.set_mode(LinkMode::refuse);
  int fd = connect_to(proxy.port());
  ASSERT_GE(fd, 0);  // the TCP handshake completes; then the reset
  EXPECT_EQ(send_and_read_back(fd, 1000), 0u);
  ::close(fd);

  proxy.set_mode(LinkMode::black_hole);
  fd = connect_to(proxy.port());
  ASSERT_GE(fd, 0);
  ::send(fd, "hello", 5, MSG_NOSIGNAL);
  pollfd p{fd, POLLIN, 0};
  EXPECT_EQ(::poll(&p, 1, 300), 0) << "a black hole neither answers nor closes";
  ::close(fd);
  EXPECT_EQ(proxy.bytes(Direction::upstream), 0u);
}
