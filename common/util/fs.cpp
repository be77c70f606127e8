#include "motcua/util/fs.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

namespace motcua::fs {

Error errno_error(std::string_view what, const stdfs::path& path, int err) {
  std::string msg(what);
  msg += " ";
  msg += path.string();
  msg += ": ";
  msg += std::strerror(err);
  const Errc code = (err == ENOSPC || err == EDQUOT) ? Errc::disk_full : Errc::io;
  return Error{code, std::move(msg)};
}

namespace {
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};
}  // namespace

void UniqueFd::reset() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Result<void> fsync_dir(const stdfs::path& dir) {
  Fd d{::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (d.fd < 0) return fail(errno_error("cannot open directory", dir, errno));
  if (::fsync(d.fd) != 0) return fail(errno_error("cannot fsync directory", dir, errno));
  return {};
}

Result<void> write_file_durable(const stdfs::path& path, std::span<const std::uint8_t> bytes,
                                unsigned mode) {
  const stdfs::path dir = path.has_parent_path() ? path.parent_path() : stdfs::path(".");
  std::random_device rd;
  const stdfs::path tmp = dir / ("." + path.filename().string() + ".tmp" + std::to_string(rd()));
  {
    Fd f{::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)};
    if (f.fd < 0) return fail(errno_error("cannot create", tmp, errno));
    std::size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::write(f.fd, bytes.data() + done, bytes.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        const int err = errno;
        ::unlink(tmp.c_str());
        return fail(errno_error("cannot write", tmp, err));
      }
      done += static_cast<std::size_t>(n);
    }
    if (::fchmod(f.fd, mode) != 0 || ::fsync(f.fd) != 0) {
      const int err = errno;
      ::unlink(tmp.c_str());
      return fail(errno_error("cannot fsync", tmp, err));
    }
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return fail(errno_error("cannot rename into", path, err));
  }
  return fsync_dir(dir);
}

Result<void> write_file_durable(const stdfs::path& path, std::string_view text, unsigned mode) {
  return write_file_durable(
      path, std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()),
      mode);
}

Result<std::string> read_file(const stdfs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(errno_error("cannot read", path, errno ? errno : ENOENT));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return fail(errno_error("cannot read", path, EIO));
  return ss.str();
}

Result<void> ensure_dir(const stdfs::path& dir, unsigned mode) {
  std::error_code ec;
  stdfs::create_directories(dir, ec);
  if (ec) return fail(errno_error("cannot create directory", dir, ec.value()));  // ENOSPC/EDQUOT: disk_full
  ::chmod(dir.c_str(), mode);
  return {};
}

Result<std::uint64_t> free_bytes(const stdfs::path& path) {
  struct statvfs st {};
  if (::statvfs(path.c_str(), &st) != 0) return fail(errno_error("cannot statvfs", path, errno));
  return static_cast<std::uint64_t>(st.f_bavail) * st.f_frsize;
}

}  // namespace motcua::fs
