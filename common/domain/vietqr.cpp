#include "motcua/domain/vietqr.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include "motcua/text/fold.hpp"
#include "motcua/text/utf8.hpp"

namespace motcua::domain {

namespace {

constexpr std::string_view kServiceAccount = "QRIBFTTA";
constexpr std::string_view kServiceCard = "QRIBFTTC";

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool all_alnum(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  });
}

// EMVCo "ans": the printable ASCII characters, space included.
bool printable_ascii(char c) { return c >= 0x20 && c <= 0x7E; }

std::string two_digits(std::size_t n) {
  return std::string{static_cast<char>('0' + n / 10), static_cast<char>('0' + n % 10)};
}

// One data object. Values are checked by the callers; a template's value is
// the concatenation of its own data objects.
std::string field(std::string_view id, std::string_view value) {
  std::string out(id);
  out += two_digits(value.size());
  out += value;
  return out;
}

std::string hex4(std::uint16_t v) {
  constexpr char digits[] = "0123456789ABCDEF";
  std::string out(4, '0');
  for (int i = 3; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = digits[v & 0xF];
    v = static_cast<std::uint16_t>(v >> 4);
  }
  return out;
}

std::optional<std::uint16_t> parse_hex4(std::string_view s) {
  if (s.size() != 4) return std::nullopt;
  unsigned v = 0;
  for (char c : s) {
    v <<= 4;
    if (c >= '0' && c <= '9')
      v |= static_cast<unsigned>(c - '0');
    else if (c >= 'A' && c <= 'F')
      v |= static_cast<unsigned>(c - 'A' + 10);
    else if (c >= 'a' && c <= 'f')
      v |= static_cast<unsigned>(c - 'a' + 10);
    else
      return std::nullopt;
  }
  return static_cast<std::uint16_t>(v);
}

Result<void> check_purpose(std::string_view purpose) {
  if (purpose.size() > kEmvMaxPurpose)
    return fail(Errc::invalid_argument, "purpose \"" + std::string(purpose) + "\" has " +
                                            std::to_string(purpose.size()) + " characters; EMVCo allows " +
                                            std::to_string(kEmvMaxPurpose));
  for (std::size_t i = 0; i < purpose.size(); ++i)
    if (!printable_ascii(purpose[i]))
      return fail(Errc::invalid_argument, "purpose \"" + std::string(purpose) +
                                              "\" has a character outside printable ASCII at byte " +
                                              std::to_string(i) + " (strip Vietnamese marks with to_emv_text)");
  return {};
}

Result<void> check_bin_and_account(std::string_view bin, std::string_view account) {
  if (bin.size() != 6 || !all_digits(bin))
    return fail(Errc::invalid_argument, "bank BIN \"" + std::string(bin) + "\" must be 6 digits");
  if (account.size() > kVietQrMaxAccount || !all_alnum(account))
    return fail(Errc::invalid_argument, "account \"" + std::string(account) + "\" must be 1–" +
                                            std::to_string(kVietQrMaxAccount) + " letters or digits");
  return {};
}

Error bad(std::string message) { return Error{Errc::invalid_argument, "VietQR: " + std::move(message)}; }

// The single field with this id, or nullptr; an error when it occurs twice.
Result<const EmvField*> find_one(const std::vector<EmvField>& fields, std::string_view id, std::string_view where) {
  const EmvField* found = nullptr;
  for (const auto& f : fields) {
    if (f.id != id) continue;
    if (found)
      return fail(bad("field " + std::string(id) + std::string(where) + " occurs twice (offsets " +
                      std::to_string(found->offset) + " and " + std::to_string(f.offset) + ")"));
    found = &f;
  }
  return found;
}

Result<const EmvField*> require(const std::vector<EmvField>& fields, std::string_view id, std::string_view what,
                                std::string_view where = "") {
  auto f = find_one(fields, id, where);
  if (!f) return fail(f.error());
  if (!*f)
    return fail(bad("field " + std::string(id) + std::string(where) + " (" + std::string(what) + ") is missing"));
  return *f;
}

