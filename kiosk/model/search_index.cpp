#include "model/search_index.hpp"

#include <algorithm>
#include <unordered_map>

#include "motcua/text/fold.hpp"

namespace motcua::kiosk {

SearchIndex::SearchIndex(const std::vector<domain::Service>& services,
                         const std::vector<domain::Field>& fields) {
  std::unordered_map<std::string, std::size_t> field_names;
  std::vector<std::string> field_text(fields.size());
  for (std::size_t i = 0; i < fields.size(); ++i) field_names[fields[i].id] = i;

  // word -> (service -> in_name flag); built with a hash map, then sorted once.
  std::unordered_map<std::string, std::vector<std::uint32_t>> postings;
  names_.reserve(services.size());
  for (std::uint32_t s = 0; s < services.size(); ++s) {
    const auto& svc = services[s];
    names_.push_back(text::fold(svc.name));
    auto add = [&](std::string_view text, bool in_name) {
      text::fold_words(text, [&](std::string_view w) {
        auto& list = postings[std::string(w)];
        const std::uint32_t p = s << 1 | (in_name ? 1u : 0u);
        if (!list.empty() && (list.back() >> 1) == s) {
          list.back() |= p & 1u;
        } else {
          list.push_back(p);
        }
      });
    };
    add(svc.name, true);
    add(svc.code, true);
    for (const auto& k : svc.keywords) add(k, true);
    add(svc.official_name, false);
    if (auto it = field_names.find(svc.field); it != field_names.end()) add(fields[it->second].name, false);
    add(svc.summary, false);
    for (const auto& d : svc.documents) add(d.name, false);
    for (const auto& st : svc.steps) add(st, false);
    add(svc.result, false);
  }
  words_.reserve(postings.size());
  for (auto& [w, list] : postings) words_.push_back(Word{w, std::move(list)});
  std::sort(words_.begin(), words_.end(), [](const Word& a, const Word& b) { return a.text < b.text; });
}

std::vector<SearchHit> SearchIndex::search(std::string_view query, std::size_t limit) const {
  std::vector<std::string> terms;
  text::fold_words(query, [&](std::string_view w) { terms.emplace_back(w); });
  if (terms.empty() || names_.empty()) return {};

  // For each term, the services where some word starts with it: score 2 when the
  // match is in the name, 1 elsewhere. Intersect across terms, summing scores.
  std::vector<std::uint32_t> acc;   // score per service, 0 = eliminated
  std::vector<std::uint8_t> term_score(names_.size());
  bool first = true;
  for (const auto& term : terms) {
    std::fill(term_score.begin(), term_score.end(), 0);
    auto it = std::lower_bound(words_.begin(), words_.end(), term,
                               [](const Word& w, const std::string& t) { return w.text < t; });
    for (; it != words_.end() && it->text.compare(0, term.size(), term) == 0; ++it) {
      const bool exact = it->text.size() == term.size();
      for (std::uint32_t p : it->postings) {
        const std::uint8_t sc = static_cast<std::uint8_t>(((p & 1u) ? 4 : 1) + (exact ? 1 : 0));
        auto& cur = term_score[p >> 1];
        if (sc > cur) cur = sc;
      }
    }
    if (first) {
      acc.assign(term_score.begin(), term_score.end());
      first = false;
    } else {
      for (std::size_t s = 0; s < acc.size(); ++s) acc[s] = term_score[s] == 0 ? 0 : acc[s] + term_score[s];
    }
  }
  // The whole query as a phrase inside the name ranks highest.
  const std::string phrase = text::fold(query);
  std::vector<SearchHit> hits;
  for (std::uint32_t s = 0; s < acc.size(); ++s) {
    if (acc[s] == 0) continue;
    std::uint32_t score = acc[s] * 4;
    if (terms.size() > 1 && names_[s].find(phrase) != std::string::npos) score += 16;
    if (names_[s].rfind(phrase, 0) == 0) score += 8;
    hits.push_back({s, score});
  }
  const std::size_t n = std::min(limit, hits.size());
  std::partial_sort(hits.begin(), hits.begin() + static_cast<std::ptrdiff_t>(n), hits.end(),
                    [&](const SearchHit& a, const SearchHit& b) {
                      if (a.score != b.score) return a.score > b.score;
                      if (names_[a.service].size() != names_[b.service].size())
                        return names_[a.service].size() < names_[b.service].size();
                      return a.service < b.service;
                    });
  hits.resize(n);
  return hits;
}

}  // namespace motcua::kiosk
