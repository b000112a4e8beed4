// Compressed sparse row (CSR) graph for communication ties between agents. Our own (not
// Boost.Graph's compressed_sparse_row_graph) because we need only neighbour spans over dense
// 32-bit node indices, built once and read by parallel phases without locks.
// Memory: (nodes + 1) * 8 + edges * 4 bytes; neighbours(v) is O(1).
#pragma once

#include "orgsim/core/buffer.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace orgsim {

class CsrNetwork {
 public:
  using Node = std::uint32_t;
  using Edge = std::pair<Node, Node>;

  CsrNetwork() = default;

  /// Builds the graph from a list of directed edges (from, to). With `undirected`, each edge is
  /// stored in both directions. Duplicate edges and self-loops are dropped; neighbour lists are
  /// sorted, so the result does not depend on the order of `edges`.
  static CsrNetwork from_edges(std::size_t nodes, std::vector<Edge> edges, bool undirected);
  /// Builds the graph from its rows: node v's neighbours are targets[offsets[v], offsets[v + 1]),
  /// each row sorted, without duplicates or self-loops (the graph from_edges makes of the same
  /// ties, without sorting them all); asserted, not checked, in release builds.
  static CsrNetwork from_rows(Buffer<std::uint64_t> offsets, Buffer<Node> targets);

  /// The graph among the nodes with keep[v] != 0, renumbered in order: the kept nodes keep their
  /// ties to each other and lose those to the others (people who leave take their ties with
  /// them). keep.size() must be node_count().
  [[nodiscard]] CsrNetwork without_dropped(std::span<const std::uint8_t> keep) const;

  [[nodiscard]] std::size_t node_count() const noexcept {
    return offsets_.empty() ? 0 : offsets_.size() - 1;
  }
  [[nodiscard]] std::size_t edge_count() const noexcept { return targets_.size(); }
  [[nodiscard]] std::span<const Node> neighbors(std::size_t node) const noexcept {
    return {targets_.data() + offsets_[node], targets_.data() + offsets_[node + 1]};
  }
  [[nodiscard]] std::size_t degree(std::size_t node) const noexcept {
    return offsets_[node + 1] - offsets_[node];
  }

 private:
  Buffer<std::uint64_t> offsets_;
  Buffer<Node> targets_;
};

}  // namespace orgsim
