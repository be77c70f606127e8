// The CCCD QR code: the kiosk fills in the applicant's name, ID number, birth
// date and address from it, so a card must read back exactly as printed (name
// in proper Vietnamese title case), and anything else the camera sees — a
// receipt's code, a bank's VietQR, noise — must be a clean refusal.

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "motcua/domain/citizen_id_qr.hpp"
#include "motcua/text/utf8.hpp"
#include "motcua/text/vietnamese_case.hpp"

using namespace motcua;
using namespace motcua::domain;
using calendar::CivilDate;

namespace {

// A payload as a card prints it (fictional person; 001 = Hà Nội, 0 = man born
// 1900–1999, 90 = 1990).
constexpr std::string_view kCard =
    "001090012345|123456789|NGUYỄN VĂN A|15081990|Nam|Số 12, phố Hàng Bạc, Phường Hoàn Kiếm, Hà Nội|20042021";

// NFD of "Nữ": n, u, combining horn, combining tilde.
const std::string kNuNfd = "N\x75\xCC\x9B\xCC\x83";

}  // namespace

TEST(CitizenIdQr, ReadsEveryFieldOfACard) {
  auto card = parse_citizen_id_qr(kCard);
  ASSERT_TRUE(card) << card.error().message;
  EXPECT_EQ(card->id_number, "001090012345");
  EXPECT_EQ(card->old_id, "123456789");
  EXPECT_EQ(card->full_name, "Nguyễn Văn A");
  EXPECT_EQ(card->birth_date, (CivilDate{1990, 8, 15}));
  EXPECT_EQ(card->sex, Sex::male);
  EXPECT_EQ(card->address, "Số 12, phố Hàng Bạc, Phường Hoàn Kiếm, Hà Nội");
  EXPECT_EQ(card->issue_date, (CivilDate{2021, 4, 20}));
}

TEST(CitizenIdQr, ToleratesWhatRealReadersAndCardsProduce) {
  struct Case {
    const char* why;
    std::string payload;
    std::string name;
    Sex sex;
    bool has_old_id, has_issue_date;
  };
  const std::string female = "025305001234||trần thị   bích NGỌC|01022005|";
  const std::string addr = "|Khu 3, xã Thanh Ba, Phú Thọ";
  const Case cases[] = {
      {"no old ID", "025305001234||TRẦN THỊ BÍCH NGỌC|01022005|Nữ" + addr + "|10032021", "Trần Thị Bích Ngọc",
       Sex::female, false, true},
      {"6-field variant", "025305001234||Trần Thị Bích Ngọc|01022005|NỮ" + addr, "Trần Thị Bích Ngọc", Sex::female,
       false, false},
      {"trailing empty fields", female + "nữ" + addr + "|10032021||||", "Trần Thị Bích Ngọc", Sex::female, false, true},
      {"6 fields + trailing empty", female + "Nữ" + addr + "|", "Trần Thị Bích Ngọc", Sex::female, false, false},
      {"BOM, CR LF", "\xEF\xBB\xBF" + female + "Nữ" + addr + "|10032021\r\n", "Trần Thị Bích Ngọc", Sex::female,
       false, true},
      {"spaces around fields", "  " + female + " Nữ " + addr + " | 10032021 \n", "Trần Thị Bích Ngọc", Sex::female,
       false, true},
      {"NFD sex", female + kNuNfd + addr + "|10032021", "Trần Thị Bích Ngọc", Sex::female, false, true},
      {"NFD name", "025305001234||TR\x41\xCC\x82\xCC\x80N THI\xCC\xA3 BI\xCC\x81\x43H NGO\xCC\xA3\x43|01022005|Nữ" +
                       addr + "|10032021",
       "Trần Thị Bích Ngọc", Sex::female, false, true},
      {"upper-case NAM, 12-digit old ID", "001090012345|001090012345|LÊ ĐỨC ANH|15081990|NAM" + addr + "|20042021",
       "Lê Đức Anh", Sex::male, true, true},
      {"lower-case nam", "001090012345|123456789|đặng quốc việt|15081990|nam" + addr + "|20042021",
       "Đặng Quốc Việt", Sex::male, true, true},
  };
  for (const auto& c : cases) {
    auto card = parse_citizen_id_qr(c.payload);
    ASSERT_TRUE(card) << c.why << ": " << card.error().message;
    EXPECT_EQ(card->full_name, c.name) << c.why;
    EXPECT_EQ(card->sex, c.sex) << c.why;
    EXPECT_EQ(card->old_id.has_value(), c.has_old_id) << c.why;
    EXPECT_EQ(card->issue_date.has_value(), c.has_issue_date) << c.why;
    EXPECT_EQ(card->address, "Khu 3, xã Thanh Ba, Phú Thọ") << c.why;
    EXPECT_TRUE(utf8::valid(card->full_name));
  }
}

