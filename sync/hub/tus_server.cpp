#include "tus_server.hpp"

#include <fcntl.h>
#include <httplib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <condition_variable>
#include <cstring>
#include <map>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "motcua/crypto/hash.hpp"
#include "motcua/crypto/random.hpp"
#include "motcua/protocol/chunks.hpp"
#include "motcua/protocol/wire.hpp"
#include "motcua/util/fs.hpp"
#include "motcua/util/json.hpp"
#include "motcua/util/log.hpp"
#include "running_digests.hpp"

namespace motcua::hub {

namespace stdfs = std::filesystem;

namespace {

constexpr const char* kLog = "tus";
constexpr const char* kTusVersion = "1.0.0";
constexpr const char* kExtensions = "creation,checksum,expiration,termination";
constexpr const char* kOffsetOctetStream = "application/offset+octet-stream";
// tus 1.0.0 "Checksum": 460 Checksum Mismatch.
constexpr int kChecksumMismatch = 460;
// Received bytes are gathered into blocks this large before they are hashed and
// written: httplib hands the body over in 4 KiB pieces.
constexpr std::size_t kWriteBlock = 512u << 10;
// The committed offset lives in DATA/uploads/<id>.state: two slots this far
// apart (one disk sector each), written alternately in place.
constexpr std::size_t kStateSlot = 512;
constexpr std::size_t kRecordSize = 48;
// The upload's info (JSON) follows the two slots.
constexpr std::size_t kInfoAt = 2 * kStateSlot;
constexpr std::size_t kMaxInfo = 16u << 10;
constexpr char kStateMagic[8] = {'M', 'C', 'T', 'U', 'S', 'S', 'T', '1'};
// Files of a creation or removal cut short by a crash are swept after this long.
constexpr auto kOrphanAge = std::chrono::hours(1);

using Fd = fs::UniqueFd;

bool is_upload_id(std::string_view id) {
  if (id.size() != 32) return false;
  for (char c : id)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

std::optional<std::int64_t> parse_count(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  for (char c : text)
    if (c < '0' || c > '9') return std::nullopt;
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

// RFC 7231 IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), as tus 1.0.0 asks for
// Upload-Expires. Formatted by hand: strftime's names follow the locale.
std::string http_date(TimePoint t) {
  static constexpr std::array<const char*, 7> kDays{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[static_cast<std::size_t>(tm.tm_wday)],
                tm.tm_mday, kMonths[static_cast<std::size_t>(tm.tm_mon)], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

// tus 1.0.0 "Upload-Metadata": comma-separated pairs "key base64(value)"; the
// value may be absent.
Result<std::map<std::string, std::string>> parse_metadata(std::string_view header) {
  std::map<std::string, std::string> out;
  while (!header.empty()) {
    const auto comma = header.find(',');
    std::string_view pair = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    while (!pair.empty() && pair.back() == ' ') pair.remove_suffix(1);
    if (pair.empty()) continue;
    const auto space = pair.find(' ');
    const std::string key(pair.substr(0, space));
    std::string value;
    if (space != std::string_view::npos) {
      std::vector<std::uint8_t> bytes;
      if (!crypto::from_base64(pair.substr(space + 1), bytes))
        return fail(Errc::invalid_argument, "Upload-Metadata: the value of " + key + " is not base64");
      value.assign(bytes.begin(), bytes.end());
    }
    if (key.empty() || !out.emplace(key, std::move(value)).second)
      return fail(Errc::invalid_argument, "Upload-Metadata: empty or repeated key");
  }
  return out;
}

struct UploadInfo {
  std::string id;
  UploadTarget target;
  std::int64_t offset = 0;  // committed bytes (fsynced, checksum verified when one was sent)
  bool completed = false;   // handed to the sink, which accepted it
  std::int64_t created_ms = 0;
  std::int64_t expires_ms = 0;
  std::string metadata;  // the raw Upload-Metadata, echoed by HEAD (tus 1.0.0 "Creation")
  std::uint64_t commit = 0;  // sequence number of the state record that set `offset` (0: the info file's)
  // The client declared its chunks' digests (Upload-Metadata "chunks") for a
  // sealed document: chunks matching them need no second hash. Only sealed
  // ones: their content is authenticated (AES-256-GCM) and hashed as it is
  // decrypted into the blob store, so no bytes are ever stored under a digest
  // they were not hashed to. An `identity` document's bytes become the blob
  // named by the declared digest, which therefore must have been checked.
  bool declared_chunks = false;
};

// The committed state a running document hash must cover to be taken up again.
UploadPoint point_of(const UploadInfo& i) { return {i.offset, i.commit, i.expires_ms}; }

// One slot of the state file: magic, commit sequence, offset, expiry, flags
// (all little-endian 64-bit), then the first 8 bytes of the sha256 of those 40.
struct StateRecord {
  std::uint64_t commit = 0;
  std::int64_t offset = 0;
  std::int64_t expires_ms = 0;
  bool completed = false;
};

void put_le64(std::uint8_t* p, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

std::uint64_t get_le64(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(p[i]) << (8 * i);
  return v;
}

std::array<std::uint8_t, kRecordSize> encode(const StateRecord& r) {
  std::array<std::uint8_t, kRecordSize> out{};
  std::memcpy(out.data(), kStateMagic, 8);
  put_le64(out.data() + 8, r.commit);
  put_le64(out.data() + 16, static_cast<std::uint64_t>(r.offset));
  put_le64(out.data() + 24, static_cast<std::uint64_t>(r.expires_ms));
  put_le64(out.data() + 32, r.completed ? 1 : 0);
  const auto check = crypto::sha256(std::span<const std::uint8_t>(out.data(), 40));
  std::memcpy(out.data() + 40, check.data(), 8);
  return out;
}

std::optional<StateRecord> decode(const std::uint8_t* p) {
  if (std::memcmp(p, kStateMagic, 8) != 0) return std::nullopt;
  const auto check = crypto::sha256(std::span<const std::uint8_t>(p, 40));
  if (std::memcmp(p + 40, check.data(), 8) != 0) return std::nullopt;  // a torn write
  return StateRecord{get_le64(p + 8), static_cast<std::int64_t>(get_le64(p + 16)),
                     static_cast<std::int64_t>(get_le64(p + 24)), get_le64(p + 32) == 1};
}

Json to_json(const UploadInfo& i) {
  return {{"id", i.id},
          {"kiosk", i.target.kiosk_id},
          {"dossier", i.target.dossier_client_id},
          {"document", i.target.document_id},
          {"sha256", i.target.sha256},
          {"length", i.target.length},
          {"offset", i.offset},
          {"completed", i.completed},
          {"created_ms", i.created_ms},
          {"expires_ms", i.expires_ms},
          {"expires", format_utc(from_unix_millis(i.expires_ms))},
          {"metadata", i.metadata},
          {"declared_chunks", i.declared_chunks}};
}

Result<UploadInfo> info_from_json(const Json& j) {
  return decode_json<UploadInfo>("upload info", [&] {
    UploadInfo i;
    i.id = j.at("id").get<std::string>();
    i.target.kiosk_id = j.at("kiosk").get<std::string>();
    i.target.dossier_client_id = j.at("dossier").get<std::string>();
    i.target.document_id = j.at("document").get<std::string>();
    i.target.sha256 = j.at("sha256").get<std::string>();
    i.target.length = j.at("length").get<std::int64_t>();
    i.offset = j.at("offset").get<std::int64_t>();
    i.completed = j.at("completed").get<bool>();
    i.created_ms = j.at("created_ms").get<std::int64_t>();
    i.expires_ms = j.at("expires_ms").get<std::int64_t>();
    i.metadata = str_or(j, "metadata");
    i.declared_chunks = j.contains("declared_chunks") && j.at("declared_chunks").get<bool>();
    return i;
  });
}

void send_error(httplib::Response& res, int status, const Error& e) {
  res.status = status;
  res.set_content(protocol::error_body(e).dump(), "application/json; charset=utf-8");
}

void send_error(httplib::Response& res, const Error& e) { send_error(res, protocol::http_status_for(e.code), e); }

// Bytes of one PATCH, gathered into blocks that are hashed and written at
// their offset. Hashed twice over on one helper thread: for the request's
// checksum (when it carries one) and into the upload's running document hash
// (when the hub has one for it). Two helper threads, one hashing and one
// writing, take each block while the request's thread receives the next (TLS
// decryption), so neither hash costs the transfer much time. Each written
// block is handed to the kernel's writeback at once, so the fsync before the
// answer has little left to wait for. Memory: two blocks, whatever the body's
// size.
class BodyWriter {
 public:
  BodyWriter(int fd, std::int64_t offset, crypto::Sha256* chunk_hash, crypto::Sha256* document_hash, stdfs::path path)
      : fd_(fd), pos_(offset), chunk_hash_(chunk_hash), document_hash_(document_hash), path_(std::move(path)) {
    filling_.reserve(kWriteBlock);
  }
  ~BodyWriter() { finish(); }
  BodyWriter(const BodyWriter&) = delete;
  BodyWriter& operator=(const BodyWriter&) = delete;

  bool append(const char* data, std::size_t n) {
    while (n > 0) {
      const std::size_t take = std::min(n, kWriteBlock - filling_.size());
      filling_.insert(filling_.end(), data, data + take);
      data += take;
      n -= take;
      if (filling_.size() == kWriteBlock && !hand_over()) return false;
    }
    return true;
  }

  // Writes what is left and waits for the helpers; false after a failed write.
  bool flush() {
    if (!filling_.empty() && !hand_over()) return false;
    finish();
    return !error_;
  }

  const std::optional<Error>& error() const { return error_; }
  // Bytes fed to the document hash (read after flush()).
  std::int64_t document_bytes() const { return document_bytes_; }

 private:
  bool hashing() const { return chunk_hash_ != nullptr || document_hash_ != nullptr; }
  // The chunk's checksum and the running document hash, each on its own
  // helper when both are wanted: SHA-256 is the hub's largest cost per byte,
  // and two hashes in a row would make the hashing helper the slowest of the
  // three while a core is free.
  bool two_hashers() const { return chunk_hash_ != nullptr && document_hash_ != nullptr; }
  int helpers() const { return 1 + (two_hashers() ? 2 : hashing() ? 1 : 0); }

  enum class Role { hash, document_hash, write };

  // Gives the full block to the helpers (started with the first one) once
  // they are done with the previous block.
  bool hand_over() {
    std::unique_lock lock(mutex_);
    idle_.wait(lock, [&] { return busy_ == 0; });
    if (error_) return false;  // never write past a failed write
    writing_.swap(filling_);
    filling_.clear();
    filling_.reserve(kWriteBlock);
    if (!started_) {
      started_ = true;
      try {
        writer_ = std::thread([this] { run(Role::write); });
        if (hashing()) hasher_ = std::thread([this] { run(Role::hash); });
        if (two_hashers()) document_hasher_ = std::thread([this] { run(Role::document_hash); });
      } catch (const std::system_error&) {
        inline_ = true;  // no thread to spare: in line, from now on
      }
    }
    if (inline_) {
      lock.unlock();
      if (hashing()) {
        do_hash();
        if (two_hashers()) do_document_hash();
      }
      do_write();
      return !error_;
    }
    busy_ = helpers();
    ++generation_;
    work_.notify_all();
    return true;
  }

  void run(Role role) {
    std::uint64_t seen = 0;
    std::unique_lock lock(mutex_);
    for (;;) {
      work_.wait(lock, [&] { return generation_ != seen || stopping_; });
      if (generation_ == seen) return;  // stopping, nothing left
      seen = generation_;
      lock.unlock();
      if (role == Role::hash) do_hash();
      else if (role == Role::document_hash) do_document_hash();
      else do_write();
      lock.lock();
      --busy_;
      idle_.notify_all();
    }
  }

  // Between hand-overs `writing_` is only read (by both helpers); pos_ and
  // error_ belong to the writer, document_bytes_ to the hasher.
  // With two hashers, do_hash() hashes the chunk and do_document_hash() the
  // document; with one, do_hash() hashes whichever is wanted.
  void do_hash() {
    const std::string_view block(writing_.data(), writing_.size());
    if (chunk_hash_ != nullptr) chunk_hash_->update(block);
    if (document_hash_ != nullptr && !two_hashers()) do_document_hash();
  }

  void do_document_hash() {
    document_hash_->update(std::string_view(writing_.data(), writing_.size()));
    document_bytes_ += static_cast<std::int64_t>(writing_.size());
  }

  void do_write() {
    std::optional<Error> failed;
    std::size_t done = 0;
    while (done < writing_.size()) {
      const ssize_t w = ::pwrite(fd_, writing_.data() + done, writing_.size() - done,
                                 static_cast<off_t>(pos_ + static_cast<std::int64_t>(done)));
      if (w < 0) {
        if (errno == EINTR) continue;
        failed = fs::errno_error("cannot write", path_, errno);
        break;
      }
      done += static_cast<std::size_t>(w);
    }
    if (!failed)
      ::sync_file_range(fd_, static_cast<off_t>(pos_), static_cast<off_t>(writing_.size()), SYNC_FILE_RANGE_WRITE);
    pos_ += static_cast<std::int64_t>(writing_.size());
    if (failed) {
      std::lock_guard lock(mutex_);
      if (!error_) error_ = std::move(failed);
    }
  }

  void finish() {
    {
      std::unique_lock lock(mutex_);
      idle_.wait(lock, [&] { return busy_ == 0; });
      stopping_ = true;
    }
    work_.notify_all();
    if (writer_.joinable()) writer_.join();
    if (hasher_.joinable()) hasher_.join();
    if (document_hasher_.joinable()) document_hasher_.join();
  }

  int fd_;
  std::int64_t pos_;
  crypto::Sha256* chunk_hash_;
  crypto::Sha256* document_hash_;
  std::int64_t document_bytes_ = 0;
  stdfs::path path_;
  std::vector<char> filling_;  // the request's thread only
  std::vector<char> writing_;  // read by the helpers between hand-overs
  std::optional<Error> error_;
  bool started_ = false, inline_ = false, stopping_ = false;
  int busy_ = 0;                  // helpers not yet done with writing_
  std::uint64_t generation_ = 0;  // blocks handed over
  std::mutex mutex_;
  std::condition_variable work_, idle_;
  std::thread writer_, hasher_, document_hasher_;
};

// A refused request's body: a small one is read and dropped, so that clients
// which send the whole body before reading the answer (and keep-alive) see the
// answer. A large one is left unread: httplib then fails to parse it as the
// next request and closes the connection, and clients that read early answers
// (libcurl, Node) stop sending.
void drain_small_body(const httplib::Request& req, const httplib::ContentReader& reader) {
  constexpr std::int64_t kDrainLimit = 1 << 20;
  const auto length = parse_count(req.get_header_value("Content-Length"));
  if (length && *length > 0 && *length <= kDrainLimit) reader([](const char*, std::size_t) { return true; });
}

}  // namespace

// ---- the tus server

struct TusServer::Impl {
  TusOptions opt;
  HubStore& store;
  UploadSink& sink;
  const Clock& clock;
  // Each active upload's sha256 so far, as this process received it.
  RunningDigests running;

  Impl(TusOptions o, HubStore& s, UploadSink& k, const Clock& c)
      : opt(std::move(o)), store(s), sink(k), clock(c), running(opt.running_digests) {}

  stdfs::path data_path(const std::string& id) const { return opt.dir / (id + ".data"); }
  stdfs::path state_path(const std::string& id) const { return opt.dir / (id + ".state"); }
  std::string location(const std::string& id) const {
    return std::string(protocol::kApiPrefix) + "/uploads/" + id;
  }

  std::int64_t now_ms() const { return unix_millis(clock.now()); }

  // The chunk digests the client declared when it created the upload (checked
  // then), if it did.
  static std::optional<protocol::DeclaredChunks> declared_chunks(const UploadInfo& i) {
    if (!i.declared_chunks) return std::nullopt;
    auto meta = parse_metadata(i.metadata);
    if (!meta) return std::nullopt;
    const auto it = meta->find(std::string(protocol::kChunksKey));
    if (it == meta->end()) return std::nullopt;
    auto d = protocol::parse_declared_chunks(it->second, i.target.length);
    if (!d) return std::nullopt;
    return std::move(*d);
  }
  bool expired(const UploadInfo& i) const { return now_ms() >= i.expires_ms; }
  std::int64_t next_expiry() const {
    return now_ms() + std::chrono::duration_cast<std::chrono::milliseconds>(opt.lifetime).count();
  }

  // The state file: the info (JSON, from byte kInfoAt, written once at
  // creation), then the newer of its two commit records.
  Result<UploadInfo> load(const std::string& id) const {
    Fd fd(::open(state_path(id).c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) return fail(Errc::not_found, "no upload " + id);
    std::string bytes(kInfoAt + kMaxInfo, '\0');
    ssize_t n = 0;
    for (std::size_t got = 0; got < bytes.size(); got += static_cast<std::size_t>(n)) {
      n = ::pread(fd.get(), bytes.data() + got, bytes.size() - got, static_cast<off_t>(got));
      if (n < 0 && errno == EINTR) {
        n = 0;
        continue;
      }
      if (n <= 0) {
        bytes.resize(got);
        break;
      }
    }
    if (n < 0) return fail(fs::errno_error("cannot read", state_path(id), errno));
    // A creation cut short (a crash, or a power cut before the first commit
    // made it durable) leaves no complete info: the upload never existed.
    auto j = bytes.size() > kInfoAt ? parse_json(std::string_view(bytes).substr(kInfoAt)) : Result<Json>(fail(Errc::corrupt, ""));
    if (!j) return fail(Errc::not_found, "no upload " + id + " (its creation did not complete)");
    auto info = info_from_json(*j);
    if (!info || info->completed) return info;
    std::optional<StateRecord> best;
    for (std::size_t at = 0; at + kRecordSize <= std::min<std::size_t>(bytes.size(), kInfoAt); at += kStateSlot)
      if (auto r = decode(reinterpret_cast<const std::uint8_t*>(bytes.data()) + at); r && (!best || r->commit > best->commit))
        best = r;
    if (best && best->offset >= info->offset && best->offset <= info->target.length) {
      info->offset = best->offset;
      info->expires_ms = best->expires_ms;
      info->completed = best->completed;
      info->commit = best->commit;
    }
    return info;
  }

  // A new upload's state file, info included: no fsync, no rename. A creation
  // lost in a power cut costs the client a new upload (nothing was
  // acknowledged yet); the first commit makes it durable.
  Result<Fd> create_state(const UploadInfo& i) const {
    const stdfs::path path = state_path(i.id);
    Fd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (fd.get() < 0) return fail(fs::errno_error("cannot create", path, errno));
    const std::string text = to_json(i).dump();
    if (text.size() > kMaxInfo) return fail(Errc::invalid_argument, "Upload-Metadata is too long");
    if (::pwrite(fd.get(), text.data(), text.size(), static_cast<off_t>(kInfoAt)) != static_cast<ssize_t>(text.size()))
      return fail(fs::errno_error("cannot write", path, errno ? errno : ENOSPC));
    return fd;
  }

  // The next record, written in place into the slot not holding the current one.
  Result<void> write_record(UploadInfo& info, int state_fd, std::int64_t offset, bool completed, bool durable) const {
    const StateRecord next{info.commit + 1, offset, next_expiry(), completed};
    const auto record = encode(next);
    const auto at = static_cast<off_t>((next.commit % 2) * kStateSlot);
    if (::pwrite(state_fd, record.data(), record.size(), at) != static_cast<ssize_t>(record.size()))
      return fail(fs::errno_error("cannot write", state_path(info.id), errno ? errno : ENOSPC));
    if (durable && ::fdatasync(state_fd) != 0) return fail(fs::errno_error("cannot fsync", state_path(info.id), errno));
    info.offset = next.offset;
    info.expires_ms = next.expires_ms;
    info.completed = next.completed;
    info.commit = next.commit;
    return {};
  }

  // Makes `bytes` more bytes of the data file count: the data is fsynced, then
  // the new offset goes to the state file, fsynced — one small write in place,
  // no rename and no directory sync per chunk. The first commit also makes the
  // creation durable (the state file's info went with its fsync; the
  // directory's entries now).
  Result<void> commit(UploadInfo& info, int data_fd, int state_fd, std::int64_t bytes) const {
    if (::fdatasync(data_fd) != 0) return fail(fs::errno_error("cannot fsync", data_path(info.id), errno));
    const bool first = info.commit == 0;
    if (auto r = write_record(info, state_fd, info.offset + bytes, false, true); !r) return r;
    if (first)
      if (auto r = fs::fsync_dir(opt.dir); !r) return r;
    return {};
  }

  // The state file goes first: from then on the upload does not exist,
  // whatever a crash leaves of the rest (the sweep removes leftovers).
  void remove(const std::string& id) {
    running.forget(id);
    ::unlink(state_path(id).c_str());
    ::unlink(data_path(id).c_str());
    (void)fs::fsync_dir(opt.dir);
  }

  // One writer per upload, across threads and hub processes sharing DATA: a
  // non-blocking flock() on the upload's lock file. (Linux NFS clients turn
  // flock into byte-range locks the server arbitrates.) Waiting is not worth
  // it: the holder is usually a request from a connection the client already
  // gave up, which only ends with the read timeout; the client retries.
  Result<Fd> lock(const std::string& id) const {
    Fd fd(::open(state_path(id).c_str(), O_RDWR | O_CLOEXEC));
    if (fd.get() < 0) {
      if (errno == ENOENT) return fail(Errc::not_found, "no upload " + id);
      return fail(fs::errno_error("cannot open", state_path(id), errno));
    }
    if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
      if (errno == EWOULDBLOCK) return fail(Errc::unavailable, "upload " + id + " is busy with another request; retry");
      return fail(fs::errno_error("cannot lock", state_path(id), errno));
    }
    return fd;
  }

  // The upload as the calling kiosk may see it: another kiosk's upload does not exist for it.
  Result<UploadInfo> find(const std::string& id, const std::string& kiosk) const {
    auto info = load(id);
    if (!info) return info;
    if (info->target.kiosk_id != kiosk) return fail(Errc::not_found, "no upload " + id);
    return info;
  }

  static void send_lookup_error(httplib::Response& res, const Error& e) {
    // 423 Locked for a busy upload, as other tus servers answer.
    send_error(res, e.code == Errc::unavailable ? 423 : protocol::http_status_for(e.code), e);
  }

  void set_expires(httplib::Response& res, const UploadInfo& i) const {
    res.set_header("Upload-Expires", http_date(from_unix_millis(i.expires_ms)));
  }

  // ---- OPTIONS (tus 1.0.0 core: discovery)
  void options(httplib::Response& res) const {
    res.status = 204;
    res.set_header("Tus-Version", kTusVersion);
    res.set_header("Tus-Extension", kExtensions);
    res.set_header("Tus-Checksum-Algorithm", "sha256");
    res.set_header("Tus-Max-Size", std::to_string(opt.max_size));
  }

  // ---- POST (tus 1.0.0 "Creation")
  void create(const httplib::Request& req, httplib::Response& res, const std::string& kiosk) {
    if (req.has_header("Upload-Defer-Length"))
      return send_error(res, Error{Errc::invalid_argument, "Upload-Defer-Length is not supported: send Upload-Length"});
    if ((req.has_header("Content-Length") && req.get_header_value("Content-Length") != "0") ||
        req.has_header("Transfer-Encoding"))
      return send_error(res, Error{Errc::invalid_argument,
                                   "creation-with-upload is not supported: create with an empty body, then PATCH"});
    const auto length = parse_count(req.get_header_value("Upload-Length"));
    if (!length) return send_error(res, Error{Errc::invalid_argument, "Upload-Length (a non-negative integer) is required"});
    if (*length > opt.max_size)
      return send_error(res, 413, Error{Errc::invalid_argument, "Upload-Length exceeds Tus-Max-Size " + std::to_string(opt.max_size)});
    const std::string raw_metadata = req.get_header_value("Upload-Metadata");
    auto meta = parse_metadata(raw_metadata);
    if (!meta) return send_error(res, meta.error());
    const auto dossier = meta->find("dossier");
    const auto document = meta->find("document");
    if (dossier == meta->end() || document == meta->end() || dossier->second.empty() || document->second.empty())
      return send_error(res, Error{Errc::invalid_argument,
                                   "Upload-Metadata must name the dossier (its client id) and the document"});
    auto decl = store.declared_document(kiosk, dossier->second, document->second);
    if (!decl) return send_error(res, decl.error());
    // The digests of the chunks the client will send (optional): checked now,
    // so that a bad declaration is refused before any byte travels.
    bool declared_chunks = false;
    if (const auto chunks = meta->find(std::string(protocol::kChunksKey)); chunks != meta->end()) {
      auto declared = protocol::parse_declared_chunks(chunks->second, *length);
      if (!declared) return send_error(res, declared.error());
      if (declared->digests.size() == 1 && crypto::hex(declared->digests.front()) != decl->sha256)
        return send_error(res, Error{Errc::invalid_argument, "Upload-Metadata chunks: the digest of the only chunk is not the "
                                                             "sha256 declared for document " + document->second});
      declared_chunks = decl->encoding == protocol::kEncodingSealed;
    }
    if (decl->size != *length)
      return send_error(res, Error{Errc::invalid_argument, "Upload-Length " + std::to_string(*length) +
                                                               " does not match the size declared for document " +
                                                               document->second + " (" + std::to_string(decl->size) + ")"});
    UploadInfo info;
    info.id = crypto::random_token(16);
    info.target = {kiosk, dossier->second, document->second, *length, decl->sha256};
    info.created_ms = now_ms();
    info.expires_ms = next_expiry();
    info.metadata = raw_metadata;
    info.declared_chunks = declared_chunks;

    auto have = sink.already_received(info.target);
    if (!have) return send_error(res, have.error());
    if (auto r = fs::ensure_dir(opt.dir, 0700); !r) return send_error(res, r.error());
    if (*have) {
      // Already here: the upload is born complete. Our uploader reads the
      // Upload-Offset below; a client that PATCHes from 0 gets 409, asks HEAD
      // and learns the same.
      info.offset = *length;
      info.completed = true;
    } else {
      auto space = fs::free_bytes(opt.dir);
      if (space && *space < static_cast<std::uint64_t>(*length))
        return send_error(res, Error{Errc::disk_full, "the hub has no room for " + std::to_string(*length) + " bytes now"});
      Fd data(::open(data_path(info.id).c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
      if (data.get() < 0) return send_error(res, fs::errno_error("cannot create", data_path(info.id), errno));
    }
    // The state file last: the upload exists from here on.
    if (auto state = create_state(info); !state) {
      remove(info.id);
      return send_error(res, state.error());
    }
    log::info(kLog, "upload " + info.id + " created by " + kiosk + " for " + info.target.dossier_client_id + "/" +
                        info.target.document_id + " (" + std::to_string(*length) + " bytes" +
                        (info.completed ? ", already received)" : ")"));
    res.status = 201;
    res.set_header("Location", location(info.id));
    res.set_header("Upload-Offset", std::to_string(info.offset));
    set_expires(res, info);
  }

  // ---- HEAD (tus 1.0.0 core): the committed offset, never cached.
  void head(const std::string& id, httplib::Response& res, const std::string& kiosk) const {
    res.set_header("Cache-Control", "no-store");
    auto info = find(id, kiosk);
    if (!info) return send_lookup_error(res, info.error());
    if (!info->completed && expired(*info))
      return send_error(res, 410, Error{Errc::not_found, "upload " + id + " has expired"});
    res.status = 200;
    res.set_header("Upload-Offset", std::to_string(info->offset));
    res.set_header("Upload-Length", std::to_string(info->target.length));
    if (!info->metadata.empty()) res.set_header("Upload-Metadata", info->metadata);
    set_expires(res, *info);
  }

  // ---- PATCH (tus 1.0.0 core + "Checksum")
  // `consumed` tells whether the body was read; refusals return before that.
  void patch(const std::string& id, const httplib::Request& req, httplib::Response& res,
             const httplib::ContentReader& reader, const std::string& kiosk, bool& consumed) {
    if (req.get_header_value("Content-Type") != kOffsetOctetStream)
      return send_error(res, 415, Error{Errc::invalid_argument, std::string("Content-Type must be ") + kOffsetOctetStream});
    const auto offset = parse_count(req.get_header_value("Upload-Offset"));
    if (!offset) return send_error(res, Error{Errc::invalid_argument, "Upload-Offset (a non-negative integer) is required"});
    std::optional<crypto::Digest> expected;
    if (req.has_header("Upload-Checksum")) {
      const std::string value = req.get_header_value("Upload-Checksum");
      const auto space = value.find(' ');
      const std::string algorithm = value.substr(0, space);
      if (algorithm != "sha256")
        return send_error(res, Error{Errc::invalid_argument, "checksum algorithm " + algorithm + " is not supported (sha256)"});
      std::vector<std::uint8_t> bytes;
      if (space == std::string::npos || !crypto::from_base64(value.substr(space + 1), bytes) || bytes.size() != 32)
        return send_error(res, Error{Errc::invalid_argument, "Upload-Checksum must be \"sha256 <base64 of 32 bytes>\""});
      expected.emplace();
      std::copy(bytes.begin(), bytes.end(), expected->begin());
    }

    auto held = lock(id);
    if (!held) return send_lookup_error(res, held.error());
    auto info = find(id, kiosk);
    if (!info) return send_lookup_error(res, info.error());
    if (!info->completed && expired(*info)) {
      remove(id);
      return send_error(res, 410, Error{Errc::not_found, "upload " + id + " has expired"});
    }
    if (*offset != info->offset) {
      res.set_header("Upload-Offset", std::to_string(info->offset));
      return send_error(res, 409, Error{Errc::conflict, "Upload-Offset " + std::to_string(*offset) + " does not match the upload's offset " +
                                                           std::to_string(info->offset) + "; ask HEAD and resume from there"});
    }
    const std::int64_t remaining = info->target.length - info->offset;
    if (req.has_header("Content-Length")) {
      const auto declared = parse_count(req.get_header_value("Content-Length"));
      if (declared && *declared > remaining)
        return send_error(res, 413, Error{Errc::invalid_argument, "the body (" + std::to_string(*declared) +
                                                                      " bytes) runs past Upload-Length; " +
                                                                      std::to_string(remaining) + " bytes remain"});
    }
    if (info->completed) {  // only an empty PATCH at the end gets here
      res.status = 204;
      res.set_header("Upload-Offset", std::to_string(info->offset));
      return set_expires(res, *info);
    }

    const stdfs::path path = data_path(id);
    Fd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
    struct stat st {};
    if (fd.get() < 0 || ::fstat(fd.get(), &st) != 0 || st.st_size < info->offset) {
      // The data is gone, or shorter than committed: a power cut lost the
      // record of the completion (the data went to the blob store, or was
      // emptied). The client starts a new upload, which finds the document
      // already received.
      remove(id);
      return send_error(res, Error{Errc::not_found, "upload " + id + " lost its data; create a new upload"});
    }
    // Bytes past the committed offset are from a request a crash cut short:
    // unverified, so they do not count.
    auto rollback = [&] { return ::ftruncate(fd.get(), static_cast<off_t>(info->offset)) == 0; };
    if (!rollback()) return send_error(res, fs::errno_error("cannot truncate", path, errno));

    using Steady = std::chrono::steady_clock;
    const auto t_start = Steady::now();
    crypto::Sha256 hash;
    // How this process vouches for the committed bytes (nullopt: it did not
    // see every one of them, and completion reads the file in full).
    std::optional<Coverage> cover = running.resume(id, point_of(*info));
    const auto content_length =
        req.has_header("Content-Length") ? parse_count(req.get_header_value("Content-Length")) : std::nullopt;
    // This request is the chunk the client declared at creation for this
    // offset, carrying the declared digest as its checksum, and every chunk
    // before it was one too: the checksum alone proves these bytes are the
    // ones the client hashed into the document's digest, so they are hashed
    // once (docs/uploads.md, "Declared chunks").
    bool by_declared = false;
    if (expected && content_length && cover && cover->declared)
      if (const auto declared = declared_chunks(*info))
        if (const auto k = declared->schedule.index(info->offset, *content_length))
          by_declared = declared->digests[*k] == *expected;
    // One request with the whole document, its checksum the declared digest:
    // the checksum is the document's hash.
    const bool whole_document = expected && info->offset == 0 && content_length == info->target.length &&
                                crypto::hex(*expected) == info->target.sha256;
    // Otherwise the document's hash up to the committed offset, copied: this
    // request feeds the copy, which replaces the kept one only once its bytes
    // are committed, so a refused, cut or short request leaves the kept hash
    // at the offset the client resumes from. nullopt when there is none (a
    // full pass at completion).
    std::optional<crypto::Sha256> document;
    if (!by_declared && !whole_document && cover && cover->hash) document = std::move(cover->hash);
    BodyWriter writer(fd.get(), info->offset, expected ? &hash : nullptr, document ? &*document : nullptr, path);
    std::int64_t received = 0;
    bool too_long = false;
    consumed = true;
    const bool whole = reader([&](const char* data, std::size_t n) {
      if (received + static_cast<std::int64_t>(n) > remaining) {
        too_long = true;
        return false;
      }
      received += static_cast<std::int64_t>(n);
      return writer.append(data, n);
    });
    const bool written = writer.flush();
    // Whether the copy holds exactly the committed bytes plus this request's.
    const bool document_whole = document && writer.document_bytes() == received;
    // After a commit: the copy becomes the kept hash, or (it missed bytes) none is kept.
    auto keep_document = [&] {
      if (by_declared) running.advance_declared(id, point_of(*info));
      else if (document_whole) running.advance(id, point_of(*info), std::move(*document));
      else running.forget(id);
    };

    if (!written) {
      rollback();
      return send_error(res, *writer.error());
    }
    if (too_long) {
      rollback();
      return send_error(res, 413, Error{Errc::invalid_argument, "the body runs past Upload-Length"});
    }
    if (!whole) {
      // The connection broke (or the body was malformed). tus 1.0.0 core keeps
      // what arrived; with a checksum nothing of it can be verified, so it goes.
      const bool payload_too_large = res.status == 413;
      bool kept = false;
      if (!expected && received > 0 && !payload_too_large) kept = info->offset + received < info->target.length &&  // the last bytes go to the sink, whole
                                                                     static_cast<bool>(commit(*info, fd.get(), held->get(), received));
      if (kept) keep_document();
      else rollback();
      log::info(kLog, "upload " + id + ": request cut after " + std::to_string(received) + " bytes, " +
                          (kept ? "kept" : "discarded") + " (offset " + std::to_string(info->offset) + ")");
      if (payload_too_large) return send_error(res, 413, Error{Errc::invalid_argument, "request body too large"});
      return send_error(res, 400, Error{Errc::invalid_argument, "the request body ended early"});
    }
    if (expected && hash.finish() != *expected) {
      rollback();
      log::warn(kLog, "upload " + id + ": checksum mismatch at offset " + std::to_string(info->offset));
      res.set_header("Upload-Offset", std::to_string(info->offset));
      return send_error(res, kChecksumMismatch,
                        Error{Errc::invalid_argument, "Upload-Checksum does not match the bytes received; send them again"});
    }
    const auto t_received = Steady::now();
    const auto ms = [](auto a, auto b) { return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(b - a).count()); };
    if (info->offset + received < info->target.length) {
      if (auto r = commit(*info, fd.get(), held->get(), received); !r) {
        // The kept hash stays at the old offset: if the new record reached
        // the disk after all, the next request finds it does not match.
        rollback();
        return send_error(res, r.error());
      }
      keep_document();
      log::debug(kLog, "upload " + id + ": +" + std::to_string(received) + " bytes → " + std::to_string(info->offset) +
                           " (receive " + ms(t_start, t_received) + " ms, commit " + ms(t_received, Steady::now()) + " ms)");
    } else {
      // The last bytes: no fsync of the data file. The sink makes durable what
      // it keeps (the file itself, renamed into the blob store, or the opened
      // content), and only its success is answered 204.
      const std::int64_t previous = info->offset;
      info->offset += received;
      // The declared digest is checked here when it can be without reading
      // the file: this one request carried the whole document with a matching
      // checksum, every chunk matched the digest the client declared for it
      // in the same pass as the document's, or the running hash covers every
      // byte of the file. Any doubt (no running hash, or one that does not
      // match) goes to the sink's full pass, which decides: a running hash can
      // save time, never refuse a document or accept one on its own.
      const char* how = "a full pass over the file";
      bool verified = false;
      if (previous == 0 && expected && crypto::hex(*expected) == info->target.sha256) {
        verified = true;
        how = "this request's checksum";
      } else if (by_declared) {
        verified = true;
        how = "the chunk digests declared at creation";
      } else if (document_whole) {
        if (crypto::hex(document->finish()) == info->target.sha256) {
          verified = true;
          how = "the running hash";
        } else {
          log::warn(kLog, "upload " + id + ": the running sha256 does not match the declared digest; checking the file in full");
        }
      }
      auto done = sink.complete({info->target, path, verified});
      if (!done) {
        const Error& e = done.error();
        if (e.code == Errc::invalid_argument || e.code == Errc::conflict) {
          // The whole document is wrong: nothing of this upload can be kept.
          log::warn(kLog, "upload " + id + " refused: " + e.message);
          remove(id);
          return send_error(res, kChecksumMismatch, e);
        }
        info->offset = previous;
        // The kept running hash still covers `previous`: the client re-sends
        // the last bytes and completion is tried again with it.
        if (::access(path.c_str(), F_OK) == 0) rollback();
        else remove(id);
        return send_error(res, e);
      }
      // Emptied, not removed (that happens when the upload expires): a burst
      // of uploads then frees no inodes, which some file systems (ext4
      // without a journal) make new files pay for. No fsync: the database has
      // it; an upload that forgot it (a power cut) finds its data gone, and the
      // client's new upload is born complete.
      if (::access(path.c_str(), F_OK) == 0) (void)::ftruncate(fd.get(), 0);
      running.forget(id);
      if (auto r = write_record(*info, held->get(), info->offset, true, false); !r)
        log::warn(kLog, "upload " + id + ": " + r.error().message);
      log::info(kLog, "upload " + id + " complete: " + info->target.dossier_client_id + "/" + info->target.document_id +
                          " (last " + std::to_string(received) + " bytes received in " + ms(t_start, t_received) +
                          " ms, stored in " + ms(t_received, Steady::now()) + " ms; digest checked by " + how + ")");
    }
    res.status = 204;
    res.set_header("Upload-Offset", std::to_string(info->offset));
    set_expires(res, *info);
  }

  // ---- DELETE (tus 1.0.0 "Termination")
  void terminate(const std::string& id, httplib::Response& res, const std::string& kiosk) {
    auto held = lock(id);
    if (!held) return send_lookup_error(res, held.error());
    auto info = find(id, kiosk);
    if (!info) return send_lookup_error(res, info.error());
    remove(id);
    log::info(kLog, "upload " + id + " terminated by " + kiosk);
    res.status = 204;
  }

  Result<int> sweep() {
    std::error_code ec;
    if (!stdfs::exists(opt.dir, ec)) return 0;
    int removed = 0;
    const auto now = stdfs::file_time_type::clock::now();
    for (auto it = stdfs::directory_iterator(opt.dir, ec); !ec && it != stdfs::directory_iterator(); it.increment(ec)) {
      const stdfs::path p = it->path();
      const std::string stem = p.stem().string();
      const std::string ext = p.extension().string();
      std::error_code age_ec;
      const auto mtime = stdfs::last_write_time(p, age_ec);
      const bool old = !age_ec && now - mtime > kOrphanAge;
      if (ext == ".state" && is_upload_id(stem)) {
        auto info = load(stem);
        if (info && !expired(*info)) continue;
        if (!info && !old) continue;  // maybe being created right now
        auto held = lock(stem);
        if (!held && held.error().code == Errc::unavailable) continue;  // a request is writing to it
        // Under the lock, look again: a PATCH may just have moved the expiry.
        info = load(stem);
        if (info && !expired(*info)) continue;
        remove(stem);
        ++removed;
        log::info(kLog, "upload " + stem + (info ? " expired and was removed" : ": leftovers of a creation cut short removed"));
      } else if (ext == ".data" || ext == ".info" || ext == ".lock" || ext == ".offset" ||
                 p.filename().string().front() == '.') {
        // Leftovers: a creation or removal cut short, files of an older layout.
        if (ext == ".data" && is_upload_id(stem) && stdfs::exists(state_path(stem), ec)) continue;
        if (old) stdfs::remove(p, ec);
      }
    }
    if (ec) return fail(Errc::io, "cannot list " + opt.dir.string() + ": " + ec.message());
    // Running hashes of uploads another hub process sharing DATA removed.
    running.forget_unless([&](const std::string& id) { return stdfs::exists(state_path(id)); });
    return removed;
  }
};

TusServer::TusServer(TusOptions options, HubStore& store, UploadSink& sink, const Clock& clock)
    : impl_(std::make_unique<Impl>(std::move(options), store, sink, clock)) {}

TusServer::~TusServer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (sweeper_.joinable()) sweeper_.join();
}

Result<int> TusServer::sweep() { return impl_->sweep(); }

void TusServer::start_sweeper() {
  if (auto r = sweep(); !r) log::warn(kLog, "sweep: " + r.error().message);
  if (sweeper_.joinable()) return;
  sweeper_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!cv_.wait_for(lock, impl_->opt.sweep_interval, [this] { return stopping_; })) {
      lock.unlock();
      if (auto r = sweep(); !r) log::warn(kLog, "sweep: " + r.error().message);
      lock.lock();
    }
  });
}

void TusServer::register_routes(httplib::Server& server, KioskOf kiosk_of) {
  const std::string base = std::string(protocol::kApiPrefix) + "/uploads";
  const std::string one = base + "/([0-9a-f]{32})";

  // Every tus answer carries Tus-Resumable; every request but OPTIONS must
  // name the version it speaks (tus 1.0.0 core: 412 otherwise) and come from
  // an enrolled kiosk.
  auto guard = [kiosk_of](const httplib::Request& req, httplib::Response& res, bool need_version) -> std::optional<std::string> {
    res.set_header("Tus-Resumable", kTusVersion);
    if (need_version && req.get_header_value("Tus-Resumable") != kTusVersion) {
      res.set_header("Tus-Version", kTusVersion);
      send_error(res, 412, Error{Errc::invalid_argument, "Tus-Resumable: 1.0.0 is required"});
      return std::nullopt;
    }
    auto kiosk = kiosk_of(req);
    if (!kiosk) send_error(res, Error{Errc::unauthorized, "only enrolled kiosks upload documents"});
    return kiosk;
  };

  auto options = [this, guard](const httplib::Request& req, httplib::Response& res) {
    if (guard(req, res, false)) impl_->options(res);
  };
  server.Options(base, options);
  server.Options(one, options);

  server.Post(base, [this, guard](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
    if (auto kiosk = guard(req, res, true)) impl_->create(req, res, *kiosk);
    drain_small_body(req, reader);  // creation takes no body (no creation-with-upload)
  });

  // httplib routes HEAD to the GET handlers; tus defines no GET.
  server.Get(one, [this, guard](const httplib::Request& req, httplib::Response& res) {
    if (req.method != "HEAD") {
      res.set_header("Allow", "OPTIONS, HEAD, PATCH, DELETE");
      return send_error(res, 405, Error{Errc::invalid_argument, "tus uploads answer HEAD, PATCH and DELETE"});
    }
    if (auto kiosk = guard(req, res, true)) impl_->head(req.matches[1], res, *kiosk);
  });

  server.Patch(one, [this, guard](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
    bool consumed = false;
    if (auto kiosk = guard(req, res, true)) impl_->patch(req.matches[1], req, res, reader, *kiosk, consumed);
    if (!consumed) drain_small_body(req, reader);
  });

  server.Delete(one, [this, guard](const httplib::Request& req, httplib::Response& res) {
    if (auto kiosk = guard(req, res, true)) impl_->terminate(req.matches[1], res, *kiosk);
  });
}

}  // namespace motcua::hub
