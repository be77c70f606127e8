#include "fault/fault_proxy.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace motcua::fault {

namespace {

using SteadyClock = std::chrono::steady_clock;
using SteadyTime = SteadyClock::time_point;

constexpr std::size_t kChunk = 16 * 1024;
// How often a connection re-reads the link settings when nothing moves; the
// delay a mode switch takes to reach an idle connection (a fault's own latency,
// not test synchronisation).
constexpr std::chrono::milliseconds kIdleTick{20};

std::size_t index(Direction d) { return d == Direction::upstream ? 0 : 1; }

void set_nonblocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

void set_nodelay(int fd) {
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

// Close with an RST, as a connection killed on a bad link looks to both ends.
void reset_close(int& fd) {
  if (fd < 0) return;
  linger lg{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  ::close(fd);
  fd = -1;
}

void plain_close(int& fd) {
  if (fd < 0) return;
  ::close(fd);
  fd = -1;
}

int connect_to(const std::string& host, int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  if (::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1 ||
      ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

int ms_until(SteadyTime t, SteadyTime now) {
  if (t <= now) return 0;
  return static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(t - now).count());
}

}  // namespace

const char* to_string(Direction d) { return d == Direction::upstream ? "upstream" : "downstream"; }

const char* to_string(LinkMode m) {
  switch (m) {
    case LinkMode::pass: return "pass";
    case LinkMode::black_hole: return "black-hole";
    case LinkMode::refuse: return "refuse";
    case LinkMode::captive_portal: return "captive-portal";
  }
  return "?";
}

const char* to_string(FaultKind k) {
  switch (k) {
    case FaultKind::cut: return "cut";
    case FaultKind::stall: return "stall";
    case FaultKind::flip: return "flip";
  }
  return "?";
}

struct FaultProxy::Connection {
  int client = -1;
  int upstream = -1;
  struct Pipe {
    int* src = nullptr;
    int* dst = nullptr;
    std::string buf;
    std::size_t off = 0;
    SteadyTime ready_at{};  // latency: the chunk may leave at this time
    SteadyTime bw_next{};   // bandwidth: the next chunk may leave at this time
    bool src_eof = false;
    bool shut = false;            // dst half-closed after src_eof
    std::uint64_t counted = 0;    // bytes read from src since the fault was armed
    After after = After::nothing;  // what to do once buf is drained
    bool pending() const { return off < buf.size(); }
  };
  std::array<Pipe, 2> pipe;
  std::uint64_t fault_generation = 0;
  std::uint64_t drop_generation = 0;
  bool stalled = false;  // FaultKind::stall fired: frozen for good
};

FaultProxy::FaultProxy(std::string upstream_host, int upstream_port)
    : upstream_host_(std::move(upstream_host)),
      upstream_port_(upstream_port),
      portal_page_("<!doctype html><html><head><title>Đăng nhập Wi-Fi</title></head>"
                   "<body><h1>Wi-Fi xã</h1><p>Vui lòng đăng nhập để truy cập Internet.</p></body></html>") {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  stop_fd_ = ::eventfd(0, EFD_CLOEXEC);
  if (listen_fd_ < 0 || stop_fd_ < 0) throw std::runtime_error("fault proxy: socket/eventfd failed");
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(listen_fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 64) != 0)
    throw std::runtime_error(std::string("fault proxy: cannot listen: ") + std::strerror(errno));
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

FaultProxy::~FaultProxy() {
  stopping_ = true;
  const std::uint64_t one = 1;
  (void)!::write(stop_fd_, &one, sizeof one);
  if (acceptor_.joinable()) acceptor_.join();
  reap_workers(true);
  plain_close(listen_fd_);
  plain_close(stop_fd_);
}

void FaultProxy::set_upstream_port(int port) {
  std::lock_guard lock(mutex_);
  upstream_port_ = port;
}

void FaultProxy::set_mode(LinkMode mode) {
  std::lock_guard lock(mutex_);
  mode_ = mode;
  if (mode == LinkMode::refuse || mode == LinkMode::captive_portal) ++drop_generation_;
}

void FaultProxy::set_portal_page(std::string html) {
  std::lock_guard lock(mutex_);
  portal_page_ = std::move(html);
}

void FaultProxy::set_latency(std::chrono::milliseconds per_chunk) {
  std::lock_guard lock(mutex_);
  latency_ = per_chunk;
}

void FaultProxy::set_bandwidth(std::uint64_t bytes_per_second) {
  std::lock_guard lock(mutex_);
  bandwidth_ = bytes_per_second;
}

void FaultProxy::arm(Fault fault) {
  std::lock_guard lock(mutex_);
  fault_ = fault;
  fault_position_ = 0;
  ++fault_generation_;
}

void FaultProxy::disarm() {
  std::lock_guard lock(mutex_);
  fault_.reset();
  ++fault_generation_;
}

void FaultProxy::drop_connections() {
  std::lock_guard lock(mutex_);
  ++drop_generation_;
}

std::uint64_t FaultProxy::bytes(Direction d) const {
  std::lock_guard lock(mutex_);
  return bytes_[index(d)];
}

std::uint64_t FaultProxy::connections_accepted() const {
  std::lock_guard lock(mutex_);
  return accepted_;
}

std::uint64_t FaultProxy::faults_fired() const {
  std::lock_guard lock(mutex_);
  return fired_;
}

void FaultProxy::reset_counters() {
  std::lock_guard lock(mutex_);
  for (auto& t : triggers_) t.at -= std::min(t.at, bytes_[index(t.direction)]);
  bytes_[0] = bytes_[1] = 0;
  accepted_ = 0;
  fired_ = 0;
}

bool FaultProxy::wait_for_bytes(Direction d, std::uint64_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return bytes_[index(d)] >= n; });
}

bool FaultProxy::wait_for_faults(std::uint64_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return fired_ >= n; });
}

