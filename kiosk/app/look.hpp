#pragma once
// The kiosk's look: fonts (Noto Sans with Vietnamese glyphs, FreeType) and the
// theme — a calm civic style (white and very light grey surfaces, near-black
// text, one strong blue accent) or high contrast (app/palette.hpp), big touch
// targets, and a large-text mode.

#include <filesystem>

#include "app/palette.hpp"
#include "motcua/util/error.hpp"
#include "widgets/ui.hpp"

namespace motcua::kiosk {

// Large-text mode: every font and the text-holding metrics grow by this.
inline constexpr float kLargeTextScale = 1.3f;

// scale: the window's shorter side / 1080. dpi: the screen's, so a touch
// target is never smaller than 15 mm however the window is scaled.
Theme make_theme(float scale, float dpi, const Palette& palette, float text_scale = 1.0f);
void apply_imgui_style(const Theme& theme);

// Adds the fonts to ImGui's atlas (FreeType builder), clearing what was there.
// Call before the renderer backend creates the font texture (or destroy and
// recreate it: large-text mode).
Result<Fonts> load_fonts(const std::filesystem::path& regular, const std::filesystem::path& bold, float scale);

}  // namespace motcua::kiosk
