// Getting receipt bytes to the printer: a device file or a raw TCP port 9100.
// Every failure a member of staff can meet says what to check — no such
// device, not connected, connection refused, a printer that stopped taking
// data — and none of them hangs the kiosk.

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <future>
#include <thread>
#include <vector>

#include "motcua/util/fs.hpp"
#include "print/escpos.hpp"
#include "print/printer_link.hpp"
#include "support/temp_dir.hpp"

using namespace motcua;
using namespace motcua::print;
using namespace std::chrono_literals;

namespace {

std::vector<std::uint8_t> receipt_bytes(int rows = 200) {
  MonoBitmap img(576, rows);
  for (int y = 0; y < rows; ++y) img.set((y * 7) % 576, y);
  return encode_escpos(img);
}

// A listening socket on 127.0.0.1, ephemeral port.
struct Listener {
  int fd = -1;
  std::uint16_t port = 0;
  explicit Listener(int receive_buffer = 0, bool listen_now = true) {
    fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (receive_buffer > 0) ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
    if (listen_now) ::listen(fd, 4);
  }
  ~Listener() { ::close(fd); }
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;
};

// What a raw-port printer receives: everything until the sender closes.
std::future<std::vector<std::uint8_t>> capture_one_job(Listener& listener) {
  return std::async(std::launch::async, [fd = listener.fd] {
    std::vector<std::uint8_t> got;
    const int conn = ::accept(fd, nullptr, nullptr);
    if (conn < 0) return got;
    std::uint8_t buf[65536];
    while (true) {
      const ssize_t n = ::read(conn, buf, sizeof buf);
      if (n <= 0) break;
      got.insert(got.end(), buf, buf + n);
    }
    ::close(conn);
    return got;
  });
}

}  // namespace

TEST(DevicePrinter, WritesTheWholeJobToTheDevice) {
  test::TempDir dir;
  const auto device = dir / "lp0";
  ASSERT_TRUE(fs::write_file_durable(device, std::string_view{}));  // the device node exists before the job
  const auto bytes = receipt_bytes();
  DevicePrinter printer(device, 2s);
  auto sent = printer.send(bytes);
  ASSERT_TRUE(sent) << sent.error().message;
  auto written = fs::read_file(device);
  ASSERT_TRUE(written);
  EXPECT_EQ(std::vector<std::uint8_t>(written->begin(), written->end()), bytes);
}

TEST(DevicePrinter, NoSuchDeviceSaysSoAndCreatesNothing) {
  test::TempDir dir;
  const auto device = dir / "usb" / "lp0";
  DevicePrinter printer(device, 1s);
  auto sent = printer.send(receipt_bytes());
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().code, Errc::not_found);
  EXPECT_NE(sent.error().message.find("no such device"), std::string::npos) << sent.error().message;
  EXPECT_NE(sent.error().message.find(device.string()), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(device));
}

TEST(DevicePrinter, ReadOnlyDeviceIsAPermissionProblem) {
  if (::geteuid() == 0) GTEST_SKIP() << "root may write anywhere";
  test::TempDir dir;
  const auto device = dir / "lp0";
  ASSERT_TRUE(fs::write_file_durable(device, std::string_view{}));
  std::filesystem::permissions(device, std::filesystem::perms::owner_read);
  auto sent = DevicePrinter(device, 1s).send(receipt_bytes());
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().code, Errc::forbidden);
  EXPECT_NE(sent.error().message.find("group lp"), std::string::npos) << sent.error().message;
}

TEST(DevicePrinter, UnpluggedPrinterIsNotConnected) {
  // A FIFO nobody reads stands in for a device node whose printer is gone (ENXIO).
  test::TempDir dir;
  const auto device = dir / "lp0";
  ASSERT_EQ(::mkfifo(device.c_str(), 0600), 0);
  auto sent = DevicePrinter(device, 1s).send(receipt_bytes());
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().code, Errc::unavailable);
  EXPECT_NE(sent.error().message.find("not connected"), std::string::npos) << sent.error().message;
}

TEST(DevicePrinter, PrinterThatStopsTakingDataTimesOut) {
  // The reader end is open but never read (paper out): the pipe fills and the
  // send gives up after the timeout instead of blocking the kiosk.
  test::TempDir dir;
  const auto device = dir / "lp0";
  ASSERT_EQ(::mkfifo(device.c_str(), 0600), 0);
  const int reader = ::open(device.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  ASSERT_GE(reader, 0);
  const auto bytes = receipt_bytes(4000);  // ≈ 290 KB, more than a pipe holds
  const auto start = std::chrono::steady_clock::now();
  auto sent = DevicePrinter(device, 200ms).send(bytes);
  const auto took = std::chrono::steady_clock::now() - start;
  ::close(reader);
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().code, Errc::unavailable);
  EXPECT_NE(sent.error().message.find("took no data for 200 ms"), std::string::npos) << sent.error().message;
  EXPECT_LT(took, 5s);
}

