// A run record as bytes, for MPI messages: fixed-width little-endian fields in one buffer.
#include "orgsim/core/error.hpp"
#include "orgsim/experiments/mpi.hpp"

#include <cstring>
#include <type_traits>

namespace orgsim::experiments {

namespace {

class Writer {
 public:
  template <class T>
  void put(const T& value) {
    static_assert(std::is_trivially_copyable_v<T>);
    const auto* p = reinterpret_cast<const char*>(&value);
    bytes.insert(bytes.end(), p, p + sizeof(T));
  }
  template <class T>
  void put_vector(const std::vector<T>& values) {
    put<std::uint64_t>(values.size());
    const auto* p = reinterpret_cast<const char*>(values.data());
    bytes.insert(bytes.end(), p, p + values.size() * sizeof(T));
  }
  std::vector<char> bytes;
};

class Reader {
 public:
  explicit Reader(const std::vector<char>& bytes) : bytes_(bytes) {}
  template <class T>
  T get() {
    T value;
    need(sizeof(T));
    std::memcpy(&value, bytes_.data() + at_, sizeof(T));
    at_ += sizeof(T);
    return value;
  }
  template <class T>
  std::vector<T> get_vector() {
    const auto n = get<std::uint64_t>();
    if (n > (bytes_.size() - at_) / sizeof(T))
      throw ResultsError("malformed run record (a length runs past its end)");
    std::vector<T> values(n);
    // An empty vector's data() may be null, and memcpy from or to null is undefined even for 0
    // bytes.
    if (n > 0) std::memcpy(values.data(), bytes_.data() + at_, n * sizeof(T));
    at_ += n * sizeof(T);
    return values;
  }
  void finish() const {
    if (at_ != bytes_.size()) throw ResultsError("malformed run record (trailing bytes)");
  }

 private:
  void need(std::size_t n) const {
    if (bytes_.size() - at_ < n) throw ResultsError("malformed run record (truncated)");
  }
  const std::vector<char>& bytes_;
  std::size_t at_ = 0;
};

constexpr std::uint32_t kMagic =
    0x4f524732;  // "ORG2": a compressed record carries its row count, not its rows

}  // namespace

std::vector<char> pack_record(const RunRecord& record) {
  Writer w;
  w.put(kMagic);
  w.put<std::uint64_t>(record.run);
  w.put<std::uint64_t>(record.design_point);
  w.put<std::uint64_t>(record.replication);
  w.put<double>(record.wall_seconds);
  w.put<std::int64_t>(static_cast<std::int64_t>(record.outcome.ticks_run));
  w.put<std::uint64_t>(record.outcome.metrics.width());
  const auto values = record.outcome.metrics.values();
  w.put_vector(std::vector<double>(values.begin(), values.end()));
  w.put<std::uint64_t>(record.chunks.size());
  for (const auto& chunk : record.chunks) w.put_vector(chunk);
  w.put<std::uint64_t>(record.compressed_rows);
  const auto& snapshots = record.outcome.snapshots;
  w.put<std::uint64_t>(snapshots.count);
  w.put<std::uint64_t>(snapshots.values.size());
  for (const auto& field : snapshots.values) w.put_vector(field);
  w.put_vector(snapshots.beliefs);
  return std::move(w.bytes);
}

RunRecord unpack_record(const std::vector<char>& bytes) {
  Reader r(bytes);
  if (r.get<std::uint32_t>() != kMagic)
    throw ResultsError("malformed run record (not a run record)");
  RunRecord record;
  record.run = r.get<std::uint64_t>();
  record.design_point = r.get<std::uint64_t>();
  record.replication = r.get<std::uint64_t>();
  record.wall_seconds = r.get<double>();
  record.outcome.ticks_run = static_cast<Tick>(r.get<std::int64_t>());
  const auto width = r.get<std::uint64_t>();
  const auto values = r.get_vector<double>();
  if (width == 0 ? !values.empty() : values.size() % width != 0)
    throw ResultsError("malformed run record (metric rows)");
  record.outcome.metrics = MetricTable(width);
  for (std::size_t row = 0; width && row < values.size() / width; ++row) {
    record.outcome.metrics.append(std::span<const double>(values.data() + row * width, width));
  }
  const auto chunks = r.get<std::uint64_t>();
  if (chunks > bytes.size()) throw ResultsError("malformed run record (chunk count)");
  for (std::uint64_t c = 0; c < chunks; ++c) record.chunks.push_back(r.get_vector<unsigned char>());
  record.compressed_rows = r.get<std::uint64_t>();
  if ((chunks == 0) != (record.compressed_rows == 0))
    throw ResultsError("malformed run record (row count)");
  auto& snapshots = record.outcome.snapshots;
  snapshots.count = r.get<std::uint64_t>();
  const auto fields = r.get<std::uint64_t>();
  if (fields > bytes.size()) throw ResultsError("malformed run record (snapshot fields)");
  for (std::uint64_t f = 0; f < fields; ++f) snapshots.values.push_back(r.get_vector<double>());
  snapshots.beliefs = r.get_vector<std::int8_t>();
  r.finish();
  return record;
}

}  // namespace orgsim::experiments
