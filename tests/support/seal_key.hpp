#pragma once
// A hub sealing key for tests that run a kiosk without a hub process: writes the
// public half where a kiosk bundle puts it (DATA/hub-seal.pem) and gives the
// private half to the test, to open what the kiosk sealed.

#include <filesystem>

#include "motcua/crypto/x509.hpp"

namespace motcua::test {

// One key per test process (RSA generation takes a while).
const crypto::PKey& test_seal_key();
void write_seal_public_key(const std::filesystem::path& kiosk_dir);

}  // namespace motcua::test
