#pragma once
// A corrupted chunk the link's TLS cannot catch. Below TLS (FaultProxy) a
// flipped bit only breaks the record MAC and the connection dies; to test the
// hub's own digest check, this relay terminates the kiosk's TLS with the hub's
// server certificate, re-encrypts towards the hub with the kiosk's client
// certificate (so the hub still knows which kiosk is talking), and flips one
// bit of the plaintext the kiosk sends — a faulty middlebox, a bad RAM bit on
// a router, a buggy TLS-inspecting firewall.
//
// It needs no knowledge of the upload protocol: the position is given as "so
// many bytes after the first occurrence of these bytes" (the start of a page's
// content), which holds for a single PUT and for tus PATCH chunks alike.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace motcua::fault {

struct RelayIdentity {
  std::filesystem::path server_cert, server_key;  // shown to the kiosk (the hub's own)
  std::filesystem::path client_cert, client_key;  // shown to the hub (the kiosk's own)
};

class TlsTamperRelay {
 public:
  // Listens on 127.0.0.1:0, relays to 127.0.0.1:upstream_port. Throws on setup errors.
  TlsTamperRelay(const RelayIdentity& identity, int upstream_port);
  ~TlsTamperRelay();
  TlsTamperRelay(const TlsTamperRelay&) = delete;
  TlsTamperRelay& operator=(const TlsTamperRelay&) = delete;

  int port() const { return port_; }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(port_); }

  // Flips the lowest bit of the byte `offset` bytes after the start of the first
  // occurrence of `marker` in what a kiosk sends; fires once, then relays faithfully.
  void corrupt_after(std::string marker, std::size_t offset);
  std::uint64_t corruptions() const;
  bool wait_for_corruptions(std::uint64_t n, std::chrono::milliseconds timeout) const;

 private:
  struct Impl;
  struct Matcher;
  void accept_loop();
  void serve(int client_fd);
  void tamper(Matcher& m, char* data, std::size_t n);

  std::unique_ptr<Impl> impl_;
  int port_ = 0;
  int upstream_port_ = 0;
  std::atomic<bool> stopping_{false};

  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::optional<std::string> marker_;
  std::size_t offset_ = 0;
  std::uint64_t corruptions_ = 0;
};

}  // namespace motcua::fault
