#pragma once
// An immutable view of the catalog for the UI thread, published by the kiosk's
// worker as std::shared_ptr<const CatalogSnapshot> whenever the replica changes.

#include <map>
#include <unordered_map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/search_index.hpp"
#include "motcua/calendar/working_time.hpp"
#include "motcua/domain/catalog.hpp"

namespace motcua::kiosk {

struct FieldGroup {
  const domain::Field* field = nullptr;
  const domain::Sector* sector = nullptr;  // may be null
  std::vector<std::size_t> services;       // indices into CatalogSnapshot::catalog.services, by name
};

struct CatalogSnapshot {
  domain::Catalog catalog;
  std::vector<FieldGroup> groups;  // fields sorted by sector then name (Vietnamese folded order)
  SearchIndex index;
  std::unordered_map<std::string, std::size_t> service_by_code;
  std::unordered_map<std::string, std::size_t> stats_by_code;
  // Holiday rules + the catalog's announcements: the same appointments the hub fixes.
  std::optional<calendar::WorkingTime> working_time;

  // With `index` (loaded from the kiosk's index file for this very catalog) the
  // search index is not rebuilt; without it, it is built from the catalog.
  static std::shared_ptr<const CatalogSnapshot> build(domain::Catalog catalog,
                                                      std::optional<SearchIndex> index = std::nullopt);
  const domain::Service* service(const std::string& code) const;
  const domain::Agency* agency(const std::string& id) const;
  const domain::Field* field(const std::string& id) const;
  // The hub's figures for a service (usage, on time, late), if it published any.
  const domain::ServiceStats* stats(const std::string& service_code) const;
  // The appointment for a dossier of this service received at `received`
  // (nullopt if the service or its processing time is unknown).
  std::optional<TimePoint> appointment(const std::string& service_code, TimePoint received) const;
};

}  // namespace motcua::kiosk
