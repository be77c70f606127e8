#pragma once
// The citizen's session in AppState: what must go when they leave (the Home
// button, or the idle timeout) and a check that it went. Privacy rule of the
// provincial regulation (DOMAIN.md, item 9) and docs/kiosk.md "Privacy": no
// name, phone number, scanned page, receipt, dossier code, secret, lookup
// answer or search text survives the session in UI memory.

#include <string>
#include <vector>

#include "app/state.hpp"

namespace motcua::kiosk {

// Clears everything the citizen typed, scanned or looked up, and returns to
// Home. With `preferences`, also the accessibility and input choices (the idle
// reset: the next person starts from the kiosk's defaults). Keeps what belongs
// to the kiosk: catalog, sync status, kiosk and office ids, orientation.
void wipe_session(AppState& state, bool preferences, const Preferences& defaults = {});

// Where personal data is still held ("submit.name", "status.result" …);
// empty when the state is clean. Used by the tour's expect-no-personal-data.
std::vector<std::string> personal_data_left(const AppState& state);

}  // namespace motcua::kiosk
