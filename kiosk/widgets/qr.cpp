#include "widgets/qr.hpp"

#define ZX_USE_UTF8 1
#include <ZXing/BitMatrix.h>
#include <ZXing/CharacterSet.h>
#include <ZXing/MultiFormatWriter.h>

namespace motcua::kiosk {

Result<QrImage> make_qr(std::string_view payload, int module_px) {
  ZXing::BitMatrix bits;
  try {
    // ECC level M (ZXing's 0–8 scale: 4): survives a scuffed phone photo.
    bits = ZXing::MultiFormatWriter(ZXing::BarcodeFormat::QRCode)
               .setEncoding(ZXing::CharacterSet::UTF8)
               .setEccLevel(4)
               .setMargin(0)
               .encode(std::string(payload), 0, 0);
  } catch (const std::exception& e) {
    return fail(Errc::invalid_argument, std::string("QR encoding failed: ") + e.what());
  }
  const int quiet = 4;  // modules of white around the code: the quiet zone ISO/IEC 18004 asks for
  const int modules = bits.width();
  QrImage img;
  img.width = img.height = (modules + 2 * quiet) * module_px;
  img.rgba.assign(static_cast<std::size_t>(img.width) * static_cast<std::size_t>(img.height) * 4, 255);
  for (int y = 0; y < img.height; ++y) {
    const int my = y / module_px - quiet;
    for (int x = 0; x < img.width; ++x) {
      const int mx = x / module_px - quiet;
      if (mx < 0 || my < 0 || mx >= modules || my >= bits.height() || !bits.get(mx, my)) continue;
      const std::size_t at = (static_cast<std::size_t>(y) * static_cast<std::size_t>(img.width) +
                              static_cast<std::size_t>(x)) * 4;
      img.rgba[at] = img.rgba[at + 1] = img.rgba[at + 2] = 0x10;
    }
  }
  return img;
}

}  // namespace motcua::kiosk
