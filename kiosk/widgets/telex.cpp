#include "widgets/telex.hpp"

#include <array>
#include <optional>
#include <utility>

namespace motcua::kiosk::telex {

namespace {

// Base vowels in this order; each row: no tone, sắc, huyền, hỏi, ngã, nặng.
enum Base { A, A_BREVE, A_HAT, E, E_HAT, I, O, O_HAT, O_HORN, U, U_HORN, Y, kBases };
constexpr std::array<std::u32string_view, kBases> kLower = {
    U"aáàảãạ", U"ăắằẳẵặ", U"âấầẩẫậ", U"eéèẻẽẹ", U"êếềểễệ", U"iíìỉĩị",
    U"oóòỏõọ", U"ôốồổỗộ", U"ơớờởỡợ", U"uúùủũụ", U"ưứừửữự", U"yýỳỷỹỵ"};
constexpr std::array<std::u32string_view, kBases> kUpper = {
    U"AÁÀẢÃẠ", U"ĂẮẰẲẴẶ", U"ÂẤẦẨẪẬ", U"EÉÈẺẼẸ", U"ÊẾỀỂỄỆ", U"IÍÌỈĨỊ",
    U"OÓÒỎÕỌ", U"ÔỐỒỔỖỘ", U"ƠỚỜỞỠỢ", U"UÚÙỦŨỤ", U"ƯỨỪỬỮỰ", U"YÝỲỶỸỴ"};
constexpr std::u32string_view kToneKeys = U"sfrxj";  // index + 1 = tone

struct Vowel {
  int base = 0;
  int tone = 0;
  bool upper = false;
};

std::optional<Vowel> vowel(char32_t c) {
  for (int b = 0; b < kBases; ++b) {
    const auto bi = static_cast<std::size_t>(b);
    if (auto p = kLower[bi].find(c); p != std::u32string_view::npos) return Vowel{b, static_cast<int>(p), false};
    if (auto p = kUpper[bi].find(c); p != std::u32string_view::npos) return Vowel{b, static_cast<int>(p), true};
  }
  return std::nullopt;
}

char32_t compose(Vowel v) {
  const auto& row = v.upper ? kUpper : kLower;
  return row[static_cast<std::size_t>(v.base)][static_cast<std::size_t>(v.tone)];
}

// The plain Latin letter a vowel is typed from.
char32_t plain_letter(int base) {
  constexpr std::u32string_view plain = U"aaaeeiooouuy";
  return plain[static_cast<std::size_t>(base)];
}

bool modified(int base) {
  return base == A_BREVE || base == A_HAT || base == E_HAT || base == O_HAT || base == O_HORN || base == U_HORN;
}

char32_t lower_ascii(char32_t c) { return (c >= U'A' && c <= U'Z') ? c - U'A' + U'a' : c; }
bool is_ascii_letter(char32_t c) { return (c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z'); }
bool is_letter(char32_t c) { return is_ascii_letter(c) || c == U'đ' || c == U'Đ' || vowel(c).has_value(); }

std::size_t word_start(const std::u32string& text) {
  std::size_t i = text.size();
  while (i > 0 && is_letter(text[i - 1])) --i;
  return i;
}

int word_tone(const std::u32string& text, std::size_t ws) {
  for (std::size_t i = ws; i < text.size(); ++i)
    if (auto v = vowel(text[i]); v && v->tone) return v->tone;
  return 0;
}

void strip_tone(std::u32string& text, std::size_t ws) {
  for (std::size_t i = ws; i < text.size(); ++i)
    if (auto v = vowel(text[i]); v && v->tone) {
      v->tone = 0;
      text[i] = compose(*v);
    }
}

// Where the tone mark goes: the vowel nucleus of the word, skipping the u of
// "qu" and the i of "gi" when another vowel follows.
std::optional<std::size_t> tone_position(const std::u32string& text, std::size_t ws) {
  std::size_t i0 = ws;
  while (i0 < text.size() && !vowel(text[i0])) ++i0;
  if (i0 == text.size()) return std::nullopt;
  std::size_t i1 = i0;
  while (i1 < text.size() && vowel(text[i1])) ++i1;
  if (i1 - i0 > 1 && i0 > ws) {
    const char32_t before = lower_ascii(text[i0 - 1]);
    const char32_t first = lower_ascii(text[i0]);
    if ((before == U'q' && first == U'u') || (before == U'g' && first == U'i')) ++i0;
  }
  std::optional<std::size_t> last_modified;
  for (std::size_t i = i0; i < i1; ++i)
    if (modified(vowel(text[i])->base)) last_modified = i;
  if (last_modified) return last_modified;
  const std::size_t n = i1 - i0;
  if (n == 1) return i0;
  if (n >= 3) return i0 + 1;
  return i1 < text.size() ? i0 + 1 : i0;  // two vowels: the second if a consonant follows
}

void place_tone(std::u32string& text, std::size_t ws, int tone) {
  strip_tone(text, ws);
  if (tone == 0) return;
  if (auto at = tone_position(text, ws)) {
    auto v = *vowel(text[*at]);
    v.tone = tone;
    text[*at] = compose(v);
  }
}

bool has_vowel(const std::u32string& text, std::size_t ws) {
  for (std::size_t i = ws; i < text.size(); ++i)
    if (vowel(text[i])) return true;
  return false;
}

// Replaces the base of the vowel at i, keeping its tone and case.
void rebase(std::u32string& text, std::size_t i, int base) {
  auto v = *vowel(text[i]);
  v.base = base;
  text[i] = compose(v);
}

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

void type(std::u32string& text, char32_t key) {
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
      place_tone(text, ws, wanted);
    }
    return;
  }
  if (kl == U'z' && tone) {
    strip_tone(text, ws);
    return;
  }
  if (!apply_modifier(text, ws, kl, key)) text.push_back(key);
  if (tone) place_tone(text, ws, tone);  // the nucleus may have moved
}

bool add_mark(std::u32string& text, Mark mark) {
  const std::size_t ws = word_start(text);
  const int tone = word_tone(text, ws);
  if (mark <= Mark::dot) {
    if (!has_vowel(text, ws)) return false;
    const int wanted = static_cast<int>(mark) + 1;
    place_tone(text, ws, tone == wanted ? 0 : wanted);
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
    if (tone) place_tone(text, ws, tone);
    return true;
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
