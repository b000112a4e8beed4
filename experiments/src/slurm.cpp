// The Slurm submission script: run with bash on the login node, it makes the directories and
// submits the array of shards and the dependent merge together (docs/cluster.md).
#include "orgsim/experiments/slurm.hpp"

#include "orgsim/core/error.hpp"
#include "orgsim/core/version.hpp"

#include <fmt/format.h>

#include <regex>
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

namespace {

/// `value` in double quotes with control characters as \n, \t or \xHH (one readable line).
std::string visible(const std::string& value) {
  std::string out = "\"";
  for (const char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n')
      out += "\\n";
    else if (c == '\t')
      out += "\\t";
    else if (u < 0x20 || u == 0x7f)
      out += fmt::format("\\x{:02x}", u);
    else
      out += c;
  }
  return out + "\"";
}

void check_pattern(const std::string& option, const std::string& value, const std::regex& pattern,
                   std::string_view expected) {
  if (!std::regex_match(value, pattern)) {
    throw UsageError(fmt::format("{} {}: expected {}", option, visible(value), expected));
  }
}

/// The sbatch options of the array tasks or of the merge, as a bash array's words.
std::string job_options(const SlurmOptions& o, std::size_t cpus, const std::string& time) {
  std::string out = fmt::format("--cpus-per-task={} --time={}", cpus, shell_quote(time));
  if (!o.partition.empty()) out += " --partition=" + shell_quote(o.partition);
  if (!o.account.empty()) out += " --account=" + shell_quote(o.account);
  if (!o.memory.empty()) out += " --mem=" + shell_quote(o.memory);
  return out;
}

constexpr std::string_view kFunctions =
    R"sh(shard_file() { echo "${OUTPUT%.h5}.shard-$1-of-${SHARDS}.h5"; }

# Slurm runs this in every array task: one shard, resumed if a requeued task finds its file.
task() {
  local task=${SLURM_ARRAY_TASK_ID:?the array tasks run this; submit with: bash THIS_SCRIPT}
  local shard resume=()
  shard=$(shard_file "$task")
  if [[ -e "$shard" ]]; then resume=(--resume); fi
  # ${a[@]+"${a[@]}"}: an empty array under set -u in bash before 4.4 (CentOS 7 clusters)
  exec "$ORGSIM" run "$EXPERIMENT" ${SETS[@]+"${SETS[@]}"} -o "$shard" --shard "$task/$SHARDS" \
    --threads "${SLURM_CPUS_PER_TASK:-$CPUS}" --quiet ${resume[@]+"${resume[@]}"}
}

merge() {
  local files=() i
  for ((i = 0; i < SHARDS; i++)); do files+=("$(shard_file "$i")"); done
  exec "$ORGSIM" merge -o "$OUTPUT" "${files[@]}"
}

# From the login node: the directories first (Slurm does not create a missing log directory),
# then the array and, at once, the merge that waits for every task of it to succeed.
submit() {
  local tasks=$1 script array_id merge_id
  if [[ -n "${SLURM_JOB_ID:-}" ]]; then
    echo "orgsim: run this script with bash on the login node, not with sbatch" >&2
    exit 2
  fi
  script=$(readlink -f -- "${BASH_SOURCE[0]}")
  if [[ ! -f "$script" ]]; then
    echo "orgsim: save this script to a file and run: bash FILE (Slurm runs the file itself)" >&2
    exit 2
  fi
  mkdir -p -- "$(dirname -- "$OUTPUT")" "$LOGS"
  array_id=$(sbatch --parsable --job-name="$JOB" --array="$tasks" "${TASK_OPTIONS[@]}" \
    --output="$LOGS/task-%A_%a.log" "$script" task)
  array_id=${array_id%%;*}
  if ! merge_id=$(sbatch --parsable --job-name="$JOB-merge" --dependency=afterok:"$array_id" \
    --kill-on-invalid-dep=yes "${MERGE_OPTIONS[@]}" --output="$LOGS/merge-%j.log" "$script" merge); then
    echo "orgsim: the merge job could not be submitted, so array job $array_id is cancelled" \
      "(no task has run yet); fix the cause and run this script again" >&2
    scancel "$array_id" || echo "orgsim: scancel $array_id failed: cancel it by hand" >&2
    exit 1
  fi
  merge_id=${merge_id%%;*}
  echo "submitted: array job $array_id (tasks $tasks) and merge job $merge_id after it; logs in $LOGS"
}

case "${1:-submit}" in
  submit) submit "0-$((SHARDS - 1))" ;;
  resubmit)
    if [[ ! "${2:-}" =~ ^[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*$ ]]; then
      echo "usage: bash THIS_SCRIPT resubmit TASKS   (task ids, e.g. 3,17 or 0-4)" >&2
      exit 2
    fi
    submit "$2" ;;
  task) task ;;
  merge) merge ;;
  *)
    echo "usage: bash THIS_SCRIPT [submit | resubmit TASKS | merge]" >&2
    exit 2 ;;
