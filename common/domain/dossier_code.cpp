#include "motcua/domain/dossier_code.hpp"

#include <charconv>
#include <cstdio>
#include <vector>

#include "motcua/crypto/random.hpp"

namespace motcua::domain {

namespace {
bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

int to_int(std::string_view s) {
  int v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (;;) {
    const auto pos = s.find(sep, start);
    out.push_back(s.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return out;
}
}  // namespace

bool is_agency_id(std::string_view id) {
  if (id.empty() || id.size() > 32 || id.front() == '.' || id.back() == '.') return false;
  for (char c : id)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.'))
      return false;
  return true;
}

std::string DossierCode::str() const {
  char date[16];
  std::snprintf(date, sizeof date, "%02d%02d%02d", year % 100, month, day);
  char seq[16];
  std::snprintf(seq, sizeof seq, "%04d", sequence);
  std::string out = agency_id + "-" + date + "-";
  if (kiosk) {
    char k[16];
    std::snprintf(k, sizeof k, "T%02d-", *kiosk);
    out += k;
  }
  out += seq;
  return out;
}

Result<DossierCode> parse_dossier_code(std::string_view text) {
  // Trim spaces people type around codes.
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  const auto parts = split(text, '-');
  if (parts.size() != 3 && parts.size() != 4)
    return fail(Errc::invalid_argument,
                "a dossier code looks like AGENCY-YYMMDD-NNNN (e.g. H41.26.01-261130-0001)");
  DossierCode code;
  if (!is_agency_id(parts[0]))
    return fail(Errc::invalid_argument, "agency id \"" + std::string(parts[0]) +
                                            "\" may contain only letters, digits and dots");
  code.agency_id = std::string(parts[0]);
  const auto date = parts[1];
  if (date.size() != 6 || !all_digits(date))
    return fail(Errc::invalid_argument, "date part \"" + std::string(date) + "\" must be YYMMDD");
  code.year = 2000 + to_int(date.substr(0, 2));
  code.month = to_int(date.substr(2, 2));
  code.day = to_int(date.substr(4, 2));
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (code.month < 1 || code.month > 12 || code.day < 1 || code.day > kDays[code.month - 1])
    return fail(Errc::invalid_argument, "date part \"" + std::string(date) + "\" is not a valid date");
  const bool leap = (code.year % 4 == 0 && code.year % 100 != 0) || code.year % 400 == 0;
  if (code.month == 2 && code.day == 29 && !leap)
    return fail(Errc::invalid_argument, "date part \"" + std::string(date) + "\" is not a valid date");
  if (parts.size() == 4) {
    const auto k = parts[2];
    if (k.size() < 2 || (k[0] != 'T' && k[0] != 't') || !all_digits(k.substr(1)) || k.size() > 5)
      return fail(Errc::invalid_argument, "kiosk part \"" + std::string(k) + "\" must be T followed by digits");
    code.kiosk = to_int(k.substr(1));
  }
  const auto seq = parts.back();
  if (seq.size() < 4 || seq.size() > 7 || !all_digits(seq))
    return fail(Errc::invalid_argument, "sequence \"" + std::string(seq) + "\" must be 4 to 7 digits");
  code.sequence = to_int(seq);
  if (code.sequence == 0) return fail(Errc::invalid_argument, "sequence starts at 0001");
  return code;
}

DossierCode make_code(std::string_view agency_id, TimePoint received, int sequence,
                      std::optional<int> kiosk) {
  const auto vn = to_vietnam(received);
  DossierCode c;
  c.agency_id = std::string(agency_id);
  c.year = vn.year;
  c.month = vn.month;
  c.day = vn.day;
  c.sequence = sequence;
  c.kiosk = kiosk;
  return c;
}

std::string code_day(TimePoint t) {
  const auto vn = to_vietnam(t);
  char day[8];
  std::snprintf(day, sizeof day, "%02d%02d%02d", vn.year % 100, vn.month, vn.day);
  return day;
}

std::string generate_lookup_secret() {
  std::string out;
  for (std::size_t i = 0; i < kSecretLength; ++i)
    out.push_back(kSecretAlphabet[crypto::random_below(static_cast<std::uint32_t>(kSecretAlphabet.size()))]);
  return out;
}

Result<std::string> normalize_lookup_secret(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == ' ' || c == '-') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    out.push_back(c);
  }
  if (out.size() != kSecretLength)
    return fail(Errc::invalid_argument, "the lookup secret has " + std::to_string(kSecretLength) + " characters");
  for (char c : out)
    if (kSecretAlphabet.find(c) == std::string_view::npos)
      return fail(Errc::invalid_argument, std::string("the lookup secret cannot contain '") + c + "'");
  return out;
}

std::string receipt_qr_payload(std::string_view code, std::string_view secret) {
  std::string out = "MOTCUA1|";
  out += code;
  out += '|';
  out += secret;
  return out;
}

Result<ReceiptQr> parse_receipt_qr(std::string_view payload) {
  const auto parts = split(payload, '|');
  if (parts.size() != 3 || parts[0] != "MOTCUA1")
    return fail(Errc::invalid_argument, "not a motcua receipt QR code");
  auto code = parse_dossier_code(parts[1]);
  if (!code) return fail(code.error());
  auto secret = normalize_lookup_secret(parts[2]);
  if (!secret) return fail(secret.error());
  return ReceiptQr{code->str(), *secret};
}

}  // namespace motcua::domain
