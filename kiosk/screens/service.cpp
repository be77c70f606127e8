// Service detail: everything the national procedure record has (DOMAIN.md):
// time and fees, documents with originals/copies and template forms, what the
// level means for submitting, paying and getting the result, the channels
// (direct / online / post: time, fee, note), steps, applicants, the agency,
// result, requirements, legal basis, and the hub's figures — with "Nộp hồ sơ"
// when the kiosk accepts it. Landscape: summary left, the record right.

#include <algorithm>

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

namespace {

std::string fee_value(const Ui& ui, const domain::Fee& fee) {
  std::string value = fee.amount > 0 ? format_vnd(fee.amount) : fee.text;
  if (fee.amount > 0 && !fee.unit.empty()) value += "/" + fee.unit;
  if (fee.amount > 0 && !fee.text.empty()) value += " — " + fee.text;
  if (value.empty()) value = ui.tr("service.no_fee");
  return value;
}

// Name, code, level, field, summary.
void heading(Ui& ui, const CatalogSnapshot& c, const domain::Service& s) {
  const Theme& th = ui.th;
  text(ui, s.name, ui.fonts.title, th.text);
  vspace(ui, 14 * th.s);
  badge(ui, ui.i18n.format("service.code", {s.code}), th.chip, th.text);
  badge(ui, level_label(ui, s), th.accent_soft, th.accent_dark, true);
  if (const domain::Field* f = c.field(s.field)) {
    // Wrap the field badge to the next line when the row is full.
    const float w = measure(ui.fonts.small, f->name).x + 32 * th.s;
    if (ImGui::GetItemRectMax().x + 12 * th.s + w <= ImGui::GetWindowPos().x + ImGui::GetWindowWidth() - ui.inset_right)
      badge(ui, f->name, th.chip, th.text, true);
    else
      badge(ui, f->name, th.chip, th.text);
  }
  vspace(ui, th.gap * 0.5f);
  if (!s.summary.empty()) text(ui, s.summary, ui.fonts.body, th.text);
  vspace(ui, th.gap * 0.5f);
}

// Time and fees at a glance.
void key_facts(Ui& ui, const domain::Service& s) {
  const Theme& th = ui.th;
  const Card card = begin_card(ui);
  field_row(ui, ui.tr("service.time"), processing_label(ui, s));
  if (!s.processing.text.empty() && s.processing.text != processing_label(ui, s))
    text(ui, s.processing.text, ui.fonts.small, th.muted);
  vspace(ui, 8 * th.s);
  if (s.fees.empty()) {
    field_row(ui, ui.tr("service.fee"), ui.tr("service.no_fee"));
  } else {
    for (const auto& fee : s.fees) field_row(ui, fee.name.empty() ? ui.tr("service.fee") : fee.name, fee_value(ui, fee));
  }
  end_card(ui, card);
}

// What the level means for the citizen: where to submit, how to pay, how the
// result comes (domain/service_rules.hpp — the provincial regulation's rules).
void level_meaning(Ui& ui, const domain::Service& s) {
  const Theme& th = ui.th;
  section_heading(ui, ui.i18n.format("service.level_title", {level_label(ui, s)}));
  const Card card = begin_card(ui, th.accent_soft, th.accent);
  const int level = domain::effective_level(s);
  std::string key = "service.level_meaning_" + std::to_string(std::clamp(level, 0, 4));
  text(ui, ui.tr(key), ui.fonts.body, th.text);
  const auto rules = domain::channel_rules(s);
  const bool en = ui.i18n.lang() == Lang::en;
  if (!rules.payment.empty()) {
    std::string pay, get;
    for (auto m : rules.payment) pay += (pay.empty() ? "" : "\n") + std::string(en ? domain::label_en(m) : domain::label_vi(m));
    for (auto d : rules.delivery) get += (get.empty() ? "" : "\n") + std::string(en ? domain::label_en(d) : domain::label_vi(d));
    vspace(ui, 12 * th.s);
    field_row(ui, ui.tr("service.payment"), pay);
    vspace(ui, 8 * th.s);
    field_row(ui, ui.tr("service.delivery"), get);
    if (rules.digital_signature_encouraged) {
      vspace(ui, 8 * th.s);
      text(ui, ui.tr("service.signature_note"), ui.fonts.small, th.text);
    }
  }
  text(ui, ui.tr(s.accepts_submissions() ? "service.kiosk_yes" : "service.kiosk_no"), ui.fonts.bold, th.accent_dark);
  end_card(ui, card);
}

// The national record's methods table: channel | time | fee | note.
void methods(Ui& ui, const domain::Service& s) {
  if (s.methods.empty()) return;
  const Theme& th = ui.th;
  section_heading(ui, ui.tr("service.methods"));
  for (const auto& m : s.methods) {
    const Card card = begin_card(ui);
    text(ui, ui.tr("channel." + std::string(domain::to_string(m.channel))), ui.fonts.bold, th.accent);
    vspace(ui, 8 * th.s);
    if (!m.time.empty()) field_row(ui, ui.tr("service.time"), m.time);
    if (!m.fee.empty()) field_row(ui, ui.tr("service.fee"), m.fee);
    if (!m.note.empty()) field_row(ui, ui.tr("service.note"), m.note);
    end_card(ui, card);
  }
}

// The hub's figures (the regulation: usage, and for level 3+ on time / late).
void figures(Ui& ui, const CatalogSnapshot& c, const domain::Service& s) {
  const Theme& th = ui.th;
  section_heading(ui, ui.tr("service.figures"));
  const Card card = begin_card(ui);
  const domain::ServiceStats* st = c.stats(s.code);
  if (!st) {
    text(ui, ui.tr("service.figures_none"), ui.fonts.body, th.muted);
    end_card(ui, card);
    return;
  }
  field_row(ui, ui.tr("service.figures_last_year"), ui.i18n.format("service.figures_dossiers", {std::to_string(st->received_last_year)}));
  field_row(ui, ui.tr("service.figures_total"), ui.i18n.format("service.figures_dossiers", {std::to_string(st->received_total)}));
  if (domain::effective_level(s) >= 3) {
    vspace(ui, 8 * th.s);
    field_row(ui, ui.tr("service.figures_finished"), std::to_string(st->finished));
    field_row(ui, ui.tr("timeliness.early"), std::to_string(st->early));
    field_row(ui, ui.tr("timeliness.on_time"), std::to_string(st->on_time));
    field_row(ui, ui.tr("timeliness.late"), std::to_string(st->late));
    if (st->finished > 0) {
      const auto pct = (100 * (st->early + st->on_time) + st->finished / 2) / st->finished;
      field_row(ui, ui.tr("service.figures_rate"), std::to_string(pct) + " %");
    }
    if (st->open > 0)
      field_row(ui, ui.tr("service.figures_open"),
                ui.i18n.format("service.figures_open_value", {std::to_string(st->open), std::to_string(st->overdue)}));
  }
  if (!st->computed_at.empty())
    text(ui, ui.i18n.format("service.figures_as_of", {format_wire_time(st->computed_at)}), ui.fonts.small, th.muted);
  end_card(ui, card);
}

void documents(Ui& ui, const domain::Service& s) {
  if (s.documents.empty()) return;
  section_heading(ui, ui.tr("service.documents"));
  int n = 1;
  for (const auto& d : s.documents) {
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

void agency_card(Ui& ui, const CatalogSnapshot& c, const domain::Service& s) {
  const domain::Agency* a = c.agency(s.agency);
  if (!a) return;
  const Theme& th = ui.th;
  section_heading(ui, ui.tr("service.agency"));
  const Card card = begin_card(ui);
  text(ui, a->name, ui.fonts.bold, th.text);
  vspace(ui, 8 * th.s);
  if (!a->address.empty()) field_row(ui, ui.tr("agency.address"), a->address);
  if (!a->phone.empty()) field_row(ui, ui.tr("agency.phone"), a->phone);
  if (!a->hours.empty()) field_row(ui, ui.tr("agency.hours"), a->hours);
  if (!a->email.empty()) field_row(ui, ui.tr("agency.email"), a->email);
  end_card(ui, card);
}

// Steps, applicants, agency, result, requirements, legal basis.
void details(Ui& ui, const CatalogSnapshot& c, const domain::Service& s) {
  const Theme& th = ui.th;
  if (!s.steps.empty()) {
    section_heading(ui, ui.tr("service.steps"));
    int n = 1;
    for (const auto& step : s.steps) numbered(ui, n++, step, {});
  }
  if (!s.applicants.empty()) {
    section_heading(ui, ui.tr("service.applicants"));
    text(ui, s.applicants, ui.fonts.body, th.text);
  }
  agency_card(ui, c, s);
  if (!s.result.empty()) {
    section_heading(ui, ui.tr("service.result"));
    text(ui, s.result, ui.fonts.body, th.text);
  }
  if (s.requirements && !s.requirements->empty()) {
    section_heading(ui, ui.tr("service.requirements"));
    text(ui, *s.requirements, ui.fonts.body, th.text);
  }
  if (!s.legal_basis.empty()) {
    section_heading(ui, ui.tr("service.legal"));
    for (const auto& l : s.legal_basis) {
      std::string line = "•  " + l.number;
      if (!l.title.empty()) line += " — " + l.title;
      std::string when;
      if (l.date) when = ui.i18n.format("service.legal_date", {format_iso_date(*l.date)});  // "ngày 15/11/2015"
      if (l.issuer && !l.issuer->empty()) when += (when.empty() ? "" : ", ") + *l.issuer;
      if (!when.empty()) line += " (" + when + ")";
      text(ui, line, ui.fonts.body, th.text);
      vspace(ui, 6 * th.s);
    }
  }
}

void action(Ui& ui, const domain::Service& s, Intents& out) {
  const Theme& th = ui.th;
  vspace(ui, th.gap * 0.5f);
  if (s.accepts_submissions()) {
    if (button(ui, ui.tr("service.submit"), ButtonKind::primary)) out.push_back(intent::start_submit(s.code));
  } else {
    notice(ui, ui.tr("service.desk_only"), th.accent_soft, th.accent_dark);
  }
}

float action_height(const Ui& ui, const domain::Service& s) {
  const Theme& th = ui.th;
  if (s.accepts_submissions()) return th.button_h + th.gap * 1.5f;
  return measure(ui.fonts.body, ui.tr("service.desk_only"), avail_width(ui) - 2 * th.pad).y + th.pad * 1.2f + th.gap * 1.5f;
}

}  // namespace

void draw_service(Ui& ui, AppState& state, Intents& out) {
  const Theme& th = ui.th;
  const domain::Service* s = state.shown_service();
  if (!s || state.service_missing) {
    notice(ui, ui.tr("service.missing"), th.warning_soft, th.warning);
    return;
  }
  const CatalogSnapshot& c = *state.catalog;
  // The full record comes from the worker a moment after the screen opens;
  // until then the summary shows what the lists know.
  const bool loading = !state.service_record;
  if (loading) {
    ui.animate = true;
    heading(ui, c, *s);
    key_facts(ui, *s);
    spinner(ui, 40 * th.s, th.accent);
    return;
  }
  if (ui.landscape) {
    // Left: what it is, time, fees, level, channels, figures — and the action.
    // Right: documents, steps and the rest of the record.
    const Columns cols = begin_columns(ui, "##service", 0.5f);
    begin_touch_scroll(ui, "##service-left", ImGui::GetContentRegionAvail().y - action_height(ui, *s));
    heading(ui, c, *s);
    key_facts(ui, *s);
    level_meaning(ui, *s);
    methods(ui, *s);
    figures(ui, c, *s);
    end_touch_scroll(ui);
    action(ui, *s, out);
    next_column(ui, cols);
    begin_touch_scroll(ui, "##service-right", ImGui::GetContentRegionAvail().y);
    documents(ui, *s);
    details(ui, c, *s);
    end_touch_scroll(ui);
    end_columns(ui, cols);
    return;
  }
  begin_touch_scroll(ui, "##service", ImGui::GetContentRegionAvail().y - action_height(ui, *s));
  heading(ui, c, *s);
  key_facts(ui, *s);
  documents(ui, *s);
  level_meaning(ui, *s);
  methods(ui, *s);
  details(ui, c, *s);
  figures(ui, c, *s);
  end_touch_scroll(ui);
  action(ui, *s, out);
}

}  // namespace motcua::kiosk
