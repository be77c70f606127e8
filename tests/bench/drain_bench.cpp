// Figure d of issue 4 for docs/performance.md: the time a kiosk takes to drain
// a backlog after reconnecting, as a ratio to the raw transfer of the same bytes.
//
// A real motcua-hub process on loopback with TLS; a kiosk data directory with the
// real KioskStore; DOSSIERS dossiers of DOCS documents of DOC_BYTES random bytes
// each are queued while the sync engine is not running (sealed and written as
// the kiosk does when a citizen confirms). Then the real SyncEngine starts and
// the clock runs until the outbox is empty — every dossier created, every
// document uploaded (tus) and the dossier sealed by the hub. The raw transfer is
// the same number of bytes (the sealed documents' total) in one file sent by
// curl to the same hub in one tus upload (raw_transfer.hpp); a second raw
// transfer sends one sealed document of that size, which the hub opens and
// stores like the kiosk's pages, so the ratio to it leaves out the work of
// opening sealed documents and shows the sync's own overhead. Each run uses a
// fresh hub; runs alternate raw and drain, with the disk flushed before each.
// Afterwards the hub is checked: every dossier sealed, every document received.
//
// usage: motcua_drain_bench [DOSSIERS=500] [DOCS=3] [DOC_BYTES=1000000] [RUNS=3] [COURIERS=SyncConfig's default] [early]
// early: every dossier's official code is recorded before its upload, as for a
// dossier a citizen waits for (SyncConfig::announce_code_within of a day), to
// measure what that extra commit per dossier would cost a drain.
// MOTCUA_TEST_HUB_DB=postgres runs the hub on PostgreSQL (tests/support/hub_process.hpp).
// Prints figures; never fails on a goal (benchmarks measure, docs judge).

#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <random>
#include <string>

#include "motcua/client/kiosk_store.hpp"
#include "motcua/client/sync_engine.hpp"
#include "motcua/crypto/envelope.hpp"
#include "motcua/crypto/hash.hpp"
#include "motcua/util/fs.hpp"
#include "motcua/util/log.hpp"
#include "raw_transfer.hpp"
#include "support/hub_process.hpp"
#include "support/temp_dir.hpp"

using namespace motcua;
namespace stdfs = std::filesystem;
using Steady = std::chrono::steady_clock;

