#pragma once
// PostgreSQL backend of the hub's storage (production, scale-out): several
// stateless motcua-hub processes share one database and behave as one hub.
// Design and schema: docs/postgres.md.

#include <cstddef>
#include <memory>
#include <string>

#include "hub_store.hpp"

namespace motcua::hub {

struct PostgresOptions {
  // Connections opened on demand, at most one per request in flight (the
  // server's pool has 16 threads).
  std::size_t pool_size = 16;
};

// Connects to `url` (postgresql://user@host:port/db?…, any libpq URI), applies
// the numbered migrations (under an advisory lock, so hubs starting together
// do not race) and returns the store. Errc::unavailable when the server cannot
// be reached.
Result<std::unique_ptr<HubStore>> open_postgres_store(const std::string& url, const Clock& clock,
                                                      PostgresOptions options = {});

// True for the URLs open_store hands to PostgreSQL (postgresql:// or postgres://).
bool is_postgres_url(const std::string& spec);

}  // namespace motcua::hub
