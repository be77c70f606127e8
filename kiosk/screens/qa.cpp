// Questions and answers the hub publishes [Hỏi đáp] (the regulation's Q&A
// section), newest first: a question opens its answer. Questions themselves
// go to the office (phone, email, the desk), which must answer feedback on
// procedure handling within 3 working days — said at the top.

#include <algorithm>

#include "app/format.hpp"
#include "screens/screens.hpp"

namespace motcua::kiosk {

namespace {

void answer(Ui& ui, const CatalogSnapshot& c, const domain::QaEntry& q, Intents& out) {
  const Theme& th = ui.th;
  const Card card = begin_card(ui, th.surface, th.accent);
  text(ui, q.question, ui.fonts.heading, th.text);
  vspace(ui, 10 * th.s);
  std::string meta = ui.i18n.format("qa.published", {format_iso_date(q.published_at)});
  if (q.field)
    if (const domain::Field* f = c.field(*q.field)) meta += "  ·  " + f->name;
  text(ui, meta, ui.fonts.small, th.muted);
  vspace(ui, 12 * th.s);
  text(ui, q.answer, ui.fonts.body, th.text);
  if (q.service)
    if (const domain::Service* s = c.service(*q.service)) {
      vspace(ui, 12 * th.s);
      if (button(ui, ui.i18n.format("qa.open_service", {s->name}), ButtonKind::secondary))
        out.push_back(intent::open_service(s->code));
    }
  end_card(ui, card);
}

void office_note(Ui& ui, const AppState& state) {
  const Theme& th = ui.th;
  std::string how = ui.tr("qa.ask");
  if (const domain::Agency* a = state.agency()) {
    if (!a->phone.empty()) how += "\n" + ui.tr("agency.phone") + ": " + a->phone;
    if (!a->email.empty()) how += "\n" + ui.tr("agency.email") + ": " + a->email;
  }
  notice(ui, how, th.accent_soft, th.accent_dark);
}

}  // namespace

void draw_qa(Ui& ui, AppState& state, Intents& out) {
  const Theme& th = ui.th;
  QaView& v = state.qa;
  text(ui, ui.tr("qa.title"), ui.fonts.title, th.text);
  vspace(ui, th.gap * 0.5f);
  const CatalogSnapshot* c = state.catalog.get();
  if (!c) {
    spinner(ui, 40 * th.s, th.accent);
    text_centered(ui, ui.tr("home.loading"), ui.fonts.body, th.muted);
    return;
  }
  std::vector<const domain::QaEntry*> items;
  for (const auto& q : c->catalog.qa) items.push_back(&q);
  // Newest first (dates are YYYY-MM-DD, so text order is date order).
  std::stable_sort(items.begin(), items.end(),
                   [](const domain::QaEntry* a, const domain::QaEntry* b) { return a->published_at > b->published_at; });
  const domain::QaEntry* open = nullptr;
  for (const auto* q : items)
    if (q->id == v.open) open = q;

  auto list = [&] {
    if (items.empty()) {
      notice(ui, ui.tr("qa.none"), th.chip, th.text);
      return;
    }
    for (const auto* q : items) {
      const bool selected = open == q;
      if (list_row(ui, "qa:" + q->id, q->question, ui.i18n.format("qa.published", {format_iso_date(q->published_at)}), {},
                   selected && ui.landscape))
        v.open = selected ? std::string() : q->id;
      if (selected && !ui.landscape) answer(ui, *c, *q, out);
    }
  };
  if (ui.landscape) {
    // The questions get the left column's whole height; how to ask the
    // office goes under the answer.
    const Columns cols = begin_columns(ui, "##qa", 0.45f);
    begin_touch_scroll(ui, "##qa-list", ImGui::GetContentRegionAvail().y);
    list();
    end_touch_scroll(ui);
    next_column(ui, cols);
    begin_touch_scroll(ui, "##qa-answer", ImGui::GetContentRegionAvail().y);
    if (open) answer(ui, *c, *open, out);
    else if (!items.empty()) notice(ui, ui.tr("qa.pick"), th.accent_soft, th.accent_dark);
    vspace(ui, th.gap * 0.5f);
    office_note(ui, state);
    end_touch_scroll(ui);
    end_columns(ui, cols);
    return;
  }
  office_note(ui, state);
  begin_touch_scroll(ui, "##qa", ImGui::GetContentRegionAvail().y);
  list();
  end_touch_scroll(ui);
}

}  // namespace motcua::kiosk
