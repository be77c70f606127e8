#pragma once
// Vietnamese folding for search: lower-case, strip tone marks and letter marks
// (ă â ê ô ơ ư → a a e o o u), đ → d. "khai sinh", "KHAI SINH" and "khái sính"
// all fold to "khai sinh", as does "Đăng ký khai sinh" → "dang ky khai sinh".
// Accepts NFC and NFD input (combining marks U+0300–U+036F are dropped).

#include <string>
#include <string_view>

namespace motcua::text {

// Folds one code point; returns 0 for a code point that folds to nothing
// (a combining mark). Letters outside Vietnamese/Latin-1 are lower-cased when ASCII
// and otherwise returned unchanged.
char32_t fold_char(char32_t cp);

std::string fold(std::string_view text);

// Folds and splits into words of letters and digits; everything else separates.
// "Chứng thực bản sao (2.000815)" → {"chung","thuc","ban","sao","2","000815"}.
template <class Out>
void fold_words(std::string_view text, Out&& emit);

bool is_word_char(char32_t folded);

}  // namespace motcua::text

#include "motcua/text/utf8.hpp"

namespace motcua::text {

template <class Out>
void fold_words(std::string_view text, Out&& emit) {
  std::string word;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const char32_t f = fold_char(utf8::next(text, pos));
    if (f == 0) continue;
    if (is_word_char(f)) {
      utf8::append(word, f);
    } else if (!word.empty()) {
      emit(std::string_view(word));
      word.clear();
    }
  }
  if (!word.empty()) emit(std::string_view(word));
}

}  // namespace motcua::text
