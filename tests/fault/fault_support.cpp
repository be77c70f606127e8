#include "fault/fault_support.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "motcua/client/hub_client.hpp"
#include "motcua/client/kiosk_store.hpp"
#include "motcua/crypto/hash.hpp"
#include "motcua/crypto/x509.hpp"
#include "motcua/protocol/envelope.hpp"
#include "motcua/util/clock.hpp"
#include "motcua/util/fs.hpp"

namespace motcua::fault {

namespace stdfs = std::filesystem;

// ---- the agent process

AgentProcess::AgentProcess(const std::vector<std::string>& args, const stdfs::path& log) {
  std::vector<std::string> argv{test::bin("motcua-kiosk-agent")};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> cargv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  const int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) throw std::runtime_error("cannot open agent log " + log.string());
  pid_ = ::fork();
  if (pid_ == 0) {
    // Only async-signal-safe calls between fork and exec: the parent has threads.
    ::dup2(log_fd, 1);
    ::dup2(log_fd, 2);
    ::execv(cargv[0], cargv.data());
    ::_exit(127);
  }
  ::close(log_fd);
  if (pid_ < 0) throw std::runtime_error("fork failed");
  // By syscall: glibc 2.36's <sys/pidfd.h> lacks extern "C" and does not link from C++.
  pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
}

AgentProcess::~AgentProcess() {
  if (!status_) {
    kill9();
    (void)wait(std::chrono::seconds(10));
  }
  if (pidfd_ >= 0) ::close(pidfd_);
}

void AgentProcess::kill9() const {
  if (pid_ > 0) ::kill(pid_, SIGKILL);
}

std::optional<int> AgentProcess::wait(std::chrono::milliseconds timeout) {
  if (status_) return status_;
  if (pidfd_ >= 0) {
    pollfd p{pidfd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return std::nullopt;
  } else if (!wait_until(
                 [&] {
                   int st = 0;
                   const pid_t r = ::waitpid(pid_, &st, WNOHANG);
                   if (r == pid_) status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
                   return r != 0;
                 },
                 timeout, std::chrono::milliseconds(5))) {
    return std::nullopt;
  }
  if (!status_) {
    int st = 0;
    if (::waitpid(pid_, &st, 0) == pid_) status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    else status_ = -1;
  }
  return status_;
}

std::vector<std::string> agent_args(const stdfs::path& kiosk_dir, const std::string& hub_url) {
  return {"--data", kiosk_dir.string(), "--hub", hub_url, "--connect-timeout-ms", "2000", "--request-timeout-ms",
          "10000", "--low-speed-time-s", "3", "--backoff-min-ms", "20", "--backoff-max-ms", "300"};
}

bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout, std::chrono::milliseconds step) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (done()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(step);
  }
}

// ---- checks

std::int64_t outbox_depth(const stdfs::path& kiosk_dir) {
  SystemClock clock;
  auto store = client::KioskStore::open(kiosk_dir, clock);
  if (!store) return -1;
  auto d = store->outbox_depth();
  return d ? *d : -1;
}

namespace {

stdfs::path blob_path(const test::HubProcess& hub, const std::string& sha) {
  return hub.hub_dir() / "blobs" / sha.substr(0, 2) / sha;
}

std::string file_sha256(const stdfs::path& p) {
  auto d = crypto::sha256_file(p);
  return d ? crypto::hex(*d) : std::string();
}

// The sha256 of a page as the citizen scanned it, from the kiosk's outbox
// copy: the file as it is, or — a document sealed to the hub (mcenc1) — opened
// with the hub's private sealing key, exactly as the hub opens it.
class OutboxReader {
 public:
  explicit OutboxReader(const test::HubProcess& hub) : hub_(hub) {}

  Result<std::string> plain_sha256(const stdfs::path& file, const client::OutboxEntry& e) {
    std::ifstream in(file, std::ios::binary);
    char magic[6] = {};
    in.read(magic, sizeof magic);
    if (std::string_view(magic, static_cast<std::size_t>(in.gcount())) != "MCENC1") {
      auto d = crypto::sha256_file(file);
      if (!d) return fail(d.error());
      return crypto::hex(*d);
    }
    if (!key_) {
      auto pem = fs::read_file(hub_.hub_dir() / "seal-key.pem");
      if (!pem) return fail(pem.error());
      auto key = crypto::load_key_pem(*pem);
      if (!key) return fail(key.error());
      key_ = std::move(*key);
    }
    auto data_key = protocol::open_data_key(key_, e.submission.sealed);
    if (!data_key) return fail(data_key.error());
    crypto::Sha256 hash;
    auto n = crypto::decrypt_chunked_file(*data_key, file, [&](std::span<const std::uint8_t> chunk) -> Result<void> {
      hash.update(chunk);
      return {};
    });
    if (!n) return fail(n.error());
    return crypto::hex(hash.finish());
  }

