#pragma once
// Errors at module boundaries are values: Result<T> = tl::expected<T, Error>.

#include <string>
#include <string_view>
#include <utility>

#include <tl/expected.hpp>

namespace motcua {

enum class Errc {
  invalid_argument,  // the caller's input is malformed
  not_found,
  conflict,          // e.g. same client id with different content
  io,
  disk_full,
  corrupt,           // a database or file fails its integrity check
  database,
  network,           // could not reach the peer (DNS, connect, reset, timeout)
  protocol,          // the peer answered, but not as our protocol says (captive portal, bad JSON)
  unauthorized,
  forbidden,
  unavailable,       // device or service temporarily unavailable
  rate_limited,      // too many attempts; retry later
  internal,
};

std::string_view to_string(Errc code) noexcept;

struct Error {
  Errc code = Errc::internal;
  std::string message;

  // "not_found: no dossier with code ..." — for logs and CLI output.
  std::string describe() const;
};

template <class T>
using Result = tl::expected<T, Error>;

inline tl::unexpected<Error> fail(Errc code, std::string message) {
  return tl::unexpected<Error>(Error{code, std::move(message)});
}

inline tl::unexpected<Error> fail(Error error) { return tl::unexpected<Error>(std::move(error)); }

}  // namespace motcua
