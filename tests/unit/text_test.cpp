#include <gtest/gtest.h>

#include <vector>

#include "motcua/text/fold.hpp"
#include "motcua/text/utf8.hpp"

using namespace motcua;

TEST(Fold, KhaiSinhMatchesAllWaysPeopleTypeIt) {
  const std::string target = text::fold("Đăng ký khai sinh");
  EXPECT_EQ(target, "dang ky khai sinh");
  for (const char* q : {"khai sinh", "KHAI SINH", "khái sính", "Khai Sinh", "KHÁI SINH"})
    EXPECT_NE(target.find(text::fold(q)), std::string::npos) << q;
}

TEST(Fold, StripsEveryToneAndLetterMark) {
  EXPECT_EQ(text::fold("àáảãạ ăằắẳẵặ âầấẩẫậ"), "aaaaa aaaaaa aaaaaa");
  EXPECT_EQ(text::fold("ÈÉẺẼẸ ÊỀẾỂỄỆ"), "eeeee eeeeee");
  EXPECT_EQ(text::fold("ìíỉĩị òóỏõọ ôồốổỗộ ơờớởỡợ"), "iiiii ooooo oooooo oooooo");
  EXPECT_EQ(text::fold("ùúủũụ ưừứửữự ỳýỷỹỵ"), "uuuuu uuuuuu yyyyy");
  EXPECT_EQ(text::fold("Đường đi"), "duong di");
}

TEST(Fold, HandlesDecomposedInput) {
  // "khái" written as k h a U+0301 i (NFD), as some keyboards produce.
  EXPECT_EQ(text::fold("kha\xCC\x81i"), "khai");
  // ư as u + combining horn U+031B, then dot below U+0323.
  EXPECT_EQ(text::fold("tu\xCC\x9B\xCC\xA3"), "tu");
}

TEST(Fold, KeepsDigitsAndPunctuation) { EXPECT_EQ(text::fold("Mẫu 01/TT-03"), "mau 01/tt-03"); }

TEST(FoldWords, SplitsOnEverythingButLettersAndDigits) {
  std::vector<std::string> words;
  text::fold_words("Chứng thực bản sao (2.000815)", [&](std::string_view w) { words.emplace_back(w); });
  EXPECT_EQ(words, (std::vector<std::string>{"chung", "thuc", "ban", "sao", "2", "000815"}));
}

TEST(Utf8, RoundTripsVietnamese) {
  const std::string s = "Nguyễn Văn Ân — ₫ “Ư”";
  EXPECT_TRUE(utf8::valid(s));
  EXPECT_EQ(utf8::from_u32(utf8::to_u32(s)), s);
  EXPECT_EQ(utf8::length("Đăng"), 4u);
}

TEST(Utf8, RejectsMalformedSequences) {
  EXPECT_FALSE(utf8::valid("\xC3"));           // truncated
  EXPECT_FALSE(utf8::valid("\xC0\xAF"));       // overlong '/'
  EXPECT_FALSE(utf8::valid("\xED\xA0\x80"));   // surrogate
  EXPECT_FALSE(utf8::valid("a\xFF" "b"));
  EXPECT_TRUE(utf8::valid("\xEF\xBF\xBD"));    // a real U+FFFD is fine
}

TEST(Utf8, TruncateNeverCutsACharacter) {
  EXPECT_EQ(utf8::truncate("Đăng ký", 3), "Đăn");
  EXPECT_EQ(utf8::truncate("ab", 10), "ab");
}