 private:
  const test::HubProcess& hub_;
  crypto::PKey key_;
};

Result<std::vector<protocol::DossierSummary>> all_hub_dossiers(client::HubClient& admin) {
  std::vector<protocol::DossierSummary> out;
  for (int offset = 0;; offset += 1000) {
    auto res = admin.request("GET", "/admin/dossiers?limit=1000&offset=" + std::to_string(offset));
    if (!res) return fail(res.error());
    auto j = parse_json(res->body);
    if (!j || !j->contains("dossiers")) return fail(Errc::protocol, "admin dossier list unreadable");
    std::size_t n = 0;
    for (const auto& d : (*j)["dossiers"]) {
      auto s = protocol::dossier_summary_from_json(d);
      if (!s) return fail(s.error());
      out.push_back(std::move(*s));
      ++n;
    }
    if (n < 1000) break;
  }
  return out;
}

}  // namespace

std::optional<std::string> hub_blob_sha256(const test::HubProcess& hub, const std::string& sha256) {
  const auto p = blob_path(hub, sha256);
  std::error_code ec;
  if (!stdfs::exists(p, ec)) return std::nullopt;
  return file_sha256(p);
}

std::vector<std::string> hub_blob_problems(const test::HubProcess& hub) {
  std::vector<std::string> problems;
  const auto root = hub.hub_dir() / "blobs";
  std::error_code ec;
  if (!stdfs::exists(root, ec)) return problems;
  for (const auto& shard : stdfs::directory_iterator(root)) {
    if (!shard.is_directory() || shard.path().filename() == "tmp") continue;
    for (const auto& f : stdfs::directory_iterator(shard.path())) {
      const std::string name = f.path().filename().string();
      const std::string actual = file_sha256(f.path());
      if (actual != name) problems.push_back("hub blob " + name + " holds content with sha256 " + actual);
    }
  }
  return problems;
}

std::string DeliveryCheck::summary() const {
  std::ostringstream s;
  s << receipts << " receipts, " << queued << " queued (" << unrecorded << " committed without a receipt line), "
    << delivered << " delivered, " << on_hub << " on the hub, " << orphan_dirs << " orphan outbox directories";
  for (const auto& p : problems) s << "\n  PROBLEM: " << p;
  return s.str();
}