namespace {

struct Figures {
  double drain_s = -1, raw_s = -1;
  double drain_hub_cpu = 0, drain_kiosk_cpu = 0;
  double raw_hub_cpu = 0;
  int raw_pieces = 0;
  double sealed_s = -1, sealed_hub_cpu = 0;  // the raw transfer of one sealed document
  std::int64_t bytes = 0;
  bool complete = false;
};

std::vector<std::uint8_t> random_bytes(std::size_t n, std::mt19937_64& rng) {
  std::vector<std::uint8_t> out(n);
  for (std::size_t i = 0; i < n; i += 8) {
    const std::uint64_t w = rng();
    for (std::size_t b = 0; b < 8 && i + b < n; ++b) out[i + b] = static_cast<std::uint8_t>(w >> (8 * b));
  }
  return out;
}

struct Raw {
  double seconds = -1, hub_cpu = 0;
  int pieces = 0;
};

// curl sends `bytes` (about, when sealed) to the hub in one tus upload.
Raw raw_transfer(test::HubProcess& hub, const stdfs::path& kiosk, const stdfs::path& dir, std::int64_t bytes, bool sealed) {
  const auto dossier = bench::new_raw_dossier(kiosk);
  std::vector<stdfs::path> pieces;
  crypto::Sha256 whole;
  std::int64_t size = 0;
  auto add_piece = [&](std::span<const std::uint8_t> piece) {
    pieces.push_back(dir / ("raw" + std::to_string(pieces.size()) + ".bin"));
    if (!fs::write_file_durable(pieces.back(), piece, 0600)) throw std::runtime_error("cannot write a raw piece");
    whole.update(piece);
    size += static_cast<std::int64_t>(piece.size());
  };
  constexpr std::int64_t kPiece = 200000000;
  if (!sealed) {
    std::mt19937_64 rng(99);
    for (std::int64_t left = bytes; left > 0; left -= kPiece)
      add_piece(random_bytes(static_cast<std::size_t>(std::min(left, kPiece)), rng));
  } else {
    // The plaintext a little shorter, so that the sealed file (a header, a
    // 16-byte tag per MiB) has about `bytes` bytes.
    std::mt19937_64 rng(98);
    const auto plain = random_bytes(static_cast<std::size_t>(bytes - 16 * (bytes >> 20) - 64), rng);
    const auto enc = crypto::encrypt_chunked(dossier.sealed.key, plain);
    const std::span<const std::uint8_t> all(enc);
    for (std::size_t at = 0; at < all.size(); at += static_cast<std::size_t>(kPiece))
      add_piece(all.subspan(at, std::min(all.size() - at, static_cast<std::size_t>(kPiece))));
  }
  bench::declare_raw_document(hub.kiosk_endpoint(kiosk), dossier, size, crypto::hex(whole.finish()),
                              sealed ? protocol::kEncodingSealed : protocol::kEncodingIdentity);
  ::sync();
  Raw r;
  r.pieces = static_cast<int>(pieces.size());
  const double h0 = bench::process_cpu_seconds(hub.pid());
  r.seconds = bench::curl_tus_upload(hub.url(), kiosk, pieces, dossier.client_id);
  r.hub_cpu = bench::process_cpu_seconds(hub.pid()) - h0;
  for (const auto& p : pieces) {
    std::error_code ec;
    stdfs::remove(p, ec);
  }
  return r;
}

Figures run_once(int run, int dossiers, int docs, std::size_t doc_bytes, int couriers, bool early) {
  Figures f;
  test::TempDir dir;
  test::HubProcess hub(dir.path());
  const stdfs::path kiosk = hub.make_kiosk("KIOSK-DRAIN");
  SystemClock clock;

  // The backlog, queued while offline.
  {
    auto store = client::KioskStore::open(kiosk, clock);
    if (!store) throw std::runtime_error("kiosk store: " + store.error().message);
    std::mt19937_64 rng(static_cast<std::uint64_t>(run) * 7919 + 1);
    const auto t0 = Steady::now();
    for (int i = 0; i < dossiers; ++i) {
      client::NewDossier d;
      d.service_code = "1.001193";
      d.agency_id = "H44.27.05";
      d.service_name = "Đăng ký khai sinh";
      d.applicant = {"Nguyễn Văn An", "0912345678"};
      for (int k = 0; k < docs; ++k)
        d.documents.push_back({"d" + std::to_string(k + 1), "Trang " + std::to_string(k + 1), "image/jpeg",
                               random_bytes(doc_bytes, rng)});
      auto e = store->enqueue(d, 1);
      if (!e) throw std::runtime_error("enqueue: " + e.error().message);
      for (const auto& doc : e->documents) f.bytes += doc.size;
    }
    std::printf("run %d: queued %d dossiers × %d documents (%.1f MB sealed) in %.1f s\n", run, dossiers, docs,
                static_cast<double>(f.bytes) / 1e6, std::chrono::duration<double>(Steady::now() - t0).count());
  }

  // Raw transfers of the same number of bytes (files written before the
  // clock starts), in pieces of at most 200 MB (the hub takes at most 256 MiB
  // per request): random bytes sent as is, then one sealed document that the
  // hub opens and stores as it does the kiosk's pages.
  const auto raw = raw_transfer(hub, kiosk, dir.path(), f.bytes, false);
  f.raw_s = raw.seconds;
  f.raw_hub_cpu = raw.hub_cpu;
  f.raw_pieces = raw.pieces;
  const auto raw_sealed = raw_transfer(hub, kiosk, dir.path(), f.bytes, true);
  f.sealed_s = raw_sealed.seconds;
  f.sealed_hub_cpu = raw_sealed.hub_cpu;

  // The drain: the sync engine starts and runs until the outbox is empty.
  {
    auto watch = client::KioskStore::open(kiosk, clock);
    if (!watch) throw std::runtime_error("kiosk store: " + watch.error().message);
    std::mutex m;
    std::condition_variable cv;
    bool changed = false;
    auto config = hub.sync_config(kiosk);
    if (couriers > 0) config.parallel_dossiers = couriers;
    if (early) config.announce_code_within = std::chrono::hours(24);
    client::SyncEngine engine(config, clock);
    engine.set_listener([&](client::SyncEvent) {
      std::lock_guard lock(m);
      changed = true;
      cv.notify_all();
    });
    ::sync();
    std::printf("run %d: draining (hub pid %d)\n", run, static_cast<int>(hub.pid()));
    std::fflush(stdout);
    const double h0 = bench::process_cpu_seconds(hub.pid());
    const double k0 = bench::self_cpu_seconds();
    const auto t0 = Steady::now();
    engine.start();
    const auto deadline = t0 + std::chrono::minutes(30);
    for (;;) {
      {
        std::unique_lock lock(m);
        cv.wait_for(lock, std::chrono::milliseconds(50), [&] { return changed; });
        changed = false;
      }
      auto depth = watch->outbox_depth();
      if (depth && *depth == 0) break;
      if (Steady::now() > deadline) {
        std::printf("run %d: the outbox did not drain in 30 min (%s)\n", run, engine.state().last_error.c_str());
        return f;
      }
    }
    f.drain_s = std::chrono::duration<double>(Steady::now() - t0).count();
    f.drain_hub_cpu = bench::process_cpu_seconds(hub.pid()) - h0;
    f.drain_kiosk_cpu = bench::self_cpu_seconds() - k0;
    engine.stop();
  }

  // Everything arrived: every dossier sealed with every document received.
  client::HubClient admin(hub.admin_endpoint());
  auto list = admin.admin_list_dossiers("", 1000);
  int sealed = 0, documents = 0;
  if (list)
    for (const auto& s : *list) {
      if (s.status != "submitted") continue;
      ++sealed;
      if (auto detail = admin.admin_show_dossier(s.code))
        for (const auto& d : detail->documents) documents += d.received ? 1 : 0;
    }
  f.complete = sealed == dossiers && documents == dossiers * docs;
  std::printf("run %d: raw %.2f s (%d PATCHes, hub cpu %.2f s), raw sealed %.2f s (hub cpu %.2f s); drain %.2f s (hub cpu %.2f s, "
              "kiosk cpu %.2f s); ratio %.2f (to the sealed raw %.2f); hub has %d sealed dossiers, %d documents received%s\n",
              run, f.raw_s, f.raw_pieces, f.raw_hub_cpu, f.sealed_s, f.sealed_hub_cpu, f.drain_s, f.drain_hub_cpu,
              f.drain_kiosk_cpu, f.drain_s / f.raw_s, f.drain_s / f.sealed_s, sealed, documents,
              f.complete ? "" : " — INCOMPLETE");
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  const int dossiers = argc > 1 ? std::stoi(argv[1]) : 500;
  const int docs = argc > 2 ? std::stoi(argv[2]) : 3;
  const auto doc_bytes = static_cast<std::size_t>(argc > 3 ? std::stoll(argv[3]) : 1000000);
  const int runs = argc > 4 ? std::stoi(argv[4]) : 3;
  const int couriers = argc > 5 ? std::stoi(argv[5]) : 0;
  const bool early = argc > 6 && std::string(argv[6]) == "early";
  log::set_level(log::Level::warn);
  try {
    std::vector<double> ratios, sealed_ratios, drains, raws, sealed_raws;
    std::int64_t bytes = 0;
    for (int run = 1; run <= runs; ++run) {
      const auto f = run_once(run, dossiers, docs, doc_bytes, couriers, early);
      if (f.drain_s <= 0 || f.raw_s <= 0) continue;
      bytes = f.bytes;
      ratios.push_back(f.drain_s / f.raw_s);
      drains.push_back(f.drain_s);
      raws.push_back(f.raw_s);
      if (f.sealed_s > 0) {
        sealed_ratios.push_back(f.drain_s / f.sealed_s);
        sealed_raws.push_back(f.sealed_s);
      }
    }
    if (ratios.empty()) return 1;
    const double mb = static_cast<double>(bytes) / 1e6;
    std::printf("drain of %d dossiers × %d × %zu bytes (%.0f MB), %zu runs, %d couriers, %s backend: drain %.2f s median (%.0f MB/s, %.1f dossiers/s), "
                "raw %.2f s median (%.0f MB/s); ratio median %.2f (goal <= 1.2); raw of one sealed document %.2f s median, "
                "ratio to it %.2f\n",
                dossiers, docs, doc_bytes, mb, ratios.size(), couriers > 0 ? couriers : client::SyncConfig{}.parallel_dossiers,
                test::backend_from_env() == test::HubBackend::postgres ? "PostgreSQL" : "SQLite", bench::median(drains),
                mb / bench::median(drains), dossiers / bench::median(drains), bench::median(raws), mb / bench::median(raws),
                bench::median(ratios), bench::median(sealed_raws), bench::median(sealed_ratios));
  } catch (const std::exception& e) {
    std::cerr << "motcua_drain_bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
