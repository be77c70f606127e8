// Two motcua-hub processes on one PostgreSQL database serve the same kiosks at
// once (docs/postgres.md). Kiosks send every create to both hubs at the same
// moment and once more, as after a lost acknowledgement, upload (tus, as kiosks
// do) and seal on both at once, and follow their status feed from either hub
// with a cursor; pairs of officials on different hubs fire each transition of
// the same dossier at the same moment; catalog imports run through both hubs
// meanwhile; triggers make half of the feed writers slow to commit.
// Afterwards: no duplicate dossier, no code issued twice, no gap in a day's
// sequence except leased codes left unused, no skipped status or catalog
// change, no stale lookup, and exactly one winner of each racing transition.
// Also: a tus upload created on one hub and continued on the other (a load
// balancer sends the next PATCH elsewhere), and hubs initialising one database
// at the same moment (migrations under an advisory lock).

#include <gtest/gtest.h>
#include <httplib.h>
#include <sys/stat.h>

#include <atomic>
#include <barrier>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <mutex>
#include <csignal>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "motcua/client/tus_uploader.hpp"
#include "motcua/crypto/hash.hpp"
#include "motcua/crypto/random.hpp"
#include "motcua/protocol/chunks.hpp"
#include "motcua/util/fs.hpp"
#include "motcua/util/ids.hpp"
#include "support/hub_process.hpp"
#include "support/raw_tus.hpp"
#include "support/temp_dir.hpp"

using namespace motcua;
using test::digest_checked_by;
using test::RawTus;
namespace stdfs = std::filesystem;

namespace {

constexpr int kKiosks = 3;
constexpr int kSubmittersPerKiosk = 2;
constexpr int kDossiersPerSubmitter = 12;
constexpr int kLeasedPerKiosk = 4;  // printed on the first receipts; some stay unused
constexpr int kImports = 12;  // per importer
constexpr int kOfficialPairs = 3;
const std::vector<std::string> kActions = {"accept", "process", "finish", "return-result"};

struct ServicePick {
  const char* code;
  const char* agency;
};
// Two agencies: each has its own daily sequence.
constexpr ServicePick kServices[] = {{"1.001193", "H44.27.05"}, {"1.004222", "H44.27.05.01"}};
const std::string kImportedServices[] = {"1.000894", "1.000656"};  // renamed by the catalog imports

struct Sealed {
  std::string kiosk_id, client_id, code, secret;
};

// What the submitters have sealed so far, for the officials and the lookups.
struct SealedList {
  std::mutex m;
  std::condition_variable grew;
  std::vector<Sealed> items;
  bool done = false;

