#include "print/text_raster.hpp"

#include <ft2build.h>
#include FT_FREETYPE_H

#include <algorithm>
#include <cstdlib>

#include "motcua/text/utf8.hpp"

namespace motcua::print {

namespace {

// Coverage (0–255) from which a dot is printed black. Below half: thermal
// heads print thin strokes lighter than a screen shows them, so letters at
// receipt sizes (≈ 3 mm) keep their hairlines and their tone marks.
constexpr unsigned kInkThreshold = 96;

int ceil_26_6(FT_Pos v) { return static_cast<int>((v + 63) >> 6); }

struct Glyph {
  int x = 0, top = 0, width = 0, rows = 0;  // top: rows above the baseline
  std::vector<std::uint8_t> coverage;
};

}  // namespace

void TextRasterizer::LibraryDeleter::operator()(FT_LibraryRec_* lib) const { FT_Done_FreeType(lib); }
void TextRasterizer::FaceDeleter::operator()(FT_FaceRec_* face) const { FT_Done_Face(face); }

Result<TextRasterizer> TextRasterizer::open(const std::filesystem::path& font_file) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(font_file, ec))
    return fail(Errc::not_found, "font missing: " + font_file.string() + " (install fonts-noto-core)");
  TextRasterizer r;
  FT_Library lib = nullptr;
  if (FT_Init_FreeType(&lib) != 0) return fail(Errc::internal, "FreeType could not start");
  r.library_.reset(lib);
  FT_Face face = nullptr;
  if (const FT_Error err = FT_New_Face(lib, font_file.c_str(), 0, &face); err != 0)
    return fail(Errc::io, "cannot read font " + font_file.string() + " (FreeType error " + std::to_string(err) + ")");
  r.face_.reset(face);
  if (!FT_IS_SCALABLE(face)) return fail(Errc::io, "font " + font_file.string() + " is not scalable");
  return r;
}

void TextRasterizer::set_size(int pixel_size) {
  if (pixel_size == size_) return;
  FT_Set_Pixel_Sizes(face_.get(), 0, static_cast<FT_UInt>(std::max(1, pixel_size)));
  size_ = pixel_size;
}

int TextRasterizer::line_height(int pixel_size) {
  set_size(pixel_size);
  return ceil_26_6(face_->size->metrics.height);
}

int TextRasterizer::measure(std::string_view text, int pixel_size) {
  set_size(pixel_size);
  FT_Pos pen = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const char32_t cp = utf8::next(text, pos);
    if (FT_Load_Char(face_.get(), cp, FT_LOAD_DEFAULT | FT_LOAD_TARGET_LIGHT) != 0) continue;
    pen += face_->glyph->advance.x;
  }
  return ceil_26_6(pen);
}

TextLine TextRasterizer::render(std::string_view text, int pixel_size) {
  set_size(pixel_size);
  FT_Face face = face_.get();
  int ascent = ceil_26_6(face->size->metrics.ascender);
  int descent = ceil_26_6(-face->size->metrics.descender);
  std::vector<Glyph> glyphs;
  FT_Pos pen = 0;
  int right = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const char32_t cp = utf8::next(text, pos);
    if (FT_Load_Char(face, cp, FT_LOAD_RENDER | FT_LOAD_TARGET_LIGHT) != 0) continue;
    const FT_GlyphSlot slot = face->glyph;
    const FT_Bitmap& bm = slot->bitmap;
    Glyph g;
    g.x = static_cast<int>(pen >> 6) + slot->bitmap_left;
    g.top = slot->bitmap_top;
    g.width = static_cast<int>(bm.width);
    g.rows = static_cast<int>(bm.rows);
    if (bm.pixel_mode == FT_PIXEL_MODE_GRAY && g.width > 0 && g.rows > 0) {
      g.coverage.resize(static_cast<std::size_t>(g.width) * static_cast<std::size_t>(g.rows));
      for (int y = 0; y < g.rows; ++y)
        for (int x = 0; x < g.width; ++x)
          g.coverage[static_cast<std::size_t>(y * g.width + x)] = bm.buffer[y * bm.pitch + x];
      ascent = std::max(ascent, g.top);
      descent = std::max(descent, g.rows - g.top);
      right = std::max(right, g.x + g.width);
      glyphs.push_back(std::move(g));
    }
    pen += slot->advance.x;
  }
  TextLine line;
  line.baseline = ascent;
  line.image = MonoBitmap(std::max(ceil_26_6(pen), right), ascent + descent);
  for (const auto& g : glyphs)
    for (int y = 0; y < g.rows; ++y)
      for (int x = 0; x < g.width; ++x)
        if (g.coverage[static_cast<std::size_t>(y * g.width + x)] >= kInkThreshold)
          line.image.set(g.x + x, ascent - g.top + y);
  return line;
}

std::vector<std::string> TextRasterizer::wrap(std::string_view text, int pixel_size, int max_width) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (true) {  // paragraphs split at '\n'
    const std::size_t end = std::min(text.find('\n', start), text.size());
    const std::string_view para = text.substr(start, end - start);
    std::string line;
    std::size_t p = 0;
    const std::size_t before = lines.size();
    while (p < para.size()) {
      while (p < para.size() && para[p] == ' ') ++p;
      if (p >= para.size()) break;
      const std::size_t q = std::min(para.find(' ', p), para.size());
      std::string word(para.substr(p, q - p));
      p = q;
      std::string candidate = line.empty() ? word : line + " " + word;
      if (measure(candidate, pixel_size) <= max_width) {
        line = std::move(candidate);
        continue;
      }
      if (!line.empty()) lines.push_back(std::move(line));
      line.clear();
      // A word wider than the line: cut between letters.
      while (measure(word, pixel_size) > max_width) {
        const std::u32string letters = utf8::to_u32(word);
        std::size_t n = 1;
        while (n < letters.size() && measure(utf8::from_u32(letters.substr(0, n + 1)), pixel_size) <= max_width) ++n;
        lines.push_back(utf8::from_u32(letters.substr(0, n)));
        word = utf8::from_u32(letters.substr(n));
      }
      line = std::move(word);
    }
    if (!line.empty() || lines.size() == before)
      lines.push_back(std::move(line));  // an empty paragraph is a blank line
    if (end >= text.size()) break;
    start = end + 1;
  }
  return lines;
}

std::u32string TextRasterizer::missing_glyphs(std::string_view text) {
  std::u32string missing;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const char32_t cp = utf8::next(text, pos);
    if (cp < 0x20 || cp == ' ') continue;
    if (FT_Get_Char_Index(face_.get(), cp) == 0 && missing.find(cp) == std::u32string::npos) missing += cp;
  }
  return missing;
}

}  // namespace motcua::print
