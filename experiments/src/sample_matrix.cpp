// Sample matrices made elsewhere ([sweep.samples], docs/experiment-files.md): SALib's and EMA
// Workbench's samples saved with numpy or pandas, R's lhs written with write.csv. One row per
// design point, one column per parameter; commas or blanks between values; a header row of
// parameter names unless `columns` names them; lines starting with '#' are comments, except a
// first line "# name,name" (numpy.savetxt's header), which is the header.
#include "sample_matrix.hpp"

#include "orgsim/core/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace orgsim::experiments {

namespace {

constexpr std::uintmax_t kMostFileBytes = 1ull << 30;

struct Field {
  std::string_view text;
  std::uint32_t column = 0;  ///< 1-based
};

/// The fields of one line: split at commas when the line has one, else at blanks; surrounding
/// blanks and one pair of double quotes around a field are removed.
std::vector<Field> split(std::string_view line) {
  std::vector<Field> fields;
  const bool commas = line.find(',') != std::string_view::npos;
  std::size_t pos = 0;
  while (pos <= line.size()) {
    if (!commas) {
      while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t')) ++pos;
      if (pos == line.size()) break;
    }
    std::size_t end = pos;
    while (end < line.size() &&
           (commas ? line[end] != ',' : (line[end] != ' ' && line[end] != '\t')))
      ++end;
    std::size_t a = pos, b = end;
    while (a < b && (line[a] == ' ' || line[a] == '\t')) ++a;
    while (b > a && (line[b - 1] == ' ' || line[b - 1] == '\t')) --b;
    if (b - a >= 2 && line[a] == '"' && line[b - 1] == '"') ++a, --b;
    fields.push_back({line.substr(a, b - a), static_cast<std::uint32_t>(a + 1)});
    if (end == line.size()) break;
    pos = end + 1;
  }
  return fields;
}

bool number(std::string_view text, double& out) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size() && std::isfinite(out);
}

/// A cell as the parameter's value. Integers may be written as reals (samplers draw reals):
/// they are rounded to the nearest integer. A choice or boolean is its name (true/false) or, as
/// `orgsim problem` describes it, a number u in [0, n): the value with index floor(u).
ParamValue cell_value(const ParamSpec& param, const Field& cell, const SourceLocation& at) {
  const auto fail = [&](const std::string& what) -> ParamValue {
    throw ConfigError(at, fmt::format("{}: expected {}, got '{}'{}", param.name,
                                      agents::expected_value(param), cell.text, what));
  };
  double x = 0;
  const bool numeric = number(cell.text, x);
  ParamValue value;
  switch (param.type) {
    case agents::ParamType::real:
      if (!numeric) return fail("");
      value = x;
      break;
    case agents::ParamType::integer:
      if (!numeric) return fail("");
      if (std::abs(x) > 9.0e15) return fail(" (too large)");
      value = static_cast<std::int64_t>(std::llround(x));
      break;
    case agents::ParamType::boolean:
      if (cell.text == "true" || cell.text == "false") {
        value = cell.text == "true";
      } else if (numeric && x >= 0 && x < 2) {
        value = x >= 1;
      } else {
        return fail(" (true, false, or a number in [0, 2) as `orgsim problem` describes it)");
      }
      break;
    case agents::ParamType::choice:
      if (numeric) {
        if (x < 0 || x >= static_cast<double>(param.choices.size()))
          return fail(
              fmt::format(" (a number picks a choice by index: [0, {}))", param.choices.size()));
        value = std::string(param.choices[static_cast<std::size_t>(x)]);
      } else {
        value = std::string(cell.text);
      }
      break;
  }
  const auto coerced = agents::coerce(param, value);
  if (!coerced) return fail("");
  return *coerced;
}

