// CSR construction: from a list of edges (sort, deduplicate, count, prefix-sum) or from rows.
#include "orgsim/core/network.hpp"

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
  const std::size_t n = node_count();
  std::vector<Node> renumbered(n);  // old node -> new node (valid where kept)
  std::size_t kept = 0;
  for (std::size_t v = 0; v < n; ++v) {
    renumbered[v] = static_cast<Node>(kept);
    kept += keep[v] != 0;
  }
  Buffer<std::uint64_t> offsets(kept + 1);
  offsets[0] = 0;
  std::size_t edges = 0;
  for (std::size_t v = 0, row = 0; v < n; ++v) {
    if (!keep[v]) continue;
    for (const Node u : neighbors(v)) edges += keep[u] != 0;
    offsets[++row] = edges;
  }
  Buffer<Node> targets(edges);
  std::size_t at = 0;
  for (std::size_t v = 0; v < n; ++v) {
    if (!keep[v]) continue;
    for (const Node u : neighbors(v))  // renumbering keeps the order: rows stay sorted
      if (keep[u]) targets[at++] = renumbered[u];
  }
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
