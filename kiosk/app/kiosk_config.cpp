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
  s.agency_id = cfg->string_or("kiosk.agency", "");
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
