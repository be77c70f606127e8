#pragma once
// Vietnamese text → dots for the thermal printer. ESC/POS code pages for
// Vietnamese differ between vendors (and most printers have none), so the
// receipt's text is rasterised here with FreeType and printed as an image.
// The kiosk uses Noto Sans (fonts-noto-core), the face it draws on screen.
//
// No shaping: Vietnamese in NFC has a precomposed glyph for every letter with
// its marks, which is what the catalog and the kiosk's input methods produce.

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "motcua/util/error.hpp"
#include "print/mono_bitmap.hpp"

struct FT_LibraryRec_;
struct FT_FaceRec_;

namespace motcua::print {

inline constexpr const char* kNotoSansRegular = "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf";
inline constexpr const char* kNotoSansBold = "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf";

// One rendered line: `baseline` dots from the top of `image`.
struct TextLine {
  MonoBitmap image;
  int baseline = 0;
};

class TextRasterizer {
 public:
  // Errc::not_found when the file is missing, Errc::io when FreeType cannot read it.
  static Result<TextRasterizer> open(const std::filesystem::path& font_file);

  // Width in dots of one line of text at this size (pixels per em).
  int measure(std::string_view text, int pixel_size);
  // The line's dots. The image is as wide as the text's advance and tall
  // enough for the face's ascender and descender, or for the ink if a letter
  // with stacked marks (Ấ, Ỗ) reaches higher: nothing is ever clipped.
  TextLine render(std::string_view text, int pixel_size);
  // Lines that fit max_width at this size: breaks at spaces and '\n'; a word
  // wider than a line is cut between letters.
  std::vector<std::string> wrap(std::string_view text, int pixel_size, int max_width);
  // The characters of text this face has no glyph for (they would print as a box).
  std::u32string missing_glyphs(std::string_view text);
  // Recommended distance between baselines, in dots.
  int line_height(int pixel_size);

 private:
  struct LibraryDeleter {
    void operator()(FT_LibraryRec_*) const;
  };
  struct FaceDeleter {
    void operator()(FT_FaceRec_*) const;
  };
  TextRasterizer() = default;
  void set_size(int pixel_size);

  std::unique_ptr<FT_LibraryRec_, LibraryDeleter> library_;  // declared first: outlives the face
  std::unique_ptr<FT_FaceRec_, FaceDeleter> face_;
  int size_ = 0;
};

}  // namespace motcua::print
