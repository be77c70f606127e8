#pragma once
// Private to common/crypto: an Error carrying OpenSSL's last error text.

#include <openssl/err.h>

#include <string>

#include "motcua/util/error.hpp"

namespace motcua::crypto::detail {

// `what`, followed by OpenSSL's first queued error if there is one; clears the queue.
inline Error openssl_error(std::string what) {
  const unsigned long e = ERR_get_error();
  if (e != 0) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    what += ": ";
    what += buf;
  }
  ERR_clear_error();
  return Error{Errc::internal, std::move(what)};
}

}  // namespace motcua::crypto::detail
