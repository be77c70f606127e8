// Agencies: every agency of the catalog with its address, phone, email and
// office hours (the regulation: agencies publish how to reach them), and how
// many of its procedures the catalog lists. No map: the address is what people
// give a motorbike taxi. Landscape: two cards per row.

#include "screens/screens.hpp"

namespace motcua::kiosk {

namespace {

void agency_card(Ui& ui, const CatalogSnapshot& c, const domain::Agency& a, Intents& out) {
  const Theme& th = ui.th;
  const Card card = begin_card(ui);
  text(ui, a.name, ui.fonts.heading, th.text);
  vspace(ui, 10 * th.s);
  if (!a.address.empty()) field_row(ui, ui.tr("agency.address"), a.address);
  if (!a.phone.empty()) field_row(ui, ui.tr("agency.phone"), a.phone);
  if (!a.email.empty()) field_row(ui, ui.tr("agency.email"), a.email);
  if (!a.hours.empty()) field_row(ui, ui.tr("agency.hours"), a.hours);
  std::size_t n = 0;
  for (const auto& s : c.catalog.services) if (s.agency == a.id) ++n;
  if (n > 0) {
    vspace(ui, 10 * th.s);
    // To this agency's procedures in the catalog, browsed by agency.
    if (button(ui, ui.i18n.format("agencies.services", {std::to_string(n)}), ButtonKind::secondary)) {
      Intent i = intent::open_catalog(false);
      i.code = a.id;
      out.push_back(i);
    }
  }
  end_card(ui, card);
}

}  // namespace

void draw_agencies(Ui& ui, AppState& state, Intents& out) {
  const Theme& th = ui.th;
  text(ui, ui.tr("agencies.title"), ui.fonts.title, th.text);
  vspace(ui, 6 * th.s);
  text(ui, ui.tr("agencies.explain"), ui.fonts.body, th.muted);
  vspace(ui, th.gap * 0.5f);
  const CatalogSnapshot* c = state.catalog.get();
  if (!c) {
    spinner(ui, 40 * th.s, th.accent);
    text_centered(ui, ui.tr("home.loading"), ui.fonts.body, th.muted);
    return;
  }
  const auto& agencies = c->catalog.agencies;
  if (ui.landscape) {
    const Columns cols = begin_columns(ui, "##agencies", 0.5f);
    begin_touch_scroll(ui, "##agencies-left", ImGui::GetContentRegionAvail().y);
    for (std::size_t i = 0; i < agencies.size(); i += 2) agency_card(ui, *c, agencies[i], out);
    end_touch_scroll(ui);
    next_column(ui, cols);
    begin_touch_scroll(ui, "##agencies-right", ImGui::GetContentRegionAvail().y);
    for (std::size_t i = 1; i < agencies.size(); i += 2) agency_card(ui, *c, agencies[i], out);
    end_touch_scroll(ui);
    end_columns(ui, cols);
    return;
  }
  begin_touch_scroll(ui, "##agencies", ImGui::GetContentRegionAvail().y);
  for (const auto& a : agencies) agency_card(ui, *c, a, out);
  end_touch_scroll(ui);
}

}  // namespace motcua::kiosk
