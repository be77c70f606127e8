#pragma once
// Tour files (docs/tour-format.md): one command per line, replayed by the
// headless driver against the real UI.
//   tap "label" [10s]      tap the visible item whose label contains the text
//   drag "label" DY        press on that item (or text), move the finger DY pixels, rest, release
//   fling "label" DY       the same, lifting the finger while it moves (the list coasts)
//   type "text"            type through the on-screen keyboard (Telex for Vietnamese)
//   type-var NAME          type a value a screen published (receipt: code, secret)
//   expect "text" [10s]    wait until the text is drawn
//   expect-var NAME [10s]  wait until the published value is drawn
//   shot NAME              save DIR/NAME.png
//   wait-sync [30s]        wait until the outbox is empty (delivered to the hub)
//   wait MS                a visual pause only — never for synchronisation
//   expect-absent "text" [10s]        wait until the text is no longer drawn
//   expect-no-personal-data [10s]     wait until the UI holds nothing of the citizen
//   check-targets          every touch target on screen ≥ 15 mm, none overlapping
//   idle-timeout DUR [DUR] start the idle timeout (and countdown) from now
//   golden NAME [PCT]      compare the screen with a golden image (≤ PCT % pixels differ)
//   expect-visible "label" [10s]  wait until an item or text with that label is wholly on screen
//   expect-hidden "label" [10s]   wait until it is not (scrolled away, even in part, or gone)
//   scroll-to "label" [10s]       drag its list or page by finger until it is wholly on screen
//   # comment

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "motcua/util/error.hpp"

namespace motcua::kiosk {

enum class TourOp {
  tap, drag, fling, type, type_var, expect, expect_var, shot, wait_sync, wait,
  expect_absent, expect_no_personal_data, check_targets, idle_timeout, golden, expect_visible, expect_hidden,
  scroll_to,
};

struct TourStep {
  int line = 0;
  std::string source;  // the line as written, for failure messages
  TourOp op = TourOp::tap;
  std::string arg;
  std::chrono::milliseconds timeout{10000};
  int dy = 0;  // drag, fling
  std::chrono::milliseconds countdown{20000};  // idle-timeout
  double tolerance_pct = 0.5;  // golden: share of pixels allowed to differ
};

Result<std::vector<TourStep>> parse_tour(std::string_view text);

}  // namespace motcua::kiosk