TEST(CitizenIdQr, RefusesOtherCodesAndDamagedCardsSayingWhy) {
  struct Case {
    std::string payload;
    std::string message_part;  // what the message must say
  };
  const Case cases[] = {
      {"", "empty"},
      {" \r\n", "empty"},
      {"https://dichvucong.gov.vn/", "no '|'"},
      {"00020101021238570010A00000072701270006970415011300110019324180208QRIBFTTA530370454061200005802VN62170813ung ho "
       "lu lut6304C15C",
       "no '|'"},
      {"MOTCUA1|H44.27.05-251130-0042|K7QM", "3 fields"},
      {std::string(kCard) + "|extra", "8 fields"},
      {"00109001234|123456789|A|15081990|Nam|X|20042021", "11 digits"},
      {"00109001234X|123456789|A|15081990|Nam|X|20042021", "not all digits"},
      {"001090012345|12345|A|15081990|Nam|X|20042021", "field 2 (old ID number)"},
      {"001090012345|123456789||15081990|Nam|X|20042021", "field 3 (full name) is empty"},
      {"001090012345|123456789|Nguyễn Văn 2|15081990|Nam|X|20042021", "digits"},
      {"001090012345|123456789|A|1581990|Nam|X|20042021", "8 digits ddMMyyyy"},
      {"001090012345|123456789|A|31021990|Nam|X|20042021", "31/02/1990 is not a date"},
      {"001090012345|123456789|A|15131990|Nam|X|20042021", "15/13/1990 is not a date"},
      {"001090012345|123456789|A|15081990|Male|X|20042021", "neither \"Nam\" nor \"Nữ\""},
      {"001090012345|123456789|A|15081990|Nam||20042021", "field 6 (address) is empty"},
      {"001090012345|123456789|A|15081990|Nam|X|20041980", "before the birth date"},
      {"001090012345|123456789|A|15081990|Nam|X|29022021", "29/02/2021 is not a date"},
      {"001090012345|123456789|A|15081990|Nữ|X|20042021", "fourth digit 0 is for a man"},
      {"001090012345|123456789|A|15082001|Nam|X|20042021", "1900–1999"},
      {"001090012345|123456789|A|15081991|Nam|X|20042021", "fifth and sixth digits 90"},
      {"099090012345|123456789|A|15081990|Nam|X|20042021", "099 are not a province code"},
      {"001090012345|123456789|A\x01|15081990|Nam|X|20042021", "control character"},
      {"001090012345|123456789|\xC3\x28|15081990|Nam|X|20042021", "not valid UTF-8"},
      {std::string(2000, '|'), "longer than"},
      {std::string(40, '|'), "more than 16 fields"},
  };
  for (const auto& c : cases) {
    auto card = parse_citizen_id_qr(c.payload);
    ASSERT_FALSE(card) << c.payload;
    EXPECT_EQ(card.error().code, Errc::invalid_argument) << c.payload;
    EXPECT_NE(card.error().message.find(c.message_part), std::string::npos)
        << c.payload << "\n  message: " << card.error().message << "\n  expected: " << c.message_part;
  }
}

TEST(CitizenIdQr, ErrorMessagesDoNotRepeatThePersonalData) {
  // The message goes to logs and to the screen; the name, ID and address of a
  // refused card must not.
  const std::string damaged = "001090012345|123456789|NGUYỄN VĂN BÌNH|15081990|Male|Số 7 ngõ Huế|20042021";
  auto card = parse_citizen_id_qr(damaged);
  ASSERT_FALSE(card);
  for (std::string_view secret : {"001090012345", "123456789", "BÌNH", "Bình", "ngõ Huế"})
    EXPECT_EQ(card.error().message.find(secret), std::string::npos) << secret;
  auto bad_id = parse_citizen_id_qr("00109001234|123456789|A|15081990|Nam|X|");
  ASSERT_FALSE(bad_id);
  EXPECT_EQ(bad_id.error().message.find("00109001234"), std::string::npos);
}

TEST(CitizenIdQr, SurvivesRandomAndMutatedPayloads) {
  // Fuzz-style: the camera sees anything. Every input must give a value or an
  // error; a value must satisfy what the rest of the kiosk relies on.
  std::mt19937 rng(20261130);
  const std::string seeds[] = {std::string(kCard), "025305001234||Trần Thị Bích Ngọc|01022005|" + kNuNfd + "|Phú Thọ",
                               "MOTCUA1|H44.27.05-251130-0042|K7QM"};
  const std::string alphabet = "0123456789|| \r\n\xEF\xBB\xBF\xCC\x83\xC3\xA1NamNữ\xE1\xBB\xAF\xFF\x80";
  std::size_t accepted = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string payload;
    if (round % 4 == 0) {
      payload.resize(rng() % 300);
      for (auto& ch : payload) ch = static_cast<char>(rng() % 256);
    } else {
      payload = seeds[rng() % std::size(seeds)];
      const int edits = 1 + static_cast<int>(rng() % 6);
      for (int e = 0; e < edits && !payload.empty(); ++e) {
        const std::size_t at = rng() % payload.size();
        switch (rng() % 4) {
          case 0: payload[at] = static_cast<char>(rng() % 256); break;
          case 1: payload.insert(at, 1, alphabet[rng() % alphabet.size()]); break;
          case 2: payload.erase(at, 1 + rng() % 4); break;
          default: payload.resize(at); break;
        }
      }
    }
    Result<CitizenIdCard> card;
    ASSERT_NO_THROW(card = parse_citizen_id_qr(payload));
    if (card) {
      ++accepted;
      EXPECT_TRUE(plausible_citizen_id(card->id_number, card->birth_date.year, card->sex));
      EXPECT_TRUE(calendar::is_valid(card->birth_date));
      EXPECT_TRUE(utf8::valid(card->full_name));
      EXPECT_TRUE(utf8::valid(card->address));
      EXPECT_FALSE(card->full_name.empty());
    } else {
      EXPECT_FALSE(card.error().message.empty());
    }
  }
  EXPECT_GT(accepted, 0u) << "some mutations (a space, a case change) keep a card readable";
}

