// libFuzzer target, structure-aware: the fuzzer's bytes decide how to build an HDF5 file with the
// HDF5 API that is almost an orgsim results file: datasets dropped, renamed or replaced by groups,
// wrong element types, wrong ranks and shapes, huge declared extents, missing or garbage
// attributes, /runs columns with odd types and values, /run_info and /snapshots that disagree
// with /metrics, and the finished file truncated at a chosen offset. orgsim then opens it as the
// commands do and must reject it with an orgsim::Error (or read it correctly).
#include "results_fuzz.hpp"

#include <fuzzer/FuzzedDataProvider.h>
#include <hdf5.h>
#include <unistd.h>

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

namespace {

/// Owns one HDF5 id.
class Id {
 public:
  Id(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  Id(const Id&) = delete;
  Id& operator=(const Id&) = delete;
  ~Id() {
    if (id_ >= 0) close_(id_);
  }
  [[nodiscard]] bool ok() const { return id_ >= 0; }
  operator hid_t() const { return id_; }  // NOLINT: passed to C calls

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

constexpr std::array<const char*, 6> kMetricNames = {
    "strategic_fit", "goal_alignment", "engagement", "profit", "lead_time", ""};

/// Numbers that reach the reader's edge cases more often than uniform bytes would.
double interesting_number(FuzzedDataProvider& in) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  static const std::array<double, 14> special = {
      0,    1,           2,      3,   -1,   0.5,
      64,   1e300,       -1e300, inf, -inf, std::numeric_limits<double>::quiet_NaN(),
      1e19, 4294967296.0};
  if (in.ConsumeBool()) return in.PickValueInArray(special);
  return static_cast<double>(in.ConsumeIntegralInRange<std::int64_t>(-4, 70));
}

/// One of the element types the reader may meet.
hid_t element_type(FuzzedDataProvider& in, std::vector<hid_t>& owned) {
  switch (in.ConsumeIntegralInRange(0, 7)) {
    case 0:
      return H5T_IEEE_F64LE;
    case 1:
      return H5T_IEEE_F32BE;
    case 2:
      return H5T_STD_I64LE;
    case 3:
      return H5T_STD_U8LE;
    case 4:
      return H5T_STD_I32BE;
    case 5: {
      const hid_t t = H5Tcopy(H5T_C_S1);
      H5Tset_size(t, in.ConsumeIntegralInRange<std::size_t>(1, 24));
      owned.push_back(t);
      return t;
    }
    case 6: {
      const hid_t t = H5Tcreate(H5T_COMPOUND, 8);
      H5Tinsert(t, "x", 0, H5T_IEEE_F64LE);
      owned.push_back(t);
      return t;
    }
    default: {
      const hsize_t dims[1] = {2};
      const hid_t t = H5Tarray_create2(H5T_IEEE_F64LE, 1, dims);
      owned.push_back(t);
      return t;
    }
  }
}

/// A dataspace: scalar, null, or a simple extent of rank 1..5; small, or huge and unallocated.
hid_t make_space(FuzzedDataProvider& in, bool& huge, int min_rank = 0) {
  huge = false;
  const int rank = in.ConsumeIntegralInRange(min_rank, 5);
  if (rank == 0) return H5Screate(in.ConsumeBool() ? H5S_SCALAR : H5S_NULL);
  hsize_t dims[5] = {};
  for (int k = 0; k < rank; ++k) {
    if (in.ConsumeIntegralInRange(0, 15) == 0) {
      dims[k] = hsize_t{1} << in.ConsumeIntegralInRange(20, 45);
      huge = true;
    } else {
      dims[k] = in.ConsumeIntegralInRange<hsize_t>(0, 5);
    }
  }
  return H5Screate_simple(rank, dims, nullptr);
}

/// Creates a dataset (chunked when its extent is huge) and fills small ones from fuzzer bytes.
void make_dataset(FuzzedDataProvider& in, hid_t parent, const std::string& name, hid_t type,
                  hid_t space, bool huge) {
  Id dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  const int rank = H5Sget_simple_extent_ndims(space);
  if (huge && rank > 0) {
    std::vector<hsize_t> chunk(static_cast<std::size_t>(rank), 1);
    H5Pset_chunk(dcpl, rank, chunk.data());
  }
  Id set(H5Dcreate2(parent, name.c_str(), type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT), H5Dclose);
  if (!set.ok() || huge || H5Tis_variable_str(type) > 0 || !in.ConsumeBool()) return;
  const hssize_t points = H5Sget_simple_extent_npoints(space);
  const std::size_t bytes =
      static_cast<std::size_t>(std::max<hssize_t>(points, 0)) * H5Tget_size(type);
  std::vector<std::uint8_t> buffer = in.ConsumeBytes<std::uint8_t>(bytes);
  buffer.resize(bytes);
  if (H5Tget_class(type) == H5T_FLOAT && H5Tget_size(type) == 8) {
    for (std::size_t k = 0; k + 8 <= bytes; k += 8) {
      const double x = interesting_number(in);
      std::memcpy(buffer.data() + k, &x, 8);
    }
  }
  if (bytes > 0) H5Dwrite(set, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data());
}

/// A string-ish attribute: missing, variable-length strings (0..6), fixed-length, or a number.
void make_names_attribute(FuzzedDataProvider& in, hid_t object, const char* name) {
  const int kind = in.ConsumeIntegralInRange(0, 4);
  if (kind == 0) return;
  if (kind == 3 || kind == 4) {  // numbers, scalar or 1-D
    const hsize_t dims[1] = {in.ConsumeIntegralInRange<hsize_t>(0, 6)};
    Id space(kind == 3 ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, dims, nullptr), H5Sclose);
    Id attr(H5Acreate2(object, name, H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
    std::vector<std::int64_t> values(7);
    for (auto& v : values) v = in.ConsumeIntegralInRange<std::int64_t>(-2, 70);
    if (attr.ok()) H5Awrite(attr, H5T_NATIVE_INT64, values.data());
    return;
  }
  const std::size_t count = in.ConsumeIntegralInRange<std::size_t>(0, 6);
  std::vector<std::string> texts;
  for (std::size_t k = 0; k < count; ++k) {
    texts.push_back(in.ConsumeBool() ? kMetricNames[k % kMetricNames.size()]
                                     : in.ConsumeRandomLengthString(12));
  }
  const hsize_t dims[1] = {count};
  Id space(
      in.ConsumeBool() || count == 0 ? H5Screate_simple(1, dims, nullptr) : H5Screate(H5S_SCALAR),
      H5Sclose);
  Id type(H5Tcopy(H5T_C_S1), H5Tclose);
  if (kind == 1) {
    H5Tset_size(type, H5T_VARIABLE);
    Id attr(H5Acreate2(object, name, type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
    std::vector<const char*> pointers;
    for (const auto& t : texts) pointers.push_back(t.c_str());
    pointers.resize(std::max<std::size_t>(pointers.size(), 1), "");
    if (attr.ok()) H5Awrite(attr, type, pointers.data());
  } else {
    const std::size_t width = in.ConsumeIntegralInRange<std::size_t>(1, 16);
    H5Tset_size(type, width);
    Id attr(H5Acreate2(object, name, type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
    std::vector<char> buffer(width * std::max<std::size_t>(count, 1), '\0');
    for (std::size_t k = 0; k < texts.size(); ++k)
      std::strncpy(buffer.data() + k * width, texts[k].c_str(), width);
    if (attr.ok()) H5Awrite(attr, type, buffer.data());
  }
}

/// A column of a fuzzed compound table: its name, type and offset in a row.
struct Member {
  const char* name;
  hid_t type;
  std::size_t offset;
};

/// A fuzzer-chosen subset of `columns`, each of a fuzzer-chosen type (the types it creates go to
/// `owned`); `bytes` becomes the row size.
std::vector<Member> choose_members(FuzzedDataProvider& in, const std::vector<const char*>& columns,
                                   std::vector<hid_t>& owned, std::size_t& bytes) {
  std::vector<Member> members;
  for (const char* column : columns) {
    if (in.ConsumeIntegralInRange(0, 7) == 0) continue;  // dropped column
    hid_t type = H5T_IEEE_F64LE;
    switch (in.ConsumeIntegralInRange(0, 9)) {
      case 0:
        type = H5T_STD_I64LE;
        break;
      case 1:
        type = H5T_STD_U8LE;
        break;
      case 2:
        type = H5T_IEEE_F32LE;
        break;
      case 3: {
        type = H5Tcopy(H5T_C_S1);
        H5Tset_size(type, in.ConsumeIntegralInRange<std::size_t>(1, 16));
        owned.push_back(type);
        break;
      }
      case 4: {
        type = H5Tcopy(H5T_C_S1);
        H5Tset_size(type, H5T_VARIABLE);
        owned.push_back(type);
        break;
      }
      case 5: {
        const hsize_t dims[1] = {2};
        type = H5Tarray_create2(H5T_IEEE_F64LE, 1, dims);
        owned.push_back(type);
        break;
      }
      default:
        break;  // double, as orgsim writes most columns
    }
    members.push_back({column, type, bytes});
    bytes += H5Tget_size(type);
  }
  return members;
}

/// Fills `points` rows of fuzzed values and writes them to `set`.
void write_rows(FuzzedDataProvider& in, hid_t set, hid_t row_type,
                const std::vector<Member>& members, std::size_t bytes, hssize_t points) {
  std::vector<std::uint8_t> buffer(bytes * static_cast<std::size_t>(points), 0);
  std::vector<std::string> texts;
  texts.reserve(static_cast<std::size_t>(points) * members.size());
  for (hssize_t r = 0; r < points; ++r) {
    std::uint8_t* row = buffer.data() + static_cast<std::size_t>(r) * bytes;
    for (const Member& m : members) {
      const H5T_class_t cls = H5Tget_class(m.type);
      if (cls == H5T_STRING && H5Tis_variable_str(m.type) > 0) {
        texts.push_back(in.ConsumeRandomLengthString(8));
        const char* p = texts.back().c_str();
        std::memcpy(row + m.offset, &p, sizeof p);
      } else if (cls == H5T_STRING) {
        const std::string t = in.ConsumeRandomLengthString(H5Tget_size(m.type));
        std::memcpy(row + m.offset, t.data(), std::min(t.size(), H5Tget_size(m.type)));
      } else if (cls == H5T_FLOAT && H5Tget_size(m.type) == 8) {
        const double x = interesting_number(in);
        std::memcpy(row + m.offset, &x, 8);
      } else if (cls == H5T_FLOAT) {
        const auto x = static_cast<float>(interesting_number(in));
        std::memcpy(row + m.offset, &x, 4);
      } else if (cls == H5T_INTEGER && H5Tget_size(m.type) == 8) {
        const auto x = in.ConsumeIntegralInRange<std::int64_t>(-2, 70);
        std::memcpy(row + m.offset, &x, 8);
      } else if (cls == H5T_INTEGER) {
        row[m.offset] = in.ConsumeIntegral<std::uint8_t>();
      }
    }
  }
  H5Dwrite(set, row_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data());
}

/// A /runs-like compound table with a fuzzer-chosen subset of orgsim's columns.
void make_table(FuzzedDataProvider& in, hid_t file, const char* name,
                std::vector<const char*> columns, hsize_t rows) {
  std::vector<hid_t> owned;
  std::size_t bytes = 0;
  const std::vector<Member> members = choose_members(in, columns, owned, bytes);
  if (members.empty()) return;
  Id row_type(H5Tcreate(H5T_COMPOUND, bytes), H5Tclose);
  for (const Member& m : members) H5Tinsert(row_type, m.name, m.offset, m.type);
  bool huge = false;
  hid_t space_id = -1;
  if (in.ConsumeIntegralInRange(0, 5) == 0) {
    space_id = make_space(in, huge);  // any rank and extent
  } else {
    const hsize_t dims[1] = {rows};
    space_id = H5Screate_simple(1, dims, nullptr);
  }
  Id space(space_id, H5Sclose);
  Id set(H5Dcreate2(file, name, row_type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose);
  const hssize_t points = H5Sget_simple_extent_npoints(space);
  if (set.ok() && points > 0 && points <= 64) write_rows(in, set, row_type, members, bytes, points);
  for (hid_t t : owned) H5Tclose(t);
}

/// /metrics: missing, renamed, a group, or a dataset of any type and shape. Returns its run count.
hsize_t make_metrics(FuzzedDataProvider& in, hid_t file, std::vector<hid_t>& owned) {
  hsize_t runs = 0;
  const int metrics_kind = in.ConsumeIntegralInRange(0, 7);
  if (metrics_kind == 1) {
    Id group(H5Gcreate2(file, "metrics", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
  } else if (metrics_kind >= 2) {
    bool huge = false;
    hid_t type = H5T_IEEE_F64LE;
    hid_t space_id = -1;
    if (metrics_kind >= 5) {  // the right type and rank, fuzzed extents
      hsize_t dims[3];
      for (hsize_t& d : dims) d = in.ConsumeIntegralInRange<hsize_t>(0, 5);
      if (in.ConsumeIntegralInRange(0, 7) == 0) {
        dims[in.ConsumeIntegralInRange(0, 2)] = hsize_t{1} << in.ConsumeIntegralInRange(20, 45);
        huge = true;
      }
      space_id = H5Screate_simple(3, dims, nullptr);
    } else {
      type = element_type(in, owned);
      space_id = make_space(in, huge);
    }
    Id space(space_id, H5Sclose);
    if (H5Sget_simple_extent_ndims(space) > 0) {
      hsize_t dims[5] = {};
      H5Sget_simple_extent_dims(space, dims, nullptr);
      runs = dims[0];
    }
    const char* name =
        metrics_kind == 2 ? "Metrics" : "metrics";  // a renamed dataset is a missing one
    make_dataset(in, file, name, type, space, huge);
    if (H5Lexists(file, name, H5P_DEFAULT) > 0) {
      Id set(H5Dopen2(file, name, H5P_DEFAULT), H5Dclose);
      make_names_attribute(in, set, "names");
      if (in.ConsumeBool()) {
        bool attr_huge = false;
        Id attr_space(make_space(in, attr_huge), H5Sclose);
        const hid_t attr_type = in.ConsumeBool() ? H5T_STD_I64LE : element_type(in, owned);
        Id attr(attr_huge ? -1
                          : H5Acreate2(set, "tick_of_row", attr_type, attr_space, H5P_DEFAULT,
                                       H5P_DEFAULT),
                H5Aclose);
        const hssize_t points = H5Sget_simple_extent_npoints(attr_space);
        if (attr.ok() && points > 0 && H5Tget_class(attr_type) == H5T_INTEGER) {
          std::vector<std::int64_t> ticks(static_cast<std::size_t>(points));
          for (auto& t : ticks) t = in.ConsumeIntegralInRange<std::int64_t>(-3, 100);
          H5Awrite(attr, H5T_NATIVE_INT64, ticks.data());
        }
      }
    }
  }

  return runs;
}

/// /runs, /run_info and /snapshots.
void make_runs_tables(FuzzedDataProvider& in, hid_t file, hsize_t runs, std::vector<hid_t>& owned) {
  const int runs_kind = in.ConsumeIntegralInRange(0, 5);
  if (runs_kind == 1) {
    Id group(H5Gcreate2(file, "runs", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
  } else if (runs_kind == 2) {
    bool huge = false;
    Id space(make_space(in, huge), H5Sclose);
    make_dataset(in, file, "runs", element_type(in, owned), space, huge);
  } else if (runs_kind >= 3) {
    const hsize_t rows = in.ConsumeBool() ? runs : in.ConsumeIntegralInRange<hsize_t>(0, 6);
    make_table(in, file, "runs",
               {"run_id", "design_point", "replication", "seed", "structure.type",
                "learning.socialization_rate", "ticks_run", "rows", "snapshots", "status"},
               rows);
  }
  if (in.ConsumeBool()) {
    const hsize_t rows = in.ConsumeBool() ? runs : in.ConsumeIntegralInRange<hsize_t>(0, 8);
    make_table(in, file, "run_info", {"wall_seconds", "other"}, rows);
  }
  if (in.ConsumeBool()) {
    Id group(H5Gcreate2(file, "snapshots", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
    make_names_attribute(in, group, "fields");
    for (const char* field : {"engagement", ""}) {
      if (!in.ConsumeBool()) continue;
      bool huge = false;
      Id space(make_space(in, huge, 1), H5Sclose);
      const hid_t type = in.ConsumeBool() ? H5T_STD_I8LE : element_type(in, owned);
      make_dataset(in, group, *field ? field : "beliefs", type, space, huge);
    }
  }
}

void build_file(FuzzedDataProvider& in, const std::string& path) {
  Id fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  if (in.ConsumeBool()) H5Pset_libver_bounds(fapl, H5F_LIBVER_LATEST, H5F_LIBVER_LATEST);
  Id file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl), H5Fclose);
  if (!file.ok()) return;
  std::vector<hid_t> owned;

  // Root attributes (provenance).
  for (const char* name : {"finished", "experiment", "experiment_name", "design"})
    make_names_attribute(in, file, name);

  const hsize_t runs = make_metrics(in, file, owned);
  make_runs_tables(in, file, runs, owned);
  for (hid_t t : owned) H5Tclose(t);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  const std::string& path = orgsim::fuzz::scratch_path();
  const bool truncate_it = in.ConsumeIntegralInRange(0, 5) == 0;
  const double truncate_at = in.ConsumeProbability<double>();
  build_file(in, path);
  std::error_code error;
  if (truncate_it && std::filesystem::exists(path, error)) {
    const auto bytes = std::filesystem::file_size(path, error);
    if (!error)
      std::filesystem::resize_file(
          path, static_cast<std::uintmax_t>(truncate_at * static_cast<double>(bytes)), error);
  }
  orgsim::fuzz::read_like_the_commands(path);
  return 0;
}
