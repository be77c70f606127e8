// Looking a dossier up by holding the receipt's QR code to the camera. There is
// no camera here (nor a v4l2loopback module), so frames come from image files
// through FileFrameSource — the same FrameSource interface the V4L2 camera
// implements — made the way a camera would see a receipt: the kiosk's own QR
// encoder, at several sizes, turned, with a cluttered background and sensor noise.

#include <gtest/gtest.h>

#include <stb_image_write.h>

#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <fstream>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "app/i18n.hpp"
#include "devices/camera.hpp"
#include "devices/camera_service.hpp"
#include "devices/qr_reader.hpp"
#include "motcua/domain/dossier_code.hpp"
#include "support/temp_dir.hpp"
#include "widgets/qr.hpp"

using namespace motcua;
using namespace motcua::kiosk;
using namespace std::chrono_literals;

namespace {

constexpr const char* kCode = "H44.27.05-261130-0001";
constexpr const char* kSecret = "K7QM";

struct Grey {
  int width = 0, height = 0;
  std::vector<std::uint8_t> px;
  std::uint8_t at(int x, int y) const {
    if (x < 0 || y < 0 || x >= width || y >= height) return 255;
    return px[static_cast<std::size_t>(y) * static_cast<std::size_t>(width) + static_cast<std::size_t>(x)];
  }
};

Grey qr_grey(const std::string& payload, int module_px) {
  auto img = make_qr(payload, module_px);
  EXPECT_TRUE(img) << (img ? "" : img.error().message);
  Grey g{img->width, img->height, {}};
  g.px.resize(static_cast<std::size_t>(g.width) * static_cast<std::size_t>(g.height));
  for (std::size_t i = 0; i < g.px.size(); ++i) g.px[i] = img->rgba[i * 4];
  return g;
}

// A photo of the code: on a canvas with clutter around it (random grey
// blocks, kept outside the quiet zone as on a real desk), rotated by `degrees`
// with bilinear sampling, and sensor noise over everything.
Grey photograph(const Grey& code, double degrees, unsigned seed, int canvas = 640) {
  std::mt19937 rng(seed);
  Grey out{canvas, canvas, std::vector<std::uint8_t>(static_cast<std::size_t>(canvas) * static_cast<std::size_t>(canvas))};
  const double cx = canvas / 2.0, cy = canvas / 2.0;
  const double a = degrees * M_PI / 180.0, ca = std::cos(a), sa = std::sin(a);
  const double half_diag = std::hypot(code.width, code.height) / 2.0;
  std::uniform_int_distribution<int> block(0, 3), shade(60, 230);
  std::normal_distribution<double> noise(0.0, 8.0);
  const int cell = 24;
  std::vector<int> clutter(static_cast<std::size_t>((canvas / cell + 1) * (canvas / cell + 1)));
  for (auto& c : clutter) c = block(rng) == 0 ? shade(rng) : 235;
  for (int y = 0; y < canvas; ++y)
    for (int x = 0; x < canvas; ++x) {
      const double dx = x - cx, dy = y - cy;
      double v;
      if (std::hypot(dx, dy) > half_diag + 6) {
        v = clutter[static_cast<std::size_t>((y / cell) * (canvas / cell + 1) + x / cell)];
      } else {
        // Inverse rotation into the code's own pixels.
        const double sx = ca * dx + sa * dy + code.width / 2.0, sy = -sa * dx + ca * dy + code.height / 2.0;
        const int x0 = static_cast<int>(std::floor(sx)), y0 = static_cast<int>(std::floor(sy));
        const double fx = sx - x0, fy = sy - y0;
        v = (1 - fx) * (1 - fy) * code.at(x0, y0) + fx * (1 - fy) * code.at(x0 + 1, y0) +
            (1 - fx) * fy * code.at(x0, y0 + 1) + fx * fy * code.at(x0 + 1, y0 + 1);
        v = 40 + v * 0.75;  // paper under room light: neither black nor white
      }
      v += noise(rng);
      out.px[static_cast<std::size_t>(y) * static_cast<std::size_t>(canvas) + static_cast<std::size_t>(x)] =
          static_cast<std::uint8_t>(std::clamp(v, 0.0, 255.0));
    }
  return out;
}

std::filesystem::path save_png(const Grey& g, const std::filesystem::path& path) {
  EXPECT_NE(stbi_write_png(path.c_str(), g.width, g.height, 1, g.px.data(), g.width), 0) << path;
  return path;
}

std::filesystem::path save_jpeg_rgb(const Grey& g, const std::filesystem::path& path) {
  // As a colour photo: a warm tint, lossy compression.
  std::vector<std::uint8_t> rgb(g.px.size() * 3);
  for (std::size_t i = 0; i < g.px.size(); ++i) {
    rgb[i * 3] = g.px[i];
    rgb[i * 3 + 1] = static_cast<std::uint8_t>(g.px[i] * 0.93);
    rgb[i * 3 + 2] = static_cast<std::uint8_t>(g.px[i] * 0.8);
  }
  EXPECT_NE(stbi_write_jpg(path.c_str(), g.width, g.height, 3, rgb.data(), 80), 0) << path;
  return path;
}

std::filesystem::path save_pgm(const Grey& g, const std::filesystem::path& path) {
  std::ofstream out(path, std::ios::binary);
  out << "P5\n" << g.width << " " << g.height << "\n255\n";
  out.write(reinterpret_cast<const char*>(g.px.data()), static_cast<std::streamsize>(g.px.size()));
  return path;
}

// One frame from a file through the file-backed source, as the camera thread reads it.
QrScan scan_file(const std::filesystem::path& file) {
  FileFrameSource source({file}, false);
  auto opened = source.open();
  EXPECT_TRUE(opened) << opened.error().detail;
  auto frame = source.grab(1s);
  EXPECT_TRUE(frame) << frame.error().detail;
  return frame ? scan_receipt(*frame) : QrScan{};
}

std::string vietnamese(std::string_view key) {
  auto i18n = I18n::load(std::filesystem::path(MOTCUA_SOURCE_DIR) / "assets" / "i18n");
  if (!i18n) return "(strings not loaded)";
  i18n->set_lang(Lang::vi);
  return i18n->tr(key);
}

struct Waker {
  std::mutex m;
  std::condition_variable cv;
  std::function<void()> fn() {
    return [this] {
      std::lock_guard lk(m);
      cv.notify_all();
    };
  }
  template <class Pred>
  bool wait_until(Pred p, std::chrono::milliseconds deadline = 20s) {
    std::unique_lock lk(m);
    return cv.wait_for(lk, deadline, [&] { return p(); });
  }
};

}  // namespace

