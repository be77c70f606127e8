#pragma once
// The data keys of recently seen dossiers, opened. Every dossier's applicant
// and documents are sealed with one data key, wrapped for the hub with
// RSA-OAEP (3072 bits, ~2 ms of CPU to open); a dossier's create and each of
// its documents would open it again. Remembering the last few makes that one
// RSA operation per dossier. Keys are looked up by their wrapped form (the
// same wrapped bytes always open to the same key) and wiped when they leave.

#include <cstddef>
#include <deque>
#include <mutex>
#include <string>

#include "motcua/crypto/envelope.hpp"
#include "motcua/crypto/x509.hpp"
#include "motcua/protocol/envelope.hpp"

namespace motcua::hub {

class DataKeyCache {
 public:
  explicit DataKeyCache(std::size_t capacity = 64) : capacity_(capacity) {}
  ~DataKeyCache();
  DataKeyCache(const DataKeyCache&) = delete;
  DataKeyCache& operator=(const DataKeyCache&) = delete;

  // protocol::open_data_key, remembered.
  Result<crypto::DataKey> open(const crypto::PKey& hub_key, const protocol::SealedEnvelope& envelope);

 private:
  struct Entry {
    std::string wrapped;
    crypto::DataKey key;
  };
  std::size_t capacity_;
  std::mutex mutex_;
  std::deque<Entry> entries_;  // the most recently used last
};

}  // namespace motcua::hub
