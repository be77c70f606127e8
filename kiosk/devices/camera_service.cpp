#include "devices/camera_service.hpp"

#include <algorithm>

#include "devices/qr_reader.hpp"
#include "motcua/util/log.hpp"

namespace motcua::kiosk {

namespace {
constexpr std::string_view kLog = "kiosk.camera";
// grab() returns at least this often so stop() is honoured promptly.
constexpr std::chrono::milliseconds kGrabTimeout{200};
}  // namespace

CameraService::CameraService(std::unique_ptr<FrameSource> source, std::function<void()> wake_ui,
                             CameraServiceOptions options)
    : source_(std::move(source)), wake_ui_(std::move(wake_ui)), options_(options),
      thread_([this](std::stop_token st) { run(st); }) {}

CameraService::~CameraService() {
  wanted_ = false;
  thread_.request_stop();
  cv_.notify_all();
}

void CameraService::start(CameraPurpose purpose) {
  std::lock_guard lk(mutex_);
  purpose_ = purpose;
  wanted_ = true;
  cv_.notify_all();
}

void CameraService::stop() {
  std::lock_guard lk(mutex_);
  wanted_ = false;
  cv_.notify_all();
}

std::vector<CameraEvent> CameraService::drain() {
  std::lock_guard lk(mutex_);
  std::vector<CameraEvent> out;
  out.swap(events_);
  return out;
}

std::optional<CameraPreview> CameraService::preview_since(std::uint64_t seen) const {
  std::lock_guard lk(mutex_);
  if (preview_.serial <= seen || preview_.rgb.empty()) return std::nullopt;
  return preview_;
}

void CameraService::post(CameraEvent e) {
  {
    std::lock_guard lk(mutex_);
    events_.push_back(std::move(e));
  }
  if (wake_ui_) wake_ui_();
}

void CameraService::make_preview(const Frame& frame) {
  if (options_.preview_width <= 0 || frame.width <= 0 || frame.height <= 0) return;
  const int w = std::min(options_.preview_width, frame.width);
  const int h = std::max(1, frame.height * w / frame.width);
  const int bpp = frame.format == PixelFormat::grey ? 1 : 3;
  std::vector<std::uint8_t> rgb(static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * 3);
  // Nearest neighbour, mirrored like a mirror: people move the receipt the
  // way they see it move.
  for (int y = 0; y < h; ++y) {
    const int sy = y * frame.height / h;
    for (int x = 0; x < w; ++x) {
      const int sx = (w - 1 - x) * frame.width / w;
      const std::size_t src = (static_cast<std::size_t>(sy) * static_cast<std::size_t>(frame.width) +
                               static_cast<std::size_t>(sx)) * static_cast<std::size_t>(bpp);
      const std::size_t dst = (static_cast<std::size_t>(y) * static_cast<std::size_t>(w) + static_cast<std::size_t>(x)) * 3;
      for (std::size_t c = 0; c < 3; ++c) rgb[dst + c] = frame.pixels[src + (bpp == 1 ? 0 : c)];
    }
  }
  {
    std::lock_guard lk(mutex_);
    preview_.width = w;
    preview_.height = h;
    preview_.rgb = std::move(rgb);
    ++preview_.serial;
  }
  if (wake_ui_) wake_ui_();
}

void CameraService::run(std::stop_token stop) {
  using Clock = std::chrono::steady_clock;
  for (;;) {
    {
      std::unique_lock lk(mutex_);
      if (!cv_.wait(lk, stop, [&] { return wanted_.load(); })) return;
    }
    if (auto opened = source_->open(); !opened) {
      log::warn(kLog, opened.error().detail);
      wanted_ = false;
      post(CameraFailed{opened.error()});
      continue;
    }
    log::info(kLog, "camera on: " + source_->describe());
    Clock::time_point last_decode{}, last_preview{}, last_foreign{};
    std::string last_foreign_text;
    while (wanted_ && !stop.stop_requested()) {
      auto frame = source_->grab(kGrabTimeout);
      if (!frame) {
        if (frame.error().kind == CameraErrorKind::timeout) continue;
        log::warn(kLog, frame.error().detail);
        wanted_ = false;
        post(CameraFailed{frame.error()});
        break;
      }
      const auto now = Clock::now();
      if (now - last_preview >= options_.preview_interval) {
        last_preview = now;
        make_preview(*frame);
      }
      if (now - last_decode < options_.decode_interval) continue;
      last_decode = now;
      QrScan scan = scan_receipt(*frame);
      if (purpose_.load() == CameraPurpose::citizen_card) {
        // The card's payload is parsed here and only the parsed fields leave
        // this thread; neither the payload nor the fields are logged.
        if (scan.foreign) {
          auto card = domain::parse_citizen_id_qr(*scan.foreign);
          scan.foreign->assign(scan.foreign->size(), '\0');
          if (card) {
            log::info(kLog, "citizen ID card QR read");
            wanted_ = false;
            post(CitizenCardRead{std::move(*card)});
            break;
          }
        }
        if ((scan.foreign || scan.receipt) && now - last_foreign >= options_.foreign_repeat) {
          last_foreign = now;
          post(ForeignQrSeen{});
        }
        continue;
      }
      if (scan.receipt) {
        // Only the code is logged: the secret is what protects the dossier.
        log::info(kLog, "receipt QR read: " + scan.receipt->code);
        wanted_ = false;
        post(ReceiptScanned{std::move(*scan.receipt)});
        break;
      }
      if (scan.foreign && (*scan.foreign != last_foreign_text || now - last_foreign >= options_.foreign_repeat)) {
        last_foreign_text = *scan.foreign;
        last_foreign = now;
        post(ForeignQrSeen{});
      }
    }
    source_->close();
    {
      std::lock_guard lk(mutex_);
      preview_.rgb.clear();  // nothing of what the camera saw stays in memory
      preview_.width = preview_.height = 0;
    }
    log::info(kLog, "camera off");
  }
}

}  // namespace motcua::kiosk
