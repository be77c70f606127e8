#pragma once
// A filled-in form 01 receipt for tests: a birth registration at a commune in
// Phú Thọ, paid by bank transfer, with a VietQR code.

#include "document/receipt_pdf.hpp"

namespace motcua::test {

document::FormReceipt sample_receipt();

}  // namespace motcua::test
