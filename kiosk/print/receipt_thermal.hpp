#pragma once
// The dossier receipt on an 80 mm thermal printer: the same content as the
// A4/A5 PDF (document::FormReceipt, Circular 03/2025 form 01 plus what a kiosk
// adds — lookup secret and QR code, fee and how to pay, a VietQR code for a
// bank transfer, the agency's contacts) laid out as one narrow column of
// ReceiptBlocks, then rasterised and framed as ESC/POS.
//
//   FormReceipt ──thermal_receipt_blocks──▶ ReceiptBlocks ──render_receipt──▶ MonoBitmap ──encode_escpos──▶ bytes
//
// Vietnamese first, with its marks; English only on the title and the two
// labels a foreign resident needs to find again (the code and the secret).

#include <cstdint>
#include <vector>

#include "document/receipt_pdf.hpp"
#include "motcua/util/error.hpp"
#include "print/escpos.hpp"
#include "print/receipt_raster.hpp"

namespace motcua::print {

struct ThermalReceiptOptions {
  Paper paper{};  // 80 mm: 576 dots, 8-dot margins
  // Dots per QR module at 203 dpi. The lookup code is short (version 3–4):
  // 6 dots (0.75 mm) scan from a kiosk camera and a phone. The VietQR payload
  // is longer (version 6–7): 5 dots keep it under 40 mm wide.
  int lookup_qr_module_dots = 6;
  int vietqr_module_dots = 5;
  // Body text size in dots per em (24 ≈ 3 mm); headings and the code are larger.
  int body_size = 24;
};

// The receipt's lines. Errors: no dossier code or secret (invalid_argument),
// a QR payload that does not fit a QR code or a QR code wider than the paper
// (invalid_argument).
Result<std::vector<ReceiptBlock>> thermal_receipt_blocks(const document::FormReceipt& receipt,
                                                        const ThermalReceiptOptions& options = {});

// thermal_receipt_blocks → render_receipt: the receipt as printer dots.
Result<MonoBitmap> render_thermal_receipt(const document::FormReceipt& receipt, ReceiptFonts fonts,
                                          const ThermalReceiptOptions& options = {});

// render_thermal_receipt → encode_escpos: the bytes for the printer (ESC @,
// GS v 0 bands, feed, cut).
Result<std::vector<std::uint8_t>> thermal_receipt_escpos(const document::FormReceipt& receipt, ReceiptFonts fonts,
                                                         const ThermalReceiptOptions& options = {},
                                                         const EscPosOptions& escpos = {});

}  // namespace motcua::print
