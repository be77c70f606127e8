#include "motcua/util/fs.hpp"
#include "motcua/client/tus_uploader.hpp"

#include <curl/curl.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <map>
#include <future>
#include <mutex>
#include <thread>

#include "motcua/crypto/hash.hpp"
#include "motcua/protocol/chunks.hpp"
#include "motcua/protocol/wire.hpp"
#include "motcua/util/log.hpp"

namespace motcua::client {

namespace {

constexpr const char* kLog = "tus";
constexpr const char* kTusVersion = "1.0.0";
constexpr std::size_t kMaxReplyBody = 64u << 10;  // error messages; tus answers carry no data
// libcurl's upload buffer: larger than its 64 KiB default for fewer, larger TLS
// records on fast links; fixed, so memory does not grow with the file.
constexpr long kUploadBuffer = 512L << 10;
constexpr std::size_t kHashBlock = 256u << 10;

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct CurlFree {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistFree {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using Slist = std::unique_ptr<curl_slist, SlistFree>;

using Fd = fs::UniqueFd;

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
  return std::string(s);
}

std::vector<std::string> split_list(std::string_view s) {
  std::vector<std::string> out;
  while (!s.empty()) {
    const auto comma = s.find(',');
    auto item = trim(s.substr(0, comma));
    if (!item.empty()) out.push_back(std::move(item));
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return out;
}

std::optional<std::int64_t> parse_count(const std::string& text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < 0) return std::nullopt;
  return v;
}

// "https://host:port" of a URL.
std::string origin_of(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return {};
  const auto slash = url.find('/', scheme + 3);
  return url.substr(0, slash);
}

// The bytes of one PATCH: [pos, end) of the file, read with pread.
struct ChunkSource {
  int fd = -1;
  std::int64_t start = 0;
  std::int64_t pos = 0;
  std::int64_t end = 0;
  std::int64_t handed = 0;  // bytes given to libcurl, counting those sent again after a rewind
  bool read_error = false;
};

// libcurl rewinds when it sends the request again on a new connection (a kept-alive
// connection the server had closed): the chunk is read again from its start.
int on_seek_chunk(void* user, curl_off_t offset, int origin) {
  auto* src = static_cast<ChunkSource*>(user);
  if (origin != SEEK_SET || offset < 0 || offset > src->end - src->start) return CURL_SEEKFUNC_FAIL;
  src->pos = src->start + static_cast<std::int64_t>(offset);
  return CURL_SEEKFUNC_OK;
}

std::size_t on_read_chunk(char* buffer, std::size_t size, std::size_t n, void* user) {
  auto* src = static_cast<ChunkSource*>(user);
  const auto want = static_cast<std::int64_t>(std::min<std::size_t>(size * n, static_cast<std::size_t>(src->end - src->pos)));
  if (want == 0) return 0;
  for (;;) {
    const ssize_t got = ::pread(src->fd, buffer, static_cast<std::size_t>(want), static_cast<off_t>(src->pos));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {  // the file shrank or cannot be read: never send something else
      src->read_error = true;
      return CURL_READFUNC_ABORT;
    }
    src->pos += got;
    src->handed += got;
    return static_cast<std::size_t>(got);
  }
}

struct Reply {
  long status = 0;
  std::map<std::string, std::string> headers;  // lower-case names, final response only
  std::string body;
  bool protocol_header = false;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

std::size_t on_reply_body(char* data, std::size_t size, std::size_t n, void* user) {
  auto* r = static_cast<Reply*>(user);
  const std::size_t bytes = size * n;
  r->body.append(data, std::min(bytes, kMaxReplyBody - std::min(kMaxReplyBody, r->body.size())));
  return bytes;
}

std::size_t on_reply_header(char* data, std::size_t size, std::size_t n, void* user) {
  auto* r = static_cast<Reply*>(user);
  const std::size_t bytes = size * n;
  const std::string_view line(data, bytes);
  if (line.rfind("HTTP/", 0) == 0) {
    // A new response (after 100 Continue or similar): only the last one counts.
    r->headers.clear();
    r->protocol_header = false;
    return bytes;
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return bytes;
  const std::string name = lower(line.substr(0, colon));
  const std::string value = trim(line.substr(colon + 1));
  if (name == lower(protocol::kProtocolHeader)) r->protocol_header = value == protocol::kProtocolValue;
  r->headers[name] = value;
  return bytes;
}

struct Progress {
  std::function<bool(std::int64_t sent, std::int64_t total)> fn;
  std::int64_t base = 0;
  std::int64_t total = 0;
  bool stopped = false;
};

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t ulnow) {
  auto* p = static_cast<Progress*>(user);
  if (p->fn && !p->fn(p->base + static_cast<std::int64_t>(ulnow), p->total)) {
    p->stopped = true;
    return 1;  // aborts the transfer
  }
  return 0;
}

struct Call {
  std::string method;
  std::string url;
  std::vector<std::string> headers;
  ChunkSource* body = nullptr;
  Progress* progress = nullptr;
};

Error http_error(const std::string& what, const Reply& r) {
  Error e = protocol::error_from_response(static_cast<int>(r.status), r.body);
  if (e.message.rfind("hub answered HTTP", 0) == 0 && !r.body.empty())
    e.message = "HTTP " + std::to_string(r.status) + ": " + trim(r.body.substr(0, 300));
  e.message = what + ": " + e.message;
  return e;
}

// Failures after which the upload is worth resuming at once (from HEAD).
bool retryable(const Error& e, long status) {
  if (e.code == Errc::network) return true;
  return status == 409 || status == 423 || status == 460 || status >= 500 || status == 408 || status == 429;
}

// sha256 of [pos, pos + len) of the file, read in small blocks (constant memory).
Result<crypto::Digest> hash_range(int fd, std::int64_t pos, std::int64_t len) {
  crypto::Sha256 h;
  std::vector<std::uint8_t> buf(kHashBlock);
  while (len > 0) {
    const ssize_t n = ::pread(fd, buf.data(), static_cast<std::size_t>(std::min<std::int64_t>(len, kHashBlock)), static_cast<off_t>(pos));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return fail(Errc::io, "cannot read the file being uploaded");
    h.update(std::span<const std::uint8_t>(buf.data(), static_cast<std::size_t>(n)));
    pos += n;
    len -= n;
  }
  return h.finish();
}

// The digest of the next chunk, computed on another thread while the current
// chunk travels: hashing then costs (almost) no time on fast links.
struct HashAhead {
  std::int64_t offset = -1;
  std::int64_t len = 0;
  std::future<Result<crypto::Digest>> digest;

  Result<crypto::Digest> take(int fd, std::int64_t at, std::int64_t n) {
    if (digest.valid()) {
      auto d = digest.get();
      if (offset == at && len == n) return d;
    }
    return hash_range(fd, at, n);
  }
  void start(int fd, std::int64_t at, std::int64_t n) {
    offset = at;
    len = n;
    try {
      digest = std::async(std::launch::async, hash_range, fd, at, n);
    } catch (const std::system_error&) {
      digest = {};  // no thread to spare: hashed in line when needed
    }
  }
};

}  // namespace

bool TusCapabilities::has(const std::string& extension) const {
  return std::find(extensions.begin(), extensions.end(), extension) != extensions.end();
}

bool TusCapabilities::sha256_checksums() const {
  return has("checksum") &&
         std::find(checksum_algorithms.begin(), checksum_algorithms.end(), "sha256") != checksum_algorithms.end();
}

UploadDigests upload_digests(std::span<const std::uint8_t> bytes, std::int64_t first_chunk, std::int64_t max_chunk) {
  UploadDigests out;
  const auto total = static_cast<std::int64_t>(bytes.size());
  if (total <= first_chunk) {  // one chunk (most documents): its digest is the document's
    out.chunks.push_back(crypto::sha256(bytes));
    out.whole = out.chunks.back();
    return out;
  }
  crypto::Sha256 whole;
  const protocol::ChunkSchedule schedule{first_chunk, max_chunk, total};
  for (std::int64_t at = 0, size = first_chunk; at < total; at += size, size = schedule.after(size)) {
    const auto piece = bytes.subspan(static_cast<std::size_t>(at), static_cast<std::size_t>(std::min(size, total - at)));
    // Each block into both digests while it is in the CPU's cache.
    crypto::Sha256 part;
    for (std::size_t b = 0; b < piece.size(); b += kHashBlock) {
      const auto block = piece.subspan(b, std::min(piece.size() - b, kHashBlock));
      whole.update(block);
      part.update(block);
    }
    out.chunks.push_back(part.finish());
  }
  out.whole = whole.finish();
  return out;
}

TusUpload document_upload(const std::string& dossier_client_id, const std::string& document_id,
                          const std::filesystem::path& file) {
  TusUpload u;
  u.file = file;
  u.metadata = {{"dossier", dossier_client_id}, {"document", document_id}};
  return u;
}

struct TusUploader::Impl {
  // Chunk size in use: halved after a chunk that died on the way (a link that
  // cannot carry a whole chunk per connection must still make progress, since
  // the hub keeps no part of a checksummed chunk), doubled back after a chunk
  // that arrived. Kept across upload() calls: the link is the same.
  std::int64_t chunk = 0;
  bool growing = false;  // the last whole chunk made the next one larger
  HubEndpoint ep;
  TusUploaderOptions opt;
  std::unique_ptr<CURL, CurlFree> curl;
  std::optional<TusCapabilities> caps;

  Impl(HubEndpoint e, TusUploaderOptions o) : ep(std::move(e)), opt(std::move(o)) {
    global_init();
    curl.reset(curl_easy_init());
    while (!ep.base_url.empty() && ep.base_url.back() == '/') ep.base_url.pop_back();
  }

  std::string collection_url() const { return ep.base_url + opt.collection; }

  // Transport failures and answers that are not from our hub (or not tus) are
  // errors; HTTP error statuses are left to the caller.
  Result<Reply> perform(const Call& call) {
    CURL* c = curl.get();
    if (c == nullptr) return fail(Errc::internal, "curl_easy_init failed");
    curl_easy_reset(c);
    Reply reply;
    char errbuf[CURL_ERROR_SIZE] = {0};
    Slist headers;
    auto add = [&](const std::string& h) { headers.reset(curl_slist_append(headers.release(), h.c_str())); };
    add(std::string("Tus-Resumable: ") + kTusVersion);
    add("User-Agent: motcua/" MOTCUA_VERSION);
    for (const auto& h : call.headers) add(h);

    curl_easy_setopt(c, CURLOPT_URL, call.url.c_str());
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
    curl_easy_setopt(c, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_CAINFO, ep.ca_file.c_str());
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    if (ep.client_cert) curl_easy_setopt(c, CURLOPT_SSLCERT, ep.client_cert->c_str());
    if (ep.client_key) curl_easy_setopt(c, CURLOPT_SSLKEY, ep.client_key->c_str());
    if (ep.bearer_token) add("Authorization: Bearer " + *ep.bearer_token);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(ep.connect_timeout.count()));
    // A chunk on a slow rural link may take minutes: bodies are bounded by the
    // low-speed limit (a dead link), everything else by the request timeout.
    if (call.body == nullptr) curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(ep.request_timeout.count()));
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, ep.low_speed_limit);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, static_cast<long>(ep.low_speed_time.count()));
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_reply_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &reply);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_reply_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &reply);

    if (call.method == "HEAD") {
      curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    } else if (call.method == "POST") {
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t{0});
    } else if (call.body != nullptr) {
      curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, call.method.c_str());
      curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read_chunk);
      curl_easy_setopt(c, CURLOPT_READDATA, call.body);
      curl_easy_setopt(c, CURLOPT_SEEKFUNCTION, on_seek_chunk);
      curl_easy_setopt(c, CURLOPT_SEEKDATA, call.body);
      curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(call.body->end - call.body->pos));
      curl_easy_setopt(c, CURLOPT_UPLOAD_BUFFERSIZE, kUploadBuffer);
      add("Expect:");  // no 100-continue round trip per chunk
    } else {
      curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, call.method.c_str());
    }
    if (call.progress != nullptr) {
      curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
      curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
      curl_easy_setopt(c, CURLOPT_XFERINFODATA, call.progress);
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());

    const CURLcode rc = curl_easy_perform(c);
    const std::string what = call.method + " " + call.url;
    if (rc != CURLE_OK) {
      if (call.progress != nullptr && call.progress->stopped)
        return fail(Errc::unavailable, what + ": stopped by the caller (the upload can be resumed)");
      if (call.body != nullptr && call.body->read_error)
        return fail(Errc::io, what + ": cannot read the file being uploaded");
      std::string msg = what + ": " + curl_easy_strerror(rc);
      if (errbuf[0] != '\0') msg += std::string(" (") + errbuf + ")";
      return fail(Errc::network, std::move(msg));
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply.status);
    if (opt.require_protocol_header && !reply.protocol_header)
      return fail(Errc::protocol, what + ": the answer (HTTP " + std::to_string(reply.status) +
                                      ") is not from a motcua hub — a captive portal or proxy may be in the way");
    if (reply.status >= 200 && reply.status < 300 && reply.header("tus-resumable") != kTusVersion)
      return fail(Errc::protocol, what + ": the answer has no Tus-Resumable: 1.0.0 — not a tus 1.0 server");
    return reply;
  }

  Result<TusCapabilities> capabilities() {
    if (caps) return *caps;
    auto r = perform({"OPTIONS", collection_url(), {}, nullptr, nullptr});
    if (!r) return fail(r.error());
    TusCapabilities cap;
    if (r->status == 401 || r->status == 403) return fail(http_error("OPTIONS " + collection_url(), *r));
    if (r->status >= 200 && r->status < 300) {
      cap.version = r->header("tus-version");
      cap.extensions = split_list(r->header("tus-extension"));
      cap.checksum_algorithms = split_list(r->header("tus-checksum-algorithm"));
      cap.max_size = parse_count(r->header("tus-max-size"));
    }
    // A server that does not answer OPTIONS still speaks tus core (no checksums).
    caps = cap;
    return cap;
  }

  Result<std::string> resolve(const std::string& location) const {
    std::string url;
    if (location.rfind("https://", 0) == 0 || location.rfind("http://", 0) == 0) url = location;
    else if (!location.empty() && location.front() == '/') url = origin_of(ep.base_url) + location;
    else if (!location.empty()) url = collection_url() + "/" + location;
    // The kiosk's certificate goes only to the hub it was configured for.
    if (url.empty() || origin_of(url) != origin_of(ep.base_url))
      return fail(Errc::protocol, "the server created the upload at " + location + ", outside " + origin_of(ep.base_url));
    return url;
  }

  struct Created {
    std::string url;
    std::int64_t offset = 0;
  };

  Result<Created> create(std::int64_t length, const std::vector<std::pair<std::string, std::string>>& metadata, long& status) {
    std::string meta;
    for (const auto& [k, v] : metadata) {
      if (!meta.empty()) meta += ",";
      meta += k + " " + crypto::base64(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(v.data()), v.size()));
    }
    std::vector<std::string> headers{"Upload-Length: " + std::to_string(length)};
    if (!meta.empty()) headers.push_back("Upload-Metadata: " + meta);
    auto r = perform({"POST", collection_url(), headers, nullptr, nullptr});
    if (!r) return fail(r.error());
    status = r->status;
    if (r->status != 201) return fail(http_error("POST " + collection_url(), *r));
    auto url = resolve(r->header("location"));
    if (!url) return fail(url.error());
    Created c{*url, 0};
    // Our hub names the offset of an upload born complete (document already received).
    if (auto o = parse_count(r->header("upload-offset")); o && *o <= length) c.offset = *o;
    return c;
  }

  struct Head {
    std::int64_t offset = 0;
    std::optional<std::int64_t> length;
  };

  Result<Head> head(const std::string& url, long& status) {
    auto r = perform({"HEAD", url, {}, nullptr, nullptr});
    if (!r) return fail(r.error());
    status = r->status;
    if (r->status != 200 && r->status != 204) return fail(http_error("HEAD " + url, *r));
    auto offset = parse_count(r->header("upload-offset"));
    if (!offset) return fail(Errc::protocol, "HEAD " + url + ": no valid Upload-Offset in the answer");
    return Head{*offset, parse_count(r->header("upload-length"))};
  }

};

