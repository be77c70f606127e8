#pragma once
// ESC/POS for thermal receipt printers: a receipt is one raster image, sent in
// bands with GS v 0 (text is rasterised by us: Vietnamese code pages differ
// between vendors), then a feed and a cut.
//
//   ESC @                      1B 40                 initialise
//   GS v 0 m xL xH yL yH d…    1D 76 30 00 …         raster bit image: (xL + 256·xH) bytes per
//                                                     row, (yL + 256·yH) rows, MSB = leftmost
//                                                     dot, 1 = black
//   ESC d n                    1B 64 n               print and feed n lines
//   GS V m                     1D 56 00 / 01         full / partial cut
//
// decode_escpos reads such a stream back into the image (tests: capture what
// went to the printer, rebuild the receipt, read its QR code with ZXing).

#include <cstdint>
#include <span>
#include <vector>

#include "motcua/util/error.hpp"
#include "print/mono_bitmap.hpp"

namespace motcua::print {

struct EscPosOptions {
  // Rows per GS v 0 command. Printers buffer a command before printing it;
  // 128 rows of 80 mm paper are 9 KiB, which the small ones accept too.
  int band_rows = 128;
  // Lines fed before the cut: the last printed row must clear the cutter,
  // which sits a few lines above the print head.
  int feed_lines = 4;
  bool partial_cut = true;  // leave a hinge so the receipt does not drop to the floor
};

// The bytes for one receipt. A width that is not a multiple of 8 is padded
// with white dots on the right.
std::vector<std::uint8_t> encode_escpos(const MonoBitmap& image, const EscPosOptions& options = {});

// What a printer would do with a stream.
struct EscPosPrintout {
  MonoBitmap image;          // the raster bands, top to bottom (width: bytes per row × 8)
  int bands = 0;             // GS v 0 commands
  bool initialised = false;  // the stream starts with ESC @
  int feed_lines = 0;        // ESC d n and LF
  int feed_dots = 0;         // ESC J n
  int cuts = 0;              // GS V
  bool partial_cut = false;  // the last cut leaves a hinge
  bool ends_with_cut = false;
};

// Understands ESC @, ESC d, ESC J, LF, GS v 0 (normal density) and GS V. Any
// other byte is an error naming its offset, as are truncated commands and
// bands whose width differs from the first band's (Errc::invalid_argument).
Result<EscPosPrintout> decode_escpos(std::span<const std::uint8_t> bytes);

}  // namespace motcua::print
