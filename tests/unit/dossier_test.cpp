#include <gtest/gtest.h>

#include "motcua/domain/dossier.hpp"
#include "motcua/domain/dossier_code.hpp"

using namespace motcua;
using namespace motcua::domain;

TEST(DossierCode, FormatsAndParsesOfficialCodes) {
  const auto c = make_code("H41.26.01", from_unix_millis(1764477804123), 7);  // 2025-11-30 11:43 +07
  EXPECT_EQ(c.str(), "H41.26.01-251130-0007");
  auto p = parse_dossier_code("H41.26.01-251130-0007");
  ASSERT_TRUE(p);
  EXPECT_EQ(*p, c);
  EXPECT_FALSE(p->provisional());
}

TEST(DossierCode, ProvisionalCodesCarryTheKioskAndNeverEqualOfficialOnes) {
  const auto c = make_code("H41.26.01", from_unix_millis(1764477804123), 7, 3);
  EXPECT_EQ(c.str(), "H41.26.01-251130-T03-0007");
  auto p = parse_dossier_code(c.str());
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->provisional());
  EXPECT_EQ(*p->kiosk, 3);
  EXPECT_NE(c.str(), make_code("H41.26.01", from_unix_millis(1764477804123), 7).str());
}

TEST(DossierCode, UsesVietnamDateNotUtc) {
  // 2025-11-30T18:00Z is already 1 December in Vietnam.
  EXPECT_EQ(make_code("A1", from_unix_millis(1764525600000), 1).str(), "A1-251201-0001");
}

TEST(DossierCode, RejectsMalformedCodesSayingWhatIsWrong) {
  struct Case {
    const char* code;
    const char* says;
  } cases[] = {
      {"", "looks like"},
      {"H41-2511300007", "looks like"},
      {"H41/1-251130-0007", "agency id"},
      {"H41-25113-0007", "YYMMDD"},
      {"H41-251330-0007", "not a valid date"},
      {"H41-250229-0007", "not a valid date"},
      {"H41-251130-007", "4 to 7 digits"},
      {"H41-251130-0000", "starts at 0001"},
      {"H41-251130-X1-0001", "kiosk part"},
  };
  for (const auto& c : cases) {
    auto r = parse_dossier_code(c.code);
    ASSERT_FALSE(r) << c.code;
    EXPECT_EQ(r.error().code, Errc::invalid_argument);
    EXPECT_NE(r.error().message.find(c.says), std::string::npos) << c.code << ": " << r.error().message;
  }
  EXPECT_TRUE(parse_dossier_code(" H41-240229-0001 "));  // leap day, spaces trimmed
}

TEST(LookupSecret, UsesOnlyUnambiguousCharacters) {
  for (int i = 0; i < 500; ++i) {
    const auto s = generate_lookup_secret();
    ASSERT_EQ(s.size(), kSecretLength);
    for (char c : s) ASSERT_EQ(std::string_view("0O1IL").find(c), std::string_view::npos) << s;
    ASSERT_TRUE(normalize_lookup_secret(s));
  }
  EXPECT_EQ(*normalize_lookup_secret("k7 qm"), "K7QM");
  EXPECT_FALSE(normalize_lookup_secret("K7Q0"));
  EXPECT_FALSE(normalize_lookup_secret("K7Q"));
}

TEST(ReceiptQr, RoundTripsCodeAndSecret) {
  const auto payload = receipt_qr_payload("H41.26.01-251130-0007", "K7QM");
  auto r = parse_receipt_qr(payload);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code, "H41.26.01-251130-0007");
  EXPECT_EQ(r->secret, "K7QM");
  EXPECT_FALSE(parse_receipt_qr("https://example.com"));
  EXPECT_FALSE(parse_receipt_qr("MOTCUA1|bad|K7QM"));
}

TEST(Lifecycle, StatusLabelsAreVietnamese) {
  EXPECT_EQ(status_label_vi(DossierStatus::submitted), "Mới đăng ký");
  EXPECT_EQ(status_label_vi(DossierStatus::result_returned), "Đã trả kết quả");
  EXPECT_EQ(status_from_key("processing"), DossierStatus::processing);
}

TEST(PersonalData, NamesAndPhonesAreMasked) {
  EXPECT_EQ(mask_name("Nguyễn Văn An"), "Nguyễn V** A*");
  EXPECT_EQ(mask_name("Lê Thị Ánh Tuyết"), "Lê T** Á** T****");
  EXPECT_EQ(mask_name("Mai"), "M**");
  EXPECT_EQ(mask_phone("0912345678"), "09******78");
}

TEST(PersonalData, PhoneNumbersAreNormalisedOrRejected) {
  EXPECT_EQ(*normalize_phone("0912 345 678"), "0912345678");
  EXPECT_EQ(*normalize_phone("+84 912.345.678"), "0912345678");
  EXPECT_FALSE(normalize_phone("091234567"));
  EXPECT_FALSE(normalize_phone("1912345678"));
  EXPECT_FALSE(normalize_phone("09123abc78"));
}
