#include "support/synthetic_page.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "print/text_raster.hpp"

namespace motcua::test {

namespace {

constexpr const char* kParagraph =
    "Điều 1. Phạm vi điều chỉnh. Nghị định này quy định về thực hiện thủ tục hành chính theo cơ chế một cửa, "
    "một cửa liên thông tại Bộ phận Một cửa và Cổng Dịch vụ công quốc gia. Người nộp hồ sơ có trách nhiệm về "
    "tính chính xác của giấy tờ đã kê khai; cơ quan tiếp nhận kiểm tra, hướng dẫn và hẹn trả kết quả đúng hạn. "
    "Họ và tên: Nguyễn Thị Hồng Nhung, sinh ngày 12 tháng 08 năm 1990, nơi cư trú: thôn Đồng Tâm, xã Tân Lạc, "
    "tỉnh Phú Thọ. Số định danh cá nhân 001190012345. ";

std::uint32_t next(std::uint32_t& s) {
  s ^= s << 13;
  s ^= s >> 17;
  s ^= s << 5;
  return s;
}

}  // namespace

SyntheticPage text_page(const SyntheticPageOptions& o) {
  SyntheticPage page;
  page.channels = o.channels;
  page.dpi = o.dpi;
  page.width = static_cast<int>(std::lround(210.0 / 25.4 * o.dpi));
  page.height = static_cast<int>(std::lround(297.0 / 25.4 * o.dpi));
  const auto w = static_cast<std::size_t>(page.width), h = static_cast<std::size_t>(page.height);
  std::vector<std::uint8_t> ink(w * h, 0);  // 1 = black

  auto regular = print::TextRasterizer::open(print::kNotoSansRegular);
  auto bold = print::TextRasterizer::open(print::kNotoSansBold);
  if (!regular || !bold) throw std::runtime_error("Noto Sans missing: install fonts-noto-core");
  const int margin = static_cast<int>(std::lround(20.0 / 25.4 * o.dpi));
  const int body = static_cast<int>(std::lround(11.0 / 72.0 * o.dpi));
  const int heading = static_cast<int>(std::lround(14.0 / 72.0 * o.dpi));
  auto stamp = [&](const print::TextLine& line, int x, int y) {
    for (int yy = 0; yy < line.image.height; ++yy)
      for (int xx = 0; xx < line.image.width; ++xx)
        if (line.image.black(xx, yy) && x + xx < page.width && y + yy < page.height)
          ink[static_cast<std::size_t>(y + yy) * w + static_cast<std::size_t>(x + xx)] = 1;
  };
  int y = margin;
  {
    const auto t = bold->render("GIẤY KHAI SINH (BẢN SAO)", heading);
    stamp(t, (page.width - t.image.width) / 2, y);
    y += bold->line_height(heading) * 2;
  }
  const int lh = regular->line_height(body);
  if (o.layout == PageLayout::dense_text) {
    std::string text;
    while (text.size() < 9000) text += kParagraph;
    for (const auto& l : regular->wrap(text, body, page.width - 2 * margin)) {
      if (y + lh > page.height - margin) break;
      stamp(regular->render(l, body), margin, y);
      y += lh;
    }
  } else {
    // Fields filled in, each on its own line with room around it, as forms are.
    const char* fields[] = {
        "Họ, chữ đệm, tên: NGUYỄN THỊ HỒNG NHUNG", "Ngày, tháng, năm sinh: 12/08/1990 (mười hai tháng tám năm một nghìn chín trăm chín mươi)",
        "Giới tính: Nữ     Dân tộc: Kinh     Quốc tịch: Việt Nam", "Nơi sinh: Trạm y tế xã Tân Lạc, tỉnh Phú Thọ",
        "Quê quán: xã Đồng Tâm, tỉnh Phú Thọ", "Số định danh cá nhân: 001190012345",
        "Họ, chữ đệm, tên người mẹ: TRẦN THỊ LAN     Năm sinh: 1965", "Họ, chữ đệm, tên người cha: NGUYỄN VĂN HÙNG     Năm sinh: 1962",
        "Nơi cư trú: thôn Đồng Tâm, xã Tân Lạc, tỉnh Phú Thọ", "Nơi đăng ký khai sinh: Ủy ban nhân dân xã Tân Lạc"};
    for (const char* f : fields) {
      stamp(regular->render(f, body), margin, y);
      y += lh * 2;
    }
    // A table of three columns and six rows.
    const int table_top = y, row_h = lh * 2, cols[] = {margin, margin + 300, page.width - margin - 500, page.width - margin};
    for (int r = 0; r <= 6; ++r)
      for (int x = margin; x < page.width - margin; ++x)
        for (int t = 0; t < 4; ++t) ink[static_cast<std::size_t>(table_top + r * row_h + t) * w + static_cast<std::size_t>(x)] = 1;
    for (int c : cols)
      for (int yy = table_top; yy < table_top + 6 * row_h; ++yy)
        for (int t = 0; t < 4; ++t) ink[static_cast<std::size_t>(yy) * w + static_cast<std::size_t>(std::min(c + t, page.width - 1))] = 1;
    for (int r = 0; r < 6; ++r) {
      stamp(regular->render(std::to_string(r + 1), body), margin + 40, table_top + r * row_h + lh / 2);
      stamp(regular->render(r == 0 ? "Tên giấy tờ" : "Bản sao giấy tờ số " + std::to_string(r), body), margin + 340,
            table_top + r * row_h + lh / 2);
      stamp(regular->render(r == 0 ? "Số bản" : "01", body), page.width - margin - 460, table_top + r * row_h + lh / 2);
    }
    y = table_top + 6 * row_h + lh * 2;
    for (int i = 0; i < 3 && y + lh < page.height - margin; ++i, y += lh)
      stamp(regular->render(regular->wrap(kParagraph, body, page.width - 2 * margin)[static_cast<std::size_t>(i)], body), margin, y);
    const auto sign = bold->render("NGƯỜI ĐI ĐĂNG KÝ", body);
    stamp(sign, page.width - margin - sign.image.width - 200, y + lh * 2);
    const auto name = bold->render("Nguyễn Thị Hồng Nhung", body);
    stamp(name, page.width - margin - name.image.width - 160, y + lh * 7);
  }

  // Optics: a 5 × 5 binomial blur ([1 4 6 4 1] / 16 each way) turns hard dots
  // into grey edges. Ink is 30, paper 242.
  std::vector<std::uint16_t> across(w * h);
  const int k[5] = {1, 4, 6, 4, 1};
  for (std::size_t yy = 0; yy < h; ++yy)
    for (std::size_t xx = 0; xx < w; ++xx) {
      int sum = 0;
      for (int d = -2; d <= 2; ++d) {
        const auto x2 = static_cast<std::size_t>(std::clamp(static_cast<int>(xx) + d, 0, page.width - 1));
        sum += k[d + 2] * ink[yy * w + x2];
      }
      across[yy * w + xx] = static_cast<std::uint16_t>(sum);
    }
  std::vector<std::uint8_t> grey(w * h);
  for (std::size_t yy = 0; yy < h; ++yy)
    for (std::size_t xx = 0; xx < w; ++xx) {
      int sum = 0;
      for (int d = -2; d <= 2; ++d) {
        const auto y2 = static_cast<std::size_t>(std::clamp(static_cast<int>(yy) + d, 0, page.height - 1));
        sum += k[d + 2] * across[y2 * w + xx];
      }
      grey[yy * w + xx] = static_cast<std::uint8_t>(242 - (212 * sum) / 256);
    }

  std::uint32_t s = o.seed * 2654435761u + 1;
  const int span = 2 * o.noise + 1;
  auto noisy = [&](int v) {
    if (o.noise > 0) v += static_cast<int>(next(s) % static_cast<std::uint32_t>(span)) - o.noise;
    return static_cast<std::uint8_t>(std::clamp(v, 0, 255));
  };
  if (o.channels == 1) {
    page.pixels.resize(w * h);
    for (std::size_t i = 0; i < w * h; ++i) page.pixels[i] = noisy(grey[i]);
    return page;
  }
  page.pixels.resize(w * h * 3);
  const double cx = page.width * 0.72, cy = page.height * 0.82, r = 0.07 * page.width;  // a 30 mm seal
  for (std::size_t yy = 0; yy < h; ++yy)
    for (std::size_t xx = 0; xx < w; ++xx) {
      const std::size_t i = yy * w + xx;
      int red = grey[i], green = grey[i], blue = grey[i] - 4;  // slightly warm paper
      if (o.colour_stamp) {
        const double d = std::hypot(static_cast<double>(xx) - cx, static_cast<double>(yy) - cy);
        if ((d > r * 0.82 && d < r) || d < r * 0.25) green = blue = std::min(green, 60), red = std::min(red, 200);
      }
      page.pixels[3 * i] = noisy(red);
      page.pixels[3 * i + 1] = noisy(green);
      page.pixels[3 * i + 2] = noisy(blue);
    }
  return page;
}

}  // namespace motcua::test
