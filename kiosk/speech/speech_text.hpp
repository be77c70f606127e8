#pragma once
// What the read-aloud says for a screen: the texts the screen drew (in drawing
// order, which is reading order: top to bottom, label before value), each made
// speakable. In Vietnamese every figure becomes words (vi_words.hpp): numbers
// and money ("8.000 đ" → "tám nghìn đồng"), dates ("19/02/2026", "2026-02-19",
// "ngày 05 tháng 03 năm 2026"), times ("17:00", "17 giờ 00 phút", "07:30–11:30"),
// dossier and form codes and abbreviations letter by letter, phone numbers
// digit by digit, lookup secrets one character at a time, legal document
// numbers ("123/2015/NĐ-CP" → "số một trăm hai mươi ba năm hai nghìn không
// trăm mười lăm en nờ đê xê pê"). No ImGui here: unit-tested.

#include <span>
#include <string>
#include <string_view>

#include "app/i18n.hpp"

namespace motcua::kiosk::speech {

// One piece of Vietnamese screen text → words espeak-ng's "vi" voice reads right.
std::string normalize_vi(std::string_view text);
// English screen text: espeak-ng reads English figures itself; only codes and
// secrets are spaced out so they are spelled.
std::string normalize_en(std::string_view text);

// A screen's texts in reading order → one utterance: each normalised, repeats
// next to each other dropped, a sentence pause after each.
std::string screen_utterance(std::span<const std::string> texts, Lang lang);

// The espeak-ng voice for the UI language.
std::string_view voice_for(Lang lang);

}  // namespace motcua::kiosk::speech
