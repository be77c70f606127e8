#include "model/search_index.hpp"

#include <algorithm>
#include <numeric>

#include <cstring>
#include <span>

#include <cstdio>
#include <memory>
#include "motcua/text/fold.hpp"
#include "motcua/util/fs.hpp"

namespace motcua::kiosk {

namespace {

// Prefixes up to this length get their answer precomputed: they match a large
// part of the catalog, and they are what is typed first.
constexpr std::size_t kShortPrefix = 3;
constexpr std::size_t kShortLimit = 200;
// Below this many exact hits, words one typo away are tried too.
constexpr std::size_t kFuzzyBelow = 5;
// From shortcuts.ordered_scan_from postings on, candidates are scored in
// tie-break order with an early stop instead of all of them.
SearchIndex::Shortcuts g_shortcuts;

// Optimal string alignment distance ≤ 1 (one insertion, deletion, substitution
// or transposition of neighbours).
bool within_one_edit(std::string_view a, std::string_view b) {
  if (a == b) return true;
  if (a.size() > b.size()) std::swap(a, b);
  if (b.size() - a.size() > 1) return false;
  std::size_t i = 0;
  while (i < a.size() && a[i] == b[i]) ++i;
  if (a.size() == b.size()) {
    if (a.substr(i + 1) == b.substr(i + 1)) return true;  // substitution
    return i + 1 < a.size() && a[i] == b[i + 1] && a[i + 1] == b[i] && a.substr(i + 2) == b.substr(i + 2);
  }
  return a.substr(i) == b.substr(i + 1);  // one letter more in b
}

}  // namespace

std::vector<std::string> SearchIndex::words_of(std::string_view text) {
  std::vector<std::string> out;
  text::fold_words(text, [&](std::string_view w) {
    std::string word(w);
    // "kí"/"ký", "lí"/"lý", "mĩ"/"mỹ": both spellings are in use.
    std::replace(word.begin(), word.end(), 'y', 'i');
    out.push_back(std::move(word));
  });
  return out;
}

SearchIndex::SearchIndex(SearchIndex&& o) noexcept
    : words_(std::move(o.words_)),
      word_len_(std::move(o.word_len_)),
      post_begin_(std::move(o.post_begin_)),
      postings_(std::move(o.postings_)),
      fwd_begin_(std::move(o.fwd_begin_)),
      forward_(std::move(o.forward_)),
      names_(std::move(o.names_)),
      short_answers_(std::move(o.short_answers_)),
      deletions_(std::move(o.deletions_)),
      order_(std::move(o.order_)),
      pos_(std::move(o.pos_)),
      by_name_(std::move(o.by_name_)),
      name_group_(std::move(o.name_group_)),
      group_count_(o.group_count_),
      code_words_before_(std::move(o.code_words_before_)),
      stamp_(std::move(o.stamp_)),
      name_stamp_(std::move(o.name_stamp_)),
      group_stamp_(std::move(o.group_stamp_)),
      group_score_(std::move(o.group_score_)),
      generation_(o.generation_) {}

SearchIndex& SearchIndex::operator=(SearchIndex&& o) noexcept {
  words_ = std::move(o.words_);
  word_len_ = std::move(o.word_len_);
  post_begin_ = std::move(o.post_begin_);
  postings_ = std::move(o.postings_);
  fwd_begin_ = std::move(o.fwd_begin_);
  forward_ = std::move(o.forward_);
  names_ = std::move(o.names_);
  short_answers_ = std::move(o.short_answers_);
  deletions_ = std::move(o.deletions_);
  order_ = std::move(o.order_);
  pos_ = std::move(o.pos_);
  by_name_ = std::move(o.by_name_);
  name_group_ = std::move(o.name_group_);
  group_count_ = o.group_count_;
  code_words_before_ = std::move(o.code_words_before_);
  stamp_ = std::move(o.stamp_);
  name_stamp_ = std::move(o.name_stamp_);
  group_stamp_ = std::move(o.group_stamp_);
  group_score_ = std::move(o.group_score_);
  generation_ = o.generation_;
  return *this;
}

SearchIndex::SearchIndex(const std::vector<domain::Service>& services, const std::vector<domain::Field>& fields) {
  std::unordered_map<std::string, std::size_t> field_of;
  for (std::size_t i = 0; i < fields.size(); ++i) field_of[fields[i].id] = i;

  // 1. Intern every word; per service, (temporary word id, in-name flag).
  std::unordered_map<std::string, std::uint32_t> interned;
  std::vector<std::string> vocab;
  std::vector<std::vector<std::uint32_t>> per_service(services.size());
  std::vector<bool> from_code;  // by temporary word id
  std::unordered_map<std::string, std::uint32_t> groups;
  name_group_.reserve(services.size());
  names_.reserve(services.size());
  for (std::size_t s = 0; s < services.size(); ++s) {
    const auto& svc = services[s];
    names_.push_back(text::fold(svc.name));
    std::replace(names_.back().begin(), names_.back().end(), 'y', 'i');
    auto& list = per_service[s];
    auto add = [&](std::string_view text, bool in_name) {
      for (auto& w : words_of(text)) {
        auto [it, fresh] = interned.try_emplace(std::move(w), static_cast<std::uint32_t>(vocab.size()));
        if (fresh) vocab.push_back(it->first);
        list.push_back(it->second << 1 | (in_name ? kInName : 0u));
      }
    };
    add(svc.name, true);
    for (const auto& w : words_of(svc.code)) {
      auto [it, fresh] = interned.try_emplace(w, static_cast<std::uint32_t>(vocab.size()));
      if (fresh) vocab.push_back(it->first);
      if (from_code.size() <= it->second) from_code.resize(it->second + 1, false);
      from_code[it->second] = true;
      list.push_back(it->second << 1 | kInName);
    }
    std::string group_key = names_.back();
    for (const auto& k : svc.keywords) {
      add(k, true);
      group_key += '\x1f' + text::fold(k);
    }
    auto [g, fresh_group] = groups.try_emplace(std::move(group_key), static_cast<std::uint32_t>(groups.size()));
    name_group_.push_back(g->second);
    add(svc.official_name, false);
    if (auto it = field_of.find(svc.field); it != field_of.end()) add(fields[it->second].name, false);
    add(svc.summary, false);
    for (const auto& d : svc.documents) add(d.name, false);
    for (const auto& st : svc.steps) add(st, false);
    add(svc.result, false);
  }

  // 2. Sorted vocabulary; temporary ids → ranks.
  std::vector<std::uint32_t> order(vocab.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return vocab[a] < vocab[b]; });
  std::vector<std::uint32_t> rank_of(vocab.size());
  words_.reserve(vocab.size());
  for (std::uint32_t r = 0; r < order.size(); ++r) {
    rank_of[order[r]] = r;
    words_.push_back(std::move(vocab[order[r]]));
    word_len_.push_back(static_cast<std::uint8_t>(std::min<std::size_t>(words_.back().size(), 255)));
  }
  group_count_ = static_cast<std::uint32_t>(groups.size());
  code_words_before_.assign(words_.size() + 1, 0);
  for (std::uint32_t r = 0; r < order.size(); ++r)
    code_words_before_[r + 1] =
        code_words_before_[r] + ((order[r] < from_code.size() && from_code[order[r]]) ? 1u : 0u);

