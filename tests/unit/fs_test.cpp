#include <gtest/gtest.h>

#include "motcua/util/config.hpp"
#include "motcua/util/fs.hpp"
#include "support/temp_dir.hpp"

using namespace motcua;

TEST(DurableWrite, ReplacesAtomicallyAndLeavesNoTemporaryFiles) {
  test::TempDir dir;
  ASSERT_TRUE(fs::write_file_durable(dir / "a.txt", std::string("một")));
  ASSERT_TRUE(fs::write_file_durable(dir / "a.txt", std::string("hai")));
  EXPECT_EQ(*fs::read_file(dir / "a.txt"), "hai");
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    (void)e;
    ++files;
  }
  EXPECT_EQ(files, 1);
}

TEST(DurableWrite, ReportsAMissingDirectory) {
  test::TempDir dir;
  auto r = fs::write_file_durable(dir / "no" / "such" / "a.txt", std::string("x"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::io);
  EXPECT_NE(r.error().message.find("a.txt"), std::string::npos);
}

TEST(DurableWrite, ReportsAFullDiskAsDiskFull) {
  // /dev/full accepts opens and fails every write with ENOSPC; write through a
  // directory we cannot rename into is not needed — the error mapping is what counts.
  const Error e = fs::errno_error("cannot write", "/x", ENOSPC);
  EXPECT_EQ(e.code, Errc::disk_full);
}

TEST(Config, ReadsTypedValuesAndReportsSyntaxErrorsWithTheLine) {
  auto c = Config::parse("[hub]\nurl = \"https://h:8443\"\n[kiosk]\nnumber = 3\n");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->string_or("hub.url", ""), "https://h:8443");
  EXPECT_EQ(c->integer_or("kiosk.number", 0), 3);
  EXPECT_EQ(c->integer_or("kiosk.missing", 9), 9);
  auto bad = Config::parse("[hub\nurl = 1\n", "kiosk.toml");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("kiosk.toml"), std::string::npos);
  EXPECT_NE(bad.error().message.find("line 1"), std::string::npos) << bad.error().message;
}
