// Vietnamese on the on-screen keyboard: tone placement in the old style
// ("hòa", "thủy" — official documents, the default) and the new style ("hoà",
// "thuỷ" — [ui] tone_style = "new"), with Telex and with VNI. What a citizen
// types is what the receipt, the search box and the applicant form show.

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "motcua/text/utf8.hpp"
#include "widgets/telex.hpp"
#include "widgets/vni.hpp"

using namespace motcua;
using namespace motcua::kiosk;
using viet::ToneStyle;

namespace {

std::string telex_typed(std::string_view keys, ToneStyle style) {
  std::u32string text;
  for (char k : keys) telex::type(text, static_cast<char32_t>(static_cast<unsigned char>(k)), style);
  return utf8::from_u32(text);
}

std::string vni_typed(std::string_view keys, ToneStyle style = ToneStyle::old_style) {
  std::u32string text;
  for (char k : keys) vni::type(text, static_cast<char32_t>(static_cast<unsigned char>(k)), style);
  return utf8::from_u32(text);
}

struct Word {
  std::string_view telex, vni, old_style, new_style;
};

// The words and more: modified vowels carry the tone (đường, khuyến),
// two vowels without a final consonant differ between the styles only for
// oa / oe / uy (hòa/hoà, thủy/thuỷ, khỏe/khoẻ), qu and gi belong to the
// consonant (quý, gìn, giữa).
const std::vector<Word> kWords = {
    {"dduwowngf", "d9u7o7ng2", "đường", "đường"},
    {"khuyeens", "khuye6n1", "khuyến", "khuyến"},
    {"hoaf", "hoa2", "hòa", "hoà"},
    {"thuyr", "thuy3", "thủy", "thuỷ"},
    {"khoer", "khoe3", "khỏe", "khoẻ"},
    {"quys", "quy1", "quý", "quý"},
    {"ginf", "gin2", "gìn", "gìn"},
    {"giuwxa", "giu7a4", "giữa", "giữa"},
    {"hoanf", "hoan2", "hoàn", "hoàn"},
    {"thuyeenf", "thuye6n2", "thuyền", "thuyền"},
    {"muaf", "mua2", "mùa", "mùa"},
    {"nguwowif", "ngu7o7i2", "người", "người"},
    {"ngoaif", "ngoai2", "ngoài", "ngoài"},
    {"khuya", "khuya", "khuya", "khuya"},
    {"tuaanf", "tua6n2", "tuần", "tuần"},
    {"Nguyeenx", "Nguye6n4", "Nguyễn", "Nguyễn"},
    {"DDawngj", "D9a8ng5", "Đặng", "Đặng"},
    {"Hoaf", "Hoa2", "Hòa", "Hoà"},
    {"Thuyr", "Thuy3", "Thủy", "Thuỷ"},
    {"hoaj", "hoa5", "họa", "hoạ"},
    {"loaf", "loa2", "lòa", "loà"},
    {"tuyf", "tuy2", "tùy", "tuỳ"},
};

}  // namespace

TEST(ToneStyle, TelexPlacesTheToneByTheOldRuleByDefault) {
  for (const auto& w : kWords) EXPECT_EQ(telex_typed(w.telex, ToneStyle::old_style), w.old_style) << w.telex;
}

TEST(ToneStyle, TelexPlacesTheToneByTheNewRuleWhenConfigured) {
  for (const auto& w : kWords) EXPECT_EQ(telex_typed(w.telex, ToneStyle::new_style), w.new_style) << w.telex;
}

TEST(ToneStyle, TheToneMovesWhenAConsonantFollowsInBothStyles) {
  // "hoà" + n: the tone moves to the second vowel whatever the style.
  for (auto style : {ToneStyle::old_style, ToneStyle::new_style}) {
    EXPECT_EQ(telex_typed("hoafn", style), "hoàn");
    EXPECT_EQ(telex_typed("thuyrn", style), "thuỷn");  // not a word, but the rule is the rule
  }
}

