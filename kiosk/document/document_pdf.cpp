#include "document/document_pdf.hpp"

#include <algorithm>

#include "document/hpdf_doc.hpp"
#include "document/page_check.hpp"
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

}  // namespace motcua::document