const ParamSpec& column_parameter(const std::string& name, const SourceLocation& at,
                                  const std::vector<const ParamSpec*>& earlier) {
  const ParamSpec* param = agents::find_parameter(name);
  if (!param) {
    std::vector<std::string> known;
    for (const ParamSpec& p : agents::parameter_table()) known.push_back(std::string(p.name));
    throw ConfigError(at, fmt::format("sweep.samples: column '{}' is not a parameter{}", name,
                                      did_you_mean(name, known)));
  }
  if (param->name == "org.chart")
    throw ConfigError(at, "sweep.samples: org.chart cannot be sampled");
  if (std::find(earlier.begin(), earlier.end(), param) != earlier.end())
    throw ConfigError(at, fmt::format("sweep.samples: column '{}' appears twice", name));
  return *param;
}

}  // namespace

std::vector<const ParamSpec*> sample_columns(const std::vector<std::string>& names,
                                             const std::vector<SourceLocation>& where) {
  std::vector<const ParamSpec*> columns;
  for (std::size_t c = 0; c < names.size(); ++c)
    columns.push_back(&column_parameter(names[c], where[c], columns));
  return columns;
}

SampleMatrix parse_sample_matrix(std::string_view text, const std::string& source,
                                 std::vector<const ParamSpec*> columns) {
  SampleMatrix out;
  out.parameters = std::move(columns);
  std::uint32_t line_number = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line_number == 1 && line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3);  // BOM
    const bool comment = line.starts_with("#");
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    if (out.parameters.empty()) {  // the header: names (numpy.savetxt writes "# a,b")
      std::string_view header = line;
      if (comment) header.remove_prefix(1);
      const auto fields = split(header);
      std::vector<std::string> names;
      std::vector<SourceLocation> where;
      for (const Field& f : fields) {
        names.emplace_back(f.text);
        where.push_back({source, line_number, f.column + (comment ? 1u : 0u)});
      }
      double x = 0;
      if (!names.empty() && number(names.front(), x))
        throw ConfigError(where.front(),
                          "sweep.samples: the first row holds numbers, not parameter names: add a "
                          "header row, or name the columns with columns = [\"...\", ...]");
      out.parameters = sample_columns(names, where);
      continue;
    }
    if (comment) continue;
    const auto fields = split(line);
    if (fields.size() != out.parameters.size()) {
      throw ConfigError({source, line_number, 1},
                        fmt::format("sweep.samples: this row has {} values, expected {} (one per "
                                    "column)",
                                    fields.size(), out.parameters.size()));
    }
    std::vector<ParamValue> row;
    row.reserve(fields.size());
    for (std::size_t c = 0; c < fields.size(); ++c)
      row.push_back(
          cell_value(*out.parameters[c], fields[c], {source, line_number, fields[c].column}));
    out.rows.push_back(std::move(row));
    if (out.rows.size() * out.parameters.size() > kMostSampleValues) {
      throw ConfigError({source, line_number, 1},
                        fmt::format("sweep.samples: more than {} values; split the sample into "
                                    "several experiments",
                                    kMostSampleValues));
    }
  }
  if (out.parameters.empty())
    throw ConfigError({source, 1, 1}, "sweep.samples: the file is empty (expected a header row)");
  if (out.rows.empty())
    throw ConfigError({source, line_number, 1}, "sweep.samples: the file has no sample rows");
  return out;
}

std::string read_sample_file(const std::filesystem::path& file, const SourceLocation& named_at) {
  std::error_code ec;
  const auto status = std::filesystem::status(file, ec);
  if (ec || !std::filesystem::exists(status))
    throw ConfigError(named_at, "sweep.samples.file: '" + file.string() + "' does not exist");
  if (!std::filesystem::is_regular_file(status))
    throw ConfigError(named_at, "sweep.samples.file: '" + file.string() + "' is not a file");
  if (std::filesystem::file_size(file, ec) > kMostFileBytes)
    throw ConfigError(named_at, "sweep.samples.file: '" + file.string() + "' is larger than 1 GiB");
  std::ifstream in(file, std::ios::binary);
  std::ostringstream bytes;
  if (in) bytes << in.rdbuf();
  if (!in || in.bad())
    throw ConfigError(named_at, "sweep.samples.file: cannot read '" + file.string() + "'");
  return bytes.str();
}

}  // namespace orgsim::experiments
