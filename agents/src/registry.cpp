// The registry of submodels: orgsim's own, in documentation order, then registered extensions.
#include "orgsim/agents/submodel.hpp"

#include <algorithm>
#include <cassert>

namespace orgsim::agents {

namespace {

std::vector<const Submodel*>& extensions() {
  static std::vector<const Submodel*> list;
  return list;
}

bool& tables_in_use() {
  static bool used = false;
  return used;
}

}  // namespace

Registration::Registration(const Submodel& submodel) {
  assert(!tables_in_use() && "register submodels before the parameter and metric tables are used");
  auto& list = extensions();
  list.insert(std::upper_bound(list.begin(), list.end(), &submodel,
                               [](const Submodel* a, const Submodel* b) { return a->name < b->name; }),
              &submodel);
}

std::size_t builtin_submodel_count() { return 11; }

std::span<const Submodel* const> submodels() {
  static const std::vector<const Submodel*> all = [] {
    tables_in_use() = true;
    std::vector<const Submodel*> list = {
        &learning_submodel(),   &environment_submodel(), &strategy_submodel(), &structure_submodel(),
        &people_submodel(),     &work_submodel(),        &automation_submodel(), &culture_submodel(),
        &growth_submodel(),     &policy_submodel(),      &finance_submodel(),
    };
    assert(list.size() == builtin_submodel_count());
    list.insert(list.end(), extensions().begin(), extensions().end());
    return list;
  }();
  return all;
}

}  // namespace orgsim::agents