TEST(Vni, TypesTheSameWordsAsTelex) {
  for (const auto& w : kWords) {
    EXPECT_EQ(vni_typed(w.vni, ToneStyle::old_style), w.old_style) << w.vni;
    EXPECT_EQ(vni_typed(w.vni, ToneStyle::new_style), w.new_style) << w.vni;
  }
}

TEST(Vni, DigitsAreTonesAndMarks) {
  EXPECT_EQ(vni_typed("a1"), "á");
  EXPECT_EQ(vni_typed("a2"), "à");
  EXPECT_EQ(vni_typed("a3"), "ả");
  EXPECT_EQ(vni_typed("a4"), "ã");
  EXPECT_EQ(vni_typed("a5"), "ạ");
  EXPECT_EQ(vni_typed("a6"), "â");
  EXPECT_EQ(vni_typed("e6"), "ê");
  EXPECT_EQ(vni_typed("o6"), "ô");
  EXPECT_EQ(vni_typed("o7"), "ơ");
  EXPECT_EQ(vni_typed("u7"), "ư");
  EXPECT_EQ(vni_typed("a8"), "ă");
  EXPECT_EQ(vni_typed("d9"), "đ");
  EXPECT_EQ(vni_typed("D9"), "Đ");
  EXPECT_EQ(vni_typed("uo7"), "ươ");
}

TEST(Vni, ToneTypedEarlyOrLateGivesTheSameWord) {
  EXPECT_EQ(vni_typed("ho2a"), "hòa");
  EXPECT_EQ(vni_typed("hoa2n"), "hoàn");
  EXPECT_EQ(vni_typed("d9u7o7ng2"), vni_typed("d9uong72"));
}

TEST(Vni, ZeroRemovesTheToneAndRepeatingUndoes) {
  EXPECT_EQ(vni_typed("a10"), "a");
  EXPECT_EQ(vni_typed("ma40"), "ma");
  EXPECT_EQ(vni_typed("a11"), "a1");
  EXPECT_EQ(vni_typed("a66"), "a6");
  EXPECT_EQ(vni_typed("d99"), "d9");
  EXPECT_EQ(vni_typed("a12"), "à");  // another tone replaces the first
}

TEST(Vni, DigitsThatFitNothingAreDigits) {
  // House numbers and years: no vowel before the digit in the word.
  EXPECT_EQ(vni_typed("12"), "12");
  EXPECT_EQ(vni_typed("so61 12"), "số 12");
  EXPECT_EQ(vni_typed("nam9 2026"), "nam9 2026");  // no d in "nam": 9 stays a digit
  EXPECT_EQ(vni_typed("0"), "0");
}

TEST(Vni, KeystrokesOfATextTypeThatTextBack) {
  const std::vector<std::string_view> names = {
      "Nguyễn Văn An", "Trần Thị Thủy", "Lê Hoàng Quý", "Phạm Đức Thắng", "Đặng Thị Hòa", "Dương Văn Minh",
      "Hồ Xuân Hương", "Trương Định",  "Lưu Hữu Phước", "Khánh Hòa",      "Giữ gìn",       "Thừa Thiên Huế",
      "khai sinh",     "chứng thực",   "Đăng ký kết hôn", "Ưng Hoàng Phúc", "Cấp bản sao",
  };
  for (std::string_view name : names) {
    const std::u32string keys = vni::keystrokes(utf8::to_u32(name));
    EXPECT_EQ(vni_typed(utf8::from_u32(keys)), name) << "keystrokes: " << utf8::from_u32(keys);
  }
  EXPECT_EQ(utf8::from_u32(vni::keystrokes(U"Nguyễn Văn")), "Nguye6n4 Va8n");
  EXPECT_EQ(utf8::from_u32(vni::keystrokes(U"đường")), "d9uo7ng2");
}

TEST(MarkKeys, FollowTheConfiguredStyle) {
  std::u32string text = U"Hoa";
  EXPECT_TRUE(telex::add_mark(text, telex::Mark::grave, ToneStyle::new_style));
  EXPECT_EQ(utf8::from_u32(text), "Hoà");
  text = U"Hoa";
  EXPECT_TRUE(telex::add_mark(text, telex::Mark::grave, ToneStyle::old_style));
  EXPECT_EQ(utf8::from_u32(text), "Hòa");
}
