// Scanned pages become what the kiosk keeps and sends (issue 6): a JPEG of at
// most 250 KB per A4 page that still reads well, grey when the paper has no
// colour, a preview for the screen, and a clear refusal of pages that are
// empty, cut short or absurdly large.

#include <gtest/gtest.h>

#include <turbojpeg.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "document/page_compress.hpp"
#include "document/resample.hpp"
#include "support/synthetic_page.hpp"

using namespace motcua;
using namespace motcua::document;

namespace {

struct Decoded {
  int width = 0, height = 0, colorspace = -1;
  std::vector<std::uint8_t> grey;
};

Decoded decode_grey(const std::vector<std::uint8_t>& jpeg) {
  Decoded d;
  std::unique_ptr<void, decltype(&tjDestroy)> tj(tjInitDecompress(), &tjDestroy);
  int subsampling = 0;
  if (tjDecompressHeader3(tj.get(), jpeg.data(), jpeg.size(), &d.width, &d.height, &subsampling, &d.colorspace) != 0)
    return {};
  d.grey.resize(static_cast<std::size_t>(d.width) * static_cast<std::size_t>(d.height));
  if (tjDecompress2(tj.get(), jpeg.data(), jpeg.size(), d.grey.data(), d.width, 0, d.height, TJPF_GRAY, 0) != 0)
    return {};
  return d;
}

// Peak signal-to-noise ratio of the text after compression, against the page
// before noise: above ~30 dB text at 300 dpi is indistinguishable from the scan.
double psnr(const std::vector<std::uint8_t>& a, const std::vector<std::uint8_t>& b) {
  double se = 0;
  for (std::size_t i = 0; i < a.size(); ++i) se += (a[i] - b[i]) * static_cast<double>(a[i] - b[i]);
  const double mse = se / static_cast<double>(a.size());
  return 10 * std::log10(255.0 * 255.0 / std::max(mse, 1e-9));
}

const test::SyntheticPage& grey_a4() {
  static const test::SyntheticPage page = test::text_page({});
  return page;
}

}  // namespace

TEST(PageCompress, AGreyA4TextPageFitsInTheTargetStaysGreyAndReadsWell) {
  const auto& page = grey_a4();
  ASSERT_EQ(page.width, 2480);
  ASSERT_EQ(page.height, 3508);
  auto out = compress_page(page.view());
  ASSERT_TRUE(out) << out.error().describe();
  EXPECT_TRUE(out->within_target);
  EXPECT_LE(out->jpeg.size(), 250u * 1024) << "quality " << out->quality;
  EXPECT_EQ(out->channels, 1);
  EXPECT_EQ(out->dpi, 300) << "a text page fits without losing resolution";
  EXPECT_GE(out->quality, 40);
  EXPECT_LE(out->page_encodes, 4) << "the search is bounded";
  EXPECT_LE(out->sample_encodes, 12);

  const Decoded d = decode_grey(out->jpeg);
  ASSERT_EQ(d.width, 2480);
  ASSERT_EQ(d.height, 3508);
  EXPECT_EQ(d.colorspace, TJCS_GRAY) << "a grey page is stored grey";
  // Against the page as it would be without scanner noise (background cleaned
  // the same way): what is lost is noise, not text.
  auto clean = test::text_page({.noise = 0});
  clean_background(clean.pixels, 1);
  EXPECT_GT(psnr(d.grey, clean.pixels), 30.0);
}

TEST(PageCompress, AColourScanOfABlackAndWhitePageIsStoredGrey) {
  const auto page = test::text_page({.channels = 3});
  auto out = compress_page(page.view());
  ASSERT_TRUE(out) << out.error().describe();
  EXPECT_EQ(out->channels, 1);
  EXPECT_EQ(decode_grey(out->jpeg).colorspace, TJCS_GRAY);
  EXPECT_LE(out->jpeg.size(), 250u * 1024);
  EXPECT_EQ(out->preview_rgb.size(),
            static_cast<std::size_t>(out->preview_width) * static_cast<std::size_t>(out->preview_height) * 3);

  // Unless asked to keep colour.
  CompressOptions keep;
  keep.grey_when_colourless = false;
  auto colour = compress_page(page.view(), keep);
  ASSERT_TRUE(colour);
  EXPECT_EQ(colour->channels, 3);
}

