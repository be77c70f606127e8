#include "print/escpos.hpp"

#include <algorithm>
#include <cstdio>
#include <string>

namespace motcua::print {

namespace {

constexpr std::uint8_t ESC = 0x1B, GS = 0x1D, LF = 0x0A;

void put16(std::vector<std::uint8_t>& out, int v) {
  out.push_back(static_cast<std::uint8_t>(v & 0xFF));
  out.push_back(static_cast<std::uint8_t>((v >> 8) & 0xFF));
}

std::string hex(std::uint8_t b) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", b);
  return buf;
}

Error at(std::size_t offset, std::string message) {
  return Error{Errc::invalid_argument, "ESC/POS offset " + std::to_string(offset) + ": " + std::move(message)};
}

}  // namespace

std::vector<std::uint8_t> encode_escpos(const MonoBitmap& image, const EscPosOptions& options) {
  const int bytes_per_row = (image.width + 7) / 8;
  const int band_rows = std::clamp(options.band_rows, 1, 4095);  // GS v 0 takes at most 4095 rows (yH ≤ 15)
  std::vector<std::uint8_t> out{ESC, '@'};
  out.reserve(static_cast<std::size_t>(bytes_per_row) * static_cast<std::size_t>(image.height) +
              static_cast<std::size_t>(image.height / band_rows + 1) * 8 + 16);
  for (int top = 0; bytes_per_row > 0 && top < image.height; top += band_rows) {
    const int rows = std::min(band_rows, image.height - top);
    out.insert(out.end(), {GS, 'v', '0', 0});
    put16(out, bytes_per_row);
    put16(out, rows);
    for (int y = top; y < top + rows; ++y)
      for (int bx = 0; bx < bytes_per_row; ++bx) {
        std::uint8_t byte = 0;
        for (int bit = 0; bit < 8; ++bit)
          if (image.black(bx * 8 + bit, y)) byte = static_cast<std::uint8_t>(byte | (0x80 >> bit));
        out.push_back(byte);
      }
  }
  for (int left = std::max(0, options.feed_lines); left > 0; left -= 255) {
    out.insert(out.end(), {ESC, 'd', static_cast<std::uint8_t>(std::min(left, 255))});
  }
  out.insert(out.end(), {GS, 'V', static_cast<std::uint8_t>(options.partial_cut ? 1 : 0)});
  return out;
}

Result<EscPosPrintout> decode_escpos(std::span<const std::uint8_t> bytes) {
  EscPosPrintout out;
  std::vector<std::uint8_t> rows;  // packed rows of every band so far
  int bytes_per_row = 0, height = 0;
  std::size_t pos = 0;
  auto need = [&](std::size_t start, std::size_t n, const char* what) -> Result<void> {
    if (bytes.size() - pos < n)
      return fail(at(start, std::string(what) + " is cut short: needs " + std::to_string(n) + " more bytes, " +
                                std::to_string(bytes.size() - pos) + " remain"));
    return {};
  };
  while (pos < bytes.size()) {
    const std::size_t start = pos;
    const std::uint8_t b = bytes[pos++];
    out.ends_with_cut = false;
    if (b == LF) {
      ++out.feed_lines;
    } else if (b == ESC) {
      if (auto ok = need(start, 1, "ESC command"); !ok) return fail(ok.error());
      const std::uint8_t cmd = bytes[pos++];
      if (cmd == '@') {
        if (start == 0) out.initialised = true;
      } else if (cmd == 'd' || cmd == 'J') {
        if (auto ok = need(start, 1, cmd == 'd' ? "ESC d" : "ESC J"); !ok) return fail(ok.error());
        (cmd == 'd' ? out.feed_lines : out.feed_dots) += bytes[pos++];
      } else {
        return fail(at(start, "unsupported command ESC " + hex(cmd)));
      }
    } else if (b == GS) {
      if (auto ok = need(start, 1, "GS command"); !ok) return fail(ok.error());
      const std::uint8_t cmd = bytes[pos++];
      if (cmd == 'v') {
        if (auto ok = need(start, 6, "GS v 0 header"); !ok) return fail(ok.error());
        if (bytes[pos] != '0') return fail(at(start, "unsupported command GS v " + hex(bytes[pos])));
        const std::uint8_t mode = bytes[pos + 1];
        if (mode != 0 && mode != '0')
          return fail(at(start, "GS v 0 mode " + std::to_string(mode) + " (double width/height) is not supported"));
        const int x = bytes[pos + 2] | (bytes[pos + 3] << 8);
        const int y = bytes[pos + 4] | (bytes[pos + 5] << 8);
        pos += 6;
        if (x == 0 || y == 0) return fail(at(start, "GS v 0 band of " + std::to_string(x) + " × " + std::to_string(y)));
        if (bytes_per_row != 0 && x != bytes_per_row)
          return fail(at(start, "GS v 0 band is " + std::to_string(x) + " bytes wide; earlier bands were " +
                                    std::to_string(bytes_per_row)));
        const std::size_t size = static_cast<std::size_t>(x) * static_cast<std::size_t>(y);
        if (auto ok = need(start, size, "GS v 0 image data"); !ok) return fail(ok.error());
        rows.insert(rows.end(), bytes.begin() + static_cast<std::ptrdiff_t>(pos),
                    bytes.begin() + static_cast<std::ptrdiff_t>(pos + size));
        pos += size;
        bytes_per_row = x;
        height += y;
        ++out.bands;
      } else if (cmd == 'V') {
        if (auto ok = need(start, 1, "GS V"); !ok) return fail(ok.error());
        const std::uint8_t m = bytes[pos++];
        if (m == 0 || m == '0' || m == 1 || m == '1') {
          out.partial_cut = m == 1 || m == '1';
        } else if (m == 'A' || m == 'B') {  // feed n dots, then cut
          if (auto ok = need(start, 1, "GS V m n"); !ok) return fail(ok.error());
          out.feed_dots += bytes[pos++];
          out.partial_cut = m == 'B';
        } else {
          return fail(at(start, "GS V with unknown cut mode " + hex(m)));
        }
        ++out.cuts;
        out.ends_with_cut = true;
      } else {
        return fail(at(start, "unsupported command GS " + hex(cmd)));
      }
    } else {
      return fail(at(start, "unexpected byte " + hex(b) + " (text is printed as an image, never as characters)"));
    }
  }
  out.image = MonoBitmap(bytes_per_row * 8, height);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < bytes_per_row * 8; ++x) {
      const std::uint8_t byte = rows[static_cast<std::size_t>(y * bytes_per_row + x / 8)];
      if (byte & (0x80 >> (x % 8))) out.image.set(x, y);
    }
  return out;
}

}  // namespace motcua::print