TEST(DevicePrinter, SlowPrinterGetsEveryByte) {
  // A reader that drains the FIFO in small pieces: the writer waits, never fails.
  test::TempDir dir;
  const auto device = dir / "lp0";
  ASSERT_EQ(::mkfifo(device.c_str(), 0600), 0);
  const int reader = ::open(device.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  ASSERT_GE(reader, 0);
  const auto bytes = receipt_bytes(4000);
  auto drained = std::async(std::launch::async, [reader, total = bytes.size()] {
    std::vector<std::uint8_t> got;
    std::uint8_t buf[4096];
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (got.size() < total && std::chrono::steady_clock::now() < deadline) {
      const ssize_t n = ::read(reader, buf, sizeof buf);
      if (n > 0)
        got.insert(got.end(), buf, buf + n);
      else
        std::this_thread::yield();
    }
    return got;
  });
  auto sent = DevicePrinter(device, 5s).send(bytes);
  ASSERT_TRUE(sent) << sent.error().message;
  const auto got = drained.get();
  ::close(reader);
  EXPECT_EQ(got, bytes);
}

TEST(NetworkPrinter, RawPortReceivesTheReceiptThatWasLaidOut) {
  Listener listener;
  auto job = capture_one_job(listener);
  const auto bytes = receipt_bytes();
  auto printer = open_printer("tcp://127.0.0.1:" + std::to_string(listener.port), 2s);
  ASSERT_TRUE(printer) << printer.error().message;
  EXPECT_EQ((*printer)->describe(), "tcp 127.0.0.1:" + std::to_string(listener.port));
  auto sent = (*printer)->send(bytes);
  ASSERT_TRUE(sent) << sent.error().message;
  ASSERT_EQ(job.wait_for(10s), std::future_status::ready);
  const auto got = job.get();
  EXPECT_EQ(got, bytes);
  auto printout = decode_escpos(got);
  ASSERT_TRUE(printout) << printout.error().message;
  EXPECT_EQ(printout->image.height, 200);
  EXPECT_TRUE(printout->ends_with_cut);
}

TEST(NetworkPrinter, PrinterThatIsOffRefusesTheConnection) {
  Listener bound_not_listening(0, false);  // the port is ours, so nobody else answers on it
  NetworkPrinter printer("127.0.0.1", bound_not_listening.port, 2s);
  auto sent = printer.send(receipt_bytes());
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().code, Errc::network);
  EXPECT_NE(sent.error().message.find("refused the connection"), std::string::npos) << sent.error().message;
}

TEST(NetworkPrinter, PrinterThatStopsReadingTimesOut) {
  // Accepted, never read, small receive window: the kernel's buffers fill and
  // the send stops making progress.
  Listener listener(4096);
  std::promise<void> done;
  auto accepted = std::async(std::launch::async, [fd = listener.fd, finished = done.get_future()] {
    const int conn = ::accept(fd, nullptr, nullptr);
    finished.wait();  // hold the connection open, unread, until the test has its answer
    if (conn >= 0) ::close(conn);
  });
  std::vector<std::uint8_t> big(32u << 20, 0x00);  // far more than socket buffers hold
  NetworkPrinter printer("127.0.0.1", listener.port, 300ms);
  const auto start = std::chrono::steady_clock::now();
  auto sent = printer.send(big);
  const auto took = std::chrono::steady_clock::now() - start;
  done.set_value();
  accepted.get();
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().code, Errc::network);
  EXPECT_NE(sent.error().message.find("took no data for 300 ms"), std::string::npos) << sent.error().message;
  EXPECT_LT(took, 10s);
}

TEST(PrinterAddress, NamesADevicePathOrATcpPort) {
  auto dev = open_printer("/dev/usb/lp0", 1s);
  ASSERT_TRUE(dev);
  EXPECT_EQ((*dev)->describe(), "/dev/usb/lp0");
  auto tcp = open_printer("tcp://192.0.2.10", 1s);
  ASSERT_TRUE(tcp);
  EXPECT_EQ((*tcp)->describe(), "tcp 192.0.2.10:9100") << "the raw print port by default";
  auto v6 = open_printer("tcp://[::1]:9101", 1s);
  ASSERT_TRUE(v6);
  EXPECT_EQ((*v6)->describe(), "tcp ::1:9101");
  for (const char* bad :
       {"", "tcp://", "tcp://host:", "tcp://host:99999", "tcp://host:91a0", "http://host/", "tcp://[::1"})
    EXPECT_FALSE(open_printer(bad, 1s)) << bad;
}
