// Resumable uploads (tus 1.0.0) against a real motcua-hub process over TLS on
// loopback: the protocol as raw requests, our kiosk uploader, and interop with
// independent tus implementations from the npm registry (tests/peers: the
// tus-js-client uploading to our hub, our uploader uploading to @tus/server).
// The peers are installed by provisioning/test-services.sh (npm ci).

#include <fcntl.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <random>
#include <thread>

#include "motcua/client/tus_uploader.hpp"
#include "motcua/crypto/envelope.hpp"
#include "motcua/crypto/hash.hpp"
#include "motcua/crypto/random.hpp"
#include "motcua/crypto/x509.hpp"
#include "motcua/util/fs.hpp"
#include "motcua/util/ids.hpp"
#include "motcua/protocol/chunks.hpp"
#include "motcua/protocol/envelope.hpp"
#include "support/hub_process.hpp"
#include "support/raw_tus.hpp"
#include "support/temp_dir.hpp"

using namespace motcua;
using test::b64;
using test::RawTus;
using test::sha256_b64;
using test::wait_for_text;
namespace stdfs = std::filesystem;

namespace {

constexpr std::int64_t MiB = 1 << 20;

struct FileClose {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

// Pseudo-random content written block by block (the 200 MB case needs no 200 MB of memory).
void write_random_file(const stdfs::path& path, std::int64_t size, std::uint64_t seed) {
  std::unique_ptr<std::FILE, FileClose> f(std::fopen(path.c_str(), "wb"));
  ASSERT_TRUE(f) << path;
  std::mt19937_64 rng(seed);
  std::vector<std::uint64_t> block(static_cast<std::size_t>(MiB / 8));
  for (std::int64_t left = size; left > 0;) {
    for (auto& w : block) w = rng();
    const auto n = static_cast<std::size_t>(std::min<std::int64_t>(left, MiB));
    ASSERT_EQ(std::fwrite(block.data(), 1, n, f.get()), n);
    left -= static_cast<std::int64_t>(n);
  }
}

std::string file_sha256(const stdfs::path& path) {
  auto d = crypto::sha256_file(path);
  return d ? crypto::hex(*d) : std::string("unreadable");
}

std::string slice(const stdfs::path& path, std::int64_t offset, std::int64_t length) {
  auto all = fs::read_file(path);
  return all ? all->substr(static_cast<std::size_t>(offset), static_cast<std::size_t>(length)) : std::string();
}

class TusUploads : public ::testing::Test {
 protected:
  // httplib's client writes with SSL_write: a hub that refuses a body without
  // reading it must not kill the test process with SIGPIPE.
  static void SetUpTestSuite() { std::signal(SIGPIPE, SIG_IGN); }

  test::TempDir dir;
  test::HubProcess hub{dir.path()};
  stdfs::path kiosk = hub.make_kiosk("KIOSK-01");
  SystemClock clock;
  UuidV7Generator ids{clock, [](std::span<std::uint8_t> b) { crypto::random_bytes(b); }};

  struct Declared {
    protocol::Submission submission;
    stdfs::path file;
    // A sealed document's content (what the hub stores): its plaintext.
    std::string plain_sha256;
    std::int64_t plain_size = 0;
    std::string client_id() const { return submission.client_id; }
    std::string sha256() const { return submission.documents[0].sha256; }
    std::string content_sha256() const { return plain_sha256.empty() ? sha256() : plain_sha256; }
  };

  // A dossier of this kiosk declaring one document "d1": `size` random bytes.
  Declared declare(std::int64_t size, std::uint64_t seed = 1, const std::string& kiosk_id = "KIOSK-01",
                   std::optional<std::string> declared_sha = std::nullopt) {
    Declared d;
    d.file = dir / ("doc-" + std::to_string(seed) + "-" + std::to_string(size));
    if (!stdfs::exists(d.file)) write_random_file(d.file, size, seed);
    d.submission.client_id = ids.next().str();
    d.submission.service_code = "1.001193";
    d.submission.submitted_at = format_utc(clock.now());
    d.submission.lookup_secret = "K7QM";
    // The applicant sealed to the hub as a kiosk does; the document travels as
    // is ("identity"): the upload, not the envelope, is under test here.
    auto hub_key = crypto::load_public_key_pem(*fs::read_file(dir / kiosk_id / "hub-seal.pem"));
    EXPECT_TRUE(hub_key);
    auto sealed = protocol::seal_applicant(*hub_key, d.submission.client_id, {"Nguyễn Văn An", "0912345678"});
    EXPECT_TRUE(sealed);
    d.submission.sealed = sealed->envelope;
    d.submission.documents.push_back({"d1", "Tờ khai", "image/jpeg", size, declared_sha ? *declared_sha : file_sha256(d.file),
                                      std::string(protocol::kEncodingIdentity)});
    client::HubClient c(hub.kiosk_endpoint(dir / kiosk_id));
    auto ack = c.create_dossier(d.submission);
    EXPECT_TRUE(ack) << ack.error().message;
    return d;
  }

  // The same, with the document sealed as a kiosk seals it: `plain` random
  // bytes encrypted with the dossier's data key; the file is the ciphertext.
  Declared declare_sealed(std::int64_t plain, std::uint64_t seed) {
    Declared d;
    const auto source = dir / ("plain-" + std::to_string(seed) + "-" + std::to_string(plain));
    write_random_file(source, plain, seed);
    const auto bytes = fs::read_file(source);
    EXPECT_TRUE(bytes);
    d.plain_sha256 = file_sha256(source);
    d.plain_size = plain;
    d.submission.client_id = ids.next().str();
    d.submission.service_code = "1.001193";
    d.submission.submitted_at = format_utc(clock.now());
    d.submission.lookup_secret = "K7QM";
    auto hub_key = crypto::load_public_key_pem(*fs::read_file(dir / "KIOSK-01" / "hub-seal.pem"));
    EXPECT_TRUE(hub_key);
    auto sealed = protocol::seal_applicant(*hub_key, d.submission.client_id, {"Nguyễn Văn An", "0912345678"});
    EXPECT_TRUE(sealed);
    d.submission.sealed = sealed->envelope;
    const auto encrypted = crypto::encrypt_chunked(
        sealed->key, std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(bytes->data()), bytes->size()));
    d.file = dir / ("sealed-" + std::to_string(seed) + "-" + std::to_string(plain));
    EXPECT_TRUE(fs::write_file_durable(d.file, std::span<const std::uint8_t>(encrypted)));
    d.submission.documents.push_back({"d1", "Tờ khai", "image/jpeg", static_cast<std::int64_t>(encrypted.size()),
                                      crypto::hex(crypto::sha256(std::span<const std::uint8_t>(encrypted))),
                                      std::string(protocol::kEncodingSealed)});
    client::HubClient c(hub.kiosk_endpoint(kiosk));
    auto ack = c.create_dossier(d.submission);
    EXPECT_TRUE(ack) << ack.error().message;
    return d;
  }

  // Fixed chunks (no growth on a fast link), so the requests are known in advance.
  client::TusUploaderOptions small_chunks(std::int64_t chunk) const {
    client::TusUploaderOptions o;
    o.chunk_size = chunk;
    o.max_chunk_size = chunk;
    o.retry_delay = std::chrono::milliseconds(20);
    return o;
  }

  stdfs::path blob(const std::string& sha) const { return hub.hub_dir() / "blobs" / sha.substr(0, 2) / sha; }
  stdfs::path uploads() const { return hub.hub_dir() / "uploads"; }
  static std::string id_of(const std::string& location) { return location.substr(location.rfind('/') + 1); }
  stdfs::path hub_log() const { return dir / "hub.log"; }

  // How the hub checked the document's declared digest when the upload
  // completed, from its log line: "the running hash" (hashed as the chunks
  // arrived), "a full pass over the file", or "this request's checksum".
  std::string digest_checked_by(const std::string& upload_id) const { return test::digest_checked_by(hub_log(), upload_id); }

  bool hub_logged(const std::string& text) const {
    const auto log = fs::read_file(hub_log());
    return log && log->find(text) != std::string::npos;
  }

