#include "speech/vi_words.hpp"

#include <array>
#include <vector>

#include "motcua/text/utf8.hpp"

namespace motcua::kiosk::speech {

namespace {

constexpr std::array<std::string_view, 10> kDigit = {"không", "một", "hai", "ba", "bốn",
                                                     "năm", "sáu", "bảy", "tám", "chín"};

void add(std::string& out, std::string_view word) {
  if (word.empty()) return;
  if (!out.empty()) out += ' ';
  out += word;
}

// 0 < n < 1000. `inner`: a group after the first one, which says its hundreds
// even when zero ("một nghìn không trăm linh năm").
void group_words(std::string& out, unsigned n, bool inner) {
  const unsigned h = n / 100, t = n / 10 % 10, u = n % 10;
  const bool hundreds = h > 0 || inner;
  if (hundreds) {
    add(out, kDigit[h]);
    add(out, "trăm");
  }
  if (t == 0) {
    if (u == 0) return;
    if (hundreds) add(out, "linh");
    add(out, kDigit[u]);
    return;
  }
  if (t == 1) {
    add(out, "mười");
    if (u == 5) add(out, "lăm");
    else if (u > 0) add(out, kDigit[u]);
    return;
  }
  add(out, kDigit[t]);
  add(out, "mươi");
  switch (u) {
    case 0: break;
    case 1: add(out, "mốt"); break;
    case 4: add(out, "tư"); break;
    case 5: add(out, "lăm"); break;
    default: add(out, kDigit[u]); break;
  }
}

// Letter names as Vietnamese schools teach them; f, j, w, z (not in the
// Vietnamese alphabet) by the names used for them in codes and abbreviations.
std::string_view letter_name(char32_t c) {
  switch (c) {
    case U'a': case U'A': return "a";
    case U'ă': case U'Ă': return "á";
    case U'â': case U'Â': return "ớ";
    case U'b': case U'B': return "bê";
    case U'c': case U'C': return "xê";
    case U'd': case U'D': return "dê";
    case U'đ': case U'Đ': return "đê";
    case U'e': case U'E': return "e";
    case U'ê': case U'Ê': return "ê";
    case U'f': case U'F': return "ép";
    case U'g': case U'G': return "giê";
    case U'h': case U'H': return "hát";
    case U'i': case U'I': return "i";
    case U'j': case U'J': return "gi";
    case U'k': case U'K': return "ca";
    case U'l': case U'L': return "e lờ";
    case U'm': case U'M': return "em mờ";
    case U'n': case U'N': return "en nờ";
    case U'o': case U'O': return "o";
    case U'ô': case U'Ô': return "ô";
    case U'ơ': case U'Ơ': return "ơ";
    case U'p': case U'P': return "pê";
    case U'q': case U'Q': return "quy";
    case U'r': case U'R': return "e rờ";
    case U's': case U'S': return "ét sì";
    case U't': case U'T': return "tê";
    case U'u': case U'U': return "u";
    case U'ư': case U'Ư': return "ư";
    case U'v': case U'V': return "vê";
    case U'w': case U'W': return "vê kép";
    case U'x': case U'X': return "ích xì";
    case U'y': case U'Y': return "i dài";
    case U'z': case U'Z': return "dét";
    default: return {};
  }
}

std::string_view separator_name(char32_t c) {
  switch (c) {
    case U'.': return "chấm";
    case U'-': case U'–': return "gạch";
    case U'/': return "gạch chéo";
    case U':': return "hai chấm";
    case U'_': return "gạch dưới";
    default: return {};
  }
}

}  // namespace

std::string number_words(std::uint64_t n) {
  if (n == 0) return std::string(kDigit[0]);
  if (n > kMaxSpokenNumber) return digit_words(std::to_string(n));
  constexpr std::array<std::string_view, 4> kScale = {"", "nghìn", "triệu", "tỷ"};
  std::array<unsigned, 4> groups{};
  int top = 0;
  for (int i = 0; i < 4; ++i) {
    groups[static_cast<std::size_t>(i)] = static_cast<unsigned>(n % 1000);
    n /= 1000;
    if (groups[static_cast<std::size_t>(i)] != 0) top = i;
  }
  std::string out;
  for (int i = top; i >= 0; --i) {
    const unsigned g = groups[static_cast<std::size_t>(i)];
    if (g == 0) continue;
    group_words(out, g, i != top);
    add(out, kScale[static_cast<std::size_t>(i)]);
  }
  return out;
}

std::string digit_words(std::string_view digits) {
  std::string out;
  for (char c : digits)
    if (c >= '0' && c <= '9') add(out, kDigit[static_cast<std::size_t>(c - '0')]);
  return out;
}

std::string money_words(std::int64_t amount) {
  std::string out;
  std::uint64_t magnitude = static_cast<std::uint64_t>(amount);
  if (amount < 0) {
    out = "âm ";
    magnitude = ~magnitude + 1;  // two's complement magnitude, safe for INT64_MIN
  }
  return out + number_words(magnitude) + " đồng";
}

std::string date_words(int day, int month, int year) {
  std::string out = "ngày " + number_words(static_cast<std::uint64_t>(day < 0 ? 0 : day));
  out += " tháng ";
  out += month == 4 ? std::string("tư") : number_words(static_cast<std::uint64_t>(month < 0 ? 0 : month));
  out += " năm " + number_words(static_cast<std::uint64_t>(year < 0 ? 0 : year));
  return out;
}

std::string time_words(int hour, int minute) {
  std::string out = number_words(static_cast<std::uint64_t>(hour < 0 ? 0 : hour)) + " giờ";
  if (minute > 0) out += " " + number_words(static_cast<std::uint64_t>(minute)) + " phút";
  return out;
}

std::string char_name(char32_t c) {
  if (c >= U'0' && c <= U'9') return std::string(kDigit[static_cast<std::size_t>(c - U'0')]);
  return std::string(letter_name(c));
}

std::string spell_code(std::string_view code) {
  std::string out, group;
  std::size_t pos = 0;
  while (pos < code.size()) {
    const char32_t c = utf8::next(code, pos);
    if (const auto sep = separator_name(c); !sep.empty()) {
      // A pause around each separator keeps the groups apart for a listener
      // who writes the code down.
      if (!group.empty()) {
        if (!out.empty()) out += ", ";
        out += group;
        group.clear();
      }
      if (!out.empty()) out += ", ";
      out += sep;
      continue;
    }
    add(group, char_name(c));
  }
  if (!group.empty()) {
    if (!out.empty()) out += ", ";
    out += group;
  }
  return out;
}

std::string spell_secret(std::string_view secret) {
  std::string out;
  std::size_t pos = 0;
  while (pos < secret.size()) {
    const std::string name = char_name(utf8::next(secret, pos));
    if (name.empty()) continue;
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

std::string phone_words(std::string_view phone) {
  std::string digits;
  bool plus = false;
  for (char c : phone) {
    if (c >= '0' && c <= '9') digits += c;
    else if (c == '+' && digits.empty()) plus = true;
  }
  // Groups as people say them: 4-3-3 for the ten digits of a Vietnamese number,
  // 4-3-4 for eleven, otherwise threes with a short tail joined to the last group.
  std::vector<std::size_t> sizes;
  std::size_t rest = digits.size();
  if (plus && rest > 2) {
    sizes.push_back(2);  // the country code, "+84"
    rest -= 2;
  }
  if (!plus && rest == 10) {
    sizes.insert(sizes.end(), {4, 3, 3});
    rest = 0;
  } else if (!plus && rest == 11) {
    sizes.insert(sizes.end(), {4, 3, 4});
    rest = 0;
  }
  while (rest > 0) {
    std::size_t take = rest >= 3 ? 3 : rest;
    if (rest == 4) take = 4;
    sizes.push_back(take);
    rest -= take;
  }
  std::string out = plus ? "cộng" : "";
  std::size_t at = 0;
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    if (!out.empty()) out += i == 0 ? " " : ", ";
    out += digit_words(std::string_view(digits).substr(at, sizes[i]));
    at += sizes[i];
  }
  return out;
}

}  // namespace motcua::kiosk::speech
