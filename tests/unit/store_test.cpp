#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "motcua/store/db.hpp"
#include "motcua/util/fs.hpp"
#include "support/temp_dir.hpp"

using namespace motcua;
using namespace motcua::store;

namespace {
constexpr Migration kV1[] = {{1, "items", "CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT NOT NULL);"}};
constexpr Migration kV2[] = {
    {1, "items", "CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT NOT NULL);"},
    {2, "notes", "ALTER TABLE items ADD COLUMN note TEXT;"},
};
}  // namespace

TEST(Migrations, ApplyInOrderAndRecordTheVersion) {
  test::TempDir dir;
  {
    auto db = Db::open(dir / "a.db");
    ASSERT_TRUE(db) << db.error().message;
    auto v = migrate(*db, kV1);
    ASSERT_TRUE(v);
    EXPECT_EQ(*v, 1);
    ASSERT_TRUE(db->exec("INSERT INTO items(name) VALUES('Đăng ký khai sinh')"));
  }
  auto db = Db::open(dir / "a.db");
  ASSERT_TRUE(db);
  auto v = migrate(*db, kV2);
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(*v, 2);
  auto st = db->prepare("SELECT name, note FROM items");
  ASSERT_TRUE(st);
  ASSERT_TRUE(*st->step());
  EXPECT_EQ(st->text(0), "Đăng ký khai sinh");
  EXPECT_TRUE(st->is_null(1));
}

TEST(Migrations, RefuseADatabaseNewerThanTheProgram) {
  test::TempDir dir;
  auto db = Db::open(dir / "a.db");
  ASSERT_TRUE(migrate(*db, kV2));
  auto v = migrate(*db, kV1);
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, Errc::conflict);
  EXPECT_NE(v.error().message.find("newer"), std::string::npos);
}

TEST(Migrations, AFailingMigrationLeavesThePreviousVersion) {
  test::TempDir dir;
  auto db = Db::open(dir / "a.db");
  constexpr Migration bad[] = {
      {1, "items", "CREATE TABLE items(id INTEGER PRIMARY KEY);"},
      {2, "broken", "CREATE TABLE x(a); THIS IS NOT SQL;"},
  };
  auto v = migrate(*db, bad);
  ASSERT_FALSE(v);
  auto st = db->prepare("PRAGMA user_version");
  ASSERT_TRUE(*st->step());
  EXPECT_EQ(st->integer(0), 1);
  auto x = db->prepare("SELECT * FROM x");
  EXPECT_FALSE(x) << "the half-applied migration 2 must be rolled back";
}

TEST(Transaction, RollsBackUnlessCommitted) {
  auto db = Db::open_memory();
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->exec("CREATE TABLE t(v INTEGER)"));
  {
    auto tx = Tx::begin(*db);
    ASSERT_TRUE(tx);
    ASSERT_TRUE(db->exec("INSERT INTO t VALUES(1)"));
  }
  {
    auto tx = Tx::begin(*db);
    ASSERT_TRUE(db->exec("INSERT INTO t VALUES(2)"));
    ASSERT_TRUE(tx->commit());
  }
  auto st = db->prepare("SELECT group_concat(v) FROM t");
  ASSERT_TRUE(*st->step());
  EXPECT_EQ(st->text(0), "2");
}

TEST(Statement, BindsAndReadsEveryType) {
  auto db = Db::open_memory();
  ASSERT_TRUE(db->exec("CREATE TABLE t(i INTEGER, r REAL, s TEXT, b BLOB, n TEXT)"));
  auto ins = db->prepare("INSERT INTO t VALUES(?,?,?,?,?)");
  const std::vector<std::uint8_t> blob{0, 1, 2, 255};
  std::optional<std::string> none;
  ASSERT_TRUE(ins->bind(1, std::int64_t{1} << 40).bind(2, 2.5).bind(3, "chữ").bind_blob(4, blob).bind(5, none).run());
  auto st = db->prepare("SELECT * FROM t");
  ASSERT_TRUE(*st->step());
  EXPECT_EQ(st->int64(0), std::int64_t{1} << 40);
  EXPECT_DOUBLE_EQ(st->real(1), 2.5);
  EXPECT_EQ(st->text(2), "chữ");
  EXPECT_EQ(st->blob(3), blob);
  EXPECT_FALSE(st->opt_text(4));
}

TEST(Statement, AReusedStatementStartsFreshAndTwoInUseStayIndependent) {
  test::TempDir dir;
  auto db = Db::open(dir / "s.db");
  ASSERT_TRUE(db->exec("CREATE TABLE t(k INTEGER, v TEXT); INSERT INTO t VALUES(1, 'một'), (2, 'hai');"));
  const char* sql = "SELECT v FROM t WHERE k = ?";
  {
    auto a = db->prepare(sql);
    auto b = db->prepare(sql);  // the same SQL while the first is in use: another statement
    a->bind(1, 1);
    b->bind(1, 2);
    ASSERT_TRUE(*a->step());
    ASSERT_TRUE(*b->step());
    EXPECT_EQ(a->text(0), "một");
    EXPECT_EQ(b->text(0), "hai");
  }  // both left mid-result: given back reset
  // Reused: no binding left over (k = NULL matches nothing), no read left open.
  auto again = db->prepare(sql);
  ASSERT_TRUE(again);
  EXPECT_FALSE(*again->step());
  auto other = Db::open(dir / "s.db");
  ASSERT_TRUE(other->exec("INSERT INTO t VALUES(3, 'ba')"));
  auto wal = db->prepare("PRAGMA wal_checkpoint(TRUNCATE)");
  ASSERT_TRUE(*wal->step());
  EXPECT_EQ(wal->int64(0), 0) << "a statement given back still holds a read of the database";
}

TEST(Statement, ReportsConstraintViolationsAsConflicts) {
  auto db = Db::open_memory();
  ASSERT_TRUE(db->exec("CREATE TABLE t(k TEXT PRIMARY KEY)"));
  ASSERT_TRUE(db->exec("INSERT INTO t VALUES('a')"));
  auto st = db->prepare("INSERT INTO t VALUES('a')");
  auto r = st->run();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::conflict);
}

TEST(Database, OpeningAFileThatIsNotADatabaseFailsClearly) {
  test::TempDir dir;
  ASSERT_TRUE(fs::write_file_durable(dir / "junk.db", std::string(4096, 'x')));
  auto db = Db::open(dir / "junk.db");
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, Errc::corrupt);
}

TEST(Database, UsesWalAndFullSync) {
  test::TempDir dir;
  auto db = Db::open(dir / "a.db");
  auto mode = db->prepare("PRAGMA journal_mode");
  ASSERT_TRUE(*mode->step());
  EXPECT_EQ(mode->text(0), "wal");
  auto sync = db->prepare("PRAGMA synchronous");
  ASSERT_TRUE(*sync->step());
  EXPECT_EQ(sync->integer(0), 2);  // FULL
}

TEST(Migrations, ConnectionsOpeningANewDatabaseTogetherAllSucceed) {
  // The kiosk's worker and its sync thread open the same new database at start-up.
  for (int round = 0; round < 20; ++round) {
    test::TempDir dir;
    std::vector<std::thread> threads;
    std::atomic<int> ok{0};
    for (int t = 0; t < 4; ++t)
      threads.emplace_back([&] {
        auto db = Db::open(dir / "shared.db");
        if (db && migrate(*db, kV2)) ++ok;
      });
    for (auto& t : threads) t.join();
    ASSERT_EQ(ok.load(), 4) << "round " << round;
  }
}
