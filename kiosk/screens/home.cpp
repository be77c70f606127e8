// Home: three big tiles (browse, submit, look up) and the office's details.
// Most visitors come for one of these three things; nothing else competes.

#include "screens/screens.hpp"

namespace motcua::kiosk {

void draw_home(Ui& ui, AppState& state, Intents& out) {
  const Theme& th = ui.th;
  vspace(ui, th.gap);
  text(ui, ui.tr("home.welcome"), ui.fonts.title, th.text);
  vspace(ui, 6 * th.s);
  text(ui, ui.tr("home.prompt"), ui.fonts.body, th.muted);
  vspace(ui, th.gap * 1.5f);

  const float tile_h = 264 * th.s;
  if (tile(ui, ui.tr("home.browse"), ui.tr("home.browse_sub"), Icon::search, tile_h))
    out.push_back(intent::open_catalog(false));
  vspace(ui, th.gap);
  if (tile(ui, ui.tr("home.submit"), ui.tr("home.submit_sub"), Icon::document, tile_h))
    out.push_back(intent::open_catalog(true));
  vspace(ui, th.gap);
  if (tile(ui, ui.tr("home.lookup"), ui.tr("home.lookup_sub"), Icon::status, tile_h))
    out.push_back(intent::go_to(ScreenId::status));
  vspace(ui, th.gap * 1.5f);

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

}  // namespace motcua::kiosk