DeliveryCheck check_delivery(const test::HubProcess& hub, const stdfs::path& kiosk_dir, const std::string& kiosk_id,
                             const std::vector<ManifestEntry>& manifest, bool expect_all_delivered) {
  DeliveryCheck c;
  auto problem = [&](std::string p) { c.problems.push_back(std::move(p)); };
  SystemClock clock;

  // 1. The kiosk: every committed dossier, with its files intact while it holds them.
  std::map<std::string, client::OutboxEntry> outbox;
  {
    auto store = client::KioskStore::open(kiosk_dir, clock);
    if (!store) {
      problem("kiosk database does not open: " + store.error().describe());
      return c;
    }
    auto ids = store->db().prepare("SELECT client_id FROM outbox ORDER BY created_ms, client_id");
    if (!ids) {
      problem("kiosk outbox unreadable: " + ids.error().describe());
      return c;
    }
    std::vector<std::string> client_ids;
    for (;;) {
      auto row = ids->step();
      if (!row || !*row) break;
      client_ids.push_back(ids->text(0));
    }
    if (auto ok = store->db().prepare("PRAGMA integrity_check"); ok) {
      auto row = ok->step();
      if (row && *row && ok->text(0) != "ok") problem("kiosk database integrity_check: " + ok->text(0));
    }
    for (const auto& id : client_ids) {
      auto e = store->find(id);
      if (!e || !*e) {
        problem("outbox row " + id + " unreadable");
        continue;
      }
      outbox.emplace(id, std::move(**e));
    }
  }
  c.queued = outbox.size();
  OutboxReader reader(hub);
  std::map<std::string, std::vector<std::string>> plain;  // client id → pages as scanned
  for (const auto& [id, e] : outbox) {
    const bool delivered = e.state == client::OutboxState::delivered;
    if (delivered) ++c.delivered;
    else if (expect_all_delivered)
      problem("dossier " + e.receipt_code + " (" + id + ") is still in the kiosk's outbox: " + e.last_error);
    for (const auto& d : e.documents) {
      const auto spec = parse_page_name(d.name);
      if (!spec) {
        problem("outbox document " + id + "/" + d.id + " has no fault page name");
        continue;
      }
      const std::string scanned = page_sha256(*spec);
      std::error_code ec;
      const auto file = kiosk_dir / d.path;
      if (!stdfs::exists(file, ec)) {
        // A delivered dossier's copy may be purged after the retention period.
        if (!delivered) problem("page " + d.name + " of queued dossier " + id + " is missing on the kiosk");
        plain[id].push_back(scanned);  // nothing left to compare; the hub side is checked below
        continue;
      }
      if (static_cast<std::int64_t>(stdfs::file_size(file, ec)) != d.size || file_sha256(file) != d.sha256) {
        problem("page " + d.name + " of dossier " + id + " is damaged on the kiosk");
        continue;
      }
      auto content = reader.plain_sha256(file, e);
      if (!content) problem("page " + d.name + " of dossier " + id + " cannot be read back: " + content.error().describe());
      else if (*content != scanned) problem("the kiosk queued page " + d.name + " with the wrong content");
      plain[id].push_back(content ? *content : std::string());
    }
  }
  {
    std::error_code ec;
    for (const auto& dir : stdfs::directory_iterator(kiosk_dir / "outbox", ec))
      if (!outbox.count(dir.path().filename().string())) ++c.orphan_dirs;
  }

  // 2. The receipts: every dossier the citizen was told was accepted is queued, as told.
  std::set<std::string> recorded;
  for (const auto& m : manifest) {
    ++c.receipts;
    recorded.insert(m.client_id);
    auto it = outbox.find(m.client_id);
    if (it == outbox.end()) {
      problem("dossier " + std::to_string(m.dossier) + " with receipt " + m.receipt_code + " is not in the kiosk's outbox");
      continue;
    }
    if (it->second.receipt_code != m.receipt_code)
      problem("receipt " + m.receipt_code + " became " + it->second.receipt_code + " in the outbox");
    if (plain[m.client_id] != m.page_sha256) {
      std::string detail;
      for (std::size_t i = 0; i < std::max(plain[m.client_id].size(), m.page_sha256.size()); ++i)
        detail += "\n    page " + std::to_string(i + 1) + ": receipt " +
                  (i < m.page_sha256.size() ? m.page_sha256[i].substr(0, 12) : "-") + ", outbox " +
                  (i < plain[m.client_id].size() ? plain[m.client_id][i].substr(0, 12) : "-");
      problem("the pages of receipt " + m.receipt_code + " changed in the outbox" + detail);
    }
  }
  for (const auto& [id, e] : outbox)
    if (!recorded.count(id)) ++c.unrecorded;

  // 3. The hub: each queued dossier exactly once, nothing else, every page intact.
  client::HubClient admin(hub.admin_endpoint());
  auto listed = all_hub_dossiers(admin);
  if (!listed) {
    problem("cannot list the hub's dossiers: " + listed.error().describe());
    return c;
  }
  std::map<std::string, std::vector<protocol::DossierDetail>> by_client;
  std::map<std::uint64_t, int> by_number;
  for (const auto& s : *listed) {
    if (s.kiosk_id != kiosk_id) continue;
    ++c.on_hub;
    auto detail = admin.admin_show_dossier(s.code);
    if (!detail) {
      problem("hub dossier " + s.code + " unreadable: " + detail.error().describe());
      continue;
    }
    if (!detail->documents.empty())
      if (auto spec = parse_page_name(detail->documents.front().name)) ++by_number[spec->dossier];
    by_client[detail->client_id].push_back(std::move(*detail));
  }
  for (const auto& [n, count] : by_number)
    if (count > 1) problem("dossier number " + std::to_string(n) + " is on the hub " + std::to_string(count) + " times");
  for (const auto& [id, copies] : by_client) {
    if (!outbox.count(id)) problem("hub dossier " + copies.front().summary.code + " (" + id + ") was never queued by the kiosk");
    if (copies.size() > 1) problem("client id " + id + " is on the hub " + std::to_string(copies.size()) + " times");
  }
  for (const auto& [id, e] : outbox) {
    auto it = by_client.find(id);
    if (it == by_client.end()) {
      if (e.state == client::OutboxState::delivered || expect_all_delivered)
        problem("dossier " + e.receipt_code + " (" + id + ") is not on the hub" +
                (e.state == client::OutboxState::delivered ? " although the kiosk marked it delivered" : ""));
      continue;
    }
    const auto& d = it->second.front();
    if (e.official_code && *e.official_code != d.summary.code)
      problem("the kiosk knows dossier " + id + " as " + *e.official_code + ", the hub as " + d.summary.code);
    const bool receipt_matches = e.leased ? d.summary.code == e.receipt_code
                                          : d.summary.provisional_code && *d.summary.provisional_code == e.receipt_code;
    if (!receipt_matches) problem("receipt code " + e.receipt_code + " is not recorded on hub dossier " + d.summary.code);
    if (d.documents.size() != e.documents.size())
      problem("hub dossier " + d.summary.code + " has " + std::to_string(d.documents.size()) + " pages, the citizen gave " +
              std::to_string(e.documents.size()));
    for (const auto& doc : d.documents) {
      const auto spec = parse_page_name(doc.name);
      const std::string expected = spec ? page_sha256(*spec) : std::string();
      if (!doc.received) problem("page " + doc.name + " of sealed dossier " + d.summary.code + " never arrived");
      // The hub names a page by its content's digest, or by the digest of the
      // bytes the kiosk sent (encrypted); anything else is another page.
      bool known_digest = doc.sha256 == expected;
      for (const auto& sent : e.documents) known_digest = known_digest || (sent.id == doc.id && sent.sha256 == doc.sha256);
      if (!known_digest) problem("page " + doc.name + " of " + d.summary.code + " is listed with a foreign digest");
      // The blob store is content-addressed by the plaintext: the page as scanned must be there, intact.
      const auto stored = hub_blob_sha256(hub, expected);
      if (!stored) problem("page " + doc.name + " of " + d.summary.code + " is missing from the hub's storage");
      else if (*stored != expected) problem("page " + doc.name + " of " + d.summary.code + " is stored damaged on the hub");
    }
    // The receipt the citizen holds works for a status lookup.
    auto status = admin.status(e.receipt_code, e.submission.lookup_secret);
    if (!status) problem("receipt " + e.receipt_code + " does not resolve on the hub: " + status.error().describe());
    else if (status->code != d.summary.code)
      problem("receipt " + e.receipt_code + " resolves to " + status->code + ", not " + d.summary.code);
  }
  return c;
}

