#pragma once
// Plain state the screens draw from. The App owns one AppState; screens read
// it, edit their own part (what is being typed) and emit Intents for anything
// that crosses a boundary (navigation, the worker, the scanner).
// No ImGui here: app/session.* wipes and inspects it in unit tests.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "devices/scanner.hpp"
#include "model/backend.hpp"
#include "model/catalog_snapshot.hpp"
#include "motcua/util/clock.hpp"
#include "widgets/keyboard_state.hpp"

namespace motcua::kiosk {

enum class ScreenId { home, catalog, service, submit, receipt, status, agencies, qa };

// A texture the App created and owns; screens only draw it (an ImTextureID).
struct TextureView {
  void* id = nullptr;
  int width = 0, height = 0;
};

// How the catalog is browsed when nothing is typed in the search box.
enum class BrowseBy { sector, agency, level };

struct CatalogView {
  std::u32string query;
  bool typing = false;
  bool submit_only = false;  // "Nộp tại máy" filter (on when reached through "Nộp hồ sơ")
  KeyboardState kb;
  BrowseBy by = BrowseBy::sector;
  // Drill-down: sector → field → services; agency → services; level → services.
  std::string sector;  // chosen sector id (BrowseBy::sector), empty = all sectors
  std::string group;   // chosen field id, agency id or level ("4", "3", "2", "1", "0"); empty = none
  // Search results for `searched` over `searched_in` (recomputed on change).
  std::string searched;
  const CatalogSnapshot* searched_in = nullptr;
  std::vector<SearchHit> hits;
  // Wall time of the search run in the current frame (0 when none ran): the
  // frame statistics report the drawing cost without it (it is a figure of
  // its own, docs/performance.md).
  float search_us = 0;
};

enum class SubmitStep { applicant, scan, review, sending };
enum class ApplicantField { name, phone };

struct SubmitView {
  std::string service_code;
  std::shared_ptr<const domain::Service> record;  // the full record, when it was loaded
  SubmitStep step = SubmitStep::applicant;
  std::u32string name, phone;
  ApplicantField focus = ApplicantField::name;
  bool typing = true;
  KeyboardState kb;
  std::string name_error, phone_error;  // i18n keys
  bool scanning = false;
  std::optional<ScanErrorKind> scan_error;
  std::shared_ptr<const ScannedPage> page;
  TextureView preview;
  std::uint64_t submit_request = 0;
  std::optional<std::string> submit_error;  // i18n key
  // Indices into the service's domain::channel_rules() lists; the first by default.
  std::size_t payment = 0, delivery = 0;
};

struct ReceiptView {
  std::optional<Receipt> receipt;
  TextureView qr;
};

enum class LookupField { code, secret };

struct LookupView {
  std::u32string code, secret;
  LookupField focus = LookupField::code;
  bool typing = true;
  KeyboardState kb;
  std::string input_error;  // i18n key
  bool busy = false;
  std::uint64_t request = 0;
  std::optional<LookupResult> result;
  // The camera looks for the receipt's QR code (docs/camera.md): what it sees
  // (mirrored), and a note when it sees a QR code that is not a receipt.
  bool camera = false;
  TextureView preview;
  std::string camera_notice;  // i18n key
};

// Accessibility and input preferences of the person at the kiosk. They reset
// with the session, so the next citizen starts from the kiosk's defaults.
struct Preferences {
  bool large_text = false;
  bool high_contrast = false;
  InputMethod input = InputMethod::telex;
};

// The idle countdown ("Ông/bà còn dùng máy không?") while it is on screen.
struct IdleView {
  bool counting = false;
  int seconds_left = 0;
};

// Q&A screen: the questions the hub publishes with the catalog
// (domain::Catalog::qa); one answer open at a time.
struct QaView {
  std::string open;  // id of the question whose answer is shown
};

struct AppState {
  ScreenId screen = ScreenId::home;
  std::vector<ScreenId> history;
  std::shared_ptr<const CatalogSnapshot> catalog;
  SyncStatus sync;
  std::optional<std::string> fatal;  // the kiosk cannot work (database); shown on every screen
  std::string kiosk_id;
  std::string agency_id;  // this office; empty = the catalog's first agency
  TimePoint now;

  float scan_progress = 0;

  CatalogView catalog_view;
  std::string service_code;  // the service detail screen's service
  // Its full record (the snapshot keeps only what the lists need), loaded by
  // the worker (Backend::load_service); null while loading or when missing.
  std::shared_ptr<const domain::Service> service_record;
  std::uint64_t service_request = 0;
  bool service_missing = false;
  SubmitView submit;
  ReceiptView receipt;
  LookupView status;
  QaView qa;
  Preferences prefs;
  IdleView idle;
  bool landscape = false;  // wider than tall: screens use two columns

  // The service being submitted: its full record, else the catalog's summary.
  const domain::Service* submit_service() const {
    if (submit.record && submit.record->code == submit.service_code) return submit.record.get();
    return catalog ? catalog->service(submit.service_code) : nullptr;
  }
  // The service detail screen's service, the same way.
  const domain::Service* shown_service() const {
    if (service_record && service_record->code == service_code) return service_record.get();
    return catalog ? catalog->service(service_code) : nullptr;
  }

  const domain::Agency* agency() const {
    if (!catalog) return nullptr;
    if (!agency_id.empty())
      if (const auto* a = catalog->agency(agency_id)) return a;
    return catalog->catalog.agencies.empty() ? nullptr : &catalog->catalog.agencies.front();
  }
};

// What a screen asks the App to do. A plain struct rather than a variant:
// screens build them with the helpers below.
enum class IntentKind {
  go_to, back, home, open_catalog, open_service, start_submit, start_scan, confirm_submit, start_lookup,
  scan_receipt_qr,  // status: read the receipt's QR code with the camera (devices/camera*, devices/qr_reader*)
  stop_camera,      // status: back to typing the code
  keep_session,     // idle countdown: "Tiếp tục"
};

struct Intent {
  IntentKind kind = IntentKind::home;
  ScreenId screen = ScreenId::home;  // go_to
  bool submit_only = false;          // open_catalog
  std::string code;                  // open_service, start_submit
};

namespace intent {
inline Intent go_to(ScreenId s) { return Intent{IntentKind::go_to, s, false, {}}; }
inline Intent back() { return Intent{IntentKind::back, ScreenId::home, false, {}}; }
inline Intent home() { return Intent{IntentKind::home, ScreenId::home, false, {}}; }
inline Intent open_catalog(bool submit_only) { return Intent{IntentKind::open_catalog, ScreenId::catalog, submit_only, {}}; }
inline Intent open_service(std::string code) { return Intent{IntentKind::open_service, ScreenId::service, false, std::move(code)}; }
inline Intent start_submit(std::string code) { return Intent{IntentKind::start_submit, ScreenId::submit, false, std::move(code)}; }
inline Intent start_scan() { return Intent{IntentKind::start_scan, ScreenId::submit, false, {}}; }
inline Intent confirm_submit() { return Intent{IntentKind::confirm_submit, ScreenId::submit, false, {}}; }
inline Intent start_lookup() { return Intent{IntentKind::start_lookup, ScreenId::status, false, {}}; }
inline Intent scan_receipt_qr() { return Intent{IntentKind::scan_receipt_qr, ScreenId::status, false, {}}; }
inline Intent stop_camera() { return Intent{IntentKind::stop_camera, ScreenId::status, false, {}}; }
inline Intent keep_session() { return Intent{IntentKind::keep_session, ScreenId::home, false, {}}; }
}  // namespace intent

using Intents = std::vector<Intent>;

}  // namespace motcua::kiosk