  // 3. Forward index: each service's words, sorted, flags merged.
  fwd_begin_.assign(services.size() + 1, 0);
  for (std::size_t s = 0; s < services.size(); ++s) {
    auto& list = per_service[s];
    for (auto& e : list) e = rank_of[e >> 1] << 1 | (e & kInName);
    std::sort(list.begin(), list.end());
    std::vector<std::uint32_t> merged;
    for (auto e : list) {
      if (!merged.empty() && (merged.back() >> 1) == (e >> 1)) merged.back() |= e & kInName;
      else merged.push_back(e);
    }
    list = std::move(merged);
    fwd_begin_[s + 1] = fwd_begin_[s] + static_cast<std::uint32_t>(list.size());
  }
  forward_.reserve(fwd_begin_.back());
  for (const auto& list : per_service) forward_.insert(forward_.end(), list.begin(), list.end());

  // 4. Postings: for each word, its services (in service order).
  post_begin_.assign(words_.size() + 1, 0);
  for (auto e : forward_) ++post_begin_[(e >> 1) + 1];
  for (std::size_t w = 0; w < words_.size(); ++w) post_begin_[w + 1] += post_begin_[w];
  postings_.resize(forward_.size());
  std::vector<std::uint32_t> fill(post_begin_.begin(), post_begin_.end() - 1);
  for (std::uint32_t s = 0; s < services.size(); ++s)
    for (std::uint32_t i = fwd_begin_[s]; i < fwd_begin_[s + 1]; ++i)
      postings_[fill[forward_[i] >> 1]++] = s << 1 | (forward_[i] & kInName);

