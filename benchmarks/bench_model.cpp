// Throughput of the model and the run farm. Counters: employee_ticks (per second of wall time)
// for one tick of the model, runs for a whole sweep. Arguments: employees, threads.
#include "bench_params.hpp"

#include "orgsim/agents/landscape.hpp"
#include "orgsim/agents/learning.hpp"
#include "orgsim/agents/model.hpp"
#include "orgsim/core/parallel.hpp"
#include "orgsim/experiments/experiment.hpp"
#include "orgsim/experiments/results.hpp"
#include "orgsim/experiments/runner.hpp"

#include <benchmark/benchmark.h>
#include <libdeflate.h>
#include <tbb/parallel_pipeline.h>

#include <sys/resource.h>
#include <unistd.h>
#include <chrono>
#include <filesystem>
#include <string>

namespace {

using namespace orgsim;
using bench::benchmark_params;
using bench::full_params;
using bench::landscape_params;

constexpr Tick kWarmUpTicks = 20;

/// Runs of March's core with turnover and turbulence, 50 (or `employees`) employees x 100 ticks,
/// every tick recorded (the most output per employee-tick): `replications` of one point, or with
/// `grid` of each point of a 5 x 2 grid of p1 and p2.
experiments::ExperimentSpec small_runs(int replications, bool grid, int employees = 50) {
  std::string text = "[experiment]\nticks = 100\nreplications = " + std::to_string(replications) +
                     "\n[scenario]\norg.employees = " + std::to_string(employees) +
                     "\nlearning.turnover_rate = 0.01\nlearning.turbulence_rate = 0.01\n";
  if (grid) {
    text +=
        "[sweep.grid]\nlearning.socialization_rate = [0.1, 0.3, 0.5, 0.7, "
        "0.9]\nlearning.code_learning_rate = [0.2, 0.8]\n";
  }
  return experiments::parse_experiment(text, "small");
}

/// The default experiment (240 runs of 250 employees x 260 ticks, every submodel).
experiments::ExperimentSpec default_experiment() {
  return experiments::parse_experiment(experiments::default_experiment_text(), "default");
}

/// The shipped March (1991) Figure 1 grid: 27 cells x 2,000 runs to equilibrium.
experiments::ExperimentSpec march_figure1() {
  return experiments::load_experiment(ORGSIM_SOURCE_DIR
                                      "/experiments/configs/validation/march-figure1.toml");
}

/// One full tick (every phase) plus the metrics, as simulate() does it, after kWarmUpTicks.
void run_ticks_benchmark(benchmark::State& state, const agents::ModelParams& params) {
  ThreadLimit limit(static_cast<std::size_t>(state.range(1)));
  agents::Organization org(params, {1, 0});
  const auto schedule = agents::make_schedule(org.params());
  std::vector<double> row(agents::metric_table().size());
  Tick tick = 0;
  // Warm up first: at tick 1 the code is all 0, so socialization has nothing to do and the tick
  // is far cheaper than in a running organization (20 ticks: the code and the team codes have
  // taken shape, beliefs follow them).
  for (; tick < kWarmUpTicks;) schedule.step(org, ++tick);
  double employee_ticks = 0;  // the headcount changes as the firm hires and people leave
  for (auto _ : state) {
    schedule.step(org, ++tick);
    agents::measure(org, row);
    benchmark::DoNotOptimize(row.data());
    employee_ticks += static_cast<double>(org.headcount());
  }
  state.counters["employee_ticks"] =
      benchmark::Counter(employee_ticks, benchmark::Counter::kIsRate);
  state.counters["headcount"] = static_cast<double>(org.headcount());
  state.counters["last_tick"] = static_cast<double>(tick);
  state.counters["threads"] = static_cast<double>(limit.threads());
}

/// The learning core alone (March's model with turnover and turbulence).
void BM_Tick(benchmark::State& state) {
  run_ticks_benchmark(state, benchmark_params(state.range(0)));
}

/// The full model: every submodel on.
void BM_FullTick(benchmark::State& state) {
  run_ticks_benchmark(state, full_params(state.range(0)));
}

/// 1k, 100k and 1M employees, each on 1 and 2 threads.
void sizes_and_threads(benchmark::internal::Benchmark* b) {
  b->ArgNames({"employees", "threads"});
  for (std::int64_t employees : {1000, 100000, 1000000}) {
    for (std::int64_t threads : {1, 2}) b->Args({employees, threads});
  }
  b->Unit(benchmark::kMillisecond)->UseRealTime();
}

/// The full model grows (hiring to a growing market's backlog: 100,000 employees become 155,000
/// by tick 370), so one and two threads must time the same ticks: a fixed number of iterations
/// per size (ticks 21-170 at 100,000 employees), not Google Benchmark's time-based count, which
/// gave two threads later, larger ticks.
void same_ticks(benchmark::internal::Benchmark* b, std::int64_t employees) {
  b->ArgNames({"employees", "threads"})
      ->Args({employees, 1})
      ->Args({employees, 2})
      ->Iterations(employees >= 1000000  ? 20
                   : employees >= 100000 ? 150
                                         : 2000)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
}

BENCHMARK(BM_FullTick)->Apply([](auto* b) { same_ticks(b, 1000); });
BENCHMARK(BM_FullTick)->Apply([](auto* b) { same_ticks(b, 100000); });
BENCHMARK(BM_FullTick)->Apply([](auto* b) { same_ticks(b, 1000000); });

void BM_FullTickLandscape(benchmark::State& state) {
  run_ticks_benchmark(state, landscape_params(state.range(0)));
}
BENCHMARK(BM_FullTickLandscape)->Apply([](auto* b) { same_ticks(b, 100000); });

/// One evaluation of a configuration on the landscape (what an employee's action score costs
/// on review ticks): N = 30, K = 0, 3 and 8.
void BM_LandscapeValue(benchmark::State& state) {
  agents::LandscapeParams p = agents::ModelParams::defaults().landscape;
  p.enabled = true;
  p.k = state.range(0);
  std::vector<std::int32_t> owner(30);
  for (std::size_t d = 0; d < owner.size(); ++d) owner[d] = static_cast<std::int32_t>(d / 8);
  const std::vector<std::int8_t> reality(30, 1);
  const agents::Landscape land(p, owner, reality, 1, 0);
  std::uint64_t x = 0x9e3779b97f4a7c15ull;
  double sum = 0;
  for (auto _ : state) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    sum += land.value(x & land.all());
  }
  benchmark::DoNotOptimize(sum);
}
BENCHMARK(BM_LandscapeValue)->ArgNames({"k"})->Arg(0)->Arg(3)->Arg(8);
BENCHMARK(BM_Tick)->Apply(sizes_and_threads);

