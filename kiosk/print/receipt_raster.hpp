#pragma once
// A receipt laid out as one strip of dots as wide as the paper: text blocks
// (wrapped, aligned, regular or bold), images (the QR codes), rules and space.
// The content — which lines a receipt has (Circular 03/2025 form 01) — is the
// caller's; this only turns blocks into dots for print/escpos.hpp.

#include <span>
#include <string>
#include <variant>

#include "motcua/util/error.hpp"
#include "print/mono_bitmap.hpp"
#include "print/text_raster.hpp"

namespace motcua::print {

enum class Align { left, center, right };

struct ReceiptText {
  std::string text;  // UTF-8, NFC; '\n' starts a new line
  int size = 24;     // pixels per em: 24 dots ≈ 3 mm at 203 dpi
  bool bold = false;
  Align align = Align::left;
};
struct ReceiptImage {
  MonoBitmap image;
  Align align = Align::center;
};
struct ReceiptRule {
  int thickness = 2;
};
struct ReceiptSpace {
  int dots = 12;
};
using ReceiptBlock = std::variant<ReceiptText, ReceiptImage, ReceiptRule, ReceiptSpace>;

struct ReceiptFonts {
  TextRasterizer& regular;
  TextRasterizer& bold;
};

// 80 mm paper: 576 printable dots at 203 dpi (58 mm paper: 384).
inline constexpr int kPaper80mmDots = 576;
inline constexpr int kPaper58mmDots = 384;

struct Paper {
  int width = kPaper80mmDots;
  int margin = 8;  // dots left blank on each side
};

// Errc::invalid_argument when an image is wider than the printable width (it
// would be cut off) or the paper is narrower than its margins.
Result<MonoBitmap> render_receipt(std::span<const ReceiptBlock> blocks, ReceiptFonts fonts, Paper paper = {});

}  // namespace motcua::print
