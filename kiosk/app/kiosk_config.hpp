#pragma once
// DATA/kiosk.toml, written by `motcua-hub kiosk-bundle`:
//   [kiosk] id = "KIOSK-01"  number = 1  (agency = "H41.26.01", optional)
//   [hub]   url = "https://…"  ca = "ca.pem"  cert = "kiosk-cert.pem"  key = "kiosk-key.pem"
// Paths are relative to DATA. Without a [hub] section the kiosk runs offline.

#include <filesystem>
#include <string>

#include "model/backend.hpp"
#include "motcua/util/error.hpp"

namespace motcua::kiosk {

struct KioskSettings {
  BackendConfig backend;
  std::string agency_id;  // this office; empty = the catalog's first agency
};

Result<KioskSettings> load_kiosk_settings(const std::filesystem::path& data_dir);

}  // namespace motcua::kiosk
