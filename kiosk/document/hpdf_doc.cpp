#include "document/hpdf_doc.hpp"

#include <cstdio>

namespace motcua::document {

void HpdfDoc::on_error(HPDF_STATUS error, HPDF_STATUS detail, void* user) {
  auto* s = static_cast<State*>(user);
  if (error == HPDF_STREAM_EOF) return;  // reading the finished PDF back reached its end
  if (s->error == HPDF_OK) {
    s->error = error;
    s->detail = detail;
  }
}

Result<HpdfDoc> HpdfDoc::create() {
  HpdfDoc d;
  d.state_ = std::make_unique<State>();
  d.doc_.reset(HPDF_New(&HpdfDoc::on_error, d.state_.get()));
  if (!d.doc_) return fail(Errc::internal, "libharu: cannot create a PDF document");
  return d;
}

std::optional<Error> HpdfDoc::error(std::string_view during) const {
  if (state_->error == HPDF_OK) return std::nullopt;
  char code[64];
  std::snprintf(code, sizeof code, "libharu error 0x%04X (detail %u)", static_cast<unsigned>(state_->error),
                static_cast<unsigned>(state_->detail));
  // HPDF_FAILD_TO_ALLOC_MEM and friends are not the caller's fault.
  return Error{Errc::internal, std::string(during) + ": " + code};
}

Result<void> HpdfDoc::set_info(const std::string& title, const std::string& subject, std::optional<TimePoint> created) {
  HPDF_Doc pdf = get();
  if (!title.empty()) HPDF_SetInfoAttr(pdf, HPDF_INFO_TITLE, title.c_str());
  if (!subject.empty()) HPDF_SetInfoAttr(pdf, HPDF_INFO_SUBJECT, subject.c_str());
  HPDF_SetInfoAttr(pdf, HPDF_INFO_PRODUCER, "motcua");
  HPDF_SetInfoAttr(pdf, HPDF_INFO_CREATOR, "motcua kiosk");
  if (created) {
    const VietnamTime v = to_vietnam(*created);
    HPDF_Date date{};
    date.year = v.year;
    date.month = v.month;
    date.day = v.day;
    date.hour = v.hour;
    date.minutes = v.minute;
    date.seconds = v.second;
    date.ind = '+';
    date.off_hour = 7;
    date.off_minutes = 0;
    HPDF_SetInfoDateAttr(pdf, HPDF_INFO_CREATION_DATE, date);
    HPDF_SetInfoDateAttr(pdf, HPDF_INFO_MOD_DATE, date);
  }
  if (auto e = error("setting the PDF's title and dates")) return fail(*e);
  return {};
}

Result<std::vector<std::uint8_t>> HpdfDoc::save() {
  HPDF_Doc pdf = get();
  if (HPDF_SaveToStream(pdf) != HPDF_OK) {
    if (auto e = error("writing the PDF")) return fail(*e);
    return fail(Errc::internal, "writing the PDF failed");
  }
  std::vector<std::uint8_t> bytes(HPDF_GetStreamSize(pdf));
  std::size_t done = 0;
  while (done < bytes.size()) {
    HPDF_UINT32 n = static_cast<HPDF_UINT32>(bytes.size() - done);
    const HPDF_STATUS st = HPDF_ReadFromStream(pdf, bytes.data() + done, &n);
    done += n;
    if (st == HPDF_STREAM_EOF) break;
    if (st != HPDF_OK) {
      if (auto e = error("reading the PDF back")) return fail(*e);
      return fail(Errc::internal, "reading the PDF back failed");
    }
    if (n == 0) break;
  }
  bytes.resize(done);
  if (auto e = error("writing the PDF")) return fail(*e);
  return bytes;
}

}  // namespace motcua::document
