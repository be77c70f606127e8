// The kiosk's disk fills up. The kiosk's data directory lives on a small tmpfs
// mounted for the test (skipped, saying why, where mounting is not allowed).
// Submitting through the kiosk's worker (kiosk::Backend, what the screens
// call) must fail with Errc::disk_full — the code the submit screen turns into
// "Bộ nhớ của máy đã đầy…" — leave nothing half-written, keep every queued
// dossier intact, and work again, delivering everything once, when space returns.

#include <condition_variable>
#include <mutex>
#include <variant>

#include "fault/fault_fixture.hpp"
#include "model/backend.hpp"

using namespace motcua;
using namespace motcua::fault;

namespace {

// The kiosk's worker thread, offline (the sync engine runs separately here so
// the test decides when the link is up).
class Worker {
 public:
  Worker(const std::filesystem::path& data, const Clock& clock)
      : backend_(make_config(data), clock, [this] {
          {
            std::lock_guard lock(mutex_);
            ++wakes_;
          }
          cv_.notify_all();
        }) {
    backend_.start();
  }

  // Submits as the screen does and waits for the receipt or the failure.
  std::variant<kiosk::Receipt, Error> submit(client::NewDossier d) {
    const auto request = backend_.submit(std::move(d));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    for (;;) {
      for (auto& ev : backend_.drain()) {
        if (auto* r = std::get_if<kiosk::ReceiptReady>(&ev); r && r->request == request) return r->receipt;
        if (auto* f = std::get_if<kiosk::SubmitFailed>(&ev); f && f->request == request) return f->error;
      }
      std::unique_lock lock(mutex_);
      const auto seen = wakes_;
      if (!cv_.wait_until(lock, deadline, [&] { return wakes_ != seen; }))
        return Error{Errc::internal, "the worker never answered"};
    }
  }

 private:
  static kiosk::BackendConfig make_config(const std::filesystem::path& data) {
    kiosk::BackendConfig c;
    c.data_dir = data;
    return c;
  }
  std::mutex mutex_;
  std::condition_variable cv_;
  std::uint64_t wakes_ = 0;
  kiosk::Backend backend_;
};

class DiskFull : public FaultFixture {
 protected:
  std::optional<SmallDisk> disk;  // destroyed (unmounted) before the temp dir goes

  bool move_kiosk_to_small_disk(std::uint64_t bytes, const std::string& extra_options = {}) {
    std::string why;
    if (auto mounted = SmallDisk::mount(dir / "small-disk", bytes, why, extra_options)) disk.emplace(std::move(*mounted));
    if (!disk) {
      std::cout << "[fault] cannot mount a small disk here: " << why << std::endl;
      return false;
    }
    // The enrolment bundle (configuration, keys, certificates) moves with it.
    for (const auto& f : std::filesystem::directory_iterator(kiosk))
      if (f.is_regular_file()) std::filesystem::copy_file(f.path(), disk->dir() / f.path().filename());
    kiosk = disk->dir();
    return true;
  }

  // Records a receipt the worker issued (the pages' digests from the spec).
  void record(const kiosk::Receipt& r, std::uint64_t n, int pages, std::size_t bytes) {
    ManifestEntry m{n, r.client_id, r.provisional ? r.provisional_code : r.code, r.secret, {}};
    for (int p = 1; p <= pages; ++p) m.page_sha256.push_back(page_sha256({n, p, bytes}));
    receipts.push_back(std::move(m));
  }

  // Nothing half-written: every row complete, no files without a row, the
  // database intact, every queued page byte-identical.
  void expect_nothing_half_written(std::int64_t queued) {
    const auto c = check_delivery(hub, kiosk, kKioskId, receipts, false);
    EXPECT_TRUE(c.problems.empty()) << c.summary();
    EXPECT_EQ(c.orphan_dirs, 0u) << "a failed submission left files behind";
    EXPECT_EQ(c.queued, static_cast<std::size_t>(queued));
    EXPECT_EQ(c.unrecorded, 0u) << "a submission that failed on screen was queued anyway";
  }
};

constexpr int kPages = 2;
constexpr std::size_t kPageBytes = 256 * 1024;

}  // namespace

