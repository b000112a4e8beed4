// The orgsim command line as a library, so that another executable (e.g. a test's orgsim with one
// extra submodel linked in) behaves exactly like orgsim.
#pragma once

namespace orgsim::cli {

/// Runs the orgsim command line on `argv` and returns the process exit status: 0 on success, 2
/// for bad input (one message on stderr, nothing written), 3 when writing results failed, 128 +
/// the signal when interrupted, 1 for an internal error.
///
/// Commands (one file each in cli/src/):
/// - `run`: run an experiment (the default experiment without FILE) into an HDF5 results file
/// - `validate`: check an experiment file and estimate its memory, disk space and time
/// - `analyze`: summarize metrics per design point (mean, sd, 95% CI)
/// - `slurm`: print an sbatch script (shards as a job array, then a dependent merge)
/// - `compare`: paired differences of designs against a baseline, with verdicts per category
/// - `sensitivity`: Sobol indices (saltelli sweep) or Morris elementary effects (morris sweep)
/// - `report`: a self-contained HTML report
/// - `resilience`: drop depth and recovery time after each run's first shock
/// - `plot`: draw a metric over a swept parameter or over time (gnuplot)
/// - `params`: list every model parameter and metric
/// - `merge`: combine the shard files of one experiment
/// - `info`: show a results file's provenance and layout
int main(int argc, char** argv);

}  // namespace orgsim::cli
