#include "app/kiosk_config.hpp"

#include "motcua/util/config.hpp"
#include "motcua/util/log.hpp"

namespace motcua::kiosk {

Result<KioskSettings> load_kiosk_settings(const std::filesystem::path& data_dir) {
  KioskSettings s;
  s.backend.data_dir = data_dir;
  const auto file = data_dir / "kiosk.toml";
  if (!std::filesystem::exists(file)) {
    log::warn("kiosk", file.string() + " not found: running without a hub (offline)");
    return s;
  }
  auto cfg = Config::load(file);
  if (!cfg) return fail(cfg.error());
  s.backend.kiosk_id = cfg->string_or("kiosk.id", "KIOSK-01");
  s.backend.kiosk_number = static_cast<int>(cfg->integer_or("kiosk.number", 1));
  const auto retention_days = cfg->integer_or("kiosk.retention_days", 7);
  const auto stale_days = cfg->integer_or("kiosk.catalog_stale_days", 7);
  if (retention_days < 0 || retention_days > 3650 || stale_days < 1 || stale_days > 3650)
    return fail(Errc::invalid_argument,
                "kiosk.toml: retention_days must be 0–3650 and catalog_stale_days 1–3650");
  s.backend.retention = std::chrono::hours(24 * retention_days);
  s.backend.catalog_stale_after = std::chrono::hours(24 * stale_days);
  s.agency_id = cfg->string_or("kiosk.agency", "");
  const std::string tone = cfg->string_or("ui.tone_style", "old");
  if (tone == "new") s.tone_style = viet::ToneStyle::new_style;
  else if (tone != "old") return fail(Errc::invalid_argument, "kiosk.toml: ui.tone_style must be \"old\" or \"new\"");
  const auto idle = cfg->integer_or("ui.idle_timeout", 90);
  const auto countdown = cfg->integer_or("ui.idle_countdown", 30);
  if (idle < 10 || idle > 3600 || countdown < kMinIdleCountdownSeconds || countdown > 600)
    return fail(Errc::invalid_argument, "kiosk.toml: ui.idle_timeout must be 10–3600 s and ui.idle_countdown 20–600 s");
  s.idle_timeout_s = static_cast<int>(idle);
  s.idle_countdown_s = static_cast<int>(countdown);
  // Receipt printers (docs/printing.md).
  s.printer.thermal = cfg->string_or("printer.thermal", "");
  s.printer.cups_queue = cfg->string_or("printer.cups_queue", "");
  s.printer.cups_server = cfg->string_or("printer.cups_server", "");
  if (const auto paper = paper_from_string(cfg->string_or("printer.paper", "A5"))) s.printer.paper = *paper;
  else return fail(Errc::invalid_argument, "kiosk.toml: printer.paper must be \"A5\" or \"A4\"");
  const auto print_timeout = cfg->integer_or("printer.timeout", 8);
  if (print_timeout < 1 || print_timeout > 120) return fail(Errc::invalid_argument, "kiosk.toml: printer.timeout must be 1–120 s");
  s.printer.thermal_timeout = std::chrono::seconds(print_timeout);
  s.printer.spool_dir = data_dir / "print";
  if (auto url = cfg->string("hub.url")) {
    client::HubEndpoint ep;
    ep.base_url = *url;
    auto rel = [&](const char* key, const char* fallback) { return data_dir / cfg->string_or(key, fallback); };
    ep.ca_file = rel("hub.ca", "ca.pem");
    ep.client_cert = rel("hub.cert", "kiosk-cert.pem");
    ep.client_key = rel("hub.key", "kiosk-key.pem");
    s.backend.hub = std::move(ep);
  }
  return s;
}

}  // namespace motcua::kiosk
