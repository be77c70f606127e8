// VietQR payloads: a citizen's banking app must read the agency's account, the
// fee and the dossier code from the code the kiosk shows; a damaged code must be
// refused with a message staff can act on.

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "motcua/domain/catalog.hpp"
#include "motcua/domain/vietqr.hpp"
#include "motcua/util/fs.hpp"

using namespace motcua;
using namespace motcua::domain;

namespace {

// The example payload of ../shared/DOMAIN.md (a NAPAS dynamic transfer).
constexpr std::string_view kNapasExample =
    "00020101021238570010A00000072701270006970415011300110019324180208QRIBFTTA530370454061200005802VN62170813ung ho lu "
    "lut6304C15C";

// Appends "6304" and the CRC: for payloads a test edits on purpose.
std::string with_crc(std::string body) {
  body += "6304";
  char hex[5];
  std::snprintf(hex, sizeof hex, "%04X", crc16_ccitt_false(body));
  return body + hex;
}

std::string without_crc(std::string_view payload) { return std::string(payload.substr(0, payload.size() - 8)); }

VietQrTransfer sample() {
  VietQrTransfer t;
  t.bin = "970436";
  t.account = "0000000000000";
  t.amount = 50000;
  t.purpose = "H44.27.05-251130-0042";
  return t;
}

}  // namespace

TEST(Crc16CcittFalse, GivesTheStandardCheckValue) {
  EXPECT_EQ(crc16_ccitt_false("123456789"), 0x29B1);
  EXPECT_EQ(crc16_ccitt_false(""), 0xFFFF);  // the initial value, untouched
}

TEST(VietQr, BuildsTheNapasExampleByteForByte) {
  VietQrTransfer t;
  t.bin = "970415";
  t.account = "0011001932418";
  t.amount = 120000;
  t.purpose = "ung ho lu lut";
  auto payload = build_vietqr(t);
  ASSERT_TRUE(payload) << payload.error().message;
  EXPECT_EQ(*payload, kNapasExample);
}

TEST(VietQr, ReadsTheNapasExample) {
  auto parsed = parse_vietqr(kNapasExample);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_TRUE(parsed->dynamic);
  EXPECT_EQ(parsed->transfer.bin, "970415");
  EXPECT_EQ(parsed->transfer.account, "0011001932418");
  EXPECT_EQ(parsed->transfer.to, TransferTo::account);
  EXPECT_EQ(parsed->transfer.amount, 120000);
  EXPECT_EQ(parsed->transfer.purpose, "ung ho lu lut");
  EXPECT_EQ(parsed->crc, 0xC15C);
}

TEST(VietQr, ReadsBackWhatItBuilds) {
  std::vector<VietQrTransfer> cases;
  cases.push_back(sample());
  auto t = sample();
  t.amount.reset();  // static: the payer types the amount
  cases.push_back(t);
  t = sample();
  t.purpose.clear();
  cases.push_back(t);
  t = sample();
  t.to = TransferTo::card;
  t.account = "9704361234567890123";  // 19 characters, the longest account
  t.amount = 9'999'999'999'999;       // 13 digits, the longest amount
  t.purpose = std::string(kEmvMaxPurpose, 'X');
  cases.push_back(t);
  t = sample();
  t.amount = 1;
  t.purpose = "H44.27.05-251130-T01-0001";  // a provisional code from an offline kiosk
  cases.push_back(t);

  for (const auto& c : cases) {
    auto payload = build_vietqr(c);
    ASSERT_TRUE(payload) << payload.error().message;
    auto parsed = parse_vietqr(*payload);
    ASSERT_TRUE(parsed) << *payload << ": " << parsed.error().message;
    EXPECT_EQ(parsed->transfer, c) << *payload;
    EXPECT_EQ(parsed->dynamic, c.amount.has_value()) << "point of initiation 12 exactly when an amount is set";
  }
}

TEST(VietQr, LengthFieldsCountTheCharactersOfEachValue) {
  auto payload = build_vietqr(sample());
  ASSERT_TRUE(payload);
  auto fields = parse_emv_fields(*payload);
  ASSERT_TRUE(fields) << fields.error().message;
  std::vector<std::string> ids;
  std::size_t total = 0;
  for (const auto& f : *fields) {
    ids.push_back(f.id);
    EXPECT_EQ(payload->substr(f.offset + 2, 2), (f.value.size() < 10 ? "0" : "") + std::to_string(f.value.size()))
        << "field " << f.id;
    total += 4 + f.value.size();
  }
  EXPECT_EQ(total, payload->size()) << "the fields cover the whole payload";
  EXPECT_EQ(ids, (std::vector<std::string>{"00", "01", "38", "53", "54", "58", "62", "63"}));
  EXPECT_EQ(fields->at(0).value, "01");
  EXPECT_EQ(fields->at(1).value, "12");
  EXPECT_EQ(fields->at(3).value, "704");
  EXPECT_EQ(fields->at(4).value, "50000");
  EXPECT_EQ(fields->at(5).value, "VN");

  auto account_info = parse_emv_fields(fields->at(2).value);
  ASSERT_TRUE(account_info);
  ASSERT_EQ(account_info->size(), 3u);
  EXPECT_EQ(account_info->at(0).value, "A000000727");
  EXPECT_EQ(account_info->at(1).value,
            "0006970436"
            "0113"
            "0000000000000");
  EXPECT_EQ(account_info->at(2).value, "QRIBFTTA");
  auto additional = parse_emv_fields(fields->at(6).value);
  ASSERT_TRUE(additional);
  ASSERT_EQ(additional->size(), 1u);
  EXPECT_EQ(additional->at(0).id, "08");
  EXPECT_EQ(additional->at(0).value, "H44.27.05-251130-0042");
}

