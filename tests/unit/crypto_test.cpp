#include <gtest/gtest.h>

#include "motcua/crypto/hash.hpp"
#include "motcua/crypto/random.hpp"
#include "motcua/crypto/x509.hpp"

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
