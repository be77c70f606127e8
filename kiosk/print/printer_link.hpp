#pragma once
// Where the receipt printer's bytes go: a device file (a USB printer's
// /dev/usb/lp0, a serial port) or a network printer's raw port (TCP 9100,
// "JetDirect"). One job per send(): the device is opened, or the connection
// made, for each receipt, so a printer that was off or unplugged for the last
// one works again for the next.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "motcua/util/error.hpp"

namespace motcua::print {

class PrinterLink {
 public:
  virtual ~PrinterLink() = default;
  // Every byte handed to the device or the peer, or an error saying what to
  // check: Errc::not_found (no such device), forbidden (permissions),
  // unavailable (unplugged, busy, or stopped taking data: paper out, cover
  // open), io, network (refused, unreachable, timed out).
  virtual Result<void> send(std::span<const std::uint8_t> bytes) = 0;
  // For messages and logs: "/dev/usb/lp0", "tcp 192.168.1.50:9100".
  virtual std::string describe() const = 0;
};

// Writes to a device file that must already exist (it is never created).
// timeout: the longest the printer may go without taking any data.
class DevicePrinter final : public PrinterLink {
 public:
  DevicePrinter(std::filesystem::path device, std::chrono::milliseconds timeout);
  Result<void> send(std::span<const std::uint8_t> bytes) override;
  std::string describe() const override { return device_.string(); }

 private:
  std::filesystem::path device_;
  std::chrono::milliseconds timeout_;
};

// Sends to host:port over TCP (raw printing). timeout bounds the connection
// and each wait for the printer to take more data.
class NetworkPrinter final : public PrinterLink {
 public:
  NetworkPrinter(std::string host, std::uint16_t port, std::chrono::milliseconds timeout);
  Result<void> send(std::span<const std::uint8_t> bytes) override;
  std::string describe() const override;

 private:
  std::string host_;
  std::uint16_t port_;
  std::chrono::milliseconds timeout_;
};

inline constexpr std::uint16_t kRawPrintPort = 9100;

// "tcp://HOST[:PORT]" (port 9100 when absent) or a device path ("/dev/usb/lp0").
Result<std::unique_ptr<PrinterLink>> open_printer(std::string_view address, std::chrono::milliseconds timeout);

}  // namespace motcua::print
