#pragma once
// Plain state the screens draw from. The App owns one AppState; screens read
// it, edit their own part (what is being typed) and emit Intents for anything
// that crosses a boundary (navigation, the worker, the scanner).
// No ImGui here: app/session.* wipes and inspects it in unit tests.

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "devices/print_service.hpp"
#include "devices/scanner.hpp"
#include "model/backend.hpp"
#include "model/catalog_snapshot.hpp"
#include "motcua/domain/citizen_id.hpp"
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

// The submit wizard (issue 6): service → applicant → the service's form →
// documents → fee payment and result delivery → consent → review → sending.
// Back and forward keep everything entered; leaving the wizard or the idle
// reset wipes it (app/session.cpp).
enum class SubmitStep { applicant, form, documents, delivery, consent, review, sending };
enum class ApplicantField { id_number, name, birth_date, sex, address, phone };

// One scanned page of a document, with its on-screen preview.
struct PageView {
  std::shared_ptr<const ScannedPage> page;
  TextureView preview;
  std::uint64_t texture = 0;  // the App's key of the preview texture
};

// One item of the document checklist (the service's dossier components).
struct DocumentItem {
  std::string name;
  bool required = true;
  int originals = 0, copies = 0;
  std::string note;
  std::vector<PageView> pages;
};

struct SubmitView {
  std::string service_code;
  std::shared_ptr<const domain::Service> record;  // the full record, when it was loaded
  SubmitStep step = SubmitStep::applicant;
  bool review_seen = false;  // "Tiếp tục" from an edited step returns to the review

  // Applicant: typed, or pre-filled from the chip ID card's QR code (the raw
  // payload never reaches this struct: devices/camera_service parses it).
  std::u32string id_number, name, birth_date /* digits ddmmyyyy */, address, phone;
  std::optional<domain::Sex> sex;
  bool from_card = false;
  ApplicantField focus = ApplicantField::id_number;
  bool typing = false;
  bool scroll_to_focus = false;  // the focused field scrolls into view once
  KeyboardState kb;
  std::string id_error, name_error, birth_error, sex_error, address_error, phone_error;  // i18n keys
  bool card_camera = false;  // the camera looks for the ID card's QR code
  TextureView card_preview;
  std::string card_notice;  // i18n key

  // The service's e-form: values as typed, by field id; errors as i18n keys.
  std::map<std::string, std::u32string> form;
  std::string form_focus;  // field being typed; empty = none
  std::map<std::string, std::string> form_errors;

  // Documents: the checklist, and which item the scanner works for.
  std::vector<DocumentItem> documents;
  int open_document = -1;   // item whose pages are shown (-1: the checklist)
  int zoom_page = -1;       // page shown large
  bool scanning = false;
  int scan_document = -1;   // item the running scan adds to
  int replace_page = -1;    // page the running scan replaces (-1: appends)
  std::optional<ScanErrorKind> scan_error;
  std::string documents_error;  // i18n key: a required item has no page

  // Fee payment and result delivery: indices into domain::channel_rules()
  // lists (nothing chosen until the citizen chooses), and the postal address
  // when the result or the fee goes by post.
  std::optional<std::size_t> payment, delivery;
  // [0] recipient, [1] phone, [2] house/street/hamlet, [3] commune, [4] province
  // (protocol::PostalAddress); the recipient and phone start as the applicant's.
  std::array<std::u32string, 5> postal;
  int postal_focus = -1;  // field being typed; -1 = none
  bool postal_typing = false;
  std::string delivery_error;  // i18n key

  bool consent = false;
  std::string consent_error;  // i18n key

  std::uint64_t submit_request = 0;
  std::optional<std::string> submit_error;  // i18n key
};

struct ReceiptView {
  std::optional<Receipt> receipt;
  TextureView qr;
  // Level 4 paid by bank transfer: the VietQR code of the agency's account,
  // the fee and the dossier code (docs/vietqr.md), for a banking app.
  TextureView bank_qr;
  // What the printers print (Circular 03/2025 form 01), made when the receipt
  // arrived — the wizard's data is gone by then.
  std::optional<document::FormReceipt> printable;
  bool can_print_thermal = false, can_print_pdf = false;
  bool printing = false;
  std::uint64_t print_request = 0;
  std::string print_notice;  // i18n key of the last print's outcome
  bool print_failed = false;
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
  bool scan_processing = false;  // the page is being compressed (else read from the scanner)
  int scan_pages_done = 0;       // pages of the running request already processed
  bool scanner_feeder = false;   // the scanner has a document feeder

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
  scan_card,        // submit: read the chip ID card's QR code with the camera
  stop_card,        // submit: back to typing the applicant
  cancel_scan,      // submit: stop the running scan
  delete_page,      // submit: drop a scanned page (index = document, page)
  print_receipt,    // receipt: thermal printer or the office's CUPS printer
};

struct Intent {
  IntentKind kind = IntentKind::home;
  ScreenId screen = ScreenId::home;  // go_to
  bool submit_only = false;          // open_catalog
  std::string code;                  // open_service, start_submit
  int index = -1;                    // start_scan, delete_page: the document
  int page = -1;                     // start_scan (replace), delete_page
  bool feeder = false;               // start_scan: the document feeder, else the glass
  PrintTarget print = PrintTarget::thermal;  // print_receipt
};

namespace intent {
inline Intent go_to(ScreenId s) { return Intent{IntentKind::go_to, s, false, {}}; }
inline Intent back() { return Intent{IntentKind::back, ScreenId::home, false, {}}; }
inline Intent home() { return Intent{IntentKind::home, ScreenId::home, false, {}}; }
inline Intent open_catalog(bool submit_only) { return Intent{IntentKind::open_catalog, ScreenId::catalog, submit_only, {}}; }
inline Intent open_service(std::string code) { return Intent{IntentKind::open_service, ScreenId::service, false, std::move(code)}; }
inline Intent start_submit(std::string code) { return Intent{IntentKind::start_submit, ScreenId::submit, false, std::move(code)}; }
inline Intent start_scan(int document, bool feeder, int replace_page = -1) {
  Intent i{IntentKind::start_scan, ScreenId::submit, false, {}};
  i.index = document;
  i.feeder = feeder;
  i.page = replace_page;
  return i;
}
inline Intent cancel_scan() { return Intent{IntentKind::cancel_scan, ScreenId::submit, false, {}}; }
inline Intent delete_page(int document, int page) {
  Intent i{IntentKind::delete_page, ScreenId::submit, false, {}};
  i.index = document;
  i.page = page;
  return i;
}
inline Intent scan_card() { return Intent{IntentKind::scan_card, ScreenId::submit, false, {}}; }
inline Intent stop_card() { return Intent{IntentKind::stop_card, ScreenId::submit, false, {}}; }
inline Intent print_receipt(PrintTarget target) {
  Intent i{IntentKind::print_receipt, ScreenId::receipt, false, {}};
  i.print = target;
  return i;
}
inline Intent confirm_submit() { return Intent{IntentKind::confirm_submit, ScreenId::submit, false, {}}; }
inline Intent start_lookup() { return Intent{IntentKind::start_lookup, ScreenId::status, false, {}}; }
inline Intent scan_receipt_qr() { return Intent{IntentKind::scan_receipt_qr, ScreenId::status, false, {}}; }
inline Intent stop_camera() { return Intent{IntentKind::stop_camera, ScreenId::status, false, {}}; }
inline Intent keep_session() { return Intent{IntentKind::keep_session, ScreenId::home, false, {}}; }
}  // namespace intent

using Intents = std::vector<Intent>;

}  // namespace motcua::kiosk
