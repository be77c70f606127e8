#pragma once
// Dossier codes printed on receipts: `{agency id}-{yymmdd}-{NNNN}` (official,
// issued by the hub from a per-agency daily sequence), and provisional codes a
// kiosk issues while offline: `{agency id}-{yymmdd}-T{kiosk no}-{NNNN}`. The extra
// "T" segment means a provisional code can never equal an official one; the hub
// maps it to an official code and both keep resolving for lookup.
// The lookup secret is a short code printed next to it so codes cannot be
// enumerated to read other people's dossiers.

#include <optional>
#include <string>
#include <string_view>

#include "motcua/util/clock.hpp"
#include "motcua/util/error.hpp"

namespace motcua::domain {

struct DossierCode {
  std::string agency_id;     // e.g. "H41.26.01"
  int year = 0, month = 0, day = 0;  // receipt date (Vietnam time)
  std::optional<int> kiosk;  // set for provisional codes
  int sequence = 0;

  bool provisional() const { return kiosk.has_value(); }
  std::string str() const;
  friend bool operator==(const DossierCode&, const DossierCode&) = default;
};

// Agency ids: letters, digits and dots, 1–32 characters.
bool is_agency_id(std::string_view id);
Result<DossierCode> parse_dossier_code(std::string_view text);
DossierCode make_code(std::string_view agency_id, TimePoint received, int sequence,
                      std::optional<int> kiosk = std::nullopt);
// "yymmdd" of the Vietnam date: the key of per-agency daily code sequences.
std::string code_day(TimePoint t);

// Unambiguous alphabet: no 0/O, 1/I/L.
inline constexpr std::string_view kSecretAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
inline constexpr std::size_t kSecretLength = 4;

std::string generate_lookup_secret();
// Upper-cases and removes spaces; error if the result is not a valid secret.
Result<std::string> normalize_lookup_secret(std::string_view text);

// The receipt QR code: "MOTCUA1|{code}|{secret}".
std::string receipt_qr_payload(std::string_view code, std::string_view secret);
struct ReceiptQr {
  std::string code;
  std::string secret;
};
Result<ReceiptQr> parse_receipt_qr(std::string_view payload);

}  // namespace motcua::domain