TEST(CameraQr, ReadsAReceiptAtSeveralSizesRotationsAndBackgrounds) {
  test::TempDir dir;
  const std::string payload = domain::receipt_qr_payload(kCode, kSecret);
  unsigned seed = 1;
  for (int module_px : {3, 5, 8}) {
    const Grey code = qr_grey(payload, module_px);
    for (double degrees : {0.0, 90.0, 180.0, 270.0, 17.0, -33.0}) {
      const int canvas = std::max(480, static_cast<int>(std::hypot(code.width, code.height)) + 80);
      const auto file = save_png(photograph(code, degrees, seed++, canvas),
                                 dir / ("receipt-" + std::to_string(module_px) + "-" + std::to_string(static_cast<int>(degrees)) + ".png"));
      const QrScan scan = scan_file(file);
      ASSERT_TRUE(scan.receipt) << module_px << " px/module, turned " << degrees << "°: " << file;
      EXPECT_EQ(scan.receipt->code, kCode);
      EXPECT_EQ(scan.receipt->secret, kSecret);
      EXPECT_FALSE(scan.foreign);
    }
  }
}

TEST(CameraQr, ReadsJpegColourPhotosAndRawPgm) {
  test::TempDir dir;
  const Grey photo = photograph(qr_grey(domain::receipt_qr_payload(kCode, kSecret), 5), 8.0, 42);
  for (const auto& file : {save_jpeg_rgb(photo, dir / "receipt.jpg"), save_pgm(photo, dir / "receipt.pgm")}) {
    auto frame = load_frame(file);
    ASSERT_TRUE(frame) << frame.error().detail;
    EXPECT_EQ(frame->format, file.extension() == ".jpg" ? PixelFormat::rgb24 : PixelFormat::grey);
    const QrScan scan = scan_receipt(*frame);
    ASSERT_TRUE(scan.receipt) << file;
    EXPECT_EQ(scan.receipt->code, kCode);
    EXPECT_EQ(scan.receipt->secret, kSecret);
  }
  // A large frame (a 1080p camera) is halved before decoding and still read.
  const Grey big = photograph(qr_grey(domain::receipt_qr_payload(kCode, kSecret), 9), 5.0, 7, 1920);
  const QrScan scan = scan_file(save_png(big, dir / "receipt-1920.png"));
  ASSERT_TRUE(scan.receipt);
  EXPECT_EQ(scan.receipt->code, kCode);
}

