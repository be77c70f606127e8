#pragma once
// One document of a dossier (a birth certificate, an ID card, both sides) as
// one PDF: its scanned pages, each embedded as the JPEG it already is (no
// re-encoding, so the PDF is the pages' size plus a few hundred bytes each).
// A page's size on paper comes from its scan resolution: 2480 × 3508 pixels at
// 300 dpi is A4.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "motcua/util/clock.hpp"
#include "motcua/util/error.hpp"

namespace motcua::document {

struct PdfPage {
  std::span<const std::uint8_t> jpeg;  // grey or colour, as compress_page made it
  int dpi = 300;
};

struct DocumentInfo {
  std::string title;    // the document's name, UTF-8 Vietnamese ("Giấy chứng sinh")
  std::string subject;  // e.g. the dossier code; empty = none
  std::optional<TimePoint> created;  // set: CreationDate in Vietnam time (injected, not read from a clock)
};

// Errors: no pages (invalid_argument); a page that is empty, truncated, not a
// JPEG or too large (check_jpeg_page's errors, "page 3: …"); a resolution out
// of range; libharu failures (internal).
Result<std::vector<std::uint8_t>> build_document_pdf(std::span<const PdfPage> pages, const DocumentInfo& info);

// build_document_pdf, then written durably (temporary file, fsync, rename,
// directory fsync): after a crash or a full disk (Errc::disk_full) the path
// holds the complete PDF or whatever it held before, and no temporary file is
// left behind.
Result<void> write_document_pdf(const std::filesystem::path& path, std::span<const PdfPage> pages,
                                const DocumentInfo& info);

}  // namespace motcua::document
