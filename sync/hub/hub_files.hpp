#pragma once
// The hub's data directory and its kiosk CA:
//   DATA/hub.db            embedded SQLite database
//   DATA/ca.pem            CA certificate clients trust (kiosks and admin CLI)
//   DATA/ca-key.pem        CA private key (0600) — signs kiosk and server certificates
//   DATA/server.pem        TLS server certificate (SAN: localhost, 127.0.0.1, ::1, --host names)
//   DATA/server-key.pem    its key (0600)
//   DATA/admin-token       bearer token for officials/admins (0600)
//   DATA/seal-key.pem      RSA key that opens citizen data sealed by kiosks (0600)
//   DATA/seal.pem          its public half, handed to kiosks in their bundle
//   DATA/blobs/            received documents, content-addressed by sha256

#include <filesystem>
#include <string>
#include <vector>

#include "motcua/util/error.hpp"

namespace motcua::hub {

struct HubPaths {
  std::filesystem::path dir;
  std::filesystem::path db() const { return dir / "hub.db"; }
  std::filesystem::path ca_cert() const { return dir / "ca.pem"; }
  std::filesystem::path ca_key() const { return dir / "ca-key.pem"; }
  std::filesystem::path server_cert() const { return dir / "server.pem"; }
  std::filesystem::path server_key() const { return dir / "server-key.pem"; }
  std::filesystem::path admin_token() const { return dir / "admin-token"; }
  std::filesystem::path seal_key() const { return dir / "seal-key.pem"; }
  std::filesystem::path seal_public() const { return dir / "seal.pem"; }
  std::filesystem::path blobs() const { return dir / "blobs"; }
  std::filesystem::path url_file() const { return dir / "hub-url"; }
};

// Creates the CA, the server certificate and the admin token (each only if absent,
// so re-running init never invalidates enrolled kiosks).
Result<void> init_credentials(const HubPaths& paths, const std::vector<std::string>& extra_hosts);

struct KioskBundle {
  std::string kiosk_id;
  int number = 0;
  std::string fingerprint;
};

// Writes OUT/kiosk-key.pem (0600), OUT/kiosk-cert.pem, OUT/ca.pem, OUT/hub-seal.pem
// (the hub's public sealing key) and OUT/kiosk.toml.
// The caller registers the kiosk in the hub's store with the returned fingerprint.
struct IssuedKioskCert {
  std::string key_pem, cert_pem, fingerprint;
};
Result<IssuedKioskCert> issue_kiosk_cert(const HubPaths& paths, const std::string& kiosk_id);
Result<void> write_kiosk_bundle(const HubPaths& paths, const std::filesystem::path& out,
                                const IssuedKioskCert& cert, const std::string& kiosk_id, int number,
                                const std::string& hub_url);

// Kiosk ids: 1–64 of letters, digits, '-', '_', '.'.
bool is_kiosk_id(const std::string& id);

}  // namespace motcua::hub
