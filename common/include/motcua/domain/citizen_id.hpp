#pragma once
// The 12-digit personal identification number printed on the chip citizen ID
// card [căn cước / CCCD], and the applicant's sex as the card states it.
// Parsing the card's QR payload is a separate concept (citizen_id_qr.hpp).

#include <optional>
#include <string>
#include <string_view>

#include "motcua/calendar/civil_date.hpp"
#include "motcua/util/error.hpp"

namespace motcua::domain {

enum class Sex { male /* Nam */, female /* Nữ */ };

std::string_view to_string(Sex);                       // "male" | "female" (wire and form values)
std::optional<Sex> sex_from_string(std::string_view);  // the same keys

// Structure of the number (Circular 59/2021/TT-BCA art. 7, as Circular
// 07/2016/TT-BCA before it): 3 digits for the province where the birth was
// registered (001–096), 1 digit for century and sex (1900s: 0 male, 1 female;
// 2000s: 2/3; 2100s: 4/5; 2200s: 6/7; 2300s: 8/9), 2 digits for the last two of
// the birth year, 6 random digits.
//
// Spaces are tolerated and removed; returns the 12 digits. The number itself
// is checked by check_citizen_id_number (citizen_id_qr.hpp), the one rule the
// kiosk's typed ID, the card's QR code and the hub share. When a birth date
// and/or sex are given, the century/sex digit and the year digits must agree
// with them (a typo in either is caught before the dossier leaves the kiosk).
Result<std::string> validate_citizen_id(std::string_view id,
                                        std::optional<calendar::CivilDate> birth_date = std::nullopt,
                                        std::optional<Sex> sex = std::nullopt);

}  // namespace motcua::domain
