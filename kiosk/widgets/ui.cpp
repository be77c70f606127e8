#include "widgets/ui.hpp"

#include <algorithm>
#include <cmath>

#include <imgui_internal.h>

namespace motcua::kiosk {

namespace {

const char* b(std::string_view s) { return s.data(); }
const char* e(std::string_view s) { return s.data() + s.size(); }

bool dragged_too_far(const Ui& ui) {
  const float t = drag_threshold(ui.th);
  return ImGui::GetIO().MouseDragMaxDistanceSqr[0] > t * t;
}

ImU32 darker(ImU32 c, float f) {
  ImVec4 v = ImGui::ColorConvertU32ToFloat4(c);
  v.x *= f;
  v.y *= f;
  v.z *= f;
  return ImGui::ColorConvertFloat4ToU32(v);
}

// Draws text wrapped to `width`, every line centred horizontally in [x, x+width].
void draw_centered_lines(ImDrawList* dl, ImFont* font, ImVec2 pos, float width, std::string_view s, ImU32 color) {
  const float size = font->FontSize;
  const char* p = b(s);
  const char* end = e(s);
  float y = pos.y;
  while (p < end) {
    const char* line_end = font->CalcWordWrapPositionA(1.0f, p, end, width);
    if (line_end == p) line_end = p + 1;  // a single glyph wider than the box
    const char* trimmed = line_end;
    while (trimmed > p && (trimmed[-1] == ' ' || trimmed[-1] == '\n')) --trimmed;
    const float w = font->CalcTextSizeA(size, FLT_MAX, 0, p, trimmed).x;
    dl->AddText(font, size, ImVec2(std::floor(pos.x + (width - w) * 0.5f), y), color, p, trimmed);
    y += size * 1.15f;
    p = line_end;
    while (p < end && (*p == ' ' || *p == '\n')) ++p;
  }
}

float centered_lines_height(ImFont* font, float width, std::string_view s) {
  int lines = 0;
  const char* p = b(s);
  const char* end = e(s);
  while (p < end) {
    const char* line_end = font->CalcWordWrapPositionA(1.0f, p, end, width);
    if (line_end == p) line_end = p + 1;
    ++lines;
    p = line_end;
    while (p < end && (*p == ' ' || *p == '\n')) ++p;
  }
  return static_cast<float>(std::max(lines, 1)) * font->FontSize * 1.15f - font->FontSize * 0.15f;
}

}  // namespace

float drag_threshold(const Theme& th) { return 24.0f * th.s; }

float avail_width(const Ui& ui) { return ImGui::GetContentRegionAvail().x - ui.inset_right; }

ImVec2 measure(ImFont* font, std::string_view s, float wrap_width) {
  if (s.empty()) return ImVec2(0, 0);  // an empty view may hold no pointer at all
  return font->CalcTextSizeA(font->FontSize, FLT_MAX, wrap_width, b(s), e(s));
}

void register_clickable(Ui& ui, std::string_view label, ImVec2 min, ImVec2 max, std::string_view key) {
  const ImRect clip = ImGui::GetCurrentWindow()->ClipRect;
  Rect r{std::max(min.x, clip.Min.x), std::max(min.y, clip.Min.y), std::min(max.x, clip.Max.x),
         std::min(max.y, clip.Max.y)};
  const Rect full{min.x, min.y, max.x, max.y}, region{clip.Min.x, clip.Min.y, clip.Max.x, clip.Max.y};
  if (r.empty()) {
    if (key.empty()) ui.reg.offscreen.push_back(TextSpot{std::string(label), r, full, region});
    return;
  }
  ui.reg.clickables.push_back(Clickable{std::string(label), std::string(key), r, full, region});
}

namespace {
// The visible part of a text's box, for tours (TextSpot).
void register_spot(Ui& ui, std::string_view s, ImVec2 min, ImVec2 max) {
  const ImRect clip = ImGui::GetCurrentWindow()->ClipRect;
  Rect r{std::max(min.x, clip.Min.x), std::max(min.y, clip.Min.y), std::min(max.x, clip.Max.x),
         std::min(max.y, clip.Max.y)};
  TextSpot spot{std::string(s), r, Rect{min.x, min.y, max.x, max.y}, Rect{clip.Min.x, clip.Min.y, clip.Max.x, clip.Max.y}};
  (r.empty() ? ui.reg.offscreen : ui.reg.spots).push_back(std::move(spot));
}
}  // namespace

namespace {
// A target ImGui clipped away (scrolled out of its region): not tappable, but
// a tour may scroll it into view (FrameRegistry::offscreen).
void note_offscreen(Ui& ui, std::string_view label, ImVec2 min, ImVec2 max) {
  const ImRect clip = ImGui::GetCurrentWindow()->ClipRect;
  ui.reg.offscreen.push_back(TextSpot{std::string(label), Rect{}, Rect{min.x, min.y, max.x, max.y},
                                      Rect{clip.Min.x, clip.Min.y, clip.Max.x, clip.Max.y}});
}

// A touch target at bb: laid out, noted when scrolled out of view (tours),
// and pressed only when the finger lifted without dragging (that scrolled a
// list); `down` is the press feedback.
struct Touch {
  bool visible = false;
  bool pressed = false;
  bool down = false;
};
Touch touch_target(Ui& ui, std::string_view label, const ImRect& bb, ImGuiID id) {
  ImGui::ItemSize(bb);
  if (!ImGui::ItemAdd(bb, id)) {
    note_offscreen(ui, label, bb.Min, bb.Max);
    return {};
  }
  bool hovered = false, held = false;
  const bool pressed = ImGui::ButtonBehavior(bb, id, &hovered, &held);
  const bool dragging = dragged_too_far(ui);
  return {true, pressed && !dragging, held && hovered && !dragging};
}
}  // namespace

void text(Ui& ui, std::string_view s, ImFont* font, ImU32 color, bool wrap) {
  if (s.empty()) return;
  ui.reg.texts.emplace_back(s);
  ImGui::PushFont(font);
  ImGui::PushStyleColor(ImGuiCol_Text, color);
  if (wrap) ImGui::PushTextWrapPos(ImGui::GetCursorPos().x + avail_width(ui));
  ImGui::TextUnformatted(b(s), e(s));
  register_spot(ui, s, ImGui::GetItemRectMin(), ImGui::GetItemRectMax());
  if (wrap) ImGui::PopTextWrapPos();
  ImGui::PopStyleColor();
  ImGui::PopFont();
}

void text_centered(Ui& ui, std::string_view s, ImFont* font, ImU32 color) {
  ui.reg.texts.emplace_back(s);
  const float width = avail_width(ui);
  const float h = centered_lines_height(font, width, s);
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  draw_centered_lines(ImGui::GetWindowDrawList(), font, pos, width, s, color);
  ImGui::Dummy(ImVec2(width, h));
  register_spot(ui, s, pos, ImVec2(pos.x + width, pos.y + h));
}

void draw_text(Ui& ui, ImDrawList* dl, ImVec2 pos, std::string_view s, ImFont* font, ImU32 color, float wrap_width) {
  if (s.empty()) return;
  ui.reg.texts.emplace_back(s);
  dl->AddText(font, font->FontSize, pos, color, b(s), e(s), wrap_width);
}

void vspace(Ui&, float px) { ImGui::Dummy(ImVec2(0, px)); }

bool button(Ui& ui, std::string_view label, ButtonKind kind, float width, float height) {
  const Theme& th = ui.th;
  ImGuiWindow* window = ImGui::GetCurrentWindow();
  if (width <= 0) width = avail_width(ui);
  if (height <= 0) height = th.button_h;
  width = std::max(width, th.min_touch);
  height = std::max(height, th.min_touch);
  ImFont* font = ui.fonts.heading;
  const float text_h = centered_lines_height(font, width - 2 * th.pad, label);
  height = std::max(height, text_h + th.pad);
  const ImVec2 pos = window->DC.CursorPos;
  const ImRect bb(pos, ImVec2(pos.x + width, pos.y + height));
  const ImGuiID id = window->GetID(b(label), e(label));
  const Touch touch = touch_target(ui, label, bb, id);
  if (!touch.visible) return false;
  const bool pressed = touch.pressed, down = touch.down;

  ImU32 fill = th.accent, fg = th.on_accent, border = 0;
  switch (kind) {
    case ButtonKind::primary: fill = down ? th.accent_dark : th.accent; break;
    case ButtonKind::secondary:
      fill = down ? th.accent_soft : th.surface;
      fg = th.accent;
      border = th.accent;
      break;
    case ButtonKind::quiet:
      fill = down ? th.accent_soft : th.surface;
      fg = th.text;
      border = th.border;
      break;
    case ButtonKind::danger: fill = down ? darker(th.danger, 0.8f) : th.danger; break;
  }
  ImDrawList* dl = window->DrawList;
  // A pressed button sinks a little: visible feedback under a finger.
  const ImVec2 shift = down ? ImVec2(0, 2 * th.s) : ImVec2(0, 0);
  if (!down && kind == ButtonKind::primary)
    dl->AddRectFilled(ImVec2(bb.Min.x, bb.Min.y + 4 * th.s), ImVec2(bb.Max.x, bb.Max.y + 4 * th.s),
                      darker(th.accent, 0.6f), th.radius);
  dl->AddRectFilled(bb.Min + shift, bb.Max + shift, fill, th.radius);
  if (border) dl->AddRect(bb.Min + shift, bb.Max + shift, border, th.radius, 0, 3 * th.s);
  draw_centered_lines(dl, font, ImVec2(bb.Min.x + th.pad, bb.Min.y + (height - text_h) * 0.5f) + shift,
                      width - 2 * th.pad, label, fg);
  ui.reg.texts.emplace_back(label);
  register_clickable(ui, label, bb.Min, bb.Max);
  return pressed;
}

void draw_icon(ImDrawList* dl, Icon icon, ImVec2 c, float size, ImU32 color) {
  const float r = size * 0.5f;
  const float t = std::max(2.0f, size * 0.09f);  // stroke
  switch (icon) {
    case Icon::none: break;
    case Icon::search:
      dl->AddCircle(ImVec2(c.x - r * 0.18f, c.y - r * 0.18f), r * 0.55f, color, 32, t);
      dl->AddLine(ImVec2(c.x + r * 0.22f, c.y + r * 0.22f), ImVec2(c.x + r * 0.8f, c.y + r * 0.8f), color, t * 1.3f);
      break;
    case Icon::document: {
      const ImVec2 a(c.x - r * 0.6f, c.y - r * 0.8f), z(c.x + r * 0.6f, c.y + r * 0.8f);
      dl->AddRect(a, z, color, r * 0.12f, 0, t);
      for (int i = 0; i < 3; ++i) {
        const float y = c.y - r * 0.35f + static_cast<float>(i) * r * 0.35f;
        dl->AddLine(ImVec2(a.x + r * 0.25f, y), ImVec2(z.x - r * 0.25f, y), color, t * 0.8f);
      }
      break;
    }
    case Icon::status:
    case Icon::clock:
      dl->AddCircle(c, r * 0.8f, color, 40, t);
      dl->AddLine(c, ImVec2(c.x, c.y - r * 0.5f), color, t);
      dl->AddLine(c, ImVec2(c.x + r * 0.38f, c.y + r * 0.12f), color, t);
      break;
    case Icon::back:
      dl->AddLine(ImVec2(c.x - r * 0.6f, c.y), ImVec2(c.x + r * 0.6f, c.y), color, t);
      dl->AddLine(ImVec2(c.x - r * 0.6f, c.y), ImVec2(c.x - r * 0.1f, c.y - r * 0.5f), color, t);
      dl->AddLine(ImVec2(c.x - r * 0.6f, c.y), ImVec2(c.x - r * 0.1f, c.y + r * 0.5f), color, t);
      break;
    case Icon::home: {
      dl->AddTriangle(ImVec2(c.x - r * 0.75f, c.y - r * 0.05f), ImVec2(c.x, c.y - r * 0.75f),
                      ImVec2(c.x + r * 0.75f, c.y - r * 0.05f), color, t);
      dl->AddRect(ImVec2(c.x - r * 0.5f, c.y - r * 0.05f), ImVec2(c.x + r * 0.5f, c.y + r * 0.7f), color, 0, 0, t);
      break;
    }
    case Icon::check:
      dl->AddLine(ImVec2(c.x - r * 0.5f, c.y), ImVec2(c.x - r * 0.12f, c.y + r * 0.4f), color, t * 1.4f);
      dl->AddLine(ImVec2(c.x - r * 0.12f, c.y + r * 0.4f), ImVec2(c.x + r * 0.55f, c.y - r * 0.4f), color, t * 1.4f);
      break;
    case Icon::scan: {
      dl->AddRect(ImVec2(c.x - r * 0.8f, c.y - r * 0.45f), ImVec2(c.x + r * 0.8f, c.y + r * 0.45f), color, r * 0.1f, 0, t);
      dl->AddLine(ImVec2(c.x - r * 0.95f, c.y), ImVec2(c.x + r * 0.95f, c.y), color, t);
      break;
    }
    case Icon::phone:
      dl->AddRect(ImVec2(c.x - r * 0.4f, c.y - r * 0.8f), ImVec2(c.x + r * 0.4f, c.y + r * 0.8f), color, r * 0.15f, 0, t);
      dl->AddLine(ImVec2(c.x - r * 0.12f, c.y + r * 0.55f), ImVec2(c.x + r * 0.12f, c.y + r * 0.55f), color, t);
      break;
    case Icon::question: {
      // Two speech bubbles: a question and its answer.
      dl->AddRect(ImVec2(c.x - r * 0.85f, c.y - r * 0.75f), ImVec2(c.x + r * 0.25f, c.y + r * 0.05f), color, r * 0.15f, 0, t);
      dl->AddLine(ImVec2(c.x - r * 0.55f, c.y + r * 0.05f), ImVec2(c.x - r * 0.65f, c.y + r * 0.35f), color, t);
      dl->AddRectFilled(ImVec2(c.x - r * 0.15f, c.y - r * 0.15f), ImVec2(c.x + r * 0.85f, c.y + r * 0.6f), color, r * 0.15f);
      dl->AddLine(ImVec2(c.x + r * 0.55f, c.y + r * 0.6f), ImVec2(c.x + r * 0.65f, c.y + r * 0.88f), color, t);
      break;
    }
    case Icon::pin:
      dl->AddCircle(ImVec2(c.x, c.y - r * 0.25f), r * 0.45f, color, 32, t);
      dl->AddLine(ImVec2(c.x - r * 0.3f, c.y + r * 0.05f), ImVec2(c.x, c.y + r * 0.8f), color, t);
      dl->AddLine(ImVec2(c.x + r * 0.3f, c.y + r * 0.05f), ImVec2(c.x, c.y + r * 0.8f), color, t);
      break;
  }
}

bool tile(Ui& ui, std::string_view title, std::string_view subtitle, Icon icon, float height) {
  const Theme& th = ui.th;
  ImGuiWindow* window = ImGui::GetCurrentWindow();
  const float width = avail_width(ui);
  const ImVec2 pos = window->DC.CursorPos;
  const ImRect bb(pos, ImVec2(pos.x + width, pos.y + height));
  const ImGuiID id = window->GetID(b(title), e(title));
  const Touch touch = touch_target(ui, title, bb, id);
  if (!touch.visible) return false;
  const bool pressed = touch.pressed, down = touch.down;

  ImDrawList* dl = window->DrawList;
  dl->AddRectFilled(ImVec2(bb.Min.x, bb.Min.y + 6 * th.s), ImVec2(bb.Max.x, bb.Max.y + 6 * th.s), th.border,
                    th.radius * 1.5f);
  dl->AddRectFilled(bb.Min, bb.Max, down ? th.accent_soft : th.surface, th.radius * 1.5f);
  dl->AddRect(bb.Min, bb.Max, down ? th.accent : th.border, th.radius * 1.5f, 0, 3 * th.s);
  // Icon in a coloured disc on the left; text to its right; chevron at the end.
  const float disc = std::min(height * 0.62f, 150 * th.s);
  const ImVec2 dc(bb.Min.x + th.pad + disc * 0.5f, bb.Min.y + height * 0.5f);
  dl->AddCircleFilled(dc, disc * 0.5f, th.accent, 48);
  draw_icon(dl, icon, dc, disc * 0.55f, th.on_accent);
  const float tx = bb.Min.x + th.pad * 2 + disc;
  const float tw = bb.Max.x - tx - th.pad * 2.5f;
  const ImVec2 title_size = measure(ui.fonts.title, title, tw);
  const ImVec2 sub_size = measure(ui.fonts.body, subtitle, tw);
  const float sub_gap = subtitle.empty() ? 0 : 10 * th.s;
  const float ty = bb.Min.y + (height - title_size.y - sub_size.y - sub_gap) * 0.5f;
  draw_text(ui, dl, ImVec2(tx, ty), title, ui.fonts.title, th.text, tw);
  draw_text(ui, dl, ImVec2(tx, ty + title_size.y + 10 * th.s), subtitle, ui.fonts.body, th.muted, tw);
  const float cx = bb.Max.x - th.pad * 1.3f, cy = bb.Min.y + height * 0.5f, k = 14 * th.s;
  dl->AddLine(ImVec2(cx - k, cy - k * 1.6f), ImVec2(cx + k * 0.4f, cy), th.accent, 5 * th.s);
  dl->AddLine(ImVec2(cx - k, cy + k * 1.6f), ImVec2(cx + k * 0.4f, cy), th.accent, 5 * th.s);
  register_clickable(ui, title, bb.Min, bb.Max);
  return pressed;
}

bool list_row(Ui& ui, std::string_view id_text, std::string_view title, std::string_view meta,
              std::string_view badge_text, bool selected) {
  const Theme& th = ui.th;
  ImGuiWindow* window = ImGui::GetCurrentWindow();
  const float width = avail_width(ui);
  const ImGuiID id = window->GetID(b(id_text), e(id_text));
  // Long lists (thousands of services): a row scrolled out of view reuses its
  // last measured height instead of measuring wrapped text every frame.
  ImGuiStorage* storage = ImGui::GetStateStorage();
  const ImGuiID height_key = ImHashStr("row-height", 0, id);
  if (const float known = storage->GetFloat(height_key, 0); known > 0 && !ImGui::IsRectVisible(ImVec2(width, known))) {
    const ImVec2 at = window->DC.CursorPos;
    note_offscreen(ui, title, at, ImVec2(at.x + width, at.y + known));
    ImGui::Dummy(ImVec2(width, known));
    ImGui::Dummy(ImVec2(0, th.gap * 0.5f));
    return false;
  }
  const float badge_w = badge_text.empty() ? 0 : measure(ui.fonts.small, badge_text).x + 28 * th.s + th.gap;
  const float tw = width - 2 * th.pad - 40 * th.s - badge_w;
  const ImVec2 ts = measure(ui.fonts.bold, title, tw);
  const ImVec2 ms = measure(ui.fonts.small, meta, tw);
  const float height = std::max(th.row_h, th.pad * 1.4f + ts.y + 8 * th.s + ms.y);
  storage->SetFloat(height_key, height);
  const ImVec2 pos = window->DC.CursorPos;
  const ImRect bb(pos, ImVec2(pos.x + width, pos.y + height));
  const Touch touch = touch_target(ui, title, bb, id);
  if (!touch.visible) return false;
  const bool pressed = touch.pressed, down = touch.down;

  ImDrawList* dl = window->DrawList;
  dl->AddRectFilled(bb.Min, bb.Max, down || selected ? th.accent_soft : th.surface, th.radius);
  dl->AddRect(bb.Min, bb.Max, down || selected ? th.accent : th.border, th.radius, 0, (selected ? 5.0f : 2.0f) * th.s);
  if (selected)  // a bar on the left: "this one", not by colour alone
    dl->AddRectFilled(bb.Min, ImVec2(bb.Min.x + 12 * th.s, bb.Max.y), th.accent, th.radius, ImDrawFlags_RoundCornersLeft);
  const float y = bb.Min.y + (height - ts.y - 8 * th.s - ms.y) * 0.5f;
  draw_text(ui, dl, ImVec2(bb.Min.x + th.pad, y), title, ui.fonts.bold, th.text, tw);
  draw_text(ui, dl, ImVec2(bb.Min.x + th.pad, y + ts.y + 8 * th.s), meta, ui.fonts.small, th.muted, tw);
  if (!badge_text.empty()) {
    const ImVec2 bs = measure(ui.fonts.small, badge_text);
    const ImVec2 bmin(bb.Max.x - th.pad - 40 * th.s - bs.x - 28 * th.s, bb.Min.y + (height - bs.y - 12 * th.s) * 0.5f);
    const ImVec2 bmax(bmin.x + bs.x + 28 * th.s, bmin.y + bs.y + 12 * th.s);
    dl->AddRectFilled(bmin, bmax, th.success_soft, (bmax.y - bmin.y) * 0.5f);
    draw_text(ui, dl, ImVec2(bmin.x + 14 * th.s, bmin.y + 6 * th.s), badge_text, ui.fonts.small, th.success);
  }
  const float cx = bb.Max.x - th.pad, cy = bb.Min.y + height * 0.5f, k = 10 * th.s;
  dl->AddLine(ImVec2(cx - k, cy - k * 1.6f), ImVec2(cx + k * 0.4f, cy), th.muted, 4 * th.s);
  dl->AddLine(ImVec2(cx - k, cy + k * 1.6f), ImVec2(cx + k * 0.4f, cy), th.muted, 4 * th.s);
  register_clickable(ui, title, bb.Min, bb.Max);
  ImGui::Dummy(ImVec2(0, th.gap * 0.5f));
  return pressed;
}

bool text_field(Ui& ui, std::string_view id_text, std::string_view label, std::string_view value,
                std::string_view placeholder, bool focused, std::string_view error) {
  const Theme& th = ui.th;
  text(ui, label, ui.fonts.bold, th.text);
  vspace(ui, 8 * th.s);
  ImGuiWindow* window = ImGui::GetCurrentWindow();
  const float width = avail_width(ui);
  const ImVec2 pos = window->DC.CursorPos;
  const ImRect bb(pos, ImVec2(pos.x + width, pos.y + th.field_h));
  const ImGuiID id = window->GetID(b(id_text), e(id_text));
  ImGui::ItemSize(bb);
  bool pressed = false;
  if (ImGui::ItemAdd(bb, id)) {
    bool hovered = false, held = false;
    pressed = ImGui::ButtonBehavior(bb, id, &hovered, &held) && !dragged_too_far(ui);
    ImDrawList* dl = window->DrawList;
    const ImU32 border = !error.empty() ? th.danger : focused ? th.accent : th.border;
    dl->AddRectFilled(bb.Min, bb.Max, th.surface, th.radius);
    dl->AddRect(bb.Min, bb.Max, border, th.radius, 0, (focused ? 4.0f : 2.5f) * th.s);
    ImFont* font = ui.fonts.heading;
    const float ty = bb.Min.y + (th.field_h - font->FontSize) * 0.5f;
    // Long values show their end, where the caret is.
    const float room = width - 2 * th.pad - 12 * th.s;
    float tx = bb.Min.x + th.pad;
    dl->PushClipRect(ImVec2(bb.Min.x + 4, bb.Min.y), ImVec2(bb.Max.x - 4, bb.Max.y), true);
    if (value.empty()) {
      draw_text(ui, dl, ImVec2(tx, ty), placeholder, ui.fonts.body, th.muted);
    } else {
      const float w = measure(font, value).x;
      if (w > room) tx -= w - room;
      draw_text(ui, dl, ImVec2(tx, ty), value, font, th.text);
      tx += w;
    }
    if (focused) {
      const float cx = value.empty() ? bb.Min.x + th.pad - 6 * th.s : tx + 4 * th.s;
      dl->AddRectFilled(ImVec2(cx, ty + 2 * th.s), ImVec2(cx + 3 * th.s, ty + font->FontSize), th.accent);
    }
    dl->PopClipRect();
    register_clickable(ui, label, bb.Min, bb.Max);
  }
  if (!error.empty()) {
    vspace(ui, 6 * th.s);
    text(ui, error, ui.fonts.body, th.danger);
  }
  vspace(ui, th.gap);
  return pressed;
}

void badge(Ui& ui, std::string_view s, ImU32 bg, ImU32 fg, bool same_line) {
  const Theme& th = ui.th;
  if (same_line) ImGui::SameLine(0, 12 * th.s);
  ImFont* font = ui.fonts.small;
  const ImVec2 ts = measure(font, s);
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  const ImVec2 size(ts.x + 32 * th.s, ts.y + 14 * th.s);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(pos, pos + size, bg, size.y * 0.5f);
  draw_text(ui, dl, ImVec2(pos.x + 16 * th.s, pos.y + 7 * th.s), s, font, fg);
  ImGui::Dummy(size);
}

void section_heading(Ui& ui, std::string_view s) {
  vspace(ui, ui.th.gap * 0.5f);
  text(ui, s, ui.fonts.heading, ui.th.text);
  vspace(ui, 10 * ui.th.s);
}

Card begin_card(Ui& ui, ImU32 bg, ImU32 border) {
  const Theme& th = ui.th;
  Card c{ImGui::GetCursorScreenPos(), ui.inset_right, bg ? bg : th.surface, border ? border : th.border,
         avail_width(ui)};
  ImGui::GetWindowDrawList()->ChannelsSplit(2);
  ImGui::GetWindowDrawList()->ChannelsSetCurrent(1);
  ImGui::BeginGroup();
  ImGui::Dummy(ImVec2(0, th.pad * 0.75f));
  ImGui::Indent(th.pad);
  ui.inset_right += th.pad;
  return c;
}

void end_card(Ui& ui, const Card& c) {
  const Theme& th = ui.th;
  ImGui::Unindent(th.pad);
  ImGui::Dummy(ImVec2(0, th.pad * 0.75f - ImGui::GetStyle().ItemSpacing.y));
  ImGui::EndGroup();
  ui.inset_right = c.saved_inset;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->ChannelsSetCurrent(0);
  const ImVec2 max(c.start.x + c.width, ImGui::GetItemRectMax().y);
  dl->AddRectFilled(c.start, max, c.bg, th.radius);
  dl->AddRect(c.start, max, c.border, th.radius, 0, 2 * th.s);
  dl->ChannelsMerge();
  vspace(ui, th.gap * 0.5f);
}

void field_row(Ui& ui, std::string_view label, std::string_view value) {
  const Theme& th = ui.th;
  const float width = avail_width(ui);
  const float lw = std::min(330 * th.s, width * 0.36f);
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 ls = measure(ui.fonts.body, label, lw - 16 * th.s);
  const ImVec2 vs = measure(ui.fonts.bold, value, width - lw);
  draw_text(ui, dl, pos, label, ui.fonts.body, th.muted, lw - 16 * th.s);
  draw_text(ui, dl, ImVec2(pos.x + lw, pos.y), value, ui.fonts.bold, th.text, width - lw);
  ImGui::Dummy(ImVec2(width, std::max(ls.y, vs.y) + 10 * th.s));
  register_spot(ui, label, pos, pos + ls);
  register_spot(ui, value, ImVec2(pos.x + lw, pos.y), ImVec2(pos.x + lw + vs.x, pos.y + vs.y));
}

void notice(Ui& ui, std::string_view s, ImU32 bg, ImU32 fg) {
  const Theme& th = ui.th;
  const float width = avail_width(ui);
  const ImVec2 ts = measure(ui.fonts.body, s, width - 2 * th.pad);
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  const ImVec2 size(width, ts.y + th.pad * 1.2f);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(pos, pos + size, bg, th.radius);
  dl->AddRectFilled(pos, ImVec2(pos.x + 10 * th.s, pos.y + size.y), fg, th.radius, ImDrawFlags_RoundCornersLeft);
  draw_text(ui, dl, ImVec2(pos.x + th.pad, pos.y + th.pad * 0.6f), s, ui.fonts.body, fg == th.warning ? th.text : fg,
            width - 2 * th.pad);
  ImGui::Dummy(size);
  register_spot(ui, s, pos, pos + size);
  vspace(ui, th.gap * 0.5f);
}

void spinner(Ui& ui, float radius, ImU32 color) {
  ui.animate = true;
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  const float width = avail_width(ui);
  const ImVec2 c(pos.x + width * 0.5f, pos.y + radius);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float t = static_cast<float>(ImGui::GetTime()) * 5.0f;
  dl->PathClear();
  dl->PathArcTo(c, radius * 0.85f, t, t + IM_PI * 1.4f, 40);
  dl->PathStroke(color, 0, radius * 0.18f);
  ImGui::Dummy(ImVec2(width, radius * 2));
}

void progress_bar(Ui& ui, float fraction, float height) {
  const Theme& th = ui.th;
  const float width = avail_width(ui);
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(pos, ImVec2(pos.x + width, pos.y + height), th.accent_soft, height * 0.5f);
  const float f = std::clamp(fraction, 0.0f, 1.0f);
  if (f > 0) dl->AddRectFilled(pos, ImVec2(pos.x + std::max(height, width * f), pos.y + height), th.accent, height * 0.5f);
  ImGui::Dummy(ImVec2(width, height));
}

void image(Ui& ui, ImTextureID texture, ImVec2 size, ImU32 border) {
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  ImGui::Image(texture, size);
  if (border) ImGui::GetWindowDrawList()->AddRect(pos, pos + size, border, 0, 0, 2 * ui.th.s);
}

void begin_touch_scroll(Ui& ui, std::string_view id, float height, float width) {
  ImGui::PushStyleColor(ImGuiCol_ChildBg, 0);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
  const std::string name(id);
  // ImGui's own scrollbar is a thin drag target: too small for a finger. The
  // region scrolls by dragging its content; end_touch_scroll() draws a
  // position indicator that is not a target.
  ImGui::BeginChild(name.c_str(), ImVec2(width > 0 ? width : avail_width(ui), std::max(height, 1.0f)), false,
                    ImGuiWindowFlags_NoNav | ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
  // Room on the right for the indicator, so it never covers text.
  ui.inset_right += 14 * ui.th.s;
}

void end_touch_scroll(Ui& ui) {
  ImGuiWindow* window = ImGui::GetCurrentWindow();
  const ImGuiIO& io = ImGui::GetIO();
  const Theme& th = ui.th;
  ui.inset_right -= 14 * th.s;
  ImGui::Dummy(ImVec2(0, th.gap));
  // Drag-to-scroll with inertia. A press inside the region and a move past the
  // tap threshold scrolls it with the finger (rows under it are not pressed,
  // see dragged_too_far()); lifting the finger while it moves flings the list,
  // which slows down exponentially. A finger held still before lifting does
  // not fling. A touch stops a fling.
  ImGuiStorage* storage = ImGui::GetStateStorage();
  const ImGuiID drag_key = window->GetID("##touch-drag");
  const ImGuiID vel_key = window->GetID("##touch-velocity");
  bool dragging = storage->GetBool(drag_key);
  float velocity = storage->GetFloat(vel_key);  // px/s, positive = content moves up
  const float dt = std::max(io.DeltaTime, 1.0f / 240.0f);
  if (ImGui::IsMouseClicked(0)) {
    dragging = ImGui::IsWindowHovered(ImGuiHoveredFlags_ChildWindows | ImGuiHoveredFlags_AllowWhenBlockedByActiveItem);
    if (dragging) velocity = 0;
  }
  float scroll = window->Scroll.y;
  const float max_scroll = window->ScrollMax.y;
  if (ImGui::IsMouseDown(0) && dragging) {
    if (dragged_too_far(ui)) {
      scroll -= io.MouseDelta.y;
      if (io.MouseDelta.y != 0) {
        const float instant = -io.MouseDelta.y / dt;
        velocity = 0.6f * instant + 0.4f * velocity;
      } else {
        velocity *= 0.5f;  // the finger rests: it will not fling
      }
    }
  } else {
    dragging = false;
    if (velocity != 0) {
      scroll += velocity * dt;
      velocity *= std::exp(-3.2f * dt);  // ~0.3 s half-life
      if (std::fabs(velocity) < 30 * th.s || scroll <= 0 || scroll >= max_scroll) velocity = 0;
    }
  }
  const float cap = 9000 * th.s;
  velocity = std::clamp(velocity, -cap, cap);
  scroll = std::clamp(scroll, 0.0f, max_scroll);
  if (scroll != window->Scroll.y) ImGui::SetScrollY(window, scroll);
  if (velocity != 0) ui.animate = true;  // keep drawing while it moves, and only then
  storage->SetBool(drag_key, dragging);
  storage->SetFloat(vel_key, velocity);

  // Where the view is in the content: a thin bar, not a target.
  if (max_scroll > 0) {
    const ImRect r = window->InnerRect;
    const float track = r.GetHeight();
    const float content = track + max_scroll;
    const float bar_h = std::max(track * track / content, 48 * th.s);
    const float y = r.Min.y + (track - bar_h) * (scroll / max_scroll);
    const float x = r.Max.x - 8 * th.s;
    window->DrawList->AddRectFilled(ImVec2(x, y), ImVec2(x + 6 * th.s, y + bar_h), th.muted, 3 * th.s);
  }
  ImGui::EndChild();
  ImGui::PopStyleVar();
  ImGui::PopStyleColor();
}

float chip_width(const Ui& ui, std::string_view label) {
  return std::max(measure(ui.fonts.bold, label).x + 2 * ui.th.pad, ui.th.min_touch);
}

bool chip(Ui& ui, std::string_view label, bool selected, float width) {
  const Theme& th = ui.th;
  ImGuiWindow* window = ImGui::GetCurrentWindow();
  if (width <= 0) width = chip_width(ui, label);
  const float height = std::max(th.min_touch, ui.fonts.bold->FontSize + th.pad * 1.3f);
  const ImVec2 pos = window->DC.CursorPos;
  const ImRect bb(pos, ImVec2(pos.x + width, pos.y + height));
  const ImGuiID id = window->GetID(b(label), e(label));
  const Touch touch = touch_target(ui, label, bb, id);
  if (!touch.visible) return false;
  const bool pressed = touch.pressed, down = touch.down;
  ImDrawList* dl = window->DrawList;
  const ImU32 fill = selected ? (down ? th.accent_dark : th.accent) : (down ? th.accent_soft : th.surface);
  const ImU32 fg = selected ? th.on_accent : th.accent;
  const ImVec2 shift = down ? ImVec2(0, 2 * th.s) : ImVec2(0, 0);
  dl->AddRectFilled(bb.Min + shift, bb.Max + shift, fill, height * 0.5f);
  dl->AddRect(bb.Min + shift, bb.Max + shift, th.accent, height * 0.5f, 0, 3 * th.s);
  const ImVec2 ts = measure(ui.fonts.bold, label);
  // A check mark says "on" without relying on colour alone.
  const float k = ui.fonts.bold->FontSize * 0.75f, k_gap = 12 * th.s;
  const bool mark = selected && width >= ts.x + k + k_gap + th.pad;
  const float content = ts.x + (mark ? k + k_gap : 0);
  float x = bb.Min.x + (width - content) * 0.5f;
  if (mark) {
    draw_icon(dl, Icon::check, ImVec2(x + k * 0.5f, bb.Min.y + height * 0.5f) + shift, k, fg);
    x += k + k_gap;
  }
  draw_text(ui, dl, ImVec2(std::floor(x), std::floor(bb.Min.y + (height - ts.y) * 0.5f)) + shift, label, ui.fonts.bold, fg);
  register_clickable(ui, label, bb.Min, bb.Max);
  return pressed;
}

Columns begin_columns(Ui& ui, std::string_view id, float left_fraction, float height) {
  const Theme& th = ui.th;
  Columns c;
  c.id = std::string(id);
  const float width = avail_width(ui);
  c.height = height > 0 ? height : ImGui::GetContentRegionAvail().y;
  c.left_w = std::floor((width - th.pad) * left_fraction);
  c.right_w = width - th.pad - c.left_w;
  c.saved_inset = ui.inset_right;
  ui.inset_right = 0;
  ImGui::PushStyleColor(ImGuiCol_ChildBg, 0);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
  ImGui::BeginChild((c.id + "-left").c_str(), ImVec2(c.left_w, c.height), false,
                    ImGuiWindowFlags_NoNav | ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
  return c;
}

void next_column(Ui& ui, const Columns& c) {
  ImGui::EndChild();
  ImGui::SameLine(0, ui.th.pad);
  ui.inset_right = 0;
  ImGui::BeginChild((c.id + "-right").c_str(), ImVec2(c.right_w, c.height), false,
                    ImGuiWindowFlags_NoNav | ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
}

void end_columns(Ui& ui, const Columns& c) {
  ImGui::EndChild();
  ImGui::PopStyleVar();
  ImGui::PopStyleColor();
  ui.inset_right = c.saved_inset;
}

}  // namespace motcua::kiosk
