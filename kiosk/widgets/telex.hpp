#pragma once
// Telex, the Vietnamese input method most people learned on phones:
//   aa→â  aw→ă  ee→ê  oo→ô  ow→ơ  uw→ư  uow→ươ  dd→đ  w→ư
//   tones after the vowel or at the end of the word: s sắc, f huyền, r hỏi,
//   x ngã, j nặng; z removes the tone; repeating a key undoes it ("ass" → "as").
// The tone is re-placed on every keystroke by the orthographic rule
// (widgets/viet.hpp: old style by default, as in official documents: "hòa",
// "thủy"; new style "hoà", "thuỷ" when the kiosk is configured so), so typing
// the tone early or late gives the same word.
// Output is NFC (precomposed), which is what ImGui can draw.
//
// Pure functions over UTF-32 so the on-screen keyboard can rewrite earlier
// characters of the app-owned string. (Candidate for common/text/ later.)

#include <string>
#include <string_view>

#include "widgets/viet.hpp"

namespace motcua::kiosk::telex {

using viet::ToneStyle;

// Applies one key (an ASCII letter, or any other character typed as-is) to the
// end of text.
void type(std::u32string& text, char32_t key, ToneStyle style = ToneStyle::old_style);

// For people who do not know Telex, the keyboard also has mark keys that act
// on the word being typed: tones, circumflex (â ê ô), breve (ă), horn (ơ ư,
// "uo" → "ươ") and đ. Pressing the same mark again removes it. Returns false
// when the word has nothing the mark fits (then nothing changes).
enum class Mark { acute, grave, hook, tilde, dot, circumflex, breve, horn, dbar };
bool add_mark(std::u32string& text, Mark mark, ToneStyle style = ToneStyle::old_style);
// Whether the word being typed already carries the mark (add_mark would remove it).
bool has_mark(const std::u32string& text, Mark mark);

// The key sequence that types `text` with type(): "Nguyễn Văn" → "Nguyeenx Vawn".
std::u32string keystrokes(std::u32string_view text);

}  // namespace motcua::kiosk::telex
