// motcua-admin against a real hub: lifecycle, catalog import, and every error
// path giving a clear message and a distinct exit code.

#include <gtest/gtest.h>

#include "motcua/client/kiosk_store.hpp"
#include "motcua/client/sync_engine.hpp"
#include "motcua/util/fs.hpp"
#include "support/hub_process.hpp"
#include "support/temp_dir.hpp"

using namespace motcua;

namespace {

class AdminCli : public ::testing::Test {
 protected:
  test::TempDir dir;
  test::HubProcess hub{dir.path()};
  SystemClock clock;

  // Submits one dossier through a kiosk and returns its official code.
  std::string submit() {
    const auto kiosk = hub.make_kiosk("KIOSK-01");
    auto store = client::KioskStore::open(kiosk, clock);
    client::NewDossier d{"1.001193", "H44.27.05", "Đăng ký khai sinh", {"Nguyễn Văn An", "0912345678"},
                         {{"d1", "Tờ khai", "image/jpeg", std::vector<std::uint8_t>(100, 7)}}, {}, {}};
    auto e = store->enqueue(d, 1);
    client::SyncEngine engine(hub.sync_config(kiosk), clock);
    EXPECT_TRUE(engine.run_once());
    return *(*store->find(e->client_id))->official_code;
  }
};

}  // namespace

TEST_F(AdminCli, MovesADossierThroughItsLifecycle) {
  const std::string code = submit();
  auto list = hub.admin({"dossier", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find(code), std::string::npos);
  EXPECT_NE(list.out.find("Mới đăng ký"), std::string::npos);

  for (const char* action : {"accept", "process", "finish", "return-result"}) {
    auto r = hub.admin({"dossier", "act", code, action, "--note", "ghi chú"});
    ASSERT_EQ(r.exit_code, 0) << action << ": " << r.err;
  }
  auto show = hub.admin({"dossier", "show", code, "--json"});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  auto j = Json::parse(show.out);
  EXPECT_EQ(j["status"], "result_returned");
  EXPECT_EQ(j["status_code"], 10);
  EXPECT_EQ(j["events"].size(), 6u);  // receive, submit, 4 actions
  EXPECT_EQ(j["events"][2]["note"], "ghi chú");
}

TEST_F(AdminCli, AnIllegalTransitionExitsWithConflictAndSaysWhy) {
  const std::string code = submit();
  auto r = hub.admin({"dossier", "act", code, "finish"});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_NE(r.err.find("cannot finish"), std::string::npos) << r.err;
  auto reject = hub.admin({"dossier", "act", code, "reject"});
  EXPECT_EQ(reject.exit_code, 2) << "reject needs a reason";
  EXPECT_NE(reject.err.find("note"), std::string::npos);
}

TEST_F(AdminCli, EveryErrorHasAClearMessageAndExitCode) {
  using test::bin;
  using test::run_command;
  auto no_hub = run_command({bin("motcua-admin"), "dossier", "list"}, {{"MOTCUA_HUB", ""}});
  EXPECT_EQ(no_hub.exit_code, 2);
  EXPECT_NE(no_hub.err.find("--hub"), std::string::npos);

  auto bad_token = run_command({bin("motcua-admin"), "--hub", hub.url(), "--ca", (hub.hub_dir() / "ca.pem").string(),
                                "--token", "wrong", "dossier", "list"});
  EXPECT_EQ(bad_token.exit_code, 5);
  EXPECT_NE(bad_token.err.find("admin token"), std::string::npos);

  auto unknown = hub.admin({"dossier", "show", "H44.27.05-261130-9999"});
  EXPECT_EQ(unknown.exit_code, 3);
  EXPECT_NE(unknown.err.find("no dossier"), std::string::npos);

  auto bad_action = hub.admin({"dossier", "act", "X-261130-0001", "explode"});
  EXPECT_EQ(bad_action.exit_code, 2);
  EXPECT_NE(bad_action.err.find("unknown action"), std::string::npos);

  auto unreachable = run_command({bin("motcua-admin"), "--hub", "https://127.0.0.1:1", "--ca",
                                  (hub.hub_dir() / "ca.pem").string(), "--token", "x", "dossier", "list"});
  EXPECT_EQ(unreachable.exit_code, 6);
  EXPECT_FALSE(unreachable.err.empty());

  auto no_ca = hub.admin({"--ca", "/nonexistent/ca.pem", "dossier", "list"});
  EXPECT_NE(no_ca.exit_code, 0);
}

TEST_F(AdminCli, CatalogImportUpdatesTheCatalogAndRejectsBadFiles) {
  auto list = hub.admin({"catalog", "list", "--json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  auto services = Json::parse(list.out);
  ASSERT_EQ(services.size(), 50u);
  services[0]["name"] = "Thủ tục đã đổi tên";
  Json file = {{"format", "motcua-catalog/1"}, {"services", Json::array({services[0]})}};
  ASSERT_TRUE(fs::write_file_durable(dir / "patch.json", file.dump()));
  auto imp = hub.admin({"catalog", "import", (dir / "patch.json").string()});
  ASSERT_EQ(imp.exit_code, 0) << imp.err;
  EXPECT_NE(imp.out.find("1 changed"), std::string::npos) << imp.out;
  auto again = hub.admin({"catalog", "list"});
  EXPECT_NE(again.out.find("Thủ tục đã đổi tên"), std::string::npos);

  ASSERT_TRUE(fs::write_file_durable(dir / "broken.json", std::string("{\"format\": \"motcua-catalog/1\", \"services\": [")));
  auto broken = hub.admin({"catalog", "import", (dir / "broken.json").string()});
  EXPECT_EQ(broken.exit_code, 2);
  EXPECT_NE(broken.err.find("malformed JSON"), std::string::npos) << broken.err;

  services[0]["field"] = "linh-vuc-khong-co";
  file["services"] = Json::array({services[0]});
  ASSERT_TRUE(fs::write_file_durable(dir / "dangling.json", file.dump()));
  auto dangling = hub.admin({"catalog", "import", (dir / "dangling.json").string()});
  EXPECT_EQ(dangling.exit_code, 2);
  EXPECT_NE(dangling.err.find("unknown field"), std::string::npos) << dangling.err;
}
