#include "widgets/telex.hpp"

#include <optional>
#include <string_view>
#include <utility>

namespace motcua::kiosk::telex {

namespace {

using namespace viet;

constexpr std::u32string_view kToneKeys = U"sfrxj";  // index + 1 = tone

bool apply_modifier(std::u32string& text, std::size_t ws, char32_t kl, char32_t key) {
  if (text.size() == ws) {
    if (kl != U'w') return false;
    text.push_back(key == U'W' ? U'Ư' : U'ư');  // w starting a word types ư too
    return true;
  }
  const std::size_t last = text.size() - 1;
  const auto v = vowel(text[last]);
  if (kl == U'a' || kl == U'e' || kl == U'o') {
    if (!v || plain_letter(v->base) != kl) return false;
    const int hat = kl == U'a' ? A_HAT : kl == U'e' ? E_HAT : O_HAT;
    const int plain = kl == U'a' ? A : kl == U'e' ? E : O;
    if (v->base == hat) {  // "aaa" → "aa"
      rebase(text, last, plain);
      text.push_back(key);
    } else {
      rebase(text, last, hat);
    }
    return true;
  }
  if (kl == U'w') {
    if (v && (v->base == O || v->base == O_HAT) && last > ws) {
      if (auto u = vowel(text[last - 1]); u && (u->base == U || u->base == U_HORN)) {  // uow → ươ
        rebase(text, last - 1, U_HORN);
        rebase(text, last, O_HORN);
        return true;
      }
    }
    if (v) {
      switch (v->base) {
        case A: case A_HAT: rebase(text, last, A_BREVE); return true;
        case O: case O_HAT: rebase(text, last, O_HORN); return true;
        case U: rebase(text, last, U_HORN); return true;
        case A_BREVE: rebase(text, last, A); text.push_back(key); return true;  // undo
        case O_HORN: rebase(text, last, O); text.push_back(key); return true;
        case U_HORN: rebase(text, last, U); text.push_back(key); return true;
        default: break;
      }
    }
    text.push_back(key == U'W' ? U'Ư' : U'ư');  // w alone types ư
    return true;
  }
  if (kl == U'd') {
    if (text[last] == U'd' || text[last] == U'D') {
      text[last] = text[last] == U'D' ? U'Đ' : U'đ';
      return true;
    }
    if (text[last] == U'đ' || text[last] == U'Đ') {
      text[last] = text[last] == U'Đ' ? U'D' : U'd';
      text.push_back(key);
      return true;
    }
  }
  return false;
}

}  // namespace

void type(std::u32string& text, char32_t key, ToneStyle style) {
  if (!is_ascii_letter(key)) {
    text.push_back(key);
    return;
  }
  const char32_t kl = lower_ascii(key);
  const std::size_t ws = word_start(text);
  const int tone = word_tone(text, ws);

  if (const auto t = kToneKeys.find(kl); t != std::u32string_view::npos && has_vowel(text, ws)) {
    const int wanted = static_cast<int>(t) + 1;
    if (tone == wanted) {  // "ass" → "as"
      strip_tone(text, ws);
      text.push_back(key);
    } else {
      place_tone(text, ws, wanted, style);
    }
    return;
  }
  if (kl == U'z' && tone) {
    strip_tone(text, ws);
    return;
  }
  if (!apply_modifier(text, ws, kl, key)) text.push_back(key);
  if (tone) place_tone(text, ws, tone, style);  // the nucleus may have moved
}

bool add_mark(std::u32string& text, Mark mark, ToneStyle style) {
  const std::size_t ws = word_start(text);
  const int tone = word_tone(text, ws);
  if (mark <= Mark::dot) {
    if (!has_vowel(text, ws)) return false;
    const int wanted = static_cast<int>(mark) + 1;
    place_tone(text, ws, tone == wanted ? 0 : wanted, style);
    return true;
  }
  if (mark == Mark::dbar) {
    for (std::size_t i = ws; i < text.size(); ++i) {
      char32_t& c = text[i];
      if (c == U'd' || c == U'D' || c == U'đ' || c == U'Đ') {
        c = c == U'd' ? U'đ' : c == U'D' ? U'Đ' : c == U'đ' ? U'd' : U'D';
        return true;
      }
    }
    return false;
  }
  // The last vowel the mark can sit on.
  for (std::size_t i = text.size(); i > ws; --i) {
    const auto v = vowel(text[i - 1]);
    if (!v) continue;
    int to = -1;
    switch (mark) {
      case Mark::circumflex:
        if (v->base == A || v->base == A_BREVE) to = A_HAT;
        else if (v->base == A_HAT) to = A;
        else if (v->base == E) to = E_HAT;
        else if (v->base == E_HAT) to = E;
        else if (v->base == O || v->base == O_HORN) to = O_HAT;
        else if (v->base == O_HAT) to = O;
        break;
      case Mark::breve:
        if (v->base == A || v->base == A_HAT) to = A_BREVE;
        else if (v->base == A_BREVE) to = A;
        break;
      case Mark::horn:
        if (v->base == O || v->base == O_HAT) {
          to = O_HORN;
          if (i - 1 > ws)
            if (auto u = vowel(text[i - 2]); u && u->base == U) rebase(text, i - 2, U_HORN);  // ươ
        } else if (v->base == O_HORN) {
          to = O;
          if (i - 1 > ws)
            if (auto u = vowel(text[i - 2]); u && u->base == U_HORN) rebase(text, i - 2, U);
        } else if (v->base == U) {
          to = U_HORN;
        } else if (v->base == U_HORN) {
          to = U;
        }
        break;
      default: break;
    }
    if (to < 0) continue;
    rebase(text, i - 1, to);
    if (tone) place_tone(text, ws, tone, style);
    return true;
  }
  return false;
}

bool has_mark(const std::u32string& text, Mark mark) {
  const std::size_t ws = word_start(text);
  if (mark <= Mark::dot) return word_tone(text, ws) == static_cast<int>(mark) + 1;
  if (mark == Mark::dbar) {
    for (std::size_t i = ws; i < text.size(); ++i) {
      const char32_t c = text[i];
      if (c == U'd' || c == U'D') return false;
      if (c == U'đ' || c == U'Đ') return true;
    }
    return false;
  }
  // The same vowel add_mark() acts on: the last one the mark can sit on.
  for (std::size_t i = text.size(); i > ws; --i) {
    const auto v = vowel(text[i - 1]);
    if (!v) continue;
    const int b = v->base;
    switch (mark) {
      case Mark::circumflex:
        if (b == A || b == A_BREVE || b == E || b == O || b == O_HORN) return false;
        if (b == A_HAT || b == E_HAT || b == O_HAT) return true;
        break;
      case Mark::breve:
        if (b == A || b == A_HAT) return false;
        if (b == A_BREVE) return true;
        break;
      case Mark::horn:
        if (b == O || b == O_HAT || b == U) return false;
        if (b == O_HORN || b == U_HORN) return true;
        break;
      default: break;
    }
  }
  return false;
}

std::u32string keystrokes(std::u32string_view text) {
  std::u32string out;
  int pending_tone = 0;
  auto flush = [&] {
    if (pending_tone) out.push_back(kToneKeys[static_cast<std::size_t>(pending_tone - 1)]);
    pending_tone = 0;
  };
  char32_t prev = 0;
  for (const char32_t c : text) {
    const char32_t before = std::exchange(prev, c);
    if (c == U'đ' || c == U'Đ') {
      out.push_back(c == U'Đ' ? U'D' : U'd');
      out.push_back(U'd');
      continue;
    }
    // After the same plain letter, d, a, e and o would merge with it ("oo" → ô);
    // one more press undoes that: "Noong" is typed N o o o n g.
    const auto v = vowel(c);
    const auto pv = vowel(before);
    const bool doubled_d = lower_ascii(c) == U'd' && lower_ascii(before) == U'd';
    const bool doubled_vowel = v && pv && (pv->base == A || pv->base == E || pv->base == O) &&
                               plain_letter(v->base) == plain_letter(pv->base);
    if (doubled_d) out.push_back(c);
    if (doubled_vowel) out.push_back(v->upper ? plain_letter(v->base) - U'a' + U'A' : plain_letter(v->base));
    if (v) {
      const char32_t p = plain_letter(v->base);
      out.push_back(v->upper ? p - U'a' + U'A' : p);
      switch (v->base) {
        case A_HAT: case E_HAT: case O_HAT: out.push_back(p); break;
        case A_BREVE: case O_HORN: case U_HORN: out.push_back(U'w'); break;
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

}  // namespace motcua::kiosk::telex
