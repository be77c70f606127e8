#pragma once
// QR code bitmaps with ZXing (receipts: domain::receipt_qr_payload). The App
// turns the pixels into a texture; this part has no SDL so it is testable.

#include <cstdint>
#include <string_view>
#include <vector>

#include "motcua/util/error.hpp"

namespace motcua::kiosk {

struct QrImage {
  int width = 0, height = 0;
  std::vector<std::uint8_t> rgba;  // black modules on white, with a quiet zone
};

// module_px: pixels per module (nearest-neighbour, so the code stays crisp).
Result<QrImage> make_qr(std::string_view payload, int module_px);

}  // namespace motcua::kiosk