TEST(VietQr, RefusesTransfersNoBankAppCouldRead) {
  auto refused = [](VietQrTransfer t, std::string_view says) {
    auto r = build_vietqr(t);
    ASSERT_FALSE(r) << *r;
    EXPECT_EQ(r.error().code, Errc::invalid_argument);
    EXPECT_NE(r.error().message.find(says), std::string::npos) << r.error().message;
  };
  auto t = sample();
  t.bin = "97043";
  refused(t, "BIN");
  t.bin = "97043a";
  refused(t, "BIN");
  t = sample();
  t.account = "";
  refused(t, "account");
  t.account = std::string(kVietQrMaxAccount + 1, '1');
  refused(t, "account");
  t.account = "0123 4567";
  refused(t, "account");
  t = sample();
  t.amount = 0;
  refused(t, "positive");
  t.amount = -5000;
  refused(t, "positive");
  t.amount = 10'000'000'000'000;  // 14 digits
  refused(t, "13 digits");
  t = sample();
  t.purpose = std::string(kEmvMaxPurpose + 1, 'X');
  refused(t, "26 characters");
  t.purpose = "Nộp phí";
  refused(t, "to_emv_text");
}

TEST(VietQr, ParserSaysWhatIsWrong) {
  auto says = [](std::string_view payload, std::string_view text) {
    auto r = parse_vietqr(payload);
    ASSERT_FALSE(r) << payload;
    EXPECT_EQ(r.error().code, Errc::invalid_argument);
    EXPECT_NE(r.error().message.find(text), std::string::npos) << payload << "\n  " << r.error().message;
  };
  const std::string good(kNapasExample);

  // One digit of the amount changed: the CRC catches it.
  std::string edited = good;
  edited[edited.find("120000")] = '9';
  says(edited, "CRC mismatch");
  says(without_crc(good), "must end with the CRC");
  says(good.substr(0, good.size() - 1), "must end with the CRC");
  says(without_crc(good) + "6304C15X", "not 4 hex digits");
  says("", "empty");
  says(good + "\n", "not printable ASCII");

  // Structure errors, each with a valid CRC so the structure is what fails.
  says(with_crc("000201010212385X0010A000000727"), "length \"5X\"");
  says(with_crc("0002010102123899"), "says 99 characters");
  says(with_crc("000201010212"), "field 38");
  says(with_crc("000202010212"), "payload format");
  says(with_crc("0002010102133857" + good.substr(16, 57) + "5303704" + "5802VN"), "point of initiation");
  std::string other_guid = without_crc(good);
  other_guid.replace(other_guid.find("A000000727"), 10, "A000000728");
  says(with_crc(other_guid), "NAPAS GUID");
  std::string other_service = without_crc(good);
  other_service.replace(other_service.find("QRIBFTTA"), 8, "QRPUSHXX");
  says(with_crc(other_service), "service code");
  std::string dollars = without_crc(good);
  dollars.replace(dollars.find("5303704"), 7, "5303840");
  says(with_crc(dollars), "VND");
  std::string twice = without_crc(good);
  twice.insert(twice.find("5802VN"), "5802VN");
  says(with_crc(twice), "occurs twice");
  std::string cents = without_crc(good);
  cents.replace(cents.find("5406120000"), 10, "54091200.5000");
  says(with_crc(cents), "whole number of đồng");

  // Lower-case hex digits in the CRC are still the same CRC.
  std::string lower = good;
  lower.replace(lower.size() - 4, 4, "c15c");
  EXPECT_TRUE(parse_vietqr(lower));
}

TEST(VietQr, IgnoresEmvFieldsItDoesNotUse) {
  // A merchant category code (52) and a merchant name (59), as other generators add.
  std::string body = without_crc(kNapasExample);
  body.insert(body.find("5303704"), "52040000");
  body.insert(body.find("6217"), "5909THUNG MAY");
  auto parsed = parse_vietqr(with_crc(body));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->transfer.purpose, "ung ho lu lut");
  EXPECT_EQ(parsed->transfer.amount, 120000);
}

