#include "document/receipt_pdf.hpp"

#include <algorithm>
#include <cstdio>
#include <system_error>

#include "document/hpdf_doc.hpp"
#include "motcua/domain/dossier.hpp"
#include "motcua/domain/dossier_code.hpp"
#include "motcua/util/fs.hpp"
#include "print/qr_bitmap.hpp"

namespace motcua::document {

namespace {

std::string two(int v) {
  std::string s = std::to_string(v);
  return s.size() < 2 ? "0" + s : s;
}

// Sizes in points (1/72 inch). A5 is A4 scaled by 1/√2; type shrinks less
// than the paper so it stays readable.
struct Metrics {
  float width, height;
  float margin_x, margin_top, margin_bottom;
  float body, small, title, code;
  float qr;       // side of the receipt's QR code
  float line;     // line height / body size
  float sign;     // room left for signatures, in body lines
};

Metrics metrics(ReceiptPaper paper) {
  if (paper == ReceiptPaper::a5)
    return {419.53f, 595.28f, 28, 22, 20, 8.5f, 7.0f, 11.0f, 11.5f, 62, 1.24f, 2.4f};
  return {595.28f, 841.89f, 56, 42, 36, 11.0f, 9.0f, 14.0f, 15.0f, 100, 1.32f, 3.5f};
}

enum class Align { left, center, right };

struct Fonts {
  HPDF_Font regular = nullptr, bold = nullptr, italic = nullptr;
};

class Layout {
 public:
  Layout(HPDF_Doc pdf, Fonts fonts, Metrics m, std::string footer)
      : pdf_(pdf), fonts_(fonts), m_(m), footer_(std::move(footer)) {}

  float left() const { return m_.margin_x; }
  float text_width() const { return m_.width - 2 * m_.margin_x; }
  float y() const { return y_; }
  void set_y(float y) { y_ = y; }
  HPDF_Page page() const { return page_; }
  const Metrics& m() const { return m_; }

  void new_page() {
    page_ = HPDF_AddPage(pdf_);
    if (!page_) return;
    HPDF_Page_SetWidth(page_, m_.width);
    HPDF_Page_SetHeight(page_, m_.height);
    y_ = m_.height - m_.margin_top;
    draw_footer();
  }

  // Room for h more points on this page, else a new page.
  void need(float h) {
    if (!page_ || y_ - h < bottom()) new_page();
  }

  float width_of(std::string_view text, HPDF_Font font, float size) const {
    if (text.empty()) return 0;
    const HPDF_TextWidth w =
        HPDF_Font_TextWidth(font, reinterpret_cast<const HPDF_BYTE*>(text.data()), static_cast<HPDF_UINT>(text.size()));
    return static_cast<float>(w.width) * size / 1000.0f;
  }

  // Greedy wrapping at spaces; a word wider than the line is cut between
  // letters (UTF-8 sequences kept whole).
  std::vector<std::string> wrap(std::string_view text, HPDF_Font font, float size, float width) const {
    std::vector<std::string> lines;
    std::string line;
    std::size_t at = 0;
    while (at <= text.size()) {
      const std::size_t end = std::min(text.find(' ', at), text.size());
      std::string word(text.substr(at, end - at));
      at = end + 1;
      if (word.empty()) {
        if (end >= text.size()) break;
        continue;
      }
      const std::string joined = line.empty() ? word : line + " " + word;
      if (width_of(joined, font, size) <= width) {
        line = joined;
      } else {
        if (!line.empty()) lines.push_back(line);
        line.clear();
        while (width_of(word, font, size) > width) {
          std::size_t cut = 0, next = 0;
          while (next < word.size()) {
            std::size_t n = next + 1;
            while (n < word.size() && (static_cast<unsigned char>(word[n]) & 0xC0) == 0x80) ++n;
            if (width_of(std::string_view(word).substr(0, n), font, size) > width) break;
            cut = next = n;
          }
          if (cut == 0) {
            cut = 1;
            while (cut < word.size() && (static_cast<unsigned char>(word[cut]) & 0xC0) == 0x80) ++cut;
          }
          lines.push_back(word.substr(0, cut));
          word.erase(0, cut);
        }
        line = word;
      }
      if (end >= text.size()) break;
    }
    if (!line.empty()) lines.push_back(line);
    if (lines.empty()) lines.emplace_back();
    return lines;
  }

