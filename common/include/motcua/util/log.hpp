#pragma once
// Minimal structured logging to stderr. The level and sink are configured once by
// main(); library code only writes. (The one process-wide setting we allow.)

#include <functional>
#include <string>
#include <string_view>

namespace motcua::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3, off = 4 };

void set_level(Level level);
Level level();
// Replaces the sink (default: stderr). Used by tests to capture output.
void set_sink(std::function<void(Level, std::string_view line)> sink);
// Parses "debug" | "info" | "warn" | "error" | "off".
bool parse_level(std::string_view text, Level& out);

void write(Level level, std::string_view component, std::string_view message);

inline void debug(std::string_view c, std::string_view m) { write(Level::debug, c, m); }
inline void info(std::string_view c, std::string_view m) { write(Level::info, c, m); }
inline void warn(std::string_view c, std::string_view m) { write(Level::warn, c, m); }
inline void error(std::string_view c, std::string_view m) { write(Level::error, c, m); }

}  // namespace motcua::log
