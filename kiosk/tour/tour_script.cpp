#include "tour/tour_script.hpp"

#include <cctype>
#include <charconv>
#include <cstdlib>

namespace motcua::kiosk {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// A quoted argument ("…", with \" and \\ escapes) or a bare word; advances s.
Result<std::string> take_arg(std::string_view& s) {
  s = trim(s);
  std::string out;
  if (s.empty()) return fail(Errc::invalid_argument, "missing argument");
  if (s.front() == '"') {
    std::size_t i = 1;
    for (; i < s.size() && s[i] != '"'; ++i) {
      if (s[i] == '\\' && i + 1 < s.size()) ++i;
      out.push_back(s[i]);
    }
    if (i >= s.size()) return fail(Errc::invalid_argument, "unterminated quote");
    s.remove_prefix(i + 1);
    return out;
  }
  std::size_t i = 0;
  while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  out = std::string(s.substr(0, i));
  s.remove_prefix(i);
  return out;
}

// "20s", "1500ms", "2m" or a bare number of milliseconds.
Result<std::chrono::milliseconds> parse_duration(std::string_view s) {
  long long v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || v < 0) return fail(Errc::invalid_argument, "bad duration '" + std::string(s) + "'");
  const std::string_view unit(p, static_cast<std::size_t>(s.data() + s.size() - p));
  if (unit.empty() || unit == "ms") return std::chrono::milliseconds(v);
  if (unit == "s") return std::chrono::milliseconds(v * 1000);
  if (unit == "m") return std::chrono::milliseconds(v * 60000);
  return fail(Errc::invalid_argument, "bad duration unit '" + std::string(unit) + "'");
}

}  // namespace

Result<std::vector<TourStep>> parse_tour(std::string_view text) {
  std::vector<TourStep> steps;
  int line_no = 0;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    line = trim(line);
    if (line.empty() || line.front() == '#') continue;
    TourStep step;
    step.line = line_no;
    step.source = std::string(line);
    std::string_view rest = line;
    auto bad = [&](std::string_view why) {
      return fail(Errc::invalid_argument, "line " + std::to_string(line_no) + ": " + std::string(why) + ": " + step.source);
    };
    auto word = take_arg(rest);
    if (!word) return bad(word.error().message);
    const std::string& cmd = *word;
    bool takes_text = true, takes_timeout = false;
    if (cmd == "tap") step.op = TourOp::tap, takes_timeout = true;
    else if (cmd == "drag") step.op = TourOp::drag;
    else if (cmd == "type") step.op = TourOp::type;
    else if (cmd == "type-var") step.op = TourOp::type_var;
    else if (cmd == "expect") step.op = TourOp::expect, takes_timeout = true;
    else if (cmd == "expect-var") step.op = TourOp::expect_var, takes_timeout = true;
    else if (cmd == "shot") step.op = TourOp::shot;
    else if (cmd == "wait-sync") step.op = TourOp::wait_sync, takes_text = false, takes_timeout = true,
                                 step.timeout = std::chrono::seconds(30);
    else if (cmd == "wait") step.op = TourOp::wait, takes_text = false;
    else if (cmd == "fling") step.op = TourOp::fling;
    else if (cmd == "expect-absent") step.op = TourOp::expect_absent, takes_timeout = true;
    else if (cmd == "expect-no-personal-data") step.op = TourOp::expect_no_personal_data, takes_text = false,
                                               takes_timeout = true;
    else if (cmd == "check-targets") step.op = TourOp::check_targets, takes_text = false;
    else if (cmd == "idle-timeout") step.op = TourOp::idle_timeout, takes_text = false;
    else if (cmd == "golden") step.op = TourOp::golden;
    else if (cmd == "expect-visible") step.op = TourOp::expect_visible, takes_timeout = true;
    else if (cmd == "expect-hidden") step.op = TourOp::expect_hidden, takes_timeout = true;
    else if (cmd == "scroll-to") step.op = TourOp::scroll_to, takes_timeout = true;
    else return bad("unknown command '" + cmd + "'");

    if (takes_text) {
      auto arg = take_arg(rest);
      if (!arg) return bad(arg.error().message);
      step.arg = std::move(*arg);
      if (step.arg.empty()) return bad("empty argument");
    }
    if (step.op == TourOp::idle_timeout) {
      auto d = take_arg(rest);
      if (!d) return bad("idle-timeout needs a duration");
      auto ms = parse_duration(*d);
      if (!ms) return bad(ms.error().message);
      step.timeout = *ms;
      if (!trim(rest).empty()) {
        auto c = take_arg(rest);
        auto cms = parse_duration(*c);
        if (!cms) return bad(cms.error().message);
        step.countdown = *cms;
      }
    }
    if (step.op == TourOp::golden && !trim(rest).empty()) {
      auto t = take_arg(rest);
      char* end = nullptr;
      const double pct = std::strtod(t->c_str(), &end);
      if (end == t->c_str() || *end != '\0' || pct < 0 || pct > 100) return bad("bad golden tolerance '" + *t + "'");
      step.tolerance_pct = pct;
    }
    if (step.op == TourOp::drag || step.op == TourOp::fling) {
      auto d = take_arg(rest);
      if (!d) return bad("drag needs a distance in pixels");
      int dy = 0;
      const auto [p, ec] = std::from_chars(d->data(), d->data() + d->size(), dy);
      if (ec != std::errc() || p != d->data() + d->size() || dy == 0) return bad("bad drag distance '" + *d + "'");
      step.dy = dy;
    }
    if (step.op == TourOp::wait) {
      auto d = take_arg(rest);
      if (!d) return bad("wait needs milliseconds");
      auto ms = parse_duration(*d);
      if (!ms) return bad(ms.error().message);
      step.timeout = *ms;
    }
    rest = trim(rest);
    if (!rest.empty()) {
      if (!takes_timeout) return bad("unexpected '" + std::string(rest) + "'");
      auto ms = parse_duration(rest);
      if (!ms) return bad(ms.error().message);
      step.timeout = *ms;
    }
    if (step.op == TourOp::shot || step.op == TourOp::golden) {
      for (char c : step.arg)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'))
          return bad("shot names use letters, digits, - _ .");
    }
    steps.push_back(std::move(step));
  }
  return steps;
}

}  // namespace motcua::kiosk