TEST(EmvText, StripsVietnameseMarksAndKeepsCase) {
  EXPECT_EQ(to_emv_text("Nộp phí Đăng ký khai sinh").value(), "Nop phi Dang ky khai sinh");
  EXPECT_EQ(to_emv_text("ỦY BAN NHÂN DÂN XÃ THUNG MÂY").value(), "UY BAN NHAN DAN XA THUNG MAY");
  EXPECT_EQ(to_emv_text("Ưu tiên — “Ơn”").value(), "Uu tien - \"On\"");
  EXPECT_EQ(to_emv_text("Nga\xcc\x80y").value(), "Ngay") << "NFD: the combining grave accent is dropped";
  EXPECT_EQ(to_emv_text("H44.27.05-251130-0042").value(), "H44.27.05-251130-0042");
  auto dong = to_emv_text("50.000 ₫");
  ASSERT_FALSE(dong);
  EXPECT_NE(dong.error().message.find("₫"), std::string::npos);
  // Stripped text is accepted as a purpose.
  auto t = sample();
  t.purpose = to_emv_text("Lệ phí hộ tịch").value();
  EXPECT_TRUE(build_vietqr(t));
}

TEST(DossierFeeTransfer, PaysTheFeeToTheAgencyAccountWithTheDossierCode) {
  const BankAccount bank{"970436", "0000000000000", "UBND XA THUNG MAY", "Demo"};
  auto t = dossier_fee_transfer(bank, 8000, "H44.27.05-251130-0042");
  ASSERT_TRUE(t) << t.error().message;
  auto payload = build_vietqr(*t);
  ASSERT_TRUE(payload);
  auto parsed = parse_vietqr(*payload);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->transfer.bin, "970436");
  EXPECT_EQ(parsed->transfer.account, "0000000000000");
  EXPECT_EQ(parsed->transfer.amount, 8000);
  EXPECT_EQ(parsed->transfer.purpose, "H44.27.05-251130-0042");
  EXPECT_TRUE(parsed->dynamic);

  EXPECT_FALSE(dossier_fee_transfer(bank, 0, "H44.27.05-251130-0042")) << "no fee, no transfer";
  EXPECT_FALSE(dossier_fee_transfer(BankAccount{"9704", "1", "", ""}, 8000, "H44.27.05-251130-0042"));
  // A provisional code of the commune police (a four-part agency id) is 28
  // characters: the agency id loses its dots to fit EMVCo's 25.
  EXPECT_EQ(dossier_transfer_purpose("H44.27.05.01-251130-T01-0001").value(), "H44270501-251130-T01-0001");
  EXPECT_EQ(dossier_transfer_purpose("H44.27.05.01-251130-0001").value(), "H44.27.05.01-251130-0001");
  auto too_long = dossier_fee_transfer(bank, 8000, "H44.27.05.01.02.03-260305-T12-9999");
  ASSERT_FALSE(too_long);
  EXPECT_NE(too_long.error().message.find("EMVCo allows 25"), std::string::npos) << too_long.error().message;
}

TEST(AgencyBankAccount, IsOptionalAndRoundTripsThroughTheCatalogJson) {
  Agency a;
  a.id = "H44.27.05";
  a.name = "Ủy ban nhân dân xã Thung Mây";
  EXPECT_FALSE(to_json(a).contains("bank")) << "agencies without an account keep their old JSON";
  auto plain = agency_from_json(to_json(a));
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->bank);

  a.bank = BankAccount{"970436", "0000000000000", "UBND XA THUNG MAY", "Ngân hàng minh họa"};
  auto back = agency_from_json(to_json(a));
  ASSERT_TRUE(back) << back.error().message;
  ASSERT_TRUE(back->bank);
  EXPECT_EQ(*back->bank, *a.bank);

  Json j = to_json(a);
  j["bank"]["bin"] = "9704";
  auto bad = agency_from_json(j);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("BIN"), std::string::npos) << bad.error().message;
  j["bank"] = nullptr;
  EXPECT_TRUE(agency_from_json(j));
}

TEST(AgencyBankAccount, DemoCommuneHasAClearlyFictitiousAccount) {
  auto text = fs::read_file(std::string(MOTCUA_SOURCE_DIR) + "/assets/catalog/demo.json");
  ASSERT_TRUE(text);
  auto j = parse_json(*text);
  ASSERT_TRUE(j);
  auto c = catalog_from_json(*j);
  ASSERT_TRUE(c) << c.error().message;
  const Agency* commune = find_agency(*c, "H44.27.05");
  ASSERT_NE(commune, nullptr);
  ASSERT_TRUE(commune->bank);
  EXPECT_EQ(commune->bank->account, "0000000000000");
  EXPECT_NE(commune->bank->account_name.find("DEMO"), std::string::npos);
  auto t = dossier_fee_transfer(*commune->bank, 8000, "H44.27.05-251130-0042");
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_TRUE(build_vietqr(*t));
}
