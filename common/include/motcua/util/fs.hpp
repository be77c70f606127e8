#pragma once
// File helpers with the durability rules the product depends on: a file is
// written to a temporary name, fsynced, renamed into place and its directory
// fsynced, so after a power cut it is either absent or complete.

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include "motcua/util/error.hpp"

namespace motcua::fs {

// Owns a file descriptor: closed when destroyed; movable, not copyable.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { reset(); }
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = other.fd_;
      other.fd_ = -1;
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  int get() const { return fd_; }
  void reset();

 private:
  int fd_ = -1;
};

namespace stdfs = std::filesystem;

Result<void> write_file_durable(const stdfs::path& path, std::span<const std::uint8_t> bytes,
                                unsigned mode = 0644);
Result<void> write_file_durable(const stdfs::path& path, std::string_view text, unsigned mode = 0644);
Result<std::string> read_file(const stdfs::path& path);
Result<void> fsync_dir(const stdfs::path& dir);
Result<void> ensure_dir(const stdfs::path& dir, unsigned mode = 0755);
// Free bytes on the file system holding path.
Result<std::uint64_t> free_bytes(const stdfs::path& path);
// Maps errno to an Error (ENOSPC -> disk_full) with "what path: strerror".
Error errno_error(std::string_view what, const stdfs::path& path, int err);

}  // namespace motcua::fs
