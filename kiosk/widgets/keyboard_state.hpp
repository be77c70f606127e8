#pragma once
// What the on-screen keyboard remembers between frames, and the citizen's
// choice of Vietnamese input method. No ImGui here: AppState holds these and
// unit tests build AppState without a window.

namespace motcua::kiosk {

enum class KeyboardMode { telex, code, digits };

// Vietnamese text entry on the "telex" layout: Telex letters or VNI digits
// (the mark keys work with both).
enum class InputMethod { telex, vni };

struct KeyboardState {
  bool shift = false;  // one-shot upper case (telex layout)
};

}  // namespace motcua::kiosk
