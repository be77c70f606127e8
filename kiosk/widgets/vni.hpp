#pragma once
// VNI, the other Vietnamese input method in common use (older computers,
// many offices): letters as typed, then a digit for the mark —
//   1 sắc  2 huyền  3 hỏi  4 ngã  5 nặng  0 removes the tone
//   6 â ê ô   7 ơ ư ("uo7" → "ươ")   8 ă   9 đ
// A digit that fits nothing in the word (no vowel yet, or a word of digits)
// is typed as itself; pressing the same digit again undoes the mark and types
// the digit ("a11" → "a1"). The tone is placed by the same rule as Telex
// (widgets/viet.hpp), old or new style.
//
// Pure functions over UTF-32, like telex.hpp.

#include <string>
#include <string_view>

#include "widgets/viet.hpp"

namespace motcua::kiosk::vni {

using viet::ToneStyle;

void type(std::u32string& text, char32_t key, ToneStyle style = ToneStyle::old_style);

// The VNI key sequence that types `text` ("Nguyễn Văn" → "Nguye6n4 Va8n"):
// modifiers right after their vowel, the tone at the end of the word.
std::u32string keystrokes(std::u32string_view text);

}  // namespace motcua::kiosk::vni
