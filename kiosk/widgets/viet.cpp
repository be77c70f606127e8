#include "widgets/viet.hpp"

#include <array>
#include <string_view>

namespace motcua::kiosk::viet {

namespace {
// Each row: no tone, sắc, huyền, hỏi, ngã, nặng.
constexpr std::array<std::u32string_view, kBases> kLower = {
    U"aáàảãạ", U"ăắằẳẵặ", U"âấầẩẫậ", U"eéèẻẽẹ", U"êếềểễệ", U"iíìỉĩị",
    U"oóòỏõọ", U"ôốồổỗộ", U"ơớờởỡợ", U"uúùủũụ", U"ưứừửữự", U"yýỳỷỹỵ"};
constexpr std::array<std::u32string_view, kBases> kUpper = {
    U"AÁÀẢÃẠ", U"ĂẮẰẲẴẶ", U"ÂẤẦẨẪẬ", U"EÉÈẺẼẸ", U"ÊẾỀỂỄỆ", U"IÍÌỈĨỊ",
    U"OÓÒỎÕỌ", U"ÔỐỒỔỖỘ", U"ƠỚỜỞỠỢ", U"UÚÙỦŨỤ", U"ƯỨỪỬỮỰ", U"YÝỲỶỸỴ"};
}  // namespace

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

bool has_vowel(const std::u32string& text, std::size_t ws) {
  for (std::size_t i = ws; i < text.size(); ++i)
    if (vowel(text[i])) return true;
  return false;
}

void strip_tone(std::u32string& text, std::size_t ws) {
  for (std::size_t i = ws; i < text.size(); ++i)
    if (auto v = vowel(text[i]); v && v->tone) {
      v->tone = 0;
      text[i] = compose(*v);
    }
}

std::optional<std::size_t> tone_position(const std::u32string& text, std::size_t ws, ToneStyle style) {
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
  if (i1 < text.size()) return i0 + 1;  // two vowels and a final consonant: the second
  if (style == ToneStyle::new_style) {
    const char32_t a = plain_letter(vowel(text[i0])->base), b = plain_letter(vowel(text[i0 + 1])->base);
    if ((a == U'o' && (b == U'a' || b == U'e')) || (a == U'u' && b == U'y')) return i0 + 1;
  }
  return i0;
}

void place_tone(std::u32string& text, std::size_t ws, int tone, ToneStyle style) {
  strip_tone(text, ws);
  if (tone == 0) return;
  if (auto at = tone_position(text, ws, style)) {
    auto v = *vowel(text[*at]);
    v.tone = tone;
    text[*at] = compose(v);
  }
}

void rebase(std::u32string& text, std::size_t i, int base) {
  auto v = *vowel(text[i]);
  v.base = base;
  text[i] = compose(v);
}

}  // namespace motcua::kiosk::viet
