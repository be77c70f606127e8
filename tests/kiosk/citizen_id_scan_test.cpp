// A citizen holds their chip ID card [CCCD] up to the kiosk's camera: the
// kiosk's own QR reader (devices/qr_reader) must hand the parser the card's
// Vietnamese text intact, whether the card's code declares UTF-8 (an ECI
// segment) or, as cards are commonly printed, carries the UTF-8 bytes in byte
// mode with no ECI and leaves the reader to guess the character set.

#include <gtest/gtest.h>

#define ZX_USE_UTF8 1
#include <ZXing/BitMatrix.h>
#include <ZXing/MultiFormatWriter.h>
#include <ZXing/ReadBarcode.h>

#include <cstdint>
#include <string>
#include <vector>

#include "devices/qr_reader.hpp"
#include "motcua/domain/citizen_id_qr.hpp"

using namespace motcua;
using namespace motcua::kiosk;

namespace {

// A fictional person with a letter of every Vietnamese mark in name and address.
const std::string kPayload =
    "025305001234|123456789|ĐẶNG THỊ THÙY DƯƠNG|01022005|Nữ|Tổ 5, khu Hữu Nghị, phường Thanh Miếu, Việt Trì, Phú "
    "Thọ|10032021";

enum class Charset { utf8_eci, bytes_without_eci };

// A 640×480 grey camera frame: a grey room, the card's code on white, 4 px per module.
Frame frame_with_qr(const std::string& payload, Charset charset) {
  ZXing::BitMatrix bits;
  if (charset == Charset::utf8_eci) {
    bits = ZXing::MultiFormatWriter(ZXing::BarcodeFormat::QRCode)
               .setEncoding(ZXing::CharacterSet::UTF8)
               .setMargin(4)
               .encode(payload, 0, 0);
  } else {
    // Each UTF-8 byte as one character U+0000–U+00FF and no character set
    // named: byte mode with the exact bytes of the UTF-8 text and no ECI.
    // (Naming ISO-8859-1 would add ECI 3, and a reader must then decode Latin-1.)
    std::wstring bytes;
    for (char c : payload) bytes += static_cast<wchar_t>(static_cast<unsigned char>(c));
    bits = ZXing::MultiFormatWriter(ZXing::BarcodeFormat::QRCode).setMargin(4).encode(bytes, 0, 0);
  }
  constexpr int kModulePx = 4;
  Frame frame;
  frame.width = 640;
  frame.height = 480;
  frame.format = PixelFormat::grey;
  frame.pixels.assign(static_cast<std::size_t>(frame.width * frame.height), 110);
  const int size = bits.width() * kModulePx;
  EXPECT_LE(size, frame.height) << "the code fits the frame";
  const int ox = (frame.width - size) / 2 + 30, oy = (frame.height - size) / 2;
  for (int y = 0; y < size; ++y)
    for (int x = 0; x < size; ++x)
      frame.pixels[static_cast<std::size_t>((oy + y) * frame.width + ox + x)] =
          bits.get(x / kModulePx, y / kModulePx) ? 20 : 235;
  return frame;
}

// Whether the code in the frame carries an ECI segment (read with ZXing directly).
bool has_eci(const Frame& frame) {
  const auto r = ZXing::ReadBarcode(ZXing::ImageView(frame.pixels.data(), frame.width, frame.height, ZXing::ImageFormat::Lum),
                                    ZXing::DecodeHints().setFormats(ZXing::BarcodeFormat::QRCode));
  return r.isValid() && r.hasECI();
}

}  // namespace

TEST(CitizenIdScan, TheCardsVietnameseTextSurvivesTheCameraAndTheReader) {
  for (const auto charset : {Charset::utf8_eci, Charset::bytes_without_eci}) {
    SCOPED_TRACE(charset == Charset::utf8_eci ? "UTF-8 with ECI" : "UTF-8 bytes without ECI");
    const Frame frame = frame_with_qr(kPayload, charset);
    EXPECT_EQ(has_eci(frame), charset == Charset::utf8_eci);
    const auto texts = read_qr_codes(frame);
    ASSERT_EQ(texts.size(), 1u);
    EXPECT_EQ(texts[0], kPayload);
    auto card = domain::parse_citizen_id_qr(texts[0]);
    ASSERT_TRUE(card) << card.error().message;
    EXPECT_EQ(card->id_number, "025305001234");
    EXPECT_EQ(card->full_name, "Đặng Thị Thùy Dương");
    EXPECT_EQ(card->sex, domain::Sex::female);
    EXPECT_EQ(card->birth_date, (calendar::CivilDate{2005, 2, 1}));
    EXPECT_EQ(card->address, "Tổ 5, khu Hữu Nghị, phường Thanh Miếu, Việt Trì, Phú Thọ");
    EXPECT_EQ(card->issue_date, (calendar::CivilDate{2021, 3, 10}));
  }
}

TEST(CitizenIdScan, AReceiptHeldUpInsteadIsNotTakenForACard) {
  const std::string receipt = domain::receipt_qr_payload("H44.27.05-251130-0042", "K7QM");
  const auto scan = scan_receipt(frame_with_qr(receipt, Charset::utf8_eci));
  ASSERT_TRUE(scan.receipt);
  auto card = domain::parse_citizen_id_qr(receipt);
  ASSERT_FALSE(card);
  EXPECT_NE(card.error().message.find("not a CCCD QR code"), std::string::npos) << card.error().message;
}
