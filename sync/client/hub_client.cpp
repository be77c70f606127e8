#include "motcua/client/hub_client.hpp"

#include <curl/curl.h>

#include <cstdio>
#include <mutex>

#include "motcua/util/log.hpp"

namespace motcua::client {

namespace {

constexpr std::size_t kMaxResponseBytes = 64u << 20;

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct SlistFree {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using Slist = std::unique_ptr<curl_slist, SlistFree>;

struct FileClose {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

struct Exchange {
  std::string body;
  bool protocol_header = false;
  bool too_large = false;
};

std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  const std::size_t bytes = size * n;
  if (ex->body.size() + bytes > kMaxResponseBytes) {
    ex->too_large = true;
    return 0;  // aborts the transfer
  }
  ex->body.append(data, bytes);
  return bytes;
}

std::size_t on_header(char* data, std::size_t size, std::size_t n, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  const std::size_t bytes = size * n;
  std::string_view line(data, bytes);
  const std::string_view name = protocol::kProtocolHeader;
  if (line.size() > name.size() && line[name.size()] == ':') {
    bool same = true;
    for (std::size_t i = 0; i < name.size(); ++i)
      if (std::tolower(static_cast<unsigned char>(line[i])) != std::tolower(static_cast<unsigned char>(name[i])))
        same = false;
    if (same) {
      std::string_view value = line.substr(name.size() + 1);
      while (!value.empty() && (value.front() == ' ')) value.remove_prefix(1);
      while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
        value.remove_suffix(1);
      ex->protocol_header = value == protocol::kProtocolValue;
    }
  }
  // A redirect or 100-continue starts a new header block: only the last counts.
  if (line.rfind("HTTP/", 0) == 0) ex->protocol_header = false;
  return bytes;
}

std::size_t on_read_file(char* buffer, std::size_t size, std::size_t n, void* user) {
  return std::fread(buffer, size, n, static_cast<std::FILE*>(user));
}

}  // namespace

struct HubClient::Impl {
  CURL* curl = nullptr;
  Impl() {
    global_init();
    curl = curl_easy_init();
  }
  ~Impl() {
    if (curl != nullptr) curl_easy_cleanup(curl);
  }
};

HubClient::HubClient(HubEndpoint endpoint) : endpoint_(std::move(endpoint)), impl_(std::make_unique<Impl>()) {
  while (!endpoint_.base_url.empty() && endpoint_.base_url.back() == '/') endpoint_.base_url.pop_back();
}
HubClient::~HubClient() = default;
HubClient::HubClient(HubClient&&) noexcept = default;
HubClient& HubClient::operator=(HubClient&&) noexcept = default;

std::string url_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

namespace {

struct Upload {
  std::FILE* file = nullptr;
  curl_off_t size = 0;
};

// The URL as it may appear in messages and logs: the lookup secret is replaced.
std::string printable(const std::string& url) {
  std::string out = url;
  for (std::size_t pos = out.find("secret="); pos != std::string::npos; pos = out.find("secret=", pos)) {
    pos += 7;
    const std::size_t end = out.find('&', pos);
    out.replace(pos, (end == std::string::npos ? out.size() : end) - pos, "***");
  }
  return out;
}

Result<HttpResponse> perform(CURL* curl, const HubEndpoint& ep, const std::string& method,
                             const std::string& url, const std::optional<std::string>& json_body,
                             const std::vector<std::string>& extra_headers, const Upload* upload) {
  curl_easy_reset(curl);
  Exchange ex;
  char errbuf[CURL_ERROR_SIZE] = {0};
  Slist headers;
  auto add_header = [&](const std::string& h) { headers.reset(curl_slist_append(headers.release(), h.c_str())); };
  add_header("Accept: application/json");
  add_header("User-Agent: motcua/" MOTCUA_VERSION);
  if (ep.bearer_token) add_header("Authorization: Bearer " + *ep.bearer_token);
  for (const auto& h : extra_headers) add_header(h);

  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);  // a redirect is never our hub's answer
  curl_easy_setopt(curl, CURLOPT_CAINFO, ep.ca_file.c_str());
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  if (ep.client_cert) curl_easy_setopt(curl, CURLOPT_SSLCERT, ep.client_cert->c_str());
  if (ep.client_key) curl_easy_setopt(curl, CURLOPT_SSLKEY, ep.client_key->c_str());
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(ep.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(ep.request_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, ep.low_speed_limit);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, static_cast<long>(ep.low_speed_time.count()));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &ex);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &ex);

