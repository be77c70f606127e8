// The sync engine's retry pacing (client::next_backoff_step, backoff_wait) and
// the feed pages' atomicity in the kiosk's database.
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "motcua/client/kiosk_store.hpp"
#include "motcua/client/sync_engine.hpp"
#include "support/seal_key.hpp"
#include "support/temp_dir.hpp"

namespace motcua {
namespace {

using namespace std::chrono_literals;
using client::backoff_wait;
using client::next_backoff_step;

TEST(Backoff, DoublesFromTheMinimumAfterEachFailureUpToTheCap) {
  std::vector<std::chrono::milliseconds> steps;
  std::chrono::milliseconds step{0};  // after a success
  for (int i = 0; i < 12; ++i) steps.push_back(step = next_backoff_step(step, 500ms, 60000ms));
  const std::vector<std::chrono::milliseconds> expected{500ms,   1000ms,  2000ms,  4000ms,  8000ms,  16000ms,
                                                        32000ms, 60000ms, 60000ms, 60000ms, 60000ms, 60000ms};
  EXPECT_EQ(steps, expected);
  // A cap that is not a power-of-two multiple of the minimum is reached, not passed.
  EXPECT_EQ(next_backoff_step(700ms, 500ms, 1000ms), 1000ms);
  // Huge steps do not overflow.
  const std::chrono::milliseconds huge{std::chrono::milliseconds::max().count() / 2 + 1};
  EXPECT_EQ(next_backoff_step(huge, 1ms, std::chrono::milliseconds::max()), std::chrono::milliseconds::max());
}

TEST(Backoff, TheWaitIsSpreadOverTheUpperHalfOfTheStep) {
  std::mt19937_64 rng(11);
  std::set<long> seen;
  double sum = 0;
  constexpr int kDraws = 20000;
  for (int i = 0; i < kDraws; ++i) {
    const auto w = backoff_wait(8000ms, rng());
    ASSERT_GE(w, 4000ms);
    ASSERT_LE(w, 8000ms);
    seen.insert(static_cast<long>(w.count()));
    sum += static_cast<double>(w.count());
  }
  // Kiosks that lost the hub together come back spread out, not in step.
  EXPECT_GT(seen.size(), 3000u);
  EXPECT_NEAR(sum / kDraws, 6000.0, 60.0);
  EXPECT_EQ(backoff_wait(0ms, rng()), 0ms);
  EXPECT_EQ(backoff_wait(1ms, 0), 0ms);
}

// A feed page is applied in one transaction with the cursor's advance: a page
// that fails halfway leaves neither its first changes nor a moved cursor, so
// the next pass asks for the same page again and nothing is skipped.
TEST(FeedPages, AStatusPageAndItsCursorCommitTogetherOrNotAtAll) {
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

TEST(FeedPages, ACatalogPageAndItsCursorCommitTogetherOrNotAtAll) {
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

}  // namespace
}  // namespace motcua
