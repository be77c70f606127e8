// Receipt on screen (Circular 03/2025 form 01, the parts a citizen needs):
// dossier code — official, or provisional and marked so —, lookup secret, a QR
// code of both, the service, the masked applicant, documents received, the time
// received and where to ask.

#include <algorithm>

#include "app/format.hpp"
#include "motcua/domain/service_rules.hpp"
#include "screens/screens.hpp"

namespace motcua::kiosk {

namespace {

// Printing: the thermal slip and/or the office's A5 printer, with what became
// of the last print right under the buttons (pinned above "Về trang chủ", so
// the citizen sees it without scrolling).
float print_area_height(const Ui& ui, const ReceiptView& rv) {
  if (!rv.can_print_thermal && !rv.can_print_pdf) return 0;
  const Theme& th = ui.th;
  const float spacing = ImGui::GetStyle().ItemSpacing.y;
  float h = th.button_h + th.gap * 0.5f + 2 * spacing;
  if (!rv.print_notice.empty())
    h += measure(ui.fonts.body, ui.tr(rv.print_notice), avail_width(ui) - 2 * th.pad).y + 2 * th.pad + th.gap * 0.5f + spacing;
  return h;
}

void print_area(Ui& ui, const ReceiptView& rv, Intents& out) {
  if (!rv.can_print_thermal && !rv.can_print_pdf) return;
  const Theme& th = ui.th;
  if (!rv.print_notice.empty())
    notice(ui, ui.tr(rv.print_notice), rv.print_failed ? th.danger_soft : th.success_soft,
           rv.print_failed ? th.danger : th.success);
  if (rv.printing) {
    button(ui, ui.tr("receipt.printing"), ButtonKind::quiet);
    return;
  }
  const bool both = rv.can_print_thermal && rv.can_print_pdf;
  const float w = both ? (avail_width(ui) - th.gap) * 0.5f : 0;
  if (rv.can_print_thermal && button(ui, ui.tr("receipt.print_thermal"), ButtonKind::secondary, w))
    out.push_back(intent::print_receipt(PrintTarget::thermal));
  if (both) ImGui::SameLine(0, th.gap);
  if (rv.can_print_pdf && button(ui, ui.tr("receipt.print_pdf"), ButtonKind::secondary, w))
    out.push_back(intent::print_receipt(PrintTarget::pdf));
}

}  // namespace

void draw_receipt(Ui& ui, AppState& state, Intents& out) {
  const Theme& th = ui.th;
  if (!state.receipt.receipt) {
    out.push_back(intent::home());
    return;
  }
  const Receipt& r = *state.receipt.receipt;
  ui.reg.vars["code"] = r.code;
  ui.reg.vars["secret"] = r.secret;

  Columns cols;
  if (ui.landscape) {
    cols = begin_columns(ui, "##receipt", 0.5f);
    begin_touch_scroll(ui, "##receipt-left",
                       ImGui::GetContentRegionAvail().y - th.button_h - th.gap * 1.5f - print_area_height(ui, state.receipt));
  } else {
    begin_touch_scroll(ui, "##receipt",
                       ImGui::GetContentRegionAvail().y - th.button_h - th.gap * 1.5f - print_area_height(ui, state.receipt));
  }
  // Success header: a green disc with a check mark.
  {
    const ImVec2 pos = ImGui::GetCursorScreenPos();
    const float d = 96 * th.s;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddCircleFilled(ImVec2(pos.x + d * 0.5f, pos.y + d * 0.5f), d * 0.5f, th.success, 48);
    draw_icon(dl, Icon::check, ImVec2(pos.x + d * 0.5f, pos.y + d * 0.5f), d * 0.7f, th.on_accent);
    ImGui::SetCursorScreenPos(ImVec2(pos.x + d + th.gap, pos.y));
    ImGui::BeginGroup();
    text(ui, ui.tr("receipt.title"), ui.fonts.title, th.text);
    text(ui, ui.tr("receipt.subtitle"), ui.fonts.body, th.muted);
    ImGui::EndGroup();
    if (ImGui::GetCursorScreenPos().y < pos.y + d) ImGui::SetCursorScreenPos(ImVec2(pos.x, pos.y + d));
    vspace(ui, th.gap);
  }

  {
    const Card card = begin_card(ui, th.surface, th.accent);
    text(ui, ui.tr("receipt.code"), ui.fonts.body, th.muted);
    ImFont* code_font = measure(ui.fonts.display, r.code).x <= avail_width(ui) ? ui.fonts.display : ui.fonts.title;
    text(ui, r.code, code_font, th.text, false);
    if (r.provisional) {
      vspace(ui, 8 * th.s);
      badge(ui, ui.tr("receipt.provisional"), th.warning_soft, th.warning);
      vspace(ui, 6 * th.s);
      text(ui, ui.tr("receipt.provisional_note"), ui.fonts.body, th.text);
    }
    vspace(ui, th.gap);
    // Secret on the left (its text wraps before the QR code), QR on the right.
    const float qr = std::min(300 * th.s, avail_width(ui) * 0.45f);
    const ImVec2 row = ImGui::GetCursorScreenPos();
    const float left_w = avail_width(ui) - qr - th.gap;
    ui.inset_right += qr + th.gap;
    text(ui, ui.tr("receipt.secret"), ui.fonts.body, th.muted);
    text(ui, r.secret, ui.fonts.display, th.accent_dark, false);
    vspace(ui, 10 * th.s);
    text(ui, ui.tr("receipt.secret_note"), ui.fonts.small, th.muted);
    ui.inset_right -= qr + th.gap;
    const float left_bottom = ImGui::GetCursorScreenPos().y;
    if (state.receipt.qr.id) {
      ImGui::SetCursorScreenPos(ImVec2(row.x + left_w + th.gap, row.y));
      image(ui, state.receipt.qr.id, ImVec2(qr, qr));
    }
    ImGui::SetCursorScreenPos(ImVec2(row.x, std::max(left_bottom, row.y + qr + 8 * th.s)));
    ImGui::Dummy(ImVec2(0, 0));
    end_card(ui, card);
  }
  if (ui.landscape) {
    end_touch_scroll(ui);
    vspace(ui, th.gap * 0.5f);
    print_area(ui, state.receipt, out);
    if (button(ui, ui.tr("nav.home_full"), ButtonKind::primary)) out.push_back(intent::home());
    next_column(ui, cols);
    begin_touch_scroll(ui, "##receipt-right", ImGui::GetContentRegionAvail().y);
  }

  {
    const Card card = begin_card(ui);
    field_row(ui, ui.tr("receipt.service"), r.service_name);
    field_row(ui, ui.tr("receipt.applicant"), r.applicant_masked);
    std::string docs;
    for (const auto& d : r.documents) docs += (docs.empty() ? "" : "\n") + d;
    if (const auto& p = state.receipt.printable) {
      // With the pages scanned for each: "Giấy chứng sinh — 2 trang".
      docs.clear();
      for (const auto& d : p->documents)
        docs += (docs.empty() ? "" : "\n") + d.name + " — " + ui.i18n.format("submit.pages", {std::to_string(d.pages)});
    }
    field_row(ui, ui.tr("receipt.documents"), docs.empty() ? ui.tr("receipt.no_documents") : docs);
    field_row(ui, ui.tr("receipt.received"), format_received_time(r.received_at, ui.i18n.lang()));
    if (r.appointment) field_row(ui, ui.tr("receipt.appointment"), format_received_time(*r.appointment, ui.i18n.lang()));
    const bool en = ui.i18n.lang() == Lang::en;
    if (r.payment_method)
      if (auto m = domain::payment_method_from_string(*r.payment_method))
        field_row(ui, ui.tr("service.payment"), std::string(en ? domain::label_en(*m) : domain::label_vi(*m)));
    if (const auto& p = state.receipt.printable)
      field_row(ui, ui.tr("receipt.fee"), p->fee.amount_vnd > 0 ? format_vnd(p->fee.amount_vnd) : ui.tr("submit.no_fee"));
    if (r.result_delivery)
      if (auto d = domain::result_delivery_from_string(*r.result_delivery))
        field_row(ui, ui.tr("service.delivery"), std::string(en ? domain::label_en(*d) : domain::label_vi(*d)));
    if (const auto& p = state.receipt.printable; p && !p->result_place.empty())
      field_row(ui, ui.tr("receipt.collect"), p->result_place);
    if (const domain::Agency* a = state.agency()) {
      field_row(ui, ui.tr("receipt.office"), a->name);
      if (!a->address.empty()) field_row(ui, ui.tr("agency.address"), a->address);
      if (!a->phone.empty()) field_row(ui, ui.tr("agency.phone"), a->phone);
      if (!a->email.empty()) field_row(ui, "Email", a->email);
    }
    end_card(ui, card);
  }
  // Level 4 paid by bank transfer: the VietQR code any Vietnamese banking app reads.
  if (state.receipt.bank_qr.id) {
    const Card card = begin_card(ui, th.surface, th.accent);
    section_heading(ui, ui.tr("receipt.bank_title"));
    const float qr = std::min(360 * th.s, avail_width(ui));
    ImGui::SetCursorPosX(ImGui::GetCursorPosX() + (avail_width(ui) - qr) * 0.5f);
    image(ui, state.receipt.bank_qr.id, ImVec2(qr, qr));
    vspace(ui, 8 * th.s);
    if (const auto& p = state.receipt.printable; p && p->fee.account) {
      field_row(ui, ui.tr("receipt.fee"), format_vnd(p->fee.amount_vnd));
      field_row(ui, p->fee.account->bank_name, p->fee.account->account + "\n" + p->fee.account->account_name);
    }
    text(ui, ui.i18n.format("receipt.bank_note", {state.receipt.printable ? state.receipt.printable->fee.transfer_purpose : std::string()}), ui.fonts.body, th.text);
    end_card(ui, card);
  }
  notice(ui, ui.tr("receipt.keep"), th.accent_soft, th.accent_dark);
  end_touch_scroll(ui);
  if (ui.landscape) {
    end_columns(ui, cols);
    return;
  }

  vspace(ui, th.gap * 0.5f);
  print_area(ui, state.receipt, out);
  if (button(ui, ui.tr("nav.home_full"), ButtonKind::primary)) out.push_back(intent::home());
}

}  // namespace motcua::kiosk
