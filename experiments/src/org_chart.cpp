// Org chart CSV reading and writing (docs/org-charts.md): RFC 4180 records, header columns
// matched by name, every row checked, then the reporting lines resolved and checked for cycles.
#include "orgsim/experiments/org_chart.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <ostream>
#include <unordered_map>

namespace orgsim::experiments {

namespace {

using agents::ChartPerson;
using agents::OrgDesign;

constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr std::size_t kMaxColumns = 10'000;

/// Turns byte offsets of the file into file:line:column (columns count characters, the BOM
/// excluded) and throws ConfigError there. Lines are counted only when an error is reported.
class Locator {
 public:
  Locator(std::string_view text, std::string source) : text_(text), source_(std::move(source)) {}

  [[nodiscard]] SourceLocation at(std::size_t offset) const {
    offset = std::min(offset, text_.size());
    const std::string_view before = text_.substr(0, offset);
    const auto line = 1 + std::count(before.begin(), before.end(), '\n');
    const std::size_t newline = before.rfind('\n');
    std::size_t start = newline == std::string_view::npos ? 0 : newline + 1;
    if (start == 0 && before.substr(0, kBom.size()) == kBom) start = std::min(offset, kBom.size());
    std::uint32_t column = 1;
    for (std::size_t i = start; i < offset; ++i)
      column += (static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80;  // not a continuation byte
    return {source_, static_cast<std::uint32_t>(line), column};
  }
  [[nodiscard]] std::uint32_t line(std::size_t offset) const { return at(offset).line; }

  [[noreturn]] void fail(std::size_t offset, const std::string& message) const {
    throw ConfigError(at(offset), message);
  }

 private:
  std::string_view text_;
  std::string source_;
};

/// Length of the valid UTF-8 sequence at text[i], or 0 if it is not one.
std::size_t utf8_sequence(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) {
    return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0u;
  };
  const unsigned lead = byte(0);
  const auto continuation = [&](std::size_t k) { return (byte(k) & 0xC0) == 0x80; };
  if (lead >= 0xC2 && lead <= 0xDF) return continuation(1) ? 2 : 0;
  if (lead >= 0xE0 && lead <= 0xEF) {
    const unsigned second = byte(1);
    const bool ok = lead == 0xE0   ? second >= 0xA0 && second <= 0xBF  // no overlong forms
                    : lead == 0xED ? second >= 0x80 && second <= 0x9F  // no surrogates
                                   : continuation(1);
    return ok && continuation(2) ? 3 : 0;
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    const unsigned second = byte(1);
    const bool ok = lead == 0xF0   ? second >= 0x90 && second <= 0xBF
                    : lead == 0xF4 ? second >= 0x80 && second <= 0x8F  // up to U+10FFFF
                                   : continuation(1);
    return ok && continuation(2) && continuation(3) ? 4 : 0;
  }
  return 0;
}

/// Throws at the first byte that is not UTF-8 (ASCII eight bytes at a time).
void check_utf8(std::string_view text, const Locator& where) {
  std::size_t i = 0;
  while (i < text.size()) {
    std::uint64_t word = 0;
    if (i + 8 <= text.size() && (std::memcpy(&word, text.data() + i, 8), true) &&
        (word & 0x8080808080808080ull) == 0) {
      i += 8;
      continue;
    }
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    const std::size_t length = utf8_sequence(text, i);
    if (length == 0) {
      const bool utf16 =
          i < 2 && (text.substr(0, 2) == "\xFF\xFE" || text.substr(0, 2) == "\xFE\xFF");
      where.fail(i,
                 fmt::format("invalid UTF-8 at byte offset {} (0x{:02X}): an org chart is read "
                             "as UTF-8{}",
                             i, static_cast<unsigned char>(text[i]),
                             utf16 ? " (this file looks like UTF-16: save it as \"CSV UTF-8\")"
                                   : " (save it as \"CSV UTF-8\", not Latin-1 or Windows-1252)"));
    }
    i += length;
  }
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

/// One record of the file: its fields (unquoted, unescaped) and where each one starts.
struct Record {
  std::vector<std::string> fields;   ///< the first `count` are this record's
  std::vector<std::size_t> offsets;  ///< byte offset of each field (its opening quote if quoted)
  std::size_t count = 0;
  std::size_t start = 0;  ///< offset of the record
  std::size_t end = 0;    ///< offset of its line end (or of the end of the file)
};

/// RFC 4180 records (LF or CRLF line ends, "" inside quoted fields), skipping blank lines.
class CsvReader {
 public:
  CsvReader(std::string_view text, std::size_t start, const Locator& where, std::size_t max_field)
      : text_(text), pos_(start), where_(where), max_field_(max_field) {}

  /// The next record into `record` (at most `max_fields` fields); false at the end of the file.
  bool next(Record& record, std::size_t max_fields) {
    skip_blank_lines();
    if (pos_ >= text_.size()) return false;
    record.count = 0;
    record.start = pos_;
    while (true) {
      if (record.count == max_fields) {
        where_.fail(pos_, fmt::format("this row has more fields than the header's {} (a value "
                                      "with a comma must be quoted: \"Smith, Ann\")",
                                      max_fields));
      }
      if (record.fields.size() == record.count) {
        record.fields.emplace_back();
        record.offsets.push_back(0);
      }
      record.offsets[record.count] = pos_;
      read_field(record.fields[record.count]);
      ++record.count;
      if (pos_ < text_.size() && text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      record.end = pos_;
      if (pos_ < text_.size() && text_[pos_] == '\r') ++pos_;
      if (pos_ < text_.size()) ++pos_;  // the '\n'
      return true;
    }
  }

 private:
  void skip_blank_lines() {
    std::size_t i = pos_;
    while (i < text_.size()) {
      const char c = text_[i];
      if (c == '\n') {
        pos_ = ++i;
      } else if (c == ' ' || c == '\t' || c == '\r') {
        ++i;
      } else {
        return;
      }
    }
    pos_ = i;
  }

  /// Reads the field at pos_ into `out`, leaving pos_ at the ',', line end or end of the file.
  void read_field(std::string& out) {
    const std::size_t start = pos_;
    if (pos_ < text_.size() && text_[pos_] == '"') {
      read_quoted(out);
    } else {
      std::size_t end = pos_;
      while (end < text_.size() && text_[end] != ',' && text_[end] != '\n') ++end;
      std::size_t value_end = end;
      if (value_end > pos_ && text_[value_end - 1] == '\r') --value_end;
      out.assign(trim(text_.substr(pos_, value_end - pos_)));  // a quoted field keeps its blanks
      pos_ = end;
    }
    if (out.find('\0') != std::string::npos) {  // names are C strings in the results file
      where_.fail(start, "a field holds a NUL byte (is this an org chart?)");
    }
    if (out.size() > max_field_) {
      where_.fail(start, fmt::format("a field of {} bytes: at most {} bytes are read per field "
                                     "(is this an org chart?)",
                                     out.size(), max_field_));
    }
  }

  void read_quoted(std::string& out) {
    const std::size_t open = pos_++;
    out.clear();
    while (true) {
      const std::size_t quote = text_.find('"', pos_);
      if (quote == std::string_view::npos) {
        where_.fail(open,
                    "unterminated quote: the quoted field that starts here has no closing "
                    "'\"' (a quote inside a quoted field is written twice: \"\")");
      }
      out.append(text_.data() + pos_, quote - pos_);
      pos_ = quote + 1;
      if (out.size() > max_field_) return;  // the caller reports it
      if (pos_ < text_.size() && text_[pos_] == '"') {
        out += '"';
        ++pos_;
        continue;
      }
      break;
    }
    const bool line_end =
        pos_ == text_.size() || text_[pos_] == '\n' ||
        (text_[pos_] == '\r' && (pos_ + 1 == text_.size() || text_[pos_ + 1] == '\n'));
    if (!line_end && text_[pos_] != ',') {
      where_.fail(pos_,
                  "expected ',' or the end of the line after the closing quote of a quoted "
                  "field (a quote inside a quoted field is written twice: \"\")");
    }
  }

  std::string_view text_;
  std::size_t pos_;
  const Locator& where_;
  std::size_t max_field_;
};

bool same_name(std::string_view a, std::string_view b) {  // ASCII case-insensitive
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

enum class Field { id, manager, dotted, department, title, site, salary, fte, hire_date, skill };
constexpr std::size_t kFieldKinds = 10;

struct ColumnName {
  std::string_view name;  ///< lower case, spaces and hyphens as underscores
  Field field;
};

/// The column names read, canonical name first (docs/org-charts.md lists the aliases).
constexpr ColumnName kColumnNames[] = {
    {"id", Field::id},
    {"employee_id", Field::id},
    {"manager_id", Field::manager},
    {"manager", Field::manager},
    {"reports_to", Field::manager},
    {"dotted_manager_id", Field::dotted},
    {"dotted_line_manager_id", Field::dotted},
    {"department", Field::department},
    {"title", Field::title},
    {"job_title", Field::title},
    {"site", Field::site},
    {"location", Field::site},
    {"annual_salary", Field::salary},
    {"salary", Field::salary},
    {"fte", Field::fte},
    {"hire_date", Field::hire_date},
    {"start_date", Field::hire_date},
};

std::string_view canonical_name(Field field) {
  for (const ColumnName& c : kColumnNames)
    if (c.field == field) return c.name;
  return "skill_<function>";
}

/// The header: which column holds what.
struct Header {
  std::vector<int> column_of = std::vector<int>(kFieldKinds, -1);  ///< by Field; -1 = absent
  std::vector<int> skill_columns;            ///< header columns of skill_<function>
  std::vector<std::string> skill_names;      ///< <function> as written
  std::vector<std::size_t> skill_offsets;    ///< where each skill column's name is
  std::vector<std::int32_t> skill_function;  ///< resolved function of each skill column
  std::vector<std::string> unknown;          ///< ignored column names
  std::size_t columns = 0;
  std::size_t manager_offset = 0;  ///< the manager_id header cell
};

std::string normalized(std::string_view name) {
  std::string out(name);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (c == ' ' || c == '-') c = '_';
  }
  return out;
}

Header read_header(const Record& record, const Locator& where) {
  Header header;
  header.columns = record.count;
  std::vector<std::string> as_written(kFieldKinds);
  for (std::size_t i = 0; i < record.count; ++i) {
    const std::string_view written = trim(record.fields[i]);
    const std::string name = normalized(written);
    const auto known = std::find_if(std::begin(kColumnNames), std::end(kColumnNames),
                                    [&](const ColumnName& c) { return c.name == name; });
    if (known != std::end(kColumnNames)) {
      const auto kind = static_cast<std::size_t>(known->field);
      if (header.column_of[kind] >= 0) {
        where.fail(record.offsets[i],
                   fmt::format("duplicate column '{}': column {} ('{}') already gives the {}",
                               written, header.column_of[kind] + 1, as_written[kind],
                               canonical_name(known->field)));
      }
      header.column_of[kind] = static_cast<int>(i);
      as_written[kind] = std::string(written);
      if (known->field == Field::manager) header.manager_offset = record.offsets[i];
    } else if (name.size() > 6 && name.compare(0, 6, "skill_") == 0) {
      const std::string_view function = trim(written.substr(6));
      for (std::size_t k = 0; k < header.skill_names.size(); ++k) {
        if (same_name(header.skill_names[k], function)) {
          where.fail(record.offsets[i],
                     fmt::format("duplicate column '{}': column {} is already skill_{}", written,
                                 header.skill_columns[k] + 1, header.skill_names[k]));
        }
      }
      header.skill_columns.push_back(static_cast<int>(i));
      header.skill_names.emplace_back(function);
      header.skill_offsets.push_back(record.offsets[i]);
    } else {
      header.unknown.emplace_back(written.empty() ? "(unnamed)" : written);
    }
  }
  for (const Field required : {Field::id, Field::manager, Field::department}) {
    if (header.column_of[static_cast<std::size_t>(required)] < 0) {
      where.fail(record.offsets[0],
                 fmt::format("missing required column '{}' (the header must name id, manager_id "
                             "and department; docs/org-charts.md lists every column)",
                             canonical_name(required)));
    }
  }
  return header;
}

/// A name list (departments, sites) looked up by exact name, optionally growing.
class NameIndex {
 public:
  void add(const std::string& name, std::int32_t index) { index_.emplace(name, index); }
  [[nodiscard]] std::optional<std::int32_t> find(const std::string& name) const {
    const auto it = index_.find(name);
    if (it == index_.end()) return std::nullopt;
    return it->second;
  }

 private:
  std::unordered_map<std::string, std::int32_t> index_;
};

template <class Spec>
std::string list_names(const std::vector<Spec>& specs) {
  std::string out;
  for (const Spec& s : specs) out += (out.empty() ? "'" : ", '") + s.name + "'";
  return out;
}

std::optional<double> parse_number(std::string_view s) {
  double value = 0;
  const auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (error != std::errc() || end != s.data() + s.size() || !std::isfinite(value)) return {};
  return value;
}

bool valid_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (const std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return false;
  const auto digits = [&](std::size_t from, std::size_t count) {
    int value = 0;
    for (std::size_t i = from; i < from + count; ++i) value = value * 10 + (s[i] - '0');
    return value;
  };
  const int year = digits(0, 4), month = digits(5, 2), day = digits(8, 2);
  if (month < 1 || month > 12 || day < 1) return false;
  constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return day <= kDays[month - 1] + (month == 2 && leap);
}

/// Reads the rows of a chart into design.chart, then resolves what refers to other rows
/// (managers, dotted managers), checks the reporting lines, and fills functions and departments.
class ChartReader {
 public:
  ChartReader(std::string_view text, const std::string& source, OrgDesign& design,
              const detail::ChartLimits& limits)
      : text_(text), where_(text, source), source_(source), design_(design), limits_(limits) {}

  void read(std::vector<std::string>* notes) {
    check_utf8(text_, where_);
    const std::size_t start = text_.substr(0, kBom.size()) == kBom ? kBom.size() : 0;
    CsvReader csv(text_, start, where_, limits_.max_field_bytes);
    Record record;
    if (!csv.next(record, kMaxColumns)) {
      where_.fail(start,
                  "empty file: expected a header row (id,manager_id,department,...) and "
                  "one row per person");
    }
    header_ = read_header(record, where_);
    prepare_lists();
    reserve(static_cast<std::size_t>(std::count(text_.begin(), text_.end(), '\n')));
    while (csv.next(record, header_.columns)) {
      if (record.count != header_.columns) {
        where_.fail(record.end, fmt::format("this row has {} fields; the header has {} (an empty "
                                            "value still needs its comma)",
                                            record.count, header_.columns));
      }
      if (static_cast<std::int64_t>(design_.chart.size()) >= limits_.max_rows) {
        where_.fail(record.start, fmt::format("more than {} rows: too many people for an org "
                                              "chart (is this the right file?)",
                                              limits_.max_rows));
      }
      read_row(record);
    }
    if (design_.chart.empty()) {
      where_.fail(text_.size(), "header only: the chart has a header row but no people below it");
    }
    resolve_managers();
    check_cycles();
    resolve_functions();
    count_departments(notes);
  }

 private:
  [[nodiscard]] std::string_view value(const Record& record, Field field) const {
    const int column = header_.column_of[static_cast<std::size_t>(field)];
    return column < 0 ? std::string_view() : record.fields[static_cast<std::size_t>(column)];
  }
  [[nodiscard]] std::size_t offset(const Record& record, Field field) const {
    const int column = header_.column_of[static_cast<std::size_t>(field)];
    return column < 0 ? record.start : record.offsets[static_cast<std::size_t>(column)];
  }

  void prepare_lists() {
    design_.chart.clear();
    departments_created_ = design_.departments.empty();
    sites_created_ = design_.sites.empty();
    functions_created_ = design_.functions.empty();
    for (std::size_t d = 0; d < design_.departments.size(); ++d)
      departments_.add(design_.departments[d].name, static_cast<std::int32_t>(d));
    for (std::size_t s = 0; s < design_.sites.size(); ++s)
      sites_.add(design_.sites[s].name, static_cast<std::int32_t>(s));
    department_has_people_.assign(design_.departments.size(), false);
  }

  void reserve(std::size_t lines) {
    const std::size_t rows = std::min<std::size_t>(lines, 10'000'000);
    design_.chart.reserve(rows);
    ids_.reserve(rows);
    for (auto* offsets : {&id_offsets_, &manager_offsets_, &dotted_offsets_})
      offsets->reserve(rows);
    manager_ids_.reserve(rows);
    dotted_ids_.reserve(rows);
    skill_values_.reserve(rows * header_.skill_columns.size());
  }

  void read_row(const Record& record) {
    ChartPerson person;
    read_identity(record, person);
    read_place(record, person);
    person.title = value(record, Field::title);
    read_pay(record, person);
    const std::string_view hired = value(record, Field::hire_date);
    if (!hired.empty() && !valid_date(hired)) {
      where_.fail(offset(record, Field::hire_date),
                  fmt::format("hire_date '{}' is not a date: expected YYYY-MM-DD (e.g. 2021-03-15)",
                              hired));
    }
    person.hire_date = hired;
    read_skills(record);
    design_.chart.push_back(std::move(person));
  }

  /// id, manager_id and dotted_manager_id (resolved once every row is read).
  void read_identity(const Record& record, ChartPerson& person) {
    const auto row = static_cast<std::int32_t>(design_.chart.size());
    const std::string_view id = value(record, Field::id);
    const std::size_t id_offset = offset(record, Field::id);
    if (id.empty()) where_.fail(id_offset, "empty id: every person needs an id");
    person.id = id;
    const auto [earlier, added] = ids_.emplace(person.id, row);
    if (!added) {
      where_.fail(id_offset,
                  fmt::format("duplicate id '{}' (already on line {}): ids must be unique", id,
                              where_.line(id_offsets_[earlier->second])));
    }
    id_offsets_.push_back(id_offset);
    const std::string_view manager = value(record, Field::manager);
    const std::size_t manager_offset = offset(record, Field::manager);
    if (manager == id) {
      where_.fail(manager_offset,
                  fmt::format("'{}' is their own manager: manager_id equals id (the "
                              "top person has an empty manager_id)",
                              id));
    }
    if (manager.empty()) {
      if (top_ >= 0) {
        where_.fail(manager_offset,
                    fmt::format("a second top person: '{}' has no manager_id, nor has '{}' on line "
                                "{}; exactly one person (the head of the organization) has none",
                                id, design_.chart[static_cast<std::size_t>(top_)].id,
                                where_.line(id_offsets_[static_cast<std::size_t>(top_)])));
      }
      top_ = row;
    }
    const std::string_view dotted = value(record, Field::dotted);
    if (!dotted.empty() && dotted == id) {
      where_.fail(
          offset(record, Field::dotted),
          fmt::format("'{}' is their own dotted-line manager: dotted_manager_id equals id", id));
    }
    manager_ids_.emplace_back(manager);
    manager_offsets_.push_back(manager_offset);
    dotted_ids_.emplace_back(dotted);
    dotted_offsets_.push_back(offset(record, Field::dotted));
  }

  /// department and site.
  void read_place(const Record& record, ChartPerson& person) {
    // Names are compared without the blanks a quoted field keeps (a department becomes a
    // skill_<department> column, whose header is read trimmed).
    const std::string department(trim(value(record, Field::department)));
    const std::size_t department_offset = offset(record, Field::department);
    if (department.empty()) {
      where_.fail(department_offset, "empty department: every person belongs to a department");
    }
    std::optional<std::int32_t> d = departments_.find(department);
    if (!d) {
      if (!departments_created_) {
        where_.fail(department_offset,
                    fmt::format("department '{}' is not one of the experiment's departments ({}); "
                                "names are compared exactly",
                                department, list_names(design_.departments)));
      }
      d = static_cast<std::int32_t>(design_.departments.size());
      design_.departments.push_back({});
      design_.departments.back().name = department;
      departments_.add(department, *d);
      department_has_people_.push_back(false);
    }
    person.department = *d;
    agents::DepartmentSpec& spec = design_.departments[static_cast<std::size_t>(*d)];
    const bool first = !department_has_people_[static_cast<std::size_t>(*d)];
    const bool site_from_first = first && (departments_created_ || sites_created_);
    const std::string site(trim(value(record, Field::site)));
    person.site = site.empty() ? (site_from_first ? 0 : spec.site)
                               : site_of(site, offset(record, Field::site));
    if (site_from_first) spec.site = person.site;
    department_has_people_[static_cast<std::size_t>(*d)] = true;
  }

  std::int32_t site_of(const std::string& site, std::size_t site_offset) {
    if (const auto s = sites_.find(site)) return *s;
    if (!sites_created_) {
      where_.fail(site_offset, fmt::format("site '{}' is not one of the experiment's sites ({}); "
                                           "names are compared exactly",
                                           site, list_names(design_.sites)));
    }
    const auto s = static_cast<std::int32_t>(design_.sites.size());
    design_.sites.push_back({});
    design_.sites.back().name = site;
    sites_.add(site, s);
    return s;
  }

  /// fte and annual_salary.
  void read_pay(const Record& record, ChartPerson& person) {
    const std::string_view fte = value(record, Field::fte);
    if (!fte.empty()) {
      const std::optional<double> number = parse_number(fte);
      // At least 0.01 (under half an hour a week): a smaller share is no employment, and the
      // model keeps it in single precision.
      if (!number || *number < 0.01 || *number > 1) {
        where_.fail(offset(record, Field::fte),
                    fmt::format("fte '{}' {}: expected a number with 0.01 <= fte <= 1 (1 = full "
                                "time)",
                                fte, number ? "is out of range" : "is not a number"));
      }
      person.fte = *number;
    }
    const std::string_view salary = value(record, Field::salary);
    if (salary.empty()) {
      const double per_fte =
          design_.departments[static_cast<std::size_t>(person.department)].annual_salary;
      person.annual_salary = per_fte >= 0 ? per_fte * person.fte : -1;
      return;
    }
    const std::optional<double> number = parse_number(salary);
    if (!number || *number < 0 || *number > 1e9) {  // as [organization] annual_salary
      where_.fail(offset(record, Field::salary),
                  fmt::format("annual_salary '{}' {}: expected a yearly amount from 0 to 10^9 "
                              "such as 52000 (no currency sign or thousands separator)",
                              salary, !number ? "is not a number" : "is out of range"));
    }
    person.annual_salary = *number;
  }

  void read_skills(const Record& record) {
    for (std::size_t k = 0; k < header_.skill_columns.size(); ++k) {
      const auto column = static_cast<std::size_t>(header_.skill_columns[k]);
      const std::string_view text = record.fields[column];
      float skill = std::numeric_limits<float>::quiet_NaN();
      if (!text.empty()) {
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), skill);
        const bool number = error == std::errc() && end == text.data() + text.size();
        if (!number || !(skill >= 0 && skill <= 1)) {
          where_.fail(record.offsets[column],
                      fmt::format("skill_{} '{}' {}: expected a number in [0, 1], or empty for a "
                                  "skill the model draws",
                                  header_.skill_names[k], text,
                                  number ? "is out of range" : "is not a number"));
        }
      }
      skill_values_.push_back(skill);
    }
  }

  void resolve_managers() {
    for (std::size_t row = 0; row < design_.chart.size(); ++row) {
      design_.chart[row].manager = resolve(manager_ids_[row], manager_offsets_[row], "manager_id");
      design_.chart[row].dotted =
          resolve(dotted_ids_[row], dotted_offsets_[row], "dotted_manager_id");
    }
    if (top_ < 0) {
      where_.fail(header_.manager_offset,
                  "no top person: every row has a manager_id; exactly one person (the head of the "
                  "organization) has it empty");
    }
  }

  std::int32_t resolve(const std::string& id, std::size_t id_offset, const char* column) const {
    if (id.empty()) return -1;
    const auto it = ids_.find(id);
    if (it == ids_.end()) {
      where_.fail(id_offset, fmt::format("{} '{}' is nobody's id in this chart", column, id));
    }
    return it->second;
  }

  /// Every line of managers must reach the top: walks up from each person (iteratively), marking
  /// the people known to reach it, so the whole check is linear.
  void check_cycles() const {
    enum : std::uint8_t { unknown, on_path, reaches_top };
    std::vector<std::uint8_t> state(design_.chart.size(), unknown);
    std::vector<std::int32_t> path;
    for (std::size_t start = 0; start < design_.chart.size(); ++start) {
      path.clear();
      auto row = static_cast<std::int32_t>(start);
      while (row >= 0 && state[static_cast<std::size_t>(row)] == unknown) {
        state[static_cast<std::size_t>(row)] = on_path;
        path.push_back(row);
        row = design_.chart[static_cast<std::size_t>(row)].manager;
      }
      if (row >= 0 && state[static_cast<std::size_t>(row)] == on_path) {
        report_cycle({std::find(path.begin(), path.end(), row), path.end()});
      }
      for (const std::int32_t p : path) state[static_cast<std::size_t>(p)] = reaches_top;
    }
  }

  [[noreturn]] void report_cycle(const std::vector<std::int32_t>& cycle) const {
    constexpr std::size_t kShown = 8;
    const std::int32_t first = *std::min_element(cycle.begin(), cycle.end());
    std::string chain = design_.chart[static_cast<std::size_t>(first)].id;
    std::int32_t row = design_.chart[static_cast<std::size_t>(first)].manager;
    for (std::size_t shown = 1; shown <= cycle.size(); ++shown) {
      if (shown == kShown && cycle.size() > kShown) {
        chain += " -> ...";
        break;
      }
      chain += " -> " + design_.chart[static_cast<std::size_t>(row)].id;
      row = design_.chart[static_cast<std::size_t>(row)].manager;
    }
    where_.fail(
        manager_offsets_[static_cast<std::size_t>(first)],
        fmt::format("manager cycle of {} people: {} (each reports to the next); nobody in it "
                    "reports up to the top person '{}'",
                    cycle.size(), chain, design_.chart[static_cast<std::size_t>(top_)].id));
  }

  [[nodiscard]] std::optional<std::int32_t> function_named(std::string_view name) const {
    for (std::size_t f = 0; f < design_.functions.size(); ++f)
      if (same_name(design_.functions[f], name)) return static_cast<std::int32_t>(f);
    return std::nullopt;
  }

  /// Functions: the skill columns' and the departments' (created ones), and each person's skills.
  void resolve_functions() {
    if (functions_created_) design_.functions = header_.skill_names;
    for (std::size_t k = 0; k < header_.skill_names.size(); ++k) {
      const auto f = function_named(header_.skill_names[k]);
      if (!f) {
        where_.fail(header_.skill_offsets[k],
                    fmt::format("column 'skill_{}' names no function of the experiment ({})",
                                header_.skill_names[k], fmt::join(design_.functions, ", ")));
      }
      header_.skill_function.push_back(*f);
    }
    if (departments_created_ || functions_created_) {
      for (agents::DepartmentSpec& department : design_.departments) {
        auto f = function_named(department.name);
        if (!f) {
          f = static_cast<std::int32_t>(design_.functions.size());
          design_.functions.push_back(department.name);
        }
        department.function = *f;
      }
    }
    const std::size_t columns = header_.skill_columns.size();
    if (columns == 0) return;
    for (std::size_t row = 0; row < design_.chart.size(); ++row) {
      std::vector<float>& skills = design_.chart[row].skills;
      skills.assign(design_.functions.size(), std::numeric_limits<float>::quiet_NaN());
      for (std::size_t k = 0; k < columns; ++k)
        skills[static_cast<std::size_t>(header_.skill_function[k])] =
            skill_values_[row * columns + k];
    }
  }

  void count_departments(std::vector<std::string>* notes) {
    if (design_.sites.empty()) {
      design_.sites.push_back({});
      design_.sites.back().name = "headquarters";
    }
    for (agents::DepartmentSpec& department : design_.departments) department.headcount = 0;
    for (const ChartPerson& person : design_.chart)
      ++design_.departments[static_cast<std::size_t>(person.department)].headcount;
    if (!notes) return;
    if (!header_.unknown.empty()) {
      notes->push_back(fmt::format(
          "{}: ignored {} unknown column{}: {} (columns read: id, manager_id, dotted_manager_id, "
          "department, title, site, annual_salary, fte, hire_date, skill_<function>)",
          source_, header_.unknown.size(), header_.unknown.size() == 1 ? "" : "s",
          fmt::join(header_.unknown, ", ")));
    }
    for (const agents::DepartmentSpec& department : design_.departments) {
      if (department.headcount == 0)
        notes->push_back(fmt::format("{}: nobody in department '{}'", source_, department.name));
    }
  }

  std::string_view text_;
  Locator where_;
  std::string source_;
  OrgDesign& design_;
  detail::ChartLimits limits_;
  Header header_;
  bool departments_created_ = false, sites_created_ = false, functions_created_ = false;
  NameIndex departments_, sites_;
  std::vector<bool> department_has_people_;
  std::unordered_map<std::string, std::int32_t> ids_;
  std::vector<std::size_t> id_offsets_;
  std::vector<std::string> manager_ids_, dotted_ids_;
  std::vector<std::size_t> manager_offsets_, dotted_offsets_;
  std::vector<float> skill_values_;  ///< [row][skill column]
  std::int32_t top_ = -1;
};

/// A CSV field: quoted when it holds a comma, quote or line end, or starts or ends with a blank
/// (which the reader would trim).
void append_field(std::string& out, std::string_view value) {
  const bool quote = value.find_first_of(",\"\r\n") != std::string_view::npos ||
                     (!value.empty() && (trim(value).size() != value.size()));
  if (!quote) {
    out += value;
    return;
  }
  out += '"';
  for (const char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

template <class Number>
void append_number(std::string& out, Number value) {
  char buffer[64];
  const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);  // shortest
  out.append(buffer, end);
}

}  // namespace

namespace detail {

void read_org_chart(std::string_view text, const std::string& source_name,
                    agents::OrgDesign& design, std::vector<std::string>* notes,
                    const ChartLimits& limits) {
  ChartReader(text, source_name, design, limits).read(notes);
}

}  // namespace detail

void read_org_chart(std::string_view text, const std::string& source_name,
                    agents::OrgDesign& design, std::vector<std::string>* notes) {
  detail::read_org_chart(text, source_name, design, notes, detail::ChartLimits{});
}

void write_org_chart(const agents::OrgView& view, std::ostream& out) {
  const bool skills = std::any_of(view.people.begin(), view.people.end(),
                                  [](const agents::OrgPerson& p) { return !p.skills.empty(); });
  std::string text =
      "id,manager_id,dotted_manager_id,department,title,site,annual_salary,fte,hire_date";
  if (skills) {
    for (const std::string& function : view.functions) {
      text += ',';
      append_field(text, "skill_" + function);
    }
  }
  text += '\n';
  const auto id_of = [&](std::int64_t person) {
    return person < 0 ? std::string_view() : view.people[static_cast<std::size_t>(person)].id;
  };
  for (const agents::OrgPerson& p : view.people) {
    append_field(text, p.id);
    text += ',';
    append_field(text, id_of(p.manager));
    text += ',';
    append_field(text, id_of(p.dotted));
    text += ',';
    append_field(text, view.departments[static_cast<std::size_t>(p.department)]);
    text += ',';
    append_field(text, p.title);
    text += ',';
    append_field(text, view.sites[static_cast<std::size_t>(p.site)]);
    text += ',';
    if (p.annual_salary >= 0) append_number(text, p.annual_salary);
    text += ',';
    append_number(text, p.fte);
    text += ',';
    append_field(text, p.hire_date);
    for (std::size_t f = 0; skills && f < view.functions.size(); ++f) {
      text += ',';
      if (f < p.skills.size() && !std::isnan(p.skills[f])) append_number(text, p.skills[f]);
    }
    text += '\n';
    if (text.size() > (1u << 20)) {
      out.write(text.data(), static_cast<std::streamsize>(text.size()));
      text.clear();
    }
  }
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
}

}  // namespace orgsim::experiments
