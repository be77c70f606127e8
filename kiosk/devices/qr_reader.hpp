#pragma once
// Finds QR codes in a camera frame (ZXing-C++ 1.4) and tells a receipt's code
// ("MOTCUA1|code|secret", domain::parse_receipt_qr) from any other QR code a
// citizen might hold up (a bank transfer, a web address).

#include <optional>
#include <string>
#include <vector>

#include "devices/camera.hpp"
#include "motcua/domain/dossier_code.hpp"

namespace motcua::kiosk {

// The texts of the QR codes in the frame (usually none or one).
std::vector<std::string> read_qr_codes(const Frame& frame);

struct QrScan {
  std::optional<domain::ReceiptQr> receipt;  // a receipt was in view
  std::optional<std::string> foreign;        // a QR code that is not a receipt (its text)
};

// Reads the frame: a receipt wins over other codes in the same frame.
QrScan scan_receipt(const Frame& frame);

}  // namespace motcua::kiosk
