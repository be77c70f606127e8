#pragma once
// Display formats the citizen reads: money in đồng, times in Vietnam time.
// No ImGui here (unit-testable).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "app/i18n.hpp"
#include "motcua/util/clock.hpp"

namespace motcua::kiosk {

// 8000 → "8.000 đ" (Vietnamese digit grouping with dots).
std::string format_vnd(std::int64_t amount);
// Circular 03/2025 form 01, item 4: "10 giờ 32 phút, ngày 05 tháng 03 năm 2026";
// English: "10:32, 05/03/2026".
std::string format_received_time(TimePoint t, Lang lang);
// "10:32 05/03/2026"
std::string format_short_time(TimePoint t);
// "10:32"
std::string format_clock(TimePoint t);
// A past moment as short as the header needs: "10:32" on the same day as
// `now` (Vietnam time), else "10:32 04/03".
std::string format_since(TimePoint t, TimePoint now);
// "Thứ Năm, 05/03/2026" / "Thursday, 05/03/2026"
std::string format_date_long(TimePoint t, Lang lang);
// RFC 3339 text from the hub → short time; the input unchanged when it does not parse.
std::string format_wire_time(std::string_view rfc3339);
std::optional<TimePoint> parse_wire_time(std::string_view rfc3339);
// "2026-03-05" → "05/03/2026"; other text unchanged.
std::string format_iso_date(std::string_view yyyy_mm_dd);

}  // namespace motcua::kiosk