TEST(PageCompress, ARedSealKeepsThePageInColour) {
  const auto page = test::text_page({.channels = 3, .colour_stamp = true});
  EXPECT_FALSE(is_colourless(page.view()));
  auto out = compress_page(page.view());
  ASSERT_TRUE(out) << out.error().describe();
  EXPECT_EQ(out->channels, 3);
  EXPECT_NE(decode_grey(out->jpeg).colorspace, TJCS_GRAY);
  EXPECT_LE(out->jpeg.size(), 250u * 1024);
  // The seal is red in the preview too.
  bool red = false;
  for (std::size_t i = 0; i + 2 < out->preview_rgb.size() && !red; i += 3)
    red = out->preview_rgb[i] > 150 && out->preview_rgb[i + 1] < 110 && out->preview_rgb[i + 2] < 110;
  EXPECT_TRUE(red);
}

TEST(PageCompress, ThePreviewIsSmallHasThePagesShapeAndShowsTheText) {
  auto out = compress_page(grey_a4().view());
  ASSERT_TRUE(out);
  EXPECT_LE(out->preview_width, 720);
  EXPECT_LE(out->preview_height, 1024);
  EXPECT_NEAR(static_cast<double>(out->preview_height) / out->preview_width, 3508.0 / 2480.0, 0.01);
  // Text lines are darker than the margin: the preview is not blank.
  auto mean_rows = [&](int y0, int y1) {
    double sum = 0;
    for (int y = y0; y < y1; ++y)
      for (int x = 0; x < out->preview_width; ++x)
        sum += out->preview_rgb[(static_cast<std::size_t>(y) * static_cast<std::size_t>(out->preview_width) +
                                 static_cast<std::size_t>(x)) * 3];
    return sum / ((y1 - y0) * out->preview_width);
  };
  const double margin = mean_rows(0, 40);
  double darkest = 255;
  for (int y = 200; y < 800; y += 4) darkest = std::min(darkest, mean_rows(y, y + 4));
  EXPECT_GT(margin, 230);
  EXPECT_LT(darkest, margin - 30) << "the lines of text show";
}

TEST(PageCompress, ATighterTargetCostsQualityFirstThenResolution) {
  const auto& page = grey_a4();
  auto normal = compress_page(page.view());
  ASSERT_TRUE(normal);

  CompressOptions tighter;
  tighter.target_bytes = normal->jpeg.size() * 3 / 4;
  auto lower_q = compress_page(page.view(), tighter);
  ASSERT_TRUE(lower_q);
  EXPECT_TRUE(lower_q->within_target);
  EXPECT_LE(lower_q->jpeg.size(), tighter.target_bytes);
  if (lower_q->dpi == 300) {
    EXPECT_LT(lower_q->quality, normal->quality);
  }

  CompressOptions tiny;
  tiny.target_bytes = 90 * 1024;
  auto lower_dpi = compress_page(page.view(), tiny);
  ASSERT_TRUE(lower_dpi) << lower_dpi.error().describe();
  EXPECT_LT(lower_dpi->dpi, 300) << "below min_quality the page shrinks instead";
  EXPECT_GE(lower_dpi->quality, tiny.min_quality);
  EXPECT_NEAR(lower_dpi->width * 300.0 / lower_dpi->dpi, 2480, 2) << "same paper size";
  const Decoded d = decode_grey(lower_dpi->jpeg);
  EXPECT_EQ(d.width, lower_dpi->width);
  EXPECT_EQ(d.height, lower_dpi->height);
  if (lower_dpi->within_target) {
    EXPECT_LE(lower_dpi->jpeg.size(), tiny.target_bytes);
  }
}

