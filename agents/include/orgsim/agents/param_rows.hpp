// A parameter row (name, type, default, range, unit, help, and how to read and write the value
// in ModelParams) and ParamRows, with which each submodel declares its rows next to its
// parameter struct (params/<submodel>.hpp): the ns-3 attribute idea, declared where it lives.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace orgsim::agents {

struct ModelParams;

/// Largest number of dimensions m (learning.dimensions).
inline constexpr std::size_t kMaxDimensions = 1024;
/// Largest tick a parameter may name (event times, starts).
inline constexpr double kMaxTick = 10'000'000;

enum class ParamType { integer, real, boolean, choice };

/// A parameter value as read from an experiment file (a choice is its name).
using ParamValue = std::variant<std::int64_t, double, bool, std::string>;

struct ParamSpec {
  std::string name;  ///< dotted, "<submodel>.<parameter>"
  ParamType type;
  ParamValue default_value;
  double min = 0;                         ///< inclusive lower bound (integer and real)
  double max = 0;                         ///< inclusive upper bound (integer and real)
  std::vector<std::string_view> choices;  ///< allowed values (choice), in the enum's order
  std::string_view unit;
  std::string_view help;
  /// Stores a value (already coerced: of the row's type, a choice among `choices`).
  std::function<void(ModelParams&, const ParamValue&)> set;
  /// Reads the value (a choice as its name).
  std::function<ParamValue(const ModelParams&)> get;

  /// The submodel: the part of the name before the first dot.
  [[nodiscard]] std::string_view submodel() const {
    return std::string_view(name).substr(0, name.find('.'));
  }
};

/// Declares the rows of one parameter group (the `Group` struct inside ModelParams, reached by
/// `group`): rows are named "<prefix>.<name>" and read and write `Group`'s fields.
template <class Group>
class ParamRows {
 public:
  using Access = Group& (*)(ModelParams&);
  using ConstAccess = const Group& (*)(const ModelParams&);

  ParamRows(std::string_view prefix, Access group, ConstAccess const_group,
            std::vector<ParamSpec>& table)
      : prefix_(prefix), group_(group), const_group_(const_group), table_(table) {}

  void integer(std::string_view name, std::int64_t value, double lo, double hi,
               std::string_view unit, std::string_view help, std::int64_t Group::*field) {
    add(name, ParamType::integer, value, lo, hi, {}, unit, help, field);
  }
  void real(std::string_view name, double value, double lo, double hi, std::string_view unit,
            std::string_view help, double Group::*field) {
    add(name, ParamType::real, value, lo, hi, {}, unit, help, field);
  }
  void boolean(std::string_view name, bool value, std::string_view help, bool Group::*field) {
    add(name, ParamType::boolean, value, 0, 1, {}, "switch", help, field);
  }
  /// A choice stored as the enum `Enum`, whose values are declared in the order of `choices`.
  template <class Enum>
  void choice(std::string_view name, std::string_view value, std::vector<std::string_view> choices,
              std::string_view help, Enum Group::*field) {
    ParamSpec spec{qualified(name),
                   ParamType::choice,
                   std::string(value),
                   0,
                   0,
                   choices,
                   "choice",
                   help,
                   {},
                   {}};
    spec.set = [group = group_, field, choices](ModelParams& p, const ParamValue& v) {
      const auto& text = std::get<std::string>(v);
      std::size_t index = 0;
      while (index < choices.size() && choices[index] != text) ++index;
      group(p).*field = static_cast<Enum>(index);  // coerce() admitted only listed names
    };
    spec.get = [group = const_group_, field, choices](const ModelParams& p) {
      return ParamValue(std::string(choices[static_cast<std::size_t>(group(p).*field)]));
    };
    table_.push_back(std::move(spec));
  }

 private:
  [[nodiscard]] std::string qualified(std::string_view name) const {
    return std::string(prefix_) + "." + std::string(name);
  }
  template <class T>
  void add(std::string_view name, ParamType type, T value, double lo, double hi,
           std::vector<std::string_view> choices, std::string_view unit, std::string_view help,
           T Group::*field) {
    ParamSpec spec{
        qualified(name), type, ParamValue(value), lo, hi, std::move(choices), unit, help, {}, {}};
    spec.set = [group = group_, field](ModelParams& p, const ParamValue& v) {
      group(p).*field = std::get<T>(v);
    };
    spec.get = [group = const_group_, field](const ModelParams& p) {
      return ParamValue(group(p).*field);
    };
    table_.push_back(std::move(spec));
  }

  std::string_view prefix_;
  Access group_;
  ConstAccess const_group_;
  std::vector<ParamSpec>& table_;
};

}  // namespace orgsim::agents
