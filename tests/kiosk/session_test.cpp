// Privacy: when the citizen leaves (Home, or the idle timeout) nothing of
// theirs stays in the UI's memory — name, phone, scanned page, preview,
// receipt, lookup code, secret and answer, the camera's picture of a receipt,
// search text — and the idle reset
// also gives the next person the kiosk's default text size and contrast.

#include <gtest/gtest.h>

#include "app/session.hpp"

using namespace motcua;
using namespace motcua::kiosk;

namespace {

// A session in the middle of everything a citizen can do.
AppState busy_session() {
  AppState s;
  s.kiosk_id = "KIOSK-01";
  s.agency_id = "H41.26.01";
  s.screen = ScreenId::submit;
  s.history = {ScreenId::home, ScreenId::catalog, ScreenId::service};
  s.catalog_view.query = U"khai sinh";
  s.catalog_view.searched = "khai sinh";
  s.catalog_view.hits = {SearchHit{1, 10}};
  s.service_code = "1.001193";
  s.service_record = std::make_shared<const domain::Service>();
  s.submit.service_code = "1.001193";
  s.submit.id_number = U"025190001234";
  s.submit.name = U"Nguyễn Văn An";
  s.submit.birth_date = U"05031990";
  s.submit.sex = domain::Sex::male;
  s.submit.address = U"Khu 3, xã Tân Lạc";
  s.submit.phone = U"0912345678";
  s.submit.from_card = true;
  s.submit.form["child_name"] = U"Nguyễn Văn Bình";
  auto page = std::make_shared<ScannedPage>();
  page->jpeg = {0xFF, 0xD8, 0xFF};
  s.submit.documents.push_back(DocumentItem{"Giấy chứng sinh", true, 1, 0, "", {}});
  s.submit.documents[0].pages.push_back(PageView{page, TextureView{&s, 10, 10}, 1});  // any non-null texture handle
  s.submit.postal[2] = U"Số 12/3, thôn Đông";
  s.submit.consent = true;
  s.submit.submit_request = 7;
  Receipt r;
  r.code = "H41.26.01-260305-0001";
  r.secret = "K7PX";
  r.applicant_masked = "Nguyễn V** A*";
  s.receipt.receipt = r;
  s.receipt.qr.id = &s;
  s.status.code = U"H41.26.01-260305-0001";
  s.status.secret = U"K7PX";
  s.status.result = LookupResult{};
  s.status.request = 3;
  s.status.camera = true;          // the camera looking for a receipt's QR code…
  s.status.preview.id = &s;        // …and what it saw
  s.status.camera_notice = "camera.not_receipt";
  s.qa.open = "q1";
  s.prefs.large_text = true;
  s.prefs.high_contrast = true;
  s.prefs.input = InputMethod::vni;
  s.idle.counting = true;
  s.idle.seconds_left = 1;
  return s;
}

}  // namespace

TEST(Session, ABusySessionHoldsPersonalDataAndTheProbeSaysWhere) {
  const AppState s = busy_session();
  const auto left = personal_data_left(s);
  for (const char* where : {"submit.id_number", "submit.name", "submit.birth_date", "submit.sex", "submit.address",
                            "submit.phone", "submit.citizen_card", "submit.form", "submit.scanned_pages",
                            "submit.postal_address", "submit.consent", "receipt",
                            "receipt.qr_texture", "status.code", "status.secret", "status.result", "catalog.query",
                            "status.camera", "status.camera_preview"})
    EXPECT_NE(std::find(left.begin(), left.end(), where), left.end()) << where;
}

TEST(Session, IdleResetLeavesNoPersonalDataAndGoesHome) {
  AppState s = busy_session();
  std::weak_ptr<const ScannedPage> page = s.submit.documents[0].pages[0].page;
  Preferences defaults;
  wipe_session(s, true, defaults);
  EXPECT_TRUE(personal_data_left(s).empty());
  EXPECT_EQ(s.screen, ScreenId::home);
  EXPECT_TRUE(s.history.empty());
  EXPECT_TRUE(page.expired()) << "the scanned page's bytes are freed, not just unreferenced by the view";
  EXPECT_TRUE(s.submit.documents.empty());
  EXPECT_FALSE(s.receipt.receipt);
  EXPECT_TRUE(s.status.code.empty());
  EXPECT_TRUE(s.status.secret.empty());
  EXPECT_FALSE(s.status.result);
  EXPECT_FALSE(s.status.camera);
  EXPECT_FALSE(s.status.preview.id);
  EXPECT_TRUE(s.catalog_view.query.empty());
  EXPECT_FALSE(s.idle.counting);
  // The next person starts from the kiosk's defaults.
  EXPECT_FALSE(s.prefs.large_text);
  EXPECT_FALSE(s.prefs.high_contrast);
  EXPECT_EQ(s.prefs.input, InputMethod::telex);
  // What belongs to the kiosk stays.
  EXPECT_EQ(s.kiosk_id, "KIOSK-01");
  EXPECT_EQ(s.agency_id, "H41.26.01");
}

TEST(Session, GoingHomeKeepsTheAccessibilityChoicesOfThePersonStillThere) {
  AppState s = busy_session();
  wipe_session(s, false);
  EXPECT_TRUE(personal_data_left(s).empty());
  EXPECT_TRUE(s.prefs.large_text);
  EXPECT_TRUE(s.prefs.high_contrast);
}
