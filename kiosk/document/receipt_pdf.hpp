#pragma once
// The receipt as a PDF for an A4 or A5 printer (CUPS): laid out like form 01 of
// Circular 03/2025/TT-VPCP, "Giấy tiếp nhận hồ sơ và hẹn trả kết quả", with
// what a kiosk adds to it — the lookup secret and QR code, the fee and how to
// pay it (a VietQR code for a bank transfer), the agency's contacts. The text
// is ours, Vietnamese with its marks, set in Noto Sans embedded in the PDF
// (libharu, UTF-8 encoder).
//
// The input is a plain struct, filled by whoever prints (the receipt screen);
// nothing here reads UI state, clocks or catalogs.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "motcua/domain/catalog.hpp"
#include "motcua/domain/service_rules.hpp"
#include "motcua/util/clock.hpp"
#include "motcua/util/error.hpp"

namespace motcua::document {

// Form 01, item 1: a document handed in, with its counts.
struct ReceiptDocument {
  std::string name;  // "Tờ khai đăng ký khai sinh"
  int originals = 0, copies = 0;
  int pages = 0;     // scanned pages; 0 = not scanned (paper only)
};

struct ReceiptFee {
  std::int64_t amount_vnd = 0;  // 0: no fee
  std::string note;             // "Miễn lệ phí nếu nộp đúng hạn"; empty = none
  std::optional<domain::PaymentMethod> method;
  // Bank transfer: the VietQR payload (domain::build_vietqr), the agency's
  // account and the purpose the payer types if not scanning.
  std::string vietqr_payload;
  std::optional<domain::BankAccount> account;
  std::string transfer_purpose;
};

struct FormReceipt {
  std::string parent_agency;  // the line above the agency: "UBND TỈNH PHÚ THỌ"; empty = none
  domain::Agency agency;      // name, address, phone, email, hours (the contacts printed at the foot)
  std::string place;          // before the date: "Tân Lạc, ngày 05 tháng 03 năm 2026"; empty = none
  std::string dossier_code;
  bool provisional = false;   // a code the kiosk issued offline
  std::string lookup_secret;  // the QR code carries domain::receipt_qr_payload(code, secret)
  std::string service_name, service_code;
  std::string applicant_name;   // as declared; printed masked (domain::mask_name)
  std::string applicant_phone;  // printed masked (domain::mask_phone); empty = none
  std::vector<ReceiptDocument> documents;
  int sets = 1;                  // item 2: number of sets
  std::string processing_time;   // item 3: "03 ngày làm việc"
  TimePoint received;            // item 4
  std::optional<TimePoint> appointment;  // item 5: from the working-time calendar; none = announced later
  std::optional<domain::ResultDelivery> delivery;  // item 6
  std::string result_place;      // item 6: the desk, or the postal address
  ReceiptFee fee;
  std::string ledger_book, ledger_number;  // "Vào Sổ theo dõi hồ sơ"; empty = not printed
  std::string officer_name;      // empty: received at the self-service kiosk
};

enum class ReceiptPaper { a4, a5 };

struct ReceiptFontFiles {
  std::filesystem::path regular = "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf";
  std::filesystem::path bold = "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf";
  std::filesystem::path italic = "/usr/share/fonts/truetype/noto/NotoSans-Italic.ttf";
};

// Errors: no dossier code or secret (invalid_argument), a font file missing
// (not_found, naming the file and fonts-noto-core), a QR payload too long
// (invalid_argument), libharu failures (internal). Long lists of documents
// continue on further pages; the agency's contacts close every page.
Result<std::vector<std::uint8_t>> render_receipt_pdf(const FormReceipt& receipt, ReceiptPaper paper,
                                                     const ReceiptFontFiles& fonts = {});

// render_receipt_pdf, written durably (temporary file, fsync, rename).
Result<void> write_receipt_pdf(const std::filesystem::path& path, const FormReceipt& receipt, ReceiptPaper paper,
                               const ReceiptFontFiles& fonts = {});

// The agency's contacts as the receipt's foot prints them: "Địa chỉ: …",
// "Điện thoại: …", "Email: …", "Giờ làm việc: …" (the empty ones left out),
// joined by `separator`, after `first` when it is not empty.
std::string agency_contacts(const domain::Agency& agency, std::string_view separator, std::string first = {});

// Form 01, items 4 and 5: "10 giờ 32 phút, ngày 05 tháng 03 năm 2026" (Vietnam time).
std::string form01_time(TimePoint t);
// 8000 → "8.000 đồng" (Vietnamese digit grouping).
std::string format_vnd_amount(std::int64_t amount);

}  // namespace motcua::document
