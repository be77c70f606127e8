#include <gtest/gtest.h>

#include "motcua/crypto/hash.hpp"
#include "motcua/crypto/random.hpp"
#include "motcua/crypto/envelope.hpp"
#include "motcua/crypto/x509.hpp"
#include "motcua/util/fs.hpp"
#include "support/temp_dir.hpp"

using namespace motcua;
using namespace motcua::crypto;

TEST(Sha256, MatchesKnownVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Sha256 h;
  h.update("a");
  h.update("bc");
  EXPECT_EQ(hex(h.finish()), sha256_hex("abc"));
}

TEST(Sha256, ACloneGoesOnIndependentlyOfTheOriginal) {
  Sha256 h;
  h.update("ab");
  Sha256 kept = h.clone();
  h.update("c");  // the original moves on (the chunk that was taken)
  kept.update("x");  // the copy takes another path (the chunk sent again)
  EXPECT_EQ(hex(h.finish()), sha256_hex("abc"));
  EXPECT_EQ(hex(kept.finish()), sha256_hex("abx"));
  Sha256 empty;
  EXPECT_EQ(hex(empty.clone().finish()), sha256_hex(""));
}

TEST(Codecs, HexAndBase64RoundTrip) {
  const std::vector<std::uint8_t> bytes{0, 1, 0x7f, 0x80, 0xff};
  std::vector<std::uint8_t> back;
  ASSERT_TRUE(from_hex(hex(bytes), back));
  EXPECT_EQ(back, bytes);
  ASSERT_TRUE(from_base64(base64(bytes), back));
  EXPECT_EQ(back, bytes);
  EXPECT_FALSE(from_hex("abc", back));
  EXPECT_FALSE(from_hex("zz", back));
}

TEST(Random, TokensAreDistinctAndBoundsHold) {
  EXPECT_NE(random_token(), random_token());
  EXPECT_EQ(random_token(16).size(), 32u);
  for (int i = 0; i < 1000; ++i) EXPECT_LT(random_below(31), 31u);
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "ab"));
}

TEST(X509, CaIssuesClientCertificatesWithTheKioskIdAsCommonName) {
  auto ca_key = generate_ec_key();
  ASSERT_TRUE(ca_key);
  CertRequest ca_req;
  ca_req.common_name = "test CA";
  auto ca = make_ca(*ca_key, ca_req);
  ASSERT_TRUE(ca);
  auto key = generate_ec_key();
  CertRequest req;
  req.common_name = "KIOSK-07";
  auto cert = issue_cert(*ca, *ca_key, *key, req);
  ASSERT_TRUE(cert) << cert.error().message;
  EXPECT_EQ(common_name(cert->get()), "KIOSK-07");
  EXPECT_EQ(fingerprint_sha256(cert->get()).size(), 64u);
  EXPECT_GT(not_after_unix(cert->get()), 0);
  // PEM round trip.
  auto again = load_cert_pem(to_pem(*cert));
  ASSERT_TRUE(again);
  EXPECT_EQ(fingerprint_sha256(again->get()), fingerprint_sha256(cert->get()));
  auto key_again = load_key_pem(to_pem(*key));
  EXPECT_TRUE(key_again);
  EXPECT_FALSE(load_cert_pem("-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n"));
}

TEST(Envelope, OnlyTheHubsPrivateKeyOpensASealedKey) {
  auto hub = generate_rsa_key(2048);
  ASSERT_TRUE(hub);
  auto pub = load_public_key_pem(public_pem(*hub));
  ASSERT_TRUE(pub);
  const DataKey k = new_data_key();
  auto wrapped = wrap_key(*pub, k);
  ASSERT_TRUE(wrapped);
  auto back = unwrap_key(*hub, *wrapped);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, k);
  auto other = generate_rsa_key(2048);
  auto wrong = unwrap_key(*other, *wrapped);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, Errc::corrupt);
}

TEST(Envelope, SealedMessagesDetectTamperingAndTheWrongKey) {
  const DataKey k = new_data_key();
  const std::string text = R"({"name":"Nguyễn Văn An","phone":"0912345678"})";
  const std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
  auto sealed = seal(k, bytes, "dossier-1");
  EXPECT_EQ(std::string(sealed.begin(), sealed.end()).find("Nguy"), std::string::npos) << "no plaintext inside";
  auto opened = open(k, sealed, "dossier-1");
  ASSERT_TRUE(opened);
  EXPECT_EQ(std::string(opened->begin(), opened->end()), text);
  EXPECT_FALSE(open(k, sealed, "dossier-2")) << "bound to its dossier";
  sealed[20] ^= 1;
  EXPECT_FALSE(open(k, sealed, "dossier-1"));
  EXPECT_FALSE(open(new_data_key(), seal(k, bytes), ""));
}

TEST(Envelope, ChunkedFilesRoundTripAndRefuseTruncationOrTampering) {
  test::TempDir dir;
  const DataKey k = new_data_key();
  for (std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{4096}, std::size_t{8192}, std::size_t{10000}}) {
    std::vector<std::uint8_t> plain(size);
    for (std::size_t i = 0; i < size; ++i) plain[i] = static_cast<std::uint8_t>(i * 7);
    const auto enc = encrypt_chunked(k, plain, 4096);
    const auto file = dir / ("f" + std::to_string(size));
    ASSERT_TRUE(fs::write_file_durable(file, std::span<const std::uint8_t>(enc)));
    std::vector<std::uint8_t> out;
    auto n = decrypt_chunked_file(k, file, [&](std::span<const std::uint8_t> c) -> Result<void> {
      out.insert(out.end(), c.begin(), c.end());
      return {};
    });
    ASSERT_TRUE(n) << size << ": " << n.error().message;
    EXPECT_EQ(out, plain) << size;
    // Whoever hashes the file as sent sees every byte of it once, in order.
    std::vector<std::uint8_t> seen;
    ASSERT_TRUE(decrypt_chunked_file(k, file, [](std::span<const std::uint8_t>) -> Result<void> { return {}; },
                                     [&](std::span<const std::uint8_t> raw) { seen.insert(seen.end(), raw.begin(), raw.end()); }));
    EXPECT_EQ(seen, enc) << size;
    auto sink = [](std::span<const std::uint8_t>) -> Result<void> { return {}; };
    // Cut at every chunk boundary and one byte short: always refused.
    for (std::size_t cut : {enc.size() - 1, enc.size() - 16, std::size_t{18} + 4096 + 16}) {
      if (cut >= enc.size() || cut < 18) continue;
      ASSERT_TRUE(fs::write_file_durable(file, std::span<const std::uint8_t>(enc.data(), cut)));
      auto r = decrypt_chunked_file(k, file, sink);
      EXPECT_FALSE(r) << size << " cut at " << cut;
    }
    auto flipped = enc;
    flipped[flipped.size() / 2] ^= 0x40;
    ASSERT_TRUE(fs::write_file_durable(file, std::span<const std::uint8_t>(flipped)));
    EXPECT_FALSE(decrypt_chunked_file(k, file, sink)) << size;
    ASSERT_TRUE(fs::write_file_durable(file, std::span<const std::uint8_t>(enc)));
    EXPECT_FALSE(decrypt_chunked_file(new_data_key(), file, sink)) << size;
  }
}