  void draw_text(std::string_view text, HPDF_Font font, float size, float x, float baseline) {
    if (text.empty()) return;
    const std::string s(text);
    HPDF_Page_BeginText(page_);
    HPDF_Page_SetFontAndSize(page_, font, size);
    HPDF_Page_TextOut(page_, x, baseline, s.c_str());
    HPDF_Page_EndText(page_);
  }

  // A wrapped paragraph in [x, x + width], advancing the cursor.
  void paragraph(std::string_view text, HPDF_Font font, float size, Align align = Align::left, float x = -1,
                 float width = -1) {
    if (text.empty()) return;
    if (x < 0) x = left();
    if (width < 0) width = text_width();
    const float lh = size * m_.line;
    for (const std::string& l : wrap(text, font, size, width)) {
      need(lh);
      y_ -= lh;
      const float w = width_of(l, font, size);
      const float at = align == Align::left ? x : align == Align::center ? x + (width - w) / 2 : x + width - w;
      draw_text(l, font, size, at, y_ + size * 0.28f);
    }
  }

  // "Label: value" with the label in bold, wrapped as one paragraph.
  void field(std::string_view label, std::string_view value, float indent = 0) {
    const float size = m_.body, lh = size * m_.line;
    const float x = left() + indent, width = text_width() - indent;
    const std::string head = std::string(label) + " ";
    const float head_w = width_of(head, fonts_.bold, size);
    // The first line follows the label; the rest use the whole width.
    auto lines = wrap(value, fonts_.regular, size, width - head_w);
    if (lines.size() > 1) {
      const std::string rest(value.substr(std::min(value.size(), lines[0].size() + 1)));
      auto more = wrap(rest, fonts_.regular, size, width);
      lines.resize(1);
      lines.insert(lines.end(), more.begin(), more.end());
    }
    for (std::size_t i = 0; i < lines.size(); ++i) {
      need(lh);
      y_ -= lh;
      if (i == 0) draw_text(head, fonts_.bold, size, x, y_ + size * 0.28f);
      draw_text(lines[i], fonts_.regular, size, i == 0 ? x + head_w : x, y_ + size * 0.28f);
    }
  }

  void space(float pts) { y_ -= pts; }

  void rule(float x0, float x1, float y, float w = 0.6f) {
    HPDF_Page_SetLineWidth(page_, w);
    HPDF_Page_MoveTo(page_, x0, y);
    HPDF_Page_LineTo(page_, x1, y);
    HPDF_Page_Stroke(page_);
  }

  void image(HPDF_Image img, float x, float top, float side) {
    HPDF_Page_DrawImage(page_, img, x, top - side, side, side);
  }

  float bottom() const { return m_.margin_bottom + footer_height(); }

 private:
  float footer_height() const { return footer_.empty() ? 0 : m_.small * m_.line * 3 + 6; }

  void draw_footer() {
    if (footer_.empty()) return;
    const float size = m_.small, lh = size * m_.line;
    auto lines = wrap(footer_, fonts_.regular, size, text_width());
    if (lines.size() > 3) lines.resize(3);
    float y = m_.margin_bottom + lh * static_cast<float>(lines.size());
    rule(left(), left() + text_width(), y + 4, 0.4f);
    for (const auto& l : lines) {
      y -= lh;
      draw_text(l, fonts_.regular, size, left(), y + size * 0.28f);
    }
  }

