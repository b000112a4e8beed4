// The registry of submodels: orgsim's own, in documentation order, then registered extensions.
#include "orgsim/agents/submodel.hpp"

#include <algorithm>
#include <cassert>

namespace orgsim::agents {

// orgsim's own submodels, one source file each (agents/src/<name>.cpp).
const Submodel& learning_submodel();
const Submodel& environment_submodel();
const Submodel& strategy_submodel();
const Submodel& structure_submodel();
const Submodel& people_submodel();
const Submodel& work_submodel();
const Submodel& automation_submodel();
const Submodel& culture_submodel();
const Submodel& growth_submodel();
const Submodel& policy_submodel();
const Submodel& finance_submodel();
const Submodel& landscape_submodel();
const Submodel& coordination_submodel();

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
  list.insert(
      std::upper_bound(list.begin(), list.end(), &submodel,
                       [](const Submodel* a, const Submodel* b) { return a->name < b->name; }),
      &submodel);
}

namespace {

std::vector<const Submodel*> builtin_submodels() {
  return {&learning_submodel(),    &environment_submodel(), &strategy_submodel(),
          &structure_submodel(),   &people_submodel(),      &work_submodel(),
          &automation_submodel(),  &culture_submodel(),     &growth_submodel(),
          &policy_submodel(),      &finance_submodel(),     &landscape_submodel(),
          &coordination_submodel()};
}

}  // namespace

std::size_t builtin_submodel_count() {
  static const std::size_t count = builtin_submodels().size();
  return count;
}

std::span<const Submodel* const> submodels() {
  static const std::vector<const Submodel*> all = [] {
    tables_in_use() = true;
    std::vector<const Submodel*> list = builtin_submodels();
    list.insert(list.end(), extensions().begin(), extensions().end());
    return list;
  }();
  return all;
}

}  // namespace orgsim::agents
