#include "app/session.hpp"

namespace motcua::kiosk {

void wipe_session(AppState& s, bool preferences, const Preferences& defaults) {
  // Fresh values rather than clear(): std::string keeps its buffer on clear(),
  // and a moved-out optional keeps its value. Assigning a new object frees both.
  s.catalog_view = CatalogView{};
  s.service_code = std::string();
  s.service_record.reset();
  s.service_request = 0;
  s.service_missing = false;
  s.submit = SubmitView{};
  s.receipt = ReceiptView{};
  s.status = LookupView{};
  s.qa = QaView{};
  s.idle = IdleView{};
  s.scan_progress = 0;
  if (preferences) s.prefs = defaults;
  s.history = std::vector<ScreenId>();
  s.screen = ScreenId::home;
}

std::vector<std::string> personal_data_left(const AppState& s) {
  std::vector<std::string> left;
  auto check = [&](bool held, const char* where) {
    if (held) left.emplace_back(where);
  };
  check(!s.catalog_view.query.empty(), "catalog.query");
  check(!s.catalog_view.searched.empty() || !s.catalog_view.hits.empty(), "catalog.search_results");
  check(!s.service_code.empty() || s.service_record != nullptr, "service.viewed");
  const SubmitView& v = s.submit;
  check(!v.service_code.empty(), "submit.service");
  check(!v.name.empty(), "submit.name");
  check(!v.phone.empty(), "submit.phone");
  check(v.page != nullptr, "submit.scanned_page");
  check(v.preview.id != nullptr, "submit.preview_texture");
  check(v.scanning, "submit.scanning");
  check(v.submit_request != 0, "submit.request");
  check(s.receipt.receipt.has_value(), "receipt");
  check(s.receipt.qr.id != nullptr, "receipt.qr_texture");
  const LookupView& l = s.status;
  check(!l.code.empty(), "status.code");
  check(!l.secret.empty(), "status.secret");
  check(l.result.has_value(), "status.result");
  check(l.busy || l.request != 0, "status.request");
  check(l.camera, "status.camera");
  check(l.preview.id != nullptr, "status.camera_preview");
  check(!s.qa.open.empty(), "qa.open");
  check(!s.history.empty(), "history");
  return left;
}

}  // namespace motcua::kiosk