/// A whole sweep end to end, results written to HDF5 as `orgsim run` writes them; counters `runs`
/// per second and `writer_share` (time the writer thread spent in HDF5 calls / wall time).
void sweep_benchmark(benchmark::State& state, const experiments::ExperimentSpec& spec,
                     const char* tag) {
  ThreadLimit limit(static_cast<std::size_t>(state.range(0)));
  const auto out = std::filesystem::temp_directory_path() /
                   ("orgsim-bench-" + std::string(tag) + "-" + std::to_string(::getpid()) + ".h5");
  experiments::RunnerOptions options;
  options.threads = limit.threads();
  double writer_seconds = 0, wall_seconds = 0;
  for (auto _ : state) {
    // The previous iteration's file is removed outside the timing: truncating it in H5Fcreate
    // frees its cached pages, a cost of deleting old results, not of writing (measured in
    // benchmarks/README.md under BM_OutputCost).
    state.PauseTiming();
    std::filesystem::remove(out);
    state.ResumeTiming();
    const auto report = experiments::run_experiment(spec, out.string(), options);
    writer_seconds += report.writer_seconds;
    wall_seconds += report.wall_seconds;
  }
  std::filesystem::remove(out);
  state.counters["runs"] = benchmark::Counter(
      static_cast<double>(spec.run_count()) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate);
  state.counters["writer_share"] = writer_seconds / wall_seconds;
}

/// The default experiment (a small sweep) end to end.
void BM_DefaultSweep(benchmark::State& state) {
  sweep_benchmark(state, default_experiment(), "default");
}
BENCHMARK(BM_DefaultSweep)
    ->ArgNames({"threads"})
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

/// CPU time of the whole process so far (user + system, every thread).
double process_cpu_seconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

/// Runs 0..count-1 through a TBB pipeline as run_experiment hands runs to its workers (one token
/// per run, 2 x threads tokens in flight), so that a sweep and its reference differ only in what
/// is done with a finished run.
template <typename Body>
void like_the_sweep(std::size_t count, std::size_t threads, Body body) {
  std::size_t next = 0;
  tbb::parallel_pipeline(
      2 * threads, tbb::make_filter<void, std::size_t>(tbb::filter_mode::serial_in_order,
                                                       [&](tbb::flow_control& fc) -> std::size_t {
                                                         if (next == count) fc.stop();
                                                         return next++;
                                                       }) &
                       tbb::make_filter<std::size_t, void>(tbb::filter_mode::parallel, body));
}

