#include "app/palette.hpp"

#include <algorithm>
#include <cmath>

namespace motcua::kiosk {

namespace {
constexpr Rgb hex(unsigned v) {
  return Rgb{static_cast<std::uint8_t>((v >> 16) & 0xFF), static_cast<std::uint8_t>((v >> 8) & 0xFF),
             static_cast<std::uint8_t>(v & 0xFF)};
}
double channel(std::uint8_t c) {
  const double s = c / 255.0;
  return s <= 0.04045 ? s / 12.92 : std::pow((s + 0.055) / 1.055, 2.4);
}
}  // namespace

Palette normal_palette() {
  Palette p;
  p.bg = hex(0xF2F4F7);
  p.surface = hex(0xFFFFFF);
  p.chip = hex(0xE3E8EE);
  p.text = hex(0x16202B);
  p.muted = hex(0x4B5866);  // 7:1 on white — secondary text must stay readable
  p.border = hex(0xB9C3CE);
  p.accent = hex(0x0B5CAD);
  p.accent_dark = hex(0x084282);
  p.accent_soft = hex(0xE3EEFA);
  p.on_accent = hex(0xFFFFFF);
  p.success = hex(0x1B6E36);
  p.success_soft = hex(0xE2F4E8);
  p.warning = hex(0x8F4A05);
  p.warning_soft = hex(0xFFF3DF);
  p.danger = hex(0xB3261E);
  p.danger_soft = hex(0xFDECEA);
  p.header_muted = hex(0xE6EFFA);
  p.keyboard_bg = hex(0xDDE3EA);
  p.key_special = hex(0xF2F4F7);
  p.scrim = hex(0x0E1620);
  return p;
}

Palette high_contrast_palette() {
  Palette p;
  p.bg = hex(0x000000);
  p.surface = hex(0x0A0A0A);
  p.chip = hex(0x262626);
  p.text = hex(0xFFFFFF);
  p.muted = hex(0xE0E0E0);
  p.border = hex(0xFFFFFF);
  p.accent = hex(0xFFD60A);  // yellow: buttons are yellow with black text
  p.accent_dark = hex(0xFFE766);
  p.accent_soft = hex(0x2B2500);
  p.on_accent = hex(0x000000);
  p.success = hex(0x7CF29A);
  p.success_soft = hex(0x06240F);
  p.warning = hex(0xFFC266);
  p.warning_soft = hex(0x2A1A00);
  p.danger = hex(0xFF9C94);
  p.danger_soft = hex(0x2E0905);
  p.header_muted = hex(0x000000);
  p.keyboard_bg = hex(0x1A1A1A);
  p.key_special = hex(0x262626);
  p.scrim = hex(0x000000);
  return p;
}

double relative_luminance(Rgb c) {
  return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
}

double contrast_ratio(Rgb a, Rgb b) {
  const double la = relative_luminance(a), lb = relative_luminance(b);
  return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

std::vector<ColorPair> text_pairs(const Palette& p) {
  return {
      {"text on background", p.text, p.bg},
      {"muted text on background", p.muted, p.bg},
      {"text on a card", p.text, p.surface},
      {"muted text on a card", p.muted, p.surface},
      {"accent text on a card (secondary button, sector names, numbers)", p.accent, p.surface},
      {"accent text on background (step counter, chips)", p.accent, p.bg},
      {"dark accent text on a card (lookup secret)", p.accent_dark, p.surface},
      {"primary button / header / selected chip", p.on_accent, p.accent},
      {"pressed primary button, pressed key", p.on_accent, p.accent_dark},
      {"header status line", p.header_muted, p.accent},
      {"info notice, mark key, level badge", p.accent_dark, p.accent_soft},
      {"pressed secondary button", p.accent, p.accent_soft},
      {"pressed list row / quiet button", p.text, p.accent_soft},
      {"chip / code badge", p.text, p.chip},
      {"success badge", p.success, p.success_soft},
      {"success text on a card (status, scan done)", p.success, p.surface},
      {"success text on background", p.success, p.bg},
      {"warning notice text", p.text, p.warning_soft},
      {"warning status on a card", p.warning, p.surface},
      {"warning badge (provisional code)", p.warning, p.warning_soft},
      {"danger notice", p.danger, p.danger_soft},
      {"danger text on a card (field errors)", p.danger, p.surface},
      {"danger text on background", p.danger, p.bg},
      {"danger button", p.on_accent, p.danger},
      {"letter key", p.text, p.surface},
      {"special key", p.text, p.key_special},
      {"idle countdown card", p.text, p.surface},
      {"header toggle switched on (large text, contrast, read-aloud, language)", p.accent, p.on_accent},
  };
}

}  // namespace motcua::kiosk
