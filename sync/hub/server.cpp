#include "server.hpp"

#include <httplib.h>
#include <openssl/crypto.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <unistd.h>

#include <cstdio>
#include <regex>
#include <thread>
#include <mutex>
#include <condition_variable>

#include "motcua/crypto/hash.hpp"
#include "motcua/crypto/random.hpp"
#include "motcua/crypto/x509.hpp"
#include "motcua/domain/dossier_code.hpp"
#include "motcua/protocol/envelope.hpp"
#include "motcua/protocol/wire.hpp"
#include "document_sink.hpp"
#include "motcua/util/fs.hpp"
#include "motcua/util/log.hpp"
#include "lookup_guard.hpp"
#include "tus_server.hpp"

namespace motcua::hub {

namespace {

constexpr const char* kLog = "hub";
constexpr std::size_t kMaxJsonBody = 4u << 20;        // catalog imports are the largest JSON bodies
constexpr std::size_t kMaxImportBody = 256u << 20;    // a 50,000-service catalog
constexpr std::int64_t kMaxDocument = 64ll << 20;

void send_json(httplib::Response& res, int status, const Json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json; charset=utf-8");
}

void send_error(httplib::Response& res, const Error& e) {
  send_json(res, protocol::http_status_for(e.code), protocol::error_body(e));
}

struct Caller {
  enum Kind { anonymous, kiosk, admin } kind = anonymous;
  std::string id;  // kiosk id
};

}  // namespace

struct HubServer::Impl {
  HubPaths paths;
  HubStore& store;
  const Clock& clock;
  BlobStore blobs;
  LookupGuard lookups{clock};
  // Resumable document uploads (tus 1.0.0); completed files are checked, opened
  // (sealed documents) and stored by the document sink.
  DataKeyCache data_keys;  // one RSA decryption per dossier, not per document
  SealedDocumentSink upload_sink{blobs, store, data_keys};
  std::shared_ptr<const crypto::PKey> seal_key;  // opens what kiosks sealed to this hub
  TusServer uploads{TusOptions{paths.dir / "uploads"}, store, upload_sink, clock};
  std::string admin_token;
  std::unique_ptr<httplib::SSLServer> server;

  // Service figures (usage, on time, late) are recomputed in the background and
  // reach kiosks with the catalog.
  std::mutex stats_mutex;
  std::condition_variable stats_cv;
  bool stats_stop = false;
  std::thread stats_thread;

  void start_stats(std::chrono::minutes every) {
    stats_thread = std::thread([this, every] {
      std::unique_lock lock(stats_mutex);
      for (;;) {
        lock.unlock();
        if (auto r = store.refresh_stats(clock.now()); !r) log::warn(kLog, "service figures: " + r.error().message);
        lock.lock();
        if (stats_cv.wait_for(lock, every, [&] { return stats_stop; })) return;
      }
    });
  }
  ~Impl() {
    {
      std::lock_guard lock(stats_mutex);
      stats_stop = true;
    }
    stats_cv.notify_all();
    if (stats_thread.joinable()) stats_thread.join();
  }

  Impl(HubPaths p, HubStore& s, const Clock& c) : paths(std::move(p)), store(s), clock(c), blobs(paths.blobs()) {}

  Caller identify(const httplib::Request& req) {
    Caller c;
    if (req.ssl != nullptr) {
      X509* peer = SSL_get1_peer_certificate(req.ssl);
      if (peer != nullptr) {
        // The handshake already verified the chain against our CA.
        const std::string cn = crypto::common_name(peer);
        const std::string fp = crypto::fingerprint_sha256(peer);
        X509_free(peer);
        auto k = store.kiosk(cn);
        if (k && *k && !(*k)->revoked && (*k)->cert_fingerprint == fp) {
          c.kind = Caller::kiosk;
          c.id = cn;
          return c;
        }
        log::warn(kLog, "client certificate for unknown or revoked kiosk " + cn);
      }
    }
    const std::string auth = req.get_header_value("Authorization");
    if (auth.rfind("Bearer ", 0) == 0 && !admin_token.empty() &&
        crypto::constant_time_equal(auth.substr(7), admin_token)) {
      c.kind = Caller::admin;
      c.id = "admin";
    }
    return c;
  }

