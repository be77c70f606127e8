#pragma once
// Vietnamese letters for the on-screen keyboard's input methods (Telex, VNI):
// vowels with their marks and tones, the word being typed, and where the tone
// mark goes. Pure functions over UTF-32 (NFC, precomposed — what ImGui draws),
// shared by telex.cpp and vni.cpp.
//
// Tone placement follows the orthographic rule: the tone sits on the vowel
// carrying a modifier (â ê ô ơ ư ă) if any; in a nucleus of three vowels on the
// middle one; in a nucleus of two on the second when a consonant follows
// ("hoàn", "khuyến") and on the first otherwise ("mùa", "hòa", "thủy") — except
// in the new style (Vietnamese Academy of Social Sciences' reformed spelling,
// common in schoolbooks), where "oa", "oe", "uy" without a final consonant
// carry it on the second ("hoà", "khoẻ", "thuỷ"). The "u" of "qu" and the "i"
// of "gi" before another vowel belong to the consonant ("quý", "giữa").

#include <cstddef>
#include <optional>
#include <string>

namespace motcua::kiosk::viet {

enum class ToneStyle { old_style, new_style };

// Base vowels; a vowel is a base plus a tone (0 none, 1 sắc, 2 huyền, 3 hỏi,
// 4 ngã, 5 nặng).
enum Base { A, A_BREVE, A_HAT, E, E_HAT, I, O, O_HAT, O_HORN, U, U_HORN, Y, kBases };

struct Vowel {
  int base = 0;
  int tone = 0;
  bool upper = false;
};

std::optional<Vowel> vowel(char32_t c);
char32_t compose(Vowel v);
// The plain Latin letter a vowel is typed from ('a' for ă and â).
char32_t plain_letter(int base);
// ă â ê ô ơ ư
bool modified(int base);

char32_t lower_ascii(char32_t c);
bool is_ascii_letter(char32_t c);
bool is_letter(char32_t c);

// Index of the first letter of the word ending at text's end.
std::size_t word_start(const std::u32string& text);
int word_tone(const std::u32string& text, std::size_t ws);
bool has_vowel(const std::u32string& text, std::size_t ws);
void strip_tone(std::u32string& text, std::size_t ws);
std::optional<std::size_t> tone_position(const std::u32string& text, std::size_t ws, ToneStyle style);
// Removes the word's tone and puts `tone` (0 = none) where the rule says.
void place_tone(std::u32string& text, std::size_t ws, int tone, ToneStyle style);
// Replaces the base of the vowel at i, keeping its tone and case.
void rebase(std::u32string& text, std::size_t i, int base);

}  // namespace motcua::kiosk::viet
