// Contrast of every text colour on every background the widgets draw it on
// (WCAG 2.1): at least 7:1 in the high-contrast theme (AAA), at least 4.5:1 in
// the normal one (AA). A person with low vision switches to high contrast from
// any screen; everyone else still needs readable grey text.

#include <gtest/gtest.h>

#include "app/palette.hpp"

using namespace motcua::kiosk;

TEST(Contrast, RatioFollowsWcagDefinition) {
  EXPECT_NEAR(contrast_ratio(Rgb{0, 0, 0}, Rgb{255, 255, 255}), 21.0, 1e-9);
  EXPECT_NEAR(contrast_ratio(Rgb{255, 255, 255}, Rgb{255, 255, 255}), 1.0, 1e-9);
  // #767676 on white is the well-known 4.54:1 AA limit.
  EXPECT_NEAR(contrast_ratio(Rgb{0x76, 0x76, 0x76}, Rgb{255, 255, 255}), 4.54, 0.01);
}

TEST(Contrast, HighContrastThemeReachesSevenToOneForEveryTextPair) {
  const auto pairs = text_pairs(high_contrast_palette());
  ASSERT_GE(pairs.size(), 20u);
  for (const auto& p : pairs) EXPECT_GE(contrast_ratio(p.fg, p.bg), 7.0) << p.what;
}

TEST(Contrast, NormalThemeReachesFourAndAHalfToOneForEveryTextPair) {
  for (const auto& p : text_pairs(normal_palette())) EXPECT_GE(contrast_ratio(p.fg, p.bg), 4.5) << p.what;
}