  HPDF_Doc pdf_;
  Fonts fonts_;
  Metrics m_;
  std::string footer_;
  HPDF_Page page_ = nullptr;
  float y_ = 0;
};

// A QR code as an 8-bit grey image (quiet zone included), 8 pixels per module
// so a renderer scaling it never blurs modules together.
Result<HPDF_Image> qr_image(HPDF_Doc pdf, const std::string& payload) {
  auto qr = print::qr_bitmap(payload, 8);
  if (!qr) return fail(qr.error());
  std::vector<std::uint8_t> grey(qr->dots.size());
  for (std::size_t i = 0; i < grey.size(); ++i) grey[i] = qr->dots[i] ? 0 : 255;
  HPDF_Image img = HPDF_LoadRawImageFromMem(pdf, grey.data(), static_cast<HPDF_UINT>(qr->width),
                                            static_cast<HPDF_UINT>(qr->height), HPDF_CS_DEVICE_GRAY, 8);
  if (!img) return fail(Errc::internal, "libharu: cannot embed the QR code image");
  return img;
}

Result<HPDF_Font> load_font(HPDF_Doc pdf, const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec))
    return fail(Errc::not_found, "font file " + file.string() + " is missing (install fonts-noto-core)");
  const char* name = HPDF_LoadTTFontFromFile(pdf, file.c_str(), HPDF_TRUE);
  HPDF_Font font = name ? HPDF_GetFont(pdf, name, "UTF-8") : nullptr;
  if (!font) return fail(Errc::io, "libharu cannot load the font " + file.string());
  return font;
}

std::string count_text(int n) { return n > 0 ? two(n) : "—"; }

std::string contacts_line(const domain::Agency& a) { return agency_contacts(a, " · ", a.name); }

}  // namespace

std::string agency_contacts(const domain::Agency& a, std::string_view separator, std::string first) {
  std::string s = std::move(first);
  auto add = [&](std::string_view label, const std::string& v) {
    if (v.empty()) return;
    if (!s.empty()) s += separator;
    s += label;
    s += v;
  };
  add("Địa chỉ: ", a.address);
  add("Điện thoại: ", a.phone);
  add("Email: ", a.email);
  add("Giờ làm việc: ", a.hours);
  return s;
}

std::string form01_time(TimePoint t) {
  const VietnamTime v = to_vietnam(t);
  return two(v.hour) + " giờ " + two(v.minute) + " phút, ngày " + two(v.day) + " tháng " + two(v.month) + " năm " +
         std::to_string(v.year);
}

std::string format_vnd_amount(std::int64_t amount) {
  const bool negative = amount < 0;
  std::string digits = std::to_string(negative ? -amount : amount);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += '.';
    out += digits[i];
  }
  return (negative ? "-" : "") + out + " đồng";
}

