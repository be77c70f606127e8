// Vietnamese text rasterised for the thermal printer: every letter has a
// glyph, tone marks print above their letters and are never clipped, long
// lines wrap inside the paper.

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "print/text_raster.hpp"

using namespace motcua;
using namespace motcua::print;

namespace {

// Rows above the baseline reached by ink (the glyph's height over the baseline).
int ink_above_baseline(const TextLine& line) {
  for (int y = 0; y < line.image.height; ++y)
    for (int x = 0; x < line.image.width; ++x)
      if (line.image.black(x, y)) return line.baseline - y;
  return 0;
}

int ink_dots(const MonoBitmap& m) {
  return static_cast<int>(std::count(m.dots.begin(), m.dots.end(), std::uint8_t{1}));
}

}  // namespace

TEST(TextRaster, MissingFontIsReportedWithTheFixToApply) {
  auto r = TextRasterizer::open("/nonexistent/NotoSans-Regular.ttf");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::not_found);
  EXPECT_NE(r.error().message.find("fonts-noto-core"), std::string::npos);
}

TEST(TextRaster, NotoSansHasEveryVietnameseLetterAndReceiptSymbol) {
  for (const char* file : {kNotoSansRegular, kNotoSansBold}) {
    auto face = TextRasterizer::open(file);
    ASSERT_TRUE(face) << face.error().message;
    const std::string letters =
        "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
        "AÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬBCDĐEÈÉẺẼẸÊỀẾỂỄỆGHIÌÍỈĨỊKLMNOÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢPQRSTUÙÚỦŨỤƯỪỨỬỮỰVXYỲÝỶỸỴ"
        "0123456789₫—–…“”‘’•·×:/()-";
    EXPECT_EQ(face->missing_glyphs(letters), U"") << file;
    EXPECT_EQ(face->missing_glyphs("中"), U"中") << "a CJK character is reported, not printed as a box silently";
  }
}

TEST(TextRaster, ToneMarksPrintAboveTheirLetters) {
  auto face = TextRasterizer::open(kNotoSansRegular);
  ASSERT_TRUE(face);
  const int px = 24;
  EXPECT_GT(ink_above_baseline(face->render("ả", px)), ink_above_baseline(face->render("a", px)));
  EXPECT_GT(ink_above_baseline(face->render("Â", px)), ink_above_baseline(face->render("A", px)));
  EXPECT_GT(ink_above_baseline(face->render("Ấ", px)), ink_above_baseline(face->render("Â", px)))
      << "the acute over the circumflex is printed, not clipped";
  // Dot below: ink under the baseline.
  const TextLine dot = face->render("ạ", px), plain = face->render("a", px);
  EXPECT_GT(ink_dots(dot.image), ink_dots(plain.image));
  // Different marks give different dots: "má" and "mà" must not print alike.
  EXPECT_NE(face->render("má", px).image, face->render("mà", px).image);
}

TEST(TextRaster, TallStackedMarksGrowTheLineInsteadOfBeingClipped) {
  auto face = TextRasterizer::open(kNotoSansBold);
  ASSERT_TRUE(face);
  const TextLine tall = face->render("ẤỖỞ", 40);
  const TextLine plain = face->render("AOO", 40);
  EXPECT_GE(tall.baseline, plain.baseline);
  // No ink touches the top row unless the line grew to hold it exactly; either
  // way the whole mark is inside the image: the ink above the baseline never
  // exceeds the image's room above it.
  EXPECT_LE(ink_above_baseline(tall), tall.baseline);
  EXPECT_GT(ink_above_baseline(tall), ink_above_baseline(plain));
}

TEST(TextRaster, MeasureMatchesTheRenderedWidth) {
  auto face = TextRasterizer::open(kNotoSansRegular);
  ASSERT_TRUE(face);
  for (const char* text : {"Mã hồ sơ", "Ủy ban nhân dân xã Thung Mây", "8.000 ₫"}) {
    const TextLine line = face->render(text, 24);
    EXPECT_NEAR(line.image.width, face->measure(text, 24), 2) << text;
    EXPECT_GT(ink_dots(line.image), 0) << text;
  }
  EXPECT_GT(face->measure("Mã hồ sơ", 32), face->measure("Mã hồ sơ", 24));
  EXPECT_EQ(face->measure("", 24), 0);
}

TEST(TextRaster, WrapsAtSpacesToFitTheLine) {
  auto face = TextRasterizer::open(kNotoSansRegular);
  ASSERT_TRUE(face);
  const std::string text = "Trụ sở UBND xã, thôn Đồng Mới, xã Thung Mây, tỉnh Phú Thọ (địa chỉ minh họa)";
  const auto lines = face->wrap(text, 24, 300);
  ASSERT_GE(lines.size(), 2u);
  std::string joined;
  for (const auto& l : lines) {
    EXPECT_LE(face->measure(l, 24), 300) << l;
    EXPECT_FALSE(l.empty());
    joined += (joined.empty() ? "" : " ") + l;
  }
  EXPECT_EQ(joined, text) << "wrapping only replaces spaces by line breaks";

  // A word wider than the line is cut between letters, nothing is lost.
  const std::string word = "0000000000000000000000000000000000000000";
  const auto cut = face->wrap(word, 24, 100);
  ASSERT_GE(cut.size(), 2u);
  std::string rejoined;
  for (const auto& l : cut) {
    EXPECT_LE(face->measure(l, 24), 100);
    rejoined += l;
  }
  EXPECT_EQ(rejoined, word);

  // '\n' starts a new line; an empty line stays (a blank line on the receipt).
  EXPECT_EQ(face->wrap("Dòng một\n\nDòng ba", 24, 500), (std::vector<std::string>{"Dòng một", "", "Dòng ba"}));
}