  // The document is stored byte-identical, marked received, and the dossier seals.
  void expect_received(const Declared& d) {
    EXPECT_EQ(file_sha256(blob(d.content_sha256())), d.content_sha256());
    EXPECT_EQ(stdfs::file_size(blob(d.content_sha256())),
              d.plain_sha256.empty() ? stdfs::file_size(d.file) : static_cast<std::uintmax_t>(d.plain_size));
    client::HubClient c(hub.kiosk_endpoint(kiosk));
    auto sealed = c.seal_dossier(d.client_id());
    EXPECT_TRUE(sealed) << (sealed ? "" : sealed.error().message);
  }

  // As the hub's next commit would (docs/uploads.md, "Where the state lives"):
  // a record one commit newer, in the other slot of the state file, with the
  // same offset and the expiry a second ago.
  void set_expiry_in_the_past(const std::string& id) {
    const auto path = uploads() / (id + ".state");
    auto bytes = fs::read_file(path);
    ASSERT_TRUE(bytes);
    auto le64 = [](const char* p) {
      std::uint64_t v = 0;
      for (int i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
      return v;
    };
    std::uint64_t commit = 0, offset = 0;
    for (std::size_t slot = 0; slot < 2; ++slot) {
      const char* r = bytes->data() + slot * 512;
      if (std::string_view(r, 8) != "MCTUSST1") continue;
      const auto check = crypto::sha256(std::string_view(r, 40));
      if (std::memcmp(r + 40, check.data(), 8) != 0 || le64(r + 8) < commit) continue;
      commit = le64(r + 8);
      offset = le64(r + 16);
    }
    std::string record = "MCTUSST1";
    for (std::uint64_t v : {commit + 1, offset, static_cast<std::uint64_t>(unix_millis(clock.now()) - 1000), std::uint64_t{0}})
      for (int i = 0; i < 8; ++i) record.push_back(static_cast<char>(v >> (8 * i)));
    const auto check = crypto::sha256(std::string_view(record));
    record.append(reinterpret_cast<const char*>(check.data()), 8);
    bytes->replace(((commit + 1) % 2) * 512, record.size(), record);
    ASSERT_TRUE(fs::write_file_durable(path, *bytes, 0600));
  }
};

// ---- the protocol, request by request

TEST_F(TusUploads, OptionsAdvertisesVersionExtensionsChecksumAndMaxSize) {
  RawTus tus(hub.url(), kiosk);
  auto r = tus.options();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 204);
  EXPECT_EQ(r->get_header_value("Tus-Resumable"), "1.0.0");
  EXPECT_EQ(r->get_header_value("Tus-Version"), "1.0.0");
  EXPECT_EQ(r->get_header_value("Tus-Extension"), "creation,checksum,expiration,termination");
  EXPECT_EQ(r->get_header_value("Tus-Checksum-Algorithm"), "sha256");
  EXPECT_GE(std::stoll(r->get_header_value("Tus-Max-Size")), 1ll << 30);
  EXPECT_EQ(r->get_header_value("X-Motcua-Protocol"), "1");

  client::TusUploader up(hub.kiosk_endpoint(kiosk));
  auto caps = up.capabilities();
  ASSERT_TRUE(caps) << caps.error().message;
  EXPECT_TRUE(caps->sha256_checksums());
  EXPECT_TRUE(caps->has("termination"));
}

TEST_F(TusUploads, CreatePatchHeadAndDeleteFollowTheProtocol) {
  const auto d = declare(3 * MiB);
  RawTus tus(hub.url(), kiosk);
  auto created = tus.create(3 * MiB, d.client_id(), "d1");
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  const std::string loc = created->get_header_value("Location");
  EXPECT_EQ(loc.rfind("/api/v1/uploads/", 0), 0u) << loc;
  EXPECT_EQ(created->get_header_value("Tus-Resumable"), "1.0.0");
  EXPECT_NE(created->get_header_value("Upload-Expires").find(" GMT"), std::string::npos);

  auto h = tus.head(loc);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->status, 200);
  EXPECT_EQ(h->get_header_value("Upload-Offset"), "0");
  EXPECT_EQ(h->get_header_value("Upload-Length"), std::to_string(3 * MiB));
  EXPECT_EQ(h->get_header_value("Cache-Control"), "no-store");
  EXPECT_NE(h->get_header_value("Upload-Metadata").find("document " + b64("d1")), std::string::npos);

  const std::string first = slice(d.file, 0, MiB);
  auto p = tus.patch(loc, 0, first, sha256_b64(first));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->status, 204) << p->body;
  EXPECT_EQ(p->get_header_value("Upload-Offset"), std::to_string(MiB));
  EXPECT_EQ(p->get_header_value("Tus-Resumable"), "1.0.0");
  EXPECT_FALSE(p->get_header_value("Upload-Expires").empty());
  EXPECT_EQ(tus.offset(loc), MiB);

  auto del = tus.remove(loc);
  ASSERT_TRUE(del);
  EXPECT_EQ(del->status, 204);
  auto gone = tus.head(loc);
  ASSERT_TRUE(gone);
  EXPECT_EQ(gone->status, 404);
  EXPECT_TRUE(gone->get_header_value("Upload-Offset").empty());
  EXPECT_FALSE(stdfs::exists(uploads() / (id_of(loc) + ".data")));
}

TEST_F(TusUploads, TheLastPatchCompletesTheDocumentWithoutAChecksumToo) {
  const auto d = declare(2 * MiB + 17);
  RawTus tus(hub.url(), kiosk);
  const auto loc = tus.created(2 * MiB + 17, d.client_id(), "d1");
  auto p1 = tus.patch(loc, 0, slice(d.file, 0, MiB));  // tus core: no checksum needed
  ASSERT_TRUE(p1);
  EXPECT_EQ(p1->status, 204);
  auto p2 = tus.patch(loc, MiB, slice(d.file, MiB, MiB + 17));
  ASSERT_TRUE(p2);
  EXPECT_EQ(p2->status, 204) << p2->body;
  EXPECT_EQ(p2->get_header_value("Upload-Offset"), std::to_string(2 * MiB + 17));
  expect_received(d);
  // The finished upload still answers HEAD, so a client that lost the last answer learns it is done.
  EXPECT_EQ(tus.offset(loc), 2 * MiB + 17);
  EXPECT_FALSE(stdfs::exists(uploads() / (id_of(loc) + ".data")));
}

TEST_F(TusUploads, RequestsWithoutTusResumableAreRefusedWith412) {
  const auto d = declare(MiB);
  RawTus tus(hub.url(), kiosk);
  auto r = tus.client()->Post("/api/v1/uploads", {{"Upload-Length", std::to_string(MiB)}}, "", "application/octet-stream");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 412);
  EXPECT_EQ(r->get_header_value("Tus-Version"), "1.0.0");
  EXPECT_EQ(r->get_header_value("Tus-Resumable"), "1.0.0");
  const auto loc = tus.created(MiB, d.client_id(), "d1");
  auto h = tus.client()->Head(loc.c_str());
  ASSERT_TRUE(h);
  EXPECT_EQ(h->status, 412);
}

TEST_F(TusUploads, APatchAtTheWrongOffsetIsAConflict) {
  const auto d = declare(2 * MiB);
  RawTus tus(hub.url(), kiosk);
  const auto loc = tus.created(2 * MiB, d.client_id(), "d1");
  auto p = tus.patch(loc, 5, slice(d.file, 5, 100));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->status, 409);
  EXPECT_NE(p->body.find("Upload-Offset"), std::string::npos);
  EXPECT_EQ(tus.offset(loc), 0);
  auto wrong_type = tus.client()->Patch(loc.c_str(), RawTus::tus({{"Upload-Offset", "0"}}), "abc", "application/octet-stream");
  ASSERT_TRUE(wrong_type);
  EXPECT_EQ(wrong_type->status, 415);
  ASSERT_EQ(tus.patch(loc, 0, slice(d.file, 0, 2 * MiB - 10))->status, 204);
  auto too_long = tus.patch(loc, 2 * MiB - 10, std::string(11, 'x'));
  ASSERT_TRUE(too_long);
  EXPECT_EQ(too_long->status, 413);
  EXPECT_EQ(tus.offset(loc), 2 * MiB - 10);
}

