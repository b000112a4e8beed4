# Reading an orgsim results file from R with hdf5r (Debian: r-cran-hdf5r).
#
#   Rscript examples/read_results.R RESULTS.h5 [METRIC]
#
# Prints, for METRIC (default strategic_fit), its value at each run's last recorded row,
# averaged per design point (with the design's parameters, the number of runs and the standard
# deviation; split by uncertain events where the experiment has them), and the mean over every
# complete run on a last line:
#
#   mean strategic_fit at each run's last recorded row over 360 complete runs: 0.616296296296296
#
# Exits 1 with a message on stderr when the file cannot be read, 2 on bad arguments.
#
# The layout is described in docs/results-format.md. Two things an R reader must know:
#
# * Dimensions are reversed. HDF5 stores /metrics as [run, row, metric] in C (row-major) order;
#   R is column-major, so hdf5r shows the same bytes as [metric, row, run]: m$dims is
#   c(metrics, rows, runs), and the value h5py reads as metrics[r, i, k] is m[k + 1, i + 1, r + 1]
#   here (and 1-based). Read the metric you need as m[k, , ] -- one slice, not the whole array.
# * A run that stopped early (a firm that went bust, or stop = "equilibrium") has NaN after its
#   last recorded row. /runs column `rows` is the number of rows it recorded, so its last value is
#   at row `rows` (1-based). Taking the last row of the array would give NaN for those runs.
#
# Only rows of /runs with status 1 are complete (a sweep still running, or killed, has others).

suppressPackageStartupMessages(library(hdf5r))

args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 1 || length(args) > 2 || args[1] %in% c("-h", "--help")) {
  cat("usage: Rscript read_results.R RESULTS.h5 [METRIC]\n", file = stderr())
  quit(status = 2)
}
path <- args[1]
metric <- if (length(args) == 2) args[2] else "strategic_fit"

# Columns of /runs that describe the run, not the design.
bookkeeping <- c("run_id", "design_point", "replication", "seed", "sample", "block",
                 "ticks_run", "rows", "snapshots", "status")

as_plain <- function(column) {
  # hdf5r reads uint64 columns as bit64::integer64 when they do not fit an R integer.
  if (inherits(column, "integer64")) as.numeric(column) else column
}

summarize <- function(path, metric) {
  if (!file.exists(path)) stop(path, ": no such file")
  if (!isTRUE(suppressMessages(suppressWarnings(tryCatch(is.h5file(path), error = function(e) FALSE))))) {
    stop(path, ": not an HDF5 file")
  }
  file <- H5File$new(path, mode = "r")
  on.exit(file$close_all(), add = TRUE)
  if (!file$exists("metrics") || !file$exists("runs")) {
    stop(path, ": not an orgsim results file (no /metrics or /runs)")
  }
  metrics <- file[["metrics"]]
  names <- h5attr(metrics, "names")        # metric names, in column order
  k <- match(metric, names)
  if (is.na(k)) stop(path, ": no metric '", metric, "' (the file has ", length(names), ")")
  dims <- metrics$dims                      # c(metrics, rows, runs): reversed, see above
  if (length(dims) != 3 || dims[1] != length(names)) stop(path, ": unexpected /metrics shape")

  runs <- file[["runs"]]$read()             # a data.frame, one row per run
  runs[] <- lapply(runs, as_plain)
  if (nrow(runs) != dims[3]) stop(path, ": /runs and /metrics disagree on the number of runs")

  values <- metrics[k, , , drop = FALSE]    # 1 x rows x runs: this metric only
  values <- matrix(values, nrow = dims[2], ncol = dims[3])   # rows x runs
  last <- runs$rows                          # rows recorded by each run (1-based last row)
  complete <- runs$status == 1 & last >= 1
  if (!any(complete)) stop(path, ": no complete runs")
  runs <- runs[complete, , drop = FALSE]
  runs$value <- values[cbind(runs$rows, which(complete))]

  # The design's parameters and options, and uncertain events (1 where the event happened): an
  # uncertain event varies within a design point, so the groups are design point x events.
  design <- setdiff(names(runs), c(bookkeeping, "value"))
  groups <- split(runs, runs[c("design_point", design)], drop = TRUE, lex.order = TRUE)
  table <- do.call(rbind, lapply(groups, function(g) {
    row <- g[1, c("design_point", design), drop = FALSE]
    row$runs <- nrow(g)
    row$mean <- mean(g$value)
    row$sd <- if (nrow(g) > 1) sd(g$value) else NA_real_
    row
  }))
  table <- table[do.call(order, unname(as.list(table[c("design_point", design)]))), , drop = FALSE]
  rownames(table) <- NULL
  list(table = table, overall = mean(runs$value), n = nrow(runs), design = design)
}

result <- tryCatch(summarize(path, metric), error = function(e) {
  cat("read_results.R: ", conditionMessage(e), "\n", sep = "", file = stderr())
  quit(status = 1)
})

cat(sprintf("%s: %s at each run's last recorded row, by design point (columns: %s)\n\n", path, metric,
            if (length(result$design)) paste(result$design, collapse = ", ") else "one design point"))
shown <- result$table
shown$mean <- signif(shown$mean, 4)
shown$sd <- signif(shown$sd, 3)
shown_rows <- 30                            # a long design (a Sobol sample) prints its first rows
print(head(shown, shown_rows), row.names = FALSE)
if (nrow(shown) > shown_rows) cat(sprintf("... and %d more rows\n", nrow(shown) - shown_rows))
cat(sprintf("\nmean %s at each run's last recorded row over %d complete runs: %.15g\n",
            metric, result$n, result$overall))
