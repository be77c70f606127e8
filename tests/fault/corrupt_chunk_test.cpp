// A corrupted chunk. Three places a bit can go wrong:
//  - on the wire below TLS: the record MAC catches it, the connection dies, the
//    kiosk re-sends;
//  - inside TLS (a faulty TLS-inspecting middlebox): only the hub's sha256
//    check can catch it; the hub must refuse the page and the kiosk re-send it;
//  - a client that sends bytes not matching the digest it declared (on purpose,
//    by hand): refused, nothing stored, the dossier cannot be sealed.
// In every case the hub ends with the correct bytes and never stores the bad ones.

#include "fault/fault_fixture.hpp"
#include "fault/tls_tamper_relay.hpp"
#include "motcua/crypto/hash.hpp"
#include "motcua/util/fs.hpp"

using namespace motcua;
using namespace motcua::fault;

namespace {

class Corruption : public FaultFixture {
 protected:
  // The bytes the kiosk sends for a document: its outbox file (the page, or
  // the page sealed to the hub).
  std::string sent_bytes(const client::OutboxEntry& e, std::size_t doc = 0) const {
    auto bytes = fs::read_file(kiosk / e.documents[doc].path);
    if (!bytes) throw std::runtime_error(bytes.error().describe());
    return *bytes;
  }
  static std::string flipped(std::string bytes, std::size_t offset) {
    bytes[offset] = static_cast<char>(bytes[offset] ^ 0x01);
    return bytes;
  }
};

}  // namespace

TEST_F(Corruption, ABitFlippedOnTheWireBelowTlsIsCaughtAndThePageResent) {
  ASSERT_TRUE(pass());
  enqueue(1, 512 * 1024);
  // Upstream byte 300 000 since now lies inside the page (the create request
  // before it is a few KiB).
  proxy.arm({FaultKind::flip, Direction::upstream, 300000, FaultScope::once});
  auto first = pass();
  EXPECT_EQ(proxy.faults_fired(), 1u);
  // The hub's TLS drops the connection (bad record MAC); the pass fails, or
  // the uploader resumes on a new connection within it.
  std::cout << "[fault] pass with a bit flipped below TLS: " << (first ? "succeeded" : first.error().describe())
            << std::endl;
  for (int i = 0; i < 3 && depth() > 0; ++i) (void)pass();
  EXPECT_EQ(depth(), 0);
  expect_exactly_once();
}

TEST_F(Corruption, APageCorruptedInsideTlsIsRefusedByTheHubAndResent) {
  RelayIdentity id;
  id.server_cert = hub.hub_dir() / "server.pem";
  id.server_key = hub.hub_dir() / "server-key.pem";
  id.client_cert = kiosk / "kiosk-cert.pem";
  id.client_key = kiosk / "kiosk-key.pem";
  TlsTamperRelay relay(id, port_of(hub.url()));
  auto config = sync_config();
  config.hub.base_url = relay.url();

  ASSERT_TRUE(pass(config)) << "the relay itself must be transparent";
  constexpr std::size_t kBytes = 300 * 1024;
  constexpr std::size_t kOffset = 150 * 1024;  // well inside the document, past any header
  const auto e = enqueue(1, kBytes);
  const std::string sent = sent_bytes(e);
  // The first bytes of the document as sent mark where its upload starts in
  // the plaintext stream, whatever the upload protocol around it.
  relay.corrupt_after(sent.substr(0, 32), kOffset);

  auto first = pass(config);
  ASSERT_EQ(relay.corruptions(), 1u) << "the page never went through the relay";
  std::cout << "[fault] pass with the corrupted page: " << (first ? "succeeded" : first.error().describe()) << std::endl;
  if (!first) {
    // The hub refused the page: the dossier stays queued and the kiosk knows why.
    EXPECT_EQ(depth(), 1);
    EXPECT_FALSE(hub_has(e.receipt_code)) << "sealed with a page the hub refused";
  }
  for (int i = 0; i < 3 && depth() > 0; ++i) (void)pass(config);
  EXPECT_EQ(depth(), 0);
  EXPECT_FALSE(hub_blob_sha256(hub, crypto::sha256_hex(flipped(sent, kOffset)))) << "the hub stored the corrupted page";
  expect_exactly_once();
}

TEST_F(Corruption, AnUploadWhoseBytesDoNotMatchTheDeclaredDigestIsRefused) {
  // By hand, on purpose: the kiosk's own client with a damaged file and the
  // original digest (HubClient::upload_document; adapt when uploads move to tus).
  const auto e = enqueue(1, 64 * 1024);
  const std::string bad = flipped(sent_bytes(e), 1000);
  const auto bad_file = dir / "damaged-page.bin";
  ASSERT_TRUE(fs::write_file_durable(bad_file, std::string_view(bad)));

  client::HubClient direct(hub.kiosk_endpoint(kiosk));
  auto created = direct.create_dossier(e.submission);
  ASSERT_TRUE(created) << created.error().describe();
  auto up = direct.upload_document(e.client_id, "d1", bad_file, e.documents[0].sha256);
  ASSERT_FALSE(up) << "the hub accepted bytes that do not match their digest";
  std::cout << "[fault] hub refused: " << up.error().describe() << std::endl;
  EXPECT_FALSE(hub_blob_sha256(hub, receipts.back().page_sha256[0])) << "stored although refused";
  EXPECT_FALSE(hub_blob_sha256(hub, crypto::sha256_hex(bad))) << "the hub stored the damaged bytes";
  auto sealed = direct.seal_dossier(e.client_id);
  ASSERT_FALSE(sealed) << "sealed with a page missing";
  EXPECT_EQ(sealed.error().code, Errc::conflict) << sealed.error().describe();

  ASSERT_TRUE(pass());
  expect_exactly_once();
}
