#pragma once
// What the current frame showed: every tappable item with its on-screen rect
// and every text drawn through our helpers. The tour driver finds "visible
// labels" here (tap "Nộp hồ sơ", expect "Đã nhận hồ sơ") instead of guessing
// coordinates, so tours survive layout changes. Rebuilt every frame; cheap.

#include <map>
#include <string>
#include <vector>

#include "widgets/keyboard_state.hpp"

namespace motcua::kiosk {

struct Rect {
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  float cx() const { return (x0 + x1) * 0.5f; }
  float cy() const { return (y0 + y1) * 0.5f; }
  bool empty() const { return x1 <= x0 || y1 <= y0; }
};

struct Clickable {
  std::string label;  // visible text (may be several lines joined by spaces)
  std::string key;    // on-screen keyboard key id ("a", "A", "{bksp}"), else empty
  Rect rect;          // visible part only (clipped by its scroll region)
  Rect full;          // the whole target, before clipping (touch-size checks)
  Rect clip;          // the region it is shown in (its scroll region)
};

// Where a text was drawn (the part of it on screen). Recorded for the texts of
// pages — paragraphs, headings, label/value rows, notices — so a tour can put
// a finger on a page that has nothing to tap and see what scrolled into view.
struct TextSpot {
  std::string text;
  Rect rect;  // visible part only (empty: scrolled out of its region)
  Rect full;  // the whole text, before clipping
  Rect clip;  // the region it is shown in
};

struct FrameRegistry {
  std::vector<Clickable> clickables;
  std::vector<std::string> texts;
  std::vector<TextSpot> spots;
  // Items and texts scrolled wholly out of their region this frame: where
  // they are, so a tour can scroll them into view (scroll-to). Not tappable.
  std::vector<TextSpot> offscreen;
  bool keyboard_visible = false;
  KeyboardMode keyboard_mode = KeyboardMode::telex;
  InputMethod input_method = InputMethod::telex;  // how `type` spells Vietnamese
  // Values a screen publishes for tours (the receipt's code and secret);
  // they persist across frames.
  std::map<std::string, std::string> vars;

  void begin_frame() {
    clickables.clear();
    texts.clear();
    spots.clear();
    offscreen.clear();
    keyboard_visible = false;
  }
};

}  // namespace motcua::kiosk
