#include "print/receipt_raster.hpp"

#include <algorithm>
#include <vector>

namespace motcua::print {

namespace {

int aligned_x(Align align, int content_width, const Paper& paper) {
  const int usable = paper.width - 2 * paper.margin;
  switch (align) {
    case Align::left: return paper.margin;
    case Align::center: return paper.margin + (usable - content_width) / 2;
    case Align::right: return paper.margin + usable - content_width;
  }
  return paper.margin;
}

// What is drawn where, before the strip's height is known.
struct Placed {
  MonoBitmap image;
  int x = 0, y = 0;
};

}  // namespace

Result<MonoBitmap> render_receipt(std::span<const ReceiptBlock> blocks, ReceiptFonts fonts, Paper paper) {
  const int usable = paper.width - 2 * paper.margin;
  if (paper.margin < 0 || usable <= 0)
    return fail(Errc::invalid_argument, "paper of " + std::to_string(paper.width) +
                                            " dots has no room inside margins of " + std::to_string(paper.margin));
  std::vector<Placed> placed;
  int y = 0;
  for (const auto& block : blocks) {
    if (const auto* t = std::get_if<ReceiptText>(&block)) {
      TextRasterizer& face = t->bold ? fonts.bold : fonts.regular;
      // Baselines a line height apart; a line whose marks reach above the
      // face's ascender (Ấ, Ỗ) pushes its baseline down instead of being clipped.
      const TextLine empty = face.render("", t->size);
      const int ascent = empty.baseline, descent = empty.image.height - empty.baseline;
      const int gap = std::max(0, face.line_height(t->size) - empty.image.height);
      for (const auto& text : face.wrap(t->text, t->size, usable)) {
        TextLine line = face.render(text, t->size);
        const int baseline = y + std::max(ascent, line.baseline);
        const int x = aligned_x(t->align, line.image.width, paper);
        const int below = std::max(descent, line.image.height - line.baseline);
        placed.push_back({std::move(line.image), x, baseline - line.baseline});
        y = baseline + below + gap;
      }
    } else if (const auto* img = std::get_if<ReceiptImage>(&block)) {
      if (img->image.width > usable)
        return fail(Errc::invalid_argument, "an image of " + std::to_string(img->image.width) +
                                                " dots is wider than the " + std::to_string(usable) +
                                                " printable dots of the paper");
      placed.push_back({img->image, aligned_x(img->align, img->image.width, paper), y});
      y += img->image.height;
    } else if (const auto* rule = std::get_if<ReceiptRule>(&block)) {
      const int thickness = std::max(1, rule->thickness);
      MonoBitmap bar(usable, thickness);
      std::fill(bar.dots.begin(), bar.dots.end(), std::uint8_t{1});
      placed.push_back({std::move(bar), paper.margin, y});
      y += thickness;
    } else if (const auto* space = std::get_if<ReceiptSpace>(&block)) {
      y += std::max(0, space->dots);
    }
  }
  MonoBitmap strip(paper.width, y);
  for (const auto& p : placed) draw(strip, p.image, p.x, p.y);
  return strip;
}

}  // namespace motcua::print