TEST_F(TusUploads, AChunkWithAWrongChecksumIsRefusedWith460AndNotKept) {
  const auto d = declare(2 * MiB);
  RawTus tus(hub.url(), kiosk);
  const auto loc = tus.created(2 * MiB, d.client_id(), "d1");
  const std::string chunk = slice(d.file, 0, MiB);
  std::string corrupted = chunk;
  corrupted[1000] = static_cast<char>(corrupted[1000] ^ 0x20);
  auto bad = tus.patch(loc, 0, corrupted, sha256_b64(chunk));
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 460);
  EXPECT_EQ(bad->get_header_value("Tus-Resumable"), "1.0.0");
  EXPECT_EQ(tus.offset(loc), 0);
  auto unknown = tus.client()->Patch(loc.c_str(), RawTus::tus({{"Upload-Offset", "0"}, {"Upload-Checksum", "md5 AAAA"}}), chunk,
                                     "application/offset+octet-stream");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 400);
  // The same chunk sent again, intact, is taken.
  auto good = tus.patch(loc, 0, chunk, sha256_b64(chunk));
  ASSERT_TRUE(good);
  EXPECT_EQ(good->status, 204);
  EXPECT_EQ(tus.offset(loc), MiB);
  auto rest = tus.patch(loc, MiB, slice(d.file, MiB, MiB), sha256_b64(slice(d.file, MiB, MiB)));
  ASSERT_TRUE(rest);
  EXPECT_EQ(rest->status, 204);
  expect_received(d);
}

TEST_F(TusUploads, ARequestCutWithoutAChecksumKeepsWhatArrived) {
  const auto d = declare(4 * MiB);
  RawTus tus(hub.url(), kiosk);
  const auto loc = tus.created(4 * MiB, d.client_id(), "d1");
  const std::string body = slice(d.file, 0, 4 * MiB);
  tus.cut_patch(loc, 0, body, static_cast<std::size_t>(2 * MiB), std::nullopt);
  ASSERT_TRUE(wait_for_text(hub_log(), "upload " + id_of(loc) + ": request cut after"));
  const std::int64_t kept = tus.offset(loc);
  EXPECT_GT(kept, 0);  // tus 1.0.0 core: the server keeps the bytes it received
  EXPECT_LE(kept, 2 * MiB);
  auto rest = tus.patch(loc, kept, body.substr(static_cast<std::size_t>(kept)));
  ASSERT_TRUE(rest);
  EXPECT_EQ(rest->status, 204) << rest->body;
  expect_received(d);
}

TEST_F(TusUploads, ARequestCutWithAChecksumKeepsNothing) {
  const auto d = declare(4 * MiB);
  RawTus tus(hub.url(), kiosk);
  const auto loc = tus.created(4 * MiB, d.client_id(), "d1");
  const std::string body = slice(d.file, 0, 4 * MiB);
  tus.cut_patch(loc, 0, body, static_cast<std::size_t>(2 * MiB), sha256_b64(body));
  ASSERT_TRUE(wait_for_text(hub_log(), "upload " + id_of(loc) + ": request cut after"));
  EXPECT_EQ(tus.offset(loc), 0);  // nothing of it could be verified
  auto again = tus.patch(loc, 0, body, sha256_b64(body));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 204);
  expect_received(d);
}

TEST_F(TusUploads, APatchWhileAnotherWritesToTheUploadIsRefusedWith423) {
  const auto d = declare(MiB);
  RawTus tus(hub.url(), kiosk);
  const auto loc = tus.created(MiB, d.client_id(), "d1");
  // Another hub process sharing the data directory, mid-PATCH, holds the lock.
  const int fd = ::open((uploads() / (id_of(loc) + ".state")).c_str(), O_RDWR | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX), 0);
  const std::string body = slice(d.file, 0, MiB);
  auto busy = tus.patch(loc, 0, body);
  ASSERT_TRUE(busy);
  EXPECT_EQ(busy->status, 423);
  ::close(fd);
  auto ok = tus.patch(loc, 0, body);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 204);
}

TEST_F(TusUploads, CreationChecksTheKioskTheDossierTheDocumentAndTheLength) {
  const auto d = declare(MiB);
  RawTus tus(hub.url(), kiosk);
  auto no_length = tus.client()->Post("/api/v1/uploads", RawTus::tus({{"Upload-Metadata", "dossier " + b64(d.client_id()) + ",document " + b64("d1")}}),
                                      "", "application/octet-stream");
  ASSERT_TRUE(no_length);
  EXPECT_EQ(no_length->status, 400);
  auto no_meta = tus.client()->Post("/api/v1/uploads", RawTus::tus({{"Upload-Length", std::to_string(MiB)}}), "", "application/octet-stream");
  ASSERT_TRUE(no_meta);
  EXPECT_EQ(no_meta->status, 400);
  auto wrong_length = tus.create(MiB + 1, d.client_id(), "d1");
  ASSERT_TRUE(wrong_length);
  EXPECT_EQ(wrong_length->status, 400);
  EXPECT_NE(wrong_length->body.find("does not match the size declared"), std::string::npos);
  auto unknown_document = tus.create(MiB, d.client_id(), "d9");
  ASSERT_TRUE(unknown_document);
  EXPECT_EQ(unknown_document->status, 404);
  auto unknown_dossier = tus.create(MiB, ids.next().str(), "d1");
  ASSERT_TRUE(unknown_dossier);
  EXPECT_EQ(unknown_dossier->status, 404);
  auto too_big = tus.create(std::int64_t{1} << 40, d.client_id(), "d1");
  ASSERT_TRUE(too_big);
  EXPECT_EQ(too_big->status, 413);

  RawTus anonymous(hub.url(), kiosk, false);
  auto anon = anonymous.create(MiB, d.client_id(), "d1");
  ASSERT_TRUE(anon);
  EXPECT_EQ(anon->status, 401);

  // Another kiosk can neither upload into this kiosk's dossier nor touch its uploads.
  const auto other_dir = hub.make_kiosk("KIOSK-02");
  RawTus other(hub.url(), other_dir);
  auto foreign = other.create(MiB, d.client_id(), "d1");
  ASSERT_TRUE(foreign);
  EXPECT_EQ(foreign->status, 404);
  const auto loc = tus.created(MiB, d.client_id(), "d1");
  auto h = other.head(loc);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->status, 404);
  auto p = other.patch(loc, 0, slice(d.file, 0, MiB));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->status, 404);
  auto del = other.remove(loc);
  ASSERT_TRUE(del);
  EXPECT_EQ(del->status, 404);
  EXPECT_EQ(tus.offset(loc), 0);
}

TEST_F(TusUploads, ExpiredUploadsAreRefusedAndSweptAway) {
  const auto d = declare(2 * MiB);
  RawTus tus(hub.url(), kiosk);
  const auto loc = tus.created(2 * MiB, d.client_id(), "d1");
  const std::string chunk = slice(d.file, 0, MiB);
  ASSERT_EQ(tus.patch(loc, 0, chunk)->status, 204);
  // Time passes (the hub runs on the real clock: move the expiry instead).
  set_expiry_in_the_past(id_of(loc));
  auto h = tus.head(loc);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->status, 410);
  auto p = tus.patch(loc, MiB, slice(d.file, MiB, MiB));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->status, 410);

  // The sweep (at start, then periodically) removes expired uploads.
  const auto second = tus.created(2 * MiB, d.client_id(), "d1");
  ASSERT_EQ(tus.patch(second, 0, chunk)->status, 204);
  set_expiry_in_the_past(id_of(second));
  hub.stop();
  hub.start();
  EXPECT_FALSE(stdfs::exists(uploads() / (id_of(second) + ".state")));
  EXPECT_FALSE(stdfs::exists(uploads() / (id_of(second) + ".data")));
  auto after = tus.head(second);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 404);

  // The uploader, given the URL of an expired upload, starts a new one.
  const auto third = tus.created(2 * MiB, d.client_id(), "d1");
  set_expiry_in_the_past(id_of(third));
  client::TusUploader up(hub.kiosk_endpoint(kiosk), small_chunks(MiB));
  auto u = client::document_upload(d.client_id(), "d1", d.file);
  u.resume_url = hub.url() + third;
  std::string created;
  u.on_created = [&](const std::string& url) -> Result<void> {
    created = url;
    return {};
  };
  auto r = up.upload(u);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(created.empty());
  EXPECT_NE(created, u.resume_url);
  expect_received(d);
}

// ---- the kiosk's uploader

