// Compound table rows for the results writer.
#include "table_rows.hpp"

#include "results_schema.hpp"

#include <algorithm>
#include <numeric>

namespace orgsim::experiments {

namespace {
// Writes rows [first, first + count) from a contiguous buffer of count rows.
void write_rows(hid_t dataset, hid_t type, hsize_t first, hsize_t count, const void* data,
                const std::string& what) {
  const hsize_t start[1] = {first};
  const hsize_t size[1] = {count};
  h5::Handle file_space = h5::space(H5Dget_space(dataset), what + " space");
  h5::check_status(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, nullptr, size, nullptr),
                   "select " + what);
  h5::Handle memory = h5::space(H5Screate_simple(1, size, nullptr), what + " memory space");
  h5::check_status(H5Dwrite(dataset, type, memory, file_space, H5P_DEFAULT, data), "write " + what);
}
}  // namespace

h5::Handle create_table(hid_t file, const char* name, hid_t type, hsize_t rows) {
  const hsize_t dims[1] = {rows};
  const hsize_t chunk[1] = {std::max<hsize_t>(1, std::min(rows, schema::kRunsChunkRows))};
  h5::Handle space = h5::space(H5Screate_simple(1, dims, nullptr), std::string(name) + " space");
  h5::Handle dcpl = h5::plist(H5Pcreate(H5P_DATASET_CREATE), std::string(name) + " properties");
  h5::check_status(H5Pset_chunk(dcpl, 1, chunk), std::string(name) + " chunking");
  h5::check_status(H5Pset_deflate(dcpl, schema::kDeflateLevel), std::string(name) + " compression");
  return h5::dataset(H5Dcreate2(file, name, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
                     std::string("create /") + name);
}

void PendingRows::write(hid_t dataset, hid_t type, const std::string& what) {
  order_.resize(runs_.size());
  std::iota(order_.begin(), order_.end(), std::size_t{0});
  std::stable_sort(order_.begin(), order_.end(),
                   [&](std::size_t a, std::size_t b) { return runs_[a] < runs_[b]; });
  for (std::size_t k = 0; k < order_.size();) {
    const std::uint64_t first = runs_[order_[k]];
    std::uint64_t next = first;
    block_.clear();
    for (; k < order_.size() && runs_[order_[k]] <= next; ++k) {
      const unsigned char* row = bytes_.data() + order_[k] * row_bytes_;
      if (runs_[order_[k]] < next) {  // the same run again: its later row wins
        std::copy_n(row, row_bytes_, block_.end() - static_cast<std::ptrdiff_t>(row_bytes_));
        continue;
      }
      block_.insert(block_.end(), row, row + row_bytes_);
      ++next;
    }
    write_rows(dataset, type, first, next - first, block_.data(), what);
  }
  runs_.clear();
  bytes_.clear();
}

}  // namespace orgsim::experiments
