// Catalog: the search box on top; below it, as soon as the citizen types,
// ranked search results (SearchIndex: diacritic-insensitive, typo-tolerant,
// updated on every keystroke); otherwise browsing, the way the regulation
// organises the catalog — by sector → field → service, by agency, or by level —
// with a "can be submitted at this kiosk" filter.
//
// Portrait: one column, the drill-down replaces the list as the citizen goes
// deeper (Quay lại goes back up). Landscape: groups on the left, the chosen
// group's services on the right; while typing, the keyboard takes the right
// column so it never covers the search box or the results.

#include <algorithm>
#include <chrono>

#include "motcua/domain/service_rules.hpp"
#include "motcua/text/utf8.hpp"
#include "screens/screens.hpp"

namespace motcua::kiosk {

namespace {

constexpr std::size_t kMaxHits = 200;

std::string row_meta(const Ui& ui, const domain::Service& s) {
  return s.code + "  ·  " + level_label(ui, s) + "  ·  " + processing_label(ui, s);
}

bool visible(const CatalogView& v, const domain::Service& s) { return !v.submit_only || s.accepts_submissions(); }

void service_row(Ui& ui, const domain::Service& s, Intents& out) {
  const std::string badge = s.accepts_submissions() ? ui.tr("catalog.badge_submit") : std::string();
  if (list_row(ui, s.code, s.name, row_meta(ui, s), badge)) out.push_back(intent::open_service(s.code));
}

std::string level_key(const domain::Service& s) { return std::to_string(domain::effective_level(s)); }

std::string level_group_label(const Ui& ui, const std::string& key) { return ui.tr("catalog.level_" + key); }

std::string count_label(const Ui& ui, std::size_t n) {
  return ui.i18n.format("catalog.count", {std::to_string(n)});
}

// The services of the chosen group (field, agency or level), in catalog order.
std::vector<std::size_t> group_services(const CatalogSnapshot& c, const CatalogView& v) {
  std::vector<std::size_t> out;
  if (v.group.empty()) return out;
  if (v.by == BrowseBy::sector) {
    for (const auto& g : c.groups)
      if (g.field->id == v.group)
        for (std::size_t i : g.services)
          if (visible(v, c.catalog.services[i])) out.push_back(i);
    return out;
  }
  for (const auto& g : c.groups)
    for (std::size_t i : g.services) {
      const auto& s = c.catalog.services[i];
      if (!visible(v, s)) continue;
      if (v.by == BrowseBy::agency ? s.agency == v.group : level_key(s) == v.group) out.push_back(i);
    }
  return out;
}

std::string group_title(const Ui& ui, const CatalogSnapshot& c, const CatalogView& v) {
  if (v.group.empty()) return {};
  switch (v.by) {
    case BrowseBy::sector:
      if (const domain::Field* f = c.field(v.group)) return f->name;
      return v.group;
    case BrowseBy::agency:
      if (const domain::Agency* a = c.agency(v.group)) return a->name;
      return v.group;
    case BrowseBy::level: return level_group_label(ui, v.group);
  }
  return {};
}

// Groups to choose from: sectors, then fields of the chosen sector; agencies; levels.
void group_list(Ui& ui, const CatalogSnapshot& c, CatalogView& v) {
  const Theme& th = ui.th;
  const bool landscape = ui.landscape;
  switch (v.by) {
    case BrowseBy::sector: {
      if (v.sector.empty()) {
        // Sectors with their numbers of fields and services; fields with no
        // sector are listed after them.
        for (const auto& sector : c.catalog.sectors) {
          std::size_t fields = 0, services = 0;
          for (const auto& g : c.groups) {
            if (g.sector != &sector) continue;
            std::size_t n = 0;
            for (std::size_t i : g.services) if (visible(v, c.catalog.services[i])) ++n;
            if (n) ++fields, services += n;
          }
          if (services == 0) continue;
          const std::string meta = ui.i18n.format("catalog.sector_meta", {std::to_string(fields), std::to_string(services)});
          if (list_row(ui, "sector:" + sector.id, sector.name, meta)) {
            v.sector = sector.id;
            v.group.clear();
          }
        }
        for (const auto& g : c.groups) {
          if (g.sector) continue;
          std::size_t n = 0;
          for (std::size_t i : g.services) if (visible(v, c.catalog.services[i])) ++n;
          if (n && list_row(ui, "field:" + g.field->id, g.field->name, count_label(ui, n), {}, v.group == g.field->id))
            v.group = g.field->id;
        }
        return;
      }
      for (const auto& g : c.groups) {
        if (!g.sector || g.sector->id != v.sector) continue;
        std::size_t n = 0;
        for (std::size_t i : g.services) if (visible(v, c.catalog.services[i])) ++n;
        if (n == 0) continue;
        if (list_row(ui, "field:" + g.field->id, g.field->name, count_label(ui, n), {}, landscape && v.group == g.field->id))
          v.group = g.field->id;
      }
      return;
    }
    case BrowseBy::agency: {
      for (const auto& a : c.catalog.agencies) {
        std::size_t n = 0;
        for (const auto& s : c.catalog.services) if (s.agency == a.id && visible(v, s)) ++n;
        if (n == 0) continue;
        std::string meta = count_label(ui, n);
        if (!a.address.empty()) meta = a.address + "\n" + meta;
        if (list_row(ui, "agency:" + a.id, a.name, meta, {}, landscape && v.group == a.id)) v.group = a.id;
      }
      return;
    }
    case BrowseBy::level: {
      for (const char* key : {"4", "3", "2", "1", "0"}) {
        std::size_t n = 0;
        for (const auto& s : c.catalog.services) if (level_key(s) == key && visible(v, s)) ++n;
        if (n == 0) continue;
        const std::string meta = ui.tr(std::string("catalog.level_meaning_") + key) + "\n" + count_label(ui, n);
        if (list_row(ui, std::string("level:") + key, level_group_label(ui, key), meta, {}, landscape && v.group == key))
          v.group = key;
      }
      return;
    }
  }
  (void)th;
}

void results(Ui& ui, const CatalogSnapshot& c, CatalogView& v, const std::string& query, Intents& out) {
  const Theme& th = ui.th;
  std::size_t shown = 0;
  for (const auto& h : v.hits) if (visible(v, c.catalog.services[h.service])) ++shown;
  if (shown == 0) {
    notice(ui, ui.i18n.format("catalog.no_results", {query}), th.warning_soft, th.warning);
    return;
  }
  // SearchIndex returns at most kMaxHits; say so rather than a wrong count.
  const bool capped = v.hits.size() >= kMaxHits;
  text(ui, ui.i18n.format(capped ? "catalog.results_many" : "catalog.results", {std::to_string(capped ? kMaxHits : shown)}),
       ui.fonts.body, th.muted);
  vspace(ui, 8 * th.s);
  for (const auto& h : v.hits) {
    const auto& s = c.catalog.services[h.service];
    if (visible(v, s)) service_row(ui, s, out);
  }
}

// Browse-by chips and the kiosk filter ("Nộp được tại máy").
void browse_chips(Ui& ui, CatalogView& v) {
  const Theme& th = ui.th;
  const std::string labels[3] = {ui.tr("catalog.by_sector"), ui.tr("catalog.by_agency"), ui.tr("catalog.by_level")};
  const BrowseBy modes[3] = {BrowseBy::sector, BrowseBy::agency, BrowseBy::level};
  const std::string filter = ui.tr("catalog.filter_kiosk");
  float x = 0;
  const float width = avail_width(ui);
  for (int i = 0; i < 3; ++i) {
    const float w = chip_width(ui, labels[i]) + ui.fonts.bold->FontSize;  // room for the check mark
    if (i > 0) {
      if (x + th.target_gap + w <= width) ImGui::SameLine(0, th.target_gap);
      else x = 0;
    }
    if (chip(ui, labels[i], v.by == modes[i], w) && v.by != modes[i]) {
      v.by = modes[i];
      v.sector.clear();
      v.group.clear();
    }
    x += (x > 0 ? th.target_gap : 0) + w;
  }
  const float fw = chip_width(ui, filter) + ui.fonts.bold->FontSize;
  if (x + th.gap + fw <= width) ImGui::SameLine(0, th.gap);
  else vspace(ui, 0);
  if (chip(ui, filter, v.submit_only, fw)) {
    v.submit_only = !v.submit_only;
  }
  vspace(ui, th.gap * 0.25f);
}

// "‹ Tất cả ngành", "‹ Tư pháp": the way back up, and where the citizen is.
void breadcrumb(Ui& ui, const CatalogSnapshot& c, CatalogView& v) {
  const Theme& th = ui.th;
  if (v.by == BrowseBy::sector && !v.sector.empty()) {
    const std::string all = "‹  " + ui.tr("catalog.all_sectors");
    bool up_all = chip(ui, all, false);
    std::string sector_name = v.sector;
    for (const auto& s : c.catalog.sectors)
      if (s.id == v.sector) sector_name = s.name;
    if (!v.group.empty() && !ui.landscape) {
      const std::string up = "‹  " + sector_name;
      if (chip_width(ui, all) + th.target_gap + chip_width(ui, up) <= avail_width(ui)) ImGui::SameLine(0, th.target_gap);
      if (chip(ui, up, false)) v.group.clear();
      section_heading(ui, group_title(ui, c, v));
    } else {
      section_heading(ui, ui.i18n.format("catalog.sector", {sector_name}));
    }
    if (up_all) {
      v.sector.clear();
      v.group.clear();
    }
    return;
  }
  if (!v.group.empty() && !ui.landscape) {
    const std::string key = v.by == BrowseBy::agency  ? "catalog.all_agencies"
                            : v.by == BrowseBy::level ? "catalog.all_levels"
                                                      : "catalog.all_sectors";
    if (chip(ui, "‹  " + ui.tr(key), false)) v.group.clear();
    section_heading(ui, group_title(ui, c, v));
  }
}

void services_of_group(Ui& ui, const CatalogSnapshot& c, const CatalogView& v, Intents& out) {
  for (std::size_t i : group_services(c, v)) service_row(ui, c.catalog.services[i], out);
}

// One scroll region per list shown (ImGui keeps a scroll position per id): a
// new list starts at its top, and going back up finds the list where it was
// left. `with_group`: the list shows the chosen group's services.
std::string list_id(std::string_view base, const CatalogView& v, bool results, bool with_group) {
  std::string id(base);
  if (results) return id + "-results";
  id += "-" + std::to_string(static_cast<int>(v.by)) + (v.submit_only ? "k" : "") + "-" + v.sector;
  if (with_group) id += "-" + v.group;
  return id;
}

void search_field(Ui& ui, CatalogView& v, const std::string& query) {
  if (text_field(ui, "##search", ui.tr("catalog.search"), query, ui.tr("catalog.search_hint"), v.typing)) v.typing = true;
}

void keyboard_area(Ui& ui, CatalogView& v) {
  const KeyboardResult k = keyboard(ui, v.query, KeyboardMode::telex, v.kb, 60, false);
  if (k.done) v.typing = false;
}

}  // namespace

void draw_catalog(Ui& ui, AppState& state, Intents& out) {
  const Theme& th = ui.th;
  CatalogView& v = state.catalog_view;
  const std::string query = utf8::from_u32(v.query);
  const CatalogSnapshot* catalog = state.catalog.get();
  if (catalog && (query != v.searched || catalog != v.searched_in)) {
    const auto t0 = std::chrono::steady_clock::now();
    v.hits = catalog->index.search(query, kMaxHits);
    v.search_us = std::chrono::duration<float, std::micro>(std::chrono::steady_clock::now() - t0).count();
    v.searched = query;
    v.searched_in = catalog;
  }
  const std::string& title = ui.tr(v.submit_only ? "catalog.title_submit" : "catalog.title");

  if (ui.landscape) {
    // The title and the search box side by side, so the lists below get the
    // height a landscape screen lacks.
    const float head_h = ui.fonts.bold->FontSize + 8 * th.s + th.field_h + ImGui::GetStyle().ItemSpacing.y * 3;
    const Columns head = begin_columns(ui, "##catalog-head", 0.5f, head_h);
    vspace(ui, std::max(0.0f, head_h - ui.fonts.title->FontSize * 1.3f - th.field_h * 0.5f));
    text(ui, title, ui.fonts.title, th.text);
    next_column(ui, head);
    search_field(ui, v, query);
    end_columns(ui, head);
    if (!catalog) {
      spinner(ui, 40 * th.s, th.accent);
      text_centered(ui, ui.tr("home.loading"), ui.fonts.body, th.muted);
      return;
    }
    vspace(ui, th.gap * 0.25f);
    // Left: the groups (or the results) with the way back up; right: how to
    // browse and the filter above the chosen group's services — so the list
    // on the left keeps the column's height, even with large text.
    const Columns cols = begin_columns(ui, "##catalog", 0.5f);
    if (query.empty()) breadcrumb(ui, *catalog, v);
    begin_touch_scroll(ui, list_id("##catalog-groups", v, !query.empty(), false), ImGui::GetContentRegionAvail().y);
    if (!query.empty()) results(ui, *catalog, v, query, out);
    else group_list(ui, *catalog, v);
    end_touch_scroll(ui);
    next_column(ui, cols);
    if (v.typing) {
      // The keyboard at the bottom of the right column, beside the field.
      ui.keyboard_room = ImGui::GetContentRegionAvail().y;
      const float room = ImGui::GetContentRegionAvail().y - keyboard_height(ui, KeyboardMode::telex);
      if (room > 0) vspace(ui, room);
      keyboard_area(ui, v);
      ui.keyboard_room = 0;
    } else if (query.empty() && !v.group.empty()) {
      // The group's services get the column; "Quay lại" brings the chips back.
      section_heading(ui, group_title(ui, *catalog, v));
      begin_touch_scroll(ui, list_id("##catalog-services", v, false, true), ImGui::GetContentRegionAvail().y);
      services_of_group(ui, *catalog, v, out);
      end_touch_scroll(ui);
    } else {
      if (query.empty()) browse_chips(ui, v);
      vspace(ui, th.gap * 0.5f);
      notice(ui, ui.tr(query.empty() ? "catalog.pick_group" : "catalog.pick_result"), th.accent_soft, th.accent_dark);
    }
    end_columns(ui, cols);
    return;
  }

  text(ui, title, ui.fonts.title, th.text);
  vspace(ui, th.gap * 0.25f);
  search_field(ui, v, query);
  if (!catalog) {
    spinner(ui, 40 * th.s, th.accent);
    text_centered(ui, ui.tr("home.loading"), ui.fonts.body, th.muted);
    return;
  }
  // While typing, the results need the room: the browse chips step aside.
  if (query.empty() && !v.typing) {
    browse_chips(ui, v);
    breadcrumb(ui, *catalog, v);
  }
  const float kb_h = v.typing ? keyboard_height(ui, KeyboardMode::telex) + th.gap * 0.5f : 0;
  begin_touch_scroll(ui, list_id("##catalog-list", v, !query.empty(), true), ImGui::GetContentRegionAvail().y - kb_h);
  if (!query.empty()) results(ui, *catalog, v, query, out);
  else if (!v.group.empty()) services_of_group(ui, *catalog, v, out);
  else group_list(ui, *catalog, v);
  end_touch_scroll(ui);
  if (v.typing) {
    vspace(ui, th.gap * 0.5f);
    keyboard_area(ui, v);
  }
}

}  // namespace motcua::kiosk
