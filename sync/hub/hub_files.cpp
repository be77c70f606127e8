#include "hub_files.hpp"

#include <unistd.h>

#include "motcua/crypto/envelope.hpp"
#include "motcua/crypto/random.hpp"
#include "motcua/crypto/x509.hpp"
#include "motcua/util/fs.hpp"

namespace motcua::hub {

namespace stdfs = std::filesystem;

bool is_kiosk_id(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
          c == '.'))
      return false;
  return true;
}

namespace {

struct LoadedCa {
  crypto::PKey key;
  crypto::Cert cert;
};

Result<LoadedCa> load_ca(const HubPaths& p) {
  auto key_pem = fs::read_file(p.ca_key());
  auto cert_pem = fs::read_file(p.ca_cert());
  if (!key_pem || !cert_pem)
    return fail(Errc::not_found, "no CA in " + p.dir.string() + " — run `motcua-hub init --data " + p.dir.string() + "` first");
  auto key = crypto::load_key_pem(*key_pem);
  if (!key) return fail(key.error());
  auto cert = crypto::load_cert_pem(*cert_pem);
  if (!cert) return fail(cert.error());
  return LoadedCa{std::move(*key), std::move(*cert)};
}

}  // namespace

Result<void> init_credentials(const HubPaths& p, const std::vector<std::string>& extra_hosts) {
  if (auto r = fs::ensure_dir(p.dir, 0700); !r) return r;
  if (auto r = fs::ensure_dir(p.blobs(), 0700); !r) return r;

  if (!stdfs::exists(p.ca_cert()) || !stdfs::exists(p.ca_key())) {
    auto key = crypto::generate_ec_key();
    if (!key) return fail(key.error());
    crypto::CertRequest req;
    req.common_name = "motcua hub kiosk CA";
    req.validity = std::chrono::days(3650);
    auto ca = crypto::make_ca(*key, req);
    if (!ca) return fail(ca.error());
    if (auto r = fs::write_file_durable(p.ca_key(), crypto::to_pem(*key), 0600); !r) return r;
    if (auto r = fs::write_file_durable(p.ca_cert(), crypto::to_pem(*ca), 0644); !r) return r;
  }
  if (!stdfs::exists(p.server_cert()) || !stdfs::exists(p.server_key())) {
    auto ca = load_ca(p);
    if (!ca) return fail(ca.error());
    auto key = crypto::generate_ec_key();
    if (!key) return fail(key.error());
    crypto::CertRequest req;
    req.common_name = "motcua hub";
    req.usage = crypto::CertUsage::server;
    req.validity = std::chrono::days(825);
    req.dns_names = {"localhost"};
    req.ip_addresses = {"127.0.0.1", "::1"};
    char host[256] = {0};
    if (::gethostname(host, sizeof host - 1) == 0 && host[0] != '\0' && std::string(host) != "localhost")
      req.dns_names.emplace_back(host);
    for (const auto& h : extra_hosts) {
      const bool ip = h.find_first_not_of("0123456789.") == std::string::npos || h.find(':') != std::string::npos;
      (ip ? req.ip_addresses : req.dns_names).push_back(h);
    }
    auto cert = crypto::issue_cert(ca->cert, ca->key, *key, req);
    if (!cert) return fail(cert.error());
    if (auto r = fs::write_file_durable(p.server_key(), crypto::to_pem(*key), 0600); !r) return r;
    if (auto r = fs::write_file_durable(p.server_cert(), crypto::to_pem(*cert), 0644); !r) return r;
  }
  if (!stdfs::exists(p.seal_key()) || !stdfs::exists(p.seal_public())) {
    auto key = crypto::generate_rsa_key();
    if (!key) return fail(key.error());
    if (auto r = fs::write_file_durable(p.seal_key(), crypto::to_pem(*key), 0600); !r) return r;
    if (auto r = fs::write_file_durable(p.seal_public(), crypto::public_pem(*key), 0644); !r) return r;
  }
  if (!stdfs::exists(p.admin_token())) {
    if (auto r = fs::write_file_durable(p.admin_token(), crypto::random_token(32) + "\n", 0600); !r) return r;
  }
  return {};
}

Result<IssuedKioskCert> issue_kiosk_cert(const HubPaths& p, const std::string& kiosk_id) {
  if (!is_kiosk_id(kiosk_id))
    return fail(Errc::invalid_argument, "kiosk id must be 1–64 letters, digits, '-', '_' or '.'");
  auto ca = load_ca(p);
  if (!ca) return fail(ca.error());
  auto key = crypto::generate_ec_key();
  if (!key) return fail(key.error());
  crypto::CertRequest req;
  req.common_name = kiosk_id;
  req.usage = crypto::CertUsage::client;
  req.validity = std::chrono::days(397);
  auto cert = crypto::issue_cert(ca->cert, ca->key, *key, req);
  if (!cert) return fail(cert.error());
  return IssuedKioskCert{crypto::to_pem(*key), crypto::to_pem(*cert), crypto::fingerprint_sha256(cert->get())};
}

Result<void> write_kiosk_bundle(const HubPaths& p, const stdfs::path& out, const IssuedKioskCert& cert,
                                const std::string& kiosk_id, int number, const std::string& hub_url) {
  if (auto r = fs::ensure_dir(out, 0700); !r) return r;
  auto ca_pem = fs::read_file(p.ca_cert());
  if (!ca_pem) return fail(ca_pem.error());
  if (auto r = fs::write_file_durable(out / "kiosk-key.pem", cert.key_pem, 0600); !r) return r;
  if (auto r = fs::write_file_durable(out / "kiosk-cert.pem", cert.cert_pem, 0644); !r) return r;
  if (auto r = fs::write_file_durable(out / "ca.pem", *ca_pem, 0644); !r) return r;
  auto seal_pem = fs::read_file(p.seal_public());
  if (!seal_pem) return fail(Errc::not_found, "no sealing key in " + p.dir.string() + " — run `motcua-hub init` again");
  if (auto r = fs::write_file_durable(out / "hub-seal.pem", *seal_pem, 0644); !r) return r;
  std::string toml;
  toml += "# Written by motcua-hub kiosk-bundle. Paths are relative to this directory.\n";
  toml += "[kiosk]\n";
  toml += "id = \"" + kiosk_id + "\"\n";
  toml += "number = " + std::to_string(number) + "\n\n";
  toml += "[hub]\n";
  toml += "url = \"" + hub_url + "\"\n";
  toml += "ca = \"ca.pem\"\n";
  toml += "cert = \"kiosk-cert.pem\"\n";
  toml += "key = \"kiosk-key.pem\"\n";
  toml += "seal = \"hub-seal.pem\"  # the hub's public key: citizen data is sealed to it\n";
  return fs::write_file_durable(out / "kiosk.toml", toml, 0644);
}

}  // namespace motcua::hub
