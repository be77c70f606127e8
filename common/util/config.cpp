#include "motcua/util/config.hpp"

#include <sstream>

namespace motcua {

Result<Config> Config::load(const std::filesystem::path& path) {
  try {
    return Config(toml::parse_file(path.string()));
  } catch (const toml::parse_error& e) {
    std::ostringstream msg;
    msg << "cannot read config " << path.string() << ": " << e.description() << " (line "
        << e.source().begin.line << ")";
    return fail(Errc::invalid_argument, msg.str());
  }
}

Result<Config> Config::parse(std::string_view text, std::string_view source_name) {
  try {
    return Config(toml::parse(text, source_name));
  } catch (const toml::parse_error& e) {
    std::ostringstream msg;
    msg << "cannot parse " << source_name << ": " << e.description() << " (line "
        << e.source().begin.line << ")";
    return fail(Errc::invalid_argument, msg.str());
  }
}

std::optional<std::string> Config::string(std::string_view path) const {
  return table_.at_path(path).value<std::string>();
}
std::optional<std::int64_t> Config::integer(std::string_view path) const {
  return table_.at_path(path).value<std::int64_t>();
}
std::optional<bool> Config::boolean(std::string_view path) const {
  return table_.at_path(path).value<bool>();
}
std::string Config::string_or(std::string_view path, std::string fallback) const {
  return string(path).value_or(std::move(fallback));
}
std::int64_t Config::integer_or(std::string_view path, std::int64_t fallback) const {
  return integer(path).value_or(fallback);
}

std::string Config::to_string() const {
  std::ostringstream out;
  out << table_;
  return out.str();
}

}  // namespace motcua
