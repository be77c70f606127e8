// Service detail: what to bring, how long it takes, what it costs, the steps,
// the result and the legal basis — and "Nộp hồ sơ" when the kiosk accepts it.

#include "app/format.hpp"
#include "motcua/domain/service_rules.hpp"
#include "screens/screens.hpp"

namespace motcua::kiosk {

std::string level_label(const Ui& ui, const domain::Service& s) {
  if (s.online_scope == domain::OnlineScope::full) return ui.tr("service.scope_full");
  if (s.online_scope == domain::OnlineScope::partial) return ui.tr("service.scope_partial");
  if (s.level) return ui.i18n.format("service.level", {std::to_string(*s.level)});
  return ui.tr("service.level_none");
}

std::string processing_label(const Ui& ui, const domain::Service& s) {
  switch (s.processing.kind) {
    case domain::ProcessingKind::same_day: return ui.tr("service.same_day");
    case domain::ProcessingKind::working_days:
      return ui.i18n.format("service.working_days", {std::to_string(s.processing.days)});
    case domain::ProcessingKind::days: return ui.i18n.format("service.days", {std::to_string(s.processing.days)});
  }
  return s.processing.text;
}

namespace {

std::string copies_label(const Ui& ui, const domain::RequiredDocument& d) {
  std::string out;
  if (d.originals > 0) out = ui.i18n.format("service.originals", {std::to_string(d.originals)});
  if (d.copies > 0) {
    if (!out.empty()) out += ", ";
    out += ui.i18n.format("service.copies", {std::to_string(d.copies)});
  }
  if (!d.required) {
    if (!out.empty()) out += " · ";
    out += ui.tr("service.optional");
  }
  return out;
}

// A numbered item: a disc with the number, text wrapped beside it.
void numbered(Ui& ui, int n, std::string_view title, std::string_view detail) {
  const Theme& th = ui.th;
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  const float disc = 48 * th.s;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddCircleFilled(ImVec2(pos.x + disc * 0.5f, pos.y + disc * 0.5f), disc * 0.5f, th.accent_soft, 32);
  const std::string num = std::to_string(n);
  const ImVec2 ns = measure(ui.fonts.bold, num);
  dl->AddText(ui.fonts.bold, ui.fonts.bold->FontSize,
              ImVec2(pos.x + (disc - ns.x) * 0.5f, pos.y + (disc - ns.y) * 0.5f), th.accent_dark, num.c_str());
  ImGui::Indent(disc + 20 * th.s);
  ImGui::SetCursorScreenPos(ImVec2(pos.x + disc + 20 * th.s, pos.y + 4 * th.s));
  text(ui, title, ui.fonts.body, th.text);
  if (!detail.empty()) text(ui, detail, ui.fonts.small, th.muted);
  ImGui::Unindent(disc + 20 * th.s);
  if (ImGui::GetCursorScreenPos().y < pos.y + disc) ImGui::SetCursorScreenPos(ImVec2(pos.x, pos.y + disc));
  vspace(ui, 14 * th.s);
}

}  // namespace

void draw_service(Ui& ui, AppState& state, Intents& out) {
  const Theme& th = ui.th;
  const domain::Service* s = state.catalog ? state.catalog->service(state.service_code) : nullptr;
  if (!s) {
    notice(ui, ui.tr("service.missing"), th.warning_soft, th.warning);
    return;
  }
  const bool can_submit = s->accepts_submissions();
  const float action_h = th.button_h + th.gap * 1.5f;
  begin_touch_scroll(ui, "##service", ImGui::GetContentRegionAvail().y - action_h);

  text(ui, s->name, ui.fonts.title, th.text);
  vspace(ui, 14 * th.s);
  badge(ui, ui.i18n.format("service.code", {s->code}), th.chip, th.text);
  badge(ui, level_label(ui, *s), th.accent_soft, th.accent_dark, true);
  if (const domain::Field* f = state.catalog->field(s->field)) badge(ui, f->name, th.chip, th.text, true);
  vspace(ui, th.gap * 0.5f);
  if (!s->summary.empty()) text(ui, s->summary, ui.fonts.body, th.text);
  vspace(ui, th.gap * 0.5f);

  {
    const Card card = begin_card(ui);
    field_row(ui, ui.tr("service.time"), processing_label(ui, *s));
    if (!s->processing.text.empty() && s->processing.text != processing_label(ui, *s))
      text(ui, s->processing.text, ui.fonts.small, th.muted);
    vspace(ui, 8 * th.s);
    if (s->fees.empty()) {
      field_row(ui, ui.tr("service.fee"), ui.tr("service.no_fee"));
    } else {
      for (const auto& fee : s->fees) {
        std::string value = fee.amount > 0 ? format_vnd(fee.amount) : fee.text;
        if (fee.amount > 0 && !fee.unit.empty()) value += "/" + fee.unit;
        if (fee.amount > 0 && !fee.text.empty()) value += " — " + fee.text;
        if (value.empty()) value = ui.tr("service.no_fee");
        field_row(ui, fee.name.empty() ? ui.tr("service.fee") : fee.name, value);
      }
    }
    if (!s->applicants.empty()) {
      vspace(ui, 8 * th.s);
      field_row(ui, ui.tr("service.applicants"), s->applicants);
    }
    // What the service's level allows (the provincial regulation's level 3/4 rules).
    const auto rules = domain::channel_rules(*s);
    const bool en = ui.i18n.lang() == Lang::en;
    if (!rules.payment.empty()) {
      std::string pay, get;
      for (auto m : rules.payment) pay += (pay.empty() ? "" : "\n") + std::string(en ? domain::label_en(m) : domain::label_vi(m));
      for (auto d : rules.delivery) get += (get.empty() ? "" : "\n") + std::string(en ? domain::label_en(d) : domain::label_vi(d));
      vspace(ui, 8 * th.s);
      field_row(ui, ui.tr("service.payment"), pay);
      vspace(ui, 8 * th.s);
      field_row(ui, ui.tr("service.delivery"), get);
      if (rules.digital_signature_encouraged) {
        vspace(ui, 8 * th.s);
        text(ui, ui.tr("service.signature_note"), ui.fonts.small, th.muted);
      }
    }
    end_card(ui, card);
  }

  if (!s->documents.empty()) {
    section_heading(ui, ui.tr("service.documents"));
    int n = 1;
    for (const auto& d : s->documents) {
      std::string detail = copies_label(ui, d);
      if (d.form) {
        // Catalogs write either a bare form number ("TP/HT-2015-TKKS") or a phrase
        // that already says "Mẫu …".
        const bool phrase = d.form->rfind("Mẫu", 0) == 0 || d.form->rfind("mẫu", 0) == 0;
        detail += (detail.empty() ? "" : " · ") + (phrase ? *d.form : ui.i18n.format("service.form", {*d.form}));
      }
      if (d.note) detail += (detail.empty() ? "" : " · ") + *d.note;
      numbered(ui, n++, d.name, detail);
    }
  }
  if (!s->steps.empty()) {
    section_heading(ui, ui.tr("service.steps"));
    int n = 1;
    for (const auto& step : s->steps) numbered(ui, n++, step, {});
  }
  if (!s->result.empty()) {
    section_heading(ui, ui.tr("service.result"));
    text(ui, s->result, ui.fonts.body, th.text);
  }
  if (s->requirements && !s->requirements->empty()) {
    section_heading(ui, ui.tr("service.requirements"));
    text(ui, *s->requirements, ui.fonts.body, th.text);
  }
  if (!s->legal_basis.empty()) {
    section_heading(ui, ui.tr("service.legal"));
    for (const auto& l : s->legal_basis) {
      std::string line = "•  " + l.number;
      if (!l.title.empty()) line += " — " + l.title;
      if (l.date) line += " (" + *l.date + ")";
      text(ui, line, ui.fonts.small, th.text);
      vspace(ui, 6 * th.s);
    }
  }
  end_touch_scroll(ui);

  vspace(ui, th.gap * 0.5f);
  if (can_submit) {
    if (button(ui, ui.tr("service.submit"), ButtonKind::primary)) out.push_back(intent::start_submit(s->code));
  } else {
    notice(ui, ui.tr("service.desk_only"), th.accent_soft, th.accent_dark);
  }
}

}  // namespace motcua::kiosk
