#pragma once
// The camera's device thread, shaped like ScanService: the status screen asks
// for the camera while its "scan the receipt's QR code" mode is open and keeps
// drawing; what the camera saw comes back through drain() at the start of a
// frame, and a small preview picture through preview_since(). Closed, the
// thread sleeps on a condition variable and the camera is off (idle CPU ≈ 0).

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "devices/camera.hpp"
#include "motcua/domain/citizen_id_qr.hpp"
#include "motcua/domain/dossier_code.hpp"

namespace motcua::kiosk {

// A receipt's QR code was read; the camera has stopped.
struct ReceiptScanned {
  domain::ReceiptQr receipt;
};
// The chip citizen ID card's QR code was read and parsed (the raw payload
// never leaves the camera thread); the camera has stopped.
struct CitizenCardRead {
  domain::CitizenIdCard card;
};
// A QR code that is not what is looked for is in view; the camera keeps looking.
struct ForeignQrSeen {};
// The camera could not be opened or stopped working; it is off.
struct CameraFailed {
  CameraError error;
};
using CameraEvent = std::variant<ReceiptScanned, CitizenCardRead, ForeignQrSeen, CameraFailed>;

// What the camera looks for.
enum class CameraPurpose { receipt, citizen_card };

// A small RGB24 copy of the latest frame for the screen, so the UI thread never
// converts or scales.
struct CameraPreview {
  std::uint64_t serial = 0;  // increases with every new picture
  int width = 0, height = 0;
  std::vector<std::uint8_t> rgb;
};

struct CameraServiceOptions {
  // Shortest time between two decodes (a V4L2 camera delivers ~30 frames a
  // second; a few decodes a second are enough for a hand holding a receipt).
  std::chrono::milliseconds decode_interval{100};
  // Preview: width in pixels (0 = none) and how often it is refreshed.
  int preview_width = 320;
  std::chrono::milliseconds preview_interval{200};
  // The same foreign QR code is reported again only after this long.
  std::chrono::milliseconds foreign_repeat{3000};
};

class CameraService {
 public:
  CameraService(std::unique_ptr<FrameSource> source, std::function<void()> wake_ui,
                CameraServiceOptions options = {});
  ~CameraService();
  CameraService(const CameraService&) = delete;
  CameraService& operator=(const CameraService&) = delete;

  // Opens the camera (on the camera thread) and looks for a receipt QR code
  // (or the ID card's) until one is read, stop() is called, or the camera fails.
  void start(CameraPurpose purpose = CameraPurpose::receipt);
  void stop();
  // Whether the camera is wanted (start() called and not finished since).
  bool active() const { return wanted_.load(); }

  std::vector<CameraEvent> drain();
  // The newest preview if it is newer than `seen`.
  std::optional<CameraPreview> preview_since(std::uint64_t seen) const;

 private:
  void run(std::stop_token stop);
  void post(CameraEvent e);
  void make_preview(const Frame& frame);

  std::unique_ptr<FrameSource> source_;
  std::function<void()> wake_ui_;
  CameraServiceOptions options_;
  std::atomic<bool> wanted_{false};
  std::atomic<CameraPurpose> purpose_{CameraPurpose::receipt};
  mutable std::mutex mutex_;
  std::condition_variable_any cv_;
  std::vector<CameraEvent> events_;
  CameraPreview preview_;
  std::jthread thread_;  // last: joins before the members above go away
};

}  // namespace motcua::kiosk
