// A document's scanned pages become one PDF (issue 6): pages embedded as the
// JPEGs they are, page sizes from the scan resolution, the document's name as
// the title; bad pages are refused before any PDF exists, and a full disk
// leaves no half-written file.

#include <gtest/gtest.h>

#include <sys/mount.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <regex>

#include "document/document_pdf.hpp"
#include "document/page_compress.hpp"
#include "motcua/crypto/hash.hpp"
#include "motcua/util/fs.hpp"
#include "support/synthetic_page.hpp"
#include "support/temp_dir.hpp"

using namespace motcua;
using namespace motcua::document;

namespace {

std::string as_text(const std::vector<std::uint8_t>& bytes) { return {bytes.begin(), bytes.end()}; }

// Page objects ("/Type /Page", not "/Pages") of an uncompressed object table.
int count_pages(const std::string& pdf) {
  static const std::regex page(R"(/Type\s*/Page[^s])");
  return static_cast<int>(std::distance(std::sregex_iterator(pdf.begin(), pdf.end(), page), std::sregex_iterator()));
}

std::vector<std::vector<float>> media_boxes(const std::string& pdf) {
  static const std::regex box(R"(/MediaBox\s*\[\s*([-0-9.]+)\s+([-0-9.]+)\s+([-0-9.]+)\s+([-0-9.]+)\s*\])");
  std::vector<std::vector<float>> out;
  for (auto it = std::sregex_iterator(pdf.begin(), pdf.end(), box); it != std::sregex_iterator(); ++it)
    out.push_back({std::stof((*it)[1]), std::stof((*it)[2]), std::stof((*it)[3]), std::stof((*it)[4])});
  return out;
}

struct Pages {
  CompressedPage grey, colour, small;
};

const Pages& pages() {
  static const Pages p = [] {
    Pages out;
    out.grey = *compress_page(test::text_page({}).view());
    out.colour = *compress_page(test::text_page({.channels = 3, .colour_stamp = true, .seed = 2}).view());
    out.small = *compress_page(test::text_page({.dpi = 150, .seed = 3}).view());
    return out;
  }();
  return p;
}

std::vector<PdfPage> three_pages() {
  const auto& p = pages();
  return {{p.grey.jpeg, p.grey.dpi}, {p.colour.jpeg, p.colour.dpi}, {p.small.jpeg, p.small.dpi}};
}

bool contains(const std::vector<std::uint8_t>& hay, const std::vector<std::uint8_t>& needle) {
  return std::search(hay.begin(), hay.end(), needle.begin(), needle.end()) != hay.end();
}

}  // namespace

TEST(DocumentPdf, PagesBecomeOnePdfWithTheirPaperSize) {
  const auto list = three_pages();
  auto pdf = build_document_pdf(list, {"Giấy chứng sinh", "H44.27.05-261130-0001", std::nullopt});
  ASSERT_TRUE(pdf) << pdf.error().describe();
  const std::string text = as_text(*pdf);
  EXPECT_EQ(text.rfind("%PDF-1.", 0), 0u);
  EXPECT_NE(text.find("%%EOF", text.size() - 8), std::string::npos) << "ends with the trailer";
  EXPECT_EQ(count_pages(text), 3);

  // 2480 × 3508 at 300 dpi and 1240 × 1754 at 150 dpi are both A4: 595.2 × 841.9 pt.
  const auto boxes = media_boxes(text);
  ASSERT_EQ(boxes.size(), 3u);
  for (const auto& b : boxes) {
    EXPECT_NEAR(b[2], 595.3, 0.5);
    EXPECT_NEAR(b[3], 841.9, 0.5);
  }

  // Embedded as they are: each page's JPEG appears byte for byte (no re-encoding).
  for (const auto& p : list) EXPECT_TRUE(contains(*pdf, {p.jpeg.begin(), p.jpeg.end()}));
  EXPECT_NE(text.find("/DCTDecode"), std::string::npos);
  EXPECT_NE(text.find("/DeviceGray"), std::string::npos) << "grey pages stay grey in the PDF";
  EXPECT_NE(text.find("/DeviceRGB"), std::string::npos);
  std::size_t jpeg_bytes = 0;
  for (const auto& p : list) jpeg_bytes += p.jpeg.size();
  EXPECT_LT(pdf->size(), jpeg_bytes + 8 * 1024) << "the PDF adds little to its pages";
}

