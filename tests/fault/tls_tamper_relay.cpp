#include "fault/tls_tamper_relay.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <vector>

namespace motcua::fault {

namespace {

struct CtxFree {
  void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
};
struct SslFree {
  void operator()(SSL* s) const { SSL_free(s); }
};
using CtxPtr = std::unique_ptr<SSL_CTX, CtxFree>;
using SslPtr = std::unique_ptr<SSL, SslFree>;

struct Fd {
  int fd = -1;
  Fd() = default;
  explicit Fd(int f) : fd(f) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

constexpr int kTick = 20;  // ms; how often an idle connection looks at the stop flag

void set_timeouts(int fd, int seconds) {
  timeval tv{seconds, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

}  // namespace

struct TlsTamperRelay::Impl {
  CtxPtr server_ctx;
  CtxPtr client_ctx;
  Fd listen;
  Fd stop;
  std::thread acceptor;
  std::mutex workers_mutex;
  std::list<std::thread> workers;
};

struct TlsTamperRelay::Matcher {
  std::uint64_t stream_pos = 0;  // plaintext bytes of this connection seen so far
  std::string tail;              // the last marker.size() - 1 bytes, for matches across reads
  std::optional<std::uint64_t> target;
  std::string marker;            // what this connection looks for (copied when it starts looking)
};

TlsTamperRelay::TlsTamperRelay(const RelayIdentity& id, int upstream_port)
    : impl_(std::make_unique<Impl>()), upstream_port_(upstream_port) {
  impl_->server_ctx.reset(SSL_CTX_new(TLS_server_method()));
  impl_->client_ctx.reset(SSL_CTX_new(TLS_client_method()));
  if (!impl_->server_ctx || !impl_->client_ctx) throw std::runtime_error("tamper relay: SSL_CTX_new failed");
  SSL_CTX* s = impl_->server_ctx.get();
  SSL_CTX* c = impl_->client_ctx.get();
  if (SSL_CTX_use_certificate_chain_file(s, id.server_cert.c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(s, id.server_key.c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_use_certificate_file(c, id.client_cert.c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_use_PrivateKey_file(c, id.client_key.c_str(), SSL_FILETYPE_PEM) != 1)
    throw std::runtime_error("tamper relay: cannot load the certificates");
  // The relay is the attacker here: it trusts the hub blindly.
  SSL_CTX_set_verify(c, SSL_VERIFY_NONE, nullptr);
  for (SSL_CTX* ctx : {s, c})
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);

  impl_->listen.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  impl_->stop.fd = ::eventfd(0, EFD_CLOEXEC);
  if (impl_->listen.fd < 0 || impl_->stop.fd < 0) throw std::runtime_error("tamper relay: socket failed");
  int one = 1;
  ::setsockopt(impl_->listen.fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(impl_->listen.fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(impl_->listen.fd, 16) != 0)
    throw std::runtime_error(std::string("tamper relay: cannot listen: ") + std::strerror(errno));
  socklen_t len = sizeof addr;
  ::getsockname(impl_->listen.fd, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  impl_->acceptor = std::thread([this] { accept_loop(); });
}

TlsTamperRelay::~TlsTamperRelay() {
  stopping_ = true;
  const std::uint64_t one = 1;
  (void)!::write(impl_->stop.fd, &one, sizeof one);
  if (impl_->acceptor.joinable()) impl_->acceptor.join();
  std::lock_guard lock(impl_->workers_mutex);
  for (auto& t : impl_->workers) t.join();
}

void TlsTamperRelay::corrupt_after(std::string marker, std::size_t offset) {
  std::lock_guard lock(mutex_);
  marker_ = std::move(marker);
  offset_ = offset;
}

std::uint64_t TlsTamperRelay::corruptions() const {
  std::lock_guard lock(mutex_);
  return corruptions_;
}

bool TlsTamperRelay::wait_for_corruptions(std::uint64_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return corruptions_ >= n; });
}

void TlsTamperRelay::accept_loop() {
  while (!stopping_) {
    pollfd fds[2] = {{impl_->listen.fd, POLLIN, 0}, {impl_->stop.fd, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0 && errno != EINTR) return;
    if (stopping_ || (fds[1].revents & POLLIN) != 0) return;
    if ((fds[0].revents & POLLIN) == 0) continue;
    const int fd = ::accept4(impl_->listen.fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    std::lock_guard lock(impl_->workers_mutex);
    impl_->workers.emplace_back([this, fd] { serve(fd); });
  }
}

void TlsTamperRelay::tamper(Matcher& m, char* data, std::size_t n) {
  if (!m.target) {
    if (m.marker.empty()) {
      std::lock_guard lock(mutex_);
      if (!marker_) {
        m.stream_pos += n;
        return;
      }
      m.marker = *marker_;
    }
    const std::string window = m.tail + std::string(data, n);
    const std::size_t found = window.find(m.marker);
    if (found != std::string::npos) {
      std::lock_guard lock(mutex_);
      if (marker_ && *marker_ == m.marker) {
        m.target = m.stream_pos - m.tail.size() + found + offset_;
        marker_.reset();  // this connection owns the one corruption
      }
    }
    const std::size_t keep = m.marker.size() > 0 ? m.marker.size() - 1 : 0;
    m.tail = window.size() > keep ? window.substr(window.size() - keep) : window;
  }
  if (m.target && *m.target >= m.stream_pos && *m.target < m.stream_pos + n) {
    auto& byte = data[*m.target - m.stream_pos];
    byte = static_cast<char>(byte ^ 0x01);
    m.target = std::numeric_limits<std::uint64_t>::max();  // done on this connection
    {
      std::lock_guard lock(mutex_);
      ++corruptions_;
    }
    changed_.notify_all();
  }
  m.stream_pos += n;
}

void TlsTamperRelay::serve(int client_fd) {
  Fd client(client_fd);
  set_timeouts(client.fd, 10);
  SslPtr down(SSL_new(impl_->server_ctx.get()));
  SSL_set_fd(down.get(), client.fd);
  if (SSL_accept(down.get()) != 1) return;

  Fd hub(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<std::uint16_t>(upstream_port_));
  if (hub.fd < 0 || ::connect(hub.fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) return;
  set_timeouts(hub.fd, 10);
  SslPtr up(SSL_new(impl_->client_ctx.get()));
  SSL_set_fd(up.get(), hub.fd);
  if (SSL_connect(up.get()) != 1) return;

  for (int fd : {client.fd, hub.fd}) {
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }

  struct Pipe {
    SSL* from;
    SSL* to;
    bool upstream;
    std::string buf;
    std::size_t off = 0;
  };
  std::array<Pipe, 2> pipes{Pipe{down.get(), up.get(), true, {}, 0}, Pipe{up.get(), down.get(), false, {}, 0}};
  Matcher matcher;
  std::vector<char> chunk(16 * 1024);

  while (!stopping_) {
    bool progress = false;
    bool want_out_client = false, want_out_hub = false;
    for (auto& p : pipes) {
      if (p.off == p.buf.size()) {
        p.buf.clear();
        p.off = 0;
        const int n = SSL_read(p.from, chunk.data(), static_cast<int>(chunk.size()));
        if (n > 0) {
          if (p.upstream) tamper(matcher, chunk.data(), static_cast<std::size_t>(n));
          p.buf.assign(chunk.data(), static_cast<std::size_t>(n));
          progress = true;
        } else {
          const int e = SSL_get_error(p.from, n);
          if (e == SSL_ERROR_WANT_WRITE) (p.upstream ? want_out_client : want_out_hub) = true;
          else if (e != SSL_ERROR_WANT_READ) return;  // closed or broken: end both sides
        }
      }
      if (p.off < p.buf.size()) {
        const int n = SSL_write(p.to, p.buf.data() + p.off, static_cast<int>(p.buf.size() - p.off));
        if (n > 0) {
          p.off += static_cast<std::size_t>(n);
          progress = true;
        } else {
          const int e = SSL_get_error(p.to, n);
          if (e == SSL_ERROR_WANT_WRITE) (p.upstream ? want_out_hub : want_out_client) = true;
          else if (e != SSL_ERROR_WANT_READ) return;
        }
      }
    }
    ERR_clear_error();
    if (progress) continue;
    pollfd fds[3] = {{client.fd, static_cast<short>(POLLIN | (want_out_client ? POLLOUT : 0)), 0},
                     {hub.fd, static_cast<short>(POLLIN | (want_out_hub ? POLLOUT : 0)), 0},
                     {impl_->stop.fd, POLLIN, 0}};
    if (::poll(fds, 3, kTick) < 0 && errno != EINTR) return;
  }
}

}  // namespace motcua::fault