TEST(CameraQr, AnotherQrCodeIsRejectedClearly) {
  test::TempDir dir;
  const auto file = save_png(photograph(qr_grey("https://dichvucong.gov.vn/", 5), 0, 3), dir / "foreign.png");
  const QrScan scan = scan_file(file);
  EXPECT_FALSE(scan.receipt);
  ASSERT_TRUE(scan.foreign);
  EXPECT_EQ(*scan.foreign, "https://dichvucong.gov.vn/");
  // A receipt-like code with a broken secret is not a receipt either.
  const QrScan bad = scan_file(save_png(photograph(qr_grey("MOTCUA1|H44.27.05-261130-0001|0000", 5), 0, 4), dir / "bad.png"));
  EXPECT_FALSE(bad.receipt);
  EXPECT_TRUE(bad.foreign);
  // What the citizen reads.
  const std::string msg = vietnamese("camera.not_receipt");
  EXPECT_NE(msg.find("không phải mã QR"), std::string::npos) << msg;
}

TEST(CameraQr, EmptyOrGarbageFramesGiveNothingAndDoNotCrash) {
  EXPECT_TRUE(read_qr_codes(Frame{}).empty());
  Frame truncated{640, 480, PixelFormat::rgb24, std::vector<std::uint8_t>(100, 0)};
  EXPECT_TRUE(read_qr_codes(truncated).empty());
  Frame negative{-5, 10, PixelFormat::grey, {}};
  EXPECT_TRUE(read_qr_codes(negative).empty());
  std::mt19937 rng(9);
  Frame noise{640, 480, PixelFormat::grey, std::vector<std::uint8_t>(640 * 480)};
  for (auto& p : noise.pixels) p = static_cast<std::uint8_t>(rng());
  EXPECT_TRUE(read_qr_codes(noise).empty());
  Frame black{320, 240, PixelFormat::grey, std::vector<std::uint8_t>(320 * 240, 0)};
  Frame white{320, 240, PixelFormat::rgb24, std::vector<std::uint8_t>(320 * 240 * 3, 255)};
  EXPECT_FALSE(scan_receipt(black).receipt);
  EXPECT_FALSE(scan_receipt(white).foreign);
  Frame one{1, 1, PixelFormat::grey, {0}};
  EXPECT_TRUE(read_qr_codes(one).empty());
}

TEST(CameraQr, TheCameraThreadFindsTheReceiptAmongOtherFrames) {
  test::TempDir dir;
  std::mt19937 rng(5);
  Grey garbage{320, 240, std::vector<std::uint8_t>(320 * 240)};
  for (auto& p : garbage.px) p = static_cast<std::uint8_t>(rng());
  std::vector<std::filesystem::path> files = {
      save_png(garbage, dir / "1-garbage.png"),
      save_png(photograph(qr_grey("https://dichvucong.gov.vn/", 5), 0, 11), dir / "2-foreign.png"),
      save_png(photograph(qr_grey(domain::receipt_qr_payload(kCode, kSecret), 5), 12, 12), dir / "3-receipt.png"),
  };
  Waker waker;
  CameraServiceOptions opt;
  opt.decode_interval = 0ms;  // decode every frame: the order of events is then known
  opt.preview_interval = 0ms;
  CameraService camera(std::make_unique<FileFrameSource>(files, true), waker.fn(), opt);
  EXPECT_FALSE(camera.active());
  camera.start();
  EXPECT_TRUE(camera.active());
  std::vector<CameraEvent> events;
  ASSERT_TRUE(waker.wait_until([&] {
    for (auto& e : camera.drain()) events.push_back(std::move(e));
    return !events.empty() && std::holds_alternative<ReceiptScanned>(events.back());
  })) << events.size() << " event(s)";
  ASSERT_GE(events.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<ForeignQrSeen>(events.front())) << "the foreign code came first and was reported";
  const auto& receipt = std::get<ReceiptScanned>(events.back()).receipt;
  EXPECT_EQ(receipt.code, kCode);
  EXPECT_EQ(receipt.secret, kSecret);
  EXPECT_FALSE(camera.active()) << "the camera stops once the receipt is read";
  // Nothing of what the camera saw stays once it is off.
  EXPECT_TRUE(waker.wait_until([&] { return !camera.preview_since(0).has_value(); }, 5s));
}

TEST(CameraQr, PreviewFramesWhileOpenAndNoneAfterStop) {
  test::TempDir dir;
  Grey blank{400, 300, std::vector<std::uint8_t>(400 * 300, 200)};
  Waker waker;
  CameraServiceOptions opt;
  opt.preview_width = 160;
  opt.preview_interval = 0ms;
  CameraService camera(std::make_unique<FileFrameSource>(std::vector{save_png(blank, dir / "blank.png")}, true, 20ms),
                       waker.fn(), opt);
  camera.start();
  std::optional<CameraPreview> p;
  ASSERT_TRUE(waker.wait_until([&] { return (p = camera.preview_since(0)).has_value(); }));
  EXPECT_EQ(p->width, 160);
  EXPECT_EQ(p->height, 120);
  EXPECT_EQ(p->rgb.size(), 160u * 120u * 3u);
  EXPECT_EQ(p->rgb[0], 200);
  // A newer picture arrives while it keeps running.
  const std::uint64_t first = p->serial;
  ASSERT_TRUE(waker.wait_until([&] { return camera.preview_since(first).has_value(); }));
  camera.stop();
  EXPECT_FALSE(camera.active());
  EXPECT_TRUE(waker.wait_until([&] { return !camera.preview_since(0).has_value(); }, 5s));
  EXPECT_TRUE(camera.drain().empty()) << "no QR code, no failure: nothing to report";
}

