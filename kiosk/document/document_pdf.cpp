#include "document/document_pdf.hpp"

#include <algorithm>

#include "document/hpdf_doc.hpp"
#include "document/page_check.hpp"
#include "motcua/crypto/hash.hpp"
#include "motcua/util/fs.hpp"

namespace motcua::document {

Result<std::vector<std::uint8_t>> build_document_pdf(std::span<const PdfPage> pages, const DocumentInfo& info) {
  if (pages.empty()) return fail(Errc::invalid_argument, "a document needs at least one page");
  // Every page is checked before any PDF work: a bad page never yields a PDF
  // with a hole in it.
  std::vector<JpegInfo> checked;
  checked.reserve(pages.size());
  for (std::size_t i = 0; i < pages.size(); ++i) {
    const std::string which = "page " + std::to_string(i + 1) + " of " + std::to_string(pages.size()) + ": ";
    auto jpeg = check_jpeg_page(pages[i].jpeg);
    if (!jpeg) return fail(jpeg.error().code, which + jpeg.error().message);
    const int dpi = pages[i].dpi;
    if (dpi < kMinDpi || dpi > kMaxDpi)
      return fail(Errc::invalid_argument, which + "unsupported resolution " + std::to_string(dpi) + " dpi");
    if (static_cast<double>(std::max(jpeg->width, jpeg->height)) / dpi > kMaxPageInches)
      return fail(Errc::invalid_argument, which + "more than 200 inches long at " + std::to_string(dpi) + " dpi");
    checked.push_back(*jpeg);
  }

  auto doc = HpdfDoc::create();
  if (!doc) return fail(doc.error());
  HPDF_Doc pdf = doc->get();
  // UTF-8 for the title (Vietnamese); page content is images only.
  HPDF_UseUTFEncodings(pdf);
  HPDF_SetCurrentEncoder(pdf, "UTF-8");
  HPDF_SetCompressionMode(pdf, HPDF_COMP_ALL);
  if (auto ok = doc->set_info(info.title, info.subject, info.created); !ok) return fail(ok.error());

  for (std::size_t i = 0; i < pages.size(); ++i) {
    const auto& p = pages[i];
    HPDF_Image image = HPDF_LoadJpegImageFromMem(pdf, p.jpeg.data(), static_cast<HPDF_UINT>(p.jpeg.size()));
    HPDF_Page page = HPDF_AddPage(pdf);
    if (!image || !page) {
      if (auto e = doc->error("embedding page " + std::to_string(i + 1))) return fail(*e);
      return fail(Errc::internal, "embedding page " + std::to_string(i + 1) + " failed");
    }
    // Points are 1/72 inch.
    const auto w = static_cast<HPDF_REAL>(checked[i].width * 72.0 / p.dpi);
    const auto h = static_cast<HPDF_REAL>(checked[i].height * 72.0 / p.dpi);
    HPDF_Page_SetWidth(page, w);
    HPDF_Page_SetHeight(page, h);
    HPDF_Page_DrawImage(page, image, 0, 0, w, h);
    if (auto e = doc->error("laying out page " + std::to_string(i + 1))) return fail(*e);
  }
  return doc->save();
}

Result<void> write_document_pdf(const std::filesystem::path& path, std::span<const PdfPage> pages,
                                const DocumentInfo& info) {
  auto bytes = build_document_pdf(pages, info);
  if (!bytes) return fail(bytes.error());
  return fs::write_file_durable(path, *bytes);
}

Result<DocumentFile> write_document_file(const std::filesystem::path& dir, std::string_view file_name,
                                         std::span<const PdfPage> pages, const DocumentInfo& info) {
  if (file_name.empty() || file_name == "." || file_name == ".." ||
      file_name.find_first_of(std::string_view("/\0", 2)) != std::string_view::npos)
    return fail(Errc::invalid_argument, "bad document file name \"" + std::string(file_name) + "\"");
  std::string name(file_name);
  if (name.size() < 4 || name.compare(name.size() - 4, 4, ".pdf") != 0) name += ".pdf";
  auto bytes = build_document_pdf(pages, info);
  if (!bytes) return fail(bytes.error());
  DocumentFile out;
  out.path = dir / name;
  if (auto written = fs::write_file_durable(out.path, *bytes); !written) {
    Error e = written.error();
    if (e.code == Errc::disk_full) e.message = "the kiosk's disk is full: " + e.message;
    return fail(std::move(e));
  }
  out.size = static_cast<std::int64_t>(bytes->size());
  out.sha256 = crypto::hex(crypto::sha256(*bytes));
  return out;
}

}  // namespace motcua::document