/// What writing the results costs a sweep: the sweep as `orgsim run` runs it (workers compute
/// and compress, one thread writes HDF5), against the same runs computed and discarded, and
/// computed and compressed, on the same threads. output_cost = 1 - compute / sweep (compression,
/// writing and handing runs to the writer); writer_cost = 1 - (compute + compress) / sweep.
/// Workloads: 0, 2,000 runs of March's core with 50 employees x 100 ticks, every tick recorded
/// (the most output per employee-tick: 43 values per 50 employee-ticks); 1, the default
/// experiment (240 runs, 250 employees x 260 ticks, every submodel); 2, the March Figure 1 grid
/// (54,000 runs to equilibrium, the first and last rows recorded); 3, as 0 with 150 employees
/// (1,000 runs): the share falls as the employee-ticks per recorded row grow.
void BM_OutputCost(benchmark::State& state) {
  ThreadLimit limit(static_cast<std::size_t>(state.range(1)));
  const auto spec = [&] {
    switch (state.range(0)) {
      case 0:
        return small_runs(200, true);
      case 1:
        return default_experiment();
      case 2:
        return march_figure1();
      default:
        return small_runs(100, true, 150);
    }
  }();
  const auto out = std::filesystem::temp_directory_path() /
                   ("orgsim-bench-output-" + std::to_string(::getpid()) + ".h5");
  experiments::RunnerOptions options;
  options.threads = limit.threads();
  const auto run_options = spec.run_options();
  const auto replications = static_cast<std::size_t>(spec.replications);
  const std::size_t tick_rows =
      agents::recorded_rows(static_cast<Tick>(spec.ticks), static_cast<Tick>(spec.record_every));
  const auto simulate = [&](std::size_t run) {
    return agents::simulate(spec.params_at(run / replications), {spec.seed, run % replications},
                            run_options);
  };
  double sweep = 0, compute = 0, compress = 0, sweep_cpu = 0, compute_cpu = 0;
  for (auto _ : state) {
    std::filesystem::remove(out);  // as in sweep_benchmark: not timed
    auto t0 = std::chrono::steady_clock::now();
    double c0 = process_cpu_seconds();
    experiments::run_experiment(spec, out.string(), options);
    sweep += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    sweep_cpu += process_cpu_seconds() - c0;
    t0 = std::chrono::steady_clock::now();
    c0 = process_cpu_seconds();
    like_the_sweep(spec.run_count(), limit.threads(), [&](std::size_t run) {
      auto outcome = simulate(run);
      benchmark::DoNotOptimize(outcome.metrics.values().data());
    });
    compute += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    compute_cpu += process_cpu_seconds() - c0;
    t0 = std::chrono::steady_clock::now();
    like_the_sweep(spec.run_count(), limit.threads(), [&](std::size_t run) {
      auto outcome = simulate(run);
      auto chunks = experiments::compress_metrics(outcome.metrics, tick_rows);
      benchmark::DoNotOptimize(chunks.data());
    });
    compress += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  std::filesystem::remove(out);
  state.counters["runs"] = benchmark::Counter(static_cast<double>(spec.run_count()) *
                                              static_cast<double>(state.iterations()) / sweep);
  state.counters["output_cost"] = 1.0 - compute / sweep;   // compression + writing
  state.counters["writer_cost"] = 1.0 - compress / sweep;  // the serial HDF5 writer
  // The same as a share of the CPU time (user + system of every thread): steadier on a shared VM
  // than wall time, but blind to a worker waiting.
  state.counters["output_cpu"] = 1.0 - compute_cpu / sweep_cpu;
}
BENCHMARK(BM_OutputCost)
    ->ArgNames({"workload", "threads"})
    ->Args({0, 1})
    ->Args({0, 2})
    ->Args({1, 1})
    ->Args({1, 2})
    ->Args({2, 2})
    ->Args({3, 2})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);

