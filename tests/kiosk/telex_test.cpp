// Telex on the on-screen keyboard: what a citizen types is what the receipt,
// the search box and the applicant form show.

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "motcua/text/utf8.hpp"
#include "widgets/telex.hpp"

using namespace motcua;
using namespace motcua::kiosk;

namespace {

struct Case {
  std::string_view keys;
  std::string_view shows;
};

// Presses each key of `keys` (ASCII) in turn on an empty field.
std::string typed(std::string_view keys) {
  std::u32string text;
  for (char k : keys) telex::type(text, static_cast<char32_t>(static_cast<unsigned char>(k)));
  return utf8::from_u32(text);
}

void expect_all(const std::vector<Case>& cases) {
  for (const auto& c : cases) EXPECT_EQ(typed(c.keys), c.shows) << "keys: " << c.keys;
}

}  // namespace

TEST(Telex, DoubledLettersAndWMakeTheVietnameseLetters) {
  expect_all({
      {"aa", "â"}, {"aw", "ă"}, {"dd", "đ"}, {"ee", "ê"}, {"oo", "ô"}, {"ow", "ơ"}, {"uw", "ư"},
      {"AA", "Â"}, {"Aw", "Ă"}, {"DD", "Đ"}, {"Dd", "Đ"}, {"EE", "Ê"}, {"OO", "Ô"}, {"OW", "Ơ"}, {"UW", "Ư"},
      {"w", "ư"},  {"W", "Ư"},  {"uow", "ươ"}, {"tuw", "tư"}, {"cawn", "căn"}, {"ddeen", "đên"},
  });
}

TEST(Telex, ToneKeysPutEachOfTheFiveTones) {
  expect_all({
      {"as", "á"}, {"af", "à"}, {"ar", "ả"}, {"ax", "ã"}, {"aj", "ạ"},
      {"mas", "má"}, {"maf", "mà"}, {"mar", "mả"}, {"max", "mã"}, {"maj", "mạ"},
      {"Os", "Ó"}, {"uwj", "ự"}, {"aas", "ấ"}, {"eex", "ễ"}, {"owr", "ở"}, {"yf", "ỳ"},
  });
}

TEST(Telex, ZRemovesTheTone) {
  expect_all({{"asz", "a"}, {"maxz", "ma"}, {"tieengsz", "tiêng"}, {"ddawngjz", "đăng"}, {"Hoafz", "Hoa"}});
}

TEST(Telex, ToneKeysOnAWordWithoutAVowelAreLetters) {
  // "tr", "s", "x" start many words: they must stay letters there.
  expect_all({{"s", "s"}, {"x", "x"}, {"tr", "tr"}, {"nghj", "nghj"}, {"z", "z"}});
}

TEST(Telex, RepeatingAKeyUndoesIt) {
  expect_all({
      {"ass", "as"}, {"aff", "af"}, {"arr", "ar"}, {"axx", "ax"}, {"ajj", "aj"},
      {"aaa", "aa"}, {"eee", "ee"}, {"ooo", "oo"}, {"aww", "aw"}, {"oww", "ow"}, {"uww", "uw"},
      {"ddd", "dd"}, {"bass", "bas"},
  });
}

TEST(Telex, ChangingTheToneKeyReplacesTheTone) {
  expect_all({{"asf", "à"}, {"mafj", "mạ"}, {"Nguyeenxs", "Nguyến"}});
}

// The tone goes on the vowel the orthography says, however early it was typed.
// The header documents the old style of official documents: "hòa", "thủy".
TEST(Telex, PlacesToneOnTheRightVowel) {
  expect_all({
      {"dduwowngf", "đường"}, {"dduwfowng", "đường"},
      {"khuyeens", "khuyến"}, {"khuyesen", "khuyến"},
      {"nguwowif", "người"}, {"nguwofowi", "người"},
      {"hoaf", "hòa"}, {"hofa", "hòa"}, {"hoanf", "hoàn"}, {"hoafn", "hoàn"},
      {"thuyr", "thủy"}, {"thury", "thủy"},
      {"quys", "quý"}, {"qusy", "quý"}, {"quoocs", "quốc"},
      {"ginf", "gìn"}, {"giaf", "già"}, {"giuwxa", "giữa"}, {"gif", "gì"},
      {"Nguyeenx", "Nguyễn"}, {"Nguyexen", "Nguyễn"},
      {"DDawngj", "Đặng"}, {"Ddawngj", "Đặng"}, {"DDajwng", "Đặng"},
      {"muaf", "mùa"}, {"muoois", "muối"}, {"ngoaif", "ngoài"}, {"tieengs", "tiếng"}, {"Hueer", "Huể"},
  });
}

