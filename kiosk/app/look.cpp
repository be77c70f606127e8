#include "app/look.hpp"

#include <algorithm>
#include <cmath>

#include <imgui.h>
#include <imgui_freetype.h>

namespace motcua::kiosk {

namespace {
ImU32 rgb(unsigned hex) {
  return IM_COL32((hex >> 16) & 0xFF, (hex >> 8) & 0xFF, hex & 0xFF, 0xFF);
}
}  // namespace

Theme make_theme(float s, float dpi) {
  Theme t;
  t.s = s;
  t.bg = rgb(0xF2F4F7);
  t.surface = rgb(0xFFFFFF);
  t.chip = rgb(0xE3E8EE);
  t.text = rgb(0x16202B);
  t.muted = rgb(0x4B5866);  // 7:1 on white — secondary text must stay readable
  t.border = rgb(0xD3DAE2);
  t.accent = rgb(0x0B5CAD);
  t.accent_dark = rgb(0x084282);
  t.accent_soft = rgb(0xE3EEFA);
  t.on_accent = rgb(0xFFFFFF);
  t.success = rgb(0x1B7A3A);
  t.success_soft = rgb(0xE2F4E8);
  t.warning = rgb(0xB25E09);
  t.warning_soft = rgb(0xFFF3DF);
  t.danger = rgb(0xB3261E);
  t.danger_soft = rgb(0xFDECEA);

  // 15 mm at the screen's dpi is the smallest thing a finger should aim at.
  const float min_touch = 15.0f / 25.4f * dpi;
  t.pad = std::round(36 * s);
  t.gap = std::round(24 * s);
  t.radius = std::round(18 * s);
  t.button_h = std::max(std::round(124 * s), min_touch);
  t.row_h = std::max(std::round(124 * s), min_touch);
  t.key_h = std::max(std::round(96 * s), min_touch);
  t.field_h = std::max(std::round(104 * s), min_touch);
  t.header_h = std::round(132 * s);
  t.footer_h = std::max(std::round(150 * s), min_touch + 2 * t.gap);
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

  // ImGui's Vietnamese ranges lack ₫ — … “ ” • (and ’ ‘ – ·, common in catalog text).
  ImFontGlyphRangesBuilder builder;
  builder.AddRanges(io.Fonts->GetGlyphRangesVietnamese());
  builder.AddText("₫—–…“”‘’•·×");
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