TEST(CitizenIdNumber, ChecksDigitsProvinceCenturySexAndYear) {
  struct Case {
    std::string id;
    std::optional<int> year;
    std::optional<Sex> sex;
    bool plausible;
  };
  const Case cases[] = {
      {"001090012345", {}, {}, true},
      {"001090012345", 1990, Sex::male, true},
      {"001190012345", 1990, Sex::female, true},
      {"025305001234", 2005, Sex::female, true},
      {"079200000001", 2000, Sex::male, true},
      {"096100000001", 1900, Sex::female, true},
      {"001490012345", 2190, {}, true},       // 22nd century
      {"00109001234", {}, {}, false},         // 11 digits
      {"0010900123456", {}, {}, false},       // 13 digits
      {"001 090012345", {}, {}, false},       // a space is not a digit here
      {"00109001234a", {}, {}, false},
      {"000090012345", {}, {}, false},        // no province 000
      {"003090012345", {}, {}, false},        // 003 is not a province code
      {"097090012345", {}, {}, false},        // above 096
      {"001090012345", 1990, Sex::female, false},
      {"001090012345", 2090, {}, false},      // 0 = 1900–1999
      {"001090012345", 1991, {}, false},      // year digits 90
      {"001290012345", 1990, {}, false},      // 2 = 2000–2099
      {"", {}, {}, false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(plausible_citizen_id(c.id, c.year, c.sex), c.plausible) << c.id;
    auto checked = check_citizen_id_number(c.id, c.year, c.sex);
    EXPECT_EQ(checked.has_value(), c.plausible) << c.id;
    if (!checked) {
      EXPECT_FALSE(checked.error().message.empty());
    }
  }
  int codes = 0;
  for (int code = 0; code < 1000; ++code) codes += is_citizen_id_province_code(code) ? 1 : 0;
  EXPECT_EQ(codes, 63) << "one code per province before the 2025 merger";
  EXPECT_TRUE(is_citizen_id_province_code(25));  // Phú Thọ (Hòa Bình, 17, merged into it)
  EXPECT_TRUE(is_citizen_id_province_code(17));
}

TEST(VietnameseCase, ComposesDecomposedLettersLikeNfc) {
  EXPECT_EQ(text::vietnamese_nfc(kNuNfd), "Nữ");
  EXPECT_EQ(text::vietnamese_nfc("Vie\xCC\xA3\xCC\x82t"), "Việt");   // dot below before circumflex
  EXPECT_EQ(text::vietnamese_nfc("Vie\xCC\x82\xCC\xA3t"), "Việt");   // circumflex before dot below
  EXPECT_EQ(text::vietnamese_nfc("\xC3\xAA\xCC\xA3"), "ệ");         // precomposed ê + dot below
  EXPECT_EQ(text::vietnamese_nfc("Đường"), "Đường");              // already NFC: unchanged
  EXPECT_EQ(text::vietnamese_nfc("e\xCC\x81\xCC\x81"), "é\xCC\x81");  // a second tone stays a mark
  EXPECT_EQ(text::vietnamese_nfc("\xCC\x83" "abc"), "\xCC\x83" "abc");  // a leading mark stays
}

TEST(VietnameseCase, TitleCasesNamesWithTheirMarks) {
  const std::pair<std::string, std::string> cases[] = {
      {"NGUYỄN VĂN A", "Nguyễn Văn A"},
      {"  nguyễn   văn   a \t", "Nguyễn Văn A"},
      {"ĐẶNG THỊ ÁNH-HỒNG", "Đặng Thị Ánh-Hồng"},
      {"đỗ ƯU ỨNG", "Đỗ Ưu Ứng"},
      {"ÔNG ƠN ỶẾỸ", "Ông Ơn Ỷếỹ"},
      {"H\xE2\x80\x99HEN NIÊ", "H\xE2\x80\x99hen Niê"},  // Ê Đê names keep their apostrophe
      {"", ""},
  };
  for (const auto& [in, out] : cases) EXPECT_EQ(text::name_title_case(in), out) << in;
  EXPECT_EQ(text::to_upper("nguyễn thị ữ"), "NGUYỄN THỊ Ữ");
  EXPECT_EQ(text::to_lower("ĐẠI ƯỚC Ỹ"), "đại ước ỹ");
}
