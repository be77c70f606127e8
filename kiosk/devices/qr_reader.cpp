#include "devices/qr_reader.hpp"

#define ZX_USE_UTF8 1
#include <ZXing/ReadBarcode.h>

namespace motcua::kiosk {

namespace {

// Frames wider than this are halved first: a receipt held in front of the lens
// fills much of the picture, and decoding time grows with the pixel count.
constexpr int kMaxDecodeWidth = 1280;

Frame halve(const Frame& in) {
  const int bpp = in.format == PixelFormat::grey ? 1 : 3;
  Frame out;
  out.width = in.width / 2;
  out.height = in.height / 2;
  out.format = in.format;
  out.pixels.resize(static_cast<std::size_t>(out.width) * static_cast<std::size_t>(out.height) *
                    static_cast<std::size_t>(bpp));
  const auto stride = static_cast<std::size_t>(in.width) * static_cast<std::size_t>(bpp);
  for (int y = 0; y < out.height; ++y)
    for (int x = 0; x < out.width; ++x)
      for (int c = 0; c < bpp; ++c) {
        const std::size_t at = static_cast<std::size_t>(2 * y) * stride + static_cast<std::size_t>(2 * x * bpp + c);
        const auto b = static_cast<std::size_t>(bpp);
        const unsigned sum = unsigned{in.pixels[at]} + unsigned{in.pixels[at + b]} + unsigned{in.pixels[at + stride]} +
                             unsigned{in.pixels[at + stride + b]};
        out.pixels[(static_cast<std::size_t>(y) * static_cast<std::size_t>(out.width) + static_cast<std::size_t>(x)) *
                       static_cast<std::size_t>(bpp) + static_cast<std::size_t>(c)] = static_cast<std::uint8_t>(sum / 4);
      }
  return out;
}

}  // namespace

std::vector<std::string> read_qr_codes(const Frame& frame) {
  const int bpp = frame.format == PixelFormat::grey ? 1 : 3;
  if (frame.width <= 0 || frame.height <= 0 ||
      frame.pixels.size() < static_cast<std::size_t>(frame.width) * static_cast<std::size_t>(frame.height) *
                                static_cast<std::size_t>(bpp))
    return {};  // an empty or truncated frame holds no code
  if (frame.width > kMaxDecodeWidth) return read_qr_codes(halve(frame));
  const ZXing::ImageView view(frame.pixels.data(), frame.width, frame.height,
                              frame.format == PixelFormat::grey ? ZXing::ImageFormat::Lum : ZXing::ImageFormat::RGB);
  // QR codes only, and no try-harder: the camera thread reads several frames a
  // second, so a code missed in one frame is read in the next. QR finder
  // patterns work at any rotation without tryRotate (which is for 1-D codes).
  const auto hints = ZXing::DecodeHints()
                         .setFormats(ZXing::BarcodeFormat::QRCode)
                         .setTryHarder(false)
                         .setTryRotate(false)
                         .setMaxNumberOfSymbols(4);
  std::vector<std::string> texts;
  for (const auto& r : ZXing::ReadBarcodes(view, hints))
    if (r.isValid()) texts.push_back(r.text());
  return texts;
}

QrScan scan_receipt(const Frame& frame) {
  QrScan scan;
  for (auto& text : read_qr_codes(frame)) {
    if (auto receipt = domain::parse_receipt_qr(text)) {
      scan.receipt = std::move(*receipt);
      scan.foreign.reset();
      return scan;
    }
    if (!scan.foreign) scan.foreign = std::move(text);
  }
  return scan;
}

}  // namespace motcua::kiosk
