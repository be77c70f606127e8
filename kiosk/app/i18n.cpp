#include "app/i18n.hpp"

#include "motcua/util/fs.hpp"
#include "motcua/util/json.hpp"
#include "motcua/util/log.hpp"

namespace motcua::kiosk {

namespace {
Result<std::map<std::string, std::string, std::less<>>> load_table(const std::filesystem::path& file) {
  auto text = fs::read_file(file);
  if (!text) return fail(text.error());
  auto json = parse_json(*text);
  if (!json) return fail(Errc::invalid_argument, file.string() + ": " + json.error().message);
  if (!json->is_object()) return fail(Errc::invalid_argument, file.string() + ": expected an object");
  std::map<std::string, std::string, std::less<>> out;
  for (auto it = json->begin(); it != json->end(); ++it)
    if (it.value().is_string()) out[it.key()] = it.value().get<std::string>();
  return out;
}
}  // namespace

Result<I18n> I18n::load(const std::filesystem::path& dir) {
  I18n i;
  auto vi = load_table(dir / "vi.json");
  if (!vi) return fail(vi.error());
  i.vi_ = std::move(*vi);
  auto en = load_table(dir / "en.json");
  if (en) {
    i.en_ = std::move(*en);
  } else {
    log::warn("kiosk.i18n", "English strings unavailable: " + en.error().describe());
  }
  return i;
}

const std::string& I18n::tr(std::string_view key) const {
  if (lang_ == Lang::en)
    if (auto it = en_.find(key); it != en_.end()) return it->second;
  if (auto it = vi_.find(key); it != vi_.end()) return it->second;
  auto it = missing_.find(key);
  if (it == missing_.end()) {
    log::warn("kiosk.i18n", "missing string " + std::string(key));
    it = missing_.emplace(std::string(key), std::string(key)).first;
  }
  return it->second;
}

std::string substitute(std::string_view pattern, std::initializer_list<std::string_view> args) {
  std::string out;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '{' && i + 2 < pattern.size() && pattern[i + 2] == '}' && pattern[i + 1] >= '0' &&
        pattern[i + 1] <= '9') {
      const auto n = static_cast<std::size_t>(pattern[i + 1] - '0');
      if (n < args.size()) out += *(args.begin() + n);
      i += 2;
      continue;
    }
    out.push_back(pattern[i]);
  }
  return out;
}

std::string I18n::format(std::string_view key, std::initializer_list<std::string_view> args) const {
  return substitute(tr(key), args);
}

}  // namespace motcua::kiosk
