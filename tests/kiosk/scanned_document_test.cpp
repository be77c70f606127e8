// Issue 6 end to end without the screens: pages from the real SANE `test`
// backend at 300 dpi become compressed pages and one PDF that Poppler opens,
// and the A4/A5 receipt PDF says what the citizen needs (checked with
// pdftotext) and its QR codes scan (rendered with pdftoppm, read by ZXing).
// Poppler's tools come from poppler-utils (provisioning/install-deps.sh).

#include <gtest/gtest.h>

#define ZX_USE_UTF8 1
#include <ZXing/ReadBarcode.h>
#include <sys/wait.h>
#include <turbojpeg.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "devices/sane_scanner.hpp"
#include "document/document_pdf.hpp"
#include "document/page_compress.hpp"
#include "document/receipt_pdf.hpp"
#include "motcua/domain/dossier_code.hpp"
#include "motcua/util/fs.hpp"
#include "support/sample_receipt.hpp"
#include "support/sane_child.hpp"
#include "support/temp_dir.hpp"

using namespace motcua;
using namespace motcua::document;

namespace {

// libsane reads SANE_CONFIG_DIR once per process: the same content as
// scanner_test.cpp writes, so whichever runs first configures it.
bool sane_ready() {
  static const test::TempDir dir;
  static const bool ready = [] {
    auto prepared = kiosk::prepare_sane_test_config(dir / "sane");
    if (!prepared) return false;
    ::setenv("SANE_CONFIG_DIR", prepared->c_str(), 0);
    return true;
  }();
  return ready;
}

struct ToolRun {
  int status = -1;
  std::string out;
};

// A Poppler tool's stdout (stderr dropped: libharu's ToUnicode maps make
// Poppler warn "Invalid 'begincidrange'", harmlessly).
ToolRun run(const std::string& command) {
  ToolRun r;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen((command + " 2>/dev/null").c_str(), "r"), &::pclose);
  if (!pipe) return r;
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, pipe.get())) > 0) r.out.append(buf, n);
  const int status = ::pclose(pipe.release());
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

bool have_poppler() { return run("pdfinfo -v").status == 0 || run("command -v pdfinfo").status == 0; }

std::string quoted(const std::filesystem::path& p) { return "'" + p.string() + "'"; }

struct Pgm {
  int width = 0, height = 0;
  std::vector<std::uint8_t> pixels;
};

// pdftoppm -gray writes binary PGM: "P5\n<w> <h>\n255\n" + pixels.
Pgm read_pgm(const std::string& bytes) {
  Pgm p;
  int maxval = 0, consumed = 0;
  if (std::sscanf(bytes.c_str(), "P5 %d %d %d%n", &p.width, &p.height, &maxval, &consumed) != 3 || maxval != 255)
    return {};
  const std::size_t start = static_cast<std::size_t>(consumed) + 1;
  const std::size_t size = static_cast<std::size_t>(p.width) * static_cast<std::size_t>(p.height);
  if (bytes.size() < start + size) return {};
  p.pixels.assign(bytes.begin() + static_cast<std::ptrdiff_t>(start),
                  bytes.begin() + static_cast<std::ptrdiff_t>(start + size));
  return p;
}

std::vector<std::string> qr_codes_on(const std::filesystem::path& pdf, int page, int dpi) {
  const ToolRun r = run("pdftoppm -gray -r " + std::to_string(dpi) + " -f " + std::to_string(page) + " -l " +
                    std::to_string(page) + " " + quoted(pdf));
  const Pgm img = read_pgm(r.out);
  std::vector<std::string> texts;
  if (img.pixels.empty()) return texts;
  for (const auto& res : ZXing::ReadBarcodes(
           ZXing::ImageView(img.pixels.data(), img.width, img.height, ZXing::ImageFormat::Lum),
           ZXing::DecodeHints().setFormats(ZXing::BarcodeFormat::QRCode)))
    texts.push_back(res.text());
  return texts;
}

// Text with every run of white space as one space: wrapped lines read on.
std::string flatten(const std::string& text) {
  std::string out;
  for (char c : text) {
    const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\f' || c == '\r';
    if (space && (out.empty() || out.back() == ' ')) continue;
    out += space ? ' ' : c;
  }
  return out;
}

std::string field(const std::string& pdfinfo, const std::string& name) {
  const auto at = pdfinfo.find(name + ":");
  if (at == std::string::npos) return "";
  auto start = pdfinfo.find_first_not_of(' ', at + name.size() + 1);
  return pdfinfo.substr(start, pdfinfo.find('\n', start) - start);
}

}  // namespace

