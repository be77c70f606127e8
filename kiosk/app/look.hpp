#pragma once
// The kiosk's look: fonts (Noto Sans with Vietnamese glyphs, FreeType) and the
// theme — a calm, high-contrast civic style: white and very light grey
// surfaces, near-black text, one strong blue accent, big touch targets.

#include <filesystem>

#include "motcua/util/error.hpp"
#include "widgets/ui.hpp"

namespace motcua::kiosk {

// scale: window width / 1080. dpi: the screen's, so a touch target is never
// smaller than 15 mm however the window is scaled.
Theme make_theme(float scale, float dpi);
void apply_imgui_style(const Theme& theme);

// Adds the fonts to ImGui's atlas (FreeType builder). Call before the
// renderer backend creates the font texture.
Result<Fonts> load_fonts(const std::filesystem::path& regular, const std::filesystem::path& bold, float scale);

}  // namespace motcua::kiosk