  void add(Sealed s) {
    {
      std::lock_guard lock(m);
      items.push_back(std::move(s));
    }
    grew.notify_all();
  }
  void finish() {
    {
      std::lock_guard lock(m);
      done = true;
    }
    grew.notify_all();
  }
  // The i-th sealed dossier, waiting for it; nullopt when no more will come.
  std::optional<Sealed> at(std::size_t i) {
    std::unique_lock lock(m);
    grew.wait(lock, [&] { return i < items.size() || done; });
    if (i < items.size()) return items[i];
    return std::nullopt;
  }
  std::optional<Sealed> random() {
    std::lock_guard lock(m);
    if (items.empty()) return std::nullopt;
    std::uint32_t r = 0;
    crypto::random_bytes({reinterpret_cast<std::uint8_t*>(&r), sizeof r});
    return items[r % items.size()];
  }
};

// Runs two calls at the same moment (as good as threads allow) and returns both results.
template <class F, class G>
auto both_at_once(F&& f, G&& g) {
  std::barrier<> start(2);
  decltype(f()) a;
  decltype(g()) b;
  std::thread t([&] {
    start.arrive_and_wait();
    a = f();
  });
  start.arrive_and_wait();
  b = g();
  t.join();
  return std::make_pair(std::move(a), std::move(b));
}

struct CreateAnswer {
  long http = 0;
  std::optional<protocol::DossierAck> ack;
  std::string error;
};

// POST /dossiers through the low-level call, to see 201 (created) vs 200 (repeat).
CreateAnswer create(client::HubClient& c, const protocol::Submission& s) {
  CreateAnswer out;
  auto r = c.request("POST", "/dossiers", protocol::to_json(s).dump());
  if (!r) {
    out.error = r.error().message;
    return out;
  }
  out.http = r->status;
  auto j = parse_json(r->body);
  if (!j) {
    out.error = "HTTP " + std::to_string(r->status) + ": " + r->body;
    return out;
  }
  if (auto a = protocol::dossier_ack_from_json(*j)) out.ack = std::move(*a);
  else out.error = "HTTP " + std::to_string(r->status) + ": " + r->body;
  return out;
}

// The hub serves 16 connections at a time (one thread each, kept alive 2 s);
// this test keeps about 15 busy per hub on a shared 2-core machine, so a new
// connection may wait for a thread longer than the usual test timeout.
client::HubEndpoint patient(client::HubEndpoint ep) {
  ep.connect_timeout = std::chrono::seconds(20);
  ep.request_timeout = std::chrono::seconds(60);
  return ep;
}

// Slow commits, injected from the database side (the test owns its database):
// triggers sleep inside the writing transaction after it took its feed
// position, so other writers have every chance to commit past it and a kiosk
// to read past it. Positions that commit in the order they were taken (the
// counter rows of docs/postgres.md) keep every change readable; a SEQUENCE
// would lose some, and the skip checks below notice.
void slow_down_feed_writers(const std::string& db_url) {
  const std::string sql = R"sql(
CREATE FUNCTION motcua_test_slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF random() < 0.5 THEN PERFORM pg_sleep(0.01 + random() * 0.04); END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER test_slow_status AFTER UPDATE OF status_seq ON dossiers
  FOR EACH ROW EXECUTE FUNCTION motcua_test_slow_commit();
CREATE TRIGGER test_slow_catalog AFTER INSERT OR UPDATE ON catalog_entities
  FOR EACH STATEMENT EXECUTE FUNCTION motcua_test_slow_commit();
)sql";
  auto r = test::run_command({"/usr/bin/psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db_url, "-c", sql});
  ASSERT_EQ(r.exit_code, 0) << r.err;
}

std::string code_of(const std::string& agency, const std::string& day, int seq) {
  char n[16];
  std::snprintf(n, sizeof n, "%04d", seq);
  return agency + "-" + day + "-" + n;
}

// ---- raw tus requests (as tests/integration/tus_test.cpp sends them), for an
// upload that moves between the two hubs request by request.

constexpr std::int64_t MiB = 1 << 20;

std::string random_bytes_of(std::int64_t size, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string out(static_cast<std::size_t>(size), '\0');
  for (auto& c : out) c = static_cast<char>(rng());
  return out;
}

// The status of a request, or -1 when it got no answer.
int status_of(const httplib::Result& r) { return r ? r->status : -1; }

bool logged(const stdfs::path& log, const std::string& text) {
  const auto content = fs::read_file(log);
  return content && content->find(text) != std::string::npos;
}

// Whether process `pid` holds a flock() on `file`, as /proc/locks says —
// looked at without touching the lock itself.
bool holds_flock(pid_t pid, const stdfs::path& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return false;
  std::ifstream locks("/proc/locks");
  for (std::string line; std::getline(locks, line);) {
    // "1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF"; waiters have "->" after the number.
    std::istringstream in(line);
    std::string number, type, kind, mode, holder, where;
    in >> number >> type;
    if (type == "->") in >> type;
    in >> kind >> mode >> holder >> where;
    if (type != "FLOCK" || holder != std::to_string(pid)) continue;
    const auto colon = where.rfind(':');
    if (colon != std::string::npos && where.substr(colon + 1) == std::to_string(st.st_ino)) return true;
  }
  return false;
}

class TwoHubs : public ::testing::Test {
 protected:
  test::TempDir dir;
  test::HubProcess hub_a{dir.path(), test::HubBackend::postgres};
  test::HubProcess hub_b{dir / "second", hub_a};
  SystemClock clock;
};

}  // namespace

TEST_F(TwoHubs, ServeTheSameKiosksWithoutDuplicatesGapsOrLostChanges) {
  ASSERT_EQ(hub_a.db(), hub_b.db());
  ASSERT_NE(hub_a.url(), hub_b.url());
  slow_down_feed_writers(hub_a.db());
  if (HasFatalFailure()) return;

  std::vector<std::string> kiosk_ids;
  std::vector<stdfs::path> kiosk_dirs;
  for (int k = 1; k <= kKiosks; ++k) {
    kiosk_ids.push_back("KIOSK-0" + std::to_string(k));
    // Enrolled through one hub, known to both: the kiosk table is shared.
    kiosk_dirs.push_back(hub_a.make_kiosk(kiosk_ids.back()));
  }
  auto client_a = [&](int k) { return client::HubClient(patient(hub_a.kiosk_endpoint(kiosk_dirs[static_cast<std::size_t>(k)]))); };
  auto client_b = [&](int k) { return client::HubClient(patient(hub_b.kiosk_endpoint(kiosk_dirs[static_cast<std::size_t>(k)]))); };
  auto admin_a = [&] { return client::HubClient(patient(hub_a.admin_endpoint())); };
  auto admin_b = [&] { return client::HubClient(patient(hub_b.admin_endpoint())); };

  // Each kiosk leases a block of codes from the first agency, half through each hub.
  std::vector<protocol::CodeLease> leases(kKiosks);
  for (int k = 0; k < kKiosks; ++k) {
    auto c = k % 2 == 0 ? client_a(k) : client_b(k);
    auto lease = c.lease_codes(kServices[0].agency, kLeasedPerKiosk);
    ASSERT_TRUE(lease) << lease.error().message;
    leases[static_cast<std::size_t>(k)] = *lease;
  }

  SealedList sealed;
  std::mutex m;  // guards the records below
  std::vector<std::string> failures;
  auto failure = [&](std::string what) {
    std::lock_guard lock(m);
    failures.push_back(std::move(what));
  };
  std::map<std::string, std::string> code_by_client;  // every ack's code, by kiosk/client
  std::atomic<int> created_201{0};
  std::atomic<bool> acting{true};

  // ---- submitters: create ×3 (both hubs at once, then a retry), upload to both at once, seal on both at once
  auto submitter = [&](int k, int t) {
    auto a = client_a(k);
    auto b = client_b(k);
    client::TusUploader tus_a(patient(hub_a.kiosk_endpoint(kiosk_dirs[static_cast<std::size_t>(k)])));
    client::TusUploader tus_b(patient(hub_b.kiosk_endpoint(kiosk_dirs[static_cast<std::size_t>(k)])));
    UuidV7Generator ids{clock, [](std::span<std::uint8_t> bytes) { crypto::random_bytes(bytes); }};
    const auto& lease = leases[static_cast<std::size_t>(k)];
    for (int i = 0; i < kDossiersPerSubmitter; ++i) {
      const auto& svc = kServices[i % 2];
      protocol::Submission s;
      s.client_id = ids.next().str();
      s.service_code = svc.code;
      s.submitted_at = format_utc(clock.now());
      s.lookup_secret = "K7QM";
      s.sealed = hub_a.seal_for_hub(s.client_id, {"Nguyễn Văn An", "0912345678"}).envelope;
      // The first submitter of each kiosk prints its leased codes on its first receipts.
      const int leased_index = i / 2;
      if (t == 0 && i % 2 == 0 && leased_index < kLeasedPerKiosk - 1)
        s.leased_code = code_of(lease.agency_id, lease.day, lease.first + leased_index);
      const std::string content = "trang 1 của " + s.client_id;
      s.documents.push_back({"d1", "Tờ khai", "image/jpeg", static_cast<std::int64_t>(content.size()),
                             crypto::sha256_hex(content), std::string(protocol::kEncodingIdentity)});
      const std::string key = kiosk_ids[static_cast<std::size_t>(k)] + "/" + s.client_id;

      auto [ca, cb] = both_at_once([&] { return create(a, s); }, [&] { return create(b, s); });
      auto retry = create(i % 2 == 0 ? a : b, s);  // the kiosk never saw an answer and asks again
      std::set<std::string> codes;
      int new_ones = 0;
      for (const auto* r : {&ca, &cb, &retry}) {
        if (!r->ack) {
          failure("create " + key + ": " + r->error);
          continue;
        }
        codes.insert(r->ack->code);
        if (r->http == 201) ++new_ones;
      }
      if (codes.size() != 1 || new_ones != 1) {
        failure("create " + key + ": " + std::to_string(codes.size()) + " codes, " + std::to_string(new_ones) +
                " answers 201");
        continue;
      }
      const std::string code = *codes.begin();
      if (s.leased_code && code != *s.leased_code) failure("leased code " + *s.leased_code + " became " + code);
      created_201 += new_ones;
      {
        std::lock_guard lock(m);
        code_by_client[key] = code;
      }

      const auto file = dir / ("doc-" + s.client_id);
      if (!fs::write_file_durable(file, content)) {
        failure("cannot write " + file.string());
        continue;
      }
      // As kiosks upload (tus, docs/uploads.md): each hub gets its own upload of the document.
      auto [ua, ub] = both_at_once([&] { return tus_a.upload(client::document_upload(s.client_id, "d1", file)); },
                                   [&] { return tus_b.upload(client::document_upload(s.client_id, "d1", file)); });
      if (!ua || !ub) {
        failure("upload " + key + ": " + (!ua ? ua.error().message : ub.error().message));
        continue;
      }
      auto [sa, sb] = both_at_once([&] { return a.seal_dossier(s.client_id); }, [&] { return b.seal_dossier(s.client_id); });
      if (!sa || !sb) {
        failure("seal " + key + ": " + (!sa ? sa.error().message : sb.error().message));
        continue;
      }
      if (sa->code != code || sb->code != code || sa->sealed_at != sb->sealed_at || sa->status != "submitted" ||
          sb->status != "submitted")
        failure("seal " + key + ": the two hubs disagree (" + sa->status + " " + sb->status + ")");
      sealed.add({kiosk_ids[static_cast<std::size_t>(k)], s.client_id, code, s.lookup_secret});
    }
  };

  // ---- pairs of officials, one of each pair per hub, fire each transition of
  // a dossier at the same moment; the pairs work on different dossiers at once,
  // so status changes of one kiosk's dossiers commit concurrently (what could
  // make a feed reader skip one).
  std::map<std::pair<std::string, std::string>, std::vector<Errc>> outcomes;  // (code, action) → errors
  std::map<std::pair<std::string, std::string>, int> wins;
  std::vector<std::unique_ptr<std::barrier<>>> steps;
  for (int p = 0; p < kOfficialPairs; ++p) steps.push_back(std::make_unique<std::barrier<>>(2));
  auto official = [&](bool on_a, int pair) {
    client::HubClient c = on_a ? admin_a() : admin_b();
    auto& step = *steps[static_cast<std::size_t>(pair)];
    for (std::size_t i = static_cast<std::size_t>(pair);; i += kOfficialPairs) {
      auto d = sealed.at(i);
      if (!d) break;
      for (const auto& action : kActions) {
        protocol::ActionRequest req;
        req.action = action;
        req.actor_role = "official";
        step.arrive_and_wait();
        auto r = c.admin_act(d->code, req);
        std::lock_guard lock(m);
        if (r) ++wins[{d->code, action}];
        else outcomes[{d->code, action}].push_back(r.error().code);
      }
    }
    step.arrive_and_drop();
  };

  // ---- lookups by code + secret on both hubs: always found, never older than a previous answer
  std::atomic<long> lookups{0};
  auto looker = [&]() {
    client::HubClient a = admin_a(), b = admin_b();
    std::map<std::string, int> seen;
    for (long n = 0; acting || n == 0; ++n) {
      auto d = sealed.random();
      if (!d) {
        std::unique_lock lock(sealed.m);
        sealed.grew.wait(lock, [&] { return !sealed.items.empty() || sealed.done; });
        if (sealed.items.empty()) return;
        continue;
      }
      auto v = (n % 2 == 0 ? a : b).status(d->code, d->secret);
      ++lookups;
      if (!v) {
        failure("lookup " + d->code + ": " + v.error().message);
        continue;
      }
      if (v->status_code < seen[d->code])
        failure("lookup " + d->code + " went back from status " + std::to_string(seen[d->code]) + " to " +
                std::to_string(v->status_code));
      seen[d->code] = v->status_code;
    }
  };

  // ---- each kiosk follows its status feed with a cursor, alternating hubs, small pages
  struct Followed {
    int status = 0;
    std::size_t events = 0;
    std::int64_t seq = 0;
  };
  std::vector<std::map<std::string, Followed>> followed(kKiosks);
  std::vector<std::int64_t> cursors(kKiosks, 0);
  std::atomic<int> skip_checks{0};
  std::vector<std::set<std::int64_t>> reported_skips(kKiosks);  // each skip once, not at every poll
  auto poll_status = [&](int k, client::HubClient& c) -> bool {  // true: something new
    auto& cursor = cursors[static_cast<std::size_t>(k)];
    auto page = c.status_changes(cursor, 5);
    if (!page) {
      failure("status feed: " + page.error().message);
      return false;
    }
    for (const auto& ch : page->changes) {
      if (ch.seq <= cursor) failure("status feed went back to " + std::to_string(ch.seq));
      cursor = ch.seq;
      followed[static_cast<std::size_t>(k)][ch.client_id] = {ch.view.status_code, ch.view.events.size(), ch.seq};
    }
    if (page->next < cursor) failure("status feed cursor went back");
    cursor = std::max(cursor, page->next);
    return !page->changes.empty();
  };
  // A reader skips a change when its cursor passes the change's position
  // before the change is visible (it commits later). Then, read afresh, the
  // feed shows a dossier at a position at or below the cursor that the reader
  // never saw. With positions that commit in order this can never happen, so
  // it is checked after every poll, not only at the end (where a later change
  // of the same dossier would hide it).
  auto check_no_skip = [&](int k, client::HubClient& other) {
    const auto cursor = cursors[static_cast<std::size_t>(k)];
    auto all = other.status_changes(0, 1000);
    if (!all) {
      failure("status feed from 0: " + all.error().message);
      return;
    }
    ++skip_checks;
    for (const auto& ch : all->changes) {
      if (ch.seq > cursor) continue;
      const auto seen = followed[static_cast<std::size_t>(k)][ch.client_id].seq;
      if (seen != ch.seq && reported_skips[static_cast<std::size_t>(k)].insert(ch.seq).second)
        failure(kiosk_ids[static_cast<std::size_t>(k)] + " skipped change " + std::to_string(ch.seq) + " of " +
                ch.view.code + " (cursor " + std::to_string(cursor) + ", saw " + std::to_string(seen) + ")");
    }
  };
  auto follower = [&](int k) {
    auto a = client_a(k);
    auto b = client_b(k);
    for (long n = 0; acting; ++n) {
      poll_status(k, n % 2 == 0 ? a : b);
      check_no_skip(k, n % 2 == 0 ? b : a);
    }
  };

  // ---- catalog: imports through both hubs while a kiosk follows the catalog feed
  auto demo = fs::read_file(stdfs::path(MOTCUA_SOURCE_DIR) / "assets" / "catalog" / "demo.json");
  ASSERT_TRUE(demo);
  auto demo_json = parse_json(*demo);
  ASSERT_TRUE(demo_json);
  // Two importers, one per hub, each renaming its own service: their
  // transactions overlap, and both renames must reach the kiosk.
  std::map<std::string, std::string> last_name;  // service → name of the last import
  auto importer = [&](bool on_a, const std::string& service) {
    client::HubClient c = on_a ? admin_a() : admin_b();
    for (int i = 1; i <= kImports; ++i) {
      // Only this importer's service: the other importer's renames stay.
      Json doc = {{"format", (*demo_json)["format"]}, {"agencies", Json::array()}, {"sectors", Json::array()},
                  {"fields", Json::array()}, {"services", Json::array()}};
      std::string name;
      for (const auto& svc : (*demo_json)["services"])
        if (svc["code"] == service) {
          name = svc["name"].get<std::string>() + " (bản " + std::to_string(i) + ")";
          doc["services"].push_back(svc);
          doc["services"].back()["name"] = name;
        }
      auto r = c.admin_import_catalog(doc);
      if (!r) failure("import " + std::to_string(i) + " of " + service + ": " + r.error().message);
      std::lock_guard lock(m);
      last_name[service] = name;
    }
  };
  struct Replicated {
    std::int64_t seq = 0;
    Json body;
  };
  std::map<std::pair<std::string, std::string>, Replicated> replica;
  std::int64_t catalog_cursor = 0;
  auto poll_catalog = [&](client::HubClient& c) -> bool {
    auto page = c.catalog_changes(catalog_cursor, 20);
    if (!page) {
      failure("catalog feed: " + page.error().message);
      return false;
    }
    for (const auto& ch : page->changes) {
      if (ch.seq <= catalog_cursor) failure("catalog feed went back to " + std::to_string(ch.seq));
      catalog_cursor = ch.seq;
      replica[{ch.kind, ch.key}] = {ch.seq, ch.body};
    }
    return !page->changes.empty();
  };
  std::set<std::int64_t> reported_catalog_skips;
  auto check_no_catalog_skip = [&](client::HubClient& other) {
    auto all = other.catalog_changes(0, 1000);
    if (!all) return failure("catalog feed from 0: " + all.error().message);
    for (const auto& ch : all->changes)
      if (ch.seq <= catalog_cursor && replica[{ch.kind, ch.key}].seq != ch.seq && reported_catalog_skips.insert(ch.seq).second)
        failure("the catalog follower skipped change " + std::to_string(ch.seq) + " (" + ch.key + ")");
  };
  auto catalog_follower = [&]() {
    auto a = client_a(0);
    auto b = client_b(0);
    for (long n = 0; acting; ++n) {
      poll_catalog(n % 2 == 0 ? a : b);
      check_no_catalog_skip(n % 2 == 0 ? b : a);
    }
  };

  std::vector<std::thread> threads;
  for (int k = 0; k < kKiosks; ++k) threads.emplace_back(follower, k);
  threads.emplace_back(catalog_follower);
  threads.emplace_back(looker);
  std::vector<std::thread> officials;
  for (int p = 0; p < kOfficialPairs; ++p) {
    officials.emplace_back(official, true, p);
    officials.emplace_back(official, false, p);
  }
  std::thread import_a(importer, true, kImportedServices[0]), import_b(importer, false, kImportedServices[1]);
  std::vector<std::thread> submitters;
  for (int k = 0; k < kKiosks; ++k)
    for (int t = 0; t < kSubmittersPerKiosk; ++t) submitters.emplace_back(submitter, k, t);
  for (auto& t : submitters) t.join();
  sealed.finish();
  for (auto& t : officials) t.join();
  import_a.join();
  import_b.join();
  acting = false;
  for (auto& t : threads) t.join();

  for (const auto& f : failures) ADD_FAILURE() << f;
  ASSERT_TRUE(failures.empty());
  const int total = kKiosks * kSubmittersPerKiosk * kDossiersPerSubmitter;
  ASSERT_EQ(static_cast<int>(sealed.items.size()), total);
  EXPECT_EQ(created_201.load(), total);
  EXPECT_GT(lookups.load(), 0);

  // No duplicate dossier: the hub holds exactly the dossiers sent, each under the code its acks named.
  client::HubClient admin = admin_b();
  auto all = admin.admin_list_dossiers("", 1000);
  ASSERT_TRUE(all) << all.error().message;
  EXPECT_EQ(static_cast<int>(all->size()), total);
  std::set<std::string> listed, acked;
  for (const auto& d : *all) EXPECT_TRUE(listed.insert(d.code).second) << "code listed twice: " << d.code;
  for (const auto& [key, code] : code_by_client) EXPECT_TRUE(acked.insert(code).second) << "code given twice: " << code;
  EXPECT_EQ(listed, acked);

  // No gap in a day's sequence except leased codes no receipt used.
  std::map<std::pair<std::string, std::string>, std::set<int>> issued;  // (agency, day) → numbers
  for (const auto& code : listed) {
    const auto last = code.rfind('-');
    const auto day = code.rfind('-', last - 1);
    issued[{code.substr(0, day), code.substr(day + 1, last - day - 1)}].insert(std::stoi(code.substr(last + 1)));
  }
  std::map<std::pair<std::string, std::string>, std::set<int>> leased;
  for (const auto& l : leases)
    for (int n = l.first; n <= l.last; ++n) EXPECT_TRUE((leased[{l.agency_id, l.day}].insert(n).second)) << "leased twice";
  for (const auto& [day, numbers] : issued) {
    const auto& held = leased[day];
    const int top = std::max(*numbers.rbegin(), held.empty() ? 0 : *held.rbegin());
    for (int n = 1; n <= top; ++n)
      EXPECT_TRUE(numbers.count(n) || held.count(n)) << day.first << "-" << day.second << ": number " << n << " skipped";
  }

  // Of two officials firing the same transition at once, exactly one won; the other got a conflict.
  for (const auto& d : sealed.items)
    for (const auto& action : kActions) {
      EXPECT_EQ((wins[{d.code, action}]), 1) << d.code << " " << action;
      for (auto e : outcomes[{d.code, action}]) EXPECT_EQ(e, Errc::conflict) << d.code << " " << action;
    }

  // No lost status change: after draining its feed from either hub, every
  // kiosk shows each of its dossiers returned (status 10) with all 5 events.
  for (int k = 0; k < kKiosks; ++k) {
    auto a = client_a(k);
    auto b = client_b(k);
    while (poll_status(k, a)) {
    }
    EXPECT_FALSE(poll_status(k, b)) << "hub B knows changes hub A did not show";
    std::map<std::string, Followed> from_scratch;
    std::int64_t cursor = 0;
    for (;;) {
      auto page = b.status_changes(cursor, 7);
      ASSERT_TRUE(page) << page.error().message;
      for (const auto& ch : page->changes) from_scratch[ch.client_id] = {ch.view.status_code, ch.view.events.size(), ch.seq};
      cursor = page->next;
      if (!page->more) break;
    }
    int mine = 0;
    for (const auto& d : sealed.items) {
      if (d.kiosk_id != kiosk_ids[static_cast<std::size_t>(k)]) continue;
      ++mine;
      const auto& f = followed[static_cast<std::size_t>(k)][d.client_id];
      EXPECT_EQ(f.status, 10) << d.kiosk_id << " missed the last change of " << d.code;
      EXPECT_EQ(f.events, 5u) << d.code;
      EXPECT_EQ(from_scratch[d.client_id].status, 10) << d.code;
    }
    EXPECT_EQ(followed[static_cast<std::size_t>(k)].size(), static_cast<std::size_t>(mine));
  }

  // No lost catalog change: the kiosk's replica ends as the hub's catalog, with the last import's name.
  {
    auto a = client_a(0);
    while (poll_catalog(a)) {
    }
    auto services = admin.admin_catalog_services();
    ASSERT_TRUE(services) << services.error().message;
    std::size_t replicated_services = 0;
    for (const auto& [key, r] : replica)
      if (key.first == "service") ++replicated_services;
    EXPECT_EQ(replicated_services, services->size());
    for (const auto& service : kImportedServices)
      EXPECT_EQ((replica[{"service", service}].body.value("name", "")), last_name[service]) << service;
  }
  EXPECT_GT(skip_checks.load(), 0);
  std::printf("two hubs: %d dossiers, %ld lookups, %d feed skip checks, %zu catalog entities followed\n", total,
              lookups.load(), skip_checks.load(), replica.size());
}

TEST_F(TwoHubs, ATusUploadCreatedOnOneHubContinuesOnTheOther) {
  // Behind a load balancer, a kiosk's next PATCH may reach the other hub
  // process. The upload's state lives in the shared data directory
  // (docs/uploads.md, "Where the state lives"): either hub answers HEAD with
  // the committed offset and takes the next chunk; the per-upload flock keeps
  // one writer across processes; and the hub completing an upload whose
  // chunks it did not all receive checks the document by a full pass over the
  // file — neither its running hash nor the declared chunk digests vouch for
  // bytes another process took.
  std::signal(SIGPIPE, SIG_IGN);  // a hub may refuse a body without reading it
  const auto kiosk = hub_a.make_kiosk("KIOSK-01");
  const stdfs::path log_a = dir / "hub.log", log_b = dir / "second" / "hub.log";
  const std::string d1 = random_bytes_of(7 * MiB + 5, 81), d2 = random_bytes_of(5 * MiB + 3, 82);

  // A dossier with two multi-MB documents, declared through hub A.
  UuidV7Generator ids{clock, [](std::span<std::uint8_t> b) { crypto::random_bytes(b); }};
  protocol::Submission s;
  s.client_id = ids.next().str();
  s.service_code = kServices[0].code;
  s.submitted_at = format_utc(clock.now());
  s.lookup_secret = "K7QM";
  s.sealed = hub_a.seal_for_hub(s.client_id, {"Nguyễn Văn An", "0912345678"}).envelope;
  for (const auto& [id, bytes] : {std::pair{"d1", &d1}, std::pair{"d2", &d2}})
    s.documents.push_back({id, "Tờ khai", "image/jpeg", static_cast<std::int64_t>(bytes->size()), crypto::sha256_hex(*bytes),
                           std::string(protocol::kEncodingIdentity)});
  {
    client::HubClient c(hub_a.kiosk_endpoint(kiosk));
    auto ack = c.create_dossier(s);
    ASSERT_TRUE(ack) << ack.error().message;
  }
  RawTus a(hub_a.url(), kiosk), b(hub_b.url(), kiosk);
  auto chunk = [](const std::string& doc, std::int64_t at, std::int64_t n) {
    return doc.substr(static_cast<std::size_t>(at), static_cast<std::size_t>(n));
  };
  auto id_of = [](const std::string& location) { return location.substr(location.rfind('/') + 1); };

  // ---- d1, as the kiosk sends it on a fast link: 2 MiB chunks whose digests
  // it declared at creation. Created on A with the first chunk; the rest on B.
  const auto d1_len = static_cast<std::int64_t>(d1.size());
  const auto digests = client::upload_digests(
      std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(d1.data()), d1.size()), 2 * MiB, 2 * MiB);
  const auto declared = protocol::encode_declared_chunks({{2 * MiB, 2 * MiB, d1_len}, digests.chunks});
  ASSERT_TRUE(declared);
  const std::string loc1 = a.created(d1_len, s.client_id, "d1", *declared);
  ASSERT_EQ(loc1.rfind("/api/v1/uploads/", 0), 0u) << loc1;
  auto first = a.patch_checked(loc1, 0, chunk(d1, 0, 2 * MiB));
  ASSERT_EQ(status_of(first), 204) << (first ? first->body : httplib::to_string(first.error()));
  {
    auto h = b.head(loc1);  // the same URL path, on the other process
    ASSERT_TRUE(h);
    ASSERT_EQ(h->status, 200) << h->body;
    EXPECT_EQ(h->get_header_value("Upload-Offset"), std::to_string(2 * MiB));
    EXPECT_EQ(h->get_header_value("Upload-Length"), std::to_string(d1_len));
  }
  for (std::int64_t at = 2 * MiB; at < d1_len; at += 2 * MiB) {
    auto p = b.patch_checked(loc1, at, chunk(d1, at, std::min(2 * MiB, d1_len - at)));
    ASSERT_EQ(status_of(p), 204) << "at " << at << ": " << (p ? p->body : httplib::to_string(p.error()));
    EXPECT_EQ(p->get_header_value("Upload-Offset"), std::to_string(std::min(at + 2 * MiB, d1_len)));
  }
  EXPECT_EQ(digest_checked_by(log_b, id_of(loc1)), "a full pass over the file");
  EXPECT_FALSE(logged(log_a, "upload " + id_of(loc1) + " complete"));
  {
    auto h = a.head(loc1);  // hub A learns of the completion from the shared state
    ASSERT_TRUE(h);
    EXPECT_EQ(h->status, 200);
    EXPECT_EQ(h->get_header_value("Upload-Offset"), std::to_string(d1_len));
  }