  build_order();
  by_name_.resize(names_.size());
  std::iota(by_name_.begin(), by_name_.end(), 0u);
  std::sort(by_name_.begin(), by_name_.end(), [&](std::uint32_t a, std::uint32_t b) { return names_[a] < names_[b]; });

  // 5. Words with one letter deleted, for typo tolerance (words of 3+ letters).
  for (std::uint32_t w = 0; w < words_.size(); ++w) {
    const std::string& word = words_[w];
    if (word.size() < 3) continue;
    // Numbers (codes, counts) are typed exactly; a neighbourhood for each of
    // them would be most of this map in a large catalog.
    if (std::any_of(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; })) continue;
    for (std::size_t i = 0; i < word.size(); ++i) {
      std::string del = word.substr(0, i) + word.substr(i + 1);
      auto& ids = deletions_[std::move(del)];
      if (ids.empty() || ids.back() != w) ids.push_back(w);
    }
  }

  // 6. Precomputed answers for the short prefixes typed first.
  std::string previous;
  for (const auto& word : words_) {
    for (std::size_t len = 1; len <= kShortPrefix && len <= word.size(); ++len) {
      std::string prefix = word.substr(0, len);
      if (short_answers_.count(prefix) != 0) continue;
      Term t;
      t.text = prefix;
      t.last = true;
      word_range(t.text, true, t.lo, t.hi);
      short_answers_.emplace(std::move(prefix), rank({t}, kShortLimit, false));
    }
  }
}

void SearchIndex::set_shortcuts_for_tests(Shortcuts s) { g_shortcuts = s; }

void SearchIndex::build_order() {
  // Counting sort by name length: stable, so catalog order breaks the ties.
  std::size_t longest = 0;
  for (const auto& n : names_) longest = std::max(longest, n.size());
  std::vector<std::uint32_t> start(longest + 2, 0);
  for (const auto& n : names_) ++start[n.size() + 1];
  for (std::size_t l = 0; l + 1 < start.size(); ++l) start[l + 1] += start[l];
  order_.assign(names_.size(), 0);
  for (std::uint32_t s = 0; s < names_.size(); ++s) order_[start[names_[s].size()]++] = s;
  pos_.assign(names_.size(), 0);
  for (std::uint32_t i = 0; i < order_.size(); ++i) pos_[order_[i]] = i;
  stamp_.assign(names_.size(), 0);
  name_stamp_.assign(names_.size(), 0);
  group_stamp_.assign(group_count_, 0);
  group_score_.assign(group_count_, 0);
  generation_ = 0;
}

void SearchIndex::word_range(const std::string& prefix, bool prefix_match, std::uint32_t& lo,
                             std::uint32_t& hi) const {
  auto first = std::lower_bound(words_.begin(), words_.end(), prefix);
  auto last = first;
  if (prefix_match) {
    while (last != words_.end() && last->compare(0, prefix.size(), prefix) == 0) ++last;
  } else if (last != words_.end() && *last == prefix) {
    ++last;
  }
  lo = static_cast<std::uint32_t>(first - words_.begin());
  hi = static_cast<std::uint32_t>(last - words_.begin());
}

