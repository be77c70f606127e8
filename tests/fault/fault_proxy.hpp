#pragma once
// A bad rural link between a kiosk and the hub, in a box: a TCP proxy on
// 127.0.0.1 that forwards to the hub and, when told, cuts connections after N
// bytes, stalls them, adds latency, throttles, black-holes, refuses, flips a
// byte, or plays a captive portal. It works below TLS — the bytes pass through
// untouched, exactly as a real link would carry them — so the tests exercise
// the kiosk's real TLS client and the hub's real TLS server.
//
// Every setting can be changed while connections are open; the tests switch
// the link from bad to good and back as a real office's link would.
// Plain POSIX sockets, one thread per connection (a test proxy carries a
// handful of connections at a time).

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace motcua::fault {

enum class Direction {
  upstream,    // kiosk → hub (requests, uploads)
  downstream,  // hub → kiosk (answers, acknowledgements)
};

// What happens to a connection at the moment it is accepted.
enum class LinkMode {
  pass,            // forward both ways
  black_hole,      // accept, swallow whatever arrives, never answer, never close;
                   // open connections stop moving while this lasts
  refuse,          // accept and reset at once (no route to the hub)
  captive_portal,  // answer with a plain-HTTP "200 OK" HTML page and close, as a
                   // hotel or office Wi-Fi login page does to any connection
};

// A fault at a byte position of a direction.
enum class FaultKind {
  cut,    // forward the bytes before the position, then reset both sides
  stall,  // forward the bytes before the position, then never move another byte in
          // either direction, reading nothing (the connection stays open: only the
          // kiosk's timeouts can end it)
  flip,   // flip one bit of the byte at the position and go on
};

enum class FaultScope {
  once,             // the position counts bytes of the direction across all
                    // connections since arm(); fires once, then disarms
  each_connection,  // the position counts from the start of each connection;
                    // fires on every connection until disarm()
};

struct Fault {
  FaultKind kind = FaultKind::cut;
  Direction direction = Direction::upstream;
  std::uint64_t at = 0;
  FaultScope scope = FaultScope::once;
};

class FaultProxy {
 public:
  // Listens on 127.0.0.1:0 and forwards to upstream_host:upstream_port.
  // Throws std::runtime_error when it cannot listen.
  FaultProxy(std::string upstream_host, int upstream_port);
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  int port() const { return port_; }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(port_); }

  // New connections go to this port from now on (e.g. an in-test TLS portal).
  void set_upstream_port(int port);
  // refuse and captive_portal also reset the connections open at the switch
  // (a portal that appears intercepts everything); black_hole freezes them.
  void set_mode(LinkMode mode);
  void set_portal_page(std::string html);
  // Each chunk (up to 16 KiB) waits this long before it is forwarded.
  void set_latency(std::chrono::milliseconds per_chunk);
  // Per connection and direction; 0 = unlimited.
  void set_bandwidth(std::uint64_t bytes_per_second);

  void arm(Fault fault);
  void disarm();
  // Resets every open connection now (the link dropped).
  void drop_connections();

  // Bytes forwarded per direction since construction or reset_counters().
  std::uint64_t bytes(Direction d) const;
  std::uint64_t connections_accepted() const;
  std::uint64_t faults_fired() const;
  void reset_counters();

  // Waits until bytes(d) >= n; false at the deadline.
  bool wait_for_bytes(Direction d, std::uint64_t n, std::chrono::milliseconds timeout) const;
  bool wait_for_faults(std::uint64_t n, std::chrono::milliseconds timeout) const;
  // Calls fn once, on a proxy thread, right after the chunk that makes
  // bytes(d) reach n has been forwarded (n counts from this call). Use it to
  // act at an exact point of a transfer — e.g. SIGKILL the kiosk there.
  void on_bytes(Direction d, std::uint64_t n, std::function<void()> fn);
  // Removes pending triggers and waits for any that is running right now.
  void clear_triggers();

 private:
  struct Connection;
  struct Trigger {
    Direction direction;
    std::uint64_t at;  // absolute value of the counter
    std::function<void()> fn;
  };
  struct Worker {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };

  void accept_loop();
  void serve(int client_fd);
  void relay(Connection& c);
  void black_hole(int client_fd);
  void captive_portal(int client_fd);
  // Applies the armed fault to a chunk read from `d`; returns how many bytes of
  // it may be forwarded and what to do after them.
  enum class After { nothing, cut, stall };
  std::size_t apply_fault(Connection& c, Direction d, char* data, std::size_t n, After& after);
  void count_forwarded(Direction d, std::size_t n);
  void reap_workers(bool all);

  std::string upstream_host_;
  int listen_fd_ = -1;
  int stop_fd_ = -1;  // eventfd: wakes every poll() at shutdown
  int port_ = 0;
  std::atomic<bool> stopping_{false};

  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  int upstream_port_ = 0;
  LinkMode mode_ = LinkMode::pass;
  std::string portal_page_;
  std::chrono::milliseconds latency_{0};
  std::uint64_t bandwidth_ = 0;
  std::optional<Fault> fault_;
  std::uint64_t fault_generation_ = 0;  // bumps on arm(): connections restart their own counts
  std::uint64_t fault_position_ = 0;    // FaultScope::once: bytes of the direction since arm()
  std::uint64_t drop_generation_ = 0;
  std::uint64_t bytes_[2] = {0, 0};
  std::uint64_t accepted_ = 0;
  std::uint64_t fired_ = 0;
  std::vector<Trigger> triggers_;
  std::size_t running_triggers_ = 0;

  std::thread acceptor_;
  std::mutex workers_mutex_;
  std::list<Worker> workers_;
};

const char* to_string(Direction d);
const char* to_string(LinkMode m);
const char* to_string(FaultKind k);

}  // namespace motcua::fault
