// ESC/POS receipts: what goes to the thermal printer must print the receipt
// the kiosk laid out, and its QR codes must scan back — the bank transfer
// code into the same VietQR payload, the lookup code into the same dossier.

#include <gtest/gtest.h>

#define ZX_USE_UTF8 1
#include <ZXing/ReadBarcode.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "motcua/domain/dossier_code.hpp"
#include "motcua/domain/vietqr.hpp"
#include "print/escpos.hpp"
#include "print/qr_bitmap.hpp"
#include "print/receipt_raster.hpp"
#include "print/text_raster.hpp"

using namespace motcua;
using namespace motcua::print;

namespace {

// A deterministic pattern with something in every band and both edges.
MonoBitmap pattern(int w, int h) {
  MonoBitmap m(w, h);
  std::uint32_t s = 12345;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      s = s * 1103515245u + 12345u;
      if ((s >> 16) % 3 == 0 || x == 0 || x == w - 1) m.set(x, y);
    }
  return m;
}

std::vector<ZXing::Result> read_qr_codes(const MonoBitmap& image) {
  const auto lum = to_luminance(image);
  return ZXing::ReadBarcodes(ZXing::ImageView(lum.data(), image.width, image.height, ZXing::ImageFormat::Lum),
                             ZXing::DecodeHints().setFormats(ZXing::BarcodeFormat::QRCode));
}

std::string read_one_qr(const MonoBitmap& image) {
  const auto results = read_qr_codes(image);
  if (results.size() != 1) return "(" + std::to_string(results.size()) + " codes found)";
  return results.front().text();
}

std::string demo_vietqr() {
  const domain::BankAccount bank{"970436", "0000000000000", "DEMO UBND XA THUNG MAY", "Demo"};
  return domain::build_vietqr(domain::dossier_fee_transfer(bank, 8000, "H44.27.05-251130-0042").value()).value();
}

}  // namespace

TEST(EscPos, FramesTheImageWithInitFeedAndCut) {
  MonoBitmap img(16, 3);
  img.set(0, 0);   // leftmost dot: the most significant bit of the first byte
  img.set(9, 1);   // second byte of row 1: 0b0100'0000
  img.set(15, 2);  // rightmost dot: the least significant bit of the last byte
  const auto bytes = encode_escpos(img);
  const std::vector<std::uint8_t> expected{0x1B, 0x40,                                      // ESC @
                                           0x1D, 0x76, 0x30, 0x00, 0x02, 0x00, 0x03, 0x00,  // GS v 0, 2 bytes × 3 rows
                                           0x80, 0x00, 0x00, 0x40, 0x00, 0x01,              // the dots
                                           0x1B, 0x64, 0x04,                                // ESC d 4: clear the cutter
                                           0x1D, 0x56, 0x01};                               // GS V 1: partial cut
  EXPECT_EQ(bytes, expected);

  EscPosOptions full;
  full.partial_cut = false;
  full.feed_lines = 0;
  const auto plain = encode_escpos(img, full);
  EXPECT_EQ(std::vector<std::uint8_t>(plain.end() - 3, plain.end()), (std::vector<std::uint8_t>{0x1D, 0x56, 0x00}));
}

TEST(EscPos, DecodesWhatItEncodesBandByBand) {
  const MonoBitmap img = pattern(kPaper80mmDots, 300);
  const auto bytes = encode_escpos(img);  // 128-row bands: 128 + 128 + 44
  auto out = decode_escpos(bytes);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->image, img);
  EXPECT_EQ(out->bands, 3);
  EXPECT_TRUE(out->initialised);
  EXPECT_EQ(out->feed_lines, 4);
  EXPECT_EQ(out->cuts, 1);
  EXPECT_TRUE(out->partial_cut);
  EXPECT_TRUE(out->ends_with_cut);

  EscPosOptions one_band;
  one_band.band_rows = 4000;
  auto single = decode_escpos(encode_escpos(img, one_band));
  ASSERT_TRUE(single);
  EXPECT_EQ(single->bands, 1);
  EXPECT_EQ(single->image, img);
}

TEST(EscPos, PadsAWidthThatIsNotWholeBytesWithWhite) {
  const MonoBitmap img = pattern(13, 20);
  auto out = decode_escpos(encode_escpos(img));
  ASSERT_TRUE(out);
  ASSERT_EQ(out->image.width, 16);
  ASSERT_EQ(out->image.height, 20);
  for (int y = 0; y < 20; ++y)
    for (int x = 0; x < 16; ++x) EXPECT_EQ(out->image.black(x, y), img.black(x, y)) << x << "," << y;
}

