#pragma once
// JSON is nlohmann::json. Helpers here turn malformed input into Error values
// instead of exceptions at module boundaries.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "motcua/util/error.hpp"

namespace motcua {

using Json = nlohmann::json;

// Parses text; a clear error (with the parser's position) if it is not JSON.
Result<Json> parse_json(std::string_view text);

// Runs fn(json) converting nlohmann type/range errors into Errc::invalid_argument
// with the given context ("catalog service 1.001193: ...").
template <class T, class Fn>
Result<T> decode_json(std::string_view context, Fn&& fn) {
  try {
    return fn();
  } catch (const nlohmann::json::exception& e) {
    std::string msg(context);
    msg += ": ";
    msg += e.what();
    return fail(Errc::invalid_argument, std::move(msg));
  }
}

// Optional string member; nullopt when absent or null.
std::optional<std::string> opt_string(const Json& j, const char* key);
std::string str_or(const Json& j, const char* key, std::string fallback = {});
std::int64_t int_or(const Json& j, const char* key, std::int64_t fallback);

}  // namespace motcua
