#pragma once
// Replays a tour against the live UI, frame by frame. Taps are injected the
// way PLATFORM.md describes (headless SDL never delivers synthetic mouse events
// to ImGui): io.MousePos/io.MouseDown are written after the platform backend's
// NewFrame — press on one frame, release on the next, at the same spot.
// Labels and texts come from the previous frame's FrameRegistry.

#include <chrono>
#include <deque>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <imgui.h>

#include "model/backend.hpp"
#include "tour/tour_script.hpp"
#include "widgets/registry.hpp"

struct SDL_Renderer;

namespace motcua::kiosk {

// What a tour may ask of the App beyond the screen.
struct TourHooks {
  // expect-no-personal-data: where the UI still holds the citizen's data.
  std::function<std::vector<std::string>()> personal_data;
  // idle-timeout: start the idle timeout (and its countdown) from now.
  std::function<void(std::chrono::milliseconds, std::chrono::milliseconds)> set_idle;
  // check-targets: the theme's smallest target and gap, in pixels (they follow
  // --dpi and large-text mode).
  std::function<float()> min_touch;
  std::function<float()> target_gap;
  // How far a finger moves before a touch becomes a drag (it does not scroll).
  std::function<float()> drag_threshold;
  float shot_scale = 1;              // screenshots are scaled by this
  std::filesystem::path golden_dir;  // golden: NAME.png here ($MOTCUA_UPDATE_GOLDEN=1 rewrites it)
};

class TourRunner {
 public:
  TourRunner(std::vector<TourStep> steps, std::filesystem::path shots_dir);
  void set_hooks(TourHooks hooks) { hooks_ = std::move(hooks); }

  enum class Status { running, passed, failed };

  // Before ImGui::NewFrame(): this frame's pointer state.
  void inject(ImGuiIO& io);
  // Whether this frame's pixels will be looked at (a shot or golden step).
  // Headless tours rasterise only those frames: the software renderer costs
  // ~60 ms a frame at 1080×1920, and every other step reads the registry.
  bool wants_pixels() const;
  // Whether the next frame should come at once: a touch is being played, or
  // the last frame finished a step. Otherwise the tour is waiting for the
  // kiosk (a scan, the hub) and the loop may rest a few milliseconds.
  bool acting() const { return !pointer_.empty() || progressed_; }
  // After the frame is laid out (and rendered when wants_pixels()), before it
  // is presented. `render` draws the frame when it was not (a failure's shot).
  Status after_frame(const FrameRegistry& reg, SDL_Renderer* renderer, const SyncStatus& sync,
                     const std::function<void()>& render = {});

  const std::string& failure() const { return failure_; }
  // Screenshots written so far.
  const std::vector<std::filesystem::path>& shots() const { return shots_; }

 private:
  struct Pointer {
    ImVec2 pos;
    bool down;
  };
  using Clock = std::chrono::steady_clock;

  Status step_frame(const FrameRegistry& reg, SDL_Renderer* renderer, const SyncStatus& sync);
  void tap(const Rect& r);
  Status fail(const TourStep& step, const std::string& why);
  bool step_type(const TourStep& step, const FrameRegistry& reg);
  Status advance();
  bool write_shot(SDL_Renderer* renderer, const std::string& name, std::string& error);
  // The frame as RGBA, scaled by `scale`.
  bool read_frame(SDL_Renderer* renderer, float scale, std::vector<unsigned char>& rgba, int& w, int& h,
                  std::string& error);
  Status golden(const TourStep& step, SDL_Renderer* renderer);
  std::string check_targets(const FrameRegistry& reg) const;

  std::vector<TourStep> steps_;
  std::filesystem::path shots_dir_;
  std::size_t current_ = 0;
  std::optional<Clock::time_point> started_;  // when the current step began
  std::deque<std::optional<Pointer>> pointer_;  // queued frames; nullopt = pointer away
  std::u32string keys_;  // remaining keystrokes of a type step
  bool keys_ready_ = false;
  bool progressed_ = true;  // a step ended in the last frame
  std::string failure_;
  std::vector<std::filesystem::path> shots_;
  TourHooks hooks_;
};

}  // namespace motcua::kiosk