  static Result<Json> json_body(const httplib::Request& req, std::size_t limit = kMaxJsonBody) {
    if (req.body.size() > limit) return fail(Errc::invalid_argument, "request body too large");
    return parse_json(req.body);
  }

  void routes() {
    auto& s = *server;
    const std::string api(protocol::kApiPrefix);

    s.set_pre_routing_handler([](const httplib::Request&, httplib::Response& res) {
      res.set_header(std::string(protocol::kProtocolHeader), std::string(protocol::kProtocolValue));
      return httplib::Server::HandlerResponse::Unhandled;
    });
    s.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
      if (!res.body.empty()) return;
      if (res.status == 404) send_error(res, Error{Errc::not_found, "no such endpoint: " + req.method + " " + req.path});
      else if (res.status == 413) send_error(res, Error{Errc::invalid_argument, "request body too large"});
      else send_error(res, Error{Errc::invalid_argument, "request refused (HTTP " + std::to_string(res.status) + ")"});
      res.status = res.status == 413 ? 413 : res.status;
    });
    s.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
      std::string what = "unexpected error";
      try {
        if (ep) std::rethrow_exception(ep);
      } catch (const std::exception& e) {
        what = e.what();
      } catch (...) {
      }
      log::error(kLog, "handler threw: " + what);
      send_error(res, Error{Errc::internal, "internal error"});
    });

    uploads.register_routes(s, [this](const httplib::Request& req) -> std::optional<std::string> {
      const Caller c = identify(req);
      if (c.kind != Caller::kiosk) return std::nullopt;
      return c.id;
    });

    s.Get(api + "/health", [this](const httplib::Request&, httplib::Response& res) {
      send_json(res, 200,
                {{"status", "ok"}, {"service", "motcua-hub"}, {"version", MOTCUA_VERSION},
                 {"api", protocol::kApiVersion}, {"time", format_utc(clock.now())}});
    });

    s.Get(api + "/catalog/changes", [this](const httplib::Request& req, httplib::Response& res) {
      if (identify(req).kind == Caller::anonymous)
        return send_error(res, Error{Errc::unauthorized, "a kiosk certificate or an admin token is required"});
      std::int64_t after = 0;
      int limit = 200;
      try {
        if (req.has_param("after")) after = std::stoll(req.get_param_value("after"));
        if (req.has_param("limit")) limit = std::stoi(req.get_param_value("limit"));
      } catch (const std::exception&) {
        return send_error(res, Error{Errc::invalid_argument, "after and limit must be integers"});
      }
      if (after < 0 || limit < 1) return send_error(res, Error{Errc::invalid_argument, "after ≥ 0 and limit ≥ 1"});
      limit = std::min(limit, 1000);
      auto page = store.catalog_changes(after, limit);
      if (!page) return send_error(res, page.error());
      send_json(res, 200, protocol::to_json(*page));
    });

    s.Post(api + "/dossiers", [this](const httplib::Request& req, httplib::Response& res) {
      const Caller c = identify(req);
      if (c.kind != Caller::kiosk) return send_error(res, Error{Errc::unauthorized, "only enrolled kiosks submit dossiers"});
      auto j = json_body(req);
      if (!j) return send_error(res, j.error());
      auto sub = protocol::submission_from_json(*j);
      if (!sub) return send_error(res, sub.error());
      // The content hash is over the normalised submission, so a repeat of the
      // same dossier matches whatever key order it used.
      const std::string hash = crypto::sha256_hex(protocol::to_json(*sub).dump());
      // Open the sealed applicant: the hub is where personal data may be read.
      auto key = data_keys.open(*seal_key, sub->sealed);
      if (!key) return send_error(res, key.error());
      // The store checks it against the service (protocol::validate_personal_data).
      auto personal = protocol::open_personal_data(*key, sub->client_id, sub->sealed);
      OPENSSL_cleanse(key->data(), key->size());
      if (!personal) return send_error(res, personal.error());
      auto r = store.create_dossier(c.id, *sub, *personal, hash, clock.now());
      if (!r) return send_error(res, r.error());
      if (r->created) log::info(kLog, "dossier " + r->ack.code + " created by " + c.id);
      send_json(res, r->created ? 201 : 200, protocol::to_json(r->ack));
    });

    s.Put(R"(/api/v1/dossiers/([^/]+)/documents/([^/]+))",
          [this](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
            const Caller c = identify(req);
            if (c.kind != Caller::kiosk) return send_error(res, Error{Errc::unauthorized, "only enrolled kiosks upload documents"});
            const std::string client_id = req.matches[1];
            const std::string doc_id = req.matches[2];
            auto decl = store.declared_document(c.id, client_id, doc_id);
            if (!decl) return send_error(res, decl.error());
            const std::string claimed = req.get_header_value(std::string(protocol::kSha256Header));
            if (claimed != decl->sha256)
              return send_error(res, Error{Errc::conflict, "X-Content-SHA256 does not match the declared digest of " + doc_id});
            if (decl->size > kMaxDocument)
              return send_error(res, Error{Errc::invalid_argument, "document larger than 64 MiB"});
            // The body goes to a temporary file, then through the same document
            // sink as a completed tus upload (verify, open, store, mark received).
            auto received = store.document_is_received(c.id, client_id, doc_id);
            if (!received) return send_error(res, received.error());
            if (*received) {
              reader([](const char*, std::size_t) { return true; });  // keep the connection usable
              return send_json(res, 200, {{"document", {{"id", doc_id}, {"received", true}}}});
            }
            const auto tmp_dir = paths.dir / "uploads" / "put";
            if (auto r = fs::ensure_dir(tmp_dir, 0700); !r) return send_error(res, r.error());
            const auto tmp = tmp_dir / (client_id + "." + doc_id + "." + crypto::random_token(6));
            std::FILE* f = std::fopen(tmp.c_str(), "wb");
            if (f == nullptr) return send_error(res, Error{Errc::io, "cannot store the upload"});
            std::int64_t got = 0;
            const bool ok = reader([&](const char* data, std::size_t n) {
              got += static_cast<std::int64_t>(n);
              return got <= decl->size && std::fwrite(data, 1, n, f) == n;
            });
            const bool written = std::fflush(f) == 0 && ::fsync(::fileno(f)) == 0;
            std::fclose(f);
            struct Remove {
              std::filesystem::path p;
              ~Remove() {
                std::error_code ec;
                std::filesystem::remove(p, ec);
              }
            } remove{tmp};
            if (!ok || !written)
              return send_error(res, Error{got > decl->size ? Errc::invalid_argument : Errc::network,
                                           got > decl->size ? "document larger than declared" : "upload interrupted"});
            CompletedUpload done{UploadTarget{c.id, client_id, doc_id, decl->size, decl->sha256}, tmp, false};
            if (auto r = upload_sink.complete(done); !r) return send_error(res, r.error());
            send_json(res, 201, {{"document", {{"id", doc_id}, {"received", true}}}});
          });

    s.Post(api + "/code-leases", [this](const httplib::Request& req, httplib::Response& res) {
      const Caller c = identify(req);
      if (c.kind != Caller::kiosk) return send_error(res, Error{Errc::unauthorized, "only enrolled kiosks lease codes"});
      auto j = json_body(req);
      if (!j) return send_error(res, j.error());
      auto r = protocol::code_lease_request_from_json(*j);
      if (!r) return send_error(res, r.error());
      auto lease = store.lease_codes(c.id, r->agency_id, r->count, clock.now());
      if (!lease) return send_error(res, lease.error());
      send_json(res, 201, protocol::to_json(*lease));
    });

    s.Post(R"(/api/v1/dossiers/([^/]+)/seal)", [this](const httplib::Request& req, httplib::Response& res) {
      const Caller c = identify(req);
      if (c.kind != Caller::kiosk) return send_error(res, Error{Errc::unauthorized, "only enrolled kiosks seal dossiers"});
      auto ack = store.seal(c.id, req.matches[1], clock.now());
      if (!ack) return send_error(res, ack.error());
      send_json(res, 200, protocol::to_json(*ack));
    });

    s.Get(api + "/kiosk/status-changes", [this](const httplib::Request& req, httplib::Response& res) {
      const Caller c = identify(req);
      if (c.kind != Caller::kiosk) return send_error(res, Error{Errc::unauthorized, "only enrolled kiosks follow their status feed"});
      std::int64_t after = 0;
      int limit = 200;
      try {
        if (req.has_param("after")) after = std::stoll(req.get_param_value("after"));
        if (req.has_param("limit")) limit = std::clamp(std::stoi(req.get_param_value("limit")), 1, 1000);
      } catch (const std::exception&) {
        return send_error(res, Error{Errc::invalid_argument, "after and limit must be integers"});
      }
      auto page = store.status_changes(c.id, after, limit);
      if (!page) return send_error(res, page.error());
      send_json(res, 200, protocol::to_json(*page));
    });

    s.Post(api + "/kiosk/heartbeat", [this](const httplib::Request& req, httplib::Response& res) {
      const Caller c = identify(req);
      if (c.kind != Caller::kiosk) return send_error(res, Error{Errc::unauthorized, "only enrolled kiosks send heartbeats"});
      auto j = json_body(req);
      if (!j) return send_error(res, j.error());
      auto h = protocol::heartbeat_from_json(*j);
      if (!h) return send_error(res, h.error());
      if (auto r = store.record_heartbeat(c.id, *h, clock.now()); !r) return send_error(res, r.error());
      send_json(res, 200, {{"received_at", format_utc(clock.now())}});
    });

    s.Get(api + "/status", [this](const httplib::Request& req, httplib::Response& res) {
      const std::string code = req.get_param_value("code");
      auto secret = domain::normalize_lookup_secret(req.get_param_value("secret"));
      if (code.empty()) return send_error(res, Error{Errc::invalid_argument, "code is required"});
      if (const auto wait = lookups.blocked_for(code); wait > 0) {
        res.set_header("Retry-After", std::to_string(wait));
        return send_error(res, Error{Errc::rate_limited, "too many wrong lookup secrets for this code; try again in " +
                                                             std::to_string((wait + 59) / 60) + " minutes"});
      }
      auto v = secret ? store.status(code, *secret)
                      : Result<protocol::StatusView>(fail(Errc::not_found, "no dossier with this code and lookup secret"));
      if (!v) {
        if (v.error().code == Errc::not_found) lookups.record_failure(code);
        return send_error(res, v.error());
      }
      lookups.record_success(code);
      send_json(res, 200, protocol::to_json(*v));
    });

    // ---- admin
    auto admin_only = [this](const httplib::Request& req, httplib::Response& res) {
      if (identify(req).kind != Caller::admin) {
        send_error(res, Error{Errc::unauthorized, "an admin token is required (Authorization: Bearer …)"});
        return false;
      }
      return true;
    };

    s.Get(api + "/admin/dossiers", [this, admin_only](const httplib::Request& req, httplib::Response& res) {
      if (!admin_only(req, res)) return;
      std::optional<domain::DossierStatus> status;
      if (req.has_param("status")) {
        status = domain::status_from_key(req.get_param_value("status"));
        if (!status) return send_error(res, Error{Errc::invalid_argument, "unknown status " + req.get_param_value("status")});
      }
      int limit = 100, offset = 0;
      try {
        if (req.has_param("limit")) limit = std::clamp(std::stoi(req.get_param_value("limit")), 1, 1000);
        if (req.has_param("offset")) offset = std::max(0, std::stoi(req.get_param_value("offset")));
      } catch (const std::exception&) {
        return send_error(res, Error{Errc::invalid_argument, "limit and offset must be integers"});
      }
      auto list = store.list_dossiers(status, limit, offset);
      if (!list) return send_error(res, list.error());
      Json arr = Json::array();
      for (const auto& d : *list) arr.push_back(protocol::to_json(d));
      send_json(res, 200, {{"dossiers", arr}, {"total", arr.size()}});
    });

    s.Get(R"(/api/v1/admin/dossiers/([^/]+))", [this, admin_only](const httplib::Request& req, httplib::Response& res) {
      if (!admin_only(req, res)) return;
      auto d = store.dossier(req.matches[1]);
      if (!d) return send_error(res, d.error());
      send_json(res, 200, protocol::to_json(*d));
    });

    s.Post(R"(/api/v1/admin/dossiers/([^/]+)/actions)", [this, admin_only](const httplib::Request& req, httplib::Response& res) {
      if (!admin_only(req, res)) return;
      auto j = json_body(req);
      if (!j) return send_error(res, j.error());
      auto a = protocol::action_request_from_json(*j);
      if (!a) return send_error(res, a.error());
      auto action = domain::action_from_key(a->action);
      if (!action || *action == domain::DossierAction::submit)
        return send_error(res, Error{Errc::invalid_argument,
                                     "unknown action " + a->action +
                                         " (accept, reject, process, request-supplement, receive-supplement, "
                                         "request-payment, confirm-payment, finish, return-result, withdraw, stop, extend)"});
      auto role = domain::actor_from_string(a->actor_role);
      if (!role || *role == domain::Actor::system)
        return send_error(res, Error{Errc::invalid_argument, "actor must be staff, official or citizen"});
      domain::TransitionRequest tr;
      tr.action = *action;
      // The admin token stands for the commune's staff and officials; the role says
      // in which capacity this action is taken (per-user accounts come later).
      tr.actor = *role;
      tr.actor_id = "admin";
      tr.note = a->note;
      tr.at = clock.now();
      if (a->appointment) {
        TimePoint t;
        if (!parse_rfc3339(*a->appointment, t))
          return send_error(res, Error{Errc::invalid_argument, "appointment must be an RFC 3339 time"});
        tr.new_appointment = t;
      }
      auto d = store.apply_action(req.matches[1], tr);
      if (!d) return send_error(res, d.error());
      log::info(kLog, "dossier " + d->summary.code + ": " + a->action);
      send_json(res, 200, protocol::to_json(*d));
    });

    s.Post(api + "/admin/stats/refresh", [this, admin_only](const httplib::Request& req, httplib::Response& res) {
      if (!admin_only(req, res)) return;
      auto n = store.refresh_stats(clock.now());
      if (!n) return send_error(res, n.error());
      send_json(res, 200, {{"changed", *n}});
    });

    s.Get(api + "/admin/stats", [this, admin_only](const httplib::Request& req, httplib::Response& res) {
      if (!admin_only(req, res)) return;
      auto c = store.catalog();
      if (!c) return send_error(res, c.error());
      Json arr = Json::array();
      for (const auto& st : c->stats) arr.push_back(domain::to_json(st));
      send_json(res, 200, {{"stats", arr}});
    });

    s.Get(api + "/admin/kiosks", [this, admin_only](const httplib::Request& req, httplib::Response& res) {
      if (!admin_only(req, res)) return;
      auto list = store.kiosks();
      if (!list) return send_error(res, list.error());
      Json arr = Json::array();
      for (const auto& k : *list) arr.push_back(protocol::to_json(k));
      send_json(res, 200, {{"kiosks", arr}});
    });

    s.Get(api + "/admin/catalog/services", [this, admin_only](const httplib::Request& req, httplib::Response& res) {
      if (!admin_only(req, res)) return;
      auto c = store.catalog();
      if (!c) return send_error(res, c.error());
      auto services = c->services;
      std::sort(services.begin(), services.end(), [](const auto& a, const auto& b) { return a.code < b.code; });
      Json arr = Json::array();
      for (const auto& svc : services) arr.push_back(domain::to_json(svc));
      send_json(res, 200, {{"services", arr}});
    });

    s.Post(api + "/admin/catalog", [this, admin_only](const httplib::Request& req, httplib::Response& res) {
      if (!admin_only(req, res)) return;
      auto j = json_body(req, kMaxImportBody);
      if (!j) return send_error(res, j.error());
      auto c = domain::catalog_from_json(*j, false);
      if (!c) return send_error(res, c.error());
      auto counts = store.import_catalog(*c);
      if (!counts) return send_error(res, counts.error());
      send_json(res, 200,
                {{"imported",
                  {{"agencies", counts->agencies}, {"sectors", counts->sectors}, {"fields", counts->fields},
                   {"services", counts->services}}},
                 {"changed", counts->changed}});
    });
  }
};

