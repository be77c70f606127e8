#include "widgets/vni.hpp"

#include "widgets/telex.hpp"

namespace motcua::kiosk::vni {

namespace {
using namespace viet;

// Digit → the mark it adds, as the keyboard's mark keys do.
constexpr telex::Mark kDigitMarks[10] = {
    telex::Mark::acute /* 0: handled apart */, telex::Mark::acute, telex::Mark::grave, telex::Mark::hook,
    telex::Mark::tilde, telex::Mark::dot, telex::Mark::circumflex, telex::Mark::horn, telex::Mark::breve,
    telex::Mark::dbar};
}  // namespace

void type(std::u32string& text, char32_t key, ToneStyle style) {
  if (key < U'0' || key > U'9') {
    const std::size_t ws = word_start(text);
    const int tone = word_tone(text, ws);
    text.push_back(key);
    // A letter after the vowels may move the tone ("hoa2" + "n" → "hoàn").
    if (tone && is_letter(key)) place_tone(text, word_start(text), tone, style);
    return;
  }
  const std::size_t ws = word_start(text);
  if (ws == text.size()) {  // not after a word: a plain digit ("12", "số 5")
    text.push_back(key);
    return;
  }
  const auto d = static_cast<std::size_t>(key - U'0');
  if (d == 0) {
    if (word_tone(text, ws)) strip_tone(text, ws);
    else text.push_back(key);
    return;
  }
  const telex::Mark mark = kDigitMarks[d];
  const bool present = telex::has_mark(text, mark);
  if (!telex::add_mark(text, mark, style) || present) text.push_back(key);
}

std::u32string keystrokes(std::u32string_view text) {
  std::u32string out;
  int pending_tone = 0;
  auto flush = [&] {
    if (pending_tone) out.push_back(U'0' + static_cast<char32_t>(pending_tone));
    pending_tone = 0;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char32_t c = text[i];
    if (c == U'đ' || c == U'Đ') {
      out.push_back(c == U'Đ' ? U'D' : U'd');
      out.push_back(U'9');
      continue;
    }
    if (const auto v = vowel(c)) {
      const char32_t p = plain_letter(v->base);
      out.push_back(v->upper ? p - U'a' + U'A' : p);
      const bool next_is_horn_o = v->base == U_HORN && i + 1 < text.size() && vowel(text[i + 1]) &&
                                  vowel(text[i + 1])->base == O_HORN;
      switch (v->base) {
        case A_HAT: case E_HAT: case O_HAT: out.push_back(U'6'); break;
        case A_BREVE: out.push_back(U'8'); break;
        case U_HORN:
          if (!next_is_horn_o) out.push_back(U'7');  // "ươ": the 7 after the o marks both
          break;
        case O_HORN: out.push_back(U'7'); break;
        default: break;
      }
      if (v->tone) pending_tone = v->tone;
      continue;
    }
    if (!is_letter(c)) flush();
    out.push_back(c);
  }
  flush();
  return out;
}

}  // namespace motcua::kiosk::vni