bool is_upper_vietnamese(char32_t cp) {
  if (cp >= 0xC0 && cp <= 0xDE) return cp != 0xD7;       // Latin-1 capitals
  if (cp >= 0x100 && cp <= 0x17F) return cp % 2 == 0;    // Ă Đ Ĩ Ũ Ā …: capitals are even
  if (cp == 0x1A0 || cp == 0x1AF) return true;           // Ơ Ư
  if (cp >= 0x1EA0 && cp <= 0x1EF9) return cp % 2 == 0;  // Vietnamese extended: even
  return false;
}

}  // namespace

std::uint16_t crc16_ccitt_false(std::string_view data) {
  std::uint16_t crc = 0xFFFF;
  for (const char ch : data) {
    crc = static_cast<std::uint16_t>(crc ^ (static_cast<std::uint16_t>(static_cast<unsigned char>(ch)) << 8));
    for (int bit = 0; bit < 8; ++bit)
      crc = (crc & 0x8000) ? static_cast<std::uint16_t>((crc << 1) ^ 0x1021) : static_cast<std::uint16_t>(crc << 1);
  }
  return crc;
}

Result<void> check_bank_account(const BankAccount& account) {
  return check_bin_and_account(account.bin, account.account);
}

Result<std::string> build_vietqr(const VietQrTransfer& t) {
  if (auto ok = check_bin_and_account(t.bin, t.account); !ok) return fail(ok.error());
  std::string amount;
  if (t.amount) {
    if (*t.amount <= 0)
      return fail(Errc::invalid_argument, "amount " + std::to_string(*t.amount) + " must be positive");
    amount = std::to_string(*t.amount);
    if (amount.size() > kEmvMaxAmountDigits)
      return fail(Errc::invalid_argument, "amount " + amount + " has more than 13 digits");
  }
  if (auto ok = check_purpose(t.purpose); !ok) return fail(ok.error());

  const std::string beneficiary = field("00", t.bin) + field("01", t.account);
  const std::string account_info = field("00", kNapasGuid) + field("01", beneficiary) +
                                   field("02", t.to == TransferTo::card ? kServiceCard : kServiceAccount);
  std::string out = field("00", "01");
  out += field("01", t.amount ? "12" : "11");
  out += field("38", account_info);  // at most 10+4 + (6+4 + 19+4)+4 + 8+4 = 63 characters
  out += field("53", "704");         // ISO 4217: VND
  if (t.amount) out += field("54", amount);
  out += field("58", "VN");
  if (!t.purpose.empty()) out += field("62", field("08", t.purpose));  // at most 29 characters
  out += "6304";
  out += hex4(crc16_ccitt_false(out));
  return out;
}

Result<VietQrTransfer> dossier_fee_transfer(const BankAccount& account, std::int64_t amount_vnd,
                                            std::string_view dossier_code) {
  if (auto ok = check_bank_account(account); !ok) return fail(ok.error());
  if (amount_vnd <= 0)
    return fail(Errc::invalid_argument, "a fee of " + std::to_string(amount_vnd) + " đồng needs no transfer");
  auto purpose = dossier_transfer_purpose(dossier_code);
  if (!purpose) return fail(purpose.error());
  VietQrTransfer t;
  t.bin = account.bin;
  t.account = account.account;
  t.amount = amount_vnd;
  t.purpose = std::move(*purpose);
  return t;
}

Result<std::string> dossier_transfer_purpose(std::string_view dossier_code) {
  std::string purpose(dossier_code);
  if (purpose.size() > kEmvMaxPurpose) {
    // Dots occur only in the agency id ({agency id}-{yymmdd}-…); the rest stays as printed.
    std::string compact = purpose;
    std::erase(compact, '.');
    if (compact.size() <= kEmvMaxPurpose) purpose = std::move(compact);
  }
  if (auto ok = check_purpose(purpose); !ok) return fail(ok.error());
  return purpose;
}

