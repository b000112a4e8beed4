// The MPI task farm (Boost.MPI). Rank 0 dispatches and writes; the other ranks compute.
#include "orgsim/experiments/mpi.hpp"

#include "orgsim/core/error.hpp"

#include <cstdlib>

#if ORGSIM_WITH_MPI
#include <oneapi/tbb/parallel_for.h>
#include <boost/mpi/collectives/broadcast.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>

#include <algorithm>
#include <cstdint>
#include <exception>
#include <string>
#endif

namespace orgsim::experiments {

bool launched_by_mpi() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "MPI_LOCALNRANKS"}) {
    if (std::getenv(name)) return true;
  }
  return false;
}

#if ORGSIM_WITH_MPI

namespace mpi = boost::mpi;

namespace {
constexpr int kRequest = 1;  // worker -> 0: ready for runs
constexpr int kWork = 2;     // 0 -> worker: run indices (none: stop)
constexpr int kResult = 3;   // worker -> 0: one packed run record
constexpr int kError = 4;    // worker -> 0: what went wrong

// Ranks 1..K-1: ask for runs, compute them with TBB, send them back, until told to stop.
void work(const mpi::communicator& world, const ExperimentSpec& spec) {
  const agents::RunOptions run_options = spec.run_options();
  const std::size_t tick_rows =
      agents::recorded_rows(static_cast<Tick>(spec.ticks), static_cast<Tick>(spec.record_every));
  for (;;) {
    world.send(0, kRequest);
    const mpi::status status = world.probe(0, kWork);
    const int n = status.count<std::uint64_t>().value_or(0);
    // Boost.MPI's array send and receive dereference the pointer even for 0 elements (UBSan:
    // reference binding to null), so the empty "stop" message uses a real, unused buffer.
    std::vector<std::uint64_t> runs(static_cast<std::size_t>(std::max(n, 1)));
    world.recv(0, kWork, runs.data(), n);
    runs.resize(static_cast<std::size_t>(n));
    if (runs.empty()) return;
    std::vector<std::vector<char>> packed(runs.size());
    std::string error;
    try {
      tbb::parallel_for(std::size_t{0}, runs.size(), [&](std::size_t i) {
        packed[i] = pack_record(
            compute_run(spec, static_cast<std::size_t>(runs[i]), run_options, tick_rows));
      });
    } catch (const std::exception& e) {
      error = e.what();
    }
    if (!error.empty()) {
      world.send(0, kError, error.data(), static_cast<int>(error.size()));
      return;
    }
    for (const auto& bytes : packed)
      world.send(0, kResult, bytes.data(), static_cast<int>(bytes.size()));
  }
}

// Rank 0: hands out runs in shrinking batches (guided scheduling: long and short runs mix) and
// delivers every record it receives to the writer.
void dispatch(const mpi::communicator& world, const std::vector<std::size_t>& todo,
              const std::function<bool(std::unique_ptr<RunRecord>)>& deliver,
              bool& workers_stopped) {
  bool go = true;
  mpi::broadcast(world, go, 0);
  const auto workers = static_cast<std::size_t>(world.size() - 1);
  std::size_t next = 0;
  std::size_t active = workers;
  std::string failure;
  bool writer_failed = false;  // deliver() refused a run: hand out no more (the runner reports why)
  while (active > 0) {
    const mpi::status status = world.probe(mpi::any_source, mpi::any_tag);
    const int source = status.source();
    if (status.tag() == kRequest) {
      world.recv(source, kRequest);
      const std::size_t left = todo.size() - next;
      const std::size_t batch = failure.empty() && !writer_failed
                                    ? std::clamp<std::size_t>(left / (4 * workers), 1, 64)
                                    : 0;
      std::vector<std::uint64_t> runs;
      for (std::size_t i = 0; i < batch && next < todo.size(); ++i) runs.push_back(todo[next++]);
      const std::uint64_t stop = 0;  // never read: see work()
      world.send(source, kWork, runs.empty() ? &stop : runs.data(), static_cast<int>(runs.size()));
      if (runs.empty()) --active;
    } else if (status.tag() == kResult) {
      std::vector<char> bytes(static_cast<std::size_t>(status.count<char>().value_or(0)));
      world.recv(source, kResult, bytes.data(), static_cast<int>(bytes.size()));
      if (!deliver(std::make_unique<RunRecord>(unpack_record(bytes)))) writer_failed = true;
    } else if (status.tag() == kError) {
      std::string message(static_cast<std::size_t>(status.count<char>().value_or(0)), '\0');
      world.recv(source, kError, message.data(), static_cast<int>(message.size()));
      if (failure.empty()) failure = "rank " + std::to_string(source) + ": " + message;
      --active;  // that worker has stopped; the others are told to stop at their next request
    } else {
      world.recv(source, status.tag());
    }
  }
  workers_stopped = true;  // every other rank has been told to stop (or has failed)
  if (!failure.empty())
    throw ResultsError("an MPI worker failed (" + failure + "); the finished runs are kept, " +
                       "finish with --resume");
}
}  // namespace

bool mpi_built() {
  return true;
}

struct MpiSession::Impl {
  mpi::environment environment{mpi::threading::single, true};
  mpi::communicator world;
  bool workers_stopped = false;  ///< rank 0's farm ended: every other rank was told to stop
};

MpiSession::MpiSession() : impl_(std::make_unique<Impl>()) {}
MpiSession::~MpiSession() = default;
int MpiSession::rank() const {
  return impl_->world.rank();
}
int MpiSession::size() const {
  return impl_->world.size();
}
void MpiSession::abort(int status) const {
  impl_->environment.abort(status);
  std::abort();  // not reached
}
void MpiSession::end(int status) {
  if (rank() != 0 || !impl_->workers_stopped) abort(status);
  impl_.reset();  // MPI_Finalize, as the other ranks do
  std::_Exit(status);
}

SweepReport run_experiment_mpi(const MpiSession& session, const ExperimentSpec& spec,
                               const std::string& output_path, const RunnerOptions& options) {
  if (session.size() == 1) return run_experiment(spec, output_path, options);
  const mpi::communicator& world = session.impl_->world;
  if (session.rank() != 0) {
    bool go = false;
    mpi::broadcast(world, go, 0);  // rank 0 is ready (or the job was aborted)
    work(world, spec);
    return {};
  }
  RunnerOptions farmed = options;
  bool& workers_stopped = session.impl_->workers_stopped;
  farmed.farm = [&world, &workers_stopped](
                    const std::vector<std::size_t>& todo,
                    const std::function<bool(std::unique_ptr<RunRecord>)>& deliver) {
    dispatch(world, todo, deliver, workers_stopped);
  };
  return run_experiment(spec, output_path, farmed);
}

#else  // without MPI

bool mpi_built() {
  return false;
}

struct MpiSession::Impl {};
MpiSession::MpiSession() {
  throw UsageError("this orgsim was built without MPI (configure with -DORGSIM_WITH_MPI=ON)");
}
MpiSession::~MpiSession() = default;
int MpiSession::rank() const {
  return 0;
}
int MpiSession::size() const {
  return 1;
}
void MpiSession::abort(int status) const {
  std::exit(status);
}
void MpiSession::end(int status) {
  std::exit(status);
}

SweepReport run_experiment_mpi(const MpiSession&, const ExperimentSpec& spec,
                               const std::string& output_path, const RunnerOptions& options) {
  return run_experiment(spec, output_path, options);
}

#endif

}  // namespace orgsim::experiments
