// The sync engine's retry pacing (client::next_backoff_step, backoff_wait).
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "motcua/client/sync_engine.hpp"

namespace motcua {
namespace {

using namespace std::chrono_literals;
using client::backoff_wait;
using client::next_backoff_step;

TEST(Backoff, DoublesFromTheMinimumAfterEachFailureUpToTheCap) {
  std::vector<std::chrono::milliseconds> steps;
  std::chrono::milliseconds step{0};  // after a success
  for (int i = 0; i < 12; ++i) steps.push_back(step = next_backoff_step(step, 500ms, 60000ms));
  const std::vector<std::chrono::milliseconds> expected{500ms,   1000ms,  2000ms,  4000ms,  8000ms,  16000ms,
                                                        32000ms, 60000ms, 60000ms, 60000ms, 60000ms, 60000ms};
  EXPECT_EQ(steps, expected);
  // A cap that is not a power-of-two multiple of the minimum is reached, not passed.
  EXPECT_EQ(next_backoff_step(700ms, 500ms, 1000ms), 1000ms);
  // Huge steps do not overflow.
  const std::chrono::milliseconds huge{std::chrono::milliseconds::max().count() / 2 + 1};
  EXPECT_EQ(next_backoff_step(huge, 1ms, std::chrono::milliseconds::max()), std::chrono::milliseconds::max());
}

TEST(Backoff, TheWaitIsSpreadOverTheUpperHalfOfTheStep) {
  std::mt19937_64 rng(11);
  std::set<long> seen;
  double sum = 0;
  constexpr int kDraws = 20000;
  for (int i = 0; i < kDraws; ++i) {
    const auto w = backoff_wait(8000ms, rng());
    ASSERT_GE(w, 4000ms);
    ASSERT_LE(w, 8000ms);
    seen.insert(static_cast<long>(w.count()));
    sum += static_cast<double>(w.count());
  }
  // Kiosks that lost the hub together come back spread out, not in step.
  EXPECT_GT(seen.size(), 3000u);
  EXPECT_NEAR(sum / kDraws, 6000.0, 60.0);
  EXPECT_EQ(backoff_wait(0ms, rng()), 0ms);
  EXPECT_EQ(backoff_wait(1ms, 0), 0ms);
}

}  // namespace
}  // namespace motcua
