#pragma once
// Drawing helpers every screen uses: the theme, fonts, the per-frame registry
// and touch-friendly widgets (big buttons with press feedback, cards, text
// fields that show an app-owned string, drag-to-scroll regions). Every text and
// tappable item goes through here so the tour driver can see it.

#include <string>
#include <string_view>

#include <imgui.h>

#include "app/i18n.hpp"
#include "widgets/keyboard_state.hpp"
#include "widgets/registry.hpp"
#include "widgets/viet.hpp"

namespace motcua::kiosk {

struct Theme {
  float s = 1;           // scale: the window's shorter side / 1080
  float text_scale = 1;  // large-text mode: > 1
  bool high_contrast = false;
  // Colours (ImU32, ABGR), from app/palette.hpp.
  ImU32 bg, surface, chip, text, muted, border, accent, accent_dark, accent_soft, on_accent;
  ImU32 success, success_soft, warning, warning_soft, danger, danger_soft;
  ImU32 header_muted, keyboard_bg, key_special, scrim;
  // Metrics in pixels. min_touch: 15 mm at the screen's dpi — no target is
  // smaller in either direction; target_gap: the least space between two.
  float pad, gap, radius, button_h, row_h, key_h, field_h, header_h, footer_h, min_touch, target_gap;
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
  bool& animate;  // set when the next frame must come without input (spinners, flings)
  float inset_right = 0;  // right padding of the enclosing cards
  bool landscape = false;  // wider than tall: screens lay out two columns
  // Vietnamese input: the citizen's method (the keyboard's Telex/VNI key
  // switches it; null = no switch) and the kiosk's tone style.
  InputMethod* input_method = nullptr;
  viet::ToneStyle tone_style = viet::ToneStyle::old_style;
  // Height the on-screen keyboard must fit in (0 = no limit): its keys get
  // shorter, never below min_touch — landscape with large text has less
  // height than the keyboard would like.
  float keyboard_room = 0;

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
enum class Icon { none, search, document, status, back, home, check, scan, phone, clock, pin, question };
bool tile(Ui& ui, std::string_view title, std::string_view subtitle, Icon icon, float height);
// A list row: title (bold, wrapped) and a meta line; optional badge on the right.
// selected: drawn as chosen (landscape: the group whose services show beside).
bool list_row(Ui& ui, std::string_view id, std::string_view title, std::string_view meta,
              std::string_view badge = {}, bool selected = false);
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

// Scroll region dragged with a finger (ImGui has wheel scrolling only), with
// inertia: a fling keeps it moving, slowing down, and frames are drawn only
// while it moves. Content drawn between begin/end. width 0 = available width.
void begin_touch_scroll(Ui& ui, std::string_view id, float height, float width = 0);
void end_touch_scroll(Ui& ui);

// A small toggle button in a row of choices (browse by, filters): selected
// ones are filled. At least min_touch high; returns true when tapped.
bool chip(Ui& ui, std::string_view label, bool selected, float width = 0);
// Width a chip needs for its label.
float chip_width(const Ui& ui, std::string_view label);

// Two columns for landscape: begin_columns() opens the left one (fraction of
// the width), next_column() the right one, end_columns() closes. Each is a
// fixed-height child window the screen fills (often with a touch scroll).
struct Columns {
  std::string id;
  float left_w = 0, right_w = 0, height = 0;
  float saved_inset = 0;
};
Columns begin_columns(Ui& ui, std::string_view id, float left_fraction, float height = 0);
void next_column(Ui& ui, const Columns& columns);
void end_columns(Ui& ui, const Columns& columns);

// Registers a tappable rect for the tour driver (clipped to the current clip rect).
void register_clickable(Ui& ui, std::string_view label, ImVec2 min, ImVec2 max, std::string_view key = {});

// A finger moves a little while tapping; beyond this many pixels it is a drag
// (lists scroll, nothing is pressed).
float drag_threshold(const Theme& th);

// Width left for content on this line (minus the right inset of enclosing cards).
float avail_width(const Ui& ui);

}  // namespace motcua::kiosk
