#pragma once
// QR codes as printer dots (ZXing-C++): the receipt's lookup code and the
// VietQR code for a fee paid by bank transfer.

#include <string_view>

#include "motcua/util/error.hpp"
#include "print/mono_bitmap.hpp"

namespace motcua::print {

// module_dots: dots per module. At 203 dpi, 6 dots (0.75 mm) scan from a
// phone held at a comfortable distance. The image includes the 4-module quiet
// zone ISO/IEC 18004 asks for. Error correction level M.
Result<MonoBitmap> qr_bitmap(std::string_view payload, int module_dots);

}  // namespace motcua::print
