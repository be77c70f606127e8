#pragma once
// Scanned pages without a scanner: A4 paper with real Vietnamese text set in
// Noto Sans at 11 pt (rasterised by the receipt printer's FreeType code), edges
// softened the way a scanner's optics soften them (a 5 × 5 binomial blur, σ ≈ 1
// pixel at 300 dpi), and seeded scanner noise. For tests and
// benchmarks of page compression; the SANE `test` backend gives only
// patterns, not text.

#include <cstdint>
#include <vector>

#include "document/page_check.hpp"

namespace motcua::test {

struct SyntheticPage {
  int width = 0, height = 0, channels = 1, dpi = 300;
  std::vector<std::uint8_t> pixels;
  document::PageView view() const { return {pixels, width, height, channels, dpi}; }
};

enum class PageLayout {
  form,        // an administrative form: headings, filled-in fields, a table, signatures
  dense_text,  // the worst case: every line of the page set in 11 pt text
};

struct SyntheticPageOptions {
  PageLayout layout = PageLayout::form;
  int channels = 1;           // 1 grey, 3 RGB
  int dpi = 300;              // A4 at this resolution (2480 × 3508 at 300)
  int noise = 3;              // ± grey levels of uniform noise
  bool colour_stamp = false;  // a red seal, as on certified copies (RGB only)
  unsigned seed = 1;
};

SyntheticPage text_page(const SyntheticPageOptions& options = {});

}  // namespace motcua::test
