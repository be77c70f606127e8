#include "running_digests.hpp"

#include <algorithm>
#include <utility>
#include <vector>

namespace motcua::hub {

std::optional<crypto::Sha256> RunningDigests::resume(const std::string& upload_id, const UploadPoint& at) {
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(upload_id);
  if (at.offset == 0) {
    if (it != entries_.end()) entries_.erase(it);
    return crypto::Sha256();
  }
  if (it == entries_.end()) return std::nullopt;
  if (!(it->second.at == at)) {
    entries_.erase(it);
    return std::nullopt;
  }
  it->second.used = ++tick_;
  return it->second.digest.clone();
}

void RunningDigests::advance(const std::string& upload_id, const UploadPoint& at, crypto::Sha256 digest) {
  std::lock_guard lock(mutex_);
  if (capacity_ == 0) return;
  if (auto it = entries_.find(upload_id); it != entries_.end()) {
    it->second = Entry{std::move(digest), at, ++tick_};
    return;
  }
  if (entries_.size() >= capacity_) {
    // Full: the upload not heard of for longest falls back to a full pass.
    const auto oldest = std::min_element(entries_.begin(), entries_.end(),
                                         [](const auto& a, const auto& b) { return a.second.used < b.second.used; });
    entries_.erase(oldest);
  }
  entries_.emplace(upload_id, Entry{std::move(digest), at, ++tick_});
}

void RunningDigests::forget(const std::string& upload_id) {
  std::lock_guard lock(mutex_);
  entries_.erase(upload_id);
}

void RunningDigests::forget_unless(const std::function<bool(const std::string&)>& exists) {
  std::vector<std::string> ids;
  {
    std::lock_guard lock(mutex_);
    ids.reserve(entries_.size());
    for (const auto& [id, entry] : entries_) ids.push_back(id);
  }
  // Asked without the lock: `exists` looks at the file system. An upload found
  // gone cannot come back (ids are random), so nothing is lost in between.
  for (const auto& id : ids)
    if (!exists(id)) forget(id);
}

std::size_t RunningDigests::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace motcua::hub
