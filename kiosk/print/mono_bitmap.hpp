#pragma once
// A 1-bit image as a thermal printer sees it: dots, black or not. Receipts are
// composed in one (text rasterised with FreeType, the QR code from ZXing) and
// sent to the printer as ESC/POS raster bands (print/escpos.hpp).

#include <cstdint>
#include <vector>

namespace motcua::print {

struct MonoBitmap {
  int width = 0, height = 0;
  std::vector<std::uint8_t> dots;  // row-major, one byte per dot: 1 = black, 0 = paper

  MonoBitmap() = default;
  MonoBitmap(int w, int h);

  bool black(int x, int y) const;                // false outside the image
  void set(int x, int y, bool is_black = true);  // ignored outside the image
  bool empty() const { return width == 0 || height == 0; }
  friend bool operator==(const MonoBitmap&, const MonoBitmap&) = default;
};

// Draws src's black dots onto dst with src's top-left corner at (x, y); what
// falls outside dst is clipped.
void draw(MonoBitmap& dst, const MonoBitmap& src, int x, int y);

// Every dot becomes a square of factor × factor dots.
MonoBitmap scale(const MonoBitmap& src, int factor);

// 8-bit luminance (0 black, 255 white) with a white border of `margin` dots on
// every side: what a camera or ZXing reads.
std::vector<std::uint8_t> to_luminance(const MonoBitmap& image, int margin = 0);

}  // namespace motcua::print
