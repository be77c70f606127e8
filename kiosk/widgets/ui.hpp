#pragma once
// Drawing helpers every screen uses: the theme, fonts, the per-frame registry
// and touch-friendly widgets (big buttons with press feedback, cards, text
// fields that show an app-owned string, drag-to-scroll regions). Every text and
// tappable item goes through here so the tour driver can see it.

#include <string>
#include <string_view>

#include <imgui.h>

#include "app/i18n.hpp"
#include "widgets/registry.hpp"

namespace motcua::kiosk {

struct Theme {
  float s = 1;  // scale: window width / 1080
  // Colours (ImU32, ABGR).
  ImU32 bg, surface, chip, text, muted, border, accent, accent_dark, accent_soft, on_accent;
  ImU32 success, success_soft, warning, warning_soft, danger, danger_soft;
  // Metrics in pixels.
  float pad, gap, radius, button_h, row_h, key_h, field_h, header_h, footer_h;
};

struct Fonts {
  ImFont* body = nullptr;     // 32 px regular — the base size
  ImFont* small = nullptr;    // 28 px regular — secondary text, never smaller
  ImFont* bold = nullptr;     // 32 px bold
  ImFont* heading = nullptr;  // 40 px bold
  ImFont* title = nullptr;    // 52 px bold
  ImFont* display = nullptr;  // 64 px bold — dossier codes
};

struct Ui {
  const Theme& th;
  const Fonts& fonts;
  const I18n& i18n;
  FrameRegistry& reg;
  bool& animate;  // set when the next frame must come without input (spinners)
  float inset_right = 0;  // right padding of the enclosing cards

  const std::string& tr(std::string_view key) const { return i18n.tr(key); }
};

enum class ButtonKind { primary, secondary, quiet, danger };

// Text (wrapped to the available width unless wrap is false).
void text(Ui& ui, std::string_view s, ImFont* font, ImU32 color, bool wrap = true);
void text_centered(Ui& ui, std::string_view s, ImFont* font, ImU32 color);
// Draws text at a position without layout (inside custom widgets).
void draw_text(Ui& ui, ImDrawList* dl, ImVec2 pos, std::string_view s, ImFont* font, ImU32 color,
               float wrap_width = 0);
ImVec2 measure(ImFont* font, std::string_view s, float wrap_width = 0);

// A big button; width 0 fills the row. Returns true when tapped (released
// without dragging, so a finger scrolling a list does not press its rows).
bool button(Ui& ui, std::string_view label, ButtonKind kind = ButtonKind::primary, float width = 0,
            float height = 0);
// A large card tile with a title, a line of explanation and an icon.
enum class Icon { none, search, document, status, back, home, check, scan, phone, clock, pin };
bool tile(Ui& ui, std::string_view title, std::string_view subtitle, Icon icon, float height);
// A list row: title (bold, wrapped) and a meta line; optional badge on the right.
bool list_row(Ui& ui, std::string_view id, std::string_view title, std::string_view meta,
              std::string_view badge = {});
// Shows a value the app owns (the keyboard edits it); tap to focus.
bool text_field(Ui& ui, std::string_view id, std::string_view label, std::string_view value,
                std::string_view placeholder, bool focused, std::string_view error = {});

void draw_icon(ImDrawList* dl, Icon icon, ImVec2 center, float size, ImU32 color);
void badge(Ui& ui, std::string_view s, ImU32 bg, ImU32 fg, bool same_line = false);
void section_heading(Ui& ui, std::string_view s);
// A rounded panel around what is drawn between begin/end (content is padded).
struct Card {
  ImVec2 start;
  float saved_inset;
  ImU32 bg, border;
  float width;
};
Card begin_card(Ui& ui, ImU32 bg = 0, ImU32 border = 0);
void end_card(Ui& ui, const Card& card);
// A label/value line in a card.
void field_row(Ui& ui, std::string_view label, std::string_view value);
void notice(Ui& ui, std::string_view s, ImU32 bg, ImU32 fg);
void spinner(Ui& ui, float radius, ImU32 color);
void progress_bar(Ui& ui, float fraction, float height);
void image(Ui& ui, ImTextureID texture, ImVec2 size, ImU32 border = 0);
void vspace(Ui& ui, float px);

// Scroll region dragged with a finger (ImGui has wheel scrolling only).
// Content drawn between begin/end; height 0 fills what is left above `reserve`.
void begin_touch_scroll(Ui& ui, std::string_view id, float height);
void end_touch_scroll(Ui& ui);

// Registers a tappable rect for the tour driver (clipped to the current clip rect).
void register_clickable(Ui& ui, std::string_view label, ImVec2 min, ImVec2 max, std::string_view key = {});

// Width left for content on this line (minus the right inset of enclosing cards).
float avail_width(const Ui& ui);

}  // namespace motcua::kiosk
