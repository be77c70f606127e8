#pragma once
// UTF-8 helpers. Invalid sequences decode to U+FFFD so display code never breaks
// on bad input; validate() tells callers that must reject it.

#include <cstddef>
#include <string>
#include <string_view>

namespace motcua::utf8 {

constexpr char32_t kReplacement = 0xFFFD;

// Decodes the code point starting at text[pos] and advances pos (by at least 1).
char32_t next(std::string_view text, std::size_t& pos);
void append(std::string& out, char32_t cp);
std::string encode(char32_t cp);

bool valid(std::string_view text);
std::u32string to_u32(std::string_view text);
std::string from_u32(std::u32string_view text);
std::size_t length(std::string_view text);  // in code points
// At most max_chars code points, never cutting inside a sequence.
std::string truncate(std::string_view text, std::size_t max_chars);

}  // namespace motcua::utf8
