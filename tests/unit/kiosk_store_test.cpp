#include <gtest/gtest.h>

#include "motcua/client/kiosk_store.hpp"
#include "motcua/crypto/hash.hpp"
#include "motcua/domain/dossier_code.hpp"
#include "motcua/util/fs.hpp"
#include "motcua/protocol/envelope.hpp"
#include "support/seal_key.hpp"
#include "support/temp_dir.hpp"

using namespace motcua;
using namespace motcua::client;

namespace {
NewDossier sample(std::string doc_id = "d1") {
  NewDossier d;
  d.service_code = "1.001193";
  d.agency_id = "H44.27.05";
  d.service_name = "Đăng ký khai sinh";
  d.applicant = {"Nguyễn Văn An", "0912345678"};
  d.documents.push_back({std::move(doc_id), "Tờ khai", "image/jpeg", std::vector<std::uint8_t>(1000, 0xAB)});
  return d;
}

std::size_t files_under(const std::filesystem::path& p) {
  std::size_t n = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(p, ec); it != std::filesystem::recursive_directory_iterator(); ++it)
    if (it->is_regular_file()) ++n;
  return n;
}
}  // namespace

TEST(KioskStore, EnqueueWritesDocumentsAndQueuesTheDossier) {
  test::TempDir dir;
  ManualClock clock(from_unix_millis(1764477804123));  // 2025-11-30 Vietnam
  test::write_seal_public_key(dir.path());
  auto store = KioskStore::open(dir.path(), clock);
  ASSERT_TRUE(store) << store.error().message;
  auto e = store->enqueue(sample(), 2);
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->receipt_code, "H44.27.05-251130-T02-0001");
  EXPECT_EQ(e->state, OutboxState::queued);
  EXPECT_EQ(e->applicant_masked, "Nguyễn V** A*");
  ASSERT_EQ(e->documents.size(), 1u);
  const auto file = dir.path() / e->documents[0].path;
  auto bytes = fs::read_file(file);
  ASSERT_TRUE(bytes);
  EXPECT_GT(bytes->size(), 1000u) << "stored encrypted: header and tags added";
  EXPECT_EQ(bytes->find(std::string(100, '\xAB')), std::string::npos) << "no plaintext page on disk";
  EXPECT_EQ(crypto::sha256_hex(*bytes), e->documents[0].sha256);
  EXPECT_EQ(e->submission.documents[0].sha256, e->documents[0].sha256);
  EXPECT_TRUE(domain::normalize_lookup_secret(e->submission.lookup_secret));
  EXPECT_EQ(*store->outbox_depth(), 1);

  auto second = store->enqueue(sample(), 2);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->receipt_code, "H44.27.05-251130-T02-0002");
  EXPECT_NE(second->client_id, e->client_id);

  clock.advance(std::chrono::hours(24));
  auto next_day = store->enqueue(sample(), 2);
  EXPECT_EQ(next_day->receipt_code, "H44.27.05-251201-T02-0001");
}

TEST(KioskStore, AFailedEnqueueLeavesNothingBehind) {
  test::TempDir dir;
  SystemClock clock;
  test::write_seal_public_key(dir.path());
  auto store = KioskStore::open(dir.path(), clock);
  ASSERT_TRUE(store);
  // A document id that cannot become a file name makes the write fail midway.
  NewDossier d = sample();
  d.documents.push_back({"x/../../y", "Bad", "image/jpeg", {1, 2, 3}});
  auto e = store->enqueue(d, 1);
  ASSERT_FALSE(e);
  EXPECT_EQ(*store->outbox_depth(), 0);
  EXPECT_EQ(files_under(dir.path() / "outbox"), 0u);
}

