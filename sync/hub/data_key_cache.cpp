#include "data_key_cache.hpp"

#include <openssl/crypto.h>

#include <algorithm>

namespace motcua::hub {

DataKeyCache::~DataKeyCache() {
  for (auto& e : entries_) OPENSSL_cleanse(e.key.data(), e.key.size());
}

Result<crypto::DataKey> DataKeyCache::open(const crypto::PKey& hub_key, const protocol::SealedEnvelope& envelope) {
  {
    std::lock_guard lock(mutex_);
    const auto it = std::find_if(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.wrapped == envelope.key; });
    if (it != entries_.end()) {
      Entry hit = std::move(*it);
      entries_.erase(it);
      entries_.push_back(std::move(hit));
      return entries_.back().key;
    }
  }
  auto key = protocol::open_data_key(hub_key, envelope);  // outside the lock: the slow part
  if (!key) return key;
  std::lock_guard lock(mutex_);
  entries_.push_back({envelope.key, *key});
  while (entries_.size() > capacity_) {
    OPENSSL_cleanse(entries_.front().key.data(), entries_.front().key.size());
    entries_.pop_front();
  }
  return key;
}

}  // namespace motcua::hub