TEST_F(TusUploads, UploaderSendsAFiveMegabyteDocumentByteIdentical) {
  const auto d = declare(5 * MiB + 123);
  client::TusUploader up(hub.kiosk_endpoint(kiosk), small_chunks(MiB));
  std::vector<std::int64_t> progress;
  auto u = client::document_upload(d.client_id(), "d1", d.file);
  u.on_progress = [&](std::int64_t sent, std::int64_t total) {
    EXPECT_EQ(total, 5 * MiB + 123);
    progress.push_back(sent);
    return true;
  };
  auto r = up.upload(u);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->checksums);
  EXPECT_EQ(r->patches, 6);
  EXPECT_EQ(r->bytes_sent, 5 * MiB + 123);
  EXPECT_EQ(r->retries, 0);
  ASSERT_FALSE(progress.empty());
  EXPECT_EQ(progress.back(), 5 * MiB + 123);
  EXPECT_TRUE(std::is_sorted(progress.begin(), progress.end()));
  expect_received(d);
}

TEST_F(TusUploads, UploaderSendsATwoHundredMegabyteDocumentByteIdentical) {
  const auto d = declare(200 * 1000 * 1000, 7);
  client::TusUploader up(hub.kiosk_endpoint(kiosk));  // default: 8 MiB chunks, growing to 128 MiB on a fast link
  auto r = up.upload(client::document_upload(d.client_id(), "d1", d.file));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_GE(r->patches, 5);   // 8 + 16 + 32 + 64 MiB + the rest
  EXPECT_LE(r->patches, 24);  // ⌈200 MB / 8 MiB⌉
  EXPECT_EQ(r->bytes_sent, 200 * 1000 * 1000);
  EXPECT_EQ(r->retries, 0);
  expect_received(d);
}

TEST_F(TusUploads, ChunksGrowWhileTheyArriveFastAndStayAtTheirSizeOtherwise) {
  const auto d = declare(30 * MiB + 5, 13);
  // "Fast" is a whole chunk acknowledged within fast_chunk: a minute here, so
  // every chunk is, and the sizes are known in advance.
  auto fast = small_chunks(MiB);
  fast.max_chunk_size = 8 * MiB;
  fast.fast_chunk = std::chrono::minutes(1);
  client::TusUploader up(hub.kiosk_endpoint(kiosk), fast);
  std::vector<std::int64_t> acked;
  auto u = client::document_upload(d.client_id(), "d1", d.file);
  u.on_progress = [&](std::int64_t sent, std::int64_t) {
    if (acked.empty() || sent > acked.back()) acked.push_back(sent);
    return true;
  };
  auto r = up.upload(u);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->patches, 6);  // 1 + 2 + 4 + 8 + 8 MiB, then the last 7 MiB + 5 bytes
  EXPECT_EQ(r->bytes_sent, 30 * MiB + 5);
  expect_received(d);

  // Never fast (0 ms): every chunk is the configured size.
  const auto d2 = declare(5 * MiB, 14);
  auto slow = small_chunks(MiB);
  slow.max_chunk_size = 8 * MiB;
  slow.fast_chunk = std::chrono::milliseconds(0);
  client::TusUploader up2(hub.kiosk_endpoint(kiosk), slow);
  auto r2 = up2.upload(client::document_upload(d2.client_id(), "d1", d2.file));
  ASSERT_TRUE(r2) << r2.error().message;
  EXPECT_EQ(r2->patches, 5);
  expect_received(d2);
}

TEST_F(TusUploads, DigestsMadeWhenTheFileWasWrittenAreSentForTheChunksTheyMatch) {
  const auto d = declare(12 * MiB + 3, 16);
  auto bytes = fs::read_file(d.file);
  ASSERT_TRUE(bytes);
  // As the kiosk's outbox makes them: chunks of 1, 2, 4, 4 MiB, then the rest.
  auto digests = client::upload_digests(
      std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(bytes->data()), bytes->size()), MiB, 4 * MiB);
  ASSERT_EQ(digests.chunks.size(), 5u);
  EXPECT_EQ(crypto::hex(digests.whole), d.sha256());
  auto options = small_chunks(MiB);
  options.max_chunk_size = 4 * MiB;
  options.fast_chunk = std::chrono::minutes(1);  // every chunk is fast: they grow as the digests expect
  std::string url;
  auto upload_with = [&](const std::vector<crypto::Digest>& chunks) {
    client::TusUploader up(hub.kiosk_endpoint(kiosk), options);
    auto u = client::document_upload(d.client_id(), "d1", d.file);
    u.resume_url = url;
    u.on_created = [&](const std::string& created) -> Result<void> {
      url = created;
      return {};
    };
    u.chunk_digests = chunks;
    u.chunk_digest_size = MiB;
    u.chunk_digest_max = 4 * MiB;
    return up.upload(u);
  };
  // A wrong digest for the third chunk (3 MiB to 7 MiB) is what goes, not one
  // hashed now: the hub refuses that chunk every time and keeps the two before.
  auto wrong = digests.chunks;
  wrong[2][0] ^= 1;
  auto refused = upload_with(wrong);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("Upload-Checksum"), std::string::npos) << refused.error().message;
  EXPECT_EQ(RawTus(hub.url(), kiosk).offset(url.substr(url.find("/api/"))), 3 * MiB);
  auto r = upload_with(digests.chunks);
  ASSERT_TRUE(r) << r.error().message;
  expect_received(d);
}

TEST_F(TusUploads, ATornCommitRecordFallsBackToThePreviousOffset) {
  const auto d = declare(3 * MiB, 15);
  RawTus tus(hub.url(), kiosk);
  const auto loc = tus.created(3 * MiB, d.client_id(), "d1");
  ASSERT_EQ(tus.patch(loc, 0, slice(d.file, 0, MiB))->status, 204);        // commit 1: slot 1
  ASSERT_EQ(tus.patch(loc, MiB, slice(d.file, MiB, MiB))->status, 204);    // commit 2: slot 0
  // A power cut in the middle of writing commit 2's record: its bytes are
  // half old, half new.
  const auto state = uploads() / (id_of(loc) + ".state");
  auto bytes = fs::read_file(state);
  ASSERT_TRUE(bytes);
  (*bytes)[20] = static_cast<char>((*bytes)[20] ^ 0x5a);
  ASSERT_TRUE(fs::write_file_durable(state, *bytes, 0600));
  EXPECT_EQ(tus.offset(loc), MiB) << "the previous commit counts";
  // The client resumes from there; the bytes past it are dropped and sent again.
  client::TusUploader up(hub.kiosk_endpoint(kiosk), small_chunks(MiB));
  auto u = client::document_upload(d.client_id(), "d1", d.file);
  u.resume_url = hub.url() + loc;
  auto r = up.upload(u);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->resumed_from, MiB);
  expect_received(d);
  // The hub's running hash covered the lost commit: it is not taken up again.
  EXPECT_EQ(digest_checked_by(id_of(loc)), "a full pass over the file");
}

TEST_F(TusUploads, AnUploadCutMidChunkResumesAfterARestartResendingAtMostOneChunk) {
  const std::int64_t size = 16 * MiB, chunk = 4 * MiB;
  const auto d = declare(size);
  std::string saved_url;
  std::int64_t on_the_wire = 0;  // furthest byte the first attempt sent
  {
    client::TusUploader up(hub.kiosk_endpoint(kiosk), small_chunks(chunk));
    auto u = client::document_upload(d.client_id(), "d1", d.file);
    u.on_created = [&](const std::string& url) -> Result<void> {
      saved_url = url;  // what the sync engine stores in the outbox row
      return {};
    };
    // The link dies at 50 % + 1 MiB, in the middle of the third chunk.
    u.on_progress = [&](std::int64_t sent, std::int64_t) {
      on_the_wire = std::max(on_the_wire, sent);
      return sent < size / 2 + MiB;
    };
    auto r = up.upload(u);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::unavailable);
  }
  ASSERT_FALSE(saved_url.empty());
  EXPECT_GE(on_the_wire, size / 2 + MiB);

  // The kiosk process restarted: a new uploader resumes the same upload from the hub's offset.
  client::TusUploader up(hub.kiosk_endpoint(kiosk), small_chunks(chunk));
  auto u = client::document_upload(d.client_id(), "d1", d.file);
  u.resume_url = saved_url;
  bool created_again = false;
  u.on_created = [&](const std::string&) -> Result<void> {
    created_again = true;
    return {};
  };
  auto r = up.upload(u);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(created_again);
  EXPECT_EQ(r->url, saved_url);
  EXPECT_EQ(r->resumed_from, 2 * chunk);  // the checksummed, cut chunk was not kept
  EXPECT_LE(on_the_wire - r->resumed_from, chunk) << "bytes re-sent";
  EXPECT_EQ(r->bytes_sent, size - r->resumed_from);
  expect_received(d);
}

