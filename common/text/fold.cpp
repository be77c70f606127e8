#include "motcua/text/fold.hpp"

#include <algorithm>
#include <array>
#include <utility>
#include <vector>

namespace motcua::text {

namespace {

// Every precomposed Vietnamese letter (and the Latin-1 letters that share a
// base), lower and upper case, with its folded ASCII base.
constexpr std::pair<const char*, char> kGroups[] = {
    {"àáảãạăằắẳẵặâầấẩẫậäåā", 'a'}, {"ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÄÅĀ", 'a'},
    {"èéẻẽẹêềếểễệëē", 'e'},        {"ÈÉẺẼẸÊỀẾỂỄỆËĒ", 'e'},
    {"ìíỉĩịïī", 'i'},              {"ÌÍỈĨỊÏĪ", 'i'},
    {"òóỏõọôồốổỗộơờớởỡợöō", 'o'}, {"ÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÖŌ", 'o'},
    {"ùúủũụưừứửữựüū", 'u'},        {"ÙÚỦŨỤƯỪỨỬỮỰÜŪ", 'u'},
    {"ỳýỷỹỵÿ", 'y'},               {"ỲÝỶỸỴ", 'y'},
    {"đð", 'd'},                   {"ĐÐ", 'd'},
    {"ç", 'c'},                    {"Ç", 'c'},
    {"ñ", 'n'},                    {"Ñ", 'n'},
};

class FoldTable {
 public:
  FoldTable() {
    for (const auto& [letters, base] : kGroups) {
      const std::string_view s(letters);
      std::size_t pos = 0;
      while (pos < s.size()) entries_.emplace_back(utf8::next(s, pos), static_cast<char32_t>(base));
    }
    std::sort(entries_.begin(), entries_.end());
  }
  char32_t lookup(char32_t cp) const {
    const auto it = std::lower_bound(entries_.begin(), entries_.end(), std::make_pair(cp, char32_t{0}));
    if (it != entries_.end() && it->first == cp) return it->second;
    return cp;
  }

 private:
  std::vector<std::pair<char32_t, char32_t>> entries_;
};

const FoldTable& table() {
  static const FoldTable t;
  return t;
}

}  // namespace

char32_t fold_char(char32_t cp) {
  if (cp < 0x80) {
    if (cp >= 'A' && cp <= 'Z') return cp + 32;
    return cp;
  }
  if (cp >= 0x0300 && cp <= 0x036F) return 0;  // combining marks (NFD tones, breve, horn)
  return table().lookup(cp);
}

bool is_word_char(char32_t f) {
  if ((f >= 'a' && f <= 'z') || (f >= '0' && f <= '9')) return true;
  // Other letters (not folded to ASCII) still make words.
  return f >= 0x80 && f != utf8::kReplacement && !(f >= 0x2000 && f <= 0x206F) && f != 0xA0;
}

std::string fold(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size()) {
    const char32_t f = fold_char(utf8::next(text, pos));
    if (f != 0) utf8::append(out, f);
  }
  return out;
}

}  // namespace motcua::text
