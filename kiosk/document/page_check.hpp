#pragma once
// What a scanned page must look like before the kiosk spends time on it: raw
// pixels from the scanner (8-bit grey or RGB24) or a JPEG read back from the
// kiosk's disk. A 0-byte page, a page whose data was cut short (a scanner
// unplugged mid-page, a file cut by a crash) and an absurdly large page are
// refused with an error that says which, never passed on to libturbojpeg or
// libharu.

#include <cstdint>
#include <span>

#include "motcua/util/error.hpp"

namespace motcua::document {

// 100 megapixels: an A3 page at 1200 dpi is 70 MP; anything larger is not a
// page (and its pixels alone would take 300 MB of the kiosk's memory).
inline constexpr std::int64_t kMaxPagePixels = 100'000'000;
// JPEG stores sizes in 16 bits; libjpeg-turbo refuses more than 65500.
inline constexpr int kMaxPageSide = 65500;
// Scan resolutions a page may claim. PDF page sizes come from them; a page
// bigger than PDF's 200-inch limit at its resolution is refused as well.
inline constexpr int kMinDpi = 50, kMaxDpi = 2400;
inline constexpr double kMaxPageInches = 200.0;

// A page as the scanner hands it over: row-major, no padding between rows.
struct PageView {
  std::span<const std::uint8_t> pixels;
  int width = 0, height = 0;
  int channels = 1;  // 1 grey, 3 RGB24
  int dpi = 300;
};

// Errors (the message names the page's sizes):
//   empty       invalid_argument  "the page is empty (0 bytes)"
//   truncated   corrupt           "the page is truncated: 1000 of 8699840 bytes"
//   too large   invalid_argument  "the page is too large: 20000 × 20000 pixels = 400 megapixels …"
//   other       invalid_argument  channels other than 1 or 3, a resolution outside kMinDpi–kMaxDpi
Result<void> check_page(const PageView& page);

struct JpegInfo {
  int width = 0, height = 0;
  int channels = 0;  // 1 grey, 3 colour
};

// Reads a JPEG's header and checks it is whole (ends with the EOI marker) and
// within the limits above. Same error kinds as check_page; data that is not a
// JPEG is invalid_argument.
Result<JpegInfo> check_jpeg_page(std::span<const std::uint8_t> jpeg);

}  // namespace motcua::document
