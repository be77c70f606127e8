// Home: three big tiles (browse, submit, look up), two smaller ones (the
// agencies' addresses and hours; questions and answers) and the office's
// details. Most visitors come for one of the first three; nothing else competes.
// Landscape: the three tiles on the left; the smaller ones and the office on
// the right.

#include "screens/screens.hpp"

namespace motcua::kiosk {

namespace {

void main_tiles(Ui& ui, Intents& out, float tile_h) {
  const Theme& th = ui.th;
  if (tile(ui, ui.tr("home.browse"), ui.tr("home.browse_sub"), Icon::search, tile_h))
    out.push_back(intent::open_catalog(false));
  vspace(ui, th.gap);
  if (tile(ui, ui.tr("home.submit"), ui.tr("home.submit_sub"), Icon::document, tile_h))
    out.push_back(intent::open_catalog(true));
  vspace(ui, th.gap);
  if (tile(ui, ui.tr("home.lookup"), ui.tr("home.lookup_sub"), Icon::status, tile_h))
    out.push_back(intent::go_to(ScreenId::status));
  vspace(ui, th.gap);
}

// Agencies and Q&A: side by side when they fit, else one under the other.
void more_tiles(Ui& ui, Intents& out) {
  const Theme& th = ui.th;
  const float w = avail_width(ui);
  const float half = (w - th.gap) * 0.5f;
  const bool side = half >= 420 * th.s * th.text_scale;
  const float h = std::max(th.button_h * 1.25f, th.min_touch);
  const float saved = ui.inset_right;
  if (side) ui.inset_right = saved + w - half;
  if (tile(ui, ui.tr("home.agencies"), {}, Icon::pin, h)) out.push_back(intent::go_to(ScreenId::agencies));
  if (side) {
    ImGui::SameLine(0, th.gap);
    ui.inset_right = saved;
  } else {
    vspace(ui, th.gap);
  }
  if (tile(ui, ui.tr("home.qa"), {}, Icon::question, h)) out.push_back(intent::go_to(ScreenId::qa));
  ui.inset_right = saved;
}

void office(Ui& ui, const AppState& state) {
  const Theme& th = ui.th;
  if (const domain::Agency* a = state.agency()) {
    const Card card = begin_card(ui, th.surface);
    text(ui, a->name, ui.fonts.heading, th.text);
    vspace(ui, 12 * th.s);
    if (!a->address.empty()) field_row(ui, ui.tr("agency.address"), a->address);
    if (!a->phone.empty()) field_row(ui, ui.tr("agency.phone"), a->phone);
    if (!a->hours.empty()) field_row(ui, ui.tr("agency.hours"), a->hours);
    if (!a->email.empty()) field_row(ui, ui.tr("agency.email"), a->email);
    end_card(ui, card);
    vspace(ui, th.gap * 0.5f);
    notice(ui, ui.tr("home.help"), th.accent_soft, th.accent_dark);
  } else if (!state.catalog) {
    spinner(ui, 40 * th.s, th.accent);
    text_centered(ui, ui.tr("home.loading"), ui.fonts.body, th.muted);
  }
}

}  // namespace

void draw_home(Ui& ui, AppState& state, Intents& out) {
  const Theme& th = ui.th;
  if (ui.landscape) {
    const Columns cols = begin_columns(ui, "##home", 0.58f);
    begin_touch_scroll(ui, "##home-left", ImGui::GetContentRegionAvail().y);
    text(ui, ui.tr("home.welcome"), ui.fonts.title, th.text);
    vspace(ui, 6 * th.s);
    text(ui, ui.tr("home.prompt"), ui.fonts.body, th.muted);
    vspace(ui, th.gap);
    main_tiles(ui, out, std::max(180 * th.s * th.text_scale, th.min_touch));
    end_touch_scroll(ui);
    next_column(ui, cols);
    // The smaller tiles join the office on the right: the three main tiles
    // then fit the left column's height whole.
    begin_touch_scroll(ui, "##home-right", ImGui::GetContentRegionAvail().y);
    vspace(ui, th.gap * 0.5f);
    more_tiles(ui, out);
    vspace(ui, th.gap);
    office(ui, state);
    end_touch_scroll(ui);
    end_columns(ui, cols);
    return;
  }
  begin_touch_scroll(ui, "##home", ImGui::GetContentRegionAvail().y);
  vspace(ui, th.gap * 0.5f);
  text(ui, ui.tr("home.welcome"), ui.fonts.title, th.text);
  vspace(ui, 6 * th.s);
  text(ui, ui.tr("home.prompt"), ui.fonts.body, th.muted);
  vspace(ui, th.gap);
  main_tiles(ui, out, 240 * th.s * (1.0f + (th.text_scale - 1.0f) * 0.6f));
  more_tiles(ui, out);
  vspace(ui, th.gap);
  office(ui, state);
  end_touch_scroll(ui);
}

}  // namespace motcua::kiosk
