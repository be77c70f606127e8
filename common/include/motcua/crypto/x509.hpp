#pragma once
// Keys and certificates for the hub's kiosk CA (OpenSSL 3): EC P-256 keys, a
// self-signed CA, server and client certificates signed by it, PEM I/O.

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "motcua/util/error.hpp"

struct evp_pkey_st;
struct x509_st;

namespace motcua::crypto {

struct PKeyFree {
  void operator()(evp_pkey_st* k) const;
};
struct X509Free {
  void operator()(x509_st* c) const;
};
using PKey = std::unique_ptr<evp_pkey_st, PKeyFree>;
using Cert = std::unique_ptr<x509_st, X509Free>;

Result<PKey> generate_ec_key();

enum class CertUsage { ca, server, client };

struct CertRequest {
  std::string common_name;
  std::string organization = "motcua";
  std::vector<std::string> dns_names;  // subjectAltName DNS entries
  std::vector<std::string> ip_addresses;
  std::chrono::days validity{365};
  CertUsage usage = CertUsage::client;
};

// Self-signed CA certificate for `key`.
Result<Cert> make_ca(const PKey& key, const CertRequest& request);
// Certificate for `subject_key`'s public key, signed by the CA.
Result<Cert> issue_cert(const Cert& ca_cert, const PKey& ca_key, const PKey& subject_key,
                        const CertRequest& request);

std::string to_pem(const PKey& key);  // PKCS#8 private key
std::string to_pem(const Cert& cert);
Result<PKey> load_key_pem(const std::string& pem);
Result<Cert> load_cert_pem(const std::string& pem);

std::string common_name(const x509_st* cert);
std::string fingerprint_sha256(const x509_st* cert);  // hex of the DER digest
// Not-after as Unix seconds.
std::int64_t not_after_unix(const x509_st* cert);

}  // namespace motcua::crypto
