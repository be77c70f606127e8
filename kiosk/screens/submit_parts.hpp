#pragma once
// Pieces the submit wizard's steps share (screens/submit*.cpp).

#include <functional>
#include <string>
#include <string_view>

#include "screens/screens.hpp"

namespace motcua::kiosk {

std::string_view step_title_key(SubmitStep step);
// The service, a bar of one segment per step, "Bước 2/6" and the step's title.
void step_header(Ui& ui, const AppState& state, SubmitStep step);
// After a step's checks passed: the next step, or back to the review when the
// citizen came from there to change something.
void go_next(AppState& state, SubmitStep from);

// A step's frame: the header and content that scroll, the actions (the
// "Tiếp tục" button) and the keyboard while typing. Landscape: the header
// across, the content left, the actions and keyboard (or the aside) right.
struct StepLayout {
  bool typing = false;
  KeyboardMode mode = KeyboardMode::telex;
  float actions_h = 0;
  std::function<void()> header, content, keyboard, actions, aside;
};
void step_layout(Ui& ui, std::string_view id, const StepLayout& layout);
float actions_height(const Ui& ui, int buttons);
void error_notice(Ui& ui, const std::string& key);
// Scrolls the current item into view once.
void scroll_here_if(bool& flag);

void documents_step(Ui& ui, AppState& state, Intents& out);

}  // namespace motcua::kiosk