void FaultProxy::on_bytes(Direction d, std::uint64_t n, std::function<void()> fn) {
  std::lock_guard lock(mutex_);
  triggers_.push_back({d, bytes_[index(d)] + n, std::move(fn)});
}

void FaultProxy::clear_triggers() {
  std::unique_lock lock(mutex_);
  triggers_.clear();
  // A trigger already taken off the list may be running on a proxy thread;
  // its captures must outlive it, so wait for it here.
  changed_.wait(lock, [&] { return running_triggers_ == 0; });
}

void FaultProxy::count_forwarded(Direction d, std::size_t n) {
  std::vector<std::function<void()>> due;
  {
    std::lock_guard lock(mutex_);
    bytes_[index(d)] += n;
    for (auto it = triggers_.begin(); it != triggers_.end();) {
      if (it->direction == d && it->at <= bytes_[index(d)]) {
        due.push_back(std::move(it->fn));
        it = triggers_.erase(it);
      } else {
        ++it;
      }
    }
    running_triggers_ += due.size();
  }
  changed_.notify_all();
  if (due.empty()) return;
  for (auto& fn : due) fn();
  {
    std::lock_guard lock(mutex_);
    running_triggers_ -= due.size();
  }
  changed_.notify_all();
}

std::size_t FaultProxy::apply_fault(Connection& c, Direction d, char* data, std::size_t n, After& after) {
  after = After::nothing;
  auto& pipe = c.pipe[index(d)];
  std::lock_guard lock(mutex_);
  const std::uint64_t own = pipe.counted;
  pipe.counted += n;
  if (!fault_ || fault_->direction != d) return n;
  const bool once = fault_->scope == FaultScope::once;
  const std::uint64_t pos = once ? fault_position_ : own;
  if (once) fault_position_ += n;
  const std::uint64_t at = fault_->at;
  if (at < pos || at >= pos + n) return n;
  const auto k = static_cast<std::size_t>(at - pos);
  const FaultKind kind = fault_->kind;
  ++fired_;
  if (once) fault_.reset();
  changed_.notify_all();
  switch (kind) {
    case FaultKind::flip:
      data[k] = static_cast<char>(data[k] ^ 0x01);
      return n;
    case FaultKind::cut:
      after = After::cut;
      return k;
    case FaultKind::stall:
      after = After::stall;
      return k;
  }
  return n;
}

