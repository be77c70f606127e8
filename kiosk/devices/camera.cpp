#include "devices/camera.hpp"

#include <fcntl.h>
#include <libv4l2.h>
#include <linux/videodev2.h>
#include <sys/mman.h>
#include <sys/select.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>
#include <utility>

#include <stb_image.h>

namespace motcua::kiosk {

namespace {

tl::unexpected<CameraError> camera_fail(CameraErrorKind kind, std::string detail) {
  return tl::unexpected<CameraError>(CameraError{kind, std::move(detail)});
}

std::string errno_text(int e) { return std::strerror(e); }

// ioctl through libv4l2 (which converts formats on the fly), retried when a
// signal interrupts it.
int xioctl(int fd, unsigned long request, void* arg) {
  int r;
  do {
    r = v4l2_ioctl(fd, request, arg);
  } while (r == -1 && errno == EINTR);
  return r;
}

std::string fourcc(std::uint32_t f) {
  std::string s(4, ' ');
  for (int i = 0; i < 4; ++i) s[static_cast<std::size_t>(i)] = static_cast<char>((f >> (8 * i)) & 0xFF);
  return s;
}

}  // namespace

std::string_view message_key(CameraErrorKind kind) {
  switch (kind) {
    case CameraErrorKind::no_device: return "camera.err_no_device";
    case CameraErrorKind::busy: return "camera.err_busy";
    case CameraErrorKind::disconnected: return "camera.err_disconnected";
    case CameraErrorKind::unsupported:
    case CameraErrorKind::timeout:
    case CameraErrorKind::end_of_frames:
    case CameraErrorKind::failed: return "camera.err_failed";
  }
  return "camera.err_failed";
}

// ---- V4L2 -------------------------------------------------------------------

namespace {

class V4l2Fd {
 public:
  V4l2Fd() = default;
  explicit V4l2Fd(int fd) : fd_(fd) {}
  ~V4l2Fd() {
    if (fd_ >= 0) v4l2_close(fd_);
  }
  V4l2Fd(const V4l2Fd&) = delete;
  V4l2Fd& operator=(const V4l2Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_ = -1;
};

// A driver buffer mapped into our memory (v4l2_mmap: libv4l2 may hand out its
// own converted buffer instead of the driver's).
class Mapping {
 public:
  Mapping(void* addr, std::size_t length) : addr_(addr), length_(length) {}
  ~Mapping() {
    if (addr_ != MAP_FAILED) v4l2_munmap(addr_, length_);
  }
  Mapping(Mapping&& o) noexcept : addr_(std::exchange(o.addr_, MAP_FAILED)), length_(o.length_) {}
  Mapping& operator=(Mapping&&) = delete;
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  const std::uint8_t* data() const { return static_cast<const std::uint8_t*>(addr_); }
  std::size_t size() const { return length_; }

 private:
  void* addr_;
  std::size_t length_;
};

}  // namespace

struct V4l2FrameSource::Device {
  // Declaration order is teardown order reversed: stream off (destructor body),
  // unmap the buffers, then close the descriptor.
  V4l2Fd fd;
  std::vector<Mapping> buffers;
  bool streaming = false;
  bool use_read = false;  // the driver has no streaming I/O: read() frames
  std::vector<std::uint8_t> read_buffer;
  int width = 0, height = 0;
  PixelFormat format = PixelFormat::grey;
  std::uint32_t bytes_per_line = 0;

