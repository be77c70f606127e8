#include "motcua/domain/citizen_id.hpp"

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
  if (digits.size() != 12) return fail(Errc::invalid_argument, "an ID number has 12 digits");
  const int province = std::stoi(digits.substr(0, 3));
  if (province < 1 || province > 96)
    return fail(Errc::invalid_argument, "an ID number starts with a province code 001–096");
  const int century_sex = digits[3] - '0';
  if (birth_date) {
    const int century = birth_date->year / 100 - 19;  // 0 for 1900–1999
    if (century < 0 || century > 4 || century_sex / 2 != century)
      return fail(Errc::invalid_argument, "the ID number's 4th digit does not match the birth year's century");
    if (std::stoi(digits.substr(4, 2)) != birth_date->year % 100)
      return fail(Errc::invalid_argument, "the ID number's 5th and 6th digits are not the birth year's last two");
  }
  if (sex && (century_sex % 2 == 1) != (*sex == Sex::female))
    return fail(Errc::invalid_argument, "the ID number's 4th digit does not match the sex");
  return digits;
}

}  // namespace motcua::domain