TEST(ScannedDocument, PagesFromTheSaneTestBackendBecomeAPdfPopplerReads) {
  ASSERT_TRUE(sane_ready());
  if (!have_poppler()) FAIL() << "pdfinfo missing: install poppler-utils (provisioning/install-deps.sh)";
  // The test backend's largest page: 200 × 200 mm, at the kiosk's 300 dpi; a
  // grey grid and a colour pattern.
  const std::vector<kiosk::SaneOption> size{{"br-x", "200"}, {"br-y", "200"}};
  auto grey_opts = size;
  grey_opts.push_back({"mode", "Gray"});
  grey_opts.push_back({"test-picture", "Grid"});
  kiosk::SaneScanner grey_scanner("test:0", grey_opts);
  kiosk::SaneScanner colour_scanner("test:0", size);

  test::TempDir dir;
  // Scanned in a child process (support/sane_child.hpp: libsane's reader
  // thread can leave a lock held); the child sends back each page as
  // "width dpi channels within_target quality bytes\n" and the JPEG.
  const std::string got = test::isolated([&] {
    std::string out;
    for (auto* scanner : {&grey_scanner, &colour_scanner}) {
      std::vector<kiosk::RawPage> raw;
      kiosk::ScanCallbacks cb;
      cb.page = [&](kiosk::RawPage&& p) {
        raw.push_back(std::move(p));
        return true;
      };
      const auto outcome = scanner->scan(kiosk::ScanRequest{}, cb);  // the flatbed at 300 dpi
      if (outcome.error) return "scan failed: " + outcome.error->detail;
      if (raw.size() != 1 || raw[0].dpi != 300) return std::string("expected one 300 dpi page");
      auto page = compress_page(PageView{raw[0].pixels, raw[0].width, raw[0].height, raw[0].channels, raw[0].dpi});
      if (!page) return "compress: " + page.error().describe();
      out += std::to_string(raw[0].width) + " " + std::to_string(page->dpi) + " " + std::to_string(page->channels) + " " +
             std::to_string(page->within_target ? 1 : 0) + " " + std::to_string(page->quality) + " " +
             std::to_string(page->jpeg.size()) + "\n";
      out.append(reinterpret_cast<const char*>(page->jpeg.data()), page->jpeg.size());
    }
    return out;
  });
  std::vector<CompressedPage> pages;
  std::size_t at = 0;
  for (int i = 0; i < 2; ++i) {
    const auto eol = got.find('\n', at);
    ASSERT_NE(eol, std::string::npos) << got.substr(0, 200);
    int width = 0, within = 0;
    std::size_t bytes = 0;
    CompressedPage page;
    ASSERT_EQ(std::sscanf(got.c_str() + at, "%d %d %d %d %d %zu", &width, &page.dpi, &page.channels, &within,
                          &page.quality, &bytes),
              6)
        << got.substr(at, 200);
    ASSERT_LE(eol + 1 + bytes, got.size());
    page.within_target = within != 0;
    page.jpeg.assign(got.begin() + static_cast<std::ptrdiff_t>(eol + 1),
                     got.begin() + static_cast<std::ptrdiff_t>(eol + 1 + bytes));
    at = eol + 1 + bytes;
    EXPECT_NEAR(width, 2362, 2);
    // Both fit; the colour pattern (hard colour edges everywhere, unlike a
    // document) only at 150 dpi, quality 40, re-coded as progressive.
    EXPECT_TRUE(page.within_target) << page.jpeg.size() << " bytes at " << page.dpi << " dpi, quality " << page.quality;
    EXPECT_LE(page.jpeg.size(), 250u * 1024);
    pages.push_back(std::move(page));
  }
  EXPECT_EQ(pages[0].channels, 1) << "the grey scan stays grey";
  EXPECT_EQ(pages[1].channels, 3) << "the colour pattern keeps its colour";

  const std::vector<PdfPage> list{{pages[0].jpeg, pages[0].dpi}, {pages[1].jpeg, pages[1].dpi}};
  const auto pdf = dir / "test-pages.pdf";
  ASSERT_TRUE(write_document_pdf(pdf, list, {"Giấy chứng sinh (bản sao)", "H44.27.05-261130-0042", std::nullopt}));

  const ToolRun info = run("pdfinfo " + quoted(pdf));
  ASSERT_EQ(info.status, 0) << "Poppler cannot open the PDF";
  EXPECT_EQ(field(info.out, "Pages"), "2");
  EXPECT_EQ(field(info.out, "Title"), "Giấy chứng sinh (bản sao)");
  EXPECT_EQ(field(info.out, "Subject"), "H44.27.05-261130-0042");
  EXPECT_EQ(field(info.out, "Producer"), "motcua");
  EXPECT_EQ(field(info.out, "Page size").rfind("566.", 0), 0u) << "200 mm = 566.9 pt: " << field(info.out, "Page size");

  // Rendered, the grid's lines are there.
  const Pgm grid = read_pgm(run("pdftoppm -gray -r 50 -f 1 -l 1 " + quoted(pdf)).out);
  ASSERT_FALSE(grid.pixels.empty());
  EXPECT_NEAR(grid.width, 394, 2);
  std::size_t dark = 0;
  for (auto v : grid.pixels) dark += v < 100;
  EXPECT_GT(dark, grid.pixels.size() / 50) << "the grid shows";
}

