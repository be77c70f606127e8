#pragma once
// A scanned page → what the kiosk keeps and sends: a JPEG within a size target
// (issue 6: ≤ 250 KB per A4 page at readable quality) and a small RGB preview
// for the screen, so the UI thread never decodes.
//
// The quality is chosen by a bounded search: estimated on a sample of the
// page's rows (a quarter of them, spread over the page), confirmed by one
// encode of the whole page and, if that misses, a binary search over the
// remaining range. Below the lowest readable quality the page drops to a lower
// resolution (300 → 200 → 150 dpi) rather than to an unreadable quality, and
// if even that misses, the JPEG is re-coded losslessly as progressive.
// Grey pages stay grey, and a colour scan of a page with no colour on it is
// stored grey (a third of the data for the same text).

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "document/page_check.hpp"
#include "motcua/util/error.hpp"

namespace motcua::document {

struct CompressOptions {
  std::size_t target_bytes = 250 * 1024;
  int max_quality = 80;  // what a page gets when it fits anyway
  int min_quality = 40;  // text at 200–300 dpi stays readable down to here
  // Lower resolutions tried, in order, when min_quality does not fit.
  std::vector<int> fallback_dpi{200, 150};
  bool grey_when_colourless = true;
  // Paper noise snapped to white (see clean_background): most of a noisy
  // scan's bytes are spent on the paper, not the text.
  bool clean_background = true;
  // When even the lowest resolution at min_quality misses the target, the JPEG
  // is re-coded as progressive (lossless, ~10 % smaller) before giving up.
  bool progressive_when_over = true;
  int preview_max_width = 720, preview_max_height = 1024;
};

struct CompressedPage {
  std::vector<std::uint8_t> jpeg;
  int width = 0, height = 0, dpi = 0;  // of the JPEG (dpi is lower if it had to shrink)
  int channels = 1;                    // 1 grey, 3 colour
  int quality = 0;
  bool within_target = false;  // false: even the lowest resolution at min_quality was larger
  bool progressive = false;    // re-coded losslessly as progressive to fit (see progressive_when_over)
  int page_encodes = 0;        // whole-page JPEG encodes the search used
  int sample_encodes = 0;      // encodes of a quarter-page sample
  // RGB24, aspect ratio of the page, at most preview_max_width × preview_max_height.
  int preview_width = 0, preview_height = 0;
  std::vector<std::uint8_t> preview_rgb;
};

// Errors: check_page's (empty, truncated, too large, bad format); internal if
// libturbojpeg fails.
Result<CompressedPage> compress_page(const PageView& page, const CompressOptions& options = {});

// A scanner's "background removal": finds the paper's level (the brightest
// large peak of the histogram) and the lower edge of its noise, and stretches
// levels so that everything from that edge up is white. Text and its
// anti-aliased edges keep their shades (scaled a little darker); a page with
// no clear paper (a photo) is left as it is. In place; any channel count.
void clean_background(std::span<std::uint8_t> pixels, int channels);

// True when no pixel of an RGB24 image differs between channels by more than
// a scanner's colour noise (a black-and-white page scanned in colour).
bool is_colourless(const PageView& rgb_page);

}  // namespace motcua::document