/// What each worker does after its run: compress the run's /metrics rows into the dataset's
/// chunks (compress_metrics), cycling through 64 different runs (compressing the same run again
/// and again lets the branch predictor learn its data, which flatters the time: how much is in
/// benchmarks/README.md under BM_CompressMetrics). model:0
/// is a run of the small sweep above (March's core, 50 employees, 101 rows), model:1 a run of the
/// default experiment (every submodel, 250 employees, 261 rows); libdeflate:1 compresses the same
/// chunks (without the last chunk's NaN padding) with libdeflate at level 1, which orgsim used
/// before deflate_rows. Counters: raw bytes per second and the compression ratio.
void BM_CompressMetrics(benchmark::State& state) {
  const bool full = state.range(0) == 1;
  const auto spec = full ? default_experiment() : small_runs(1, false);
  std::vector<agents::RunOutcome> outcomes;
  for (std::uint64_t replication = 0; replication < 64; ++replication) {
    outcomes.push_back(
        agents::simulate(spec.params_at(0), {spec.seed, replication}, spec.run_options()));
  }
  double raw = 0, compressed = 0;
  std::size_t next = 0;
  if (state.range(1) == 0) {
    for (auto _ : state) {
      const auto& metrics = outcomes[next++ % outcomes.size()].metrics;
      const auto chunks = experiments::compress_metrics(metrics, metrics.rows());
      raw += static_cast<double>(metrics.values().size() * sizeof(double));
      for (const auto& chunk : chunks) compressed += static_cast<double>(chunk.size());
      benchmark::DoNotOptimize(chunks.data());
    }
  } else {  // libdeflate at level 1 on the same chunks, as orgsim did before deflate_rows
    libdeflate_compressor* compressor = libdeflate_alloc_compressor(1);
    std::vector<unsigned char> out;
    for (auto _ : state) {
      const auto& metrics = outcomes[next++ % outcomes.size()].metrics;
      const std::size_t per_chunk =
          experiments::metrics_rows_per_chunk(metrics.rows()) * metrics.width();
      const auto values = metrics.values();
      for (std::size_t first = 0; first < values.size(); first += per_chunk) {
        const std::size_t bytes = std::min(per_chunk, values.size() - first) * sizeof(double);
        out.resize(libdeflate_zlib_compress_bound(compressor, bytes));
        compressed += static_cast<double>(libdeflate_zlib_compress(
            compressor, values.data() + first, bytes, out.data(), out.size()));
        benchmark::DoNotOptimize(out.data());
      }
      raw += static_cast<double>(values.size() * sizeof(double));
    }
    libdeflate_free_compressor(compressor);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(raw));
  state.counters["ratio"] = raw / compressed;
  state.counters["rows"] = static_cast<double>(outcomes.front().metrics.rows());
}
BENCHMARK(BM_CompressMetrics)
    ->ArgNames({"model", "libdeflate"})
    ->ArgsProduct({{0, 1}, {0, 1}})
    ->Unit(benchmark::kMicrosecond);

/// The shipped March (1991) Figure 1 grid: 27 cells x 2,000 runs to equilibrium (54,000 runs).
void BM_MarchFigure1(benchmark::State& state) {
  sweep_benchmark(state, march_figure1(), "figure1");
}
BENCHMARK(BM_MarchFigure1)
    ->ArgNames({"threads"})
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(1);

/// The writer thread's work per run: writing prepared runs (compressed chunks, /runs row) into a
/// results file, flushing every 0.25 s as the sweep does, single-threaded. workload 0: Figure-1
/// runs (2 rows); 1: small every-tick runs (101 rows); 2: default runs (261 rows).
void BM_WriterPerRun(benchmark::State& state) {
  const auto spec = [&] {
    switch (state.range(0)) {
      case 0:
        return march_figure1();
      case 1:
        return small_runs(2000, false);
      default:
        return default_experiment();
    }
  }();
  const std::size_t tick_rows =
      agents::recorded_rows(static_cast<Tick>(spec.ticks), static_cast<Tick>(spec.record_every));
  std::vector<experiments::RunRecord> prepared;
  for (std::size_t run = 0; run < 16; ++run)
    prepared.push_back(experiments::compute_run(spec, run, spec.run_options(), tick_rows));
  const auto out = std::filesystem::temp_directory_path() /
                   ("orgsim-bench-writer-" + std::to_string(::getpid()) + ".h5");
  const std::size_t runs = std::min<std::size_t>(spec.run_count(), 20000);
  double written = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::filesystem::remove(out);  // as in sweep_benchmark: not timed
    state.ResumeTiming();
    experiments::ResultsWriter writer(out.string(), spec, 1);
    auto last_flush = std::chrono::steady_clock::now();
    for (std::size_t run = 0; run < runs; ++run) {
      experiments::RunRecord record = prepared[run % prepared.size()];
      record.run = run;
      record.design_point = run / static_cast<std::size_t>(spec.replications);
      record.replication = run % static_cast<std::size_t>(spec.replications);
      writer.write(record);
      if (std::chrono::steady_clock::now() - last_flush >= std::chrono::milliseconds(250)) {
        writer.flush();
        last_flush = std::chrono::steady_clock::now();
      }
    }
    writer.close();
    written += static_cast<double>(runs);
  }
  std::filesystem::remove(out);
  state.counters["us_per_run"] =
      benchmark::Counter(written, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_WriterPerRun)
    ->ArgNames({"workload"})
    ->Arg(0)
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
