#pragma once
// Vietnamese spoken forms of what a kiosk screen shows in figures: numbers,
// money, dates, times, dossier codes, phone numbers and lookup secrets.
// espeak-ng 1.51 reads digits badly ("15" → "mười năm", PLATFORM.md), so the
// read-aloud turns them into words before synthesis.
//
// Number rules (standard Vietnamese, northern vocabulary like the UI text):
//   10–19 "mười …", 20–90 "… mươi"; 1 after "mươi" is "mốt" (21 "hai mươi mốt",
//   but 11 "mười một", 101 "một trăm linh một"); 4 after "mươi" is "tư"
//   (24 "hai mươi tư", 14 "mười bốn"); 5 after "mười"/"mươi" is "lăm"
//   (15, 25) but "năm" after "linh" (105 "một trăm linh năm").
//   A zero tens digit is "linh" (not the southern "lẻ") when units follow.
//   Groups of three below the first say their hundreds even when zero:
//   1005 "một nghìn không trăm linh năm", 2026 "hai nghìn không trăm hai mươi sáu".
//   Whole zero groups are skipped: 1 000 500 "một triệu năm trăm".
//   Scales: nghìn, triệu, tỷ — up to 999 999 999 999; longer numbers are read digit by digit.

#include <cstdint>
#include <string>
#include <string_view>

namespace motcua::kiosk::speech {

inline constexpr std::uint64_t kMaxSpokenNumber = 999'999'999'999ULL;

// 0 → "không", 2026 → "hai nghìn không trăm hai mươi sáu".
std::string number_words(std::uint64_t n);
// One word per digit: "0912" → "không chín một hai". Non-digits are skipped.
std::string digit_words(std::string_view digits);
// 8000 → "tám nghìn đồng"; negative amounts start with "âm".
std::string money_words(std::int64_t amount);
// (19, 2, 2026) → "ngày mười chín tháng hai năm hai nghìn không trăm hai mươi sáu".
// April is "tháng tư", as Vietnamese say it.
std::string date_words(int day, int month, int year);
// (17, 0) → "mười bảy giờ"; (10, 32) → "mười giờ ba mươi hai phút".
std::string time_words(int hour, int minute);
// The Vietnamese name of a letter (a, bê, xê, đê, …; f j w z by their usual
// loan names) or the word for a digit; empty for anything else.
std::string char_name(char32_t c);
// Codes character by character in their groups, separators spoken:
// "H44.27.05-261130-0001" → "hát bốn bốn, chấm, hai bảy, chấm, không năm, gạch,
// hai sáu một một ba không, gạch, không không không một".
std::string spell_code(std::string_view code);
// Lookup secrets one character at a time with a pause after each:
// "K7QM" → "ca, bảy, quy, em mờ".
std::string spell_secret(std::string_view secret);
// Phone numbers digit by digit in the groups people say them in
// (10 digits: 4-3-3): "0912345678" → "không chín một hai, ba bốn năm, sáu bảy tám".
// A leading "+" is "cộng". Spaces, dots and dashes are ignored.
std::string phone_words(std::string_view phone);

}  // namespace motcua::kiosk::speech