Result<std::vector<std::uint8_t>> render_receipt_pdf(const FormReceipt& r, ReceiptPaper paper,
                                                     const ReceiptFontFiles& font_files) {
  if (r.dossier_code.empty()) return fail(Errc::invalid_argument, "the receipt has no dossier code");
  if (r.lookup_secret.empty()) return fail(Errc::invalid_argument, "the receipt has no lookup secret");

  auto doc = HpdfDoc::create();
  if (!doc) return fail(doc.error());
  HPDF_Doc pdf = doc->get();
  HPDF_UseUTFEncodings(pdf);
  HPDF_SetCurrentEncoder(pdf, "UTF-8");
  HPDF_SetCompressionMode(pdf, HPDF_COMP_ALL);
  if (auto ok = doc->set_info("Giấy tiếp nhận hồ sơ và hẹn trả kết quả " + r.dossier_code, r.dossier_code, r.received);
      !ok)
    return fail(ok.error());

  Fonts fonts;
  {
    auto regular = load_font(pdf, font_files.regular);
    if (!regular) return fail(regular.error());
    auto bold = load_font(pdf, font_files.bold);
    if (!bold) return fail(bold.error());
    auto italic = load_font(pdf, font_files.italic);
    if (!italic) return fail(italic.error());
    fonts = {*regular, *bold, *italic};
  }
  auto receipt_qr = qr_image(pdf, domain::receipt_qr_payload(r.dossier_code, r.lookup_secret));
  if (!receipt_qr) return fail(receipt_qr.error());
  std::optional<HPDF_Image> vietqr;
  if (!r.fee.vietqr_payload.empty()) {
    auto img = qr_image(pdf, r.fee.vietqr_payload);
    if (!img) return fail(img.error());
    vietqr = *img;
  }

  const Metrics m = metrics(paper);
  Layout L(pdf, fonts, m, contacts_line(r.agency));
  L.new_page();
  if (auto e = doc->error("starting the receipt")) return fail(*e);

  // Header: the agency on the left, the national motto on the right (form 01).
  {
    const float col = L.text_width() / 2 - 6;
    // The national title stays on one line: on A5 the header's type shrinks to fit.
    const std::string nation = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
    const float hs = std::min(m.body, m.body * col / L.width_of(nation, fonts.bold, m.body));
    const float top = L.y();
    L.paragraph(r.parent_agency, fonts.regular, hs, Align::center, L.left(), col);
    L.paragraph(r.agency.name, fonts.bold, hs, Align::center, L.left(), col);
    const float left_bottom = L.y();
    L.set_y(top);
    const float rx = L.left() + L.text_width() / 2 + 6;
    L.paragraph(nation, fonts.bold, hs, Align::center, rx, col);
    L.paragraph("Độc lập - Tự do - Hạnh phúc", fonts.bold, hs, Align::center, rx, col);
    const float motto_w = L.width_of("Độc lập - Tự do - Hạnh phúc", fonts.bold, hs);
    L.rule(rx + (col - motto_w) / 2, rx + (col + motto_w) / 2, L.y() - 2);
    const float right_bottom = L.y();
    const float agency_w = std::min(col * 0.4f, 90.0f);
    L.rule(L.left() + (col - agency_w) / 2, L.left() + (col + agency_w) / 2, left_bottom - 2);
    L.set_y(std::min(left_bottom, right_bottom) - m.body * 0.4f);
    const float row = L.y();
    if (!r.ledger_number.empty())
      L.paragraph("Số: " + r.ledger_number, fonts.regular, m.body, Align::center, L.left(), col);
    L.set_y(row);
    const VietnamTime v = to_vietnam(r.received);
    const std::string date = (r.place.empty() ? "" : r.place + ", ") + "ngày " + two(v.day) + " tháng " +
                             two(v.month) + " năm " + std::to_string(v.year);
    L.paragraph(date, fonts.italic, m.body, Align::center, rx, col);
  }

  L.space(m.body);
  L.paragraph("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", fonts.bold, m.title, Align::center);
  L.paragraph("Mã hồ sơ: " + r.dossier_code, fonts.bold, m.code, Align::center);
  if (r.provisional)
    L.paragraph("(Mã tạm do ki-ốt cấp khi chưa kết nối được hệ thống; mã này vẫn dùng để tra cứu sau khi có mã "
                "chính thức.)",
                fonts.italic, m.small, Align::center);
  L.space(m.body * 0.5f);

  // The lookup box: secret and how to look up on the left, the QR code on the right.
  {
    const float pad = 6;
    const float box_h = m.qr + 2 * pad;
    L.need(box_h + 4);
    const float top = L.y();
    const float qr_x = L.left() + L.text_width() - pad - m.qr;
    L.image(*receipt_qr, qr_x, top - pad, m.qr);
    const float text_w = qr_x - L.left() - 3 * pad;
    L.set_y(top - pad);
    L.paragraph("Mã tra cứu: " + r.lookup_secret, fonts.bold, m.code, Align::left, L.left() + pad, text_w);
    L.paragraph("Để xem tình trạng hồ sơ: quét mã QR bên cạnh tại ki-ốt, hoặc nhập mã hồ sơ và mã tra cứu trên "
                "ki-ốt hay Cổng Dịch vụ công. Xin giữ kín mã tra cứu.",
                fonts.regular, m.small, Align::left, L.left() + pad, text_w);
    const float bottom = std::min(L.y() - pad, top - box_h);
    HPDF_Page_SetLineWidth(L.page(), 0.6f);
    HPDF_Page_Rectangle(L.page(), L.left(), bottom, L.text_width(), top - bottom);
    HPDF_Page_Stroke(L.page());
    L.set_y(bottom - m.body * 0.6f);
  }

  L.paragraph(r.agency.name + " đã tiếp nhận hồ sơ của:", fonts.regular, m.body);
  L.field("Ông/Bà:", domain::mask_name(r.applicant_name), 12);
  if (!r.applicant_phone.empty()) L.field("Số điện thoại:", domain::mask_phone(r.applicant_phone), 12);
  L.field("Nội dung yêu cầu giải quyết:",
          r.service_name + (r.service_code.empty() ? "" : " (mã thủ tục " + r.service_code + ")"));

  // 1. Documents: a table.
  L.field("1. Thành phần hồ sơ nộp gồm:", r.documents.empty() ? "không có giấy tờ kèm theo" : "");
  if (!r.documents.empty()) {
    const float x0 = L.left();
    const float w_no = m.small * 2.8f, w_count = m.small * 6.4f;
    const float w_name = L.text_width() - w_no - 3 * w_count;
    const float xs[] = {x0, x0 + w_no, x0 + w_no + w_name, x0 + w_no + w_name + w_count,
                        x0 + w_no + w_name + 2 * w_count, x0 + L.text_width()};
    const float pad = 3, lh = m.small * m.line;
    auto row = [&](const std::vector<std::string>& cells, HPDF_Font font) {
      std::vector<std::vector<std::string>> wrapped;
      std::size_t lines = 1;
      for (std::size_t c = 0; c < cells.size(); ++c) {
        wrapped.push_back(L.wrap(cells[c], font, m.small, xs[c + 1] - xs[c] - 2 * pad));
        lines = std::max(lines, wrapped.back().size());
      }
      const float h = static_cast<float>(lines) * lh + 2 * pad;
      L.need(h);
      const float top = L.y();
      for (std::size_t c = 0; c < cells.size(); ++c) {
        float y = top - pad;
        for (const auto& l : wrapped[c]) {
          y -= lh;
          const float w = L.width_of(l, font, m.small);
          const float x = c == 1 ? xs[c] + pad : xs[c] + (xs[c + 1] - xs[c] - w) / 2;
          L.draw_text(l, font, m.small, x, y + m.small * 0.28f);
        }
      }
      HPDF_Page_SetLineWidth(L.page(), 0.5f);
      HPDF_Page_Rectangle(L.page(), xs[0], top - h, xs[5] - xs[0], h);
      for (int c = 1; c < 5; ++c) {
        HPDF_Page_MoveTo(L.page(), xs[c], top);
        HPDF_Page_LineTo(L.page(), xs[c], top - h);
      }
      HPDF_Page_Stroke(L.page());
      L.set_y(top - h);
    };
    L.space(2);
    row({"TT", "Tên giấy tờ", "Bản chính", "Bản sao", "Số trang"}, fonts.bold);
    for (std::size_t i = 0; i < r.documents.size(); ++i) {
      const auto& d = r.documents[i];
      row({std::to_string(i + 1), d.name, count_text(d.originals), count_text(d.copies), count_text(d.pages)},
          fonts.regular);
    }
    L.space(m.body * 0.3f);
  }
  L.field("2. Số lượng hồ sơ:", two(std::max(1, r.sets)) + " bộ.");
  L.field("3. Thời gian giải quyết hồ sơ theo quy định:", r.processing_time.empty() ? "—" : r.processing_time + ".");
  L.field("4. Thời gian nhận hồ sơ:", form01_time(r.received) + ".");
  L.field("5. Thời gian trả kết quả giải quyết hồ sơ:",
          r.appointment ? form01_time(*r.appointment) + "." : "sẽ được thông báo khi hồ sơ được tiếp nhận chính thức.");
  {
    std::string where = r.delivery ? std::string(domain::label_vi(*r.delivery)) : std::string();
    if (!r.result_place.empty()) where += (where.empty() ? "" : ": ") + r.result_place;
    L.field("6. Đăng ký nhận kết quả tại:", where.empty() ? "—" : where + ".");
  }
  {
    std::string fee = r.fee.amount_vnd > 0 ? format_vnd_amount(r.fee.amount_vnd) : "Không thu phí, lệ phí";
    if (!r.fee.note.empty()) fee += " (" + r.fee.note + ")";
    if (r.fee.amount_vnd > 0 && r.fee.method) fee += ". Cách nộp: " + std::string(domain::label_vi(*r.fee.method));
    L.field("7. Phí, lệ phí:", fee + ".");
  }
  if (vietqr) {
    const float side = m.qr * 0.85f, pad = 3;
    L.need(side + 2 * pad);
    const float top = L.y() - pad;
    L.image(*vietqr, L.left() + 12, top, side);
    const float tx = L.left() + 12 + side + 10, tw = L.text_width() - (tx - L.left());
    L.set_y(top);
    L.paragraph("Chuyển khoản: quét mã VietQR bằng ứng dụng ngân hàng, hoặc chuyển khoản theo thông tin sau.",
                fonts.regular, m.small, Align::left, tx, tw);
    if (const auto& a = r.fee.account) {
      if (!a->bank_name.empty()) L.paragraph("Ngân hàng: " + a->bank_name, fonts.regular, m.small, Align::left, tx, tw);
      L.paragraph("Số tài khoản: " + a->account, fonts.bold, m.small, Align::left, tx, tw);
      if (!a->account_name.empty())
        L.paragraph("Chủ tài khoản: " + a->account_name, fonts.regular, m.small, Align::left, tx, tw);
    }
    if (r.fee.amount_vnd > 0)
      L.paragraph("Số tiền: " + format_vnd_amount(r.fee.amount_vnd), fonts.regular, m.small, Align::left, tx, tw);
    if (!r.fee.transfer_purpose.empty())
      L.paragraph("Nội dung chuyển khoản: " + r.fee.transfer_purpose, fonts.bold, m.small, Align::left, tx, tw);
    L.set_y(std::min(L.y(), top - side) - pad);
  }
  if (!r.ledger_book.empty() || !r.ledger_number.empty())
    L.paragraph("Vào Sổ theo dõi hồ sơ, Quyển số: " + (r.ledger_book.empty() ? "…" : r.ledger_book) +
                    ", Số thứ tự: " + (r.ledger_number.empty() ? "…" : r.ledger_number) + ".",
                fonts.italic, m.body);

  // Signatures.
  {
    const float col = L.text_width() / 2 - 6, rx = L.left() + L.text_width() / 2 + 6;
    L.need(m.body * m.line * 3 + m.small * m.line + m.body * (m.sign + 0.6f));
    L.space(m.body * 0.6f);
    const float top = L.y();
    L.paragraph("NGƯỜI NỘP HỒ SƠ", fonts.bold, m.body, Align::center, L.left(), col);
    L.paragraph("(Ký và ghi rõ họ tên)", fonts.italic, m.small, Align::center, L.left(), col);
    L.set_y(top);
    L.paragraph("NGƯỜI TIẾP NHẬN HỒ SƠ", fonts.bold, m.body, Align::center, rx, col);
    L.paragraph("(Ký và ghi rõ họ tên)", fonts.italic, m.small, Align::center, rx, col);
    L.space(m.body * m.sign);
    L.paragraph(r.officer_name.empty() ? "Tiếp nhận tại ki-ốt tự phục vụ" : r.officer_name,
                r.officer_name.empty() ? fonts.italic : fonts.bold, m.body, Align::center, rx, col);
  }

  if (auto e = doc->error("laying out the receipt")) return fail(*e);
  return doc->save();
}

Result<void> write_receipt_pdf(const std::filesystem::path& path, const FormReceipt& receipt, ReceiptPaper paper,
                               const ReceiptFontFiles& fonts) {
  auto bytes = render_receipt_pdf(receipt, paper, fonts);
  if (!bytes) return fail(bytes.error());
  return fs::write_file_durable(path, *bytes);
}

}  // namespace motcua::document
