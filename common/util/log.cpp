#include "motcua/util/log.hpp"

#include <atomic>
#include <cstdio>
#include <mutex>

#include "motcua/util/clock.hpp"

namespace motcua::log {

namespace {
std::atomic<int> g_level{static_cast<int>(Level::info)};
std::mutex g_mutex;
std::function<void(Level, std::string_view)> g_sink;

const char* name(Level l) {
  switch (l) {
    case Level::debug: return "DEBUG";
    case Level::info: return "INFO";
    case Level::warn: return "WARN";
    case Level::error: return "ERROR";
    case Level::off: return "OFF";
  }
  return "?";
}
}  // namespace

void set_level(Level l) { g_level = static_cast<int>(l); }
Level level() { return static_cast<Level>(g_level.load()); }

void set_sink(std::function<void(Level, std::string_view)> sink) {
  std::lock_guard lock(g_mutex);
  g_sink = std::move(sink);
}

bool parse_level(std::string_view text, Level& out) {
  if (text == "debug") out = Level::debug;
  else if (text == "info") out = Level::info;
  else if (text == "warn") out = Level::warn;
  else if (text == "error") out = Level::error;
  else if (text == "off") out = Level::off;
  else return false;
  return true;
}

void write(Level l, std::string_view component, std::string_view message) {
  if (static_cast<int>(l) < g_level.load()) return;
  std::string line = format_utc(std::chrono::system_clock::now());
  line += ' ';
  line += name(l);
  line += " [";
  line += component;
  line += "] ";
  line += message;
  std::lock_guard lock(g_mutex);
  if (g_sink) {
    g_sink(l, line);
    return;
  }
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace motcua::log
