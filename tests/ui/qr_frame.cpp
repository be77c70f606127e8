// motcua-qr-frame: writes a camera frame (640×480 PNG) showing a QR code, as a
// receipt held up to the kiosk's camera would look — for the UI tests, which
// give it to the kiosk with --camera file:FRAME.png (docs/camera.md).
//   motcua-qr-frame --receipt CODE SECRET OUT.png   the receipt's own QR code
//   motcua-qr-frame --text TEXT OUT.png             any other QR code
// The code is drawn with the kiosk's own QR writer (widgets/qr.hpp) and the
// receipt payload with domain::receipt_qr_payload, so the test reads exactly
// what a receipt prints.

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <stb_image_write.h>

#include "motcua/domain/dossier_code.hpp"
#include "widgets/qr.hpp"

int main(int argc, char** argv) {
  CLI::App cli{"motcua-qr-frame — a camera frame with a QR code, for UI tests"};
  std::vector<std::string> receipt;
  std::string text, out;
  auto* r = cli.add_option("--receipt", receipt, "CODE SECRET: the receipt's QR code")->expected(2);
  auto* t = cli.add_option("--text", text, "any other QR code");
  r->excludes(t);
  cli.add_option("out", out, "PNG file to write")->required();
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e) == 0 ? 0 : 2;
  }
  if (receipt.empty() && text.empty()) {
    std::cerr << "motcua-qr-frame: --receipt CODE SECRET or --text TEXT\n";
    return 2;
  }
  const std::string payload = receipt.empty() ? text : motcua::domain::receipt_qr_payload(receipt[0], receipt[1]);
  auto qr = motcua::kiosk::make_qr(payload, 6);
  if (!qr) {
    std::cerr << "motcua-qr-frame: " << qr.error().describe() << "\n";
    return 1;
  }
  // A grey room, the white paper a little off centre, the code on it.
  constexpr int W = 640, H = 480;
  std::vector<unsigned char> rgb(static_cast<std::size_t>(W) * H * 3);
  for (int y = 0; y < H; ++y)
    for (int x = 0; x < W; ++x) {
      const auto v = static_cast<unsigned char>(90 + (x + 2 * y) % 23);
      unsigned char* p = &rgb[(static_cast<std::size_t>(y) * W + static_cast<std::size_t>(x)) * 3];
      p[0] = v, p[1] = static_cast<unsigned char>(v + 6), p[2] = static_cast<unsigned char>(v + 12);
    }
  const int ox = (W - qr->width) / 2 + 40, oy = (H - qr->height) / 2 - 10;
  if (ox < 0 || oy < 0 || ox + qr->width > W || oy + qr->height > H) {
    std::cerr << "motcua-qr-frame: the code does not fit a 640×480 frame\n";
    return 1;
  }
  for (int y = 0; y < qr->height; ++y)
    for (int x = 0; x < qr->width; ++x) {
      const unsigned char* s = &qr->rgba[(static_cast<std::size_t>(y) * static_cast<std::size_t>(qr->width) + static_cast<std::size_t>(x)) * 4];
      unsigned char* p = &rgb[(static_cast<std::size_t>(y + oy) * W + static_cast<std::size_t>(x + ox)) * 3];
      // Paper is not pure white and ink not pure black under a kiosk's light.
      const unsigned char v = s[0] > 128 ? 236 : 28;
      p[0] = p[1] = p[2] = v;
    }
  if (!stbi_write_png(out.c_str(), W, H, 3, rgb.data(), W * 3)) {
    std::cerr << "motcua-qr-frame: cannot write " << out << "\n";
    return 1;
  }
  return 0;
}
