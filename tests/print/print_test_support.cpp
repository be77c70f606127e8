#include "print_test_support.hpp"

#define ZX_USE_UTF8 1
#include <ZXing/ReadBarcode.h>

namespace motcua::test {

std::vector<std::string> read_qr_codes(const print::MonoBitmap& image) {
  const auto lum = print::to_luminance(image, 16);
  const auto results =
      ZXing::ReadBarcodes(ZXing::ImageView(lum.data(), image.width + 32, image.height + 32, ZXing::ImageFormat::Lum),
                          ZXing::DecodeHints().setFormats(ZXing::BarcodeFormat::QRCode));
  std::vector<std::string> texts;
  for (const auto& r : results) texts.push_back(r.text());
  return sorted(std::move(texts));
}

RawPortPrinter::RawPortPrinter(bool listen_now) {
  fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  port = ntohs(a.sin_port);
  if (listen_now) ::listen(fd, 4);
}

std::future<std::vector<std::uint8_t>> RawPortPrinter::capture_one_job() {
  return std::async(std::launch::async, [listen_fd = fd] {
    std::vector<std::uint8_t> got;
    const int conn = ::accept(listen_fd, nullptr, nullptr);
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

}  // namespace motcua::test
