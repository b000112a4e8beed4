// Reading an org chart CSV (experiments/org_chart.hpp): a generated chart of N people (a tree
// with spans of 8, five departments, two sites, every column filled, two skill columns) read
// into an empty design. Counter: rows per second.
#include "orgsim/experiments/org_chart.hpp"

#include <benchmark/benchmark.h>

#include <fmt/format.h>

#include <string>

namespace {

std::string generated_chart(std::int64_t people) {
  static constexpr const char* kDepartments[] = {"sales", "dispatch", "warehouse", "finance/admin",
                                                 "IT"};
  std::string text =
      "id,manager_id,dotted_manager_id,department,title,site,annual_salary,fte,hire_date,"
      "skill_sales,skill_dispatch\n";
  for (std::int64_t i = 0; i < people; ++i) {
    const std::string manager = i == 0 ? "" : fmt::format("E{}", (i - 1) / 8);
    text += fmt::format("E{},{},,{},\"Clerk, grade {}\",{},{},{},2020-{:02}-{:02},0.{},\n", i,
                        manager, kDepartments[i % 5], i % 7, i % 3 ? "port depot" : "city office",
                        38000 + i % 20000, i % 4 ? "1" : "0.5", 1 + i % 12, 1 + i % 28, i % 10);
  }
  return text;
}

void BM_ReadOrgChart(benchmark::State& state) {
  const std::string text = generated_chart(state.range(0));
  for (auto _ : state) {
    orgsim::agents::OrgDesign design;
    orgsim::experiments::read_org_chart(text, "generated.csv", design);
    benchmark::DoNotOptimize(design.chart.data());
  }
  state.counters["rows"] = benchmark::Counter(static_cast<double>(state.range(0)),
                                              benchmark::Counter::kIsIterationInvariantRate);
}

}  // namespace

BENCHMARK(BM_ReadOrgChart)->ArgName("rows")->Arg(100'000)->Unit(benchmark::kMillisecond);
