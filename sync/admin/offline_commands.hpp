#pragma once
// motcua-admin commands that need no hub: `calendar lunar|solar|holidays|add-working-days`
// and `code parse`. They answer from the domain library and the data shipped in
// assets/, so an official can check a lunar date, a day off or an appointment date
// on any machine — before a hub exists, or while it is unreachable. docs/admin.md
// ("Offline commands") describes them.

#include <optional>
#include <string>

namespace CLI {
class App;
}  // namespace CLI

namespace motcua::admin {

class OfflineCommands {
 public:
  // Adds the `calendar` and `code` subcommands to `app`. The object owns the
  // variables CLI11 writes into, so it must outlive parsing and run().
  explicit OfflineCommands(CLI::App& app);
  OfflineCommands(const OfflineCommands&) = delete;
  OfflineCommands& operator=(const OfflineCommands&) = delete;

  // After parsing: when one of these commands was chosen, runs it and returns the
  // exit code (0 ok, 2 invalid input, 1 other — main.cpp's convention); nullopt
  // when the command line chose something else. `global_json` is the app-level
  // --json flag, which works for these commands as for the hub ones.
  std::optional<int> run(bool global_json) const;

 private:
  struct Options {
    bool json = false;
    std::string date;         // lunar DATE
    std::string lunar_date;   // solar LUNAR-DATE
    std::string year;         // holidays YEAR (validated by us, not CLI11, so a bad year exits 2)
    std::string instant;      // add-working-days INSTANT
    std::string count;        // add-working-days N ("3", "0.5")
    std::string procedure;    // --procedure CODE
    std::string catalog;      // --catalog FILE
    std::string calendar_dir; // --calendar-dir DIR
    std::string code;         // code parse CODE
  };
  Options o_;
  CLI::App* lunar_ = nullptr;
  CLI::App* solar_ = nullptr;
  CLI::App* holidays_ = nullptr;
  CLI::App* add_working_days_ = nullptr;
  CLI::App* code_parse_ = nullptr;
};

}  // namespace motcua::admin