  if (upload != nullptr) {
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, on_read_file);
    curl_easy_setopt(curl, CURLOPT_READDATA, upload->file);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, upload->size);
    add_header("Content-Type: application/octet-stream");
    add_header("Expect:");  // no 100-continue round trip on a slow link
  } else if (json_body) {
    add_header("Content-Type: application/json; charset=utf-8");
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, json_body->c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(json_body->size()));
    if (method != "POST") curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  } else if (method != "GET") {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
    if (method == "POST") {
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, "");
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t{0});
    }
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());

  const CURLcode rc = curl_easy_perform(curl);
  if (rc != CURLE_OK) {
    if (ex.too_large) return fail(Errc::protocol, "response from " + printable(url) + " is larger than 64 MiB");
    std::string msg = method + " " + printable(url) + ": " + curl_easy_strerror(rc);
    if (errbuf[0] != '\0') msg += std::string(" (") + errbuf + ")";
    return fail(Errc::network, std::move(msg));
  }
  HttpResponse res;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &res.status);
  res.body = std::move(ex.body);
  res.has_protocol_header = ex.protocol_header;
  if (!res.has_protocol_header)
    return fail(Errc::protocol, method + " " + printable(url) + ": the answer (HTTP " + std::to_string(res.status) +
                                    ") is not from a motcua hub — a captive portal or proxy may be in the way");
  if (res.status >= 400) return fail(protocol::error_from_response(static_cast<int>(res.status), res.body));
  return res;
}

}  // namespace

Result<HttpResponse> HubClient::request(const std::string& method, const std::string& path,
                                        const std::optional<std::string>& json_body) {
  return perform(impl_->curl, endpoint_, method, endpoint_.base_url + std::string(protocol::kApiPrefix) + path,
                 json_body, {}, nullptr);
}

Result<Json> HubClient::request_json(const std::string& method, const std::string& path,
                                     const std::optional<std::string>& json_body) {
  auto res = request(method, path, json_body);
  if (!res) return fail(res.error());
  auto j = parse_json(res->body);
  if (!j) return fail(Errc::protocol, "hub sent malformed JSON for " + path + ": " + j.error().message);
  return j;
}

Result<Json> HubClient::health() { return request_json("GET", "/health"); }

Result<protocol::CatalogPage> HubClient::catalog_changes(std::int64_t after, int limit) {
  auto j = request_json("GET", "/catalog/changes?after=" + std::to_string(after) + "&limit=" + std::to_string(limit));
  if (!j) return fail(j.error());
  auto page = protocol::catalog_page_from_json(*j);
  if (!page) return fail(Errc::protocol, page.error().message);
  return page;
}

Result<protocol::DossierAck> HubClient::create_dossier(const protocol::Submission& submission) {
  auto j = request_json("POST", "/dossiers", protocol::to_json(submission).dump());
  if (!j) return fail(j.error());
  auto ack = protocol::dossier_ack_from_json(*j);
  if (!ack) return fail(Errc::protocol, ack.error().message);
  return ack;
}

Result<void> HubClient::upload_document(const std::string& client_id, const std::string& document_id,
                                        const std::filesystem::path& file, const std::string& sha256_hex) {
  std::unique_ptr<std::FILE, FileClose> f(std::fopen(file.c_str(), "rb"));
  if (!f) return fail(Errc::io, "cannot open " + file.string() + " for upload");
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  if (ec) return fail(Errc::io, "cannot stat " + file.string() + ": " + ec.message());
  Upload up{f.get(), static_cast<curl_off_t>(size)};
  const std::string url = endpoint_.base_url + std::string(protocol::kApiPrefix) + "/dossiers/" +
                          url_encode(client_id) + "/documents/" + url_encode(document_id);
  auto res = perform(impl_->curl, endpoint_, "PUT", url, std::nullopt,
                     {std::string(protocol::kSha256Header) + ": " + sha256_hex}, &up);
  if (!res) return fail(res.error());
  return {};
}

Result<protocol::DossierAck> HubClient::seal_dossier(const std::string& client_id) {
  auto j = request_json("POST", "/dossiers/" + url_encode(client_id) + "/seal");
  if (!j) return fail(j.error());
  auto ack = protocol::dossier_ack_from_json(*j);
  if (!ack) return fail(Errc::protocol, ack.error().message);
  return ack;
}

