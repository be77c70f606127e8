#pragma once
// Raw tus 1.0.0 requests to a motcua-hub with a kiosk's certificate (httplib),
// to check the protocol itself, and readers of the hub's log lines about
// uploads (docs/uploads.md). Shared by the tus tests and the PostgreSQL tests
// (an upload continued on another hub process).

#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "motcua/crypto/hash.hpp"
#include "motcua/util/fs.hpp"

namespace motcua::test {

inline std::string b64(std::string_view text) {
  return crypto::base64(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

// The value of an Upload-Checksum: sha256 of the bytes, in base64.
inline std::string sha256_b64(std::string_view bytes) { return crypto::base64(crypto::sha256(bytes)); }

// Waits (with a deadline) until a file contains the text (`times` times).
inline bool wait_for_text(const std::filesystem::path& file, const std::string& text,
                          std::chrono::seconds limit = std::chrono::seconds(15), int times = 1) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    auto content = fs::read_file(file);
    int found = 0;
    for (auto at = content ? content->find(text) : std::string::npos; at != std::string::npos; at = content->find(text, at + 1))
      ++found;
    if (found >= times) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

// How a hub checked a completed upload's digest, from its log line ("digest
// checked by …", docs/uploads.md "Completion"): "this request's checksum",
// "the chunk digests declared at creation", "the running hash" or "a full
// pass over the file".
inline std::string digest_checked_by(const std::filesystem::path& log, const std::string& upload_id) {
  const std::string marker = "upload " + upload_id + " complete:";
  if (!wait_for_text(log, marker)) return "no completion logged";
  const auto text = fs::read_file(log);
  const auto at = text->find(marker);
  const std::string line = text->substr(at, text->find('\n', at) - at);
  const std::string by = "digest checked by ";
  const auto how = line.find(by);
  if (how == std::string::npos) return line;
  return line.substr(how + by.size(), line.rfind(')') - how - by.size());
}

class RawTus {
 public:
  RawTus(const std::string& url, const std::filesystem::path& kiosk_dir, bool with_cert = true) {
    const auto colon = url.rfind(':');
    host_ = url.substr(8, colon - 8);
    port_ = std::stoi(url.substr(colon + 1));
    cert_ = with_cert ? (kiosk_dir / "kiosk-cert.pem").string() : std::string();
    key_ = with_cert ? (kiosk_dir / "kiosk-key.pem").string() : std::string();
    ca_ = (kiosk_dir / "ca.pem").string();
  }

  std::unique_ptr<httplib::SSLClient> client() const {
    auto c = cert_.empty() ? std::make_unique<httplib::SSLClient>(host_, port_)
                           : std::make_unique<httplib::SSLClient>(host_, port_, cert_, key_);
    c->set_ca_cert_path(ca_.c_str());
    c->enable_server_certificate_verification(true);
    c->set_read_timeout(std::chrono::seconds(30));
    return c;
  }

  static httplib::Headers tus(httplib::Headers h = {}) {
    h.emplace("Tus-Resumable", "1.0.0");
    return h;
  }

  httplib::Result options() const { return client()->Options("/api/v1/uploads"); }

  // `chunks`: the value of the "chunks" metadata pair (declared chunk digests), if any.
  httplib::Result create(std::int64_t length, const std::string& dossier, const std::string& document,
                         const std::optional<std::string>& chunks = std::nullopt) const {
    std::string metadata = "dossier " + b64(dossier) + ",document " + b64(document) + ",filename " + b64("trang 1.jpg");
    if (chunks) metadata += ",chunks " + b64(*chunks);
    return client()->Post("/api/v1/uploads", tus({{"Upload-Length", std::to_string(length)}, {"Upload-Metadata", metadata}}),
                          "", "application/octet-stream");
  }

  // Creates and returns the Location, failing the test otherwise.
  std::string created(std::int64_t length, const std::string& dossier, const std::string& document,
                      const std::optional<std::string>& chunks = std::nullopt) const {
    auto r = create(length, dossier, document, chunks);
    EXPECT_TRUE(r) << httplib::to_string(r.error());
    if (!r) return {};
    EXPECT_EQ(r->status, 201) << r->body;
    return r->get_header_value("Location");
  }

  httplib::Result head(const std::string& location) const { return client()->Head(location.c_str(), tus()); }

  std::int64_t offset(const std::string& location) const {
    auto r = head(location);
    if (!r || r->status != 200) return -1;
    return std::stoll(r->get_header_value("Upload-Offset"));
  }

  // `checksum`: the base64 sha256 for Upload-Checksum, if any.
  httplib::Result patch(const std::string& location, std::int64_t offset, const std::string& body,
                        const std::optional<std::string>& checksum = std::nullopt) const {
    httplib::Headers h = tus({{"Upload-Offset", std::to_string(offset)}});
    if (checksum) h.emplace("Upload-Checksum", "sha256 " + *checksum);
    return client()->Patch(location.c_str(), h, body, "application/offset+octet-stream");
  }

  // The headers of a chunk sent with its own sha256 as Upload-Checksum, and such a chunk.
  static httplib::Headers checked_headers(std::int64_t offset, const std::string& body) {
    return tus({{"Upload-Offset", std::to_string(offset)}, {"Upload-Checksum", "sha256 " + sha256_b64(body)}});
  }
  httplib::Result patch_checked(const std::string& location, std::int64_t offset, const std::string& body) const {
    return patch(location, offset, body, sha256_b64(body));
  }

  // Announces `body`, sends its first `sent` bytes, then drops the connection.
  void cut_patch(const std::string& location, std::int64_t offset, const std::string& body, std::size_t sent,
                 const std::optional<std::string>& checksum) const {
    httplib::Headers h = tus({{"Upload-Offset", std::to_string(offset)}});
    if (checksum) h.emplace("Upload-Checksum", "sha256 " + *checksum);
    auto c = client();
    auto r = c->Patch(
        location.c_str(), h, body.size(),
        [&](std::size_t at, std::size_t length, httplib::DataSink& sink) {
          if (at >= sent) return false;  // the "link" dies here
          sink.write(body.data() + at, std::min(length, sent - at));
          return true;
        },
        "application/offset+octet-stream");
    EXPECT_FALSE(r);  // the client gave up; the connection is closed with the client
  }

  httplib::Result remove(const std::string& location) const { return client()->Delete(location.c_str(), tus()); }

 private:
  std::string host_, cert_, key_, ca_;
  int port_ = 0;
};

}  // namespace motcua::test
