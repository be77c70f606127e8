#pragma once
// TOML configuration files (toml++). Typed readers keep defaults next to the
// code that uses them; unknown keys are ignored so old programs read new files.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include <toml++/toml.h>

#include "motcua/util/error.hpp"

namespace motcua {

class Config {
 public:
  Config() = default;
  explicit Config(toml::table table) : table_(std::move(table)) {}

  static Result<Config> load(const std::filesystem::path& path);
  static Result<Config> parse(std::string_view text, std::string_view source_name = "config");

  // Dotted paths: "hub.url".
  std::optional<std::string> string(std::string_view path) const;
  std::optional<std::int64_t> integer(std::string_view path) const;
  std::optional<bool> boolean(std::string_view path) const;
  std::string string_or(std::string_view path, std::string fallback) const;
  std::int64_t integer_or(std::string_view path, std::int64_t fallback) const;

  toml::table& table() { return table_; }
  const toml::table& table() const { return table_; }
  std::string to_string() const;

 private:
  toml::table table_;
};

}  // namespace motcua