TEST(DocumentPdf, TheTitleAndProducerAreSet) {
  const auto& p = pages();
  const std::vector<PdfPage> one{{p.grey.jpeg, 300}};
  auto pdf = build_document_pdf(one, {"Giấy chứng sinh", "", from_unix_millis(1764480000000)});  // 2025-11-30 05:20 UTC
  ASSERT_TRUE(pdf);
  const std::string text = as_text(*pdf);
  // Info strings are UTF-16BE with a byte order mark (the UTF-8 encoder is current).
  EXPECT_NE(text.find("/Producer <FEFF006D006F0074006300750061>"), std::string::npos);
  EXPECT_NE(text.find("/Title"), std::string::npos);
  EXPECT_NE(text.find("D:20251130122000+07'00'"), std::string::npos) << "creation time in Vietnam time";
}

TEST(DocumentPdf, BadPagesAreRefusedBeforeAnyPdfExists) {
  const auto& p = pages();
  const std::vector<std::uint8_t> empty;
  const std::vector<std::uint8_t> cut(p.colour.jpeg.begin(),
                                      p.colour.jpeg.begin() + static_cast<std::ptrdiff_t>(p.colour.jpeg.size() / 2));
  const std::vector<std::uint8_t> png{0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0};
  const std::vector<std::uint8_t> header_only(p.grey.jpeg.begin(), p.grey.jpeg.begin() + 40);

  struct Case {
    std::span<const std::uint8_t> bad;
    Errc code;
    const char* says;
  };
  const Case cases[] = {
      {empty, Errc::invalid_argument, "page 2 of 3: the page is empty (0 bytes)"},
      {cut, Errc::corrupt, "page 2 of 3: the page is truncated"},
      {png, Errc::invalid_argument, "page 2 of 3: the page is not a JPEG image"},
      {header_only, Errc::corrupt, "page 2 of 3:"},
  };
  for (const auto& c : cases) {
    const std::vector<PdfPage> list{{p.grey.jpeg, 300}, {c.bad, 300}, {p.small.jpeg, 150}};
    auto pdf = build_document_pdf(list, {"Giấy chứng sinh", "", std::nullopt});
    ASSERT_FALSE(pdf) << c.says;
    EXPECT_EQ(pdf.error().code, c.code) << pdf.error().describe();
    EXPECT_NE(pdf.error().message.find(c.says), std::string::npos) << pdf.error().message;
  }
  EXPECT_FALSE(build_document_pdf({}, {"Giấy chứng sinh", "", std::nullopt}));
  // Zeros after the end-of-image marker (some writers pad) are not a truncation.
  std::vector<std::uint8_t> padded = p.grey.jpeg;
  padded.resize(padded.size() + 16, 0);
  const std::vector<PdfPage> ok{{padded, 300}};
  EXPECT_TRUE(build_document_pdf(ok, {"Giấy chứng sinh", "", std::nullopt}));
  const std::vector<PdfPage> no_dpi{{p.grey.jpeg, 0}};
  EXPECT_FALSE(build_document_pdf(no_dpi, {"x", "", std::nullopt}));
}

TEST(DocumentPdf, WrittenDurablyAndWhole) {
  test::TempDir dir;
  const auto path = dir / "giay-chung-sinh.pdf";
  const auto list = three_pages();
  ASSERT_TRUE(write_document_pdf(path, list, {"Giấy chứng sinh", "", std::nullopt}));
  auto bytes = fs::read_file(path);
  ASSERT_TRUE(bytes);
  EXPECT_EQ(count_pages(*bytes), 3);
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++files;
  EXPECT_EQ(files, 1u) << "no temporary file left";

  // A bad page: the earlier, good PDF stays as it was.
  const std::vector<std::uint8_t> empty;
  const std::vector<PdfPage> bad{{empty, 300}};
  EXPECT_FALSE(write_document_pdf(path, bad, {"Giấy chứng sinh", "", std::nullopt}));
  EXPECT_EQ(fs::read_file(path).value_or(""), *bytes);
}

