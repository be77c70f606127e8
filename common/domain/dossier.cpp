#include "motcua/domain/dossier.hpp"

#include "motcua/text/utf8.hpp"

namespace motcua::domain {

namespace {
struct StatusInfo {
  DossierStatus status;
  std::string_view key, vi, en;
};
constexpr StatusInfo kStatuses[] = {
    {DossierStatus::submitted, "submitted", "Mới đăng ký", "Submitted"},
    {DossierStatus::accepted, "accepted", "Được tiếp nhận", "Accepted"},
    {DossierStatus::not_accepted, "not_accepted", "Không được tiếp nhận", "Not accepted"},
    {DossierStatus::processing, "processing", "Đang xử lý", "Processing"},
    {DossierStatus::supplement_requested, "supplement_requested", "Yêu cầu bổ sung giấy tờ",
     "Supplement requested"},
    {DossierStatus::payment_requested, "payment_requested", "Yêu cầu thực hiện nghĩa vụ tài chính",
     "Payment requested"},
    {DossierStatus::withdrawn, "withdrawn", "Công dân yêu cầu rút hồ sơ", "Withdrawn by applicant"},
    {DossierStatus::stopped, "stopped", "Dừng xử lý", "Stopped"},
    {DossierStatus::result_ready, "result_ready", "Đã xử lý xong", "Processed, result ready"},
    {DossierStatus::result_returned, "result_returned", "Đã trả kết quả", "Result returned"},
};

const StatusInfo& info(DossierStatus s) { return kStatuses[static_cast<int>(s) - 1]; }

}  // namespace

std::optional<DossierStatus> status_from_int(int code) {
  if (code < 1 || code > 10) return std::nullopt;
  return static_cast<DossierStatus>(code);
}
std::string_view status_label_vi(DossierStatus s) { return info(s).vi; }
std::string_view status_label_en(DossierStatus s) { return info(s).en; }
std::string_view status_key(DossierStatus s) { return info(s).key; }

std::optional<DossierStatus> status_from_key(std::string_view key) {
  for (const auto& s : kStatuses)
    if (s.key == key) return s.status;
  return std::nullopt;
}

bool is_final(DossierStatus s) {
  return s == DossierStatus::not_accepted || s == DossierStatus::withdrawn ||
         s == DossierStatus::stopped || s == DossierStatus::result_returned;
}

std::string mask_name(std::string_view full_name) {
  std::vector<std::u32string> words;
  std::u32string cur;
  for (char32_t c : utf8::to_u32(full_name)) {
    if (c == U' ' || c == U'\t') {
      if (!cur.empty()) words.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) words.push_back(std::move(cur));
  std::u32string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out.push_back(U' ');
    if (i == 0 && words.size() > 1) {
      out += words[i];  // family name stays readable
    } else {
      out.push_back(words[i][0]);
      out.append(std::max<std::size_t>(words[i].size() - 1, 1), U'*');
    }
  }
  return utf8::from_u32(out);
}

std::string mask_phone(std::string_view phone) {
  if (phone.size() <= 4) return std::string(phone.size(), '*');
  std::string out(phone);
  for (std::size_t i = 2; i + 2 < out.size(); ++i) out[i] = '*';
  return out;
}

Result<std::string> normalize_phone(std::string_view phone) {
  std::string digits;
  for (std::size_t i = 0; i < phone.size(); ++i) {
    const char c = phone[i];
    if (c >= '0' && c <= '9') digits.push_back(c);
    else if (c == ' ' || c == '.' || c == '-') continue;
    else if (c == '+' && i == 0) continue;
    else return fail(Errc::invalid_argument, "phone number may contain only digits");
  }
  if (digits.rfind("84", 0) == 0 && digits.size() == 11) digits = "0" + digits.substr(2);
  if (digits.size() != 10 || digits[0] != '0')
    return fail(Errc::invalid_argument, "phone number must have 10 digits starting with 0");
  return digits;
}

}  // namespace motcua::domain