TEST(EscPos, DecoderSaysWhereTheStreamGoesWrong) {
  auto says = [](std::vector<std::uint8_t> bytes, std::string_view text) {
    auto r = decode_escpos(bytes);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::invalid_argument);
    EXPECT_NE(r.error().message.find(text), std::string::npos) << r.error().message;
  };
  auto good = encode_escpos(pattern(16, 4));
  auto truncated = good;
  truncated.resize(12);
  says(truncated, "GS v 0 image data is cut short");
  says({0x1B, 0x40, 0x1B, 0x74, 0x1E}, "offset 2: unsupported command ESC 0x74");
  says({0x1B, 0x40, 'H', 'i'}, "offset 2: unexpected byte 0x48");
  says({0x1B, 0x40, 0x1D, 0x76, 0x30, 0x01, 0x01, 0x00, 0x01, 0x00, 0xFF}, "mode 1");
  says({0x1D, 0x56, 0x07}, "cut mode 0x07");
  says({0x1B}, "cut short");
  // A second band of another width would shear the image.
  auto a = encode_escpos(pattern(16, 2));
  auto b = encode_escpos(pattern(24, 2));
  std::vector<std::uint8_t> mixed(a.begin(), a.begin() + 2 + 8 + 4);
  mixed.insert(mixed.end(), b.begin() + 2, b.begin() + 2 + 8 + 6);
  says(mixed, "3 bytes wide; earlier bands were 2");
}

TEST(QrBitmap, VietQrPayloadScansBackWithoutAnEciHeader) {
  const std::string payload = demo_vietqr();
  for (int module_dots : {2, 4, 6}) {
    auto qr = qr_bitmap(payload, module_dots);
    ASSERT_TRUE(qr) << qr.error().message;
    EXPECT_EQ(qr->width, qr->height);
    EXPECT_EQ(qr->width % module_dots, 0);
    const auto results = read_qr_codes(*qr);
    ASSERT_EQ(results.size(), 1u) << module_dots << " dots per module";
    EXPECT_EQ(results.front().text(), payload);
    EXPECT_FALSE(results.front().hasECI()) << "bank apps expect a plain byte-mode VietQR code";
    auto parsed = domain::parse_vietqr(results.front().text());
    ASSERT_TRUE(parsed) << parsed.error().message;
    EXPECT_EQ(parsed->transfer.amount, 8000);
  }
  // Vietnamese text is declared UTF-8 and survives the round trip.
  const std::string vietnamese = "Giấy tiếp nhận hồ sơ — Thung Mây";
  auto qr = qr_bitmap(vietnamese, 4);
  ASSERT_TRUE(qr);
  EXPECT_EQ(read_one_qr(*qr), vietnamese);
  EXPECT_FALSE(qr_bitmap("", 4));
  EXPECT_FALSE(qr_bitmap("x", 0));
}

TEST(ReceiptPrintout, PrinterBytesRebuildTheReceiptAndItsQrCodesScan) {
  auto regular = TextRasterizer::open(kNotoSansRegular);
  ASSERT_TRUE(regular) << regular.error().message;
  auto bold = TextRasterizer::open(kNotoSansBold);
  ASSERT_TRUE(bold) << bold.error().message;

  const std::string code = "H44.27.05-251130-0042";
  const std::string lookup = domain::receipt_qr_payload(code, "K7QM");
  const std::string transfer = demo_vietqr();
  auto lookup_qr = qr_bitmap(lookup, 4);
  auto transfer_qr = qr_bitmap(transfer, 5);
  ASSERT_TRUE(lookup_qr && transfer_qr);

  const std::vector<ReceiptBlock> blocks{
      ReceiptText{"UBND XÃ THUNG MÂY", 26, true, Align::center},
      ReceiptText{"GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", 28, true, Align::center},
      ReceiptRule{},
      ReceiptText{"Mã hồ sơ: " + code, 26, true},
      ReceiptText{"Thủ tục: Cấp bản sao Trích lục hộ tịch, bản sao Giấy khai sinh"},
      ReceiptText{"Người nộp: Nguyễn Thị Ấu (CCCD ••••••••1234)"},
      ReceiptText{"Ngày hẹn trả kết quả: 02/12/2025"},
      ReceiptImage{*lookup_qr},
      ReceiptText{"Tra cứu hồ sơ: quét mã trên", 22, false, Align::center},
      ReceiptRule{},
      ReceiptText{"Lệ phí: 8.000 ₫ — chuyển khoản VietQR", 24, true},
      ReceiptImage{*transfer_qr},
      ReceiptText{"Nội dung chuyển khoản: " + code, 22, false, Align::center},
      ReceiptSpace{24},
  };
  auto raster = render_receipt(blocks, ReceiptFonts{*regular, *bold});
  ASSERT_TRUE(raster) << raster.error().message;
  EXPECT_EQ(raster->width, kPaper80mmDots);

  const auto bytes = encode_escpos(*raster);
  auto printout = decode_escpos(bytes);
  ASSERT_TRUE(printout) << printout.error().message;
  ASSERT_EQ(printout->image, *raster) << "the printer gets exactly the receipt that was laid out";
  EXPECT_TRUE(printout->ends_with_cut);

  std::vector<std::string> texts;
  for (const auto& r : read_qr_codes(printout->image)) texts.push_back(r.text());
  std::sort(texts.begin(), texts.end());
  std::vector<std::string> expected{lookup, transfer};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(texts, expected);
  auto parsed = domain::parse_vietqr(transfer);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->transfer.purpose, code);
}