TEST_F(TusUploads, UploaderTrustsTheHubsOffsetOverItsOwnCount) {
  const auto d = declare(6 * MiB);
  RawTus tus(hub.url(), kiosk);
  const auto loc = tus.created(6 * MiB, d.client_id(), "d1");
  // Someone (an earlier run whose answer was lost) already delivered 3 MiB + 5 bytes.
  ASSERT_EQ(tus.patch(loc, 0, slice(d.file, 0, 3 * MiB + 5))->status, 204);
  client::TusUploader up(hub.kiosk_endpoint(kiosk), small_chunks(2 * MiB));
  auto u = client::document_upload(d.client_id(), "d1", d.file);
  u.resume_url = hub.url() + loc;
  auto r = up.upload(u);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->resumed_from, 3 * MiB + 5);
  EXPECT_EQ(r->bytes_sent, 3 * MiB - 5);
  expect_received(d);
}

TEST_F(TusUploads, UploaderFinishesWhenTheHubIsKilledMidChunk) {
  const std::int64_t size = 16 * MiB, chunk = 4 * MiB;
  const auto d = declare(size);
  client::TusUploader up(hub.kiosk_endpoint(kiosk), small_chunks(chunk));
  auto u = client::document_upload(d.client_id(), "d1", d.file);
  bool killed = false;
  u.on_progress = [&](std::int64_t sent, std::int64_t) {
    if (!killed && sent >= 6 * MiB) {
      killed = true;
      hub.kill9();  // power cut at the hub in the middle of the second chunk
      hub.start();
    }
    return true;
  };
  auto r = up.upload(u);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(killed);
  EXPECT_GT(r->bytes_sent, size) << "the cut chunk was sent again";
  EXPECT_LE(r->bytes_sent - size, chunk) << "bytes re-sent";
  expect_received(d);
}

TEST_F(TusUploads, ADocumentNotMatchingItsDeclaredDigestIsRefusedAndForgotten) {
  const auto d = declare(3 * MiB, 3, "KIOSK-01", crypto::sha256_hex("something else"));
  client::TusUploader up(hub.kiosk_endpoint(kiosk), small_chunks(MiB));
  auto r = up.upload(client::document_upload(d.client_id(), "d1", d.file));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::invalid_argument) << r.error().message;
  EXPECT_NE(r.error().message.find("sha256"), std::string::npos) << r.error().message;
  EXPECT_FALSE(stdfs::exists(blob(d.sha256())));
  for (const auto& e : stdfs::directory_iterator(uploads()))
    EXPECT_NE(e.path().extension(), ".state") << "the refused upload is removed: " << e.path();
  client::HubClient c(hub.kiosk_endpoint(kiosk));
  EXPECT_FALSE(c.seal_dossier(d.client_id()));
}

TEST_F(TusUploads, ADocumentTheHubAlreadyHoldsIsNotSentAgain) {
  const auto d = declare(2 * MiB, 11);
  client::TusUploader up(hub.kiosk_endpoint(kiosk), small_chunks(MiB));
  ASSERT_TRUE(up.upload(client::document_upload(d.client_id(), "d1", d.file)));
  // The kiosk lost the answer and the upload URL (a crash): it asks again.
  RawTus tus(hub.url(), kiosk);
  auto created = tus.create(2 * MiB, d.client_id(), "d1");
  ASSERT_TRUE(created);
  EXPECT_EQ(created->status, 201);
  EXPECT_EQ(created->get_header_value("Upload-Offset"), std::to_string(2 * MiB));
  EXPECT_EQ(tus.offset(created->get_header_value("Location")), 2 * MiB);
  auto r = up.upload(client::document_upload(d.client_id(), "d1", d.file));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->bytes_sent, 0);
  EXPECT_EQ(r->patches, 0);
  expect_received(d);
}

// ---- the document's running hash: the hub hashes the document as its chunks
// arrive, so completion need not read the file again; whatever it did not see
// whole is read in full, as before.

TEST_F(TusUploads, AnUploadTheHubSawWholeIsCheckedByItsRunningHash) {
  const auto d = declare(5 * MiB + 9, 61);
  client::TusUploader up(hub.kiosk_endpoint(kiosk), small_chunks(MiB));
  std::string url;
  auto u = client::document_upload(d.client_id(), "d1", d.file);
  u.on_created = [&](const std::string& created) -> Result<void> {
    url = created;
    return {};
  };
  auto r = up.upload(u);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->patches, 6);
  expect_received(d);
  EXPECT_EQ(digest_checked_by(id_of(url)), "the running hash");

  // Without checksums (tus core, as tus-js-client or curl send): the same.
  const auto d2 = declare(3 * MiB + 1, 62);
  RawTus tus(hub.url(), kiosk);
  const auto loc = tus.created(3 * MiB + 1, d2.client_id(), "d1");
  ASSERT_EQ(tus.patch(loc, 0, slice(d2.file, 0, MiB))->status, 204);
  ASSERT_EQ(tus.patch(loc, MiB, slice(d2.file, MiB, 2 * MiB + 1))->status, 204);
  expect_received(d2);
  EXPECT_EQ(digest_checked_by(id_of(loc)), "the running hash");
}

TEST_F(TusUploads, AChunkRefusedWith460IsTakenBackFromTheRunningHashAndTheResentOneCounts) {
  const auto d = declare(3 * MiB, 63);
  RawTus tus(hub.url(), kiosk);
  const auto loc = tus.created(3 * MiB, d.client_id(), "d1");
  ASSERT_EQ(tus.patch(loc, 0, slice(d.file, 0, MiB), sha256_b64(slice(d.file, 0, MiB)))->status, 204);
  const std::string second = slice(d.file, MiB, MiB);
  std::string corrupted = second;
  corrupted[4242] = static_cast<char>(corrupted[4242] ^ 0x04);
  // Twice, so that a hash fed with the refused bytes could not be undone by luck.
  for (int i = 0; i < 2; ++i) {
    auto bad = tus.patch(loc, MiB, corrupted, sha256_b64(second));
    ASSERT_TRUE(bad);
    EXPECT_EQ(bad->status, 460);
    EXPECT_EQ(bad->get_header_value("Upload-Offset"), std::to_string(MiB));
  }
  EXPECT_EQ(tus.offset(loc), MiB);
  ASSERT_EQ(tus.patch(loc, MiB, second, sha256_b64(second))->status, 204);
  const std::string last = slice(d.file, 2 * MiB, MiB);
  auto done = tus.patch(loc, 2 * MiB, last, sha256_b64(last));
  ASSERT_TRUE(done);
  EXPECT_EQ(done->status, 204) << done->body;
  expect_received(d);
  EXPECT_FALSE(stdfs::exists(blob(crypto::sha256_hex(slice(d.file, 0, MiB) + corrupted + last))));
  // The running hash held exactly the accepted bytes: it matched, so the file
  // was not read again (a hash still holding the refused chunk would not have).
  EXPECT_EQ(digest_checked_by(id_of(loc)), "the running hash");
  EXPECT_FALSE(hub_logged("running sha256 does not match"));
}

