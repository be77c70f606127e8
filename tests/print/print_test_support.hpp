#pragma once
// What the printing tests share: reading QR codes off a printed image (ZXing,
// as a phone or the kiosk camera would) and a raw-port printer on loopback.

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <future>
#include <string>
#include <vector>

#include "print/mono_bitmap.hpp"

namespace motcua::test {

// The texts of every QR code in the image, sorted.
std::vector<std::string> read_qr_codes(const print::MonoBitmap& image);

inline std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// A TCP listener on 127.0.0.1 (ephemeral port) standing in for a printer's
// port 9100.
struct RawPortPrinter {
  int fd = -1;
  std::uint16_t port = 0;
  explicit RawPortPrinter(bool listen_now = true);
  ~RawPortPrinter() { ::close(fd); }
  RawPortPrinter(const RawPortPrinter&) = delete;
  RawPortPrinter& operator=(const RawPortPrinter&) = delete;
  std::string address() const { return "127.0.0.1:" + std::to_string(port); }
  // Everything one job sends, until the sender closes.
  std::future<std::vector<std::uint8_t>> capture_one_job();
};

}  // namespace motcua::test