void FaultProxy::reap_workers(bool all) {
  std::list<Worker> finished;
  {
    std::lock_guard lock(workers_mutex_);
    for (auto it = workers_.begin(); it != workers_.end();) {
      if (all || it->done->load()) {
        finished.splice(finished.end(), workers_, it++);
      } else {
        ++it;
      }
    }
  }
  for (auto& w : finished) w.thread.join();
}

void FaultProxy::accept_loop() {
  while (!stopping_) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0 && errno != EINTR) return;
    if (stopping_ || (fds[1].revents & POLLIN) != 0) return;
    if ((fds[0].revents & POLLIN) == 0) continue;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    reap_workers(false);
    auto done = std::make_shared<std::atomic<bool>>(false);
    std::lock_guard lock(workers_mutex_);
    workers_.push_back({std::thread([this, fd, done] {
                          serve(fd);
                          done->store(true);
                        }),
                        done});
  }
}

void FaultProxy::serve(int client_fd) {
  LinkMode mode;
  int port;
  {
    std::lock_guard lock(mutex_);
    ++accepted_;
    mode = mode_;
    port = upstream_port_;
  }
  changed_.notify_all();
  switch (mode) {
    case LinkMode::refuse: reset_close(client_fd); return;
    case LinkMode::black_hole: black_hole(client_fd); return;
    case LinkMode::captive_portal: captive_portal(client_fd); return;
    case LinkMode::pass: break;
  }
  Connection c;
  c.client = client_fd;
  c.upstream = connect_to(upstream_host_, port);
  if (c.upstream < 0) {  // the hub is down: the kiosk sees a reset, as through a router
    reset_close(c.client);
    return;
  }
  for (int fd : {c.client, c.upstream}) {
    set_nonblocking(fd);
    set_nodelay(fd);
  }
  c.pipe[0].src = &c.client;
  c.pipe[0].dst = &c.upstream;
  c.pipe[1].src = &c.upstream;
  c.pipe[1].dst = &c.client;
  {
    std::lock_guard lock(mutex_);
    c.fault_generation = fault_generation_;
    c.drop_generation = drop_generation_;
  }
  relay(c);
  reset_close(c.client);
  reset_close(c.upstream);
}