  // ---- d2, 1 MiB chunks without a declaration (the running hash's case):
  // A, then B refused while A is mid-chunk, then A, B, B, and the last on A.
  const auto d2_len = static_cast<std::int64_t>(d2.size());
  const std::string loc2 = a.created(d2_len, s.client_id, "d2");
  ASSERT_FALSE(loc2.empty());
  ASSERT_EQ(status_of(a.patch_checked(loc2, 0, chunk(d2, 0, MiB))), 204);
  EXPECT_EQ(b.head(loc2)->get_header_value("Upload-Offset"), std::to_string(MiB));

  // Hub A receives the second chunk, and the kiosk's link stalls after its
  // first 256 KiB: A holds the upload's lock meanwhile, and a PATCH that
  // reaches B (the kiosk gave up on the stalled connection and retries) is
  // answered 423 Locked.
  const std::string second = chunk(d2, MiB, MiB);
  const auto state_file = hub_a.hub_dir() / "uploads" / (id_of(loc2) + ".state");
  std::mutex gate_m;
  std::condition_variable gate_cv;
  bool go_on = false;
  std::optional<httplib::Result> stalled;
  std::thread on_a([&] {
    auto c = a.client();
    stalled = c->Patch(
        loc2.c_str(), RawTus::checked_headers(MiB, second), second.size(),
        [&](std::size_t at, std::size_t length, httplib::DataSink& sink) {
          constexpr std::size_t kStallAt = 256 * 1024;
          if (at >= kStallAt) {
            std::unique_lock lock(gate_m);
            gate_cv.wait(lock, [&] { return go_on; });
          }
          const std::size_t n = at < kStallAt ? std::min(length, kStallAt - at) : length;
          return sink.write(second.data() + at, n);
        },
        "application/offset+octet-stream");
  });
  auto release = [&] {
    {
      std::lock_guard lock(gate_m);
      go_on = true;
    }
    gate_cv.notify_all();
  };
  bool a_holds = false;
  for (const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
       !a_holds && std::chrono::steady_clock::now() < deadline;
       std::this_thread::sleep_for(std::chrono::milliseconds(5)))
    a_holds = holds_flock(hub_a.pid(), state_file);
  EXPECT_TRUE(a_holds) << "hub A never took the lock of " << state_file;
  if (a_holds) {
    auto busy = b.patch_checked(loc2, MiB, second);
    EXPECT_EQ(status_of(busy), 423) << (busy ? busy->body : httplib::to_string(busy.error()));
    EXPECT_EQ(b.head(loc2)->get_header_value("Upload-Offset"), std::to_string(MiB));
  }
  release();
  on_a.join();
  ASSERT_TRUE(stalled);
  ASSERT_EQ(status_of(*stalled), 204) << (*stalled ? (*stalled)->body : httplib::to_string(stalled->error()));
  EXPECT_EQ((*stalled)->get_header_value("Upload-Offset"), std::to_string(2 * MiB));