Result<std::vector<EmvField>> parse_emv_fields(std::string_view text) {
  std::vector<EmvField> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t at = pos;
    if (text.size() - pos < 4)
      return fail(Errc::invalid_argument, "offset " + std::to_string(at) + ": \"" + std::string(text.substr(pos)) +
                                              "\" is too short for an ID and a length");
    const std::string_view id = text.substr(pos, 2), len = text.substr(pos + 2, 2);
    if (!all_digits(id))
      return fail(Errc::invalid_argument,
                  "offset " + std::to_string(at) + ": ID \"" + std::string(id) + "\" is not two digits");
    if (!all_digits(len))
      return fail(Errc::invalid_argument, "offset " + std::to_string(at + 2) + ": length \"" + std::string(len) +
                                              "\" of field " + std::string(id) + " is not two digits");
    const auto n = static_cast<std::size_t>((len[0] - '0') * 10 + (len[1] - '0'));
    if (n == 0)
      return fail(Errc::invalid_argument, "offset " + std::to_string(at + 2) + ": field " + std::string(id) +
                                              " has length 00 (a value has 1–99 characters)");
    pos += 4;
    if (text.size() - pos < n)
      return fail(Errc::invalid_argument, "offset " + std::to_string(at) + ": field " + std::string(id) + " says " +
                                              std::to_string(n) + " characters but only " +
                                              std::to_string(text.size() - pos) + " remain");
    out.push_back(EmvField{std::string(id), std::string(text.substr(pos, n)), at});
    pos += n;
  }
  return out;
}

