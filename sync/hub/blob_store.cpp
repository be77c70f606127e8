#include "blob_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <vector>
#include <optional>

#include "motcua/crypto/hash.hpp"
#include "motcua/crypto/random.hpp"
#include "motcua/util/fs.hpp"

namespace motcua::hub {

namespace stdfs = std::filesystem;

stdfs::path BlobStore::path_for(const std::string& sha) const { return root_ / sha.substr(0, 2) / sha; }

bool BlobStore::contains(const std::string& sha) const {
  std::error_code ec;
  return stdfs::exists(path_for(sha), ec);
}

namespace {
// A file being written under tmp/: closed, and removed unless kept (renamed
// into place), whatever way the writer leaves.
struct TempFile {
  int fd;
  std::filesystem::path path;
  bool keep = false;
  ~TempFile() {
    if (fd >= 0) ::close(fd);
    if (!keep) ::unlink(path.c_str());
  }
};
}  // namespace

Result<void> BlobStore::put(const std::string& expected_sha, std::int64_t expected_size,
                            const std::function<bool(const Sink&)>& produce) {
  const stdfs::path tmp_dir = root_ / "tmp";
  if (auto r = fs::ensure_dir(tmp_dir, 0700); !r) return r;
  const stdfs::path tmp = tmp_dir / (expected_sha + "." + crypto::random_token(8));
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return fail(fs::errno_error("cannot create", tmp, errno));
  TempFile guard{fd, tmp};

  crypto::Sha256 hash;
  std::int64_t size = 0;
  std::optional<Error> write_error;
  const bool complete = produce([&](const char* data, std::size_t n) {
    if (size + static_cast<std::int64_t>(n) > expected_size) {
      write_error = Error{Errc::invalid_argument, "document is larger than declared (" + std::to_string(expected_size) + " bytes)"};
      return false;
    }
    hash.update(std::string_view(data, n));
    std::size_t done = 0;
    while (done < n) {
      const ssize_t w = ::write(fd, data + done, n - done);
      if (w < 0) {
        if (errno == EINTR) continue;
        write_error = fs::errno_error("cannot write", tmp, errno);
        return false;
      }
      done += static_cast<std::size_t>(w);
    }
    size += static_cast<std::int64_t>(n);
    return true;
  });
  if (write_error) return fail(*write_error);
  if (!complete) return fail(Errc::network, "upload interrupted");
  if (size != expected_size)
    return fail(Errc::invalid_argument, "document has " + std::to_string(size) + " bytes, declared " +
                                            std::to_string(expected_size));
  const std::string actual = crypto::hex(hash.finish());
  if (actual != expected_sha)
    return fail(Errc::invalid_argument, "document content does not match its sha256 (got " + actual + ")");
  if (::fsync(fd) != 0) return fail(fs::errno_error("cannot fsync", tmp, errno));
  const stdfs::path final_path = path_for(expected_sha);
  if (auto r = fs::ensure_dir(final_path.parent_path(), 0700); !r) return r;
  if (::rename(tmp.c_str(), final_path.c_str()) != 0) return fail(fs::errno_error("cannot store", final_path, errno));
  guard.keep = true;
  return fs::fsync_dir(final_path.parent_path());
}

Result<BlobStore::Stored> BlobStore::adopt(const stdfs::path& file, const std::string& sha, std::int64_t size) {
  if (contains(sha)) return Stored{sha, size};
  {
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return fail(fs::errno_error("cannot open", file, errno));
    const int synced = ::fsync(fd);
    const int err = errno;
    ::close(fd);
    if (synced != 0) return fail(fs::errno_error("cannot fsync", file, err));
  }
  const stdfs::path final_path = path_for(sha);
  if (auto r = fs::ensure_dir(final_path.parent_path(), 0700); !r) return fail(r.error());
  if (::rename(file.c_str(), final_path.c_str()) != 0) {
    if (errno != EXDEV) return fail(fs::errno_error("cannot store", final_path, errno));
    // Another file system: copy it (verified again while copying).
    auto copied = put(sha, size, [&](const Sink& sink) {
      std::FILE* f = std::fopen(file.c_str(), "rb");
      if (f == nullptr) return false;
      std::vector<char> buf(1 << 20);
      bool ok = true;
      for (std::size_t n; ok && (n = std::fread(buf.data(), 1, buf.size(), f)) > 0;) ok = sink(buf.data(), n);
      ok = ok && !std::ferror(f);
      std::fclose(f);
      return ok;
    });
    if (!copied) return fail(copied.error());
    return Stored{sha, size};
  }
  // The old name's directory first: after a power cut the file has at most one
  // name (or none — then nothing was acknowledged and the client sends again),
  // never two, so whatever is done to the old name can never touch the blob.
  if (auto r = fs::fsync_dir(file.has_parent_path() ? file.parent_path() : stdfs::path(".")); !r) return fail(r.error());
  if (auto r = fs::fsync_dir(final_path.parent_path()); !r) return fail(r.error());
  return Stored{sha, size};
}

Result<BlobStore::Stored> BlobStore::put_stream(
    const std::function<Result<void>(const std::function<Result<void>(std::span<const std::uint8_t>)>&)>& produce) {
  const stdfs::path tmp_dir = root_ / "tmp";
  if (auto r = fs::ensure_dir(tmp_dir, 0700); !r) return fail(r.error());
  const stdfs::path tmp = tmp_dir / ("stream." + crypto::random_token(8));
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return fail(fs::errno_error("cannot create", tmp, errno));
  TempFile guard{fd, tmp};
  crypto::Sha256 hash;
  std::int64_t size = 0;
  auto r = produce([&](std::span<const std::uint8_t> data) -> Result<void> {
    hash.update(data);
    std::size_t done = 0;
    while (done < data.size()) {
      const ssize_t w = ::write(fd, data.data() + done, data.size() - done);
      if (w < 0) {
        if (errno == EINTR) continue;
        return fail(fs::errno_error("cannot write", tmp, errno));
      }
      done += static_cast<std::size_t>(w);
    }
    size += static_cast<std::int64_t>(data.size());
    return {};
  });
  if (!r) return fail(r.error());
  const std::string sha = crypto::hex(hash.finish());
  if (contains(sha)) return Stored{sha, size};  // same content already stored
  if (::fsync(fd) != 0) return fail(fs::errno_error("cannot fsync", tmp, errno));
  const stdfs::path final_path = path_for(sha);
  if (auto x = fs::ensure_dir(final_path.parent_path(), 0700); !x) return fail(x.error());
  if (::rename(tmp.c_str(), final_path.c_str()) != 0) return fail(fs::errno_error("cannot store", final_path, errno));
  guard.keep = true;
  if (auto x = fs::fsync_dir(final_path.parent_path()); !x) return fail(x.error());
  return Stored{sha, size};
}

}  // namespace motcua::hub
