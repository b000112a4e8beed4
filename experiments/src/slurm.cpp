// The sbatch script: array tasks run shards; task 0 submits the dependent merge.
#include "orgsim/experiments/slurm.hpp"

#include "orgsim/core/version.hpp"

#include <sstream>

namespace orgsim::experiments {

std::string shell_quote(const std::string& word) {
  std::string out = "'";
  for (char c : word) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

std::string sbatch_script(const SlurmOptions& o) {
  const std::string job = "orgsim-" + o.name;
  const std::string stem = o.output.size() > 3 && o.output.ends_with(".h5")
                               ? o.output.substr(0, o.output.size() - 3)
                               : o.output;
  std::ostringstream s;
  s << "#!/bin/bash\n"
    << "# orgsim " << version() << ": experiment '" << o.name << "' (" << o.runs
    << " runs) as a Slurm job array of " << o.shards << " shards,\n"
    << "# then one merge job that starts when every shard has succeeded (see docs/cluster.md).\n"
    << "#   submit:          sbatch THIS_SCRIPT\n"
    << "#   after a failure: sbatch --array=<failed task ids> THIS_SCRIPT   (each shard resumes "
       "its own file)\n"
    << "#                    bash THIS_SCRIPT merge                         (when every shard is "
       "complete)\n"
    << "#SBATCH --job-name=" << job << "\n"
    << "#SBATCH --array=0-" << o.shards - 1 << "\n"
    << "#SBATCH --cpus-per-task=" << o.cpus << "\n";
  if (!o.time.empty()) s << "#SBATCH --time=" << o.time << "\n";
  if (!o.partition.empty()) s << "#SBATCH --partition=" << o.partition << "\n";
  if (!o.memory.empty()) s << "#SBATCH --mem=" << o.memory << "\n";
  s << "#SBATCH --output=" << stem << ".slurm-%A_%a.log\n"
    << "set -euo pipefail\n\n"
    << "ORGSIM=" << shell_quote(o.orgsim) << "\n"
    << "EXPERIMENT=" << shell_quote(o.experiment) << "\n"
    << "OUTPUT=" << shell_quote(o.output) << "\n"
    << "SHARDS=" << o.shards << "\n"
    << "SETS=(";
  for (std::size_t i = 0; i < o.sets.size(); ++i)
    s << (i ? " " : "") << "--set " << shell_quote(o.sets[i]);
  s << ")\n\n"
    << "shard_file() { echo \"${OUTPUT%.h5}.shard-$1-of-${SHARDS}.h5\"; }\n"
    << "merge_command() {\n"
    << "  local files=()\n"
    << "  for ((i = 0; i < SHARDS; i++)); do files+=(\"$(shard_file \"$i\")\"); done\n"
    << "  printf '%q ' \"$ORGSIM\" merge -o \"$OUTPUT\" \"${files[@]}\"\n"
    << "}\n\n"
    << "if [[ \"${1:-}\" == merge ]]; then\n"
    << "  eval \"$(merge_command)\"\n"
    << "  exit\n"
    << "fi\n\n"
    << "task=${SLURM_ARRAY_TASK_ID:?submit this script with sbatch: it is a job array}\n"
    << "if [[ \"$task\" == 0 && -z \"${ORGSIM_MERGE_SUBMITTED:-}\" ]]; then\n"
    << "  # One merge for the whole array: it waits until every task has ended successfully.\n"
    << "  sbatch --dependency=afterok:\"${SLURM_ARRAY_JOB_ID}\" --kill-on-invalid-dep=yes "
       "--job-name="
    << job << "-merge \\\n"
    << "    --cpus-per-task=1" << (o.time.empty() ? "" : " --time=" + o.time)
    << (o.partition.empty() ? "" : " --partition=" + shell_quote(o.partition))
    << (o.memory.empty() ? "" : " --mem=" + o.memory)
    << " --output=\"${OUTPUT%.h5}.slurm-merge-%j.log\" \\\n"
    << "    --wrap \"$(merge_command)\"\n"
    << "fi\n\n"
    << "mkdir -p \"$(dirname \"$OUTPUT\")\"\n"
    << "shard=$(shard_file \"$task\")\n"
    << "resume=()\n"
    << "if [[ -e \"$shard\" ]]; then resume=(--resume); fi  # a requeued or resubmitted task keeps "
       "its finished runs\n"
    << "\"$ORGSIM\" run \"$EXPERIMENT\" \"${SETS[@]}\" -o \"$shard\" --shard \"$task/$SHARDS\" \\\n"
    << "  --threads \"${SLURM_CPUS_PER_TASK:-" << o.cpus << "}\" --quiet \"${resume[@]}\"\n";
  return s.str();
}

}  // namespace orgsim::experiments