// ---- a small disk

std::optional<SmallDisk> SmallDisk::mount(const stdfs::path& dir, std::uint64_t bytes, std::string& why,
                                          const std::string& extra_options) {
  std::error_code ec;
  stdfs::create_directories(dir, ec);
  const std::string options =
      "size=" + std::to_string(bytes) + ",mode=0700" + (extra_options.empty() ? "" : "," + extra_options);
  if (::mount("tmpfs", dir.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) != 0) {
    why = std::string("mount -t tmpfs -o ") + options + " " + dir.string() + ": " + std::strerror(errno);
    return std::nullopt;
  }
  return SmallDisk(dir);
}

SmallDisk::SmallDisk(SmallDisk&& other) noexcept : dir_(std::move(other.dir_)) { other.dir_.clear(); }

SmallDisk::~SmallDisk() {
  if (!dir_.empty()) ::umount2(dir_.c_str(), MNT_DETACH);
}

std::uint64_t SmallDisk::free_bytes() const {
  auto f = fs::free_bytes(dir_);
  return f ? *f : 0;
}

void SmallDisk::fill(std::uint64_t leave) {
  const int fd = ::open((dir_ / ".filler").c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("cannot create the filler file");
  std::vector<char> block(4096, 'x');
  for (;;) {
    const std::uint64_t free = free_bytes();
    if (free <= leave) break;
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(block.size(), free - leave));
    if (::write(fd, block.data(), n) <= 0) break;  // ENOSPC: full
  }
  ::close(fd);
}

void SmallDisk::fill_inodes() {
  std::error_code ec;
  stdfs::create_directories(dir_ / ".filler-inodes", ec);
  for (int i = 0;; ++i) {
    const int fd = ::open((dir_ / ".filler-inodes" / std::to_string(i)).c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) break;  // ENOSPC: no inode left
    ::close(fd);
  }
}

void SmallDisk::free_filler() {
  std::error_code ec;
  stdfs::remove(dir_ / ".filler", ec);
  stdfs::remove_all(dir_ / ".filler-inodes", ec);
}

std::string tail_of(const stdfs::path& file, std::size_t lines) {
  std::ifstream in(file, std::ios::binary);
  std::vector<std::string> all;
  for (std::string line; std::getline(in, line);) all.push_back(std::move(line));
  std::string out;
  for (std::size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i) out += all[i] + "\n";
  return out;
}

// ---- seeds

std::uint64_t fault_seed() {
  if (const char* s = std::getenv("MOTCUA_FAULT_SEED"); s != nullptr && *s != '\0') return std::strtoull(s, nullptr, 10);
  return std::random_device{}() * 4294967296ull + std::random_device{}();
}

int fault_iterations(int fallback) {
  if (const char* s = std::getenv("MOTCUA_FAULT_ITERATIONS"); s != nullptr && *s != '\0') {
    const int n = std::atoi(s);
    if (n > 0) return n;
  }
  return fallback;
}

}  // namespace motcua::fault
