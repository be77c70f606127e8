#pragma once
// Diacritic-insensitive, typo-tolerant search over the catalog, fast enough to
// run on every keystroke over 50,000 services (docs/performance.md).
//
// Every service's name, code, keywords, field, summary, documents, steps and
// result are folded (text::fold; also y → i, since "kí"/"ký", "lí"/"lý" are both
// written) and split into words. The index keeps:
//   - the sorted vocabulary, so the words starting with a query word are one
//     contiguous range of word ids;
//   - for each word, the services containing it (postings), and for each
//     service, its word ids (sorted) — so a query is answered by taking the most
//     selective query word's services as candidates and checking the other words
//     against each candidate's own words;
//   - for the one- and two-letter prefixes people type first, the ranked answer
//     precomputed at build time;
//   - every vocabulary word with one letter deleted, to find words one typo away
//     ("khia" → "khai", "sinhh" → "sinh", "chng" → "chung") when the exact search
//     finds too little.
// Ranking: words found in the name (or keywords, or code) before words found only
// in documents and steps; whole words before prefixes; exact before typo; then
// the name containing the whole query, starting with it; then shorter names.

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "motcua/domain/catalog.hpp"
#include "motcua/util/error.hpp"

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
  SearchIndex(SearchIndex&& other) noexcept;
  SearchIndex& operator=(SearchIndex&& other) noexcept;

  // Ranked hits, at most `limit`. An empty query returns nothing. Safe to call
  // from several threads (a small scratch area is shared under a mutex).
  std::vector<SearchHit> search(std::string_view query, std::size_t limit = 200) const;
  std::size_t word_count() const { return words_.size(); }

  // The normalised words of a text, as the index sees them.
  static std::vector<std::string> words_of(std::string_view text);

  // Building the index over 50,000 services takes seconds; a kiosk builds it
  // once per catalog change and keeps it in a file, tagged with `stamp` (the
  // catalog cursor), so start-up only reads it. The file ends with a sha256 of
  // its content: a torn or corrupted file is refused, never half-read.
  Result<void> save(const std::filesystem::path& file, std::uint64_t stamp) const;
  // Errc::not_found when the file is missing, Errc::conflict when its stamp is
  // not `stamp` (the catalog changed since), Errc::corrupt when damaged.
  static Result<SearchIndex> load(const std::filesystem::path& file, std::uint64_t stamp);
  std::size_t service_count() const { return names_.size(); }

  // The shortcuts taken for large candidate sets, switchable so tests can
  // check that they change no result (defaults: both on).
  struct Shortcuts {
    std::uint64_t ordered_scan_from = 4096;  // postings from which the ordered scan with early stop is used
    bool share_group_scores = true;          // one score per name group
  };
  static void set_shortcuts_for_tests(Shortcuts s);

 private:
  static constexpr std::uint32_t kInName = 1;

  struct Term {
    std::string text;
    bool last = false;  // the word being typed: matched as a prefix
    std::uint32_t lo = 0, hi = 0;  // vocabulary range of the words it matches
    std::vector<std::uint32_t> fuzzy;  // word ids one typo away (filled when needed)
  };
  std::vector<SearchHit> rank(const std::vector<Term>& terms, std::size_t limit, bool fuzzy) const;
  void word_range(const std::string& prefix, bool prefix_match, std::uint32_t& lo, std::uint32_t& hi) const;
  std::vector<std::uint32_t> near_words(const std::string& term) const;
  // Best score of the term in the service (0: absent); in_name says it was in the name.
  std::uint32_t term_score(std::uint32_t service, const Term& t, bool fuzzy, bool& in_name) const;

  std::vector<std::string> words_;             // sorted vocabulary
  std::vector<std::uint8_t> word_len_;         // their lengths (capped), contiguous for scoring
  std::vector<std::uint32_t> post_begin_;      // postings of word w: [post_begin_[w], post_begin_[w + 1])
  std::vector<std::uint32_t> postings_;        // service << 1 | kInName
  std::vector<std::uint32_t> fwd_begin_;       // words of service s: [fwd_begin_[s], fwd_begin_[s + 1])
  std::vector<std::uint32_t> forward_;         // word << 1 | kInName, sorted by word
  std::vector<std::string> names_;             // folded names (phrase bonus)
  std::unordered_map<std::string, std::vector<SearchHit>> short_answers_;  // 1–2 letter queries
  std::unordered_map<std::string, std::vector<std::uint32_t>> deletions_;  // word minus one letter → word ids

  // Services in tie-break order (shorter folded name first, then catalog
  // order): large candidate sets are scored in this order, so the search can
  // stop once it holds `limit` hits no later service can beat.
  std::vector<std::uint32_t> order_;
  std::vector<std::uint32_t> pos_;  // inverse of order_
  std::vector<std::uint32_t> by_name_;  // services sorted by folded name: does any name start with the query?
  void build_order();
  // Services whose name and keywords fold to the same words share a name
  // group: when every query word is found in the name, the score depends on
  // the name alone, so it is computed once per group and query (a large
  // catalog repeats the same procedures for many agencies).
  std::vector<std::uint32_t> name_group_;
  std::uint32_t group_count_ = 0;
  // code_words_before_[w]: how many of the words before w come from a
  // service's code (codes differ within a group: no sharing for those).
  std::vector<std::uint32_t> code_words_before_;

  // Scratch for one search at a time: a stamp per service avoids clearing O(N) arrays.
  mutable std::mutex scratch_mutex_;
  mutable std::vector<std::uint32_t> stamp_;
  mutable std::vector<std::uint32_t> name_stamp_;  // == generation_: the selective term is in the name
  mutable std::vector<std::uint32_t> group_stamp_;  // == generation_: group_score_ holds this query's score
  mutable std::vector<std::uint32_t> group_score_;
  mutable std::uint32_t generation_ = 0;
};

}  // namespace motcua::kiosk