TEST(PageCompress, AnImpossibleTargetIsReportedNotHidden) {
  CompressOptions impossible;
  impossible.target_bytes = 2000;
  auto out = compress_page(grey_a4().view(), impossible);
  ASSERT_TRUE(out);
  EXPECT_FALSE(out->within_target);
  EXPECT_EQ(out->dpi, 150);
  EXPECT_EQ(out->quality, impossible.min_quality);
  EXPECT_EQ(decode_grey(out->jpeg).width, out->width) << "still a whole, valid page";
}

TEST(PageCompress, EmptyTruncatedAndAbsurdPagesAreRefusedWithAReason) {
  const std::vector<std::uint8_t> none;
  auto empty = compress_page({none, 2480, 3508, 1, 300});
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, Errc::invalid_argument);
  EXPECT_NE(empty.error().message.find("empty (0 bytes)"), std::string::npos) << empty.error().message;

  const auto& page = grey_a4();
  const std::span<const std::uint8_t> half(page.pixels.data(), page.pixels.size() / 2);
  auto truncated = compress_page({half, page.width, page.height, 1, 300});
  ASSERT_FALSE(truncated);
  EXPECT_EQ(truncated.error().code, Errc::corrupt);
  EXPECT_NE(truncated.error().message.find("truncated: 4349920 of 8699840 bytes"), std::string::npos)
      << truncated.error().message;

  // 20000 × 20000 = 400 megapixels: refused from its sizes alone, before any
  // pixel is touched.
  auto huge = compress_page({half, 20000, 20000, 1, 300});
  ASSERT_FALSE(huge);
  EXPECT_EQ(huge.error().code, Errc::invalid_argument);
  EXPECT_NE(huge.error().message.find("too large"), std::string::npos) << huge.error().message;
  EXPECT_NE(huge.error().message.find("400 megapixels"), std::string::npos) << huge.error().message;
  auto long_strip = compress_page({half, 70000, 10, 1, 300});
  ASSERT_FALSE(long_strip);
  EXPECT_NE(long_strip.error().message.find("too large"), std::string::npos);

  auto cmyk = compress_page({page.pixels, 100, 100, 4, 300});
  ASSERT_FALSE(cmyk);
  EXPECT_EQ(cmyk.error().code, Errc::invalid_argument);
  auto no_dpi = compress_page({page.pixels, 100, 100, 1, 0});
  ASSERT_FALSE(no_dpi);
  EXPECT_NE(no_dpi.error().message.find("resolution"), std::string::npos);
  auto no_size = compress_page({page.pixels, 0, 3508, 1, 300});
  ASSERT_FALSE(no_size);
}

TEST(PageCompress, AreaResamplingKeepsTheAverageGrey) {
  // A 1-pixel checkerboard averages to mid grey at any ratio, with no moiré.
  const int w = 301, h = 199;
  std::vector<std::uint8_t> board(static_cast<std::size_t>(w) * h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) board[static_cast<std::size_t>(y) * w + static_cast<std::size_t>(x)] = ((x + y) & 1) ? 255 : 0;
  for (const auto& [ow, oh] : {std::pair{100, 66}, std::pair{201, 133}, std::pair{7, 5}}) {
    const auto out = resample_area(board, w, h, 1, ow, oh);
    ASSERT_EQ(out.size(), static_cast<std::size_t>(ow) * static_cast<std::size_t>(oh));
    for (std::size_t i = 0; i < out.size(); ++i) ASSERT_NEAR(out[i], 127.5, 20) << ow << "×" << oh << " at " << i;
  }
  // A flat image stays exactly flat (weights sum to one).
  const std::vector<std::uint8_t> flat(static_cast<std::size_t>(w) * h * 3, 200);
  for (auto v : resample_area(flat, w, h, 3, 97, 64)) ASSERT_EQ(v, 200);
}

