#pragma once
// Dossier (hồ sơ) vocabulary shared by kiosk and hub: national status codes,
// lifecycle actions, and masking of personal data for display.

#include <optional>
#include <string>
#include <string_view>

#include "motcua/util/error.hpp"

namespace motcua::domain {

// National status codes (used when syncing with the national portal), DOMAIN.md.
enum class DossierStatus : int {
  submitted = 1,            // Mới đăng ký
  accepted = 2,             // Được tiếp nhận (due date fixed)
  not_accepted = 3,         // Không được tiếp nhận
  processing = 4,           // Đang xử lý
  supplement_requested = 5, // Yêu cầu bổ sung giấy tờ
  payment_requested = 6,    // Yêu cầu thực hiện nghĩa vụ tài chính
  withdrawn = 7,            // Công dân yêu cầu rút hồ sơ
  stopped = 8,              // Dừng xử lý
  result_ready = 9,         // Đã xử lý xong
  result_returned = 10,     // Đã trả kết quả
};

// Kiosk-local states before the hub has the dossier.
enum class LocalState {
  draft,      // being filled in at the kiosk; discarded on idle reset
  queued,     // in the outbox, not yet on the hub
  uploading,  // the hub has the dossier, documents still being sent
  delivered,  // sealed: the hub acknowledged every document (durably stored)
};

std::optional<DossierStatus> status_from_int(int code);
std::string_view status_label_vi(DossierStatus);
std::string_view status_label_en(DossierStatus);
std::string_view status_key(DossierStatus);  // "submitted", "accepted", ...
std::optional<DossierStatus> status_from_key(std::string_view key);
bool is_final(DossierStatus);

// "Nguyễn Văn An" → "Nguyễn V** A*": family name kept, the rest reduced to initials.
std::string mask_name(std::string_view full_name);
// "0912345678" → "09******78"
std::string mask_phone(std::string_view phone);

// Vietnamese mobile/landline numbers: 10 digits starting with 0 (spaces, dots and
// a leading +84 accepted and normalised). Returns the normalised digits.
Result<std::string> normalize_phone(std::string_view phone);

}  // namespace motcua::domain