TEST_F(DiskFull, SubmittingOnAFullDiskFailsClearlyCorruptsNothingAndResumesWhenSpaceReturns) {
  if (!move_kiosk_to_small_disk(8u << 20)) GTEST_SKIP() << "mounting a tmpfs needs root (CAP_SYS_ADMIN)";
  // A kiosk in service: it has its catalog and leased codes, then the link goes
  // down and dossiers queue up.
  ASSERT_TRUE(pass());
  proxy.set_mode(LinkMode::refuse);
  std::int64_t queued = 0;
  {
    Worker worker(kiosk, clock);
    auto submit = [&](std::uint64_t n) {
      auto r = worker.submit(make_dossier(n, kPages, kPageBytes));
      if (auto* receipt = std::get_if<kiosk::Receipt>(&r)) {
        record(*receipt, n, kPages, kPageBytes);
        ++queued;
        return std::optional<Error>{};
      }
      return std::optional<Error>(std::get<Error>(r));
    };

    // Two dossiers queued while the kiosk is offline.
    ASSERT_FALSE(submit(next_dossier++));
    ASSERT_FALSE(submit(next_dossier++));

    // The disk fills up completely.
    disk->fill(0);
    auto full = submit(next_dossier++);
    ASSERT_TRUE(full) << "a submission succeeded on a full disk";
    EXPECT_EQ(full->code, Errc::disk_full) << full->describe();
    std::cout << "[fault] on a full disk: " << full->describe() << std::endl;
    expect_nothing_half_written(queued);

    // Every amount of space left in between: the failure moves from the first
    // page, to the second, to the database commit; each time all or nothing.
    int failed = 0, accepted = 0;
    for (const std::uint64_t leave_kb : std::initializer_list<std::uint64_t>{8, 64, 200, 300, 480, 508, 512, 516, 520,
                                                                             524, 528, 536, 552, 600, 700, 900}) {
      disk->free_filler();
      disk->fill(leave_kb * 1024);
      const auto err = submit(next_dossier++);
      if (err) {
        EXPECT_EQ(err->code, Errc::disk_full) << "with " << leave_kb << " KiB left: " << err->describe();
        ++failed;
      } else {
        ++accepted;
      }
      expect_nothing_half_written(queued);
    }
    std::cout << "[fault] space sweep: " << failed << " refused, " << accepted << " accepted" << std::endl;
    EXPECT_GT(failed, 0);

    // The link returns while the disk is still full. Syncing must not lose or
    // duplicate anything (whether it manages to deliver is secondary).
    proxy.set_mode(LinkMode::pass);
    disk->free_filler();
    disk->fill(0);
    auto while_full = pass();
    std::cout << "[fault] sync pass on a full disk: " << (while_full ? "ok" : while_full.error().describe())
              << ", still queued " << depth() << std::endl;

    // Space returns: the kiosk takes dossiers again.
    disk->free_filler();
    ASSERT_FALSE(submit(next_dossier++)) << "the kiosk does not recover when space returns";
  }
  for (int i = 0; i < 3 && depth() > 0; ++i) (void)pass();
  EXPECT_EQ(depth(), 0);
  expect_exactly_once();
}

TEST_F(DiskFull, RunningOutOfInodesIsReportedAsADiskFullError) {
  // A disk full of small files (logs, thumbnails) has space but no inode left:
  // the citizen must see the same "storage is full" message, not "try again".
  if (!move_kiosk_to_small_disk(8u << 20, "nr_inodes=200")) GTEST_SKIP() << "mounting a tmpfs needs root (CAP_SYS_ADMIN)";
  Worker worker(kiosk, clock);
  const std::uint64_t first = next_dossier++;
  auto ok = worker.submit(make_dossier(first, 1, 4096));
  ASSERT_TRUE(std::holds_alternative<kiosk::Receipt>(ok));
  record(std::get<kiosk::Receipt>(ok), first, 1, 4096);

  disk->fill_inodes();
  auto r = worker.submit(make_dossier(next_dossier++, 1, 4096));
  ASSERT_TRUE(std::holds_alternative<Error>(r)) << "a submission succeeded without a free inode";
  const auto& e = std::get<Error>(r);
  std::cout << "[fault] without inodes: " << e.describe() << std::endl;
  EXPECT_EQ(e.code, Errc::disk_full) << e.describe();
  expect_nothing_half_written(1);

  disk->free_filler();
  const std::uint64_t later = next_dossier++;
  auto again = worker.submit(make_dossier(later, 1, 4096));
  ASSERT_TRUE(std::holds_alternative<kiosk::Receipt>(again));
  record(std::get<kiosk::Receipt>(again), later, 1, 4096);
}
