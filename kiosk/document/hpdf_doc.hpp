#pragma once
// libharu (libhpdf) without its pitfalls: the document is freed by RAII, errors
// are caught by a handler that records the first one (no longjmp), and the
// finished PDF comes back as bytes, so it is written to disk by
// fs::write_file_durable (temporary name, fsync, rename) — never half-written.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <hpdf.h>

#include "motcua/util/clock.hpp"
#include "motcua/util/error.hpp"

namespace motcua::document {

class HpdfDoc {
 public:
  // Errc::internal when libharu cannot allocate a document.
  static Result<HpdfDoc> create();

  HPDF_Doc get() const { return doc_.get(); }
  // The first libharu error since creation, or nullopt. `during` names what
  // was being done, for the message.
  std::optional<Error> error(std::string_view during) const;
  // Title and subject are UTF-8 (libharu writes them as UTF-16 with the
  // UTF-8 encoder current); the producer is "motcua"; dates in Vietnam time.
  Result<void> set_info(const std::string& title, const std::string& subject, std::optional<TimePoint> created);
  // The whole PDF.
  Result<std::vector<std::uint8_t>> save();

 private:
  struct State {
    HPDF_STATUS error = HPDF_OK;
    HPDF_STATUS detail = 0;
  };
  struct Free {
    void operator()(HPDF_Doc d) const { HPDF_Free(d); }
  };
  static void on_error(HPDF_STATUS error, HPDF_STATUS detail, void* user);
  HpdfDoc() = default;

  std::unique_ptr<State> state_;  // the handler's user data: stable address
  std::unique_ptr<std::remove_pointer_t<HPDF_Doc>, Free> doc_;
};

}  // namespace motcua::document
