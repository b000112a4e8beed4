// CSR construction: from a list of edges (sort, deduplicate, count, prefix-sum) or from rows.
#include "orgsim/core/network.hpp"

#include "orgsim/core/parallel.hpp"

#include <algorithm>
#include <cassert>
#include <stdexcept>
#include <vector>

namespace orgsim {

CsrNetwork CsrNetwork::from_edges(std::size_t nodes, std::vector<Edge> edges, bool undirected) {
  if (undirected) {
    const std::size_t n = edges.size();
    edges.reserve(2 * n);
    for (std::size_t k = 0; k < n; ++k) edges.emplace_back(edges[k].second, edges[k].first);
  }
  std::erase_if(edges, [nodes](const Edge& e) {
    if (e.first >= nodes || e.second >= nodes) throw std::out_of_range("CsrNetwork: node index");
    return e.first == e.second;
  });
  std::sort(edges.begin(), edges.end());
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());

  CsrNetwork g;
  g.offsets_.assign(nodes + 1, 0);
  for (const auto& e : edges) ++g.offsets_[e.first + 1];
  for (std::size_t v = 0; v < nodes; ++v) g.offsets_[v + 1] += g.offsets_[v];
  g.targets_.reserve(edges.size());
  for (const auto& e : edges) g.targets_.push_back(e.second);
  return g;
}

namespace {

/// Whether rows are what from_rows expects (checked by an assert: the callers build them).
[[maybe_unused]] bool valid_rows(const Buffer<std::uint64_t>& offsets,
                                 const Buffer<CsrNetwork::Node>& targets) {
  if (offsets.empty() || offsets.front() != 0 || offsets.back() != targets.size()) return false;
  const std::size_t nodes = offsets.size() - 1;
  for (std::size_t v = 0; v < nodes; ++v) {
    if (offsets[v] > offsets[v + 1]) return false;
    for (std::uint64_t k = offsets[v]; k < offsets[v + 1]; ++k) {
      if (targets[k] >= nodes || targets[k] == v) return false;
      if (k > offsets[v] && targets[k - 1] >= targets[k]) return false;
    }
  }
  return true;
}

}  // namespace

CsrNetwork CsrNetwork::without_dropped(std::span<const std::uint8_t> keep) const {
  assert(keep.size() == node_count());
  // Rows are counted and filled in parallel (each chunk writes its own rows), between them one
  // serial running sum: the same network at any thread count.
  constexpr std::size_t kGrain = 4096;
  const std::vector<std::size_t> kept =
      parallel_select(node_count(), 16384, [&](std::size_t v) { return keep[v] != 0; });
  Buffer<Node> renumbered(node_count());  // old node -> new node (set where kept)
  Buffer<std::uint64_t> offsets(kept.size() + 1);
  offsets[0] = 0;
  parallel_chunks(kept.size(), kGrain, [&](std::size_t begin, std::size_t end) {
    for (std::size_t row = begin; row < end; ++row) {
      renumbered[kept[row]] = static_cast<Node>(row);
      std::uint64_t edges = 0;
      for (const Node u : neighbors(kept[row])) edges += keep[u] != 0;
      offsets[row + 1] = edges;
    }
  });
  for (std::size_t row = 0; row < kept.size(); ++row) offsets[row + 1] += offsets[row];
  Buffer<Node> targets(offsets[kept.size()]);
  parallel_chunks(kept.size(), kGrain, [&](std::size_t begin, std::size_t end) {
    for (std::size_t row = begin; row < end; ++row) {
      std::uint64_t at = offsets[row];
      for (const Node u : neighbors(kept[row]))  // renumbering keeps the order: rows stay sorted
        if (keep[u]) targets[at++] = renumbered[u];
    }
  });
  return from_rows(std::move(offsets), std::move(targets));
}

CsrNetwork CsrNetwork::from_rows(Buffer<std::uint64_t> offsets, Buffer<Node> targets) {
  assert(valid_rows(offsets, targets));
  CsrNetwork g;
  g.offsets_ = std::move(offsets);
  g.targets_ = std::move(targets);
  return g;
}

}  // namespace orgsim