Result<protocol::CodeLease> HubClient::lease_codes(const std::string& agency_id, int count) {
  auto j = request_json("POST", "/code-leases", protocol::to_json(protocol::CodeLeaseRequest{agency_id, count}).dump());
  if (!j) return fail(j.error());
  auto lease = protocol::code_lease_from_json(*j);
  if (!lease) return fail(Errc::protocol, lease.error().message);
  return lease;
}

Result<protocol::StatusView> HubClient::status(const std::string& code, const std::string& secret) {
  auto j = request_json("GET", "/status?code=" + url_encode(code) + "&secret=" + url_encode(secret));
  if (!j) return fail(j.error());
  auto v = protocol::status_view_from_json(*j);
  if (!v) return fail(Errc::protocol, v.error().message);
  return v;
}

Result<protocol::StatusPage> HubClient::status_changes(std::int64_t after, int limit) {
  auto j = request_json("GET", "/kiosk/status-changes?after=" + std::to_string(after) + "&limit=" + std::to_string(limit));
  if (!j) return fail(j.error());
  auto page = protocol::status_page_from_json(*j);
  if (!page) return fail(Errc::protocol, page.error().message);
  return page;
}

Result<void> HubClient::heartbeat(const protocol::Heartbeat& heartbeat) {
  auto r = request("POST", "/kiosk/heartbeat", protocol::to_json(heartbeat).dump());
  if (!r) return fail(r.error());
  return {};
}

Result<std::vector<protocol::KioskView>> HubClient::admin_kiosks() {
  auto j = request_json("GET", "/admin/kiosks");
  if (!j) return fail(j.error());
  std::vector<protocol::KioskView> out;
  if (!j->contains("kiosks")) return fail(Errc::protocol, "hub answer has no kiosks list");
  for (const auto& k : (*j)["kiosks"]) {
    auto v = protocol::kiosk_view_from_json(k);
    if (!v) return fail(Errc::protocol, v.error().message);
    out.push_back(std::move(*v));
  }
  return out;
}

Result<std::vector<protocol::DossierSummary>> HubClient::admin_list_dossiers(const std::string& status_filter,
                                                                              int limit) {
  std::string path = "/admin/dossiers?limit=" + std::to_string(limit);
  if (!status_filter.empty()) path += "&status=" + url_encode(status_filter);
  auto j = request_json("GET", path);
  if (!j) return fail(j.error());
  std::vector<protocol::DossierSummary> out;
  if (!j->contains("dossiers") || !(*j)["dossiers"].is_array())
    return fail(Errc::protocol, "hub answer has no dossiers list");
  for (const auto& d : (*j)["dossiers"]) {
    auto s = protocol::dossier_summary_from_json(d);
    if (!s) return fail(Errc::protocol, s.error().message);
    out.push_back(std::move(*s));
  }
  return out;
}

Result<protocol::DossierDetail> HubClient::admin_show_dossier(const std::string& code) {
  auto j = request_json("GET", "/admin/dossiers/" + url_encode(code));
  if (!j) return fail(j.error());
  auto d = protocol::dossier_detail_from_json(*j);
  if (!d) return fail(Errc::protocol, d.error().message);
  return d;
}

Result<protocol::DossierDetail> HubClient::admin_act(const std::string& code, const protocol::ActionRequest& action) {
  auto j = request_json("POST", "/admin/dossiers/" + url_encode(code) + "/actions", protocol::to_json(action).dump());
  if (!j) return fail(j.error());
  auto d = protocol::dossier_detail_from_json(*j);
  if (!d) return fail(Errc::protocol, d.error().message);
  return d;
}

Result<std::vector<domain::Service>> HubClient::admin_catalog_services() {
  auto j = request_json("GET", "/admin/catalog/services");
  if (!j) return fail(j.error());
  std::vector<domain::Service> out;
  if (!j->contains("services")) return fail(Errc::protocol, "hub answer has no services list");
  for (const auto& s : (*j)["services"]) {
    auto svc = domain::service_from_json(s);
    if (!svc) return fail(Errc::protocol, svc.error().message);
    out.push_back(std::move(*svc));
  }
  return out;
}

Result<Json> HubClient::admin_import_catalog(const Json& catalog) {
  return request_json("POST", "/admin/catalog", catalog.dump());
}

}  // namespace motcua::client
