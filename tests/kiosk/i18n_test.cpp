// Every string in both languages: vi.json and en.json have the same keys, no
// value is empty, placeholders match, and every key the screens ask for by
// name exists — a citizen switching to English never meets Vietnamese or a
// raw key.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "motcua/util/fs.hpp"
#include "motcua/util/json.hpp"

using namespace motcua;

namespace {

const std::filesystem::path kAssets = std::filesystem::path(MOTCUA_SOURCE_DIR) / "assets" / "i18n";

Json table(const char* lang) {
  auto text = fs::read_file(kAssets / (std::string(lang) + ".json"));
  EXPECT_TRUE(text) << lang;
  auto json = parse_json(text ? *text : "{}");
  EXPECT_TRUE(json) << lang;
  return json ? *json : Json::object();
}

std::set<std::string> placeholders(const std::string& s) {
  std::set<std::string> out;
  static const std::regex re(R"(\{[0-9]\})");
  for (auto it = std::sregex_iterator(s.begin(), s.end(), re); it != std::sregex_iterator(); ++it) out.insert(it->str());
  return out;
}

}  // namespace

TEST(Strings, BothLanguagesHaveTheSameKeysAndNoEmptyValues) {
  const Json vi = table("vi"), en = table("en");
  ASSERT_TRUE(vi.is_object());
  ASSERT_TRUE(en.is_object());
  for (auto it = vi.begin(); it != vi.end(); ++it) {
    EXPECT_TRUE(en.contains(it.key())) << "missing in en.json: " << it.key();
    ASSERT_TRUE(it.value().is_string()) << it.key();
    EXPECT_FALSE(it.value().get<std::string>().empty()) << "empty in vi.json: " << it.key();
  }
  for (auto it = en.begin(); it != en.end(); ++it) {
    EXPECT_TRUE(vi.contains(it.key())) << "missing in vi.json: " << it.key();
    ASSERT_TRUE(it.value().is_string()) << it.key();
    EXPECT_FALSE(it.value().get<std::string>().empty()) << "empty in en.json: " << it.key();
  }
}

TEST(Strings, PlaceholdersAreTheSameInBothLanguages) {
  const Json vi = table("vi"), en = table("en");
  for (auto it = vi.begin(); it != vi.end(); ++it) {
    if (!en.contains(it.key())) continue;
    EXPECT_EQ(placeholders(it.value().get<std::string>()), placeholders(en[it.key()].get<std::string>())) << it.key();
  }
}

TEST(Strings, EveryKeyTheKioskNamesExists) {
  // tr("area.key") and format("area.key", …) in the kiosk's sources; keys built
  // at run time ("timeliness." + …) are covered by the screens' tours.
  const Json vi = table("vi");
  static const std::regex re(R"((?:tr|format)\(\"([a-z0-9_]+\.[a-z0-9_.]+)\"\s*[,)])");
  std::size_t seen = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(std::filesystem::path(MOTCUA_SOURCE_DIR) / "kiosk")) {
    if (entry.path().extension() != ".cpp") continue;
    std::ifstream in(entry.path());
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string src = ss.str();
    for (auto it = std::sregex_iterator(src.begin(), src.end(), re); it != std::sregex_iterator(); ++it) {
      ++seen;
      EXPECT_TRUE(vi.contains((*it)[1].str())) << entry.path().filename().string() << ": " << (*it)[1].str();
    }
  }
  EXPECT_GT(seen, 100u);
}