TEST_F(TusUploads, AConnectionCutMidChunkLeavesTheRunningHashAtTheOffsetTheClientResumesFrom) {
  const auto d = declare(6 * MiB, 64);
  RawTus tus(hub.url(), kiosk);
  const auto loc = tus.created(6 * MiB, d.client_id(), "d1");
  const std::string first = slice(d.file, 0, 2 * MiB);
  ASSERT_EQ(tus.patch(loc, 0, first, sha256_b64(first))->status, 204);
  // With a checksum: nothing of the cut chunk is kept, nor hashed.
  const std::string second = slice(d.file, 2 * MiB, 2 * MiB);
  tus.cut_patch(loc, 2 * MiB, second, static_cast<std::size_t>(MiB), sha256_b64(second));
  ASSERT_TRUE(wait_for_text(hub_log(), "upload " + id_of(loc) + ": request cut after"));
  EXPECT_EQ(tus.offset(loc), 2 * MiB);
  ASSERT_EQ(tus.patch(loc, 2 * MiB, second, sha256_b64(second))->status, 204);
  // Without one: what arrived is kept (tus core), and hashed, however much it was.
  const std::string rest = slice(d.file, 4 * MiB, 2 * MiB);
  tus.cut_patch(loc, 4 * MiB, rest, static_cast<std::size_t>(MiB + 12345), std::nullopt);
  ASSERT_TRUE(wait_for_text(hub_log(), "upload " + id_of(loc) + ": request cut after", std::chrono::seconds(15), 2));
  const std::int64_t kept = tus.offset(loc);
  EXPECT_GT(kept, 4 * MiB);
  EXPECT_LE(kept, 5 * MiB + 12345);
  auto done = tus.patch(loc, kept, slice(d.file, kept, 6 * MiB - kept));
  ASSERT_TRUE(done);
  EXPECT_EQ(done->status, 204) << done->body;
  expect_received(d);
  EXPECT_EQ(digest_checked_by(id_of(loc)), "the running hash");
  EXPECT_FALSE(hub_logged("running sha256 does not match"));
}

TEST_F(TusUploads, AfterAHubRestartMidUploadTheWholeFileIsReadToCheckTheDigest) {
  const auto d = declare(4 * MiB, 65);
  RawTus tus(hub.url(), kiosk);
  const auto loc = tus.created(4 * MiB, d.client_id(), "d1");
  const std::string first = slice(d.file, 0, 2 * MiB);
  ASSERT_EQ(tus.patch(loc, 0, first, sha256_b64(first))->status, 204);
  hub.kill9();  // the running hash of the first half dies with the process
  hub.start();
  const std::string second = slice(d.file, 2 * MiB, 2 * MiB);
  auto done = tus.patch(loc, 2 * MiB, second, sha256_b64(second));
  ASSERT_TRUE(done);
  EXPECT_EQ(done->status, 204) << done->body;
  expect_received(d);
  EXPECT_EQ(digest_checked_by(id_of(loc)), "a full pass over the file");

  // And a document that does not match its declared digest is still caught
  // then: every chunk matches its own checksum, the whole does not.
  const auto wrong = declare(4 * MiB, 66, "KIOSK-01", crypto::sha256_hex("another document"));
  const auto loc2 = tus.created(4 * MiB, wrong.client_id(), "d1");
  const std::string a = slice(wrong.file, 0, 2 * MiB), b = slice(wrong.file, 2 * MiB, 2 * MiB);
  ASSERT_EQ(tus.patch(loc2, 0, a, sha256_b64(a))->status, 204);
  hub.stop();
  hub.start();
  auto refused = tus.patch(loc2, 2 * MiB, b, sha256_b64(b));
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 460) << refused->body;
  EXPECT_NE(refused->body.find("sha256"), std::string::npos) << refused->body;
  EXPECT_FALSE(stdfs::exists(blob(crypto::sha256_hex(a + b))));
  EXPECT_FALSE(stdfs::exists(uploads() / (id_of(loc2) + ".state")));
  client::HubClient c(hub.kiosk_endpoint(kiosk));
  EXPECT_FALSE(c.seal_dossier(wrong.client_id()));
}

TEST_F(TusUploads, ADocumentWhoseRunningHashDoesNotMatchTheDeclaredDigestIsRefused) {
  const auto d = declare(3 * MiB, 67, "KIOSK-01", crypto::sha256_hex("something else"));
  RawTus tus(hub.url(), kiosk);
  const auto loc = tus.created(3 * MiB, d.client_id(), "d1");
  for (std::int64_t at = 0; at < 3 * MiB; at += MiB) {
    const std::string chunk = slice(d.file, at, MiB);
    auto p = tus.patch(loc, at, chunk, sha256_b64(chunk));
    ASSERT_TRUE(p);
    if (at + MiB < 3 * MiB) {
      ASSERT_EQ(p->status, 204) << p->body;
      continue;
    }
    EXPECT_EQ(p->status, 460) << p->body;
    EXPECT_NE(p->body.find("does not match the sha256 declared"), std::string::npos) << p->body;
  }
  EXPECT_TRUE(hub_logged("upload " + id_of(loc) + ": the running sha256 does not match the declared digest"));
  EXPECT_FALSE(hub_logged("upload " + id_of(loc) + " complete"));
  EXPECT_FALSE(stdfs::exists(blob(file_sha256(d.file))));
  EXPECT_FALSE(stdfs::exists(uploads() / (id_of(loc) + ".state")));
  auto gone = tus.head(loc);
  ASSERT_TRUE(gone);
  EXPECT_EQ(gone->status, 404);
  client::HubClient c(hub.kiosk_endpoint(kiosk));
  EXPECT_FALSE(c.seal_dossier(d.client_id()));
}

// ---- chunk digests declared at creation (docs/uploads.md, "Declared chunks")

// The declaration for `file` cut into chunks of `first` bytes doubling up to `max`.
std::string declaration(const stdfs::path& file, std::int64_t first, std::int64_t max) {
  const auto bytes = fs::read_file(file);
  EXPECT_TRUE(bytes);
  const auto d = client::upload_digests(
      std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(bytes->data()), bytes->size()), first, max);
  auto value = protocol::encode_declared_chunks(
      {{first, max, static_cast<std::int64_t>(bytes->size())}, d.chunks});
  EXPECT_TRUE(value);
  return value.value_or("");
}

// Sends the file in the declared chunks (first, doubling up to max), each
// with its own digest as Upload-Checksum; the answer to each.
std::vector<int> send_in_chunks(const RawTus& tus, const std::string& loc, const stdfs::path& file, std::int64_t first,
                                std::int64_t max) {
  const auto length = static_cast<std::int64_t>(stdfs::file_size(file));
  std::vector<int> answers;
  for (std::int64_t at = 0, size = first; at < length; at += size, size = std::min(std::max(first, max), size * 2)) {
    const std::string chunk = slice(file, at, std::min(size, length - at));
    auto r = tus.patch(loc, at, chunk, sha256_b64(chunk));
    answers.push_back(r ? r->status : -1);
  }
  return answers;
}

TEST_F(TusUploads, ASealedUploadWhoseChunksMatchTheirDeclaredDigestsIsCheckedByThem) {
  // As the kiosk uploads from its outbox: a sealed document, digests made
  // when the file was written, for chunks of 1, 2, 4, 4 MiB and the rest.
  const auto d = declare_sealed(12 * MiB + 3, 71);
  auto bytes = fs::read_file(d.file);
  ASSERT_TRUE(bytes);
  auto digests = client::upload_digests(
      std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(bytes->data()), bytes->size()), MiB, 4 * MiB);
  auto options = small_chunks(MiB);
  options.max_chunk_size = 4 * MiB;
  options.fast_chunk = std::chrono::minutes(1);
  client::TusUploader up(hub.kiosk_endpoint(kiosk), options);
  auto u = client::document_upload(d.client_id(), "d1", d.file);
  u.chunk_digests = digests.chunks;
  u.chunk_digest_size = MiB;
  u.chunk_digest_max = 4 * MiB;
  std::string url;
  u.on_created = [&](const std::string& created) -> Result<void> {
    url = created;
    return {};
  };
  auto r = up.upload(u);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->patches, 5);
  expect_received(d);
  EXPECT_EQ(digest_checked_by(id_of(url)), "the chunk digests declared at creation");

  // A chunk refused with 460 (its bytes corrupted on the way) does not break
  // the chain: the one sent again is the declared chunk.
  const auto d2 = declare_sealed(3 * MiB, 72);
  const auto length = static_cast<std::int64_t>(stdfs::file_size(d2.file));
  RawTus tus(hub.url(), kiosk);
  const auto loc = tus.created(length, d2.client_id(), "d1", declaration(d2.file, MiB, MiB));
  ASSERT_EQ(tus.patch(loc, 0, slice(d2.file, 0, MiB), sha256_b64(slice(d2.file, 0, MiB)))->status, 204);
  const std::string second = slice(d2.file, MiB, MiB);
  std::string corrupted = second;
  corrupted[77] = static_cast<char>(corrupted[77] ^ 0x10);
  EXPECT_EQ(tus.patch(loc, MiB, corrupted, sha256_b64(second))->status, 460);
  for (std::int64_t at = MiB; at < length; at += MiB) {
    const std::string chunk = slice(d2.file, at, std::min(MiB, length - at));
    ASSERT_EQ(tus.patch(loc, at, chunk, sha256_b64(chunk))->status, 204);
  }
  expect_received(d2);
  EXPECT_EQ(digest_checked_by(id_of(loc)), "the chunk digests declared at creation");
}