TEST(CameraDevice, AMissingV4l2DeviceIsReportedAsNoCamera) {
  V4l2FrameSource missing("/dev/video-motcua-test-missing");
  auto opened = missing.open();
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().kind, CameraErrorKind::no_device);
  EXPECT_NE(opened.error().detail.find("/dev/video-motcua-test-missing"), std::string::npos) << opened.error().detail;
  EXPECT_FALSE(missing.is_open());
  auto frame = missing.grab(10ms);
  ASSERT_FALSE(frame);
  EXPECT_EQ(frame.error().kind, CameraErrorKind::failed);
  EXPECT_EQ(message_key(CameraErrorKind::no_device), "camera.err_no_device");
  EXPECT_NE(vietnamese("camera.err_no_device").find("camera"), std::string::npos);
  EXPECT_NE(vietnamese("camera.err_no_device"), "camera.err_no_device") << "the message exists in vi.json";

  // A file that is not a video device (a UVC camera's metadata node is the
  // real-world case) is not taken for a camera either.
  V4l2FrameSource not_video("/dev/null");
  auto opened_null = not_video.open();
  ASSERT_FALSE(opened_null);
  EXPECT_EQ(opened_null.error().kind, CameraErrorKind::no_device) << opened_null.error().detail;
}

TEST(CameraDevice, TheCameraThreadReportsANoCameraFailureAndSwitchesOff) {
  Waker waker;
  CameraService camera(std::make_unique<V4l2FrameSource>("/dev/video-motcua-test-missing"), waker.fn());
  camera.start();
  std::vector<CameraEvent> events;
  ASSERT_TRUE(waker.wait_until([&] {
    for (auto& e : camera.drain()) events.push_back(std::move(e));
    return !events.empty();
  }));
  ASSERT_TRUE(std::holds_alternative<CameraFailed>(events.front()));
  EXPECT_EQ(std::get<CameraFailed>(events.front()).error.kind, CameraErrorKind::no_device);
  EXPECT_FALSE(camera.active());
}

TEST(CameraDevice, FileSourcesFailClearlyAndEndWhenNotLooping) {
  test::TempDir dir;
  FileFrameSource missing({dir / "nope.png"});
  auto m = missing.open();
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().kind, CameraErrorKind::no_device);
  EXPECT_NE(m.error().detail.find("nope.png"), std::string::npos);

  {
    std::ofstream(dir / "text.png") << "not an image";
  }
  FileFrameSource broken({dir / "text.png"});
  auto b = broken.open();
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().kind, CameraErrorKind::failed);

  Grey g{8, 8, std::vector<std::uint8_t>(64, 128)};
  FileFrameSource once({save_png(g, dir / "a.png"), save_png(g, dir / "b.png")}, false);
  ASSERT_TRUE(once.open());
  EXPECT_TRUE(once.grab(10ms));
  EXPECT_TRUE(once.grab(10ms));
  auto end = once.grab(10ms);
  ASSERT_FALSE(end);
  EXPECT_EQ(end.error().kind, CameraErrorKind::end_of_frames);
  once.close();
  EXPECT_FALSE(once.is_open());
}

TEST(CameraDevice, TheCameraOptionNamesASource) {
  auto none = make_frame_source("none");
  ASSERT_TRUE(none);
  EXPECT_EQ(*none, nullptr);
  auto empty = make_frame_source("");
  ASSERT_TRUE(empty);
  EXPECT_EQ(*empty, nullptr);
  auto files = make_frame_source("file:/tmp/a.png,/tmp/b.jpg");
  ASSERT_TRUE(files && *files);
  EXPECT_EQ((*files)->describe(), "file:/tmp/a.png,/tmp/b.jpg");
  auto v4l2 = make_frame_source("/dev/video0");
  ASSERT_TRUE(v4l2 && *v4l2);
  EXPECT_EQ((*v4l2)->describe(), "/dev/video0");
  EXPECT_FALSE(make_frame_source("webcam"));
  EXPECT_FALSE(make_frame_source("file:"));
}
