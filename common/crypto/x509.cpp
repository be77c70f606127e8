#include "openssl_error.hpp"
#include "motcua/crypto/x509.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <ctime>

#include "motcua/crypto/hash.hpp"
#include "motcua/crypto/random.hpp"

namespace motcua::crypto {

void PKeyFree::operator()(evp_pkey_st* k) const { EVP_PKEY_free(k); }
void X509Free::operator()(x509_st* c) const { X509_free(c); }

namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using Bio = std::unique_ptr<BIO, BioFree>;

using detail::openssl_error;

bool add_ext(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (ext == nullptr) return false;
  const int ok = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  return ok == 1;
}

Result<Cert> build(const CertRequest& req, EVP_PKEY* subject_key, X509* issuer_cert,
                   EVP_PKEY* issuer_key) {
  Cert cert(X509_new());
  if (!cert) return fail(openssl_error("X509_new"));
  X509_set_version(cert.get(), 2);
  // 16 random bytes as serial (positive).
  std::uint8_t serial[16];
  random_bytes(serial);
  serial[0] &= 0x7F;
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  // Back-date a little so a kiosk whose clock is slightly behind accepts it.
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(req.validity.count()) * 86400L);
  X509_set_pubkey(cert.get(), subject_key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(req.organization.c_str()), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(req.common_name.c_str()), -1, -1, 0);
  X509* issuer = issuer_cert != nullptr ? issuer_cert : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(issuer));

  bool ok = add_ext(cert.get(), issuer, NID_subject_key_identifier, "hash");
  if (issuer_cert != nullptr) ok = ok && add_ext(cert.get(), issuer, NID_authority_key_identifier, "keyid:always");
  switch (req.usage) {
    case CertUsage::ca:
      ok = ok && add_ext(cert.get(), issuer, NID_basic_constraints, "critical,CA:TRUE,pathlen:0");
      ok = ok && add_ext(cert.get(), issuer, NID_key_usage, "critical,keyCertSign,cRLSign");
      break;
    case CertUsage::server:
      ok = ok && add_ext(cert.get(), issuer, NID_basic_constraints, "critical,CA:FALSE");
      ok = ok && add_ext(cert.get(), issuer, NID_key_usage, "critical,digitalSignature,keyAgreement");
      ok = ok && add_ext(cert.get(), issuer, NID_ext_key_usage, "serverAuth");
      break;
    case CertUsage::client:
      ok = ok && add_ext(cert.get(), issuer, NID_basic_constraints, "critical,CA:FALSE");
      ok = ok && add_ext(cert.get(), issuer, NID_key_usage, "critical,digitalSignature,keyAgreement");
      ok = ok && add_ext(cert.get(), issuer, NID_ext_key_usage, "clientAuth");
      break;
  }
  std::string san;
  for (const auto& d : req.dns_names) san += (san.empty() ? "" : ",") + std::string("DNS:") + d;
  for (const auto& ip : req.ip_addresses) san += (san.empty() ? "" : ",") + std::string("IP:") + ip;
  if (!san.empty()) ok = ok && add_ext(cert.get(), issuer, NID_subject_alt_name, san);
  if (!ok) return fail(openssl_error("adding certificate extensions"));
  if (X509_sign(cert.get(), issuer_key, EVP_sha256()) == 0) return fail(openssl_error("X509_sign"));
  return cert;
}

}  // namespace

Result<PKey> generate_ec_key() {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  if (key == nullptr) return fail(openssl_error("EC key generation"));
  return PKey(key);
}

Result<Cert> make_ca(const PKey& key, const CertRequest& request) {
  CertRequest r = request;
  r.usage = CertUsage::ca;
  return build(r, key.get(), nullptr, key.get());
}

Result<Cert> issue_cert(const Cert& ca_cert, const PKey& ca_key, const PKey& subject_key,
                        const CertRequest& request) {
  return build(request, subject_key.get(), ca_cert.get(), ca_key.get());
}

std::string to_pem(const PKey& key) {
  Bio bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

std::string to_pem(const Cert& cert) {
  Bio bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert.get());
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

Result<PKey> load_key_pem(const std::string& pem) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  if (key == nullptr) return fail(openssl_error("not a PEM private key"));
  return PKey(key);
}

Result<Cert> load_cert_pem(const std::string& pem) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
  if (cert == nullptr) return fail(openssl_error("not a PEM certificate"));
  return Cert(cert);
}

std::string common_name(const x509_st* cert) {
  if (cert == nullptr) return {};
  const X509_NAME* name = X509_get_subject_name(cert);
  const int idx = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
  if (idx < 0) return {};
  const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx));
  unsigned char* utf8 = nullptr;
  const int len = ASN1_STRING_to_UTF8(&utf8, data);
  if (len < 0) return {};
  std::string out(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(len));
  OPENSSL_free(utf8);
  return out;
}

std::string fingerprint_sha256(const x509_st* cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  X509_digest(cert, EVP_sha256(), md, &len);
  return hex(std::span<const std::uint8_t>(md, len));
}

std::int64_t not_after_unix(const x509_st* cert) {
  const ASN1_TIME* t = X509_get0_notAfter(cert);
  struct tm tm {};
  if (ASN1_TIME_to_tm(t, &tm) != 1) return 0;
  return static_cast<std::int64_t>(timegm(&tm));
}

}  // namespace motcua::crypto
