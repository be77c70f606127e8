// Catalog: every service grouped by sector and field, or — as soon as the
// citizen types — ranked search results (diacritic-insensitive, so "khai sinh"
// finds "Đăng ký khai sinh"). Results update on every keystroke.

#include "motcua/text/utf8.hpp"
#include "screens/screens.hpp"

namespace motcua::kiosk {

namespace {

constexpr std::size_t kMaxHits = 200;

std::string row_meta(const Ui& ui, const domain::Service& s) {
  return s.code + "  ·  " + level_label(ui, s) + "  ·  " + processing_label(ui, s);
}

bool service_row(Ui& ui, const domain::Service& s, bool submit_only, Intents& out) {
  if (submit_only && !s.accepts_submissions()) return false;
  const std::string badge = s.accepts_submissions() ? ui.tr("catalog.badge_submit") : std::string();
  if (list_row(ui, s.code, s.name, row_meta(ui, s), badge)) {
    out.push_back(intent::open_service(s.code));
  }
  return true;
}

}  // namespace

void draw_catalog(Ui& ui, AppState& state, Intents& out) {
  const Theme& th = ui.th;
  CatalogView& v = state.catalog_view;
  text(ui, ui.tr(v.submit_only ? "catalog.title_submit" : "catalog.title"), ui.fonts.title, th.text);
  vspace(ui, th.gap * 0.5f);
  const std::string query = utf8::from_u32(v.query);
  if (text_field(ui, "##search", ui.tr("catalog.search"), query, ui.tr("catalog.search_hint"), v.typing))
    v.typing = true;

  const CatalogSnapshot* catalog = state.catalog.get();
  if (!catalog) {
    spinner(ui, 40 * th.s, th.accent);
    text_centered(ui, ui.tr("home.loading"), ui.fonts.body, th.muted);
    return;
  }
  if (query != v.searched || catalog != v.searched_in) {
    v.hits = catalog->index.search(query, kMaxHits);
    v.searched = query;
    v.searched_in = catalog;
  }

  const float kb_h = v.typing ? keyboard_height(ui, KeyboardMode::telex) + th.gap : 0;
  const float list_h = ImGui::GetContentRegionAvail().y - kb_h;
  begin_touch_scroll(ui, "##catalog-list", list_h);
  if (!query.empty()) {
    std::size_t shown = 0;
    for (const auto& h : v.hits)
      if (!v.submit_only || catalog->catalog.services[h.service].accepts_submissions()) ++shown;
    if (shown == 0) {
      notice(ui, ui.i18n.format("catalog.no_results", {query}), th.warning_soft, th.warning);
    } else {
      // SearchIndex returns at most kMaxHits; say so rather than a wrong count.
      const bool capped = v.hits.size() >= kMaxHits;
      text(ui, ui.i18n.format(capped ? "catalog.results_many" : "catalog.results", {std::to_string(capped ? kMaxHits : shown)}),
           ui.fonts.body, th.muted);
      vspace(ui, 8 * th.s);
      for (const auto& h : v.hits) service_row(ui, catalog->catalog.services[h.service], v.submit_only, out);
    }
  } else {
    const domain::Sector* last_sector = nullptr;
    for (const auto& g : catalog->groups) {
      std::size_t count = 0;
      for (std::size_t i : g.services)
        if (!v.submit_only || catalog->catalog.services[i].accepts_submissions()) ++count;
      if (count == 0) continue;
      if (g.sector && g.sector != last_sector) {
        vspace(ui, th.gap * 0.5f);
        text(ui, ui.i18n.format("catalog.sector", {g.sector->name}), ui.fonts.bold, th.accent);
        last_sector = g.sector;
      }
      section_heading(ui, g.field->name + "  (" + std::to_string(count) + ")");
      for (std::size_t i : g.services) service_row(ui, catalog->catalog.services[i], v.submit_only, out);
    }
  }
  end_touch_scroll(ui);

  if (v.typing) {
    vspace(ui, th.gap * 0.5f);
    const KeyboardResult k = keyboard(ui, v.query, KeyboardMode::telex, v.kb, 60, false);
    if (k.done) v.typing = false;
  }
}

}  // namespace motcua::kiosk
