// The hub's PostgreSQL sessions (sync/hub/pg_connection.cpp), against the test
// server that provisioning/test-services.sh starts.
#include <gtest/gtest.h>

#include "pg_connection.hpp"
#include "support/hub_process.hpp"

namespace motcua {
namespace {

std::string setting(hub::pg::Connection& c, const std::string& name) {
  auto r = c.query("SELECT current_setting($1)", hub::pg::Params(name));
  EXPECT_TRUE(r) << (r ? "" : r.error().message);
  return r ? r->text(0, 0) : std::string();
}

// "Acknowledged means durably stored": a server set to synchronous_commit =
// off (the test server is, for speed) would answer commits before their WAL is
// on disk. The hub's sessions ask for the local flush; a stricter setting made
// for a synchronous standby is kept.
TEST(PgSession, CommitsWaitForTheWalWhateverTheServerDefault) {
  test::TestPgDatabase db;
  auto c = hub::pg::Connection::open(db.url());
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(setting(*c, "synchronous_commit"), "on");

  auto strict = hub::pg::Connection::open(db.url() + "&options=-c%20synchronous_commit%3Dremote_apply");
  ASSERT_TRUE(strict) << strict.error().message;
  EXPECT_EQ(setting(*strict, "synchronous_commit"), "remote_apply");
}

}  // namespace
}  // namespace motcua
