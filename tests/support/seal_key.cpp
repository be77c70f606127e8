#include "support/seal_key.hpp"

#include <stdexcept>

#include "motcua/client/kiosk_store.hpp"
#include "motcua/crypto/envelope.hpp"
#include "motcua/util/fs.hpp"

namespace motcua::test {

const crypto::PKey& test_seal_key() {
  static const crypto::PKey key = [] {
    auto k = crypto::generate_rsa_key(2048);
    if (!k) throw std::runtime_error("RSA key generation failed");
    return std::move(*k);
  }();
  return key;
}

void write_seal_public_key(const std::filesystem::path& kiosk_dir) {
  std::filesystem::create_directories(kiosk_dir);
  if (!fs::write_file_durable(kiosk_dir / client::kSealKeyFile, crypto::public_pem(test_seal_key())))
    throw std::runtime_error("cannot write the test sealing key");
}

}  // namespace motcua::test