TEST_F(TusUploads, DigestsMadeWithASmallerCapKeepTheChunksToIt) {
  // An outbox row from before the cap grew: digests of chunks of 1, 2, 2, 2 …
  // MiB, uploaded by an uploader that could grow to 8 MiB on this fast link.
  const auto d = declare_sealed(7 * MiB + 5, 79);
  auto bytes = fs::read_file(d.file);
  ASSERT_TRUE(bytes);
  const auto digests = client::upload_digests(
      std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(bytes->data()), bytes->size()), MiB, 2 * MiB);
  auto options = small_chunks(MiB);
  options.max_chunk_size = 8 * MiB;
  options.fast_chunk = std::chrono::minutes(1);
  client::TusUploader up(hub.kiosk_endpoint(kiosk), options);
  auto u = client::document_upload(d.client_id(), "d1", d.file);
  u.chunk_digests = digests.chunks;
  u.chunk_digest_size = MiB;
  u.chunk_digest_max = 2 * MiB;
  std::string url;
  u.on_created = [&](const std::string& created) -> Result<void> {
    url = created;
    return {};
  };
  auto r = up.upload(u);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->patches, static_cast<int>(digests.chunks.size())) << "the chunks followed the digests' schedule";
  expect_received(d);
  EXPECT_EQ(digest_checked_by(id_of(url)), "the chunk digests declared at creation");
}

TEST_F(TusUploads, AnIdentityDocumentsDeclaredChunksAreNotReliedOn) {
  // Its bytes become the blob named by the declared digest, so that digest
  // must be checked on the bytes themselves: a declaration (checked, and
  // kept) saves nothing, and the running hash decides.
  const auto d = declare(4 * MiB, 76);
  RawTus tus(hub.url(), kiosk);
  const auto loc = tus.created(4 * MiB, d.client_id(), "d1", declaration(d.file, MiB, 2 * MiB));
  EXPECT_EQ(send_in_chunks(tus, loc, d.file, MiB, 2 * MiB), (std::vector<int>{204, 204, 204}));
  expect_received(d);
  EXPECT_EQ(digest_checked_by(id_of(loc)), "the running hash");

  // Declared digests of other bytes than the declared document's, each chunk
  // sent with them: every chunk is taken, the document is refused whole.
  const auto d2 = declare(3 * MiB, 77);
  const auto other = dir / "other-bytes";
  write_random_file(other, 3 * MiB, 78);
  const auto loc2 = tus.created(3 * MiB, d2.client_id(), "d1", declaration(other, MiB, MiB));
  EXPECT_EQ(send_in_chunks(tus, loc2, other, MiB, MiB), (std::vector<int>{204, 204, 460}));
  EXPECT_FALSE(stdfs::exists(blob(d2.sha256())));
  EXPECT_FALSE(stdfs::exists(blob(file_sha256(other))));
  EXPECT_FALSE(hub_logged("upload " + id_of(loc2) + " complete"));
}

TEST_F(TusUploads, ChunksOtherThanTheDeclaredOnesAreCheckedByAFullPass) {
  // Chunks of 1, 2 and 1+ MiB declared; the client sends 1 MiB, then the
  // rest at once (its link changed its mind): the declaration no longer
  // covers the upload and the hub reads the file at completion.
  const auto d = declare_sealed(4 * MiB, 73);
  const auto length = static_cast<std::int64_t>(stdfs::file_size(d.file));
  RawTus tus(hub.url(), kiosk);
  const auto loc = tus.created(length, d.client_id(), "d1", declaration(d.file, MiB, 2 * MiB));
  ASSERT_EQ(tus.patch(loc, 0, slice(d.file, 0, MiB), sha256_b64(slice(d.file, 0, MiB)))->status, 204);
  const std::string rest = slice(d.file, MiB, length - MiB);
  ASSERT_EQ(tus.patch(loc, MiB, rest, sha256_b64(rest))->status, 204);
  expect_received(d);
  EXPECT_EQ(digest_checked_by(id_of(loc)), "a full pass over the file");

  // Bytes that are not the declared ones, sent with their own (right)
  // checksum where a declared chunk goes: taken as a chunk, but they break
  // the chain, and the document they make is refused at completion even
  // though the last chunk is the declared one.
  const auto d2 = declare_sealed(3 * MiB, 74);
  const auto length2 = static_cast<std::int64_t>(stdfs::file_size(d2.file));
  const auto loc2 = tus.created(length2, d2.client_id(), "d1", declaration(d2.file, MiB, MiB));
  ASSERT_EQ(tus.patch(loc2, 0, slice(d2.file, 0, MiB), sha256_b64(slice(d2.file, 0, MiB)))->status, 204);
  std::string other = slice(d2.file, MiB, MiB);
  other[5] = static_cast<char>(other[5] ^ 0x01);
  ASSERT_EQ(tus.patch(loc2, MiB, other, sha256_b64(other))->status, 204);
  for (std::int64_t at = 2 * MiB; at < length2; at += MiB) {
    const std::string chunk = slice(d2.file, at, std::min(MiB, length2 - at));
    auto r = tus.patch(loc2, at, chunk, sha256_b64(chunk));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, at + MiB < length2 ? 204 : 460) << r->body;
  }
  EXPECT_FALSE(stdfs::exists(blob(d2.content_sha256())));
  EXPECT_FALSE(hub_logged("upload " + id_of(loc2) + " complete"));
}

TEST_F(TusUploads, ADeclarationThatDoesNotFitTheUploadIsRefusedAtCreation) {
  const auto d = declare(3 * MiB, 75);
  RawTus tus(hub.url(), kiosk);
  const std::string good = declaration(d.file, MiB, MiB);  // three chunks
  const auto refused = [&](const std::string& chunks, const std::string& why) {
    auto r = tus.create(3 * MiB, d.client_id(), "d1", chunks);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << chunks.substr(0, 40);
    EXPECT_NE(r->body.find(why), std::string::npos) << r->body;
  };
  refused(good.substr(0, good.size() - 64), "sha256 of each of the 3 chunks");  // one digest short
  refused("1048576 1048576", "must be");
  refused("0 1048576 " + good.substr(good.rfind(' ') + 1), "positive");
  std::string not_hex = good;
  not_hex.back() = 'x';
  refused(not_hex, "not hexadecimal");
  refused("1 0 " + std::string(64, '0'), "at most");  // 3 Mi chunks of one byte
  // One chunk (the whole file) whose digest is not the document's.
  refused("4194304 0 " + std::string(64, 'a'), "not the sha256 declared");
  // The good one is taken, and the upload goes through.
  const auto loc = tus.created(3 * MiB, d.client_id(), "d1", good);
  EXPECT_EQ(send_in_chunks(tus, loc, d.file, MiB, MiB), (std::vector<int>{204, 204, 204}));
  expect_received(d);
}

// ---- interop with independent tus implementations from the npm registry

stdfs::path peers_dir() { return stdfs::path(MOTCUA_SOURCE_DIR) / "tests" / "peers"; }

std::string node_binary() {
  if (const char* path = std::getenv("PATH")) {
    std::string_view rest(path);
    while (!rest.empty()) {
      const auto colon = rest.find(':');
      const stdfs::path candidate = stdfs::path(std::string(rest.substr(0, colon))) / "node";
      if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
      if (colon == std::string_view::npos) break;
      rest.remove_prefix(colon + 1);
    }
  }
  return "/usr/bin/node";
}

