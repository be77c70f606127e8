#include "motcua/domain/synthetic_catalog.hpp"

#include <cstdio>
#include <random>

namespace motcua::domain {

namespace {
constexpr const char* kSectors[] = {"Tư pháp", "Công an", "Nông nghiệp và Môi trường", "Tài chính", "Y tế",
                                    "Xây dựng", "Văn hóa, Thể thao và Du lịch", "Giáo dục và Đào tạo",
                                    "Nội vụ", "Công Thương"};
constexpr const char* kFields[] = {
    "Hộ tịch", "Chứng thực", "Nuôi con nuôi", "Cư trú", "Căn cước", "Đất đai", "Môi trường", "Thủy lợi",
    "Lâm nghiệp", "Trồng trọt", "Chăn nuôi", "Hộ kinh doanh", "Hợp tác xã", "Bảo hiểm xã hội", "Bảo hiểm y tế",
    "Người có công", "Bảo trợ xã hội", "Giảm nghèo", "Xây dựng nhà ở", "Quy hoạch", "Giao thông", "Văn hóa cơ sở",
    "Thể dục thể thao", "Du lịch", "Giáo dục mầm non", "Giáo dục tiểu học", "Thi đua khen thưởng", "Tôn giáo",
    "Thanh niên", "Phòng cháy chữa cháy", "Khiếu nại tố cáo", "Hòa giải cơ sở", "Điện lực", "An toàn thực phẩm",
    "Dân số", "Lao động", "Việc làm", "Tài chính đất đai", "Phương tiện giao thông", "Đê điều"};
constexpr const char* kVerbs[] = {"Cấp", "Cấp lại", "Đăng ký", "Gia hạn", "Điều chỉnh", "Thu hồi", "Xác nhận",
                                  "Chứng thực", "Thay đổi", "Hỗ trợ", "Công nhận", "Thẩm định", "Phê duyệt",
                                  "Giải quyết", "Đề nghị"};
constexpr const char* kObjects[] = {
    "giấy chứng nhận", "giấy phép", "trợ cấp xã hội", "hợp đồng thuê đất", "thông tin cư trú",
    "hồ sơ khai sinh", "giấy xác nhận tình trạng hôn nhân", "bản sao trích lục", "chữ ký trong văn bản",
    "hoạt động lễ hội", "phương án sản xuất", "chế độ bảo hiểm", "hồ sơ người có công", "kế hoạch sử dụng đất",
    "giấy phép xây dựng nhà ở riêng lẻ", "danh sách hộ nghèo", "hỗ trợ khắc phục thiên tai", "thành lập hộ kinh doanh",
    "chương trình khuyến nông", "điểm kinh doanh dịch vụ"};
constexpr const char* kQualifiers[] = {"", "cho hộ gia đình", "cho cá nhân", "đối với người nước ngoài",
                                       "cho tổ chức", "trong trường hợp bị mất", "có yếu tố nước ngoài",
                                       "tại khu vực nông thôn", "cho người cao tuổi", "cho trẻ em dưới 6 tuổi",
                                       "khi thay đổi nơi cư trú", "theo yêu cầu"};
constexpr const char* kDocuments[] = {"Tờ khai theo mẫu", "Giấy tờ tùy thân", "Giấy tờ chứng minh nơi cư trú",
                                      "Văn bản ủy quyền", "Bản sao giấy chứng nhận cũ", "Sơ đồ vị trí thửa đất",
                                      "Đơn đề nghị", "Biên bản xác minh", "Giấy khám sức khỏe", "Ảnh chân dung 4x6"};
constexpr const char* kSteps[] = {"Chuẩn bị hồ sơ theo hướng dẫn", "Nộp hồ sơ tại Bộ phận một cửa hoặc trực tuyến",
                                  "Cán bộ kiểm tra và tiếp nhận hồ sơ", "Cơ quan có thẩm quyền xem xét, giải quyết",
                                  "Nhận kết quả tại Bộ phận một cửa hoặc qua bưu chính"};
}  // namespace

Catalog synthetic_catalog(int count, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  Catalog c;
  c.agencies.push_back({"X99.01.01", "Ủy ban nhân dân xã Thử Nghiệm", "UBND xã Thử Nghiệm",
                        "Số 1 đường Trung Tâm, xã Thử Nghiệm", "0210 3000 000", "motcua@thunghiem.example",
                        "Sáng 07:30–11:30, chiều 13:30–17:00, thứ Hai đến thứ Sáu", {}, std::nullopt});
  for (std::size_t i = 0; i < std::size(kSectors); ++i)
    c.sectors.push_back({"s" + std::to_string(i + 1), kSectors[i]});
  for (std::size_t i = 0; i < std::size(kFields); ++i)
    c.fields.push_back({"f" + std::to_string(i + 1), kFields[i], "s" + std::to_string(i % std::size(kSectors) + 1)});
  for (int n = 1; n <= count; ++n) {
    Service s;
    char code[16];
    std::snprintf(code, sizeof code, "9.%06d", n);
    s.code = code;
    std::string name = std::string(kVerbs[pick(std::size(kVerbs))]) + " " + kObjects[pick(std::size(kObjects))];
    const char* q = kQualifiers[pick(std::size(kQualifiers))];
    if (*q != '\0') name += std::string(" ") + q;
    s.name = name;
    s.official_name = "Thủ tục " + name;
    s.field = c.fields[pick(c.fields.size())].id;
    s.agency = "X99.01.01";
    s.level = static_cast<int>(pick(4)) + 1;
    s.summary = "Thủ tục thử nghiệm số " + std::to_string(n) + " dùng để đo hiệu năng.";
    const int days = static_cast<int>(pick(15));
    s.processing = days == 0 ? Processing{ProcessingKind::same_day, 0, std::string("15:00"), "Trong ngày làm việc"}
                             : Processing{ProcessingKind::working_days, days, std::nullopt,
                                          std::to_string(days) + " ngày làm việc"};
    const std::int64_t fee = static_cast<std::int64_t>(pick(6)) * 10000;
    s.fees.push_back({"Lệ phí", fee, "hồ sơ", fee == 0 ? "Miễn phí" : "Nộp khi nhận kết quả"});
    s.methods.push_back({Channel::direct, s.processing.text, fee == 0 ? "Miễn phí" : std::to_string(fee) + " đồng", ""});
    const std::size_t ndocs = 2 + pick(4);
    for (std::size_t d = 0; d < ndocs; ++d)
      s.documents.push_back({kDocuments[pick(std::size(kDocuments))], std::nullopt, 1, static_cast<int>(pick(2)), true, std::nullopt});
    for (const char* st : kSteps) s.steps.emplace_back(st);
    s.applicants = "Công dân Việt Nam; tổ chức";
    s.result = "Văn bản giải quyết thủ tục";
    s.legal_basis.push_back({"00/2025/NĐ-CP", "Văn bản thử nghiệm", std::nullopt, std::nullopt});
    c.services.push_back(std::move(s));
  }
  return c;
}

}  // namespace motcua::domain