TEST(ReceiptRaster, RefusesAnImageWiderThanThePaper) {
  auto regular = TextRasterizer::open(kNotoSansRegular);
  auto bold = TextRasterizer::open(kNotoSansBold);
  ASSERT_TRUE(regular && bold);
  const std::vector<ReceiptBlock> blocks{ReceiptImage{MonoBitmap(kPaper80mmDots, 10)}};
  auto r = render_receipt(blocks, ReceiptFonts{*regular, *bold});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("wider"), std::string::npos);
  // The same image fits 80 mm paper without margins, and 58 mm paper not at all.
  EXPECT_TRUE(render_receipt(blocks, ReceiptFonts{*regular, *bold}, Paper{kPaper80mmDots, 0}));
  EXPECT_FALSE(render_receipt(blocks, ReceiptFonts{*regular, *bold}, Paper{kPaper58mmDots, 0}));
}

TEST(ReceiptRaster, AlignsTextAndKeepsItInsideTheMargins) {
  auto regular = TextRasterizer::open(kNotoSansRegular);
  auto bold = TextRasterizer::open(kNotoSansBold);
  ASSERT_TRUE(regular && bold);
  auto ink_columns = [](const MonoBitmap& m) {
    int left = m.width, right = -1;
    for (int y = 0; y < m.height; ++y)
      for (int x = 0; x < m.width; ++x)
        if (m.black(x, y)) left = std::min(left, x), right = std::max(right, x);
    return std::pair{left, right};
  };
  const Paper paper{kPaper80mmDots, 16};
  for (Align a : {Align::left, Align::center, Align::right}) {
    const std::vector<ReceiptBlock> blocks{ReceiptText{"Hẹn trả", 24, false, a}};
    auto r = render_receipt(blocks, ReceiptFonts{*regular, *bold}, paper);
    ASSERT_TRUE(r);
    const auto [left, right] = ink_columns(*r);
    ASSERT_LE(left, right) << "the text left ink";
    EXPECT_GE(left, paper.margin);
    EXPECT_LT(right, paper.width - paper.margin);
    if (a == Align::left) {
      EXPECT_LE(left, paper.margin + 3);
    } else if (a == Align::right) {
      EXPECT_GE(right, paper.width - paper.margin - 4);
    } else {
      EXPECT_NEAR((left + right) / 2, paper.width / 2, 4);
    }
  }
  // A paragraph longer than a line wraps onto several lines, all inside the margins.
  const std::string address = "Trụ sở UBND xã, thôn Đồng Mới, xã Thung Mây, tỉnh Phú Thọ (địa chỉ minh họa)";
  auto one =
      render_receipt(std::vector<ReceiptBlock>{ReceiptText{"Thôn Đồng Mới"}}, ReceiptFonts{*regular, *bold}, paper);
  auto many = render_receipt(std::vector<ReceiptBlock>{ReceiptText{address}}, ReceiptFonts{*regular, *bold}, paper);
  ASSERT_TRUE(one && many);
  EXPECT_GE(many->height, 2 * one->height);
  const auto [left, right] = ink_columns(*many);
  EXPECT_GE(left, paper.margin);
  EXPECT_LT(right, paper.width - paper.margin);
}
