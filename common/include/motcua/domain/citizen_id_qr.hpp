#pragma once
// The QR code printed on the chip citizen identity card [Căn cước công dân gắn
// chip, CCCD] and on the identity card [Căn cước] that replaced it in 2024.
// The kiosk reads it to fill in the applicant's name, ID number, birth date
// and address instead of making them type them.
//
// Payload: '|'-separated, in this order (UTF-8):
//   1 ID number, 12 digits          2 old 9-digit ID [CMND] (may be empty)
//   3 full name                     4 birth date ddMMyyyy
//   5 sex "Nam" / "Nữ"              6 permanent address [nơi thường trú]
//   7 issue date ddMMyyyy           (absent on some cards: the 6-field variant)
//
// Privacy (Decree 13/2023 on personal data protection; ../shared/DOMAIN.md):
// never store, log or echo the raw payload. The parser keeps only views into
// the caller's text while it runs, and its error messages name the field and
// the problem, never the field's value.
//
// The 12-digit number (Decree 137/2015 art. 7, codes in Circular 07/2016/TT-BCA,
// now Circular 59/2021/TT-BCA): digits 1–3 the province where the birth was
// registered, digit 4 century and sex (0/1 born 1900–1999 male/female, 2/3
// 2000–2099, 4/5 2100–2199 …), digits 5–6 the last two digits of the birth
// year, digits 7–12 a random number.
//
// citizen_id.hpp holds Sex and validate_citizen_id (the hub's check of a typed
// number, which also strips spaces). check_citizen_id_number below is the
// stricter check this parser applies — the province code must be one of the
// list, not just 001–096 — and says which digit is wrong, for the kiosk's ID
// field.

#include <optional>
#include <string>
#include <string_view>

#include "motcua/calendar/civil_date.hpp"
#include "motcua/domain/citizen_id.hpp"
#include "motcua/util/error.hpp"

namespace motcua::domain {

struct CitizenIdCard {
  std::string id_number;              // 12 ASCII digits
  std::optional<std::string> old_id;  // the 9-digit (or 12-digit) CMND number, when printed
  std::string full_name;              // NFC, spaces collapsed, title case: "Nguyễn Văn A"
  calendar::CivilDate birth_date;
  Sex sex = Sex::male;
  std::string address;  // NFC, spaces collapsed, case as printed
  std::optional<calendar::CivilDate> issue_date;

  friend bool operator==(const CitizenIdCard&, const CitizenIdCard&) = default;
};

// Reads a CCCD QR payload. Tolerates a UTF-8 BOM, white space (CR, LF) around
// the payload and around fields, trailing empty fields, the 6-field variant,
// any case of the name and of the sex ("NAM", "nữ", NFD "Nữ"). Checks the ID
// number against the birth date and sex (century digit, year digits, province
// code). Refuses with Errc::invalid_argument and a message that says what is
// wrong without quoting the payload ("not a CCCD QR code: …", "field 4 (birth
// date): 31/02/1990 is not a date" — dates are the only values named, and only
// when they are impossible). Never throws on any input (fuzzed in the tests).
Result<CitizenIdCard> parse_citizen_id_qr(std::string_view payload) noexcept;

// The province (by its Decree 137/2015 / Circular 07/2016 code, e.g. 1 Hà Nội,
// 25 Phú Thọ, 79 Hồ Chí Minh) a CCCD number's first three digits name: the 63
// provinces before the 2025 merger. Numbers issued before the merger keep their
// code, and the 34 merged provinces kept codes of this list, so this list
// stays the set of valid codes (check when the Ministry publishes otherwise).
bool is_citizen_id_province_code(int code) noexcept;

// Why a typed 12-digit ID number cannot be right (empty value: it can be).
// Checks: 12 ASCII digits, a province code, and — when given — that digit 4
// (century and sex) and digits 5–6 (year) agree with the birth year and sex.
// Messages name the rule ("the first three digits 099 are not a province
// code"), fit for the kiosk's ID field and for staff.
Result<void> check_citizen_id_number(std::string_view id, std::optional<int> birth_year = std::nullopt,
                                     std::optional<Sex> sex = std::nullopt) noexcept;

// check_citizen_id_number(...).has_value().
bool plausible_citizen_id(std::string_view id, std::optional<int> birth_year = std::nullopt,
                          std::optional<Sex> sex = std::nullopt) noexcept;

}  // namespace motcua::domain
