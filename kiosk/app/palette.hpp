#pragma once
// The kiosk's colours, normal and high contrast, and the text/background pairs
// the widgets draw — so a unit test can hold every pair to WCAG 2.1: contrast
// ≥ 4.5:1 (AA, normal text) in the normal theme and ≥ 7:1 (AAA) in high
// contrast. No ImGui here; app/look.cpp turns a Palette into the Theme.

#include <cstdint>
#include <string_view>
#include <vector>

namespace motcua::kiosk {

struct Rgb {
  std::uint8_t r = 0, g = 0, b = 0;
};

struct Palette {
  Rgb bg, surface, chip, text, muted, border, accent, accent_dark, accent_soft, on_accent;
  Rgb success, success_soft, warning, warning_soft, danger, danger_soft;
  Rgb header_muted;  // secondary text in the header bar (on accent)
  Rgb keyboard_bg;   // behind the keys
  Rgb key_special;   // backspace, shift, clear
  Rgb scrim;         // behind the idle countdown (drawn at ~85% over the screen)
};

Palette normal_palette();
// Light text on black, yellow accent: the usual high-contrast scheme for
// low vision and bright rooms.
Palette high_contrast_palette();

// WCAG 2.1 relative luminance and contrast ratio (1 … 21).
double relative_luminance(Rgb c);
double contrast_ratio(Rgb a, Rgb b);

struct ColorPair {
  std::string_view what;  // where the widgets draw it
  Rgb fg, bg;
};
// Every text colour on every background it is drawn on (widgets/ui.cpp,
// widgets/keyboard.cpp, screens/*, the header and footer).
std::vector<ColorPair> text_pairs(const Palette& p);

}  // namespace motcua::kiosk
