#pragma once
// One function per screen: draws it from AppState into the current ImGui window
// (the body area between the header and the footer) and emits intents.

#include "app/state.hpp"
#include "widgets/keyboard.hpp"
#include "widgets/ui.hpp"

namespace motcua::kiosk {

void draw_home(Ui& ui, AppState& state, Intents& out);
void draw_catalog(Ui& ui, AppState& state, Intents& out);
void draw_service(Ui& ui, AppState& state, Intents& out);
void draw_submit(Ui& ui, AppState& state, Intents& out);
void draw_receipt(Ui& ui, AppState& state, Intents& out);
void draw_status(Ui& ui, AppState& state, Intents& out);
void draw_agencies(Ui& ui, AppState& state, Intents& out);
void draw_qa(Ui& ui, AppState& state, Intents& out);

// Shared by screens: the service's level as a short label ("Mức độ 3", "Toàn trình").
std::string level_label(const Ui& ui, const domain::Service& service);
// "Trong ngày", "3 ngày làm việc" … (+ the catalog's own wording when present).
std::string processing_label(const Ui& ui, const domain::Service& service);

}  // namespace motcua::kiosk
