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
  check(!v.id_number.empty(), "submit.id_number");
  check(!v.name.empty(), "submit.name");
  check(!v.birth_date.empty(), "submit.birth_date");
  check(v.sex.has_value(), "submit.sex");
  check(!v.address.empty(), "submit.address");
  check(!v.phone.empty(), "submit.phone");
  check(v.from_card || v.card_camera || v.card_preview.id != nullptr, "submit.citizen_card");
  check(!v.form.empty(), "submit.form");
  bool pages = false;
  for (const auto& d : v.documents) pages = pages || !d.pages.empty();
  check(pages, "submit.scanned_pages");
  bool postal = false;
  for (const auto& p : v.postal) postal = postal || !p.empty();
  check(postal, "submit.postal_address");
  check(v.consent, "submit.consent");
  check(v.scanning, "submit.scanning");
  check(v.submit_request != 0, "submit.request");
  check(s.receipt.receipt.has_value(), "receipt");
  check(s.receipt.qr.id != nullptr, "receipt.qr_texture");
  check(s.receipt.bank_qr.id != nullptr, "receipt.bank_qr_texture");
  check(s.receipt.printable.has_value(), "receipt.printable");
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