HubServer::HubServer(HubPaths paths, HubStore& store, const Clock& clock)
    : impl_(std::make_unique<Impl>(std::move(paths), store, clock)) {}

HubServer::~HubServer() = default;

Result<int> HubServer::bind(const std::string& host, int port) {
  auto token = fs::read_file(impl_->paths.admin_token());
  if (!token) return fail(Errc::not_found, "no admin token in " + impl_->paths.dir.string() + " — run motcua-hub init first");
  impl_->admin_token = *token;
  auto seal_pem = fs::read_file(impl_->paths.seal_key());
  if (!seal_pem) return fail(Errc::not_found, "no sealing key in " + impl_->paths.dir.string() + " — run motcua-hub init");
  auto seal_key = crypto::load_key_pem(*seal_pem);
  if (!seal_key) return fail(seal_key.error());
  impl_->seal_key = std::make_shared<crypto::PKey>(std::move(*seal_key));
  impl_->upload_sink.set_seal_key(impl_->seal_key);
  while (!impl_->admin_token.empty() && (impl_->admin_token.back() == '\n' || impl_->admin_token.back() == '\r'))
    impl_->admin_token.pop_back();

  const std::string cert = impl_->paths.server_cert().string();
  const std::string key = impl_->paths.server_key().string();
  const std::string ca = impl_->paths.ca_cert().string();
  std::string setup_error;
  impl_->server = std::make_unique<httplib::SSLServer>([&](SSL_CTX& ctx) {
    SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
    if (SSL_CTX_use_certificate_chain_file(&ctx, cert.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(&ctx, key.c_str(), SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(&ctx) != 1) {
      setup_error = "cannot load the server certificate/key from " + impl_->paths.dir.string();
      return false;
    }
    if (SSL_CTX_load_verify_locations(&ctx, ca.c_str(), nullptr) != 1) {
      setup_error = "cannot load the CA from " + ca;
      return false;
    }
    SSL_CTX_set_client_CA_list(&ctx, SSL_load_client_CA_file(ca.c_str()));
    // Ask for a client certificate but do not require one: officials come with a
    // token and the status lookup is public. A certificate that is presented must
    // verify against our CA, or the handshake fails.
    SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER, nullptr);
    // Required with client verification, or a client resuming a TLS session gets
    // an "internal error" alert (SSL_R_SESSION_ID_CONTEXT_UNINITIALIZED).
    static constexpr unsigned char kSessionContext[] = "motcua-hub";
    SSL_CTX_set_session_id_context(&ctx, kSessionContext, sizeof kSessionContext - 1);
    return true;
  });
  if (!impl_->server->is_valid()) return fail(Errc::invalid_argument, setup_error.empty() ? "TLS setup failed" : setup_error);
  impl_->server->new_task_queue = [] { return new httplib::ThreadPool(16); };
  impl_->server->set_payload_max_length(kMaxImportBody);
  impl_->server->set_read_timeout(std::chrono::seconds(30));
  impl_->server->set_write_timeout(std::chrono::seconds(30));
  // Short: an idle kiosk connection must not hold up a shutdown (stop() waits for it).
  impl_->server->set_keep_alive_timeout(2);
  // A document goes up in many chunk requests: keep the TLS connection for them
  // (httplib's default of 5 requests means a new handshake every 40 MiB).
  impl_->server->set_keep_alive_max_count(100);
  // An answer goes out as two TLS records (headers, body): with Nagle's
  // algorithm the second waits for the client's delayed ACK of the first —
  // 40 ms added to every small answer (a status lookup, a create, a seal).
  impl_->server->set_tcp_nodelay(true);
  impl_->routes();
  impl_->uploads.start_sweeper();
  impl_->start_stats(std::chrono::minutes(10));
  int bound;
  if (port == 0) {
    bound = impl_->server->bind_to_any_port(host);
  } else {
    bound = impl_->server->bind_to_port(host, port) ? port : -1;
  }
  if (bound < 0) return fail(Errc::unavailable, "cannot listen on " + host + ":" + std::to_string(port) + " (in use?)");
  return bound;
}

Result<void> HubServer::run() {
  if (!impl_->server) return fail(Errc::internal, "bind() first");
  if (!impl_->server->listen_after_bind()) return fail(Errc::unavailable, "server stopped with an error");
  return {};
}

void HubServer::stop() {
  if (impl_->server) impl_->server->stop();
}

}  // namespace motcua::hub