TEST(PageCompress, BackgroundCleaningWhitensNoisyPaperAndKeepsTheInk) {
  auto page = test::text_page({.noise = 4});
  const std::uint8_t ink_before = *std::min_element(page.pixels.begin(), page.pixels.end());
  clean_background(page.pixels, 1);
  std::size_t white = 0;
  for (auto v : page.pixels) white += v == 255;
  EXPECT_GT(white, page.pixels.size() * 3 / 4) << "the paper is white";
  EXPECT_LE(*std::min_element(page.pixels.begin(), page.pixels.end()), ink_before + 3) << "ink stays dark";
  // Anti-aliased edges keep intermediate shades.
  std::size_t mid = 0;
  for (auto v : page.pixels) mid += v > 60 && v < 200;
  EXPECT_GT(mid, page.pixels.size() / 200);

  // A photograph (no paper peak) is left alone.
  std::vector<std::uint8_t> photo(512 * 512);
  std::uint32_t s = 7;
  for (auto& v : photo) v = static_cast<std::uint8_t>((s = s * 1664525u + 1013904223u) >> 24);
  const auto before = photo;
  clean_background(photo, 1);
  EXPECT_EQ(photo, before);
}

TEST(PageCompress, AFullPageOfSmallTextFallsToALowerResolutionNotToMush) {
  // Every line of the page set in 11 pt: JPEG cannot keep it under 250 KB at
  // 300 dpi at a readable quality (≈ 480 KB at quality 25), so it drops to a
  // resolution where it can, at min_quality or better.
  const auto page = test::text_page({.layout = test::PageLayout::dense_text});
  auto out = compress_page(page.view());
  ASSERT_TRUE(out) << out.error().describe();
  EXPECT_LT(out->dpi, 300);
  EXPECT_GE(out->dpi, 150);
  EXPECT_GE(out->quality, 40);
  EXPECT_TRUE(out->within_target) << out->jpeg.size() << " bytes at " << out->dpi << " dpi";
  EXPECT_LE(out->jpeg.size(), 250u * 1024);
}

TEST(PageCompress, AFullColourPageOfSmallTextWithASealFitsByALosslessReCodingNotALowerQuality) {
  // The worst case: dense 11 pt text and a red seal, in colour. At 150 dpi and
  // quality 40 its baseline JPEG is ~254 KB; re-coded as progressive (the same
  // coefficients) it fits, and it decodes to exactly the same pixels.
  const auto page = test::text_page({.layout = test::PageLayout::dense_text, .channels = 3, .colour_stamp = true});
  auto out = compress_page(page.view());
  ASSERT_TRUE(out) << out.error().describe();
  EXPECT_EQ(out->channels, 3) << "the seal keeps the page in colour";
  EXPECT_EQ(out->dpi, 150);
  EXPECT_GE(out->quality, 40) << "not below the readable quality";
  EXPECT_TRUE(out->within_target) << out->jpeg.size() << " bytes";
  EXPECT_LE(out->jpeg.size(), 250u * 1024);
  EXPECT_TRUE(out->progressive);

  CompressOptions baseline;
  baseline.progressive_when_over = false;
  auto before = compress_page(page.view(), baseline);
  ASSERT_TRUE(before);
  EXPECT_FALSE(before->within_target) << "without the re-coding it misses (this is what the re-coding is for)";
  EXPECT_FALSE(before->progressive);
  EXPECT_EQ(before->quality, out->quality);
  const Decoded a = decode_grey(out->jpeg), b = decode_grey(before->jpeg);
  ASSERT_EQ(a.width, b.width);
  EXPECT_EQ(a.grey, b.grey) << "lossless: the same page";
  EXPECT_LT(out->jpeg.size(), before->jpeg.size() * 95 / 100);
}

TEST(PageCompress, PagesThatFitAreNotReCoded) {
  auto out = compress_page(grey_a4().view());
  ASSERT_TRUE(out);
  EXPECT_FALSE(out->progressive) << "baseline JPEG, the cheaper encode, whenever it fits";
}
