// Calendar figures for docs/performance.md: solar→lunar conversions per second
// and due-date computations per second with the cached holiday table
// (goal ≥ 1,000,000/s on one core).
//   build/bin/motcua_bench --benchmark_filter='Lunar|DueDate|Holiday'

#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "motcua/calendar/lunar.hpp"
#include "motcua/calendar/working_time.hpp"

using namespace motcua;
using namespace motcua::calendar;

namespace {

constexpr std::size_t kInputs = 4096;  // cycled through, so results are not one cached answer

std::vector<CivilDate> random_dates(CivilDate from, CivilDate to) {
  std::mt19937 rng(42);
  std::uniform_int_distribution<DayNumber> day(day_number(from), day_number(to));
  std::vector<CivilDate> out;
  for (std::size_t i = 0; i < kInputs; ++i) out.push_back(civil_date(day(rng)));
  return out;
}

HolidayOverrides shipped_overrides() {
  return load_overrides_directory(std::filesystem::path(MOTCUA_SOURCE_DIR) / "assets" / "calendar")
      .value_or(HolidayOverrides{});
}

const WorkingTime& working_time() {
  static const WorkingTime wt = *WorkingTime::create(*HolidayCalendar::create(shipped_overrides()));
  return wt;
}

struct DueInput {
  TimePoint received;
  ProcessingTime time;
};

// Receipts at any moment of 2025–2030 (nights and weekends too) for procedures
// of 0–30 working days, a third of them with the 15:00 cut-off.
std::vector<DueInput> random_due_inputs() {
  std::mt19937_64 rng(7);
  const auto from = unix_millis(vietnam_instant(CivilDate{2025, 1, 1}));
  const auto to = unix_millis(vietnam_instant(CivilDate{2030, 12, 31}));
  std::uniform_int_distribution<std::int64_t> ms(from, to);
  std::uniform_int_distribution<int> days(0, 30);
  std::vector<DueInput> out;
  for (std::size_t i = 0; i < kInputs; ++i) {
    const int n = days(rng);
    std::optional<std::chrono::minutes> cutoff;
    if (i % 3 == 0) cutoff = std::chrono::minutes{15 * 60};
    out.push_back(
        {from_unix_millis(ms(rng)), {n == 0 ? DeadlineUnit::same_day : DeadlineUnit::working_days, n, cutoff}});
  }
  return out;
}

void BM_SolarToLunar(benchmark::State& state) {
  const auto dates = random_dates(kFirstLunarSupported, kLastLunarSupported);
  (void)to_lunar(dates[0]);  // build the month table outside the timing
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(to_lunar(dates[i++ % kInputs]));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SolarToLunar);

void BM_LunarToSolar(benchmark::State& state) {
  std::vector<LunarDate> dates;
  for (const CivilDate d : random_dates({1901, 1, 1}, {2198, 12, 31})) dates.push_back(*to_lunar(d));
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(to_solar(dates[i++ % kInputs]));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_LunarToSolar);

// Hồ Ngọc Đức's per-date computation without the table, for comparison.
void BM_SolarToLunarDirect(benchmark::State& state) {
  const auto dates = random_dates(kFirstLunarSupported, kLastLunarSupported);
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(detail::to_lunar_direct(dates[i++ % kInputs]));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SolarToLunarDirect);

void BM_HolidayCalendarBuild(benchmark::State& state) {
  const auto overrides = shipped_overrides();
  (void)to_lunar({2026, 1, 1});
  for (auto _ : state) {
    benchmark::DoNotOptimize(HolidayCalendar::create(overrides));
  }
}
BENCHMARK(BM_HolidayCalendarBuild)->Unit(benchmark::kMillisecond);

void BM_IsWorkingDay(benchmark::State& state) {
  const auto& calendar = working_time().calendar();
  std::vector<DayNumber> days;
  for (const CivilDate d : random_dates({2025, 1, 1}, {2030, 12, 31})) days.push_back(day_number(d));
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(calendar.is_working_day(days[i++ % kInputs]));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_IsWorkingDay);

void BM_DueDate(benchmark::State& state) {
  const auto& wt = working_time();
  const auto inputs = random_due_inputs();
  std::size_t i = 0;
  for (auto _ : state) {
    const DueInput& in = inputs[i++ % kInputs];
    benchmark::DoNotOptimize(wt.due(in.received, in.time));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DueDate);

// One supplement pause per dossier (a day and a half after receipt, lasting 2–50 h).
void BM_DueDateWithPause(benchmark::State& state) {
  const auto& wt = working_time();
  const auto inputs = random_due_inputs();
  std::vector<Pause> pauses;
  std::mt19937 rng(9);
  std::uniform_int_distribution<int> hours(2, 50);
  for (const DueInput& in : inputs)
    pauses.push_back({in.received + std::chrono::hours{36}, in.received + std::chrono::hours{36 + hours(rng)}});
  std::size_t i = 0;
  for (auto _ : state) {
    const std::size_t k = i++ % kInputs;
    benchmark::DoNotOptimize(wt.due_with_pauses(inputs[k].received, inputs[k].time, std::span(&pauses[k], 1)));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DueDateWithPause);

}  // namespace
