// Compound table rows for the results writer: a row layout built field by field, and rows
// batched until the next flush.
#pragma once

#include "hdf5.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace orgsim::experiments {

/// A field of a compound row.
struct Field {
  std::string name;
  hid_t type;
  std::size_t offset;
  std::size_t size;
};

/// The layout of a compound row: fields added in order, their offsets remembered.
struct RowLayout {
  std::vector<Field> fields;
  std::size_t bytes = 0;
  /// Appends a field of `size` bytes.
  void add(const std::string& name, hid_t type, std::size_t size) {
    fields.push_back({name, type, bytes, size});
    bytes += size;
  }
  /// The HDF5 compound type of the layout.
  [[nodiscard]] h5::Handle type() const {
    h5::Handle t = h5::type(H5Tcreate(H5T_COMPOUND, bytes), "compound type");
    for (const Field& f : fields)
      h5::check_status(H5Tinsert(t, f.name.c_str(), f.offset, f.type), "field " + f.name);
    return t;
  }
};

/// Creates the 1-D compound table `name` of `rows` rows (chunked, deflated).
h5::Handle create_table(hid_t file, const char* name, hid_t type, hsize_t rows);

/// Table rows waiting for the next flush, kept in one buffer (no allocation per run), written
/// there as runs of consecutive rows (one HDF5 write each instead of one per run). A run added
/// twice keeps its last row.
class PendingRows {
 public:
  explicit PendingRows(std::size_t row_bytes = 0) : row_bytes_(row_bytes) {}
  /// Space for the row of `run`, zeroed, to fill before the next add or write.
  unsigned char* add(std::uint64_t run) {
    bytes_.resize(bytes_.size() + row_bytes_, 0);
    runs_.push_back(run);
    return bytes_.data() + bytes_.size() - row_bytes_;
  }
  /// Writes the waiting rows into `dataset` (rows indexed by run) and forgets them.
  void write(hid_t dataset, hid_t type, const std::string& what);

 private:
  std::size_t row_bytes_;
  std::vector<std::uint64_t> runs_;
  std::vector<unsigned char> bytes_;
  std::vector<std::size_t> order_;
  std::vector<unsigned char> block_;
};

}  // namespace orgsim::experiments