::testing::AssertionResult peers_installed() {
  if (::access(node_binary().c_str(), X_OK) != 0)
    return ::testing::AssertionFailure() << "node is not installed (provisioning/install-deps.sh installs nodejs)";
  for (const char* pkg : {"tus-js-client", "@tus/server", "@tus/file-store"})
    if (!stdfs::exists(peers_dir() / "node_modules" / pkg / "package.json"))
      return ::testing::AssertionFailure() << "the tus peer " << pkg << " is missing from " << (peers_dir() / "node_modules").string()
                                           << ": run provisioning/test-services.sh (npm ci in tests/peers; make test does it)";
  return ::testing::AssertionSuccess();
}

// A node program running in the background (a peer server), stopped with the test.
class NodeProcess {
 public:
  NodeProcess(const std::vector<std::string>& args, const stdfs::path& log) {
    std::vector<std::string> argv{node_binary()};
    argv.insert(argv.end(), args.begin(), args.end());
    pid_ = ::fork();
    if (pid_ == 0) {
      const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      std::vector<char*> cargv;
      for (auto& a : argv) cargv.push_back(a.data());
      cargv.push_back(nullptr);
      ::execv(cargv[0], cargv.data());
      ::_exit(127);
    }
  }
  ~NodeProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }
  NodeProcess(const NodeProcess&) = delete;
  NodeProcess& operator=(const NodeProcess&) = delete;

 private:
  pid_t pid_ = -1;
};

// @tus/server over HTTPS with a certificate made for the test.
class TusNodeServer {
 public:
  TusNodeServer(const stdfs::path& dir, bool reject_first_patch) : files_(dir / "tus-files") {
    auto ca_key = crypto::generate_ec_key();
    crypto::CertRequest ca_req;
    ca_req.common_name = "interop test CA";
    ca_req.usage = crypto::CertUsage::ca;
    auto ca = crypto::make_ca(*ca_key, ca_req);
    auto key = crypto::generate_ec_key();
    crypto::CertRequest req;
    req.common_name = "127.0.0.1";
    req.ip_addresses = {"127.0.0.1"};
    req.usage = crypto::CertUsage::server;
    auto cert = crypto::issue_cert(*ca, *ca_key, *key, req);
    ca_file_ = dir / "tus-ca.pem";
    EXPECT_TRUE(fs::write_file_durable(ca_file_, crypto::to_pem(*ca)));
    EXPECT_TRUE(fs::write_file_durable(dir / "tus-server.pem", crypto::to_pem(*cert)));
    EXPECT_TRUE(fs::write_file_durable(dir / "tus-server-key.pem", crypto::to_pem(*key), 0600));
    const auto port_file = dir / "tus-port";
    std::vector<std::string> args{(peers_dir() / "tus_server.mjs").string(), "--cert", (dir / "tus-server.pem").string(),
                                  "--key", (dir / "tus-server-key.pem").string(), "--dir", files_.string(),
                                  "--port-file", port_file.string()};
    if (reject_first_patch) args.push_back("--reject-first-patch");
    log_ = dir / "tus-server.log";
    process_ = std::make_unique<NodeProcess>(args, log_);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      if (auto text = fs::read_file(port_file); text && !text->empty()) {
        url_ = "https://127.0.0.1:" + text->substr(0, text->find('\n'));
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "@tus/server did not start; see " << log_;
  }

  client::HubEndpoint endpoint() const {
    client::HubEndpoint ep;
    ep.base_url = url_;
    ep.ca_file = ca_file_;
    ep.connect_timeout = std::chrono::milliseconds(2000);
    ep.request_timeout = std::chrono::milliseconds(10000);
    return ep;
  }
  static client::TusUploaderOptions options(std::int64_t chunk) {
    client::TusUploaderOptions o;
    o.collection = "/files";
    o.chunk_size = chunk;
    o.max_chunk_size = chunk;
    o.require_protocol_header = false;  // a foreign server
    o.retry_delay = std::chrono::milliseconds(20);
    return o;
  }
  stdfs::path stored(const std::string& url) const { return files_ / url.substr(url.rfind('/') + 1); }
  bool ready() const { return !url_.empty(); }

 private:
  stdfs::path files_, ca_file_, log_;
  std::string url_;
  std::unique_ptr<NodeProcess> process_;
};

using TusInterop = TusUploads;

TEST_F(TusInterop, TusJsClientUploadsToTheHubAndResumesAfterACut) {
  ASSERT_TRUE(peers_installed());
  const auto d = declare(5 * MiB + 7, 21);
  auto r = test::run_command({node_binary(), (peers_dir() / "js_client_upload.mjs").string(), "--endpoint",
                              hub.url() + "/api/v1/uploads", "--file", d.file.string(), "--cert",
                              (kiosk / "kiosk-cert.pem").string(), "--key", (kiosk / "kiosk-key.pem").string(), "--ca",
                              (kiosk / "ca.pem").string(), "--meta", "dossier=" + d.client_id(), "--meta", "document=d1",
                              "--meta", "filename=trang 1.jpg", "--chunk", std::to_string(MiB), "--cut-at", "0.5"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto j = parse_json(r.out);
  ASSERT_TRUE(j) << r.out;
  EXPECT_TRUE((*j)["cut"].get<bool>());
  EXPECT_GE((*j)["heads"].get<int>(), 1);  // it asked the hub where to resume
  EXPECT_GT((*j)["resumedFrom"].get<std::int64_t>(), 0);
  expect_received(d);
}

TEST_F(TusInterop, UploaderUploadsToTusNodeServerWithoutChecksumsAndResumes) {
  ASSERT_TRUE(peers_installed());
  TusNodeServer server(dir.path(), false);
  ASSERT_TRUE(server.ready());
  const auto d = dir / "foreign.bin";
  write_random_file(d, 5 * MiB + 3, 31);
  client::TusUploader up(server.endpoint(), TusNodeServer::options(MiB));
  auto caps = up.capabilities();
  ASSERT_TRUE(caps) << caps.error().message;
  EXPECT_FALSE(caps->sha256_checksums());

  client::TusUpload u;
  u.file = d;
  u.metadata = {{"filename", "trang 1.jpg"}, {"filetype", "image/jpeg"}};
  std::string url;
  u.on_created = [&](const std::string& created) -> Result<void> {
    url = created;
    return {};
  };
  u.on_progress = [&](std::int64_t sent, std::int64_t total) { return sent < total / 2; };
  auto cut = up.upload(u);
  ASSERT_FALSE(cut);
  EXPECT_EQ(cut.error().code, Errc::unavailable);
  ASSERT_FALSE(url.empty());

  client::TusUploader again(server.endpoint(), TusNodeServer::options(MiB));
  u.on_progress = nullptr;
  u.on_created = nullptr;
  u.resume_url = url;
  auto r = again.upload(u);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(r->checksums);
  EXPECT_EQ(r->url, url);
  EXPECT_GE(r->resumed_from, 2 * MiB);
  EXPECT_EQ(r->bytes_sent, 5 * MiB + 3 - r->resumed_from);
  EXPECT_EQ(file_sha256(server.stored(url)), file_sha256(d));
}

TEST_F(TusInterop, UploaderSendsAChunkRefusedWith460Again) {
  ASSERT_TRUE(peers_installed());
  TusNodeServer server(dir.path(), true);
  ASSERT_TRUE(server.ready());
  const auto d = dir / "foreign.bin";
  write_random_file(d, 3 * MiB, 41);
  client::TusUploader up(server.endpoint(), TusNodeServer::options(MiB));
  client::TusUpload u;
  u.file = d;
  auto r = up.upload(u);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->retries, 1);
  EXPECT_EQ(r->patches, 4);
  EXPECT_EQ(file_sha256(server.stored(r->url)), file_sha256(d));
}

TEST_F(TusInterop, UploaderTakesAnAnswerWithoutTheHubsHeaderForAFailure) {
  ASSERT_TRUE(peers_installed());
  TusNodeServer server(dir.path(), false);
  ASSERT_TRUE(server.ready());
  const auto d = dir / "foreign.bin";
  write_random_file(d, MiB, 51);
  auto options = TusNodeServer::options(MiB);
  options.require_protocol_header = true;  // as against our hub: a captive portal is not our hub
  client::TusUploader up(server.endpoint(), options);
  client::TusUpload u;
  u.file = d;
  auto r = up.upload(u);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::protocol) << r.error().message;
}

}  // namespace
