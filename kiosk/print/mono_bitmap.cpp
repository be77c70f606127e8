#include "print/mono_bitmap.hpp"

#include <algorithm>
#include <cstddef>
#include <stdexcept>

namespace motcua::print {

namespace {
std::size_t index(int width, int x, int y) {
  return static_cast<std::size_t>(y) * static_cast<std::size_t>(width) + static_cast<std::size_t>(x);
}
}  // namespace

MonoBitmap::MonoBitmap(int w, int h) : width(w), height(h) {
  if (w < 0 || h < 0) throw std::invalid_argument("MonoBitmap: negative size");
  dots.assign(static_cast<std::size_t>(w) * static_cast<std::size_t>(h), 0);
}

bool MonoBitmap::black(int x, int y) const {
  if (x < 0 || y < 0 || x >= width || y >= height) return false;
  return dots[index(width, x, y)] != 0;
}

void MonoBitmap::set(int x, int y, bool is_black) {
  if (x < 0 || y < 0 || x >= width || y >= height) return;
  dots[index(width, x, y)] = is_black ? 1 : 0;
}

void draw(MonoBitmap& dst, const MonoBitmap& src, int x, int y) {
  const int y0 = std::max(0, -y), y1 = std::min(src.height, dst.height - y);
  const int x0 = std::max(0, -x), x1 = std::min(src.width, dst.width - x);
  for (int sy = y0; sy < y1; ++sy)
    for (int sx = x0; sx < x1; ++sx)
      if (src.dots[index(src.width, sx, sy)]) dst.dots[index(dst.width, x + sx, y + sy)] = 1;
}

MonoBitmap scale(const MonoBitmap& src, int factor) {
  if (factor < 1) throw std::invalid_argument("scale: factor must be at least 1");
  MonoBitmap out(src.width * factor, src.height * factor);
  for (int y = 0; y < out.height; ++y)
    for (int x = 0; x < out.width; ++x)
      out.dots[index(out.width, x, y)] = src.dots[index(src.width, x / factor, y / factor)];
  return out;
}

std::vector<std::uint8_t> to_luminance(const MonoBitmap& image, int margin) {
  const int w = image.width + 2 * margin, h = image.height + 2 * margin;
  std::vector<std::uint8_t> lum(static_cast<std::size_t>(w) * static_cast<std::size_t>(h), 255);
  for (int y = 0; y < image.height; ++y)
    for (int x = 0; x < image.width; ++x)
      if (image.dots[index(image.width, x, y)]) lum[index(w, x + margin, y + margin)] = 0;
  return lum;
}

}  // namespace motcua::print
