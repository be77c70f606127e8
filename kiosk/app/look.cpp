#include "app/look.hpp"

#include <algorithm>
#include <cmath>

#include <imgui.h>
#include <imgui_freetype.h>

namespace motcua::kiosk {

namespace {
ImU32 col(Rgb c) { return IM_COL32(c.r, c.g, c.b, 0xFF); }
}  // namespace

Theme make_theme(float s, float dpi, const Palette& p, float ts) {
  Theme t;
  t.s = s;
  t.text_scale = ts;
  t.high_contrast = p.bg.r < 0x40;
  t.bg = col(p.bg);
  t.surface = col(p.surface);
  t.chip = col(p.chip);
  t.text = col(p.text);
  t.muted = col(p.muted);
  t.border = col(p.border);
  t.accent = col(p.accent);
  t.accent_dark = col(p.accent_dark);
  t.accent_soft = col(p.accent_soft);
  t.on_accent = col(p.on_accent);
  t.success = col(p.success);
  t.success_soft = col(p.success_soft);
  t.warning = col(p.warning);
  t.warning_soft = col(p.warning_soft);
  t.danger = col(p.danger);
  t.danger_soft = col(p.danger_soft);
  t.header_muted = col(p.header_muted);
  t.keyboard_bg = col(p.keyboard_bg);
  t.key_special = col(p.key_special);
  t.scrim = col(p.scrim);

  // 15 mm at the screen's dpi is the smallest thing a finger should aim at;
  // 2 mm between targets keeps a finger from touching two.
  t.min_touch = std::ceil(15.0f / 25.4f * dpi);
  t.target_gap = std::max(std::round(10 * s), std::ceil(2.0f / 25.4f * dpi));
  // Text-holding metrics grow with large text, but less than the text: the
  // layout must still fit a portrait screen with the keyboard open.
  const float grow = 1.0f + (ts - 1.0f) * 0.6f;
  t.pad = std::round(36 * s);
  t.gap = std::round(24 * s);
  t.radius = std::round(18 * s);
  t.button_h = std::max(std::round(124 * s * grow), t.min_touch);
  t.row_h = std::max(std::round(124 * s * grow), t.min_touch);
  t.key_h = std::max(std::round(96 * s * grow), t.min_touch);
  t.field_h = std::max(std::round(104 * s * grow), t.min_touch);
  t.header_h = std::max(std::round(132 * s * grow), t.min_touch + 2 * t.target_gap);
  t.footer_h = std::max(std::round(150 * s), t.min_touch + 2 * t.gap);
  return t;
}

void apply_imgui_style(const Theme& t) {
  ImGuiStyle& st = ImGui::GetStyle();
  st = ImGuiStyle();
  ImGui::StyleColorsLight(&st);
  st.WindowPadding = ImVec2(t.pad, t.pad * 0.6f);
  st.WindowRounding = 0;
  st.WindowBorderSize = 0;
  st.ChildBorderSize = 0;
  st.FramePadding = ImVec2(20 * t.s, 14 * t.s);
  st.ItemSpacing = ImVec2(16 * t.s, 10 * t.s);
  st.ScrollbarSize = 14 * t.s;
  st.ScrollbarRounding = 7 * t.s;
  st.TouchExtraPadding = ImVec2(0, 0);
  st.AntiAliasedFill = true;
  st.AntiAliasedLines = true;
  ImVec4* c = st.Colors;
  // Our widgets draw themselves; these cover what ImGui draws (scrollbars).
  c[ImGuiCol_WindowBg] = ImGui::ColorConvertU32ToFloat4(t.bg);
  c[ImGuiCol_ChildBg] = ImVec4(0, 0, 0, 0);
  c[ImGuiCol_Text] = ImGui::ColorConvertU32ToFloat4(t.text);
  c[ImGuiCol_ScrollbarBg] = ImVec4(0, 0, 0, 0);
  c[ImGuiCol_ScrollbarGrab] = ImGui::ColorConvertU32ToFloat4(t.border);
  c[ImGuiCol_ScrollbarGrabHovered] = c[ImGuiCol_ScrollbarGrab];
  c[ImGuiCol_ScrollbarGrabActive] = ImGui::ColorConvertU32ToFloat4(t.muted);
}

Result<Fonts> load_fonts(const std::filesystem::path& regular, const std::filesystem::path& bold, float s) {
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  io.Fonts->FontBuilderIO = ImGuiFreeType::GetBuilderForFreeType();
  io.Fonts->FontBuilderFlags = ImGuiFreeTypeBuilderFlags_LightHinting;

  // ImGui's Vietnamese ranges lack ₫ — … “ ” • (and ’ ‘ – ·, common in catalog
  // text), and ‹ › of the catalog's way back up ("‹  Tư pháp"), which drew as "?".
  ImFontGlyphRangesBuilder builder;
  builder.AddRanges(io.Fonts->GetGlyphRangesVietnamese());
  builder.AddText("₫—–…“”‘’•·×‹›");
  ImVector<ImWchar> ranges;  // read during Build() below, not after
  builder.BuildRanges(&ranges);

  ImFontConfig cfg;
  cfg.OversampleH = 1;
  cfg.OversampleV = 1;
  cfg.PixelSnapH = true;
  auto add = [&](const std::filesystem::path& file, float px) -> ImFont* {
    return io.Fonts->AddFontFromFileTTF(file.c_str(), std::round(px * s), &cfg, ranges.Data);
  };
  if (!std::filesystem::exists(regular) || !std::filesystem::exists(bold))
    return fail(Errc::not_found, "font missing: " + regular.string() + " or " + bold.string() +
                                     " (install fonts-noto-core)");
  Fonts f;
  f.body = add(regular, 32);
  f.small = add(regular, 28);
  f.bold = add(bold, 32);
  f.heading = add(bold, 40);
  f.title = add(bold, 52);
  f.display = add(bold, 64);
  if (!f.body || !f.small || !f.bold || !f.heading || !f.title || !f.display)
    return fail(Errc::io, "cannot load fonts from " + regular.string());
  if (!io.Fonts->Build()) return fail(Errc::internal, "font atlas build failed");
  return f;
}

}  // namespace motcua::kiosk
