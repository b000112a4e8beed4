// CSR construction: from a list of edges (sort, deduplicate, count, prefix-sum) or from rows.
#include "orgsim/core/network.hpp"

#include <algorithm>
#include <cassert>
#include <stdexcept>

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

CsrNetwork CsrNetwork::from_rows(Buffer<std::uint64_t> offsets, Buffer<Node> targets) {
  assert(valid_rows(offsets, targets));
  CsrNetwork g;
  g.offsets_ = std::move(offsets);
  g.targets_ = std::move(targets);
  return g;
}

}  // namespace orgsim
