#pragma once
// VietQR: the NAPAS bank-transfer QR code every Vietnamese banking app scans.
// It is an EMVCo merchant-presented QR payload (EMV QRCPS-MPM) whose
// merchant account template 38 names a beneficiary account:
//
//   00 payload format "01"            01 point of initiation: "11" static, "12" dynamic
//   38 { 00 GUID "A000000727"  01 { 00 BIN  01 account }  02 "QRIBFTTA" (account) / "QRIBFTTC" (card) }
//   53 "704" (VND)   54 amount (optional)   58 "VN"   62 { 08 purpose (optional) }
//   63 CRC-16/CCITT-FALSE over everything before it, including "6304"; 4 upper-case hex digits
//
// Every data object is ID (2 digits) + length (2 digits, 01–99) + value. The
// fields are EMVCo "ans" (printable ASCII): Vietnamese letters must be stripped
// of their marks (to_emv_text) before they go in. docs/vietqr.md explains the
// choices (why the purpose is the dossier code, what a kiosk shows next to the code).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "motcua/domain/catalog.hpp"
#include "motcua/util/error.hpp"

namespace motcua::domain {

inline constexpr std::string_view kNapasGuid = "A000000727";
// EMVCo limits: a value is at most 99 characters; the transaction amount at
// most 13; a purpose of transaction (62/08) at most 25.
inline constexpr std::size_t kEmvMaxValue = 99;
inline constexpr std::size_t kEmvMaxAmountDigits = 13;
inline constexpr std::size_t kEmvMaxPurpose = 25;
inline constexpr std::size_t kVietQrMaxAccount = 19;

// CRC-16/CCITT-FALSE (ISO/IEC 13239: poly 0x1021, init 0xFFFF, no reflection,
// no final xor). crc16_ccitt_false("123456789") == 0x29B1.
std::uint16_t crc16_ccitt_false(std::string_view data);

enum class TransferTo { account, card };  // service code QRIBFTTA / QRIBFTTC

// What a VietQR code asks the payer's bank to do.
struct VietQrTransfer {
  std::string bin;      // beneficiary bank, 6 digits
  std::string account;  // account (or card) number
  TransferTo to = TransferTo::account;
  // Whole đồng. Set: a dynamic code (01 = "12") with the amount filled in;
  // absent: a static code, the payer types the amount.
  std::optional<std::int64_t> amount;
  std::string purpose;  // 62/08, shown to the payer and to the agency's accountant; empty = none
  friend bool operator==(const VietQrTransfer&, const VietQrTransfer&) = default;
};

// The payload text for the QR code. Refuses (Errc::invalid_argument, saying
// which field and why) a BIN that is not 6 digits, an account that is not 1–19
// letters or digits, an amount ≤ 0 or longer than 13 digits, and a purpose
// longer than 25 characters or outside printable ASCII.
Result<std::string> build_vietqr(const VietQrTransfer& transfer);

// The purpose of transaction for a dossier's fee: the dossier code, so the
// agency matches the payment to the dossier on its bank statement. A code
// longer than EMVCo's 25 characters (a provisional code of an agency with a
// four-part id, "H44.27.05.01-251130-T01-0001") loses the dots of its agency id
// ("H44270501-251130-T01-0001"); the receipt prints this same text next to the
// QR code for payers who type the transfer by hand. Error if still too long.
Result<std::string> dossier_transfer_purpose(std::string_view dossier_code);

// The transfer for a dossier's fee: the agency's published account, the
// amount in đồng and dossier_transfer_purpose(dossier_code).
Result<VietQrTransfer> dossier_fee_transfer(const BankAccount& account, std::int64_t amount_vnd,
                                            std::string_view dossier_code);

// One data object of an EMVCo payload (or of a template's value).
struct EmvField {
  std::string id;  // "00".."99"
  std::string value;
  std::size_t offset = 0;  // of the ID within the parsed text
};

// Splits text into ID/length/value objects, one level deep. Errors name the
// offset: "offset 12: length \"5x\" is not two digits", "offset 40: field 62
// says 23 characters but only 9 remain".
Result<std::vector<EmvField>> parse_emv_fields(std::string_view text);

struct ParsedVietQr {
  VietQrTransfer transfer;
  bool dynamic = false;  // 01 = "12"
  std::uint16_t crc = 0;
  std::vector<EmvField> fields;  // the root data objects in payload order, 63 included
};

// Reads a VietQR payload: checks it is printable ASCII, the TLV structure at
// the root and in templates 38 and 62, the CRC (field 63, last, 4 hex digits),
// the payload format, the NAPAS GUID, BIN, account, service code, currency
// (704) and country (VN). IDs it does not use (52 MCC, 59 name, …) are kept in
// `fields` and otherwise ignored. Errors are invalid_argument with a message a
// member of staff can act on ("CRC mismatch: payload says 1234, computed C15C").
Result<ParsedVietQr> parse_vietqr(std::string_view payload);

// Checks an agency's published account can be put in a VietQR code.
Result<void> check_bank_account(const BankAccount& account);

// Vietnamese text → EMVCo "ans" text: tone and letter marks stripped, case
// kept ("Nộp phí Đăng ký" → "Nop phi Dang ky"), typographic dashes and quotes
// replaced by ASCII ones. Refuses characters with no ASCII form (₫, 中).
Result<std::string> to_emv_text(std::string_view text);

}  // namespace motcua::domain