  EXPECT_EQ(b.head(loc2)->get_header_value("Upload-Offset"), std::to_string(2 * MiB));
  ASSERT_EQ(status_of(b.patch_checked(loc2, 2 * MiB, chunk(d2, 2 * MiB, MiB))), 204);
  ASSERT_EQ(status_of(b.patch_checked(loc2, 3 * MiB, chunk(d2, 3 * MiB, MiB))), 204);
  EXPECT_EQ(a.head(loc2)->get_header_value("Upload-Offset"), std::to_string(4 * MiB));
  auto last = a.patch_checked(loc2, 4 * MiB, chunk(d2, 4 * MiB, d2_len - 4 * MiB));
  ASSERT_EQ(status_of(last), 204) << (last ? last->body : httplib::to_string(last.error()));
  EXPECT_EQ(last->get_header_value("Upload-Offset"), std::to_string(d2_len));
  // Hub A's running hash stopped at the chunk before B took over: not taken up.
  EXPECT_EQ(digest_checked_by(log_a, id_of(loc2)), "a full pass over the file");
  EXPECT_FALSE(logged(log_b, "upload " + id_of(loc2) + " complete"));
  EXPECT_FALSE(logged(log_a, "running sha256 does not match"));
  EXPECT_FALSE(logged(log_b, "running sha256 does not match"));

