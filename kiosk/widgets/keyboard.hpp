#pragma once
// The on-screen keyboard. It edits a std::u32string the app owns (so it never
// takes ImGui focus, and Telex can rewrite earlier letters). Three layouts:
//   telex  — Vietnamese text: digits row, QWERTY with Telex, a row of mark keys
//            (á à ả ã ạ, â/ê/ô, ă, ơ/ư, đ) for people who do not know Telex;
//   code   — dossier codes and lookup secrets: A–Z upper case, digits, "-", ".";
//   digits — phone numbers: a big 3×4 keypad.
// Keys press on touch-down (typing feels immediate) and register their ids
// with the frame registry so the tour driver can type through them.

#include <cstddef>
#include <string>

#include "widgets/keyboard_state.hpp"
#include "widgets/ui.hpp"

namespace motcua::kiosk {

struct KeyboardResult {
  bool changed = false;
  bool done = false;  // "Xong" pressed
};

float keyboard_height(const Ui& ui, KeyboardMode mode);

// Draws at the cursor, full available width.
KeyboardResult keyboard(Ui& ui, std::u32string& text, KeyboardMode mode, KeyboardState& state,
                        std::size_t max_length, bool capitalize_words);

}  // namespace motcua::kiosk
