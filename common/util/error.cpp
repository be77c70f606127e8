#include "motcua/util/error.hpp"

namespace motcua {

std::string_view to_string(Errc code) noexcept {
  switch (code) {
    case Errc::invalid_argument: return "invalid_argument";
    case Errc::not_found: return "not_found";
    case Errc::conflict: return "conflict";
    case Errc::io: return "io";
    case Errc::disk_full: return "disk_full";
    case Errc::corrupt: return "corrupt";
    case Errc::database: return "database";
    case Errc::network: return "network";
    case Errc::protocol: return "protocol";
    case Errc::unauthorized: return "unauthorized";
    case Errc::forbidden: return "forbidden";
    case Errc::unavailable: return "unavailable";
    case Errc::rate_limited: return "rate_limited";
    case Errc::internal: return "internal";
  }
  return "internal";
}

std::string Error::describe() const {
  std::string out(to_string(code));
  out += ": ";
  out += message;
  return out;
}

}  // namespace motcua
