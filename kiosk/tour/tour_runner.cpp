#include "tour/tour_runner.hpp"

#include <cfloat>
#include <vector>

#include <SDL.h>
#include <stb_image_write.h>

#include "motcua/text/utf8.hpp"
#include "widgets/telex.hpp"

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
  ++current_;
  started_.reset();
  keys_.clear();
  keys_ready_ = false;
  return current_ >= steps_.size() && pointer_.empty() ? Status::passed : Status::running;
}

bool TourRunner::write_shot(SDL_Renderer* renderer, const std::string& name, std::string& error) {
  int w = 0, h = 0;
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
  std::error_code ec;
  std::filesystem::create_directories(shots_dir_, ec);
  std::string file = name;
  if (file.size() < 4 || file.substr(file.size() - 4) != ".png") file += ".png";
  const auto path = shots_dir_ / file;
  if (!stbi_write_png(path.c_str(), w, h, 4, pixels.data(), w * 4)) {
    error = "cannot write " + path.string();
    return false;
  }
  shots_.push_back(path);
  return true;
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
    keys_ = reg.keyboard_mode == KeyboardMode::telex ? telex::keystrokes(chars) : chars;
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

TourRunner::Status TourRunner::after_frame(const FrameRegistry& reg, SDL_Renderer* renderer, const SyncStatus& sync) {
  if (!failure_.empty()) return Status::failed;
  const Status status = step_frame(reg, renderer, sync);
  if (status == Status::failed) {
    // The screen at the moment of failure is the first thing anyone asks for.
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
      if (const Clickable* c = find_clickable(reg, step.arg)) {
        tap(c->rect);
        return advance();
      }
      if (late) return fail(step, "nothing visible is labelled \"" + step.arg + "\"");
      return Status::running;
    }
    case TourOp::drag: {
      if (const Clickable* c = find_clickable(reg, step.arg)) {
        // A finger: down, a dozen moves, up — as SDL reports a real swipe.
        const ImVec2 from(c->rect.cx(), c->rect.cy());
        constexpr int kSteps = 12;
        pointer_.push_back(Pointer{from, true});
        for (int i = 1; i <= kSteps; ++i)
          pointer_.push_back(Pointer{ImVec2(from.x, from.y + static_cast<float>(step.dy * i) / kSteps), true});
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
  }
  return Status::running;
}

}  // namespace motcua::kiosk
