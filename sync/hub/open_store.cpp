// Chooses the hub's storage backend from the --db option (hub_store.hpp).

#include "hub_files.hpp"
#include "hub_store.hpp"
#include "postgres_store.hpp"

namespace motcua::hub {

Result<std::unique_ptr<HubStore>> open_store(const std::string& db_spec, const HubPaths& paths, const Clock& clock) {
  if (db_spec.empty()) return open_sqlite_store(paths.db().string(), clock);
  if (is_postgres_url(db_spec)) return open_postgres_store(db_spec, clock);
  if (db_spec.rfind("sqlite:", 0) == 0) return open_sqlite_store(db_spec.substr(7), clock);
  // Another scheme is a mistake, not a file name (mysql://…).
  if (db_spec.find("://") != std::string::npos)
    return fail(Errc::invalid_argument, "--db: unknown database URL scheme in " + db_spec.substr(0, db_spec.find("://") + 3) +
                                            " (use postgresql://… or a SQLite file path)");
  return open_sqlite_store(db_spec, clock);
}

}  // namespace motcua::hub
