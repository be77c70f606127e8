#include "motcua/domain/citizen_id_qr.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <exception>
#include <vector>

#include "motcua/text/utf8.hpp"
#include "motcua/text/vietnamese_case.hpp"

namespace motcua::domain {

namespace {

// A CCCD QR holds about 150–250 bytes; a QR code holds at most 2953. Anything
// longer than this is some other document.
constexpr std::size_t kMaxPayload = 1024;
constexpr std::size_t kMaxFields = 16;  // trailing empty fields beyond 7 are tolerated up to here

// Province codes of Circular 07/2016/TT-BCA (the GSO codes of the 63 provinces).
constexpr std::array<int, 63> kProvinceCodes = {
    1,  2,  4,  6,  8,  10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33,
    34, 35, 36, 37, 38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66,
    67, 68, 70, 72, 74, 75, 77, 79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96,
};

constexpr std::string_view kNotCccd = "not a CCCD QR code: ";

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool all_digits(std::string_view s) { return std::all_of(s.begin(), s.end(), is_digit); }

int digits_value(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

// ASCII white space and NBSP (U+00A0, C2 A0) at either end.
std::string_view trim(std::string_view s) {
  for (;;) {
    if (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
      s.remove_prefix(1);
    else if (s.size() >= 2 && s[0] == '\xC2' && s[1] == '\xA0')
      s.remove_prefix(2);
    else
      break;
  }
  for (;;) {
    if (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
      s.remove_suffix(1);
    else if (s.size() >= 2 && s[s.size() - 2] == '\xC2' && s.back() == '\xA0')
      s.remove_suffix(2);
    else
      break;
  }
  return s;
}

std::string field_name(std::size_t index) {
  static constexpr std::string_view kNames[] = {"ID number", "old ID number", "full name", "birth date",
                                                "sex",       "address",       "issue date"};
  return "field " + std::to_string(index + 1) + " (" + std::string(kNames[index]) + ")";
}

std::string two(int v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d", v);
  return buf;
}

// ddMMyyyy. The error names the date only when it has the right shape but
// cannot exist: "31/02/1990" says what is wrong and is no more than the card
// prints on its face.
Result<calendar::CivilDate> parse_card_date(std::string_view text, std::size_t index) {
  if (text.size() != 8 || !all_digits(text))
    return fail(Errc::invalid_argument, field_name(index) + " is not a date of 8 digits ddMMyyyy");
  const calendar::CivilDate d{digits_value(text.substr(4, 4)), digits_value(text.substr(2, 2)),
                              digits_value(text.substr(0, 2))};
  if (!calendar::is_valid(d))
    return fail(Errc::invalid_argument, field_name(index) + ": " + two(d.day) + "/" + two(d.month) + "/" +
                                            std::to_string(d.year) + " is not a date");
  if (d.year < 1900)
    return fail(Errc::invalid_argument, field_name(index) + ": year " + std::to_string(d.year) +
                                            " is before 1900, the earliest a CCCD number can encode");
  return d;
}

Result<Sex> parse_sex(std::string_view text) {
  const std::string lower = text::to_lower(text);
  if (lower == "nam") return Sex::male;
  if (lower == "nữ") return Sex::female;
  return fail(Errc::invalid_argument, field_name(4) + " is neither \"Nam\" nor \"Nữ\"");
}

bool has_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7F;
  });
}

Result<CitizenIdCard> parse(std::string_view payload) {
  if (payload.size() > kMaxPayload)
    return fail(Errc::invalid_argument, std::string(kNotCccd) + "longer than " + std::to_string(kMaxPayload) +
                                            " bytes");
  if (payload.substr(0, 3) == "\xEF\xBB\xBF") payload.remove_prefix(3);  // UTF-8 BOM
  payload = trim(payload);
  if (payload.empty()) return fail(Errc::invalid_argument, std::string(kNotCccd) + "the code is empty");
  if (payload.find('|') == std::string_view::npos)
    return fail(Errc::invalid_argument, std::string(kNotCccd) + "it has no '|'-separated fields");
  if (!utf8::valid(payload))
    return fail(Errc::invalid_argument, std::string(kNotCccd) + "the text is not valid UTF-8");

  std::vector<std::string_view> fields;
  std::size_t start = 0;
  for (;;) {
    const std::size_t bar = payload.find('|', start);
    fields.push_back(trim(payload.substr(start, bar == std::string_view::npos ? bar : bar - start)));
    if (bar == std::string_view::npos) break;
    start = bar + 1;
    if (fields.size() > kMaxFields)
      return fail(Errc::invalid_argument, std::string(kNotCccd) + "more than " + std::to_string(kMaxFields) +
                                              " fields");
  }
  while (fields.size() > 6 && fields.back().empty()) fields.pop_back();
  if (fields.size() != 6 && fields.size() != 7)
    return fail(Errc::invalid_argument, std::string(kNotCccd) + "it has " + std::to_string(fields.size()) +
                                            " fields, a CCCD QR has 7 (or 6 without the issue date)");
  for (std::size_t i = 0; i < fields.size(); ++i)
    if (has_control(fields[i]))
      return fail(Errc::invalid_argument, field_name(i) + " holds a control character");

  CitizenIdCard card;
  const std::string_view id = fields[0];
  if (id.size() != 12 || !all_digits(id))
    return fail(Errc::invalid_argument, std::string(kNotCccd) + field_name(0) + " is " +
                                            (all_digits(id) ? std::to_string(id.size()) + " digits" : "not all digits") +
                                            ", a CCCD number is 12 digits");
  card.id_number = std::string(id);

  if (!fields[1].empty()) {
    if ((fields[1].size() != 9 && fields[1].size() != 12) || !all_digits(fields[1]))
      return fail(Errc::invalid_argument, field_name(1) + " is neither empty nor a CMND number of 9 or 12 digits");
    card.old_id = std::string(fields[1]);
  }

  card.full_name = text::name_title_case(fields[2]);
  if (card.full_name.empty()) return fail(Errc::invalid_argument, field_name(2) + " is empty");
  if (std::any_of(card.full_name.begin(), card.full_name.end(), is_digit))
    return fail(Errc::invalid_argument, field_name(2) + " holds digits; a name has none");

  auto birth = parse_card_date(fields[3], 3);
  if (!birth) return fail(birth.error());
  card.birth_date = *birth;

  auto sex = parse_sex(fields[4]);
  if (!sex) return fail(sex.error());
  card.sex = *sex;

  card.address = text::collapse_spaces(text::vietnamese_nfc(fields[5]));
  if (card.address.empty()) return fail(Errc::invalid_argument, field_name(5) + " is empty");

  if (fields.size() == 7) {
    auto issued = parse_card_date(fields[6], 6);
    if (!issued) return fail(issued.error());
    if (*issued < card.birth_date)
      return fail(Errc::invalid_argument, field_name(6) + " is before the birth date");
    card.issue_date = *issued;
  }

  if (auto ok = check_citizen_id_number(card.id_number, card.birth_date.year, card.sex); !ok)
    return fail(Errc::invalid_argument, field_name(0) + " does not match the card: " + ok.error().message);
  return card;
}

}  // namespace

bool is_citizen_id_province_code(int code) noexcept {
  return std::binary_search(kProvinceCodes.begin(), kProvinceCodes.end(), code);
}

Result<CitizenIdCard> parse_citizen_id_qr(std::string_view payload) noexcept {
  try {
    return parse(payload);
  } catch (const std::exception&) {  // std::bad_alloc: nothing else throws here
    return fail(Errc::internal, "out of memory while reading a CCCD QR code");
  }
}

Result<void> check_citizen_id_number(std::string_view id, std::optional<int> birth_year,
                                     std::optional<Sex> sex) noexcept {
  try {
    if (id.size() != 12 || !all_digits(id))
      return fail(Errc::invalid_argument, "a CCCD number is 12 digits (this has " + std::to_string(id.size()) +
                                              (all_digits(id) ? " digits)" : " characters, not all digits)"));
    const int province = digits_value(id.substr(0, 3));
    if (!is_citizen_id_province_code(province))
      return fail(Errc::invalid_argument,
                  "the first three digits " + std::string(id.substr(0, 3)) + " are not a province code");
    const int code = id[3] - '0';
    const int century_from = 1900 + 100 * (code / 2);
    const Sex coded_sex = code % 2 == 0 ? Sex::male : Sex::female;
    if (sex && *sex != coded_sex)
      return fail(Errc::invalid_argument, "the fourth digit " + std::string(1, id[3]) + " is for a " +
                                              (coded_sex == Sex::male ? "man" : "woman"));
    if (birth_year) {
      if (*birth_year < century_from || *birth_year >= century_from + 100)
        return fail(Errc::invalid_argument, "the fourth digit " + std::string(1, id[3]) + " is for a birth year in " +
                                                std::to_string(century_from) + "–" +
                                                std::to_string(century_from + 99));
      if (digits_value(id.substr(4, 2)) != *birth_year % 100)
        return fail(Errc::invalid_argument, "the fifth and sixth digits " + std::string(id.substr(4, 2)) +
                                                " are not the last two digits of the birth year");
    }
    return {};
  } catch (const std::exception&) {
    return fail(Errc::internal, "out of memory while checking a CCCD number");
  }
}

bool plausible_citizen_id(std::string_view id, std::optional<int> birth_year, std::optional<Sex> sex) noexcept {
  return check_citizen_id_number(id, birth_year, sex).has_value();
}

}  // namespace motcua::domain