Result<ParsedVietQr> parse_vietqr(std::string_view payload) {
  if (payload.empty()) return fail(bad("the payload is empty"));
  for (std::size_t i = 0; i < payload.size(); ++i)
    if (!printable_ascii(payload[i]))
      return fail(bad("byte " + std::to_string(i) + " is not printable ASCII (EMVCo fields are ASCII)"));

  // The CRC first: a damaged or hand-edited payload is reported as such, not
  // as whatever structural error the damage happens to cause.
  const std::size_t crc_at = payload.rfind("6304");
  if (crc_at == std::string_view::npos || crc_at + 8 != payload.size())
    return fail(bad("the payload must end with the CRC field 63 (\"6304\" and 4 hex digits)"));
  const auto stated = parse_hex4(payload.substr(crc_at + 4));
  if (!stated) return fail(bad("CRC \"" + std::string(payload.substr(crc_at + 4)) + "\" is not 4 hex digits"));
  const std::uint16_t computed = crc16_ccitt_false(payload.substr(0, crc_at + 4));
  if (*stated != computed)
    return fail(bad("CRC mismatch: the payload says " + std::string(payload.substr(crc_at + 4)) +
                    ", its content gives " + hex4(computed) + " (damaged or edited)"));

  auto root = parse_emv_fields(payload);
  if (!root) return fail(bad(root.error().message));
  ParsedVietQr out;
  out.crc = computed;
  out.fields = std::move(*root);
  const auto& fields = out.fields;
  // The "6304" found above could sit inside another field's value; the TLV walk decides.
  if (fields.back().id != "63" || fields.back().offset != crc_at)
    return fail(bad("field 63 (CRC) must be the last data object"));
  if (fields.front().id != "00" || fields.front().value != "01")
    return fail(bad("the payload must start with field 00 = \"01\" (payload format indicator)"));
  if (auto dup = find_one(fields, "63", ""); !dup) return fail(dup.error());

  auto poi = find_one(fields, "01", "");
  if (!poi) return fail(poi.error());
  if (*poi) {
    if ((*poi)->value != "11" && (*poi)->value != "12")
      return fail(bad("field 01 (point of initiation) is \"" + (*poi)->value + "\"; expected 11 or 12"));
    out.dynamic = (*poi)->value == "12";
  }

  auto account_info = require(fields, "38", "NAPAS merchant account information");
  if (!account_info) return fail(account_info.error());
  auto sub = parse_emv_fields((*account_info)->value);
  if (!sub) return fail(bad("in field 38: " + sub.error().message));
  auto guid = require(*sub, "00", "GUID", " of 38");
  if (!guid) return fail(guid.error());
  if ((*guid)->value != kNapasGuid)
    return fail(
        bad("field 38/00 is \"" + (*guid)->value + "\"; a VietQR code has the NAPAS GUID " + std::string(kNapasGuid)));
  auto beneficiary = require(*sub, "01", "beneficiary organisation", " of 38");
  if (!beneficiary) return fail(beneficiary.error());
  auto ben = parse_emv_fields((*beneficiary)->value);
  if (!ben) return fail(bad("in field 38/01: " + ben.error().message));
  auto bin = require(*ben, "00", "bank BIN", " of 38/01");
  if (!bin) return fail(bin.error());
  auto account = require(*ben, "01", "account number", " of 38/01");
  if (!account) return fail(account.error());
  if (auto ok = check_bin_and_account((*bin)->value, (*account)->value); !ok) return fail(bad(ok.error().message));
  out.transfer.bin = (*bin)->value;
  out.transfer.account = (*account)->value;
  auto service = require(*sub, "02", "service code", " of 38");
  if (!service) return fail(service.error());
  if ((*service)->value == kServiceAccount)
    out.transfer.to = TransferTo::account;
  else if ((*service)->value == kServiceCard)
    out.transfer.to = TransferTo::card;
  else
    return fail(bad("field 38/02 (service code) is \"" + (*service)->value + "\"; expected QRIBFTTA or QRIBFTTC"));

  auto currency = require(fields, "53", "currency");
  if (!currency) return fail(currency.error());
  if ((*currency)->value != "704")
    return fail(bad("field 53 (currency) is \"" + (*currency)->value + "\"; VietQR transfers are in VND (704)"));
  auto country = require(fields, "58", "country");
  if (!country) return fail(country.error());
  if ((*country)->value != "VN") return fail(bad("field 58 (country) is \"" + (*country)->value + "\"; expected VN"));

  auto amount = find_one(fields, "54", "");
  if (!amount) return fail(amount.error());
  if (*amount) {
    const std::string& a = (*amount)->value;
    if (a.size() > kEmvMaxAmountDigits || !all_digits(a))
      return fail(bad("field 54 (amount) \"" + a + "\" is not a whole number of đồng (at most 13 digits)"));
    std::int64_t v = 0;
    std::from_chars(a.data(), a.data() + a.size(), v);
    if (v <= 0) return fail(bad("field 54 (amount) is zero"));
    out.transfer.amount = v;
  }

  auto additional = find_one(fields, "62", "");
  if (!additional) return fail(additional.error());
  if (*additional) {
    auto extra = parse_emv_fields((*additional)->value);
    if (!extra) return fail(bad("in field 62: " + extra.error().message));
    auto purpose = find_one(*extra, "08", " of 62");
    if (!purpose) return fail(purpose.error());
    if (*purpose) out.transfer.purpose = (*purpose)->value;
  }
  return out;
}

Result<std::string> to_emv_text(std::string_view text) {
  std::string out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t at = pos;
    const char32_t cp = utf8::next(text, pos);
    if (cp >= 0x20 && cp < 0x7F) {
      out += static_cast<char>(cp);
      continue;
    }
    switch (cp) {
      case 0x2013:
      case 0x2014: out += '-'; continue;  // – —
      case 0x2018:
      case 0x2019: out += '\''; continue;  // ‘ ’
      case 0x201C:
      case 0x201D: out += '"'; continue;  // “ ”
      case 0xA0: out += ' '; continue;    // no-break space
      default: break;
    }
    const char32_t base = text::fold_char(cp);
    if (base == 0) continue;  // a combining mark (NFD text)
    if (base >= 'a' && base <= 'z') {
      out += static_cast<char>(is_upper_vietnamese(cp) ? base - 32 : base);
      continue;
    }
    return fail(Errc::invalid_argument, "\"" + std::string(text) + "\": \"" + utf8::encode(cp) + "\" at byte " +
                                            std::to_string(at) + " has no ASCII form for a bank transfer");
  }
  return out;
}

}  // namespace motcua::domain