std::vector<std::uint32_t> SearchIndex::near_words(const std::string& term) const {
  std::vector<std::uint32_t> out;
  if (term.size() < 3) return out;
  auto consider = [&](std::uint32_t w) {
    if (within_one_edit(term, words_[w])) out.push_back(w);
  };
  // A letter missing from the term: the term is one of a word's deletions.
  if (auto it = deletions_.find(term); it != deletions_.end())
    for (auto w : it->second) consider(w);
  for (std::size_t i = 0; i < term.size(); ++i) {
    const std::string del = term.substr(0, i) + term.substr(i + 1);
    // A letter too many in the term: a deletion of it is a word.
    auto exact = std::lower_bound(words_.begin(), words_.end(), del);
    if (exact != words_.end() && *exact == del) consider(static_cast<std::uint32_t>(exact - words_.begin()));
    // A wrong or swapped letter: term and word share a deletion.
    if (auto it = deletions_.find(del); it != deletions_.end())
      for (auto w : it->second) consider(w);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::uint32_t SearchIndex::term_score(std::uint32_t s, const Term& t, bool fuzzy, bool& in_name) const {
  const auto* begin = forward_.data() + fwd_begin_[s];
  const auto* end = forward_.data() + fwd_begin_[s + 1];
  std::uint32_t best = 0;
  in_name = false;
  const auto len = static_cast<std::uint8_t>(std::min<std::size_t>(t.text.size(), 255));
  // Words in the term's vocabulary range: name 4 / elsewhere 1, +2 whole word, +1 prefix.
  for (const auto* e = std::lower_bound(begin, end, t.lo << 1); e != end && (*e >> 1) < t.hi; ++e) {
    const bool name = (*e & kInName) != 0;
    const std::uint32_t sc = (name ? 4u : 1u) + (word_len_[*e >> 1] == len ? 2u : 1u);
    if (sc > best) best = sc;
    in_name = in_name || name;
    if (best == 6) break;  // the best there is
  }
  if (fuzzy && best < 4)
    for (auto w : t.fuzzy) {
      const auto* e = std::lower_bound(begin, end, w << 1);
      if (e != end && (*e >> 1) == w) {
        const bool name = (*e & kInName) != 0;
        best = std::max(best, name ? 4u : 1u);
        in_name = in_name || name;
      }
    }
  return best;
}

std::vector<SearchHit> SearchIndex::rank(const std::vector<Term>& terms, std::size_t limit, bool fuzzy) const {
  // The most selective term's services are the candidates.
  std::size_t pick = 0;
  std::uint64_t best_size = UINT64_MAX;
  for (std::size_t i = 0; i < terms.size(); ++i) {
    std::uint64_t size = post_begin_[terms[i].hi] - post_begin_[terms[i].lo];
    if (fuzzy)
      for (auto w : terms[i].fuzzy) size += post_begin_[w + 1] - post_begin_[w];
    if (size < best_size) {
      best_size = size;
      pick = i;
    }
  }
  if (best_size == 0) return {};

  std::lock_guard lock(scratch_mutex_);
  if (++generation_ == 0) {  // wrapped: clear once in four billion searches
    std::fill(stamp_.begin(), stamp_.end(), 0);
    std::fill(name_stamp_.begin(), name_stamp_.end(), 0);
    std::fill(group_stamp_.begin(), group_stamp_.end(), 0);
    generation_ = 1;
  }

  std::string phrase;
  for (const auto& t : terms) phrase += (phrase.empty() ? "" : " ") + t.text;
  auto better = [&](const SearchHit& a, const SearchHit& b) {
    if (a.score != b.score) return a.score > b.score;
    return pos_[a.service] < pos_[b.service];  // shorter name, then catalog order
  };
  // A name group's score can be shared unless a term can match a code.
  bool share = g_shortcuts.share_group_scores;
  for (const auto& t : terms) {
    share = share && code_words_before_[t.hi] == code_words_before_[t.lo];
    for (auto w : t.fuzzy) share = share && code_words_before_[w + 1] == code_words_before_[w];
  }
  // The score of one candidate; 0 when a term is missing.
  // Group scores: exact when every term is in the group's name; otherwise an
  // upper bound (the name's terms exactly, at most 3 for each other term, no
  // phrase bonus) that lets the ordered scan skip the group's services once
  // the kept hits are better.
  constexpr std::uint32_t kExact = 1u << 31;
  std::uint32_t floor = 0;  // skip candidates that cannot score at least this
  auto score_of = [&](std::uint32_t s) -> std::uint32_t {
    const std::uint32_t group = name_group_[s];
    const bool known = share && group_stamp_[group] == generation_;
    if (known) {
      const std::uint32_t v = group_score_[group];
      if (v & kExact) return v & ~kExact;
      if (v < floor) return 0;
    }
    std::uint32_t total = 0, name_part = 0, outside = 0;
    bool missing = false;
    for (const auto& t : terms) {
      bool name = false;
      const std::uint32_t sc = term_score(s, t, fuzzy, name);
      if (name) {
        name_part += sc;
      } else {
        ++outside;
        if (sc == 0) {
          missing = true;
          if (known) break;  // nothing more to learn about the group
        }
      }
      total += sc;
    }
    if (outside > 0) {
      if (share && !known) {
        group_stamp_[group] = generation_;
        group_score_[group] = (name_part + 3u * outside) * 4u;
      }
      return missing ? 0 : total * 4;
    }
    // Every term is among the name's words, which outscore any other word:
    // the whole group scores the same.
    std::uint32_t score = total * 4;
    if (terms.size() > 1 && names_[s].find(phrase) != std::string::npos) score += 16;
    if (names_[s].rfind(phrase, 0) == 0) score += 8;
    if (share) {
      group_stamp_[group] = generation_;
      group_score_[group] = score | kExact;
    }
    return score;
  };
  // A service without the selective term in its name scores at most 3 for it,
  // 6 for each other term, and gets no phrase bonus.
  const std::uint32_t bound = (3u + 6u * static_cast<std::uint32_t>(terms.size() - 1)) * 4u;
  auto finish = [&](std::vector<SearchHit>& hits) {
    const std::size_t n = std::min(limit, hits.size());
    if (n < hits.size())
      std::nth_element(hits.begin(), hits.begin() + static_cast<std::ptrdiff_t>(n), hits.end(), better);
    hits.resize(n);
    std::sort(hits.begin(), hits.end(), better);
    return hits;
  };
  if (limit == 0) return {};

  if (best_size < g_shortcuts.ordered_scan_from) {
    // Few candidates: score them all. Two groups: services with the selective
    // term in their name, then the others — skipped when they cannot reach
    // the limit-th best score of the first.
    std::vector<std::uint32_t> in_name, elsewhere;
    auto collect = [&](std::uint32_t w) {
      for (std::uint32_t p = post_begin_[w]; p < post_begin_[w + 1]; ++p) {
        const std::uint32_t s = postings_[p] >> 1;
        if (stamp_[s] == generation_) continue;
        if (postings_[p] & kInName) {
          stamp_[s] = generation_;
          in_name.push_back(s);
        } else {
          elsewhere.push_back(s);  // deduplicated below: it may still show up in the name group
        }
      }
    };
    for (std::uint32_t w = terms[pick].lo; w < terms[pick].hi; ++w) collect(w);
    if (fuzzy)
      for (auto w : terms[pick].fuzzy) collect(w);
    std::vector<SearchHit> hits;
    for (auto s : in_name)
      if (auto sc = score_of(s)) hits.push_back({s, sc});
    bool skip = false;
    if (hits.size() >= limit) {
      std::vector<std::uint32_t> scores;
      scores.reserve(hits.size());
      for (const auto& h : hits) scores.push_back(h.score);
      std::nth_element(scores.begin(), scores.begin() + static_cast<std::ptrdiff_t>(limit - 1), scores.end(),
                       std::greater<>());
      skip = scores[limit - 1] > bound;
    }
    if (!skip)
      for (auto s : elsewhere)
        if (stamp_[s] != generation_) {
          stamp_[s] = generation_;
          if (auto sc = score_of(s)) hits.push_back({s, sc});
        }
    return finish(hits);
  }

  // Many candidates (a common word or a short last word over a large
  // catalog): mark them, then score them in tie-break order keeping the best
  // `limit` in a heap, and stop as soon as the worst kept hit scores at least
  // the best any service can — a later service could only tie, and loses ties.
  auto mark = [&](std::uint32_t w) {
    for (std::uint32_t p = post_begin_[w]; p < post_begin_[w + 1]; ++p) {
      const std::uint32_t s = postings_[p] >> 1;
      stamp_[s] = generation_;
      if (postings_[p] & kInName) name_stamp_[s] = generation_;
    }
  };
  for (std::uint32_t w = terms[pick].lo; w < terms[pick].hi; ++w) mark(w);
  if (fuzzy)
    for (auto w : terms[pick].fuzzy) mark(w);
  std::uint32_t best_possible = 0;
  for (const auto& t : terms) {
    const bool whole = t.lo < t.hi && words_[t.lo] == t.text;
    best_possible += 4u + (whole ? 2u : 1u);
  }
  // The +8 for a name starting with the query only if some name does.
  const auto first_name = std::lower_bound(by_name_.begin(), by_name_.end(), phrase,
                                           [&](std::uint32_t s, const std::string& p) { return names_[s] < p; });
  const bool can_start = first_name != by_name_.end() && names_[*first_name].rfind(phrase, 0) == 0;
  best_possible = best_possible * 4u + (terms.size() > 1 ? 16u : 0u) + (can_start ? 8u : 0u);

  std::vector<SearchHit> heap;  // worst kept hit on top
  heap.reserve(limit + 1);
  auto keep = [&](const SearchHit& h) {
    if (heap.size() < limit) {
      heap.push_back(h);
      std::push_heap(heap.begin(), heap.end(), better);
    } else if (better(h, heap.front())) {
      std::pop_heap(heap.begin(), heap.end(), better);
      heap.back() = h;
      std::push_heap(heap.begin(), heap.end(), better);
    }
  };
  for (const auto s : order_) {
    if (name_stamp_[s] != generation_) continue;
    if (auto sc = score_of(s)) {
      keep({s, sc});
      if (heap.size() == limit) {
        floor = heap.front().score;
        if (floor >= best_possible) break;
      }
    }
  }
  if (!(heap.size() == limit && heap.front().score > bound)) {
    for (const auto s : order_) {
      if (stamp_[s] != generation_ || name_stamp_[s] == generation_) continue;
      if (auto sc = score_of(s)) {
        keep({s, sc});
        if (heap.size() == limit) {
          floor = heap.front().score;
          if (floor > bound) break;
        }
      }
    }
  }
  return finish(heap);
}

std::vector<SearchHit> SearchIndex::search(std::string_view query, std::size_t limit) const {
  const auto words = words_of(query);
  if (words.empty() || names_.empty()) return {};
  if (words.size() == 1 && words[0].size() <= kShortPrefix && limit <= kShortLimit) {
    auto it = short_answers_.find(words[0]);
    if (it == short_answers_.end()) return {};
    return std::vector<SearchHit>(it->second.begin(), it->second.begin() + static_cast<std::ptrdiff_t>(
                                                                                std::min(limit, it->second.size())));
  }
  std::vector<Term> terms;
  for (std::size_t i = 0; i < words.size(); ++i) {
    Term t;
    t.text = words[i];
    t.last = i + 1 == words.size();
    // Every word may be a beginning ("giay chung nh"); whole words rank higher.
    word_range(t.text, true, t.lo, t.hi);
    terms.push_back(std::move(t));
  }
  auto hits = rank(terms, limit, false);
  if (hits.size() >= kFuzzyBelow) return hits;
  // Too little: let each word of 3+ letters be one typo away from a catalog word.
  bool any = false;
  for (auto& t : terms) {
    t.fuzzy = near_words(t.text);
    any = any || !t.fuzzy.empty();
  }
  if (!any) return hits;
  return rank(terms, limit, true);
}

// ---- persistence

namespace {

constexpr char kIndexMagic[8] = {'M', 'C', 'I', 'D', 'X', '0', '0', '5'};

// A fast 64-bit checksum (FNV-1a over 8-byte words). The file is written
// atomically (temporary file, fsync, rename), so this guards against damage on
// the disk, not against torn writes; and every id is range-checked on load.
std::uint64_t checksum(std::span<const std::uint8_t> data) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  std::size_t i = 0;
  for (; i + 8 <= data.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, data.data() + i, 8);
    h = (h ^ w) * 0x100000001b3ull;
  }
  for (; i < data.size(); ++i) h = (h ^ data[i]) * 0x100000001b3ull;
  return h;
}

class Writer {
 public:
  void u32(std::uint32_t v) { raw(&v, sizeof v); }
  void u64(std::uint64_t v) { raw(&v, sizeof v); }
  void str(const std::string& s) {
    u32(static_cast<std::uint32_t>(s.size()));
    raw(s.data(), s.size());
  }
  void u32s(const std::vector<std::uint32_t>& v) {
    u32(static_cast<std::uint32_t>(v.size()));
    raw(v.data(), v.size() * sizeof(std::uint32_t));
  }
  void raw(const void* p, std::size_t n) {
    const auto* b = static_cast<const std::uint8_t*>(p);
    out.insert(out.end(), b, b + n);
  }
  std::vector<std::uint8_t> out;
};

// Reads the index file in pieces straight into the index's arrays (no copy
// of the whole file in memory: it is tens of megabytes for a large catalog),
// computing the checksum of the body as it goes. Every length is checked
// against what the file still holds before anything is allocated.
class Reader {
 public:
  Reader(std::FILE* f, std::uint64_t body_size) : f_(f), left_(body_size) {}
  bool ok() const { return ok_; }
  std::uint32_t u32() { return pod<std::uint32_t>(); }
  std::uint64_t u64() { return pod<std::uint64_t>(); }
  std::string str() {
    const std::uint32_t n = u32();
    std::string s;
    if (!fits(n)) return s;
    s.resize(n);
    read(s.data(), n);
    return s;
  }
  std::vector<std::uint32_t> u32s() {
    const std::uint32_t n = u32();
    std::vector<std::uint32_t> v;
    if (!fits(std::uint64_t{n} * sizeof(std::uint32_t))) return v;
    v.resize(n);
    read(v.data(), std::size_t{n} * sizeof(std::uint32_t));
    return v;
  }
  bool at_end() const { return left_ == 0; }
  void read(void* dst, std::size_t n) {
    if (!fits(n)) return;
    if (std::fread(dst, 1, n, f_) != n) {
      ok_ = false;
      return;
    }
    left_ -= n;
    feed(static_cast<const std::uint8_t*>(dst), n);
  }
  // The checksum of everything read, as checksum() computes it over the body.
  std::uint64_t digest() const {
    std::uint64_t h = h_;
    for (std::size_t i = 0; i < ncarry_; ++i) h = (h ^ carry_[i]) * 0x100000001b3ull;
    return h;
  }

 private:
  template <class T>
  T pod() {
    T v{};
    read(&v, sizeof v);
    return v;
  }
  bool fits(std::uint64_t n) {
    if (!ok_ || n > left_) ok_ = false;
    return ok_;
  }
  void mix(const std::uint8_t* p) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    h_ = (h_ ^ w) * 0x100000001b3ull;
  }
  void feed(const std::uint8_t* p, std::size_t n) {
    while (n > 0 && ncarry_ > 0) {  // complete the word begun by the last read
      carry_[ncarry_++] = *p++;
      --n;
      if (ncarry_ == 8) {
        mix(carry_);
        ncarry_ = 0;
      }
    }
    for (; n >= 8; p += 8, n -= 8) mix(p);
    for (; n > 0; --n) carry_[ncarry_++] = *p++;
  }
  std::FILE* f_;
  std::uint64_t left_;
  bool ok_ = true;
  std::uint64_t h_ = 0xcbf29ce484222325ull;
  std::uint8_t carry_[8]{};
  std::size_t ncarry_ = 0;
};

}  // namespace

