#pragma once
// HTTPS client for hub API v1 (libcurl + OpenSSL). Used by the kiosk's sync
// engine (mutual TLS with the kiosk certificate) and by motcua-admin (bearer
// token). Blocking calls with timeouts; never called from the UI thread.
// A response without the X-Motcua-Protocol header is an Errc::protocol error,
// whatever its HTTP status (captive portals answer 200 with HTML).

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "motcua/domain/catalog.hpp"
#include "motcua/protocol/wire.hpp"
#include "motcua/util/error.hpp"

namespace motcua::client {

struct HubEndpoint {
  std::string base_url;  // "https://127.0.0.1:8443"
  std::filesystem::path ca_file;  // the hub's CA (ca.pem)
  std::optional<std::filesystem::path> client_cert;  // kiosk mTLS
  std::optional<std::filesystem::path> client_key;
  std::optional<std::string> bearer_token;  // officials / admin
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds request_timeout{30000};
  // Abort a transfer slower than this many bytes/s for low_speed_time (dead links).
  long low_speed_limit = 1;
  std::chrono::seconds low_speed_time{20};
};

struct HttpResponse {
  long status = 0;
  std::string body;
  bool has_protocol_header = false;
};

class HubClient {
 public:
  explicit HubClient(HubEndpoint endpoint);
  ~HubClient();
  HubClient(HubClient&&) noexcept;
  HubClient& operator=(HubClient&&) noexcept;

  const HubEndpoint& endpoint() const { return endpoint_; }

  Result<Json> health();
  Result<protocol::CatalogPage> catalog_changes(std::int64_t after, int limit = 200);
  // 201 new / 200 repeat both succeed.
  Result<protocol::DossierAck> create_dossier(const protocol::Submission& submission);
  // Streams the file from disk.
  Result<void> upload_document(const std::string& client_id, const std::string& document_id,
                               const std::filesystem::path& file, const std::string& sha256_hex);
  Result<protocol::DossierAck> seal_dossier(const std::string& client_id);
  Result<protocol::CodeLease> lease_codes(const std::string& agency_id, int count);
  Result<protocol::StatusView> status(const std::string& code, const std::string& secret);
  Result<protocol::StatusPage> status_changes(std::int64_t after, int limit = 200);
  Result<void> heartbeat(const protocol::Heartbeat& heartbeat);
  Result<std::vector<protocol::KioskView>> admin_kiosks();

  // Admin (bearer token).
  Result<std::vector<protocol::DossierSummary>> admin_list_dossiers(const std::string& status_filter = {},
                                                                     int limit = 100);
  Result<protocol::DossierDetail> admin_show_dossier(const std::string& code);
  Result<protocol::DossierDetail> admin_act(const std::string& code, const protocol::ActionRequest& action);
  Result<std::vector<domain::Service>> admin_catalog_services();
  Result<Json> admin_import_catalog(const Json& catalog);

  // Low level: method + path (under /api/v1) + optional JSON body. Maps transport
  // failures to Errc::network, missing protocol header to Errc::protocol and
  // error statuses to the hub's error code.
  Result<HttpResponse> request(const std::string& method, const std::string& path,
                               const std::optional<std::string>& json_body = std::nullopt);

 private:
  Result<Json> request_json(const std::string& method, const std::string& path,
                            const std::optional<std::string>& json_body = std::nullopt);
  struct Impl;
  HubEndpoint endpoint_;
  std::unique_ptr<Impl> impl_;
};

// Percent-encodes a query value or path segment.
std::string url_encode(std::string_view text);

}  // namespace motcua::client