  // Both documents stored byte-identical, and the dossier seals (on either hub).
  for (const auto* doc : {&d1, &d2}) {
    const std::string sha = crypto::sha256_hex(*doc);
    auto stored = fs::read_file(hub_a.hub_dir() / "blobs" / sha.substr(0, 2) / sha);
    ASSERT_TRUE(stored) << sha;
    EXPECT_TRUE(*stored == *doc) << "stored blob differs from the document sent (" << sha << ")";
  }
  client::HubClient kb(hub_b.kiosk_endpoint(kiosk));
  auto sealed = kb.seal_dossier(s.client_id);
  ASSERT_TRUE(sealed) << sealed.error().message;
  EXPECT_EQ(sealed->status, "submitted");
  EXPECT_TRUE(sealed->missing_documents.empty());
  client::HubClient ka(hub_a.kiosk_endpoint(kiosk));
  auto again = ka.seal_dossier(s.client_id);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->code, sealed->code);
}

TEST(PostgresHub, HubsInitialisingOneDatabaseAtOnceAllSucceedAndImportTheCatalogOnce) {
  // Each process migrates at start under an advisory lock, and the demo catalog
  // import takes the catalog feed's lock: four inits at the same moment must all
  // succeed, leave the schema current once, and give the catalog one change
  // position per entity (the later imports find nothing changed).
  test::TempDir dir;
  test::TestPgDatabase db;
  constexpr int kInits = 4;
  std::vector<test::CommandResult> results(kInits);
  std::vector<std::thread> inits;
  std::barrier<> start(kInits);
  for (int i = 0; i < kInits; ++i)
    inits.emplace_back([&, i] {
      const auto data = dir / ("hub-" + std::to_string(i));
      start.arrive_and_wait();
      results[static_cast<std::size_t>(i)] =
          test::run_command({test::bin("motcua-hub"), "init", "--data", data.string(), "--demo", "--db", db.url()});
    });
  for (auto& t : inits) t.join();
  for (const auto& r : results) EXPECT_EQ(r.exit_code, 0) << r.err;
  auto q = test::run_command({"/usr/bin/psql", "-X", "-tA", "-v", "ON_ERROR_STOP=1", "-d", db.url(), "-c",
                              "SELECT (SELECT count(*) FROM schema_version) = (SELECT max(version) FROM schema_version), "
                              "(SELECT count(*) FROM catalog_entities) = (SELECT max(seq) FROM catalog_entities), "
                              "(SELECT last FROM feed_counters WHERE name = 'catalog') = (SELECT max(seq) FROM catalog_entities)"});
  ASSERT_EQ(q.exit_code, 0) << q.err;
  EXPECT_EQ(q.out, "t|t|t\n");
}