Result<void> SearchIndex::save(const std::filesystem::path& file, std::uint64_t stamp) const {
  Writer w;
  w.raw(kIndexMagic, sizeof kIndexMagic);
  w.u64(stamp);
  w.u32(static_cast<std::uint32_t>(words_.size()));
  for (const auto& s : words_) w.str(s);
  w.u32s(post_begin_);
  w.u32s(postings_);
  w.u32s(fwd_begin_);
  w.u32s(forward_);
  w.u32(static_cast<std::uint32_t>(names_.size()));
  for (const auto& s : names_) w.str(s);
  w.u32s(by_name_);
  w.u32(group_count_);
  w.u32s(name_group_);
  w.u32s(code_words_before_);
  w.u32(static_cast<std::uint32_t>(short_answers_.size()));
  for (const auto& [key, hits] : short_answers_) {
    w.str(key);
    w.u32(static_cast<std::uint32_t>(hits.size()));
    for (const auto& h : hits) {
      w.u32(h.service);
      w.u32(h.score);
    }
  }
  w.u32(static_cast<std::uint32_t>(deletions_.size()));
  for (const auto& [key, ids] : deletions_) {
    w.str(key);
    w.u32s(ids);
  }
  const std::uint64_t sum = checksum(std::span<const std::uint8_t>(w.out));
  w.u64(sum);
  return fs::write_file_durable(file, std::span<const std::uint8_t>(w.out));
}

