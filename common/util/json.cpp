#include "motcua/util/json.hpp"

namespace motcua {

Result<Json> parse_json(std::string_view text) {
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& e) {
    return fail(Errc::invalid_argument, std::string("malformed JSON: ") + e.what());
  }
}

std::optional<std::string> opt_string(const Json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  return it->get<std::string>();
}

std::string str_or(const Json& j, const char* key, std::string fallback) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return fallback;
  return it->get<std::string>();
}

std::int64_t int_or(const Json& j, const char* key, std::int64_t fallback) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer()) return fallback;
  return it->get<std::int64_t>();
}

}  // namespace motcua
