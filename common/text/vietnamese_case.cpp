#include "motcua/text/vietnamese_case.hpp"

#include <array>
#include <cstddef>

#include "motcua/text/utf8.hpp"

namespace motcua::text {

namespace {

// Letter marks, as the column of kRows a base letter moves to.
enum Modifier : int { kNone = 0, kBreve = 1, kCircumflex = 2, kHorn = 3 };

// Each row: one vowel (with its letter mark), then its five tones in the order
// grave, acute, hook above, tilde, dot below. Lower-case rows first; row
// i + kLowerRows is the upper case of row i.
struct Row {
  char base;     // ASCII base letter, lower case
  int modifier;  // Modifier
  const char* letters;
};
constexpr Row kRows[] = {
    {'a', kNone, "aàáảãạ"},       {'a', kBreve, "ăằắẳẵặ"},      {'a', kCircumflex, "âầấẩẫậ"},
    {'e', kNone, "eèéẻẽẹ"},       {'e', kCircumflex, "êềếểễệ"}, {'i', kNone, "iìíỉĩị"},
    {'o', kNone, "oòóỏõọ"},       {'o', kCircumflex, "ôồốổỗộ"}, {'o', kHorn, "ơờớởỡợ"},
    {'u', kNone, "uùúủũụ"},       {'u', kHorn, "ưừứửữự"},       {'y', kNone, "yỳýỷỹỵ"},
    {'A', kNone, "AÀÁẢÃẠ"},       {'A', kBreve, "ĂẰẮẲẴẶ"},      {'A', kCircumflex, "ÂẦẤẨẪẬ"},
    {'E', kNone, "EÈÉẺẼẸ"},       {'E', kCircumflex, "ÊỀẾỂỄỆ"}, {'I', kNone, "IÌÍỈĨỊ"},
    {'O', kNone, "OÒÓỎÕỌ"},       {'O', kCircumflex, "ÔỒỐỔỖỘ"}, {'O', kHorn, "ƠỜỚỞỠỢ"},
    {'U', kNone, "UÙÚỦŨỤ"},       {'U', kHorn, "ƯỪỨỬỮỰ"},       {'Y', kNone, "YỲÝỶỸỴ"},
};
constexpr std::size_t kRowCount = std::size(kRows);
constexpr std::size_t kLowerRows = kRowCount / 2;
constexpr std::size_t kTones = 6;

struct Table {
  std::array<std::array<char32_t, kTones>, kRowCount> cells{};
  Table() {
    for (std::size_t r = 0; r < kRowCount; ++r) {
      const std::string_view s(kRows[r].letters);
      std::size_t pos = 0;
      for (std::size_t t = 0; t < kTones; ++t) cells[r][t] = utf8::next(s, pos);
    }
  }
};

const Table& table() {
  static const Table t;
  return t;
}

struct Place {
  std::size_t row = 0, tone = 0;
};

// Where a code point sits in the table (false: not a Vietnamese vowel).
bool find(char32_t cp, Place& at) {
  const auto& cells = table().cells;
  for (std::size_t r = 0; r < kRowCount; ++r)
    for (std::size_t t = 0; t < kTones; ++t)
      if (cells[r][t] == cp) {
        at = {r, t};
        return true;
      }
  return false;
}

bool find_row(char base, int modifier, std::size_t& row) {
  for (std::size_t r = 0; r < kRowCount; ++r)
    if (kRows[r].base == base && kRows[r].modifier == modifier) {
      row = r;
      return true;
    }
  return false;
}

// Tone column of a combining tone mark, 0 if it is not one.
std::size_t tone_of(char32_t mark) {
  switch (mark) {
    case 0x0300: return 1;
    case 0x0301: return 2;
    case 0x0309: return 3;
    case 0x0303: return 4;
    case 0x0323: return 5;
    default: return 0;
  }
}

int modifier_of(char32_t mark) {
  switch (mark) {
    case 0x0306: return kBreve;
    case 0x0302: return kCircumflex;
    case 0x031B: return kHorn;
    default: return kNone;
  }
}

bool is_space(char32_t cp) { return cp == ' ' || cp == '\t' || cp == '\r' || cp == '\n' || cp == 0xA0; }

}  // namespace

std::string vietnamese_nfc(std::string_view text) {
  const std::u32string in = utf8::to_u32(text);
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < in.size()) {
    const char32_t cp = in[i++];
    Place at;
    if (!find(cp, at)) {
      utf8::append(out, cp);
      continue;
    }
    // Absorb the marks that follow while each one has a composed form; a mark
    // that has none (a second tone, a foreign mark) stays a combining mark.
    while (i < in.size()) {
      const char32_t mark = in[i];
      if (const std::size_t tone = tone_of(mark); tone != 0 && at.tone == 0) {
        at.tone = tone;
        ++i;
        continue;
      }
      if (const int modifier = modifier_of(mark); modifier != kNone && kRows[at.row].modifier == kNone) {
        std::size_t row = 0;
        if (find_row(kRows[at.row].base, modifier, row)) {
          at.row = row;
          ++i;
          continue;
        }
      }
      break;
    }
    utf8::append(out, table().cells[at.row][at.tone]);
  }
  return out;
}

char32_t to_lower(char32_t cp) {
  if (cp >= 'A' && cp <= 'Z') return cp + 32;
  if (cp < 0x80) return cp;
  if (cp == 0x0110) return 0x0111;  // Đ
  Place at;
  if (find(cp, at)) return at.row >= kLowerRows ? table().cells[at.row - kLowerRows][at.tone] : cp;
  if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) return cp + 0x20;  // other Latin-1 letters
  return cp;
}

char32_t to_upper(char32_t cp) {
  if (cp >= 'a' && cp <= 'z') return cp - 32;
  if (cp < 0x80) return cp;
  if (cp == 0x0111) return 0x0110;  // đ
  Place at;
  if (find(cp, at)) return at.row < kLowerRows ? table().cells[at.row + kLowerRows][at.tone] : cp;
  if (cp >= 0xE0 && cp <= 0xFE && cp != 0xF7) return cp - 0x20;
  return cp;
}

std::string to_lower(std::string_view text) {
  std::u32string s = utf8::to_u32(vietnamese_nfc(text));
  for (auto& cp : s) cp = to_lower(cp);
  return utf8::from_u32(s);
}

std::string to_upper(std::string_view text) {
  std::u32string s = utf8::to_u32(vietnamese_nfc(text));
  for (auto& cp : s) cp = to_upper(cp);
  return utf8::from_u32(s);
}

std::string collapse_spaces(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const char32_t cp = utf8::next(text, pos);
    if (is_space(cp)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    utf8::append(out, cp);
  }
  return out;
}

std::string name_title_case(std::string_view name) {
  std::u32string s = utf8::to_u32(collapse_spaces(vietnamese_nfc(name)));
  bool word_start = true;
  for (auto& cp : s) {
    cp = word_start ? to_upper(cp) : to_lower(cp);
    word_start = cp == ' ' || cp == '-';
  }
  return utf8::from_u32(s);
}

}  // namespace motcua::text