Result<SearchIndex> SearchIndex::load(const std::filesystem::path& file, std::uint64_t stamp) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return fail(Errc::not_found, "no search index at " + file.string());
  const auto size = std::filesystem::file_size(file, ec);
  if (ec) return fail(Errc::io, "cannot stat " + file.string());
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(file.c_str(), "rb"), &std::fclose);
  if (!f) return fail(Errc::io, "cannot read " + file.string());
  if (size < sizeof kIndexMagic + 8 + 8) return fail(Errc::corrupt, file.string() + " is not a search index");
  Reader r(f.get(), size - 8);  // the last 8 bytes: the checksum of the rest
  char magic[sizeof kIndexMagic];
  r.read(magic, sizeof magic);
  if (!r.ok() || std::memcmp(magic, kIndexMagic, sizeof kIndexMagic) != 0)
    return fail(Errc::corrupt, file.string() + " is not a search index");
  if (r.u64() != stamp) return fail(Errc::conflict, "the search index is for another version of the catalog");
  SearchIndex idx;
  const std::uint32_t nwords = r.u32();
  for (std::uint32_t i = 0; i < nwords && r.ok(); ++i) {
    idx.words_.push_back(r.str());
    idx.word_len_.push_back(static_cast<std::uint8_t>(std::min<std::size_t>(idx.words_.back().size(), 255)));
  }
  idx.post_begin_ = r.u32s();
  idx.postings_ = r.u32s();
  idx.fwd_begin_ = r.u32s();
  idx.forward_ = r.u32s();
  const std::uint32_t nnames = r.u32();
  for (std::uint32_t i = 0; i < nnames && r.ok(); ++i) idx.names_.push_back(r.str());
  idx.by_name_ = r.u32s();
  idx.group_count_ = r.u32();
  idx.name_group_ = r.u32s();
  idx.code_words_before_ = r.u32s();
  const std::uint32_t nshort = r.u32();
  for (std::uint32_t i = 0; i < nshort && r.ok(); ++i) {
    std::string key = r.str();
    const std::uint32_t n = r.u32();
    std::vector<SearchHit> hits;
    for (std::uint32_t k = 0; k < n && r.ok(); ++k) {
      const std::uint32_t service = r.u32();
      const std::uint32_t score = r.u32();
      hits.push_back({service, score});
    }
    idx.short_answers_.emplace(std::move(key), std::move(hits));
  }
  const std::uint32_t ndel = r.u32();
  for (std::uint32_t i = 0; i < ndel && r.ok(); ++i) {
    std::string key = r.str();
    idx.deletions_.emplace(std::move(key), r.u32s());
  }
  std::uint64_t stored = 0;
  if (!r.ok() || !r.at_end()) return fail(Errc::corrupt, file.string() + " is damaged (truncated or malformed)");
  if (std::fread(&stored, 1, 8, f.get()) != 8 || r.digest() != stored)
    return fail(Errc::corrupt, file.string() + " is damaged (checksum mismatch)");
  // The structure must be consistent before any search trusts it.
  const bool consistent = r.ok() && r.at_end() && std::fgetc(f.get()) == EOF && idx.post_begin_.size() == idx.words_.size() + 1 &&
                          idx.fwd_begin_.size() == idx.names_.size() + 1 &&
                          idx.post_begin_.back() == idx.postings_.size() && idx.fwd_begin_.back() == idx.forward_.size() &&
                          idx.name_group_.size() == idx.names_.size() && idx.by_name_.size() == idx.names_.size() &&
                          idx.code_words_before_.size() == idx.words_.size() + 1;
  bool in_range = consistent;
  for (std::size_t i = 0; in_range && i < idx.postings_.size(); ++i) in_range = (idx.postings_[i] >> 1) < idx.names_.size();
  for (std::size_t i = 0; in_range && i < idx.forward_.size(); ++i) in_range = (idx.forward_[i] >> 1) < idx.words_.size();
  for (std::size_t i = 0; in_range && i < idx.name_group_.size(); ++i) in_range = idx.name_group_[i] < idx.group_count_;
  for (std::size_t i = 0; in_range && i < idx.by_name_.size(); ++i) in_range = idx.by_name_[i] < idx.names_.size();
  for (std::size_t i = 0; in_range && i + 1 < idx.code_words_before_.size(); ++i)
    in_range = idx.code_words_before_[i + 1] - idx.code_words_before_[i] <= 1;
  for (const auto& [key, hits] : idx.short_answers_)
    for (const auto& h : hits) in_range = in_range && h.service < idx.names_.size();
  for (const auto& [key, ids] : idx.deletions_)
    for (auto w : ids) in_range = in_range && w < idx.words_.size();
  if (!in_range) return fail(Errc::corrupt, file.string() + " is inconsistent");
  idx.build_order();
  return idx;
}

}  // namespace motcua::kiosk