TEST(KioskStore, SurvivesReopenWithTheQueueIntact) {
  test::TempDir dir;
  SystemClock clock;
  std::string id;
  test::write_seal_public_key(dir.path());
  {
    auto store = KioskStore::open(dir.path(), clock);
    id = store->enqueue(sample(), 1)->client_id;
  }
  auto store = KioskStore::open(dir.path(), clock);
  ASSERT_TRUE(store);
  auto pending = store->pending();
  ASSERT_TRUE(pending);
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].client_id, id);
  // Only the hub can read who applied.
  const auto& sealed = (*pending)[0].submission.sealed;
  auto key = protocol::open_data_key(test::test_seal_key(), sealed);
  ASSERT_TRUE(key) << key.error().message;
  auto applicant = protocol::open_applicant(*key, id, sealed);
  ASSERT_TRUE(applicant);
  EXPECT_EQ(applicant->name, "Nguyễn Văn An");
}

TEST(KioskStore, OutboxStatesAdvanceToDelivered) {
  test::TempDir dir;
  SystemClock clock;
  test::write_seal_public_key(dir.path());
  auto store = KioskStore::open(dir.path(), clock);
  auto e = store->enqueue(sample(), 1);
  protocol::DossierAck ack;
  ack.client_id = e->client_id;
  ack.code = "H44.27.05-251130-0042";
  ack.status = "receiving";
  ASSERT_TRUE(store->mark_created(e->client_id, ack));
  auto found = store->find(e->client_id);
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->state, OutboxState::created);
  EXPECT_EQ((*found)->display_code(), "H44.27.05-251130-0042");
  ASSERT_TRUE(store->mark_uploaded(e->client_id, "d1"));
  ASSERT_TRUE(store->record_failure(e->client_id, "network: timeout"));
  ack.status = "submitted";
  ASSERT_TRUE(store->mark_delivered(e->client_id, ack));
  EXPECT_EQ(*store->outbox_depth(), 0);
  found = store->find(e->client_id);
  EXPECT_EQ((*found)->state, OutboxState::delivered);
  EXPECT_TRUE((*found)->documents[0].uploaded);
  EXPECT_EQ((*found)->attempts, 1);

  // Delivered dossiers stay findable at this kiosk while it is offline.
  auto cached = store->cached_status(e->receipt_code, e->submission.lookup_secret);
  ASSERT_TRUE(cached && *cached);
  EXPECT_EQ((*cached)->view.code, "H44.27.05-251130-0042");
  EXPECT_EQ((*cached)->view.status_label, "Mới đăng ký");
  EXPECT_EQ((*cached)->view.agency_id, "H44.27.05");
  EXPECT_TRUE(*store->cached_status("H44.27.05-251130-0042", e->submission.lookup_secret));
}

// A feed page is applied in one transaction with the cursor's advance: a page
// that fails halfway leaves neither its first changes nor a moved cursor, so
// the next pass asks for the same page again and nothing is skipped.
TEST(KioskStore, AStatusPageAndItsCursorCommitTogetherOrNotAtAll) {
  test::TempDir dir;
  SystemClock clock;
  test::write_seal_public_key(dir.path());
  auto store = client::KioskStore::open(dir.path(), clock);
  ASSERT_TRUE(store) << store.error().message;
  protocol::StatusView a, b;
  a.code = "H44.27.05-251130-0001";
  b.code = "H44.27.05-251130-0002";
  a.status = b.status = "received";
  ASSERT_TRUE(store->cache_status(a, "K7QM"));
  ASSERT_TRUE(store->cache_status(b, "K7QN"));

  protocol::StatusPage page;
  a.status = b.status = "accepted";
  page.changes = {{1, "", a}, {2, "", b}};
  page.next = 2;
  // The second change cannot be written (as a full disk or an I/O error would do).
  ASSERT_TRUE(store->db().exec("CREATE TRIGGER refuse_b BEFORE INSERT ON status_cache "
                               "WHEN NEW.code = 'H44.27.05-251130-0002' BEGIN SELECT RAISE(ABORT, 'write failed'); END"));
  EXPECT_FALSE(store->apply_status_page(page));
  EXPECT_EQ(*store->status_cursor(), 0);
  EXPECT_EQ((*store->cached_status(a.code, "K7QM"))->view.status, "received") << "the first change stayed";

  ASSERT_TRUE(store->db().exec("DROP TRIGGER refuse_b"));
  ASSERT_TRUE(store->apply_status_page(page));
  EXPECT_EQ(*store->status_cursor(), 2);
  EXPECT_EQ((*store->cached_status(a.code, "K7QM"))->view.status, "accepted");
  EXPECT_EQ((*store->cached_status(b.code, "K7QN"))->view.status, "accepted");
}

