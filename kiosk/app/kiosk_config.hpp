#pragma once
// DATA/kiosk.toml, written by `motcua-hub kiosk-bundle`:
//   [kiosk] id = "KIOSK-01"  number = 1  (agency = "H41.26.01", optional)
//   [hub]   url = "https://…"  ca = "ca.pem"  cert = "kiosk-cert.pem"  key = "kiosk-key.pem"
//   [ui]    tone_style = "old" | "new"   idle_timeout = 90   idle_countdown = 30   (optional)
// Paths are relative to DATA. Without a [hub] section the kiosk runs offline.

#include <filesystem>
#include <string>

#include "devices/print_service.hpp"
#include "model/backend.hpp"
#include "widgets/viet.hpp"
#include "motcua/util/error.hpp"

namespace motcua::kiosk {

struct KioskSettings {
  BackendConfig backend;
  PrinterConfig printer;  // [printer]: none configured = the receipt shows no print button
  std::string agency_id;  // this office; empty = the catalog's first agency
  // Where the keyboard puts tones in oa/oe/uy: "hòa, thủy" (old, as in
  // official documents — the default) or "hoà, thuỷ" (new).
  viet::ToneStyle tone_style = viet::ToneStyle::old_style;
  // Seconds without a touch before the "are you still there?" countdown, and
  // how long it counts (at least 20 s, so anyone can reach the button).
  int idle_timeout_s = 90;
  int idle_countdown_s = 30;
};

inline constexpr int kMinIdleCountdownSeconds = 20;

Result<KioskSettings> load_kiosk_settings(const std::filesystem::path& data_dir);

}  // namespace motcua::kiosk
