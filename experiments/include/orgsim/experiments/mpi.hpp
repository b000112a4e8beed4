// MPI task farm (optional build, ORGSIM_WITH_MPI): `mpirun -n K orgsim run FILE -o OUT.h5`.
// Rank 0 hands out runs in small batches as ranks free up and is the only writer (one live SWMR
// file, exactly as a single-process run writes it); ranks 1..K-1 simulate their batches with TBB
// threads and send the finished runs back. A killed job leaves rank 0's file with every run it
// received; `--resume` finishes it, under MPI or not (docs/cluster.md).
#pragma once

#include "orgsim/experiments/runner.hpp"

#include <memory>

namespace orgsim::experiments {

/// Whether this binary was built with MPI support.
bool mpi_built();

/// True when an MPI launcher (mpirun, mpiexec, srun with PMI/PMIx) started this process.
bool launched_by_mpi();

/// Initializes MPI for the process's lifetime (multi-threaded support is not needed: only the
/// main thread calls MPI). Construct once, in main, only when launched_by_mpi().
class MpiSession;
SweepReport run_experiment_mpi(const MpiSession& session, const ExperimentSpec& spec,
                               const std::string& output_path, const RunnerOptions& options);

class MpiSession {
 public:
  MpiSession();
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  [[nodiscard]] int rank() const;
  [[nodiscard]] int size() const;
  /// Ends every rank of the job with `status` (after rank 0 reported an error).
  [[noreturn]] void abort(int status) const;
  /// Ends this process with `status` after it reported an error. On rank 0, once the farm has
  /// told every other rank to stop (they are ending normally), MPI is finalized as at a normal end
  /// and mpirun ends with `status`; otherwise (another rank, or a farm cut short) it is abort().
  /// MPI_Abort is avoided where it is not needed: Open MPI 4.1's mpirun can deadlock in its own
  /// teardown (PMIx_server_finalize) after an abort whose peers have already finalized.
  [[noreturn]] void end(int status);

 private:
  friend SweepReport run_experiment_mpi(const MpiSession& session, const ExperimentSpec& spec,
                                        const std::string& output_path,
                                        const RunnerOptions& options);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Runs the experiment as an MPI task farm. On rank 0: resume handling, the writer and the
/// dispatch of runs (the report describes the whole sweep). On other ranks: the worker loop (the
/// report is empty). With one rank it is run_experiment.
SweepReport run_experiment_mpi(const MpiSession& session, const ExperimentSpec& spec,
                               const std::string& output_path, const RunnerOptions& options);

/// The bytes of a run record (for messages) and back. @throws ResultsError on a malformed buffer.
std::vector<char> pack_record(const RunRecord& record);
RunRecord unpack_record(const std::vector<char>& bytes);

}  // namespace orgsim::experiments