TEST(KioskStore, ACatalogPageAndItsCursorCommitTogetherOrNotAtAll) {
  test::TempDir dir;
  SystemClock clock;
  test::write_seal_public_key(dir.path());
  auto store = client::KioskStore::open(dir.path(), clock);
  ASSERT_TRUE(store) << store.error().message;
  protocol::CatalogPage page;
  page.next = 2;
  page.changes.push_back({1, "field", "ho-tich", false, Json{{"id", "ho-tich"}, {"name", "Hộ tịch"}}});
  page.changes.push_back({2, "agency", "A1", false, Json{{"id", "A1"}, {"name", "UBND xã"}}});
  ASSERT_TRUE(store->db().exec("CREATE TRIGGER refuse_agency BEFORE INSERT ON catalog "
                               "WHEN NEW.kind = 'agency' BEGIN SELECT RAISE(ABORT, 'write failed'); END"));
  EXPECT_FALSE(store->apply_catalog_page(page));
  EXPECT_EQ(*store->catalog_cursor(), 0);
  EXPECT_TRUE(store->load_catalog()->fields.empty()) << "the field stayed without its page";
  ASSERT_TRUE(store->db().exec("DROP TRIGGER refuse_agency"));
  ASSERT_TRUE(store->apply_catalog_page(page));
  EXPECT_EQ(*store->catalog_cursor(), 2);
  EXPECT_EQ(store->load_catalog()->fields.size(), 1u);
}

TEST(KioskStore, CatalogPagesApplyChangesAndDeletions) {
  test::TempDir dir;
  SystemClock clock;
  test::write_seal_public_key(dir.path());
  auto store = KioskStore::open(dir.path(), clock);
  protocol::CatalogPage page;
  page.next = 2;
  page.changes.push_back({1, "field", "ho-tich", false, Json{{"id", "ho-tich"}, {"name", "Hộ tịch"}}});
  page.changes.push_back({2, "agency", "A1", false, Json{{"id", "A1"}, {"name", "UBND xã"}}});
  ASSERT_TRUE(store->apply_catalog_page(page));
  EXPECT_EQ(*store->catalog_cursor(), 2);
  auto c = store->load_catalog();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->fields.size(), 1u);
  EXPECT_EQ(c->agencies.size(), 1u);

  // A page whose write fails (a body that is not JSON cannot fail here, so use a
  // deleted row plus an update) still applies atomically: deletes take effect.
  protocol::CatalogPage del;
  del.next = 3;
  del.changes.push_back({3, "field", "ho-tich", true, Json()});
  ASSERT_TRUE(store->apply_catalog_page(del));
  EXPECT_EQ(*store->catalog_cursor(), 3);
  EXPECT_TRUE(store->load_catalog()->fields.empty());
}

TEST(KioskStore, StatusCacheNeedsTheRightSecret) {
  test::TempDir dir;
  SystemClock clock;
  test::write_seal_public_key(dir.path());
  auto store = KioskStore::open(dir.path(), clock);
  protocol::StatusView v;
  v.code = "H44.27.05-251130-0042";
  v.provisional_code = "H44.27.05-251130-T01-0001";
  v.status = "accepted";
  ASSERT_TRUE(store->cache_status(v, "K7QM"));
  auto hit = store->cached_status("H44.27.05-251130-0042", "K7QM");
  ASSERT_TRUE(hit && *hit);
  EXPECT_EQ((*hit)->view.status, "accepted");
  EXPECT_TRUE(*store->cached_status("H44.27.05-251130-T01-0001", "K7QM"));
  EXPECT_FALSE(*store->cached_status("H44.27.05-251130-0042", "AAAA"));
  EXPECT_FALSE(*store->cached_status("nope", "K7QM"));
}