esac
)sh";

}  // namespace

void check_slurm_time(const std::string& option, const std::string& value) {
  static const std::regex pattern(
      R"(\d{1,7}(:\d{1,2}(:\d{1,2})?)?|\d{1,5}-\d{1,2}(:\d{1,2}(:\d{1,2})?)?)");
  check_pattern(option, value, pattern,
                "a Slurm time limit: MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS");
}

void check_slurm_memory(const std::string& option, const std::string& value) {
  static const std::regex pattern(R"(\d{1,12}[KMGT]?)");
  check_pattern(option, value, pattern,
                "a Slurm memory size: megabytes, or a number with K, M, G or T (e.g. 4G)");
}

void check_slurm_names(const std::string& option, const std::string& value) {
  static const std::regex pattern(R"([A-Za-z0-9_.\-]{1,64}(,[A-Za-z0-9_.\-]{1,64})*)");
  check_pattern(option, value, pattern,
                "one or more names (letters, digits, _ . -) separated by commas");
}

std::string slurm_minutes(long long minutes) {
  const long long days = minutes / (24 * 60);
  const long long hours = (minutes / 60) % 24;
  if (days > 0) return fmt::format("{}-{:02}:{:02}:00", days, hours, minutes % 60);
  return fmt::format("{:02}:{:02}:00", hours, minutes % 60);
}

std::string sbatch_script(const SlurmOptions& o) {
  check_slurm_time("--time", o.time);
  check_slurm_time("merge time", o.merge_time);
  if (!o.memory.empty()) check_slurm_memory("--mem", o.memory);
  if (!o.partition.empty()) check_slurm_names("--partition", o.partition);
  if (!o.account.empty()) check_slurm_names("--account", o.account);
  std::ostringstream s;
  s << "#!/bin/bash\n"
    << "# orgsim " << version() << ": experiment " << shell_quote(o.name) << " (" << o.runs
    << " runs) on Slurm: a job array of " << o.shards << " shards and a merge\n"
    << "# that starts when every shard has succeeded (docs/cluster.md). Run it with bash:\n"
    << "#   bash THIS_SCRIPT                  submit both (makes the log directory first)\n"
    << "#   bash THIS_SCRIPT resubmit 3,17    after failures: those tasks and a new merge\n"
    << "#   bash THIS_SCRIPT merge            merge by hand, once every shard is complete\n"
    << "# Each array task runs `THIS_SCRIPT task`; a requeued task resumes its shard file.\n"
    << "set -euo pipefail\n\n"
    << "ORGSIM=" << shell_quote(o.orgsim) << "\n"
    << "EXPERIMENT=" << shell_quote(o.experiment) << "\n"
    << "OUTPUT=" << shell_quote(o.output) << "\n"
    << "SHARDS=" << o.shards << "\n"
    << "CPUS=" << o.cpus << "\n"
    << "SETS=(";
  for (std::size_t i = 0; i < o.sets.size(); ++i)
    s << (i ? " " : "") << "--set " << shell_quote(o.sets[i]);
  s << ")\n"
    << "JOB=" << shell_quote("orgsim-" + o.name) << "\n"
    << "LOGS=\"${OUTPUT%.h5}.slurm-logs\"\n"
    << "TASK_OPTIONS=(" << job_options(o, o.cpus, o.time) << ")\n"
    << "MERGE_OPTIONS=(" << job_options(o, 1, o.merge_time) << ")\n\n"
    << kFunctions;
  return s.str();
}

}  // namespace orgsim::experiments
