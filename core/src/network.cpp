// CSR construction: sort, deduplicate, count, prefix-sum.
#include "orgsim/core/network.hpp"

#include <algorithm>
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

}  // namespace orgsim