TEST(KioskStore, LeasedCodesAreUsedBeforeProvisionalOnes) {
  test::TempDir dir;
  ManualClock clock(from_unix_millis(1764477804123));  // 2025-11-30 Vietnam
  test::write_seal_public_key(dir.path());
  auto store = KioskStore::open(dir.path(), clock);
  ASSERT_TRUE(store->add_code_lease({"H44.27.05", "251130", 41, 42}));
  ASSERT_TRUE(store->add_code_lease({"H44.27.05", "251130", 41, 42})) << "the same lease twice is harmless";
  EXPECT_EQ(*store->leased_codes_left("H44.27.05"), 2);
  auto a = store->enqueue(sample(), 3);
  auto b = store->enqueue(sample(), 3);
  auto c = store->enqueue(sample(), 3);
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(a->receipt_code, "H44.27.05-251130-0041");
  EXPECT_TRUE(a->leased);
  EXPECT_EQ(a->official_code, a->receipt_code) << "a leased code is the official code";
  EXPECT_EQ(a->submission.leased_code, a->receipt_code);
  EXPECT_FALSE(a->submission.provisional_code);
  EXPECT_EQ(b->receipt_code, "H44.27.05-251130-0042");
  EXPECT_EQ(c->receipt_code, "H44.27.05-251130-T03-0001") << "none left: provisional";
  EXPECT_FALSE(c->leased);
  EXPECT_EQ(*store->leased_codes_left("H44.27.05"), 0);

  // Yesterday's leases are not used today.
  clock.advance(std::chrono::hours(24));
  ASSERT_TRUE(store->add_code_lease({"H44.27.05", "251130", 50, 60}));
  auto d = store->enqueue(sample(), 3);
  EXPECT_EQ(d->receipt_code, "H44.27.05-251201-T03-0001");
  // A reopened store remembers which entries were leased.
  auto again = store->find(a->client_id);
  EXPECT_TRUE((*again)->leased);
}

TEST(KioskStore, NothingPersonalIsReadableOnTheKiosksDisk) {
  test::TempDir dir;
  SystemClock clock;
  test::write_seal_public_key(dir.path());
  auto store = KioskStore::open(dir.path(), clock);
  NewDossier d = sample();
  d.applicant = {"Phạm Thị Hoa", "0987654321"};
  const std::string page = "SỐ CĂN CƯỚC 001234567890 — HỌ TÊN PHẠM THỊ HOA";
  d.documents[0].bytes.assign(page.begin(), page.end());
  auto e = store->enqueue(d, 1);
  ASSERT_TRUE(e) << e.error().message;
  ASSERT_TRUE(store->db().checkpoint());
  // Every byte the kiosk wrote: database, WAL and outbox files.
  std::string everything;
  for (const auto& f : std::filesystem::recursive_directory_iterator(dir.path()))
    if (f.is_regular_file()) everything += *fs::read_file(f.path());
  for (const std::string secret : {"Phạm Thị Hoa", "0987654321", "001234567890", "HỌ TÊN"})
    EXPECT_EQ(everything.find(secret), std::string::npos) << secret;
  EXPECT_NE(everything.find("Phạm T** H**"), std::string::npos) << "the masked summary stays readable";
}

TEST(KioskStore, RefusesDossiersWithoutTheHubsSealingKey) {
  test::TempDir dir;
  SystemClock clock;
  auto store = KioskStore::open(dir.path(), clock);
  auto e = store->enqueue(sample(), 1);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code, Errc::unavailable);
  EXPECT_NE(e.error().message.find("kiosk-bundle"), std::string::npos);
  EXPECT_EQ(*store->outbox_depth(), 0);
}
