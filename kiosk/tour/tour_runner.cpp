#include "tour/tour_runner.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdlib>
#include <vector>

#include <SDL.h>
#include <stb_image.h>
#include <stb_image_resize.h>
#include <stb_image_write.h>

#include "motcua/text/utf8.hpp"
#include "motcua/util/log.hpp"
#include "widgets/telex.hpp"
#include "widgets/vni.hpp"

namespace motcua::kiosk {

namespace {

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// Exact label first, then one containing the text; keyboard keys last so
// `tap "Xong"` prefers a screen's button to the keyboard's key of that name.
const Clickable* find_clickable(const FrameRegistry& reg, const std::string& label) {
  for (int pass = 0; pass < 4; ++pass) {
    const bool exact = pass % 2 == 0, keys = pass >= 2;
    for (const auto& c : reg.clickables) {
      if (c.key.empty() == keys) continue;
      if (exact ? c.label == label : contains(c.label, label)) return &c;
    }
  }
  return nullptr;
}

bool same(const Rect& a, const Rect& b) {
  return std::fabs(a.x0 - b.x0) < 0.5f && std::fabs(a.y0 - b.y0) < 0.5f && std::fabs(a.x1 - b.x1) < 0.5f &&
         std::fabs(a.y1 - b.y1) < 0.5f;
}

struct Spot {
  Rect rect;   // the visible part
  bool whole;  // nothing of it is scrolled or clipped away
};

// Where a finger can be put on a label: a tappable item, else a visible text
// (pages with nothing to tap, like a service's record).
std::optional<Spot> find_spot(const FrameRegistry& reg, const std::string& label);

// Where a label is in its region, on screen or scrolled out of it: an exact
// match anywhere before one that only contains the text (so "Tra cứu", a
// button scrolled away, is not mistaken for the title "Tra cứu hồ sơ").
std::optional<TextSpot> locate(const FrameRegistry& reg, const std::string& label) {
  for (int pass = 0; pass < 2; ++pass) {
    auto match = [&](const std::string& text) { return pass == 0 ? text == label : contains(text, label); };
    for (const auto& c : reg.clickables)
      if (c.key.empty() && match(c.label)) return TextSpot{c.label, c.rect, c.full, c.clip};
    for (const auto& t : reg.spots)
      if (match(t.text)) return t;
    for (const auto& t : reg.offscreen)
      if (match(t.text)) return t;
  }
  // Keyboard keys last ("0", "Xong" of the keyboard when the screen has none).
  for (const auto& c : reg.clickables)
    if (!c.key.empty() && c.label == label) return TextSpot{c.label, c.rect, c.full, c.clip};
  return std::nullopt;
}

std::optional<Spot> find_spot(const FrameRegistry& reg, const std::string& label) {
  const auto t = locate(reg, label);
  if (!t || t->rect.empty()) return std::nullopt;
  return Spot{t->rect, same(t->rect, t->full)};
}

bool exact_offscreen(const FrameRegistry& reg, const std::string& label) {
  for (const auto& t : reg.offscreen)
    if (t.text == label) return true;
  return false;
}

const Clickable* find_key(const FrameRegistry& reg, const std::string& id) {
  for (const auto& c : reg.clickables)
    if (c.key == id) return &c;
  return nullptr;
}

bool shows_text(const FrameRegistry& reg, const std::string& s) {
  for (const auto& t : reg.texts)
    if (contains(t, s)) return true;
  for (const auto& c : reg.clickables)
    if (contains(c.label, s)) return true;
  return false;
}

std::string key_id(char32_t c) { return c == U' ' ? "{space}" : utf8::encode(c); }

bool is_upper_ascii(char32_t c) { return c >= U'A' && c <= U'Z'; }

}  // namespace

TourRunner::TourRunner(std::vector<TourStep> steps, std::filesystem::path shots_dir)
    : steps_(std::move(steps)), shots_dir_(std::move(shots_dir)) {}

void TourRunner::inject(ImGuiIO& io) {
  if (pointer_.empty()) {
    io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
    io.MouseDown[0] = false;
    return;
  }
  const auto p = pointer_.front();
  pointer_.pop_front();
  if (p) {
    io.MousePos = p->pos;
    io.MouseDown[0] = p->down;
  } else {
    io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
    io.MouseDown[0] = false;
  }
}

void TourRunner::tap(const Rect& r) {
  const ImVec2 at(r.cx(), r.cy());
  pointer_.push_back(Pointer{at, true});
  pointer_.push_back(Pointer{at, false});
  // Let the intent run and the next screen lay itself out before looking again.
  pointer_.push_back(std::nullopt);
  pointer_.push_back(std::nullopt);
}

TourRunner::Status TourRunner::fail(const TourStep& step, const std::string& why) {
  failure_ = "line " + std::to_string(step.line) + ": " + step.source + ": " + why;
  return Status::failed;
}

TourRunner::Status TourRunner::advance() {
  progressed_ = true;
  ++current_;
  started_.reset();
  keys_.clear();
  keys_ready_ = false;
  return current_ >= steps_.size() && pointer_.empty() ? Status::passed : Status::running;
}

bool TourRunner::read_frame(SDL_Renderer* renderer, float scale, std::vector<unsigned char>& rgba, int& w, int& h,
                            std::string& error) {
  if (SDL_GetRendererOutputSize(renderer, &w, &h) != 0) {
    error = SDL_GetError();
    return false;
  }
  std::vector<unsigned char> pixels(static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * 4);
  // ABGR8888 is R, G, B, A in memory on little-endian machines: what stb wants.
  if (SDL_RenderReadPixels(renderer, nullptr, SDL_PIXELFORMAT_ABGR8888, pixels.data(), w * 4) != 0) {
    error = SDL_GetError();
    return false;
  }
  if (scale <= 0 || std::fabs(scale - 1.0f) < 1e-3f) {
    rgba = std::move(pixels);
    return true;
  }
  const int sw = std::max(1, static_cast<int>(std::lround(static_cast<float>(w) * scale)));
  const int sh = std::max(1, static_cast<int>(std::lround(static_cast<float>(h) * scale)));
  rgba.assign(static_cast<std::size_t>(sw) * static_cast<std::size_t>(sh) * 4, 0);
  if (!stbir_resize_uint8(pixels.data(), w, h, w * 4, rgba.data(), sw, sh, sw * 4, 4)) {
    error = "cannot scale the frame";
    return false;
  }
  w = sw;
  h = sh;
  return true;
}

bool TourRunner::write_shot(SDL_Renderer* renderer, const std::string& name, std::string& error) {
  std::vector<unsigned char> pixels;
  int w = 0, h = 0;
  if (!read_frame(renderer, hooks_.shot_scale, pixels, w, h, error)) return false;
  // Opaque frames: RGB keeps the PNGs a quarter smaller (docs/screens/).
  std::vector<unsigned char> rgb(static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * 3);
  for (std::size_t i = 0, j = 0; i < pixels.size(); i += 4, j += 3) {
    rgb[j] = pixels[i];
    rgb[j + 1] = pixels[i + 1];
    rgb[j + 2] = pixels[i + 2];
  }
  std::error_code ec;
  std::filesystem::create_directories(shots_dir_, ec);
  std::string file = name;
  if (file.size() < 4 || file.substr(file.size() - 4) != ".png") file += ".png";
  const auto path = shots_dir_ / file;
  if (!stbi_write_png(path.c_str(), w, h, 3, rgb.data(), w * 3)) {
    error = "cannot write " + path.string();
    return false;
  }
  shots_.push_back(path);
  return true;
}

TourRunner::Status TourRunner::golden(const TourStep& step, SDL_Renderer* renderer) {
  // Goldens are kept at half size: lighter in the repository, and a little
  // more forgiving of sub-pixel differences between machines.
  std::vector<unsigned char> frame;
  int w = 0, h = 0;
  std::string error;
  if (!read_frame(renderer, 0.5f, frame, w, h, error)) return fail(step, error);
  const auto golden_path = hooks_.golden_dir / (step.arg + ".png");
  const char* update = std::getenv("MOTCUA_UPDATE_GOLDEN");
  if (update && *update && std::string(update) != "0") {
    std::error_code ec;
    std::filesystem::create_directories(hooks_.golden_dir, ec);
    // Opaque frames: RGB keeps the repository's goldens a quarter smaller.
    std::vector<unsigned char> rgb(static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * 3);
    for (std::size_t i = 0, j = 0; i < frame.size(); i += 4, j += 3)
      rgb[j] = frame[i], rgb[j + 1] = frame[i + 1], rgb[j + 2] = frame[i + 2];
    if (!stbi_write_png(golden_path.c_str(), w, h, 3, rgb.data(), w * 3)) return fail(step, "cannot write " + golden_path.string());
    return advance();
  }
  int gw = 0, gh = 0, channels = 0;
  std::unique_ptr<unsigned char, void (*)(void*)> golden(stbi_load(golden_path.c_str(), &gw, &gh, &channels, 4),
                                                         stbi_image_free);
  if (!golden) return fail(step, "no golden image " + golden_path.string() + " (MOTCUA_UPDATE_GOLDEN=1 writes it)");
  if (gw != w || gh != h)
    return fail(step, "golden is " + std::to_string(gw) + "x" + std::to_string(gh) + ", screen " + std::to_string(w) +
                          "x" + std::to_string(h));
  // A pixel differs when no pixel of the golden within one pixel of it (at
  // half size) is within 32 of 255 on every channel: anti-aliasing, hinting and
  // FreeType versions move glyph edges by a pixel; a layout change moves whole
  // boxes by more. The tolerance is a share of differing pixels.
  std::size_t differing = 0;
  const std::size_t n = static_cast<std::size_t>(w) * static_cast<std::size_t>(h);
  std::vector<unsigned char> diff(n * 4, 0);
  const unsigned char* g = golden.get();
  auto distance = [&](std::size_t i, std::size_t j) {
    int worst = 0;
    for (std::size_t c = 0; c < 3; ++c) worst = std::max(worst, std::abs(int(frame[i * 4 + c]) - int(g[j * 4 + c])));
    return worst;
  };
  for (std::size_t i = 0; i < n; ++i) {
    const int x = static_cast<int>(i % static_cast<std::size_t>(w)), y = static_cast<int>(i / static_cast<std::size_t>(w));
    int best = distance(i, i);
    for (int dy = -1; dy <= 1 && best > 32; ++dy)
      for (int dx = -1; dx <= 1 && best > 32; ++dx) {
        const int nx = x + dx, ny = y + dy;
        if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
        best = std::min(best, distance(i, static_cast<std::size_t>(ny) * static_cast<std::size_t>(w) + static_cast<std::size_t>(nx)));
      }
    const bool off = best > 32;
    differing += off ? 1 : 0;
    diff[i * 4] = off ? 255 : static_cast<unsigned char>(frame[i * 4] / 4);
    diff[i * 4 + 1] = off ? 0 : static_cast<unsigned char>(frame[i * 4 + 1] / 4);
    diff[i * 4 + 2] = off ? 0 : static_cast<unsigned char>(frame[i * 4 + 2] / 4);
    diff[i * 4 + 3] = 255;
  }
  const double pct = 100.0 * static_cast<double>(differing) / static_cast<double>(n);
  char measured[96];
  std::snprintf(measured, sizeof measured, "golden %s: %.3f %% of pixels differ (allowed %.2f %%)", step.arg.c_str(), pct,
                step.tolerance_pct);
  log::info("kiosk.tour", measured);
  if (pct <= step.tolerance_pct) return advance();
  std::error_code ec;
  std::filesystem::create_directories(shots_dir_, ec);
  stbi_write_png((shots_dir_ / (step.arg + "-actual.png")).c_str(), w, h, 4, frame.data(), w * 4);
  stbi_write_png((shots_dir_ / (step.arg + "-diff.png")).c_str(), w, h, 4, diff.data(), w * 4);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f %% of pixels differ (allowed %.2f %%)", pct, step.tolerance_pct);
  return fail(step, std::string(buf) + "; see " + step.arg + "-actual.png and " + step.arg + "-diff.png");
}

std::string TourRunner::check_targets(const FrameRegistry& reg) const {
  const float min = hooks_.min_touch ? hooks_.min_touch() : 0;
  const float gap = hooks_.target_gap ? hooks_.target_gap() : 0;
  auto name = [](const Clickable& c) { return "\"" + c.label + "\""; };
  // Only targets shown whole: a row half scrolled out is whole once scrolled.
  auto whole = [](const Clickable& c) {
    return std::fabs(c.rect.x0 - c.full.x0) < 0.5f && std::fabs(c.rect.y0 - c.full.y0) < 0.5f &&
           std::fabs(c.rect.x1 - c.full.x1) < 0.5f && std::fabs(c.rect.y1 - c.full.y1) < 0.5f;
  };
  std::string problems;
  for (std::size_t i = 0; i < reg.clickables.size(); ++i) {
    const Clickable& a = reg.clickables[i];
    if (!whole(a)) continue;
    const float w = a.full.x1 - a.full.x0, h = a.full.y1 - a.full.y0;
    // Half a pixel of rounding is not a finger's difference.
    if (w + 0.5f < min || h + 0.5f < min)
      problems += name(a) + " is " + std::to_string(static_cast<int>(w)) + "x" + std::to_string(static_cast<int>(h)) +
                  " px (< " + std::to_string(static_cast<int>(std::ceil(min))) + "); ";
    for (std::size_t j = i + 1; j < reg.clickables.size(); ++j) {
      const Clickable& b = reg.clickables[j];
      if (!whole(b)) continue;
      // Apart by at least the gap, horizontally or vertically.
      const float dx = std::max(b.full.x0 - a.full.x1, a.full.x0 - b.full.x1);
      const float dy = std::max(b.full.y0 - a.full.y1, a.full.y0 - b.full.y1);
      if (std::max(dx, dy) + 0.5f < gap)
        problems += name(a) + " and " + name(b) + " are " + std::to_string(static_cast<int>(std::max(dx, dy))) +
                    " px apart (< " + std::to_string(static_cast<int>(gap)) + "); ";
    }
  }
  return problems;
}

bool TourRunner::step_type(const TourStep& step, const FrameRegistry& reg) {
  if (!keys_ready_) {
    if (!reg.keyboard_visible) return true;  // wait: the keyboard may be opening
    std::string text = step.arg;
    if (step.op == TourOp::type_var) {
      auto it = reg.vars.find(step.arg);
      if (it == reg.vars.end()) {
        fail(step, "no published value named '" + step.arg + "'");
        return false;
      }
      text = it->second;
    }
    const std::u32string chars = utf8::to_u32(text);
    if (reg.keyboard_mode != KeyboardMode::telex) keys_ = chars;
    else if (reg.input_method == InputMethod::vni) keys_ = vni::keystrokes(chars);
    else keys_ = telex::keystrokes(chars);
    keys_ready_ = true;
  }
  if (keys_.empty()) return true;
  const char32_t c = keys_.front();
  if (const Clickable* k = find_key(reg, key_id(c))) {
    tap(k->rect);
    keys_.erase(keys_.begin());
    return true;
  }
  // A letter in the other case: toggle shift (one-shot) and look again next frame.
  const bool letter = (c >= U'a' && c <= U'z') || is_upper_ascii(c);
  if (letter) {
    const char32_t other = is_upper_ascii(c) ? c - U'A' + U'a' : c - U'a' + U'A';
    if (find_key(reg, key_id(other))) {
      if (const Clickable* shift = find_key(reg, "{shift}")) {
        tap(shift->rect);
        return true;
      }
    }
  }
  fail(step, "the on-screen keyboard has no key for '" + utf8::encode(c) + "'");
  return false;
}

bool TourRunner::wants_pixels() const {
  if (!pointer_.empty() || current_ >= steps_.size()) return false;
  const TourOp op = steps_[current_].op;
  return op == TourOp::shot || op == TourOp::golden;
}

TourRunner::Status TourRunner::after_frame(const FrameRegistry& reg, SDL_Renderer* renderer, const SyncStatus& sync,
                                           const std::function<void()>& render) {
  if (!failure_.empty()) return Status::failed;
  progressed_ = false;
  const Status status = step_frame(reg, renderer, sync);
  if (status == Status::failed) {
    // The screen at the moment of failure is the first thing anyone asks for.
    if (render) render();
    std::string ignored;
    write_shot(renderer, "failure", ignored);
  }
  return status;
}

TourRunner::Status TourRunner::step_frame(const FrameRegistry& reg, SDL_Renderer* renderer, const SyncStatus& sync) {
  if (!pointer_.empty()) return Status::running;  // a tap is still being played
  if (current_ >= steps_.size()) return Status::passed;
  const TourStep& step = steps_[current_];
  const auto now = Clock::now();
  if (!started_) started_ = now;
  const bool late = now - *started_ > step.timeout;

  switch (step.op) {
    case TourOp::tap: {
      const Clickable* c = find_clickable(reg, step.arg);
      // The item named exactly is scrolled away: do not touch a look-alike.
      const bool hidden = exact_offscreen(reg, step.arg) && (!c || c->label != step.arg);
      if (c && !hidden) {
        tap(c->rect);
        return advance();
      }
      if (late && hidden) return fail(step, "\"" + step.arg + "\" is scrolled out of view (scroll-to it first)");
      if (late) return fail(step, "nothing visible is labelled \"" + step.arg + "\"");
      return Status::running;
    }
    case TourOp::drag:
    case TourOp::fling: {
      if (const auto spot = find_spot(reg, step.arg)) {
        // A finger: down, a dozen moves, up — as SDL reports a real swipe. A
        // drag rests a few frames before lifting (no inertia); a fling lifts
        // while moving, and the list coasts.
        const ImVec2 from(spot->rect.cx(), spot->rect.cy());
        constexpr int kSteps = 12;
        pointer_.push_back(Pointer{from, true});
        for (int i = 1; i <= kSteps; ++i)
          pointer_.push_back(Pointer{ImVec2(from.x, from.y + static_cast<float>(step.dy * i) / kSteps), true});
        if (step.op == TourOp::drag)
          for (int i = 0; i < 8; ++i) pointer_.push_back(Pointer{ImVec2(from.x, from.y + static_cast<float>(step.dy)), true});
        pointer_.push_back(Pointer{ImVec2(from.x, from.y + static_cast<float>(step.dy)), false});
        pointer_.push_back(std::nullopt);
        pointer_.push_back(std::nullopt);
        return advance();
      }
      if (late) return fail(step, "nothing visible is labelled \"" + step.arg + "\"");
      return Status::running;
    }
    case TourOp::type:
    case TourOp::type_var: {
      if (!step_type(step, reg)) return Status::failed;
      if (keys_ready_ && keys_.empty()) return advance();
      if (late && !keys_ready_) return fail(step, "the on-screen keyboard did not appear");
      return Status::running;
    }
    case TourOp::expect:
    case TourOp::expect_var: {
      std::string want = step.arg;
      if (step.op == TourOp::expect_var) {
        auto it = reg.vars.find(step.arg);
        if (it == reg.vars.end()) {
          if (late) return fail(step, "no published value named '" + step.arg + "'");
          return Status::running;
        }
        want = it->second;
      }
      if (shows_text(reg, want)) return advance();
      if (late) return fail(step, "\"" + want + "\" is not on screen");
      return Status::running;
    }
    case TourOp::shot: {
      std::string error;
      if (!write_shot(renderer, step.arg, error)) return fail(step, error);
      return advance();
    }
    case TourOp::wait_sync: {
      // The worker publishes its first sync status a few frames after start-up,
      // so "no hub" is only a failure once the deadline has passed.
      if (!sync.hub_configured) return late ? fail(step, "this kiosk has no hub configured") : Status::running;
      if (sync.online && sync.outbox_depth == 0) return advance();
      if (late)
        return fail(step, "outbox still holds " + std::to_string(sync.outbox_depth) + " dossier(s)" +
                              (sync.last_error.empty() ? "" : " (" + sync.last_error + ")"));
      return Status::running;
    }
    case TourOp::wait:
      return late ? advance() : Status::running;
    case TourOp::expect_absent:
      if (!shows_text(reg, step.arg)) return advance();
      if (late) return fail(step, "\"" + step.arg + "\" is still on screen");
      return Status::running;
    case TourOp::expect_no_personal_data: {
      if (!hooks_.personal_data) return fail(step, "no personal-data probe");
      const auto left = hooks_.personal_data();
      if (left.empty()) return advance();
      if (!late) return Status::running;
      std::string where;
      for (const auto& w : left) where += (where.empty() ? "" : ", ") + w;
      return fail(step, "the UI still holds: " + where);
    }
    case TourOp::check_targets: {
      const std::string problems = check_targets(reg);
      if (!problems.empty()) return fail(step, problems);
      return advance();
    }
    case TourOp::idle_timeout:
      if (!hooks_.set_idle) return fail(step, "no idle control");
      hooks_.set_idle(step.timeout, step.countdown);
      return advance();
    case TourOp::golden: return golden(step, renderer);
    case TourOp::scroll_to: {
      const auto where = locate(reg, step.arg);
      if (where && !where->rect.empty() && same(where->rect, where->full)) return advance();
      if (late || !where) {
        if (!late) return Status::running;  // not drawn yet: the screen may be changing
        return fail(step, where ? "\"" + step.arg + "\" cannot be scrolled wholly into view"
                                : "nothing on this screen is labelled \"" + step.arg + "\"");
      }
      // A finger on the middle of its region, dragged by what is missing (at
      // most most of the region, so the finger stays inside it), then rested:
      // the list follows and stops. Repeated until the item is whole.
      const Rect& clip = where->clip;
      const float region = clip.y1 - clip.y0;
      float dy = 0;
      if (where->full.y1 > clip.y1) dy = -(where->full.y1 - clip.y1 + 16.0f);
      else if (where->full.y0 < clip.y0) dy = clip.y0 - where->full.y0 + 16.0f;
      if (dy == 0 || region <= 0) return late ? fail(step, "\"" + step.arg + "\" does not fit its region") : Status::running;
      // The first few pixels of a finger's move tell a tap from a drag and do
      // not scroll (widgets/ui.cpp): move that much further.
      const float dead_zone = (hooks_.drag_threshold ? hooks_.drag_threshold() : 24.0f) + 2.0f;
      dy += dy < 0 ? -dead_zone : dead_zone;
      dy = std::clamp(dy, -0.8f * region, 0.8f * region);
      const ImVec2 from(clip.cx(), clip.cy() - dy * 0.5f);
      constexpr int kSteps = 12;
      pointer_.push_back(Pointer{from, true});
      for (int i = 1; i <= kSteps; ++i) pointer_.push_back(Pointer{ImVec2(from.x, from.y + dy * static_cast<float>(i) / kSteps), true});
      for (int i = 0; i < 8; ++i) pointer_.push_back(Pointer{ImVec2(from.x, from.y + dy), true});
      pointer_.push_back(Pointer{ImVec2(from.x, from.y + dy), false});
      pointer_.push_back(std::nullopt);
      pointer_.push_back(std::nullopt);
      return Status::running;
    }
    case TourOp::expect_visible:
    case TourOp::expect_hidden: {
      // Texts are recorded whether scrolled into view or not; tappable items
      // only where they can be touched — so these tell whether a list scrolled.
      // Visible: wholly on screen. Hidden: not wholly (scrolled away, even in
      // part, or gone) — so a list that scrolled by a row is told apart.
      const auto spot = find_spot(reg, step.arg);
      const bool shown = spot && spot->whole;
      if (shown == (step.op == TourOp::expect_visible)) return advance();
      if (late)
        return fail(step, "\"" + step.arg +
                              (shown ? "\" is still on screen" : spot ? "\" is only partly on screen" : "\" is not on screen"));
      return Status::running;
    }
  }
  return Status::running;
}

}  // namespace motcua::kiosk