TEST(ReceiptPdfFile, SaysWhatTheCitizenNeedsAndItsQrCodesScan) {
  if (!have_poppler()) FAIL() << "pdftotext missing: install poppler-utils (provisioning/install-deps.sh)";
  const auto receipt = test::sample_receipt();
  test::TempDir dir;
  for (const auto paper : {ReceiptPaper::a4, ReceiptPaper::a5}) {
    const auto pdf = dir / (paper == ReceiptPaper::a4 ? "receipt-a4.pdf" : "receipt-a5.pdf");
    ASSERT_TRUE(write_receipt_pdf(pdf, receipt, paper));
    const ToolRun info = run("pdfinfo " + quoted(pdf));
    ASSERT_EQ(info.status, 0);
    EXPECT_EQ(field(info.out, "Pages"), "1");
    EXPECT_EQ(field(info.out, "Page size").rfind(paper == ReceiptPaper::a4 ? "595.28 x 841.89" : "419.53 x 595.28", 0),
              0u);

    ToolRun text = run("pdftotext " + quoted(pdf) + " -");
    ASSERT_EQ(text.status, 0);
    text.out = flatten(text.out);
    for (const char* expected : {
             "UBND TỈNH PHÚ THỌ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
             "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "Mã hồ sơ: H44.27.05-261130-0042", "Mã tra cứu: K7QM",
             "Nguyễn T** H*** N****", "09******78", "Đăng ký khai sinh (mã thủ tục 1.001193)",
             "Tờ khai đăng ký khai sinh theo mẫu", "Giấy chứng sinh do cơ sở khám bệnh, chữa bệnh cấp",
             "10 giờ 32 phút, ngày 30 tháng 11 năm 2026", "16 giờ 00 phút, ngày 01 tháng 12 năm 2026",
             "Bộ phận một cửa UBND xã Tân Lạc", "8.000 đồng", "Số tài khoản: 113366668888",
             "Nội dung chuyển khoản: H44.27.05-261130-0042", "NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ",
             "0218 3861 234", "motcua.tanlac@phutho.gov.vn", "Tân Lạc, ngày 30 tháng 11 năm 2026"})
      EXPECT_NE(text.out.find(expected), std::string::npos) << "missing \"" << expected << "\" in\n" << text.out;
    EXPECT_EQ(text.out.find("Hồng Nhung"), std::string::npos) << "the applicant's name is masked";
    EXPECT_EQ(text.out.find("0912345678"), std::string::npos) << "the phone number is masked";

    // Rendered at 150 dpi as a printer would: both QR codes read back.
    const auto codes = qr_codes_on(pdf, 1, 150);
    EXPECT_EQ(codes.size(), 2u);
    EXPECT_NE(std::find(codes.begin(), codes.end(), domain::receipt_qr_payload("H44.27.05-261130-0042", "K7QM")),
              codes.end());
    EXPECT_NE(std::find(codes.begin(), codes.end(), receipt.fee.vietqr_payload), codes.end());
  }
}

TEST(ReceiptPdfFile, AProvisionalCodeIsMarkedAndAFreeServiceSaysSo) {
  if (!have_poppler()) FAIL() << "pdftotext missing: install poppler-utils (provisioning/install-deps.sh)";
  auto receipt = test::sample_receipt();
  receipt.dossier_code = "H44.27.05-261130-T01-0007";
  receipt.provisional = true;
  receipt.fee = {};
  receipt.appointment.reset();
  test::TempDir dir;
  const auto pdf = dir / "receipt.pdf";
  ASSERT_TRUE(write_receipt_pdf(pdf, receipt, ReceiptPaper::a5));
  const std::string flat = flatten(run("pdftotext " + quoted(pdf) + " -").out);
  EXPECT_NE(flat.find("H44.27.05-261130-T01-0007"), std::string::npos);
  EXPECT_NE(flat.find("Mã tạm"), std::string::npos);
  EXPECT_NE(flat.find("Không thu phí, lệ phí"), std::string::npos);
  EXPECT_NE(flat.find("sẽ được thông báo"), std::string::npos);
  const auto codes = qr_codes_on(pdf, 1, 150);
  ASSERT_EQ(codes.size(), 1u) << "only the receipt's code without a fee";
  EXPECT_EQ(codes[0], domain::receipt_qr_payload("H44.27.05-261130-T01-0007", "K7QM"));
}
