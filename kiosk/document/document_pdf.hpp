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
#include <string_view>
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

// A checklist item's PDF as the submit step hands it to the outbox
// (client::NewDocument: name, content type, bytes read from `path`).
struct DocumentFile {
  std::filesystem::path path;  // dir / file_name
  std::int64_t size = 0;       // bytes of the PDF
  std::string sha256;          // lowercase hex of the PDF's bytes
  std::string content_type = "application/pdf";
};

// The document's PDF written into `dir` as `file_name` (".pdf" appended when
// missing; a name with a '/' or a NUL, "", "." or ".." is invalid_argument),
// durably and atomically as write_document_pdf does: on a full disk
// (Errc::disk_full: "the kiosk's disk is full: …") or any other failure
// nothing new is left in `dir` and an earlier file of that name is untouched.
Result<DocumentFile> write_document_file(const std::filesystem::path& dir, std::string_view file_name,
                                         std::span<const PdfPage> pages, const DocumentInfo& info);

}  // namespace motcua::document
