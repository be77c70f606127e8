#include "model/catalog_snapshot.hpp"

#include <algorithm>

#include "motcua/domain/lifecycle.hpp"
#include "motcua/text/fold.hpp"
#include "motcua/util/log.hpp"

namespace motcua::kiosk {

std::shared_ptr<const CatalogSnapshot> CatalogSnapshot::build(domain::Catalog catalog, std::optional<SearchIndex> index) {
  auto snap = std::make_shared<CatalogSnapshot>();
  snap->catalog = std::move(catalog);
  const auto& c = snap->catalog;
  for (std::size_t i = 0; i < c.services.size(); ++i) snap->service_by_code[c.services[i].code] = i;
  for (std::size_t i = 0; i < c.stats.size(); ++i) snap->stats_by_code[c.stats[i].code] = i;

  std::map<std::string, std::size_t> field_index;
  for (const auto& f : c.fields) {
    FieldGroup g;
    g.field = &f;
    for (const auto& s : c.sectors)
      if (s.id == f.sector) g.sector = &s;
    field_index[f.id] = snap->groups.size();
    snap->groups.push_back(g);
  }
  for (std::size_t i = 0; i < c.services.size(); ++i) {
    auto it = field_index.find(c.services[i].field);
    if (it != field_index.end()) snap->groups[it->second].services.push_back(i);
  }
  // Vietnamese-friendly order without a collation library: by folded text, then
  // raw. Keys are made once (a catalog can hold 50,000 services).
  auto key = [](const std::string& s) { return text::fold(s) + '\x01' + s; };
  std::vector<std::string> service_keys;
  service_keys.reserve(c.services.size());
  for (const auto& s : c.services) service_keys.push_back(key(s.name));
  for (auto& g : snap->groups)
    std::sort(g.services.begin(), g.services.end(),
              [&](std::size_t a, std::size_t b) { return service_keys[a] < service_keys[b]; });
  std::erase_if(snap->groups, [](const FieldGroup& g) { return g.services.empty(); });
  std::sort(snap->groups.begin(), snap->groups.end(), [&](const FieldGroup& a, const FieldGroup& b) {
    const std::string sa = a.sector ? key(a.sector->name) : std::string("\xff");
    const std::string sb = b.sector ? key(b.sector->name) : std::string("\xff");
    if (sa != sb) return sa < sb;
    return key(a.field->name) < key(b.field->name);
  });
  if (index && index->service_count() == c.services.size()) snap->index = std::move(*index);
  else snap->index = SearchIndex(c.services, c.fields);
  if (auto wt = domain::working_time_for(c)) snap->working_time = std::move(*wt);
  else log::warn("catalog", "no working-time calendar: " + wt.error().message);
  return snap;
}

const domain::Service* CatalogSnapshot::service(const std::string& code) const {
  auto it = service_by_code.find(code);
  return it == service_by_code.end() ? nullptr : &catalog.services[it->second];
}

const domain::Agency* CatalogSnapshot::agency(const std::string& id) const { return domain::find_agency(catalog, id); }

std::optional<TimePoint> CatalogSnapshot::appointment(const std::string& service_code, TimePoint received) const {
  const domain::Service* s = service(service_code);
  if (s == nullptr || !working_time) return std::nullopt;
  auto processing = domain::processing_time(s->processing);
  if (!processing) return std::nullopt;
  auto due = working_time->due(received, *processing);
  if (!due) return std::nullopt;
  return *due;
}

const domain::ServiceStats* CatalogSnapshot::stats(const std::string& service_code) const {
  auto it = stats_by_code.find(service_code);
  return it == stats_by_code.end() ? nullptr : &catalog.stats[it->second];
}

const domain::Field* CatalogSnapshot::field(const std::string& id) const {
  for (const auto& f : catalog.fields)
    if (f.id == id) return &f;
  return nullptr;
}

}  // namespace motcua::kiosk
