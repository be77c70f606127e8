// The receipt's QR code: a phone (or the kiosk's own reader) must get back the
// dossier code and lookup secret printed next to it.

#include <gtest/gtest.h>

#define ZX_USE_UTF8 1
#include <ZXing/ReadBarcode.h>

#include <cstdint>
#include <string>
#include <vector>

#include "motcua/domain/dossier_code.hpp"
#include "widgets/qr.hpp"

using namespace motcua;
using namespace motcua::kiosk;

namespace {

// What a camera sees: one luminance byte per pixel.
std::vector<std::uint8_t> luminance(const QrImage& img) {
  std::vector<std::uint8_t> lum(static_cast<std::size_t>(img.width) * static_cast<std::size_t>(img.height));
  for (std::size_t i = 0; i < lum.size(); ++i) {
    const std::size_t at = i * 4;
    lum[i] = static_cast<std::uint8_t>((img.rgba[at] * 30 + img.rgba[at + 1] * 59 + img.rgba[at + 2] * 11) / 100);
  }
  return lum;
}

// Decodes the QR code in the image as ZXing would from a photo.
std::string decode(const QrImage& img) {
  const auto lum = luminance(img);
  const auto result = ZXing::ReadBarcode(ZXing::ImageView(lum.data(), img.width, img.height, ZXing::ImageFormat::Lum),
                                         ZXing::DecodeHints().setFormats(ZXing::BarcodeFormat::QRCode));
  if (!result.isValid()) return "(not decoded)";
  return result.text();
}

}  // namespace

TEST(ReceiptQrCode, ScansBackToTheSameCodeAndSecret) {
  struct Case {
    std::string code, secret;
  };
  const Case cases[] = {
      {"H44.27.05-251130-0042", "K7QM"},          // official code
      {"H44.27.05-251130-T01-0001", "ABCD"},      // provisional code from an offline kiosk
      {"H44.27.05.01-260305-T12-9999", "Z9X2"},
  };
  for (const auto& c : cases) {
    const std::string payload = domain::receipt_qr_payload(c.code, c.secret);
    for (int module_px : {3, 6}) {
      auto img = make_qr(payload, module_px);
      ASSERT_TRUE(img) << img.error().message;
      const std::string read = decode(*img);
      ASSERT_EQ(read, payload) << c.code << " at " << module_px << " px/module";
      auto parsed = domain::parse_receipt_qr(read);
      ASSERT_TRUE(parsed) << parsed.error().message;
      EXPECT_EQ(parsed->code, c.code);
      EXPECT_EQ(parsed->secret, c.secret);
    }
  }
}

TEST(ReceiptQrCode, IsCrispBlackOnWhiteWithAWhiteBorder) {
  const int px = 4;
  auto img = make_qr(domain::receipt_qr_payload("H44.27.05-251130-0042", "K7QM"), px);
  ASSERT_TRUE(img);
  ASSERT_EQ(img->width, img->height);
  ASSERT_EQ(img->width % px, 0) << "every module is a whole number of pixels";
  ASSERT_EQ(img->rgba.size(), static_cast<std::size_t>(img->width * img->height * 4));
  // The outermost module row and column on every side is white (the quiet zone
  // separates the code from what is printed around it).
  auto white = [&](int x, int y) {
    const std::size_t at = (static_cast<std::size_t>(y) * static_cast<std::size_t>(img->width) +
                            static_cast<std::size_t>(x)) * 4;
    return img->rgba[at] > 200 && img->rgba[at + 1] > 200 && img->rgba[at + 2] > 200 && img->rgba[at + 3] == 255;
  };
  for (int i = 0; i < img->width; ++i)
    for (int b = 0; b < px; ++b) {
      ASSERT_TRUE(white(i, b) && white(i, img->height - 1 - b)) << "row border at " << i;
      ASSERT_TRUE(white(b, i) && white(img->width - 1 - b, i)) << "column border at " << i;
    }
  // Only two grey levels: black modules and white paper, no blurred edges.
  std::size_t dark = 0;
  for (std::size_t at = 0; at < img->rgba.size(); at += 4) {
    const auto v = img->rgba[at];
    ASSERT_TRUE(v < 0x40 || v == 255) << static_cast<int>(v);
    if (v < 0x40) ++dark;
  }
  EXPECT_GT(dark, img->rgba.size() / 4 / 5) << "a QR code is roughly half dark modules";
}

TEST(ReceiptQrCode, CarriesVietnameseTextAsUtf8) {
  const std::string text = "Ủy ban nhân dân xã Đông Hòa — hồ sơ đăng ký khai sinh của Nguyễn Thị Thủy";
  auto img = make_qr(text, 4);
  ASSERT_TRUE(img) << img.error().message;
  EXPECT_EQ(decode(*img), text);
}

TEST(ReceiptQrCode, OtherQrCodesAreNotTakenForAReceipt) {
  EXPECT_FALSE(domain::parse_receipt_qr("https://dichvucong.gov.vn/"));
  EXPECT_FALSE(domain::parse_receipt_qr("MOTCUA1|not-a-code|K7QM"));
  EXPECT_FALSE(domain::parse_receipt_qr("MOTCUA1|H44.27.05-251130-0042|0000"));  // 0 is not in the secret alphabet
  EXPECT_FALSE(domain::parse_receipt_qr("MOTCUA2|H44.27.05-251130-0042|K7QM"));
}

TEST(ReceiptQrCode, TooMuchTextIsAnErrorNotACrash) {
  auto img = make_qr(std::string(8000, 'A'), 4);
  ASSERT_FALSE(img);
  EXPECT_EQ(img.error().code, Errc::invalid_argument);
}