TEST(DocumentPdf, AFullDiskSaysSoAndLeavesNothingHalfWritten) {
  test::TempDir dir;
  const auto disk = dir / "small";
  std::filesystem::create_directories(disk);
  // 400 KiB: room for a one-page PDF, not for three pages.
  if (::mount("tmpfs", disk.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "size=400k,mode=0700") != 0)
    GTEST_SKIP() << "mounting a tmpfs needs root (CAP_SYS_ADMIN)";
  struct Unmount {
    std::filesystem::path p;
    ~Unmount() { ::umount2(p.c_str(), MNT_DETACH); }
  } unmount{disk};

  const auto& p = pages();
  const std::vector<PdfPage> one{{p.grey.jpeg, 300}};
  ASSERT_TRUE(write_document_pdf(disk / "doc.pdf", one, {"Giấy chứng sinh", "", std::nullopt}));
  const auto before = fs::read_file(disk / "doc.pdf");
  ASSERT_TRUE(before);

  const auto list = three_pages();
  auto full = write_document_pdf(disk / "doc.pdf", list, {"Giấy chứng sinh", "", std::nullopt});
  ASSERT_FALSE(full);
  EXPECT_EQ(full.error().code, Errc::disk_full) << full.error().describe();
  EXPECT_EQ(fs::read_file(disk / "doc.pdf").value_or(""), *before) << "the old PDF is untouched";
  auto fresh = write_document_pdf(disk / "other.pdf", list, {"Giấy chứng sinh", "", std::nullopt});
  ASSERT_FALSE(fresh);
  EXPECT_EQ(fresh.error().code, Errc::disk_full);
  EXPECT_FALSE(std::filesystem::exists(disk / "other.pdf"));
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(disk)) names.push_back(e.path().filename().string());
  EXPECT_EQ(names, std::vector<std::string>{"doc.pdf"}) << "no temporary file left behind";
}

TEST(DocumentFile, ADocumentBecomesAFileForTheOutboxWithItsSizeAndDigest) {
  test::TempDir dir;
  const auto list = three_pages();
  auto file = write_document_file(dir.path(), "giay-chung-sinh", list, {"Giấy chứng sinh", "", std::nullopt});
  ASSERT_TRUE(file) << file.error().describe();
  EXPECT_EQ(file->path, dir / "giay-chung-sinh.pdf");
  EXPECT_EQ(file->content_type, "application/pdf");
  auto bytes = fs::read_file(file->path);
  ASSERT_TRUE(bytes);
  EXPECT_EQ(file->size, static_cast<std::int64_t>(bytes->size()));
  EXPECT_EQ(file->sha256, crypto::sha256_hex(*bytes));
  EXPECT_EQ(file->sha256.size(), 64u);
  EXPECT_EQ(count_pages(*bytes), 3);

  // A name that already ends in .pdf keeps it; a name that would leave the directory is refused.
  auto named = write_document_file(dir.path(), "cccd.pdf", list, {"CCCD", "", std::nullopt});
  ASSERT_TRUE(named);
  EXPECT_EQ(named->path, dir / "cccd.pdf");
  for (const std::string_view bad : {std::string_view(""), std::string_view("."), std::string_view(".."),
                                     std::string_view("../x"), std::string_view("a/b"), std::string_view("a\0b", 3)}) {
    auto refused = write_document_file(dir.path(), bad, list, {"x", "", std::nullopt});
    ASSERT_FALSE(refused) << bad;
    EXPECT_EQ(refused.error().code, Errc::invalid_argument);
  }
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++files;
  EXPECT_EQ(files, 2u) << "nothing else was written";
}

TEST(DocumentFile, AFullDiskSaysSoAndLeavesNoPartialFile) {
  test::TempDir dir;
  const auto disk = dir / "small";
  std::filesystem::create_directories(disk);
  // A 1 MiB tmpfs: room for one document of a page, not for a second of three.
  if (::mount("tmpfs", disk.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=0700") != 0)
    GTEST_SKIP() << "mounting a tmpfs needs root (CAP_SYS_ADMIN)";
  struct Unmount {
    std::filesystem::path p;
    ~Unmount() { ::umount2(p.c_str(), MNT_DETACH); }
  } unmount{disk};

  // Fill the disk to within ~600 KB of full, as a kiosk's outbox would.
  const auto free_before = fs::free_bytes(disk);
  ASSERT_TRUE(free_before);
  const std::size_t filler = *free_before > 600 * 1024 ? *free_before - 600 * 1024 : 0;
  ASSERT_TRUE(fs::write_file_durable(disk / "outbox.bin", std::vector<std::uint8_t>(filler, 0x5a)));

  const auto& p = pages();
  const std::vector<PdfPage> one{{p.grey.jpeg, 300}};
  ASSERT_TRUE(write_document_file(disk, "d1", one, {"Giấy chứng sinh", "", std::nullopt}));
  const auto list = three_pages();
  auto full = write_document_file(disk, "d2", list, {"Sổ hộ khẩu", "", std::nullopt});
  ASSERT_FALSE(full);
  EXPECT_EQ(full.error().code, Errc::disk_full) << full.error().describe();
  EXPECT_NE(full.error().message.find("disk is full"), std::string::npos) << full.error().message;
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(disk)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"d1.pdf", "outbox.bin"})) << "no d2.pdf, no temporary file";
}
