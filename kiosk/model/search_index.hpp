#pragma once
// Diacritic-insensitive search over the catalog. Every service's name, code,
// keywords, field, documents and steps are folded (text::fold) and split into
// words; an inverted index maps each distinct word to the services containing it
// and where (name or elsewhere). A query matches a service when every query word is
// a prefix of some word of that service; services whose name matches rank first.
// Built once per catalog snapshot; search() does no allocation proportional to
// the catalog beyond the result.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "motcua/domain/catalog.hpp"

namespace motcua::kiosk {

struct SearchHit {
  std::uint32_t service;  // index into the catalog's services
  std::uint32_t score;    // higher first
};

class SearchIndex {
 public:
  SearchIndex() = default;
  explicit SearchIndex(const std::vector<domain::Service>& services,
                       const std::vector<domain::Field>& fields = {});

  // Ranked hits, at most `limit`. An empty query returns nothing.
  std::vector<SearchHit> search(std::string_view query, std::size_t limit = 200) const;
  std::size_t word_count() const { return words_.size(); }

 private:
  // Posting: service index << 1 | (1 if the word occurs in the service's name or code).
  struct Word {
    std::string text;
    std::vector<std::uint32_t> postings;  // sorted by service, at most one per service
  };
  std::vector<Word> words_;  // sorted by text
  std::vector<std::string> names_;  // folded names, for ranking tie-breaks
};

}  // namespace motcua::kiosk
