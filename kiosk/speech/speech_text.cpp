#include "speech/speech_text.hpp"

#include <charconv>
#include <optional>
#include <vector>

#include "motcua/domain/dossier_code.hpp"
#include "motcua/text/utf8.hpp"
#include "speech/vi_words.hpp"

namespace motcua::kiosk::speech {

namespace {

// A whitespace-separated word split into the punctuation around it and its core.
struct Word {
  std::string lead, core, trail;
};

bool is_space(char32_t c) { return c == U' ' || c == U'\t' || c == U'\n' || c == U'\r' || c == 0xA0 || c == 0x202F; }

bool is_lead_punct(char32_t c) {
  return c == U'(' || c == U'[' || c == U'{' || c == U'"' || c == U'\'' || c == U'“' || c == U'‘' || c == U'«';
}

bool is_trail_punct(char32_t c) {
  return c == U')' || c == U']' || c == U'}' || c == U',' || c == U';' || c == U':' || c == U'.' || c == U'!' ||
         c == U'?' || c == U'"' || c == U'\'' || c == U'”' || c == U'’' || c == U'»' || c == U'…' || c == U'*';
}

std::vector<Word> split_words(std::string_view text) {
  std::vector<Word> words;
  std::u32string chunk;
  auto flush = [&] {
    if (chunk.empty()) return;
    std::size_t b = 0, e = chunk.size();
    while (b < e && is_lead_punct(chunk[b])) ++b;
    while (e > b && is_trail_punct(chunk[e - 1])) --e;
    words.push_back(Word{utf8::from_u32(std::u32string_view(chunk).substr(0, b)),
                         utf8::from_u32(std::u32string_view(chunk).substr(b, e - b)),
                         utf8::from_u32(std::u32string_view(chunk).substr(e))});
    chunk.clear();
  };
  std::size_t pos = 0;
  while (pos < text.size()) {
    const char32_t c = utf8::next(text, pos);
    if (is_space(c)) flush();
    else chunk.push_back(c);
  }
  flush();
  return words;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

std::optional<std::uint64_t> to_u64(std::string_view digits) {
  if (!all_digits(digits) || digits.size() > 18) return std::nullopt;
  std::uint64_t v = 0;
  std::from_chars(digits.data(), digits.data() + digits.size(), v);
  return v;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (;;) {
    const auto at = s.find(sep, start);
    out.push_back(s.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) return out;
    start = at + 1;
  }
}

// Digits only. "05" (a day, a minute) is five; longer strings with a leading
// zero ("0042", a sequence number) and very long ones are read digit by digit.
std::optional<std::string> read_integer(std::string_view s) {
  if (!all_digits(s)) return std::nullopt;
  if ((s.size() >= 3 && s[0] == '0') || s.size() > 12) return digit_words(s);
  return number_words(*to_u64(s));
}

// "150.000" (Vietnamese groups thousands with dots): first group 1–3 digits,
// the others exactly 3.
std::optional<std::uint64_t> grouped_value(std::string_view s) {
  const auto groups = split(s, '.');
  if (groups.size() < 2 || groups[0].empty() || groups[0].size() > 3 || !all_digits(groups[0])) return std::nullopt;
  std::string digits(groups[0]);
  for (std::size_t i = 1; i < groups.size(); ++i) {
    if (groups[i].size() != 3 || !all_digits(groups[i])) return std::nullopt;
    digits += groups[i];
  }
  if (digits.size() > 12) return std::nullopt;
  return to_u64(digits);
}

// Integers, grouped integers and decimals with a comma ("1,5" → "một phẩy năm").
std::optional<std::string> read_number(std::string_view s) {
  if (auto v = read_integer(s)) return v;
  if (auto g = grouped_value(s)) return number_words(*g);
  const auto comma = s.find(',');
  if (comma == std::string_view::npos || comma == 0 || comma + 1 >= s.size()) return std::nullopt;
  const auto whole = s.substr(0, comma), frac = s.substr(comma + 1);
  if (!all_digits(frac)) return std::nullopt;
  std::optional<std::string> w;
  if (all_digits(whole)) w = whole.size() <= 12 ? std::optional(number_words(*to_u64(whole))) : std::nullopt;
  else if (auto g = grouped_value(whole)) w = number_words(*g);
  if (!w) return std::nullopt;
  const std::string f = frac[0] == '0' || frac.size() > 3 ? digit_words(frac) : number_words(*to_u64(frac));
  return *w + " phẩy " + f;
}

std::optional<int> small_int(std::string_view s, std::size_t max_digits) {
  if (!all_digits(s) || s.size() > max_digits) return std::nullopt;
  return static_cast<int>(*to_u64(s));
}

bool valid_date(int d, int m, int y) { return d >= 1 && d <= 31 && m >= 1 && m <= 12 && y >= 1000 && y <= 9999; }

std::optional<std::string> read_time(std::string_view s) {
  // "07:30", "7h30", "7h"
  std::size_t sep = s.find(':');
  if (sep == std::string_view::npos) sep = s.find('h');
  if (sep == std::string_view::npos || sep == 0) return std::nullopt;
  const auto h = small_int(s.substr(0, sep), 2);
  const auto rest = s.substr(sep + 1);
  std::optional<int> m = rest.empty() && s[sep] == 'h' ? std::optional(0) : small_int(rest, 2);
  if (!h || !m || (!rest.empty() && rest.size() != 2) || *h > 24 || *m > 59) return std::nullopt;
  return time_words(*h, *m);
}

std::optional<std::string> read_date(std::string_view s) {
  if (s.size() == 10 && s[4] == '-' && s[7] == '-') {  // 2026-02-19
    const auto y = small_int(s.substr(0, 4), 4), m = small_int(s.substr(5, 2), 2), d = small_int(s.substr(8, 2), 2);
    if (y && m && d && valid_date(*d, *m, *y)) return date_words(*d, *m, *y);
    return std::nullopt;
  }
  const auto parts = split(s, '/');  // 19/02/2026
  if (parts.size() != 3) return std::nullopt;
  const auto d = small_int(parts[0], 2), m = small_int(parts[1], 2), y = small_int(parts[2], 4);
  if (d && m && y && parts[2].size() == 4 && valid_date(*d, *m, *y)) return date_words(*d, *m, *y);
  return std::nullopt;
}

bool is_ascii_upper(char32_t c) { return c >= U'A' && c <= U'Z'; }
bool is_ascii_lower(char32_t c) { return c >= U'a' && c <= U'z'; }
bool is_digit(char32_t c) { return c >= U'0' && c <= U'9'; }

// Vietnamese upper case → lower case (Latin-1, Latin Extended-A/B letters used
// by Vietnamese, and the precomposed block U+1EA0–U+1EF9); 0 when not upper case.
char32_t lower_of(char32_t c) {
  if (is_ascii_upper(c)) return c + 32;
  if ((c >= 0xC0 && c <= 0xDE && c != 0xD7)) return c + 32;
  if (c == 0x102 || c == 0x110 || c == 0x128 || c == 0x168 || c == 0x1A0) return c + 1;
  if (c == 0x1AF) return 0x1B0;
  if (c >= 0x1EA0 && c <= 0x1EF9 && c % 2 == 0) return c + 1;
  return 0;
}

// Every letter upper case, at least two letters, nothing else.
bool is_caps_word(std::string_view s) {
  std::size_t pos = 0, letters = 0;
  while (pos < s.size()) {
    const char32_t c = utf8::next(s, pos);
    if (lower_of(c) == 0) return false;
    ++letters;
  }
  return letters >= 2;
}

// Only A–Z and Đ: an abbreviation ("UBND", "QR") rather than a word in capitals.
bool is_abbreviation_letters(std::string_view s) {
  std::size_t pos = 0, n = 0;
  while (pos < s.size()) {
    const char32_t c = utf8::next(s, pos);
    if (!is_ascii_upper(c) && c != U'Đ') return false;
    ++n;
  }
  return n >= 2 && n <= 5;
}

std::string lower(std::string_view s) {
  std::string out;
  std::size_t pos = 0;
  while (pos < s.size()) {
    const char32_t c = utf8::next(s, pos);
    const char32_t l = lower_of(c);
    utf8::append(out, l ? l : c);
  }
  return out;
}

// Abbreviations a commune office shows that people say as words, not letters.
std::optional<std::string> known_abbreviation(std::string_view s) {
  struct Entry {
    std::string_view abbr, words;
  };
  static constexpr Entry kKnown[] = {
      {"UBND", "ủy ban nhân dân"}, {"HĐND", "hội đồng nhân dân"}, {"CCCD", "căn cước công dân"},
      {"CMND", "chứng minh nhân dân"}, {"BHYT", "bảo hiểm y tế"},   {"BHXH", "bảo hiểm xã hội"},
      {"VNĐ", "đồng"},              {"VND", "đồng"},
  };
  for (const auto& e : kKnown)
    if (s == e.abbr) return std::string(e.words);
  return std::nullopt;
}

// Letters by name and digit runs as numbers: the part after a legal document's
// year ("NĐ-CP", "QH15", "TT-BTP").
std::string spell_abbreviation(std::string_view s) {
  std::string out, digits;
  auto add = [&](const std::string& w) {
    if (w.empty()) return;
    if (!out.empty()) out += ' ';
    out += w;
  };
  std::size_t pos = 0;
  while (pos < s.size()) {
    const char32_t c = utf8::next(s, pos);
    if (is_digit(c)) {
      digits += static_cast<char>(c);
      continue;
    }
    if (!digits.empty()) {
      add(*read_integer(digits));
      digits.clear();
    }
    add(char_name(c));
  }
  if (!digits.empty()) add(*read_integer(digits));
  return out;
}

bool is_secret(std::string_view s) {
  if (s.size() != domain::kSecretLength) return false;
  for (char c : s)
    if (domain::kSecretAlphabet.find(c) == std::string_view::npos) return false;
  return true;
}

std::optional<std::string> read_token(std::string_view core, bool in_caps_run);

// "07:30–11:30", "1–2", "2022–2025": both sides readable → "… đến …".
std::optional<std::string> read_range(std::string_view core) {
  for (std::string_view dash : {"–", "—", "-"}) {
    const auto at = core.find(dash);
    if (at == std::string_view::npos || at == 0) continue;
    const auto left = core.substr(0, at), right = core.substr(at + dash.size());
    const bool numeric = read_number(left) || read_time(left);
    if (!numeric) continue;
    auto l = read_token(left, false);
    auto r = read_token(right, false);
    if (l && r) return *l + " đến " + *r;
  }
  return std::nullopt;
}

std::optional<std::string> read_token(std::string_view core, bool in_caps_run) {
  if (core.empty()) return std::nullopt;
  if (auto known = known_abbreviation(core)) return known;
  if (core.find('-') != std::string_view::npos && domain::parse_dossier_code(core)) return spell_code(core);
  if (auto date = read_date(core)) return date;
  if (core.find('/') != std::string_view::npos) {
    const auto parts = split(core, '/');
    if (parts.size() == 3 && all_digits(parts[0]) && parts[1].size() == 4 && all_digits(parts[1]) &&
        !parts[2].empty()) {  // 123/2015/NĐ-CP
      return "số " + *read_integer(parts[0]) + " năm " + number_words(*to_u64(parts[1])) + " " +
             spell_abbreviation(parts[2]);
    }
    if (parts.size() == 2) {  // "Bước 1/3"
      auto a = read_number(parts[0]), b = read_number(parts[1]);
      if (a && b) return *a + " trên " + *b;
    }
  }
  if (auto t = read_time(core)) return t;
  if (auto range = read_range(core)) return range;
  if ((core.size() == 10 || core.size() == 11) && core[0] == '0' && all_digits(core)) return phone_words(core);
  if (core.size() >= 11 && core.size() <= 13 && core.substr(0, 3) == "+84" && all_digits(core.substr(3)))
    return phone_words(core);
  if (core.back() == '%')
    if (auto n = read_number(core.substr(0, core.size() - 1))) return *n + " phần trăm";
  for (std::string_view sign : {"đ", "₫"}) {
    if (core.size() > sign.size() && core.substr(core.size() - sign.size()) == sign)
      if (auto n = read_number(core.substr(0, core.size() - sign.size()))) return *n + " đồng";
  }
  if (auto n = read_number(core)) return n;
  // Dotted digit groups that are not thousands: procedure codes ("1.001193").
  {
    bool dotted = core.find('.') != std::string_view::npos;
    for (char c : core)
      if (!(c == '.' || (c >= '0' && c <= '9'))) dotted = false;
    if (dotted) return spell_code(core);
  }
  if (is_secret(core)) return spell_secret(core);
  // Letters and digits mixed: form codes ("CT01"), agency ids ("H44.27.05"),
  // house numbers ("34a").
  {
    bool letters = false, digits = false, code_chars = true;
    std::size_t pos = 0;
    while (pos < core.size()) {
      const char32_t c = utf8::next(core, pos);
      if (is_digit(c)) digits = true;
      else if (is_ascii_upper(c) || is_ascii_lower(c) || c == U'Đ' || c == U'đ') letters = true;
      else if (c != U'.' && c != U'-') code_chars = false;
    }
    if (letters && digits && code_chars) {
      std::size_t d = 0;
      while (d < core.size() && core[d] >= '0' && core[d] <= '9') ++d;
      bool lower_tail = d > 0 && d < core.size() && core.size() - d <= 2;
      for (std::size_t i = d; i < core.size(); ++i)
        if (!(core[i] >= 'a' && core[i] <= 'z')) lower_tail = false;
      if (lower_tail) return *read_integer(core.substr(0, d)) + " " + spell_abbreviation(core.substr(d));
      return spell_code(core);
    }
  }
  if (is_caps_word(core)) {
    if (!in_caps_run && is_abbreviation_letters(core)) return spell_code(core);
    return lower(core);  // a word in capitals (a heading): read as the word
  }
  return std::nullopt;
}

bool is_number_word(std::string_view core) { return read_number(core).has_value() || read_time(core).has_value(); }

// Keeps the pauses espeak-ng takes from punctuation; drops what it would read
// out ("*" of a masked name, quotes, brackets).
std::string speakable_trail(std::string_view trail) {
  std::string out;
  std::size_t pos = 0;
  while (pos < trail.size()) {
    const char32_t c = utf8::next(trail, pos);
    switch (c) {
      case U',': case U';': case U':': case U'.': case U'!': case U'?': utf8::append(out, c); break;
      case U'…': out += '.'; break;
      case U')': case U']': case U'}': out += ','; break;
      default: break;
    }
  }
  // "),", ".." and the like: one mark is enough.
  if (out.size() > 1) out.erase(1);
  return out;
}

// Standalone symbols between words.
std::optional<std::string> read_symbol(std::string_view core) {
  if (core == "–" || core == "—" || core == "-" || core == "·" || core == "•" || core == "|") return ",";
  if (core == "&") return "và";
  if (core == "+") return "cộng";
  if (core == "=") return "bằng";
  if (core == "/" || core == "→" || core == "›" || core == "»") return "";
  return std::nullopt;
}

}  // namespace

std::string normalize_vi(std::string_view text) {
  const auto words = split_words(text);
  std::vector<bool> caps(words.size());
  for (std::size_t i = 0; i < words.size(); ++i) caps[i] = is_caps_word(words[i].core);
  std::string out;
  auto emit = [&](const std::string& spoken, std::string_view trail) {
    const std::string t = speakable_trail(trail);
    if (spoken.empty() && t.empty()) return;
    if (!out.empty() && !spoken.empty() && spoken != ",") out += ' ';
    out += spoken;
    // A symbol that became a pause ("–") already is punctuation.
    if (!(spoken == "," && !t.empty())) out += t;
  };
  auto core = [&](std::size_t i) -> std::string_view { return i < words.size() ? words[i].core : std::string_view(); };

  for (std::size_t i = 0; i < words.size(); ++i) {
    const Word& w = words[i];
    // "17 giờ 00 phút": the time as a whole, like "17:00".
    if (auto h = small_int(w.core, 2); h && core(i + 1) == "giờ" && small_int(core(i + 2), 2) && core(i + 3) == "phút" &&
                                       words[i].trail.empty() && words[i + 1].trail.empty()) {
      emit(time_words(*h, *small_int(core(i + 2), 2)), words[i + 3].trail);
      i += 3;
      continue;
    }
    // "ngày 05 tháng 03 năm 2026" (receipts, Circular 03/2025 form 01).
    if ((w.core == "ngày" || w.core == "Ngày") && core(i + 2) == "tháng" && core(i + 4) == "năm") {
      const auto d = small_int(core(i + 1), 2), m = small_int(core(i + 3), 2), y = small_int(core(i + 5), 4);
      if (d && m && y && valid_date(*d, *m, *y)) {
        emit(date_words(*d, *m, *y), words[i + 5].trail);
        i += 5;
        continue;
      }
    }
    // "8.000 đ", "50.000 VNĐ"
    if (i + 1 < words.size() && w.trail.empty() &&
        (core(i + 1) == "đ" || core(i + 1) == "₫" || core(i + 1) == "VNĐ" || core(i + 1) == "VND")) {
      if (auto n = read_number(w.core)) {
        emit(*n + " đồng", words[i + 1].trail);
        ++i;
        continue;
      }
    }
    // "10.000 đ/trường hợp", "2.000 đồng/trang": a fee per unit is "… đồng mỗi trang".
    if (i + 1 < words.size() && w.trail.empty()) {
      const std::string_view next = core(i + 1);
      std::optional<std::string_view> unit;
      for (std::string_view sign : {"đ/", "₫/", "đồng/", "VNĐ/", "VND/"})
        if (next.size() > sign.size() && next.substr(0, sign.size()) == sign) unit = next.substr(sign.size());
      if (unit)
        if (auto n = read_number(w.core)) {
          emit(*n + " đồng mỗi " + std::string(*unit), words[i + 1].trail);
          ++i;
          continue;
        }
    }
    // "3 – 5 ngày"
    if (i + 2 < words.size() && (core(i + 1) == "–" || core(i + 1) == "-" || core(i + 1) == "—") &&
        is_number_word(w.core) && is_number_word(core(i + 2))) {
      emit(*read_token(w.core, false) + " đến " + *read_token(core(i + 2), false), words[i + 2].trail);
      i += 2;
      continue;
    }
    // "0912 345 678"
    if (i + 2 < words.size() && w.core.size() >= 3 && w.core.size() <= 4 && w.core[0] == '0' && all_digits(w.core) &&
        all_digits(core(i + 1)) && all_digits(core(i + 2)) && w.trail.empty() && words[i + 1].trail.empty()) {
      const std::string joined = w.core + std::string(core(i + 1)) + std::string(core(i + 2));
      if (joined.size() == 10 || joined.size() == 11) {
        emit(phone_words(joined), words[i + 2].trail);
        i += 2;
        continue;
      }
    }
    // "tháng 4" is "tháng tư".
    if (i > 0 && (core(i - 1) == "tháng" || core(i - 1) == "Tháng") && small_int(w.core, 2) == 4) {
      emit("tư", w.trail);
      continue;
    }
    if (auto symbol = read_symbol(w.core)) {
      emit(*symbol, w.trail);
      continue;
    }
    // A capital letter masked by "*" (a receipt shows "Nguyễn V** A*"): its name.
    if (w.trail.find('*') != std::string::npos && utf8::length(w.core) == 1) {
      std::size_t pos = 0;
      const std::string name = char_name(utf8::next(w.core, pos));
      emit(name.empty() ? w.core : name, w.trail);
      continue;
    }
    const bool run = (i > 0 && caps[i - 1]) || (i + 1 < words.size() && caps[i + 1]);
    if (auto spoken = read_token(w.core, caps[i] && run)) {
      emit(*spoken, w.trail);
      continue;
    }
    emit(w.core, w.trail);
  }
  return out;
}

std::string normalize_en(std::string_view text) {
  const auto words = split_words(text);
  std::string out;
  for (const auto& w : words) {
    std::string spoken = w.core;
    const bool code = w.core.find('-') != std::string::npos && domain::parse_dossier_code(w.core);
    if (code || is_secret(w.core)) {
      // Characters one by one; separators by their English names.
      spoken.clear();
      for (char c : w.core) {
        if (!spoken.empty()) spoken += code ? " " : ", ";
        if (c == '.') spoken += "dot";
        else if (c == '-') spoken += "dash";
        else spoken += c;
      }
    }
    if (spoken.empty() && speakable_trail(w.trail).empty()) continue;
    if (!out.empty()) out += ' ';
    out += spoken + speakable_trail(w.trail);
  }
  return out;
}

std::string screen_utterance(std::span<const std::string> texts, Lang lang) {
  std::string out, previous;
  for (const auto& t : texts) {
    if (t == previous) continue;  // a label drawn twice (a button and its caption)
    previous = t;
    std::string s = lang == Lang::vi ? normalize_vi(t) : normalize_en(t);
    while (!s.empty() && (s.back() == ' ' || s.back() == ',')) s.pop_back();
    if (s.empty()) continue;
    const char last = s.back();
    if (last != '.' && last != '!' && last != '?' && last != ':' && last != ';') s += '.';
    if (!out.empty()) out += ' ';
    out += s;
  }
  return out;
}

std::string_view voice_for(Lang lang) { return lang == Lang::vi ? "vi" : "en"; }

}  // namespace motcua::kiosk::speech
