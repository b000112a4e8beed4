// /metric_info: written from the metric rows, read back and checked against /metrics.
#include "metric_info.hpp"

#include "orgsim/agents/model.hpp"
#include "orgsim/core/error.hpp"

#include "hdf5.hpp"
#include "results_schema.hpp"

#include <fmt/format.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace orgsim::experiments {

/// /metric_info: one row per /metrics column, in column order, with the metric's metadata
/// (docs/results-format.md). Text is variable-length UTF-8; headline is 0 or 1.
void write_metric_info(hid_t file, std::span<const MetricInfo> metrics) {
  struct InfoRow {
    const char* text[schema::kMetricInfoText.size()];
    std::uint8_t headline;
  };
  std::vector<std::string> better;  // better_name() as owned, terminated text
  for (const MetricInfo& m : metrics) better.emplace_back(better_name(m.better));
  std::vector<InfoRow> rows;
  for (std::size_t k = 0; k < metrics.size(); ++k) {
    const MetricInfo& m = metrics[k];
    rows.push_back({{m.name.c_str(), m.category.c_str(), m.unit.c_str(), m.label.c_str(),
                     m.help.c_str(), better[k].c_str()},
                    static_cast<std::uint8_t>(m.headline ? 1 : 0)});
  }
  h5::Handle text = h5::string_type();
  h5::Handle memory = h5::type(H5Tcreate(H5T_COMPOUND, sizeof(InfoRow)), "metric_info type");
  for (std::size_t f = 0; f < schema::kMetricInfoText.size(); ++f) {
    h5::check_status(H5Tinsert(memory, schema::kMetricInfoText[f],
                               offsetof(InfoRow, text) + f * sizeof(const char*), text),
                     std::string("metric_info field ") + schema::kMetricInfoText[f]);
  }
  h5::check_status(
      H5Tinsert(memory, schema::kMetricInfoHeadline, offsetof(InfoRow, headline), H5T_NATIVE_UINT8),
      "metric_info field headline");
  h5::Handle stored = h5::type(H5Tcopy(memory), "metric_info file type");
  h5::check_status(H5Tpack(stored), "pack metric_info type");
  const hsize_t dims[1] = {rows.size()};
  h5::Handle space = h5::space(H5Screate_simple(1, dims, nullptr), "metric_info space");
  h5::Handle set = h5::dataset(
      H5Dcreate2(file, schema::kMetricInfo, stored, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
      "create /metric_info");
  h5::check_status(H5Dwrite(set, memory, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows.data()),
                   "write /metric_info");
}

namespace {

/// Column `field` of the compound dataset `set` (`rows` rows) as text, fixed- or variable-length.
/// Variable-length text larger than `memory_limit` in all is refused before it is read.
std::vector<std::string> read_text_field(hid_t set, hid_t set_type, const char* field,
                                         std::size_t rows, std::size_t memory_limit,
                                         const std::string& what) {
  const int index = H5Tget_member_index(set_type, field);
  h5::Handle member = h5::type(H5Tget_member_type(set_type, static_cast<unsigned>(index)), what);
  h5::Handle member_copy = h5::type(H5Tcopy(member), what);
  const bool variable = H5Tis_variable_str(member) > 0;
  const std::size_t size = variable ? sizeof(char*) : H5Tget_size(member);
  h5::Handle memory = h5::type(H5Tcreate(H5T_COMPOUND, size), what);
  h5::check_status(H5Tinsert(memory, field, 0, member_copy), what);
  h5::Handle space = h5::space(H5Dget_space(set), what);
  std::vector<std::string> out;
  if (variable) {
    hsize_t bytes = 0;
    h5::check_status(H5Dvlen_get_buf_size(set, memory, space, &bytes), what);
    if (bytes > memory_limit)
      throw ResultsError(
          fmt::format("{} needs {} bytes, more than the {} available", what, bytes, memory_limit));
    std::vector<char*> texts(rows, nullptr);
    const herr_t status = H5Dread(set, memory, H5S_ALL, H5S_ALL, H5P_DEFAULT, texts.data());
    for (const char* text : texts) out.emplace_back(text ? text : "");
    H5Dvlen_reclaim(memory, space, H5P_DEFAULT, texts.data());
    h5::check_status(status, what);
  } else {
    std::vector<char> buffer(size * rows + 1, '\0');
    h5::check_status(H5Dread(set, memory, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()), what);
    for (std::size_t r = 0; r < rows; ++r)
      out.emplace_back(buffer.data() + r * size, strnlen(buffer.data() + r * size, size));
  }
  return out;
}

/// An old file's metric metadata (it has no /metric_info): the running model's, by name; a
/// metric the model does not know gets its name as label and nothing else.
std::vector<MetricInfo> metric_info_from_model(const std::vector<std::string>& names) {
  std::vector<MetricInfo> out;
  for (const std::string& name : names) {
    if (const auto index = agents::find_metric(name)) {
      out.push_back(agents::metric_table()[*index]);
    } else {
      MetricInfo unknown;
      unknown.name = name;
      unknown.label = name;
      out.push_back(std::move(unknown));
    }
  }
  return out;
}

/// True when /metric_info is a 1-D table of `rows` rows with the text and headline columns.
bool has_metric_info_shape(hid_t set, hid_t set_type, std::size_t rows) {
  h5::Handle space = h5::space(H5Dget_space(set), "metric_info space");
  if (H5Tget_class(set_type) != H5T_COMPOUND || H5Sget_simple_extent_ndims(space) != 1 ||
      H5Sget_simple_extent_npoints(space) != static_cast<hssize_t>(rows)) {
    return false;
  }
  for (const char* field : schema::kMetricInfoText) {
    const int index = H5Tget_member_index(set_type, field);
    if (index < 0 || H5Tget_member_class(set_type, static_cast<unsigned>(index)) != H5T_STRING)
      return false;
  }
  const int headline = H5Tget_member_index(set_type, schema::kMetricInfoHeadline);
  return headline >= 0 &&
         H5Tget_member_class(set_type, static_cast<unsigned>(headline)) == H5T_INTEGER;
}

}  // namespace

std::vector<MetricInfo> read_metric_info(hid_t file, const std::string& path,
                                         const std::vector<std::string>& names,
                                         std::size_t memory_limit) {
  if (H5Lexists(file, schema::kMetricInfo, H5P_DEFAULT) <= 0) return metric_info_from_model(names);
  const std::string where = path + ": /metric_info";
  const hid_t id = H5Dopen2(file, schema::kMetricInfo, H5P_DEFAULT);
  if (id < 0) throw ResultsError(where + " is not a dataset");
  h5::Handle set(id, H5Dclose);
  h5::Handle set_type = h5::type(H5Dget_type(set), where + " type");
  if (!has_metric_info_shape(set, set_type, names.size())) {
    throw ResultsError(
        fmt::format("{} must be a table of {} rows (one per /metrics column) with the text columns "
                    "name, category, unit, label, help, better and the integer column headline",
                    where, names.size()));
  }
  std::vector<std::vector<std::string>> text;
  for (const char* field : schema::kMetricInfoText) {
    text.push_back(read_text_field(set, set_type, field, names.size(), memory_limit,
                                   where + " column " + field));
  }
  std::vector<std::int64_t> headline(names.size());
  h5::Handle headline_type =
      h5::type(H5Tcreate(H5T_COMPOUND, sizeof(std::int64_t)), "headline type");
  h5::check_status(H5Tinsert(headline_type, schema::kMetricInfoHeadline, 0, H5T_NATIVE_INT64),
                   "headline column");
  h5::check_status(H5Dread(set, headline_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, headline.data()),
                   where + " column headline");
  std::vector<MetricInfo> out;
  for (std::size_t k = 0; k < names.size(); ++k) {
    if (text[0][k] != names[k]) {
      throw ResultsError(fmt::format("{} row {} is metric '{}', but /metrics column {} is '{}'",
                                     where, k, text[0][k], k, names[k]));
    }
    const auto better = parse_better(text[5][k]);
    if (!better) {
      throw ResultsError(
          fmt::format("{}: metric '{}' has better = '{}'; expected higher, lower or none", where,
                      names[k], text[5][k]));
    }
    if (headline[k] != 0 && headline[k] != 1) {
      throw ResultsError(fmt::format("{}: metric '{}' has headline = {}; expected 0 or 1", where,
                                     names[k], headline[k]));
    }
    out.push_back(
        {names[k], text[1][k], text[2][k], text[3][k], text[4][k], *better, headline[k] == 1});
  }
  return out;
}

std::string metric_info_difference(std::span<const MetricInfo> ours,
                                   std::span<const MetricInfo> theirs) {
  if (ours.size() != theirs.size())
    return fmt::format("{} metrics, not {}", theirs.size(), ours.size());
  for (std::size_t k = 0; k < ours.size(); ++k) {
    const MetricInfo& a = ours[k];
    const MetricInfo& b = theirs[k];
    const auto field = [&](const char* name, const std::string& x, const std::string& y) {
      return x == y ? std::string()
                    : fmt::format("metric {} ({}): {} '{}', not '{}'", k, a.name, name, y, x);
    };
    for (const std::string& difference :
         {field("name", a.name, b.name), field("category", a.category, b.category),
          field("unit", a.unit, b.unit), field("label", a.label, b.label),
          field("help", a.help, b.help),
          field("better", std::string(better_name(a.better)), std::string(better_name(b.better))),
          field("headline", a.headline ? "yes" : "no", b.headline ? "yes" : "no")}) {
      if (!difference.empty()) return difference;
    }
  }
  return "";
}

}  // namespace orgsim::experiments
