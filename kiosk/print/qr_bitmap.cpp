#include "print/qr_bitmap.hpp"

#define ZX_USE_UTF8 1
#include <ZXing/BitMatrix.h>
#include <ZXing/CharacterSet.h>
#include <ZXing/MultiFormatWriter.h>

#include <algorithm>
#include <exception>
#include <string>

namespace motcua::print {

Result<MonoBitmap> qr_bitmap(std::string_view payload, int module_dots) {
  if (module_dots < 1) return fail(Errc::invalid_argument, "QR module size must be at least one dot");
  if (payload.empty()) return fail(Errc::invalid_argument, "QR payload is empty");
  // An ASCII payload (VietQR, the receipt code) is written without an ECI
  // header: some banking apps' scanners reject codes that carry one. Other
  // text is declared UTF-8.
  const bool ascii =
      std::all_of(payload.begin(), payload.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  ZXing::BitMatrix bits;
  try {
    ZXing::MultiFormatWriter writer(ZXing::BarcodeFormat::QRCode);
    writer.setEccLevel(4).setMargin(0);  // ZXing's 0–8 scale: 4 is level M
    if (!ascii) writer.setEncoding(ZXing::CharacterSet::UTF8);
    bits = writer.encode(std::string(payload), 0, 0);
  } catch (const std::exception& e) {
    return fail(Errc::invalid_argument, std::string("QR encoding failed: ") + e.what());
  }
  constexpr int kQuiet = 4;
  MonoBitmap modules(bits.width() + 2 * kQuiet, bits.height() + 2 * kQuiet);
  for (int y = 0; y < bits.height(); ++y)
    for (int x = 0; x < bits.width(); ++x)
      if (bits.get(x, y)) modules.set(x + kQuiet, y + kQuiet);
  return scale(modules, module_dots);
}

}  // namespace motcua::print