TEST(Telex, TonesBelongToTheWordBeingTyped) {
  expect_all({
      {"Nguyeenx Vawn Ans", "Nguyễn Văn Án"},
      {"Hoaf Bifnh", "Hòa Bình"},
      {"xax, phuwowngf", "xã, phường"},
      {"12 Ddinhf", "12 Đình"},
  });
}

TEST(Telex, KeystrokesOfATextTypeThatTextBack) {
  // Names and place names citizens type into the applicant form and search.
  const std::vector<std::string_view> names = {
      "Nguyễn Văn An",
      "Trần Thị Thủy",
      "Lê Hoàng Quý",
      "Phạm Đức Thắng",
      "Đặng Thị Hòa",
      "Võ Nguyễn Giáp",
      "Huỳnh Tấn Phát",
      "Bùi Thị Xuân",
      "Ngô Quyền",
      "Dương Văn Minh",
      "Hồ Xuân Hương",
      "Trương Định",
      "Đoàn Thị Điểm",
      "Khuất Duy Tiến",
      "Lưu Hữu Phước",
      "Hà Nội",
      "Thành phố Hồ Chí Minh",
      "Thừa Thiên Huế",
      "Quảng Ngãi",
      "Đắk Lắk",
      "Bà Rịa – Vũng Tàu",
      "Khánh Hòa",
      "Thanh Hóa",
      "Nghệ An",
      "Phường Nguyễn Trãi, Quận Hà Đông",
      "Xã Quỳnh Lưu, huyện Quỳnh Lưu",
      "Cẩm Lệ, Đà Nẵng",
      "Giữ gìn sự trong sáng của tiếng Việt",
      "Xã Noong Hẹt, huyện Điện Biên",
      "Thôn Soong Hao",
      "Ưng Hoàng Phúc",
      "ĐẶNG THỊ NGỌC THỊNH",
  };
  for (std::string_view name : names) {
    const std::u32string keys = telex::keystrokes(utf8::to_u32(name));
    std::u32string text;
    for (char32_t k : keys) telex::type(text, k);
    EXPECT_EQ(utf8::from_u32(text), name) << "keystrokes: " << utf8::from_u32(keys);
  }
}

TEST(Telex, KeystrokesAreTheTelexPeopleLearn) {
  EXPECT_EQ(utf8::from_u32(telex::keystrokes(U"Nguyễn Văn")), "Nguyeenx Vawn");
  EXPECT_EQ(utf8::from_u32(telex::keystrokes(U"đường")), "dduwowngf");
  EXPECT_EQ(utf8::from_u32(telex::keystrokes(U"Đặng")), "Ddawngj");
}

TEST(Telex, MarkKeysAddAndRemoveMarksOnTheWordBeingTyped) {
  std::u32string text = U"Nguyen";
  EXPECT_TRUE(telex::add_mark(text, telex::Mark::circumflex));
  EXPECT_TRUE(telex::add_mark(text, telex::Mark::tilde));
  EXPECT_EQ(utf8::from_u32(text), "Nguyễn");
  EXPECT_TRUE(telex::add_mark(text, telex::Mark::tilde));  // pressed again: off
  EXPECT_EQ(utf8::from_u32(text), "Nguyên");

  text = U"duong";
  EXPECT_TRUE(telex::add_mark(text, telex::Mark::horn));
  EXPECT_TRUE(telex::add_mark(text, telex::Mark::dbar));
  EXPECT_TRUE(telex::add_mark(text, telex::Mark::grave));
  EXPECT_EQ(utf8::from_u32(text), "đường");

  text = U"12 ";
  EXPECT_FALSE(telex::add_mark(text, telex::Mark::acute));  // nothing to put it on
  EXPECT_EQ(utf8::from_u32(text), "12 ");
}