void FaultProxy::relay(Connection& c) {
  char chunk[kChunk];
  for (;;) {
    if (stopping_) return;
    LinkMode mode;
    std::chrono::milliseconds latency;
    std::uint64_t bandwidth;
    {
      std::lock_guard lock(mutex_);
      if (drop_generation_ != c.drop_generation) return;  // dropped: reset both ends
      if (fault_generation_ != c.fault_generation) {
        c.fault_generation = fault_generation_;
        for (auto& p : c.pipe) p.counted = 0;
      }
      mode = mode_;
      latency = latency_;
      bandwidth = bandwidth_;
    }

    if (c.stalled || mode == LinkMode::black_hole) {
      // The link went dark: nothing is read or written, so the senders' TCP
      // windows fill and their writes block, as on a dead radio link (a stall
      // is for good; a black hole lasts until the mode changes). Ends only
      // when the kiosk hangs up.
      pollfd fds[2] = {{c.client, POLLRDHUP, 0}, {stop_fd_, POLLIN, 0}};
      if (::poll(fds, 2, static_cast<int>(kIdleTick.count())) < 0 && errno != EINTR) return;
      if ((fds[0].revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0) return;
      continue;
    }

    auto now = SteadyClock::now();
    bool progress = false;
    for (std::size_t i = 0; i < 2; ++i) {
      auto& p = c.pipe[i];
      const Direction d = i == 0 ? Direction::upstream : Direction::downstream;
      if (!p.pending() && !p.src_eof && p.after == After::nothing) {
        const ssize_t n = ::read(*p.src, chunk, sizeof chunk);
        if (n > 0) {
          After after = After::nothing;
          const std::size_t keep = apply_fault(c, d, chunk, static_cast<std::size_t>(n), after);
          p.buf.assign(chunk, keep);
          p.off = 0;
          p.after = after;
          p.ready_at = now + latency;
          if (bandwidth > 0) {
            const SteadyTime start = std::max(p.ready_at, p.bw_next);
            p.ready_at = start;
            p.bw_next = start + std::chrono::microseconds(static_cast<std::int64_t>(keep * 1000000 / bandwidth));
          }
          progress = true;
        } else if (n == 0) {
          p.src_eof = true;
          progress = true;
        } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
          return;  // a reset from one end: pass it on to the other
        }
      }
      if (p.pending() && now >= p.ready_at) {
        const ssize_t w = ::send(*p.dst, p.buf.data() + p.off, p.buf.size() - p.off, MSG_NOSIGNAL);
        if (w > 0) {
          p.off += static_cast<std::size_t>(w);
          count_forwarded(d, static_cast<std::size_t>(w));
          progress = true;
          now = SteadyClock::now();
        } else if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
          return;
        }
      }
      if (!p.pending()) {
        if (p.after == After::cut) return;
        if (p.after == After::stall) {
          c.stalled = true;
          break;
        }
        if (p.src_eof && !p.shut) {
          ::shutdown(*p.dst, SHUT_WR);
          p.shut = true;
        }
      }
    }
    if (c.pipe[0].shut && c.pipe[1].shut) return;
    if (progress || c.stalled) continue;

    // Nothing moved: wait for a socket, a chunk's departure time, or the tick.
    int timeout = static_cast<int>(kIdleTick.count());
    short client_events = 0, upstream_events = 0;
    for (std::size_t i = 0; i < 2; ++i) {
      auto& p = c.pipe[i];
      short& src_ev = p.src == &c.client ? client_events : upstream_events;
      short& dst_ev = p.dst == &c.client ? client_events : upstream_events;
      if (!p.pending() && !p.src_eof && p.after == After::nothing) src_ev = static_cast<short>(src_ev | POLLIN);
      if (p.pending()) {
        if (now >= p.ready_at) dst_ev = static_cast<short>(dst_ev | POLLOUT);
        else timeout = std::min(timeout, ms_until(p.ready_at, now));
      }
    }
    pollfd fds[3] = {{c.client, client_events, 0}, {c.upstream, upstream_events, 0}, {stop_fd_, POLLIN, 0}};
    // An error or hang-up on a socket is reported by read()/send() next round.
    if (::poll(fds, 3, timeout) < 0 && errno != EINTR) return;
  }
}

void FaultProxy::black_hole(int client_fd) {
  // Swallow everything, answer nothing, never close: only the kiosk's own
  // timeouts can end this connection.
  char sink[kChunk];
  while (!stopping_) {
    pollfd fds[2] = {{client_fd, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
    if (::poll(fds, 2, static_cast<int>(kIdleTick.count())) < 0 && errno != EINTR) break;
    if ((fds[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0 && ::read(client_fd, sink, sizeof sink) <= 0) break;
  }
  reset_close(client_fd);
}

void FaultProxy::captive_portal(int client_fd) {
  std::string page;
  {
    std::lock_guard lock(mutex_);
    page = portal_page_;
  }
  // Read what the kiosk sends first (its TLS ClientHello), as an HTTP server
  // reading a request would, then answer with the login page.
  char sink[kChunk];
  pollfd fds[2] = {{client_fd, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
  if (::poll(fds, 2, 2000) > 0 && (fds[0].revents & POLLIN) != 0) (void)!::read(client_fd, sink, sizeof sink);
  const std::string response = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: " +
                               std::to_string(page.size()) + "\r\nConnection: close\r\nCache-Control: no-store\r\n\r\n" +
                               page;
  std::size_t done = 0;
  while (done < response.size()) {
    const ssize_t w = ::send(client_fd, response.data() + done, response.size() - done, MSG_NOSIGNAL);
    if (w <= 0) break;
    done += static_cast<std::size_t>(w);
  }
  ::shutdown(client_fd, SHUT_WR);
  // Drain until the kiosk closes (bounded), so it reads the page before a reset.
  const auto deadline = SteadyClock::now() + std::chrono::seconds(2);
  while (!stopping_ && SteadyClock::now() < deadline) {
    pollfd in[2] = {{client_fd, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
    if (::poll(in, 2, static_cast<int>(kIdleTick.count())) < 0 && errno != EINTR) break;
    if ((in[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0 && ::read(client_fd, sink, sizeof sink) <= 0) break;
  }
  plain_close(client_fd);
}

}  // namespace motcua::fault
