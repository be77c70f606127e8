#pragma once
// UI strings in Vietnamese (first) and English, loaded from assets/i18n/vi.json
// and en.json: flat objects of "area.key": "text". A key missing in English falls
// back to Vietnamese, and a key missing everywhere shows itself so it is noticed.

#include <filesystem>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>

#include "motcua/util/error.hpp"

namespace motcua::kiosk {

enum class Lang { vi, en };

class I18n {
 public:
  static Result<I18n> load(const std::filesystem::path& dir);

  void set_lang(Lang lang) { lang_ = lang; }
  Lang lang() const { return lang_; }

  const std::string& tr(std::string_view key) const;
  // tr() with {0}, {1}… replaced by args.
  std::string format(std::string_view key, std::initializer_list<std::string_view> args) const;

 private:
  std::map<std::string, std::string, std::less<>> vi_, en_;
  Lang lang_ = Lang::vi;
  mutable std::map<std::string, std::string, std::less<>> missing_;
};

std::string substitute(std::string_view pattern, std::initializer_list<std::string_view> args);

}  // namespace motcua::kiosk
