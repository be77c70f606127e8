// The receipt on 80 mm thermal paper: every line form 01 asks for is there,
// in Vietnamese the printer's face can draw, the applicant masked, and the
// printed QR codes scan back to the lookup payload and the VietQR transfer.

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "motcua/domain/dossier.hpp"
#include "motcua/domain/dossier_code.hpp"
#include "motcua/domain/vietqr.hpp"
#include "print/escpos.hpp"
#include "print/receipt_thermal.hpp"
#include "print/text_raster.hpp"
#include "print_test_support.hpp"
#include "support/sample_receipt.hpp"

using namespace motcua;
using namespace motcua::print;

namespace {

std::vector<std::string> texts_of(const std::vector<ReceiptBlock>& blocks) {
  std::vector<std::string> out;
  for (const auto& b : blocks)
    if (const auto* t = std::get_if<ReceiptText>(&b)) out.push_back(t->text);
  return out;
}

bool has_line(const std::vector<std::string>& lines, std::string_view needle) {
  return std::any_of(lines.begin(), lines.end(), [&](const std::string& l) { return l.find(needle) != std::string::npos; });
}

int images_in(const std::vector<ReceiptBlock>& blocks) {
  return static_cast<int>(std::count_if(blocks.begin(), blocks.end(),
                                        [](const ReceiptBlock& b) { return std::holds_alternative<ReceiptImage>(b); }));
}

}  // namespace

TEST(ThermalReceipt, HasEveryLineOfForm01AndTheApplicantMasked) {
  const auto r = test::sample_receipt();
  auto blocks = thermal_receipt_blocks(r);
  ASSERT_TRUE(blocks) << blocks.error().message;
  const auto lines = texts_of(*blocks);
  EXPECT_TRUE(has_line(lines, "GIẤY TIẾP NHẬN HỒ SƠ"));
  EXPECT_TRUE(has_line(lines, r.dossier_code));
  EXPECT_TRUE(has_line(lines, r.lookup_secret));
  EXPECT_TRUE(has_line(lines, "Đăng ký khai sinh (mã 1.001193)"));
  EXPECT_TRUE(has_line(lines, domain::mask_name(r.applicant_name)));
  EXPECT_FALSE(has_line(lines, r.applicant_name)) << "the full name never prints";
  EXPECT_FALSE(has_line(lines, r.applicant_phone)) << "the full phone number never prints";
  EXPECT_TRUE(has_line(lines, "Giấy chứng sinh do cơ sở khám bệnh, chữa bệnh cấp"));
  EXPECT_TRUE(has_line(lines, "01 bản chính"));
  EXPECT_TRUE(has_line(lines, "10 giờ 32 phút, ngày 30 tháng 11 năm 2026"));  // received
  EXPECT_TRUE(has_line(lines, "16 giờ 00 phút, ngày 01 tháng 12 năm 2026"));  // appointment
  EXPECT_TRUE(has_line(lines, "Bộ phận một cửa UBND xã Tân Lạc"));
  EXPECT_TRUE(has_line(lines, "8.000 đồng"));
  EXPECT_TRUE(has_line(lines, "Chuyển khoản"));
  EXPECT_TRUE(has_line(lines, "Số tài khoản: 113366668888"));
  EXPECT_TRUE(has_line(lines, "Nội dung chuyển khoản: " + r.fee.transfer_purpose));
  EXPECT_TRUE(has_line(lines, "0218 3861 234"));
  EXPECT_TRUE(has_line(lines, "motcua.tanlac@phutho.gov.vn"));
  EXPECT_FALSE(has_line(lines, "MÃ TẠM")) << "an official code is not marked provisional";
  EXPECT_EQ(images_in(*blocks), 2) << "the lookup QR code and the VietQR code";

  // Every character has a glyph in the faces the kiosk prints with.
  auto regular = TextRasterizer::open(kNotoSansRegular);
  auto bold = TextRasterizer::open(kNotoSansBold);
  ASSERT_TRUE(regular && bold);
  for (const auto& l : lines) {
    EXPECT_TRUE(regular->missing_glyphs(l).empty()) << l;
    EXPECT_TRUE(bold->missing_glyphs(l).empty()) << l;
  }
}

TEST(ThermalReceipt, ProvisionalCodeIsMarkedAndNoAppointmentSaysWhen) {
  auto r = test::sample_receipt();
  r.dossier_code = "H44.27.05-261130-T01-0007";
  r.provisional = true;
  r.appointment.reset();
  r.fee = {};  // no fee: no VietQR code either
  auto blocks = thermal_receipt_blocks(r);
  ASSERT_TRUE(blocks) << blocks.error().message;
  const auto lines = texts_of(*blocks);
  EXPECT_TRUE(has_line(lines, "MÃ TẠM"));
  EXPECT_TRUE(has_line(lines, "Sẽ được thông báo"));
  EXPECT_TRUE(has_line(lines, "Không thu phí, lệ phí"));
  EXPECT_EQ(images_in(*blocks), 1) << "only the lookup QR code";
}

TEST(ThermalReceipt, RefusesAReceiptWithoutCodeOrSecret) {
  auto r = test::sample_receipt();
  r.lookup_secret.clear();
  auto blocks = thermal_receipt_blocks(r);
  ASSERT_FALSE(blocks);
  EXPECT_EQ(blocks.error().code, Errc::invalid_argument);
  r = test::sample_receipt();
  r.dossier_code.clear();
  EXPECT_FALSE(thermal_receipt_blocks(r));
}

TEST(ThermalReceipt, PrinterBytesRebuildTheReceiptAndBothQrCodesScan) {
  const auto r = test::sample_receipt();
  auto regular = TextRasterizer::open(kNotoSansRegular);
  auto bold = TextRasterizer::open(kNotoSansBold);
  ASSERT_TRUE(regular && bold);
  auto image = render_thermal_receipt(r, ReceiptFonts{*regular, *bold});
  ASSERT_TRUE(image) << image.error().message;
  EXPECT_EQ(image->width, kPaper80mmDots);
  auto bytes = thermal_receipt_escpos(r, ReceiptFonts{*regular, *bold});
  ASSERT_TRUE(bytes) << bytes.error().message;
  auto printout = decode_escpos(*bytes);
  ASSERT_TRUE(printout) << printout.error().message;
  EXPECT_EQ(printout->image, *image);
  EXPECT_TRUE(printout->initialised);
  EXPECT_TRUE(printout->ends_with_cut);

  const auto codes = test::read_qr_codes(printout->image);
  EXPECT_EQ(codes, test::sorted({domain::receipt_qr_payload(r.dossier_code, r.lookup_secret), r.fee.vietqr_payload}));
  // The lookup code is what the kiosk camera reads back.
  for (const auto& c : codes)
    if (auto q = domain::parse_receipt_qr(c)) {
      EXPECT_EQ(q->code, r.dossier_code);
      EXPECT_EQ(q->secret, r.lookup_secret);
    }
}
