// The receipt as an A4/A5 PDF laid out like Circular 03/2025 form 01 (issue 6).
// Poppler's tools check the text and the QR codes in tests/kiosk; here the
// structure: one valid PDF per paper size, Noto Sans embedded, the QR images
// there, errors for what cannot be printed.

#include <gtest/gtest.h>

#include <regex>

#include "document/receipt_pdf.hpp"
#include "support/sample_receipt.hpp"
#include "support/temp_dir.hpp"
#include "motcua/util/fs.hpp"

using namespace motcua;
using namespace motcua::document;

namespace {

std::string as_text(const std::vector<std::uint8_t>& bytes) { return {bytes.begin(), bytes.end()}; }

int count(const std::string& text, const std::string& pattern) {
  const std::regex re(pattern);
  return static_cast<int>(std::distance(std::sregex_iterator(text.begin(), text.end(), re), std::sregex_iterator()));
}

}  // namespace

TEST(ReceiptPdf, A4AndA5AreValidOnePagePdfsWithTheFontEmbedded) {
  const auto r = test::sample_receipt();
  for (const auto paper : {ReceiptPaper::a4, ReceiptPaper::a5}) {
    auto pdf = render_receipt_pdf(r, paper);
    ASSERT_TRUE(pdf) << pdf.error().describe();
    const std::string text = as_text(*pdf);
    EXPECT_EQ(text.rfind("%PDF-1.", 0), 0u);
    EXPECT_NE(text.find("%%EOF", text.size() - 8), std::string::npos);
    EXPECT_EQ(count(text, R"(/Type\s*/Page[^s])"), 1) << "the sample fits one page: " << (paper == ReceiptPaper::a4 ? "A4" : "A5");
    EXPECT_NE(text.find(paper == ReceiptPaper::a4 ? "595.28" : "419.53"), std::string::npos);
    EXPECT_GE(count(text, R"(/FontFile2)"), 3) << "regular, bold and italic Noto Sans embedded";
    EXPECT_NE(text.find("/Identity-H"), std::string::npos) << "Unicode (CID) fonts, not a 1-byte encoding";
    EXPECT_EQ(count(text, R"(/Subtype\s*/Image)"), 2) << "the receipt's QR code and the VietQR code";
    EXPECT_NE(text.find("/Producer"), std::string::npos);
  }
}

TEST(ReceiptPdf, ALongListOfDocumentsContinuesOnASecondPage) {
  auto r = test::sample_receipt();
  for (int i = 0; i < 40; ++i) r.documents.push_back({"Giấy tờ bổ sung số " + std::to_string(i + 4), 0, 1, 1});
  auto pdf = render_receipt_pdf(r, ReceiptPaper::a5);
  ASSERT_TRUE(pdf) << pdf.error().describe();
  EXPECT_GE(count(as_text(*pdf), R"(/Type\s*/Page[^s])"), 2);
}

TEST(ReceiptPdf, WhatCannotBePrintedIsRefused) {
  auto r = test::sample_receipt();
  r.dossier_code.clear();
  auto no_code = render_receipt_pdf(r, ReceiptPaper::a4);
  ASSERT_FALSE(no_code);
  EXPECT_EQ(no_code.error().code, Errc::invalid_argument);

  ReceiptFontFiles missing;
  missing.bold = "/nonexistent/NotoSans-Bold.ttf";
  auto no_font = render_receipt_pdf(test::sample_receipt(), ReceiptPaper::a4, missing);
  ASSERT_FALSE(no_font);
  EXPECT_EQ(no_font.error().code, Errc::not_found);
  EXPECT_NE(no_font.error().message.find("fonts-noto-core"), std::string::npos) << no_font.error().message;
}

TEST(ReceiptPdf, WrittenToAFileDurably) {
  test::TempDir dir;
  ASSERT_TRUE(write_receipt_pdf(dir / "receipt.pdf", test::sample_receipt(), ReceiptPaper::a5));
  auto bytes = fs::read_file(dir / "receipt.pdf");
  ASSERT_TRUE(bytes);
  EXPECT_EQ(bytes->rfind("%PDF-", 0), 0u);
}

TEST(ReceiptPdf, Form01TimesAndAmountsReadAsOnPaper) {
  using namespace std::chrono;
  EXPECT_EQ(form01_time(test::sample_receipt().received), "10 giờ 32 phút, ngày 30 tháng 11 năm 2026");
  EXPECT_EQ(format_vnd_amount(8000), "8.000 đồng");
  EXPECT_EQ(format_vnd_amount(200000), "200.000 đồng");
  EXPECT_EQ(format_vnd_amount(500), "500 đồng");
}