TusUploader::TusUploader(HubEndpoint endpoint, TusUploaderOptions options)
    : impl_(std::make_unique<Impl>(std::move(endpoint), std::move(options))) {}
TusUploader::~TusUploader() = default;
TusUploader::TusUploader(TusUploader&&) noexcept = default;
TusUploader& TusUploader::operator=(TusUploader&&) noexcept = default;

Result<TusCapabilities> TusUploader::capabilities() { return impl_->capabilities(); }

Result<void> TusUploader::terminate(const std::string& url) {
  auto r = impl_->perform({"DELETE", url, {}, nullptr, nullptr});
  if (!r) return fail(r.error());
  if (r->status != 204 && r->status != 404 && r->status != 410) return fail(http_error("DELETE " + url, *r));
  return {};
}

Result<TusOutcome> TusUploader::upload(const TusUpload& up) {
  Fd fd(::open(up.file.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return fail(Errc::io, "cannot open " + up.file.string() + " for upload: " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return fail(Errc::io, "cannot stat " + up.file.string());
  const std::int64_t length = st.st_size;
  ::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);

  auto caps = impl_->capabilities();
  if (!caps) return fail(caps.error());
  if (caps->max_size && length > *caps->max_size)
    return fail(Errc::invalid_argument, up.file.string() + " is larger than the server accepts (" +
                                            std::to_string(*caps->max_size) + " bytes)");
  const auto& opt = impl_->opt;
  const std::int64_t base_chunk = std::max<std::int64_t>(1, opt.chunk_size);
  // Digests made when the file was written (the kiosk's outbox) for every
  // chunk of their schedule — fixed, or growing up to the cap they were made
  // with (an outbox row keeps the cap of its day): the chunks grow no further
  // than that, so each goes with its digest and nothing is hashed now, and the
  // digests are declared at creation (below).
  const protocol::ChunkSchedule digests{up.chunk_digest_size, up.chunk_digest_max, length};
  const bool digests_cover = up.chunk_digest_size == base_chunk && !up.chunk_digests.empty() &&
                             up.chunk_digests.size() == digests.count();
  const std::int64_t max_chunk = std::max(
      base_chunk, digests_cover ? std::min(opt.max_chunk_size, up.chunk_digest_max) : opt.max_chunk_size);
  auto precomputed = [&](std::int64_t at, std::int64_t n) -> const crypto::Digest* {
    const auto k = digests.index(at, n);
    return k && *k < up.chunk_digests.size() ? &up.chunk_digests[*k] : nullptr;
  };
  constexpr std::int64_t kMinChunk = 16 * 1024;
  if (impl_->chunk <= 0 || impl_->chunk > max_chunk) impl_->chunk = base_chunk;

  TusOutcome out;
  out.length = length;
  out.checksums = impl_->opt.checksums && caps->sha256_checksums();
  // Digests for every chunk are declared when the upload is created: a hub
  // that receives each chunk matching its declared digest then hashes our
  // bytes once, not once for the chunk and again for the document
  // (docs/uploads.md). Other tus servers keep it as one more metadata pair.
  auto metadata = up.metadata;
  if (out.checksums && digests_cover)
    if (auto declared = protocol::encode_declared_chunks({digests, up.chunk_digests}))
      metadata.emplace_back(protocol::kChunksKey, std::move(*declared));
  std::string url = up.resume_url;
  std::optional<std::int64_t> offset;  // the server's, as last reported
  bool asked = false;
  int creations = 0;
  int failures = 0;
  std::optional<Error> after_460;  // the server refused the last chunk's bytes
  HashAhead ahead;                 // declared after fd: its thread ends before the file closes

  // Every failure is followed by asking the server where to resume; only
  // failures that make no progress count towards giving up.
  auto retry = [&](const Error& e) -> Result<void> {
    ++failures;
    ++out.retries;
    log::info(kLog, e.message + (failures < opt.max_attempts ? " — resuming" : " — giving up for now"));
    if (failures >= opt.max_attempts) return fail(e);
    if (failures > 1) std::this_thread::sleep_for(opt.retry_delay * (1 << std::min(failures - 2, 5)));
    offset.reset();
    return {};
  };
  auto note_offset = [&](std::int64_t o) {
    offset = o;
    if (!asked) out.resumed_from = o;
    asked = true;
  };

  for (;;) {
    long status = 0;
    if (url.empty()) {
      if (creations >= 2) return fail(Errc::conflict, "the server discarded the upload of " + up.file.string() + " twice");
      auto created = impl_->create(length, metadata, status);
      if (!created) {
        if (retryable(created.error(), status)) {
          if (auto r = retry(created.error()); !r) return fail(r.error());
          continue;
        }
        return fail(created.error());
      }
      ++creations;
      url = created->url;
      if (up.on_created)
        if (auto r = up.on_created(url); !r) return fail(r.error());
      note_offset(created->offset);
    }
    out.url = url;
    if (!offset) {
      auto h = impl_->head(url, status);
      if (!h) {
        if (status == 404 || status == 410 || status == 403) {
          // A chunk refused with 460 whose upload is then gone: the server
          // refused the document as a whole (its digest), not bytes in transit.
          if (after_460) return fail(*after_460);
          log::info(kLog, "upload " + url + " is gone; creating a new one");
          url.clear();
          continue;
        }
        if (retryable(h.error(), status)) {
          if (auto r = retry(h.error()); !r) return fail(r.error());
          continue;
        }
        return fail(h.error());
      }
      if (h->length && *h->length != length) {
        log::warn(kLog, "upload " + url + " is for " + std::to_string(*h->length) + " bytes, not " + std::to_string(length) +
                            "; creating a new one");
        url.clear();
        continue;
      }
      if (h->offset > length) return fail(Errc::protocol, "HEAD " + url + ": Upload-Offset is past the end of the file");
      note_offset(h->offset);
    }
    after_460.reset();
    if (*offset >= length) {
      if (up.on_progress) up.on_progress(length, length);
      return out;
    }

    const std::int64_t chunk_size = impl_->chunk;
    const std::int64_t len = std::min(chunk_size, length - *offset);
    std::vector<std::string> headers{"Upload-Offset: " + std::to_string(*offset),
                                     "Content-Type: application/offset+octet-stream"};
    if (out.checksums) {
      // The checksum travels in a header, before the bytes: a first pass over
      // the chunk (from the page cache the second time) keeps memory constant.
      if (const auto* d = precomputed(*offset, len)) {
        headers.push_back("Upload-Checksum: sha256 " + crypto::base64(std::span<const std::uint8_t>(*d)));
      } else {
        auto d2 = ahead.take(fd.get(), *offset, len);
        if (!d2) return fail(d2.error());
        headers.push_back("Upload-Checksum: sha256 " + crypto::base64(std::span<const std::uint8_t>(*d2)));
      }
      // The next chunk's digest, while this one travels: the size it will have
      // if this chunk goes as the last one did (growing while chunks are fast).
      const std::int64_t next_at = *offset + len;
      const std::int64_t guess = impl_->growing ? std::min(max_chunk, chunk_size * 2) : chunk_size;
      if (next_at < length && precomputed(next_at, std::min(guess, length - next_at)) == nullptr)
        ahead.start(fd.get(), next_at, std::min(guess, length - next_at));
    }
    ChunkSource src{fd.get(), *offset, *offset, *offset + len, 0, false};
    Progress progress{up.on_progress, *offset, length, false};
    const auto sent_at = std::chrono::steady_clock::now();
    auto r = impl_->perform({"PATCH", url, headers, &src, &progress});
    ++out.patches;
    out.bytes_sent += src.handed;
    if (!r) {
      if (r.error().code == Errc::network) {
        // The chunk died on the way: try smaller ones (never below 16 KiB).
        impl_->growing = false;
        if (chunk_size > std::min(kMinChunk, base_chunk))
          impl_->chunk = std::max(std::min(kMinChunk, base_chunk), chunk_size / 2);
        if (auto x = retry(r.error()); !x) return fail(x.error());
        continue;
      }
      return fail(r.error());
    }
    if (r->status == 204 || r->status == 200) {
      auto next = parse_count(r->header("upload-offset"));
      if (!next || *next < *offset || *next > length)
        return fail(Errc::protocol, "PATCH " + url + ": no valid Upload-Offset in the answer");
      if (*next > *offset) failures = 0;
      if (*next - *offset == chunk_size) {
        // A whole chunk arrived: back towards the configured size after
        // failures; beyond it while chunks go fast, back down when they go slow.
        const auto took = std::chrono::steady_clock::now() - sent_at;
        impl_->growing = chunk_size < base_chunk || took < opt.fast_chunk;
        if (chunk_size < base_chunk) impl_->chunk = std::min(base_chunk, chunk_size * 2);
        else if (took < opt.fast_chunk) impl_->chunk = std::min(max_chunk, chunk_size * 2);
        else if (took > 4 * opt.fast_chunk) impl_->chunk = std::max(base_chunk, chunk_size / 2);
      }
      offset = *next;
      if (up.on_progress && !up.on_progress(*next, length))
        return fail(Errc::unavailable, "upload of " + up.file.string() + " stopped by the caller (it can be resumed)");
      continue;
    }
    const Error e = http_error("PATCH " + url, *r);
    if (r->status == 404 || r->status == 410) {
      url.clear();
      offset.reset();
      continue;
    }
    if (r->status == 460) after_460 = e;
    if (retryable(e, r->status)) {
      if (auto x = retry(e); !x) return fail(x.error());
      continue;
    }
    return fail(e);
  }
}

}  // namespace motcua::client
