#pragma once
// Large synthetic catalogs (5,000–50,000 services) for benchmarks and load tests:
// plausible Vietnamese names, fields, documents and steps built from combinations,
// deterministic for a given seed. Codes use the prefix "9." so they never collide
// with real national procedure codes.

#include <cstdint>

#include "motcua/domain/catalog.hpp"

namespace motcua::domain {

Catalog synthetic_catalog(int services, std::uint64_t seed = 42);

}  // namespace motcua::domain
