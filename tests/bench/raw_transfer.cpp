#include "raw_transfer.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <stdexcept>

#include "motcua/crypto/envelope.hpp"
#include "motcua/crypto/hash.hpp"
#include "motcua/crypto/random.hpp"
#include "motcua/protocol/envelope.hpp"
#include "motcua/util/clock.hpp"
#include "motcua/util/fs.hpp"
#include "motcua/util/ids.hpp"
#include "support/hub_process.hpp"

namespace motcua::bench {

namespace stdfs = std::filesystem;

namespace {

std::string b64(std::string_view s) {
  return crypto::base64(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
}

struct FileClose {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

double cpu_of(const rusage& u) {
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

}  // namespace

RawDossier new_raw_dossier(const stdfs::path& kiosk_dir) {
  SystemClock clock;
  UuidV7Generator ids{clock, [](std::span<std::uint8_t> b) { crypto::random_bytes(b); }};
  RawDossier d;
  d.client_id = ids.next().str();
  auto pem = fs::read_file(kiosk_dir / "hub-seal.pem");
  if (!pem) throw std::runtime_error("no hub-seal.pem in " + kiosk_dir.string());
  auto key = crypto::load_public_key_pem(*pem);
  if (!key) throw std::runtime_error(key.error().message);
  auto sealed = protocol::seal_applicant(*key, d.client_id, {"Nguyễn Văn An", "0912345678"});
  if (!sealed) throw std::runtime_error(sealed.error().message);
  d.sealed = *sealed;
  return d;
}

void declare_raw_document(const client::HubEndpoint& kiosk, const RawDossier& dossier, std::int64_t size,
                          const std::string& sha256_hex, std::string_view encoding) {
  protocol::Submission s;
  s.client_id = dossier.client_id;
  s.service_code = "1.001193";
  s.submitted_at = format_utc(SystemClock().now());
  s.lookup_secret = "K7QM";
  s.sealed = dossier.sealed.envelope;
  s.documents.push_back({"d1", "Bản quét", "application/pdf", size, sha256_hex, std::string(encoding)});
  client::HubClient c(kiosk);
  auto ack = c.create_dossier(s);
  if (!ack) throw std::runtime_error("create dossier: " + ack.error().message);
}

std::string declare_raw_document(const client::HubEndpoint& kiosk, const stdfs::path& kiosk_dir, std::int64_t size,
                                 const std::string& sha256_hex) {
  const auto d = new_raw_dossier(kiosk_dir);
  declare_raw_document(kiosk, d, size, sha256_hex, protocol::kEncodingIdentity);
  return d.client_id;
}

double curl_tus_upload(const std::string& hub_url, const stdfs::path& kiosk_dir, const std::vector<stdfs::path>& pieces,
                       const std::string& client_id) {
  using Steady = std::chrono::steady_clock;
  std::int64_t total = 0;
  for (const auto& p : pieces) total += static_cast<std::int64_t>(stdfs::file_size(p));
  const std::string meta = "Upload-Metadata: dossier " + b64(client_id) + ",document " + b64("d1");
  const std::vector<std::string> common{"/usr/bin/curl", "-sS", "--fail-with-body", "--cacert", (kiosk_dir / "ca.pem").string(),
                                        "--cert", (kiosk_dir / "kiosk-cert.pem").string(), "--key",
                                        (kiosk_dir / "kiosk-key.pem").string(), "-H", "Tus-Resumable: 1.0.0"};
  const auto t0 = Steady::now();
  auto post = common;
  post.insert(post.end(), {"-X", "POST", "-H", "Upload-Length: " + std::to_string(total), "-H", meta, "-D", "-", "-o",
                           "/dev/null", hub_url + "/api/v1/uploads"});
  auto created = test::run_command(post);
  std::string location;
  std::istringstream lines(created.out);
  for (std::string line; std::getline(lines, line);)
    if (line.size() > 10 && (line.rfind("Location:", 0) == 0 || line.rfind("location:", 0) == 0)) {
      location = line.substr(10);
      while (!location.empty() && (location.back() == '\r' || location.back() == ' ')) location.pop_back();
    }
  if (created.exit_code != 0 || location.empty()) {
    std::cerr << "curl POST failed: " << created.err << created.out << "\n";
    return -1;
  }
  std::int64_t offset = 0;
  for (const auto& piece : pieces) {
    auto patch = common;
    patch.insert(patch.end(), {"-X", "PATCH", "-H", "Upload-Offset: " + std::to_string(offset), "-H",
                               "Content-Type: application/offset+octet-stream", "-H", "Expect:", "-T", piece.string(), "-o",
                               "/dev/null", hub_url + location});
    auto sent = test::run_command(patch);
    if (sent.exit_code != 0) {
      std::cerr << "curl PATCH failed: " << sent.err << sent.out << "\n";
      return -1;
    }
    offset += static_cast<std::int64_t>(stdfs::file_size(piece));
  }
  return std::chrono::duration<double>(Steady::now() - t0).count();
}

bool write_random_file(const stdfs::path& path, std::int64_t size, std::uint64_t seed) {
  std::unique_ptr<std::FILE, FileClose> f(std::fopen(path.c_str(), "wb"));
  if (!f) return false;
  std::mt19937_64 rng(seed);
  std::vector<std::uint64_t> block(static_cast<std::size_t>((1 << 20) / 8));
  for (std::int64_t left = size; left > 0;) {
    for (auto& w : block) w = rng();
    const auto n = static_cast<std::size_t>(std::min<std::int64_t>(left, 1 << 20));
    if (std::fwrite(block.data(), 1, n, f.get()) != n) return false;
    left -= static_cast<std::int64_t>(n);
  }
  return std::fflush(f.get()) == 0;
}

double process_cpu_seconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto paren = text.rfind(')');
  if (paren == std::string::npos) return 0;
  // Fields after "pid (comm) ": state is field 3; utime and stime are 14 and 15.
  std::istringstream rest(text.substr(paren + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i)
    if (i >= 14) ticks += std::stod(field);
  return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

double self_cpu_seconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return cpu_of(u);
}

double children_cpu_seconds() {
  rusage u{};
  ::getrusage(RUSAGE_CHILDREN, &u);
  return cpu_of(u);
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace motcua::bench
