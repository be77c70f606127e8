#include "motcua/domain/citizen_id.hpp"

#include "motcua/domain/citizen_id_qr.hpp"

namespace motcua::domain {

std::string_view to_string(Sex s) { return s == Sex::female ? "female" : "male"; }

std::optional<Sex> sex_from_string(std::string_view s) {
  if (s == "male") return Sex::male;
  if (s == "female") return Sex::female;
  return std::nullopt;
}

Result<std::string> validate_citizen_id(std::string_view id, std::optional<calendar::CivilDate> birth_date,
                                        std::optional<Sex> sex) {
  std::string digits;
  for (char c : id) {
    if (c == ' ') continue;
    if (c < '0' || c > '9') return fail(Errc::invalid_argument, "an ID number has digits only");
    digits.push_back(c);
  }
  // One rule for the number, wherever it comes from: typed here or read from
  // the card's QR code (citizen_id_qr.hpp, the 63 province codes).
  const std::optional<int> year = birth_date ? std::optional<int>(birth_date->year) : std::nullopt;
  if (auto ok = check_citizen_id_number(digits, year, sex); !ok) return fail(ok.error());
  return digits;
}

}  // namespace motcua::domain
