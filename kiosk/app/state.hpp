#pragma once
// Plain state the screens draw from. The App owns one AppState; screens read
// it, edit their own part (what is being typed) and emit Intents for anything
// that crosses a boundary (navigation, the worker, the scanner).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <imgui.h>

#include "devices/scanner.hpp"
#include "model/backend.hpp"
#include "model/catalog_snapshot.hpp"
#include "widgets/keyboard.hpp"

namespace motcua::kiosk {

enum class ScreenId { home, catalog, service, submit, receipt, status };

// A texture the App created and owns; screens only draw it.
struct TextureView {
  ImTextureID id = nullptr;
  int width = 0, height = 0;
};

struct CatalogView {
  std::u32string query;
  bool typing = false;
  bool submit_only = false;  // reached through "Nộp hồ sơ": only services that accept dossiers
  KeyboardState kb;
  // Search results for `searched` over `searched_in` (recomputed on change).
  std::string searched;
  const CatalogSnapshot* searched_in = nullptr;
  std::vector<SearchHit> hits;
};

enum class SubmitStep { applicant, scan, review, sending };
enum class ApplicantField { name, phone };

struct SubmitView {
  std::string service_code;
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
  SubmitView submit;
  ReceiptView receipt;
  LookupView status;

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
}  // namespace intent

using Intents = std::vector<Intent>;

}  // namespace motcua::kiosk
