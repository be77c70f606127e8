#include "fault/fault_dossier.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <fstream>

#include "motcua/crypto/hash.hpp"
#include "motcua/util/fs.hpp"
#include "motcua/util/json.hpp"

namespace motcua::fault {

namespace {

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

template <class T>
bool parse_number(std::string_view text, T& out) {
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end;
}

struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

Result<void> write_all_synced(const std::filesystem::path& file, std::string_view text) {
  Fd f{::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644)};
  if (f.fd < 0) return fail(fs::errno_error("cannot open", file, errno));
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(f.fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(fs::errno_error("cannot write", file, errno));
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fdatasync(f.fd) != 0) return fail(fs::errno_error("cannot fdatasync", file, errno));
  return {};
}

}  // namespace

std::vector<std::uint8_t> page_bytes(const PageSpec& spec) {
  const auto page = static_cast<std::uint64_t>(spec.page < 0 ? 0 : spec.page);
  std::uint64_t state = spec.dossier * std::uint64_t{1000003} + page * std::uint64_t{7919} + spec.bytes;
  std::vector<std::uint8_t> out(spec.bytes);
  std::size_t i = 0;
  while (i < out.size()) {
    std::uint64_t v = splitmix64(state);
    for (int b = 0; b < 8 && i < out.size(); ++b, ++i) {
      out[i] = static_cast<std::uint8_t>(v & 0xFF);
      v >>= 8;
    }
  }
  return out;
}

std::string page_sha256(const PageSpec& spec) {
  const auto bytes = page_bytes(spec);
  return crypto::hex(crypto::sha256(std::span<const std::uint8_t>(bytes)));
}

std::string page_name(const PageSpec& spec) {
  return "fault:" + std::to_string(spec.dossier) + ":" + std::to_string(spec.page) + ":" + std::to_string(spec.bytes);
}

std::optional<PageSpec> parse_page_name(std::string_view name) {
  if (name.rfind("fault:", 0) != 0) return std::nullopt;
  name.remove_prefix(6);
  const auto a = name.find(':');
  if (a == std::string_view::npos) return std::nullopt;
  const auto b = name.find(':', a + 1);
  if (b == std::string_view::npos) return std::nullopt;
  PageSpec s;
  if (!parse_number(name.substr(0, a), s.dossier) || !parse_number(name.substr(a + 1, b - a - 1), s.page) ||
      !parse_number(name.substr(b + 1), s.bytes))
    return std::nullopt;
  return s;
}

std::string applicant_name(std::uint64_t dossier) { return "Khách kiểm thử " + std::to_string(dossier); }

client::NewDossier make_dossier(std::uint64_t dossier, int pages, std::size_t bytes) {
  client::NewDossier d;
  d.service_code = kServiceCode;
  d.agency_id = kAgencyId;
  d.service_name = kServiceName;
  d.applicant = {applicant_name(dossier), "0912345678"};
  for (int p = 1; p <= pages; ++p) {
    const PageSpec spec{dossier, p, bytes};
    d.documents.push_back({"d" + std::to_string(p), page_name(spec), "image/jpeg", page_bytes(spec)});
  }
  return d;
}

Result<void> append_manifest(const std::filesystem::path& file, const ManifestEntry& e) {
  const Json j{{"dossier", e.dossier},
               {"client_id", e.client_id},
               {"receipt_code", e.receipt_code},
               {"lookup_secret", e.lookup_secret},
               {"pages", e.page_sha256}};
  return write_all_synced(file, j.dump() + "\n");
}

Result<void> terminate_torn_line(const std::filesystem::path& file) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  if (ec || size == 0) return {};
  std::ifstream in(file, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(size - 1));
  char last = '\n';
  in.get(last);
  if (last == '\n') return {};
  return write_all_synced(file, "\n");
}

std::vector<ManifestEntry> read_manifest(const std::filesystem::path& file) {
  std::vector<ManifestEntry> out;
  std::ifstream in(file, std::ios::binary);
  std::string line;
  while (std::getline(in, line)) {
    auto j = parse_json(line);
    if (!j || !j->is_object()) continue;
    try {
      ManifestEntry e;
      e.dossier = j->at("dossier").get<std::uint64_t>();
      e.client_id = j->at("client_id").get<std::string>();
      e.receipt_code = j->at("receipt_code").get<std::string>();
      e.lookup_secret = j->at("lookup_secret").get<std::string>();
      e.page_sha256 = j->at("pages").get<std::vector<std::string>>();
      out.push_back(std::move(e));
    } catch (const std::exception&) {
      // A torn line that happens to be valid JSON without every field.
    }
  }
  return out;
}

}  // namespace motcua::fault
