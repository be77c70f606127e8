#include "running_digests.hpp"

#include <algorithm>
#include <utility>
#include <vector>

namespace motcua::hub {

std::optional<Coverage> RunningDigests::resume(const std::string& upload_id, const UploadPoint& at) {
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(upload_id);
  if (at.offset == 0) {
    if (it != entries_.end()) entries_.erase(it);
    return Coverage{crypto::Sha256(), true};
  }
  if (it == entries_.end()) return std::nullopt;
  if (!(it->second.at == at)) {
    entries_.erase(it);
    return std::nullopt;
  }
  it->second.used = ++tick_;
  if (!it->second.digest) return Coverage{std::nullopt, true};
  return Coverage{it->second.digest->clone(), false};
}

void RunningDigests::advance(const std::string& upload_id, const UploadPoint& at, crypto::Sha256 digest) {
  put(upload_id, Entry{std::move(digest), at, 0});
}

void RunningDigests::advance_declared(const std::string& upload_id, const UploadPoint& at) {
  put(upload_id, Entry{std::nullopt, at, 0});
}

void RunningDigests::put(const std::string& upload_id, Entry entry) {
  std::lock_guard lock(mutex_);
  if (capacity_ == 0) return;
  entry.used = ++tick_;
  if (auto it = entries_.find(upload_id); it != entries_.end()) {
    it->second = std::move(entry);
    return;
  }
  if (entries_.size() >= capacity_) {
    // Full: the upload not heard of for longest falls back to a full pass.
    const auto oldest = std::min_element(entries_.begin(), entries_.end(),
                                         [](const auto& a, const auto& b) { return a.second.used < b.second.used; });
    entries_.erase(oldest);
  }
  entries_.emplace(upload_id, std::move(entry));
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
