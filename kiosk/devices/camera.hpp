#pragma once
// Frames from a camera, for reading the QR code on a receipt. A FrameSource
// blocks (it waits for the hardware), so it runs on the camera thread
// (camera_service.hpp), never on the UI thread.
//
// Two sources stand behind the same interface:
//   V4l2FrameSource — /dev/videoN through libv4l2, which converts whatever the
//                     camera delivers (YUYV, MJPEG, …) to GREY or RGB24;
//   FileFrameSource — a list of image files (PNG, JPEG, PGM/PPM) returned in
//                     order like frames: the tests, and demos without a
//                     camera (CI machines have no camera or loopback module).
// make_frame_source() parses the kiosk's --camera option for both.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace motcua::kiosk {

enum class PixelFormat { grey, rgb24 };

struct Frame {
  int width = 0, height = 0;
  PixelFormat format = PixelFormat::grey;
  std::vector<std::uint8_t> pixels;  // rows packed: width × (1 or 3) bytes each
};

// What went wrong, in terms the screen can put into words.
enum class CameraErrorKind {
  no_device,     // nothing at that path, or not a camera
  busy,          // another program holds the camera
  disconnected,  // unplugged while streaming
  unsupported,   // cannot deliver GREY or RGB24 frames, or no usable I/O method
  timeout,       // no frame within the time asked (not fatal: try again)
  end_of_frames, // a file source without looping has returned every file
  failed,        // anything else (permissions, I/O error, unreadable image)
};

struct CameraError {
  CameraErrorKind kind = CameraErrorKind::failed;
  std::string detail;  // technical, for the log
};

template <class T>
using CameraResult = tl::expected<T, CameraError>;

// The i18n key of the message the status screen shows for a failure.
std::string_view message_key(CameraErrorKind kind);

class FrameSource {
 public:
  virtual ~FrameSource() = default;
  // Starts delivering frames (for a camera: its light goes on).
  virtual CameraResult<void> open() = 0;
  // Stops; safe to call when not open. open() may be called again later.
  virtual void close() = 0;
  virtual bool is_open() const = 0;
  // The next frame, waiting at most `timeout` for it (CameraErrorKind::timeout).
  virtual CameraResult<Frame> grab(std::chrono::milliseconds timeout) = 0;
  // "/dev/video0", "file:a.png,b.png" — for the log.
  virtual std::string describe() const = 0;
};

struct V4l2Options {
  // Asked for; the driver picks the nearest it supports. 640×480 is plenty for
  // a receipt held in front of the lens and keeps decoding fast.
  int width = 640, height = 480;
  unsigned buffers = 4;  // memory-mapped streaming buffers
};

class V4l2FrameSource final : public FrameSource {
 public:
  explicit V4l2FrameSource(std::filesystem::path device, V4l2Options options = {});
  ~V4l2FrameSource() override;
  V4l2FrameSource(const V4l2FrameSource&) = delete;
  V4l2FrameSource& operator=(const V4l2FrameSource&) = delete;

  CameraResult<void> open() override;
  void close() override;
  bool is_open() const override;
  CameraResult<Frame> grab(std::chrono::milliseconds timeout) override;
  std::string describe() const override { return device_.string(); }

 private:
  struct Device;  // fd, mapped buffers, negotiated format (RAII; camera.cpp)
  std::filesystem::path device_;
  V4l2Options options_;
  std::unique_ptr<Device> dev_;
};

class FileFrameSource final : public FrameSource {
 public:
  // `frame_interval`: how long grab() takes per frame, like a camera's frame
  // rate (0 in tests: as fast as possible). `loop`: start again after the last file.
  FileFrameSource(std::vector<std::filesystem::path> files, bool loop = true,
                  std::chrono::milliseconds frame_interval = std::chrono::milliseconds(0));

  // Decodes every file (so a missing or broken file is reported here, clearly).
  CameraResult<void> open() override;
  void close() override;
  bool is_open() const override { return open_; }
  CameraResult<Frame> grab(std::chrono::milliseconds timeout) override;
  std::string describe() const override;

 private:
  std::vector<std::filesystem::path> files_;
  bool loop_;
  std::chrono::milliseconds interval_;
  bool open_ = false;
  std::vector<Frame> frames_;
  std::size_t next_ = 0;
  std::chrono::steady_clock::time_point last_{};
};

// Decodes one image file (PNG, JPEG, BMP, PGM/PPM — what stb_image reads) into
// a frame: GREY for grey images, RGB24 otherwise.
CameraResult<Frame> load_frame(const std::filesystem::path& file);

// The --camera option: "" or "none" → no camera (nullptr); "/dev/videoN" →
// V4L2; "file:a.png,b.jpg" → FileFrameSource looping over the files at
// `file_interval` per frame. Anything else is an error.
CameraResult<std::unique_ptr<FrameSource>> make_frame_source(
    std::string_view spec, std::chrono::milliseconds file_interval = std::chrono::milliseconds(100));

}  // namespace motcua::kiosk