  explicit Device(int f) : fd(f) {}
  ~Device() {
    if (streaming) {
      v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
      xioctl(fd.get(), VIDIOC_STREAMOFF, &type);
    }
  }
};

V4l2FrameSource::V4l2FrameSource(std::filesystem::path device, V4l2Options options)
    : device_(std::move(device)), options_(options) {}

V4l2FrameSource::~V4l2FrameSource() = default;

bool V4l2FrameSource::is_open() const { return dev_ != nullptr; }

void V4l2FrameSource::close() { dev_.reset(); }

CameraResult<void> V4l2FrameSource::open() {
  close();
  const std::string path = device_.string();
  // Non-blocking: grab() waits in select() with a timeout, so the camera
  // thread can always be stopped.
  const int raw = v4l2_open(path.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (raw < 0) {
    const int e = errno;
    if (e == ENOENT || e == ENODEV || e == ENXIO) return camera_fail(CameraErrorKind::no_device, path + ": no such camera");
    // libv4l2 asks for the capabilities while opening: a file that is not a
    // V4L2 device (a UVC metadata node, /dev/null) fails here.
    if (e == ENOTTY || e == EINVAL) return camera_fail(CameraErrorKind::no_device, path + ": not a V4L2 device");
    if (e == EBUSY) return camera_fail(CameraErrorKind::busy, path + ": in use by another program");
    if (e == EACCES || e == EPERM)
      return camera_fail(CameraErrorKind::failed,
                         path + ": permission denied (the kiosk user must be in the 'video' group)");
    return camera_fail(CameraErrorKind::failed, path + ": " + errno_text(e));
  }
  auto dev = std::make_unique<Device>(raw);
  const int fd = dev->fd.get();

  v4l2_capability cap{};
  if (xioctl(fd, VIDIOC_QUERYCAP, &cap) != 0)
    return camera_fail(CameraErrorKind::no_device, path + ": not a V4L2 device (" + errno_text(errno) + ")");
  const std::uint32_t caps = (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps : cap.capabilities;
  // UVC cameras also create a metadata node (often /dev/video1) that cannot capture.
  if (!(caps & V4L2_CAP_VIDEO_CAPTURE))
    return camera_fail(CameraErrorKind::no_device, path + ": not a video capture device");

  // GREY is all the QR reader needs; libv4l2 does not synthesise it, so most
  // webcams end up on RGB24, which libv4l2 converts from YUYV or MJPEG.
  v4l2_format fmt{};
  bool negotiated = false;
  for (std::uint32_t want : {V4L2_PIX_FMT_GREY, V4L2_PIX_FMT_RGB24}) {
    fmt = v4l2_format{};
    fmt.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    fmt.fmt.pix.width = static_cast<std::uint32_t>(options_.width);
    fmt.fmt.pix.height = static_cast<std::uint32_t>(options_.height);
    fmt.fmt.pix.pixelformat = want;
    fmt.fmt.pix.field = V4L2_FIELD_ANY;
    if (xioctl(fd, VIDIOC_S_FMT, &fmt) != 0) {
      if (errno == EBUSY) return camera_fail(CameraErrorKind::busy, path + ": in use by another program");
      continue;
    }
    if (fmt.fmt.pix.pixelformat == want) {
      negotiated = true;
      break;
    }
  }
  if (!negotiated)
    return camera_fail(CameraErrorKind::unsupported,
                       path + ": delivers " + fourcc(fmt.fmt.pix.pixelformat) + ", which cannot be converted to GREY or RGB24");
  dev->width = static_cast<int>(fmt.fmt.pix.width);
  dev->height = static_cast<int>(fmt.fmt.pix.height);
  dev->format = fmt.fmt.pix.pixelformat == V4L2_PIX_FMT_GREY ? PixelFormat::grey : PixelFormat::rgb24;
  const std::uint32_t bpp = dev->format == PixelFormat::grey ? 1 : 3;
  dev->bytes_per_line = std::max(fmt.fmt.pix.bytesperline, fmt.fmt.pix.width * bpp);

  if (caps & V4L2_CAP_STREAMING) {
    v4l2_requestbuffers req{};
    req.count = options_.buffers;
    req.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    req.memory = V4L2_MEMORY_MMAP;
    if (xioctl(fd, VIDIOC_REQBUFS, &req) != 0) {
      if (errno == EBUSY) return camera_fail(CameraErrorKind::busy, path + ": in use by another program");
      return camera_fail(CameraErrorKind::unsupported, path + ": VIDIOC_REQBUFS: " + errno_text(errno));
    }
    if (req.count < 2) return camera_fail(CameraErrorKind::unsupported, path + ": too few capture buffers");
    for (std::uint32_t i = 0; i < req.count; ++i) {
      v4l2_buffer buf{};
      buf.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
      buf.memory = V4L2_MEMORY_MMAP;
      buf.index = i;
      if (xioctl(fd, VIDIOC_QUERYBUF, &buf) != 0)
        return camera_fail(CameraErrorKind::failed, path + ": VIDIOC_QUERYBUF: " + errno_text(errno));
      void* addr = v4l2_mmap(nullptr, buf.length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, buf.m.offset);
      if (addr == MAP_FAILED) return camera_fail(CameraErrorKind::failed, path + ": mmap: " + errno_text(errno));
      dev->buffers.emplace_back(addr, buf.length);
      if (xioctl(fd, VIDIOC_QBUF, &buf) != 0)
        return camera_fail(CameraErrorKind::failed, path + ": VIDIOC_QBUF: " + errno_text(errno));
    }
    v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    if (xioctl(fd, VIDIOC_STREAMON, &type) != 0) {
      if (errno == EBUSY || errno == ENOSPC)  // ENOSPC: USB bandwidth taken by another camera
        return camera_fail(CameraErrorKind::busy, path + ": VIDIOC_STREAMON: " + errno_text(errno));
      return camera_fail(CameraErrorKind::failed, path + ": VIDIOC_STREAMON: " + errno_text(errno));
    }
    dev->streaming = true;
  } else if (caps & V4L2_CAP_READWRITE) {
    dev->use_read = true;
    dev->read_buffer.resize(std::max<std::size_t>(fmt.fmt.pix.sizeimage,
                                                  static_cast<std::size_t>(dev->bytes_per_line) * fmt.fmt.pix.height));
  } else {
    return camera_fail(CameraErrorKind::unsupported, path + ": neither streaming nor read() I/O");
  }
  dev_ = std::move(dev);
  return {};
}

CameraResult<Frame> V4l2FrameSource::grab(std::chrono::milliseconds timeout) {
  if (!dev_) return camera_fail(CameraErrorKind::failed, device_.string() + ": not open");
  Device& d = *dev_;
  const int fd = d.fd.get();
  const std::string path = device_.string();
  auto lost = [&](int e) -> tl::unexpected<CameraError> {
    // The device node disappears with the USB cable: ENODEV (or EIO on some drivers).
    if (e == ENODEV || e == EIO || e == ENXIO) return camera_fail(CameraErrorKind::disconnected, path + ": " + errno_text(e));
    return camera_fail(CameraErrorKind::failed, path + ": " + errno_text(e));
  };

  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return camera_fail(CameraErrorKind::timeout, path + ": no frame");
    fd_set fds;
    FD_ZERO(&fds);
    FD_SET(fd, &fds);
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(left.count() / 1000000);
    tv.tv_usec = static_cast<suseconds_t>(left.count() % 1000000);
    const int r = select(fd + 1, &fds, nullptr, nullptr, &tv);
    if (r < 0) {
      if (errno == EINTR) continue;
      return lost(errno);
    }
    if (r == 0) return camera_fail(CameraErrorKind::timeout, path + ": no frame");

    Frame frame;
    frame.width = d.width;
    frame.height = d.height;
    frame.format = d.format;
    const std::size_t row = static_cast<std::size_t>(d.width) * (d.format == PixelFormat::grey ? 1 : 3);
    frame.pixels.resize(row * static_cast<std::size_t>(d.height));
    auto copy_rows = [&](const std::uint8_t* src, std::size_t bytes) {
      // Rows may be padded (bytesperline > width × bpp); a short frame keeps white below.
      std::fill(frame.pixels.begin(), frame.pixels.end(), std::uint8_t{255});
      for (int y = 0; y < d.height; ++y) {
        const std::size_t at = static_cast<std::size_t>(y) * d.bytes_per_line;
        if (at + row > bytes) break;
        std::memcpy(frame.pixels.data() + static_cast<std::size_t>(y) * row, src + at, row);
      }
    };

    if (d.use_read) {
      const auto n = v4l2_read(fd, d.read_buffer.data(), d.read_buffer.size());
      if (n < 0) {
        if (errno == EAGAIN || errno == EINTR) continue;
        return lost(errno);
      }
      copy_rows(d.read_buffer.data(), static_cast<std::size_t>(n));
      return frame;
    }

    v4l2_buffer buf{};
    buf.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    buf.memory = V4L2_MEMORY_MMAP;
    if (xioctl(fd, VIDIOC_DQBUF, &buf) != 0) {
      if (errno == EAGAIN) continue;
      return lost(errno);
    }
    const bool corrupt = (buf.flags & V4L2_BUF_FLAG_ERROR) != 0 || buf.index >= d.buffers.size();
    if (!corrupt) {
      const Mapping& m = d.buffers[buf.index];
      copy_rows(m.data(), std::min<std::size_t>(buf.bytesused ? buf.bytesused : m.size(), m.size()));
    }
    if (xioctl(fd, VIDIOC_QBUF, &buf) != 0) return lost(errno);
    if (corrupt) continue;  // a damaged frame: wait for the next one
    return frame;
  }
}

// ---- image files --------------------------------------------------------------

CameraResult<Frame> load_frame(const std::filesystem::path& file) {
  int w = 0, h = 0, channels = 0;
  std::unique_ptr<stbi_uc, void (*)(void*)> data(stbi_load(file.c_str(), &w, &h, &channels, 0), stbi_image_free);
  if (!data) {
    std::error_code ec;
    if (!std::filesystem::exists(file, ec))
      return camera_fail(CameraErrorKind::no_device, file.string() + ": no such file");
    return camera_fail(CameraErrorKind::failed, file.string() + ": " + (stbi_failure_reason() ? stbi_failure_reason() : "unreadable image"));
  }
  Frame f;
  f.width = w;
  f.height = h;
  const std::size_t pixels = static_cast<std::size_t>(w) * static_cast<std::size_t>(h);
  const std::size_t n = static_cast<std::size_t>(channels);
  const stbi_uc* src = data.get();
  // Transparent pixels count as white paper (a QR code saved with an alpha channel).
  auto over_white = [](unsigned v, unsigned a) { return static_cast<std::uint8_t>((v * a + 255u * (255u - a)) / 255u); };
  if (channels <= 2) {
    f.format = PixelFormat::grey;
    f.pixels.resize(pixels);
    for (std::size_t i = 0; i < pixels; ++i)
      f.pixels[i] = channels == 2 ? over_white(src[i * 2], src[i * 2 + 1]) : src[i];
  } else {
    f.format = PixelFormat::rgb24;
    f.pixels.resize(pixels * 3);
    for (std::size_t i = 0; i < pixels; ++i)
      for (std::size_t c = 0; c < 3; ++c)
        f.pixels[i * 3 + c] = channels == 4 ? over_white(src[i * n + c], src[i * n + 3]) : src[i * n + c];
  }
  return f;
}

FileFrameSource::FileFrameSource(std::vector<std::filesystem::path> files, bool loop,
                                 std::chrono::milliseconds frame_interval)
    : files_(std::move(files)), loop_(loop), interval_(frame_interval) {}

std::string FileFrameSource::describe() const {
  std::string s = "file:";
  for (std::size_t i = 0; i < files_.size(); ++i) s += (i ? "," : "") + files_[i].string();
  return s;
}

CameraResult<void> FileFrameSource::open() {
  close();
  if (files_.empty()) return camera_fail(CameraErrorKind::no_device, "file: no image files given");
  // Read at open, not at construction: a test (or a tour) may write the files
  // after the kiosk started.
  std::vector<Frame> frames;
  for (const auto& f : files_) {
    auto frame = load_frame(f);
    if (!frame) return tl::unexpected(frame.error());
    frames.push_back(std::move(*frame));
  }
  frames_ = std::move(frames);
  next_ = 0;
  last_ = {};
  open_ = true;
  return {};
}

void FileFrameSource::close() {
  open_ = false;
  frames_.clear();
}

CameraResult<Frame> FileFrameSource::grab(std::chrono::milliseconds timeout) {
  if (!open_) return camera_fail(CameraErrorKind::failed, describe() + ": not open");
  if (next_ >= frames_.size()) {
    if (!loop_) return camera_fail(CameraErrorKind::end_of_frames, describe() + ": every file was returned");
    next_ = 0;
  }
  // Pace frames like a camera would, so a loop over files does not spin a core.
  if (interval_.count() > 0) {
    const auto now = std::chrono::steady_clock::now();
    const auto due = last_ + interval_;
    if (due > now) {
      if (due - now > timeout) {
        std::this_thread::sleep_for(timeout);
        return camera_fail(CameraErrorKind::timeout, describe() + ": no frame yet");
      }
      std::this_thread::sleep_until(due);
    }
    last_ = std::chrono::steady_clock::now();
  }
  return frames_[next_++];
}

CameraResult<std::unique_ptr<FrameSource>> make_frame_source(std::string_view spec,
                                                             std::chrono::milliseconds file_interval) {
  if (spec.empty() || spec == "none") return std::unique_ptr<FrameSource>();
  if (spec.substr(0, 5) == "file:") {
    std::vector<std::filesystem::path> files;
    std::string_view rest = spec.substr(5);
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      const auto item = rest.substr(0, comma);
      if (!item.empty()) files.emplace_back(std::string(item));
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
    if (files.empty()) return camera_fail(CameraErrorKind::no_device, "--camera file: needs at least one image file");
    return std::unique_ptr<FrameSource>(std::make_unique<FileFrameSource>(std::move(files), true, file_interval));
  }
  if (spec.substr(0, 5) == "/dev/") return std::unique_ptr<FrameSource>(std::make_unique<V4l2FrameSource>(std::string(spec)));
  return camera_fail(CameraErrorKind::no_device,
                     "--camera must be none, a V4L2 device (/dev/video0) or file:IMAGE[,IMAGE…], not \"" +
                         std::string(spec) + "\"");
}

}  // namespace motcua::kiosk
