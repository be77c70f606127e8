#pragma once
// Vietnamese letters in one form and the right case: NFC composition of the
// Vietnamese letters (base + letter mark ă â ê ô ơ ư + tone mark), upper and
// lower case for them, and title case for personal names. ImGui does no
// shaping and search folds either form, but names shown, printed and compared
// must be NFC ("Nữ" typed on a phone may arrive as n, u, U+031B, U+0303).
//
// Scope: the letters of Vietnamese (every precomposed vowel in Latin-1
// Supplement, Latin Extended-A/B and Latin Extended Additional, đ/Đ) and
// ASCII. Other scripts and other combining marks pass through unchanged; this
// is not a full Unicode normaliser.

#include <string>
#include <string_view>

namespace motcua::text {

// Composes a Vietnamese base letter and the combining marks after it
// (U+0300 grave, U+0301 acute, U+0303 tilde, U+0309 hook above, U+0323 dot
// below; U+0302 circumflex, U+0306 breve, U+031B horn), in any order, into
// the precomposed letter Unicode's NFC gives. Invalid UTF-8 becomes U+FFFD.
std::string vietnamese_nfc(std::string_view text);

char32_t to_lower(char32_t cp);
char32_t to_upper(char32_t cp);
std::string to_lower(std::string_view text);  // NFC, lower case
std::string to_upper(std::string_view text);  // NFC, upper case

// A personal name as Vietnamese documents write it: NFC, surrounding white
// space trimmed, inner runs of white space collapsed to one space, each word
// (after a space or hyphen) starting upper case and the rest lower case.
// "  NGUYỄN   VĂN a " → "Nguyễn Văn A"; "ĐẶNG THỊ ÁNH-HỒNG" → "Đặng Thị Ánh-Hồng".
std::string name_title_case(std::string_view name);

// Trims white space (ASCII blanks, CR, LF, tab, NBSP) at both ends and
// collapses inner runs to one ASCII space. Case and marks are untouched.
std::string collapse_spaces(std::string_view text);

}  // namespace motcua::text
