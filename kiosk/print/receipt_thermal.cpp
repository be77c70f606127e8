#include "print/receipt_thermal.hpp"

#include <string>

#include "motcua/domain/dossier.hpp"
#include "motcua/domain/dossier_code.hpp"
#include "motcua/domain/service_rules.hpp"
#include "print/qr_bitmap.hpp"

namespace motcua::print {

namespace {

std::string two(int v) {
  std::string s = std::to_string(v);
  return s.size() < 2 ? "0" + s : s;
}

// "01 bản chính, 01 bản sao" (form 01 counts originals and copies).
std::string counts(const document::ReceiptDocument& d) {
  std::string s;
  if (d.originals > 0) s += two(d.originals) + " bản chính";
  if (d.copies > 0) s += (s.empty() ? "" : ", ") + two(d.copies) + " bản sao";
  if (d.pages > 0) s += (s.empty() ? "" : ", ") + std::to_string(d.pages) + " trang đã quét";
  return s;
}

std::string contacts(const domain::Agency& a) { return document::agency_contacts(a, "\n"); }

}  // namespace

Result<std::vector<ReceiptBlock>> thermal_receipt_blocks(const document::FormReceipt& r,
                                                        const ThermalReceiptOptions& o) {
  if (r.dossier_code.empty()) return fail(Errc::invalid_argument, "the receipt has no dossier code");
  if (r.lookup_secret.empty()) return fail(Errc::invalid_argument, "the receipt has no lookup secret");
  const int body = o.body_size, small = body - 4, head = body + 2, big = body + 6;
  // Blocks are built in place: g++ 12 warns (maybe-uninitialized) about
  // moving a temporary variant holding a MonoBitmap.
  std::vector<ReceiptBlock> b;
  auto text = [&b](std::string s, int size, bool bold = false, Align a = Align::left) {
    b.emplace_back(std::in_place_type<ReceiptText>, ReceiptText{std::move(s), size, bold, a});
  };
  auto space = [&b](int dots) { b.emplace_back(std::in_place_type<ReceiptSpace>, ReceiptSpace{dots}); };
  auto image = [&b](MonoBitmap m) {
    b.emplace_back(std::in_place_type<ReceiptImage>, ReceiptImage{std::move(m), Align::center});
  };
  // "Label" over "value": the label is what a reader scans for.
  auto field = [&](std::string_view label, const std::string& value) {
    text(std::string(label), small, false);
    text(value, body, true);
    space(4);
  };
  auto rule = [&] {
    space(8);
    b.emplace_back(std::in_place_type<ReceiptRule>, ReceiptRule{2});
    space(10);
  };

  auto lookup_qr = qr_bitmap(domain::receipt_qr_payload(r.dossier_code, r.lookup_secret), o.lookup_qr_module_dots);
  if (!lookup_qr) return fail(lookup_qr.error());

  // Header: the agency, then the form's title (Circular 03/2025 form 01).
  if (!r.parent_agency.empty()) text(r.parent_agency, small, false, Align::center);
  if (!r.agency.name.empty()) text(r.agency.name, body, true, Align::center);
  space(10);
  text("GIẤY TIẾP NHẬN HỒ SƠ\nVÀ HẸN TRẢ KẾT QUẢ", head, true, Align::center);
  text("Receipt of dossier and appointment", small, false, Align::center);
  {
    const VietnamTime v = to_vietnam(r.received);
    text((r.place.empty() ? "" : r.place + ", ") + "ngày " + two(v.day) + " tháng " + two(v.month) + " năm " +
             std::to_string(v.year),
         small, false, Align::center);
  }
  rule();

  // The code, the secret and their QR code: what the citizen needs to look the dossier up.
  text("Mã hồ sơ / Dossier code", small, false, Align::center);
  text(r.dossier_code, big, true, Align::center);
  if (r.provisional)
    text("MÃ TẠM: ki-ốt cấp khi chưa kết nối được hệ thống. Mã này vẫn dùng để tra cứu sau khi có "
         "mã chính thức.",
         small, false, Align::center);
  space(6);
  text("Mã tra cứu / Lookup secret", small, false, Align::center);
  text(r.lookup_secret, big, true, Align::center);
  image(std::move(*lookup_qr));
  text("Quét mã QR tại ki-ốt, hoặc nhập mã hồ sơ và mã tra cứu trên ki-ốt hay Cổng Dịch vụ công để "
       "xem tình trạng hồ sơ. Xin giữ kín mã tra cứu.",
       small, false, Align::center);
  rule();

  field("Người nộp hồ sơ:", domain::mask_name(r.applicant_name));
  if (!r.applicant_phone.empty()) field("Số điện thoại:", domain::mask_phone(r.applicant_phone));
  field("Thủ tục:", r.service_name + (r.service_code.empty() ? "" : " (mã " + r.service_code + ")"));

  // Form 01, items 1–6.
  text("1. Thành phần hồ sơ đã nhận:", small);
  if (r.documents.empty()) {
    text("Không có giấy tờ kèm theo.", body, true);
  } else {
    for (std::size_t i = 0; i < r.documents.size(); ++i) {
      const auto& d = r.documents[i];
      text(std::to_string(i + 1) + ". " + d.name, body);
      if (const std::string c = counts(d); !c.empty()) text("    " + c, small);
    }
  }
  space(4);
  field("2. Số lượng hồ sơ:", two(std::max(1, r.sets)) + " bộ");
  field("3. Thời gian giải quyết theo quy định:", r.processing_time.empty() ? "—" : r.processing_time);
  field("4. Thời gian nhận hồ sơ:", document::form01_time(r.received));
  text("5. Hẹn trả kết quả:", small);
  if (r.appointment)
    text(document::form01_time(*r.appointment), head, true);
  else
    text("Sẽ được thông báo khi hồ sơ được tiếp nhận chính thức.", body, true);
  space(4);
  {
    std::string where = r.delivery ? std::string(domain::label_vi(*r.delivery)) : std::string();
    if (!r.result_place.empty()) where += (where.empty() ? "" : ": ") + r.result_place;
    field("6. Nơi nhận kết quả:", where.empty() ? "—" : where);
  }
  rule();

  // Fee and how to pay it; a bank transfer adds the VietQR code and the
  // account for payers who type the transfer by hand.
  {
    std::string fee =
        r.fee.amount_vnd > 0 ? document::format_vnd_amount(r.fee.amount_vnd) : std::string("Không thu phí, lệ phí");
    if (!r.fee.note.empty()) fee += " (" + r.fee.note + ")";
    field("7. Phí, lệ phí:", fee);
    if (r.fee.amount_vnd > 0 && r.fee.method) field("Cách nộp:", std::string(domain::label_vi(*r.fee.method)));
  }
  if (!r.fee.vietqr_payload.empty()) {
    auto vietqr = qr_bitmap(r.fee.vietqr_payload, o.vietqr_module_dots);
    if (!vietqr) return fail(vietqr.error());
    text("Quét mã VietQR bằng ứng dụng ngân hàng:", small, false, Align::center);
    image(std::move(*vietqr));
    if (const auto& a = r.fee.account) {
      if (!a->bank_name.empty()) text("Ngân hàng: " + a->bank_name, small);
      text("Số tài khoản: " + a->account, body, true);
      if (!a->account_name.empty()) text("Chủ tài khoản: " + a->account_name, small);
    }
    if (r.fee.amount_vnd > 0) text("Số tiền: " + document::format_vnd_amount(r.fee.amount_vnd), small);
    if (!r.fee.transfer_purpose.empty()) text("Nội dung chuyển khoản: " + r.fee.transfer_purpose, body, true);
  }
  if (!r.ledger_book.empty() || !r.ledger_number.empty()) {
    space(6);
    text("Sổ theo dõi hồ sơ: quyển " + (r.ledger_book.empty() ? "…" : r.ledger_book) + ", số " +
             (r.ledger_number.empty() ? "…" : r.ledger_number),
         small);
  }
  rule();

  // Where to ask (the regulation: agencies publish address, phone and email).
  text("Liên hệ: " + r.agency.name, small, true);
  if (const std::string c = contacts(r.agency); !c.empty()) text(c, small);
  space(8);
  text(r.officer_name.empty() ? "Tiếp nhận tại ki-ốt tự phục vụ" : "Người tiếp nhận: " + r.officer_name, small,
       false, Align::center);
  text("Xin giữ phiếu này để nhận kết quả.", small, true, Align::center);
  space(16);
  return b;
}

Result<MonoBitmap> render_thermal_receipt(const document::FormReceipt& receipt, ReceiptFonts fonts,
                                          const ThermalReceiptOptions& options) {
  auto blocks = thermal_receipt_blocks(receipt, options);
  if (!blocks) return fail(blocks.error());
  return render_receipt(*blocks, fonts, options.paper);
}

Result<std::vector<std::uint8_t>> thermal_receipt_escpos(const document::FormReceipt& receipt, ReceiptFonts fonts,
                                                         const ThermalReceiptOptions& options,
                                                         const EscPosOptions& escpos) {
  auto image = render_thermal_receipt(receipt, fonts, options);
  if (!image) return fail(image.error());
  return encode_escpos(*image, escpos);
}

}  // namespace motcua::print
