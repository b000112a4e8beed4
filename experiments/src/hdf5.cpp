// Attribute helpers for the HDF5 RAII layer.
#include "hdf5.hpp"

#include <cstdlib>
#include <cstring>

namespace orgsim::experiments::h5 {

void silence_errors() {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

namespace {
struct StackSummary {
  std::string system;  ///< the operating system's message, e.g. "No space left on device"
  int os_error = 0;
};

// Error stack entries, innermost first. The file drivers describe a failed read or write as
// "... errno = 28, error message = 'No space left on device', ...".
herr_t summarize_entry(unsigned, const H5E_error2_t* entry, void* data) {
  auto& summary = *static_cast<StackSummary*>(data);
  if (summary.os_error != 0 || !entry->desc) return 0;
  const std::string desc = entry->desc;
  const auto at = desc.find("errno = ");
  if (at == std::string::npos) return 0;
  summary.os_error = std::atoi(desc.c_str() + at + 8);
  const auto text = desc.find("error message = '", at);
  if (text != std::string::npos) {
    const auto end = desc.find('\'', text + 17);
    summary.system =
        desc.substr(text + 17, end == std::string::npos ? std::string::npos : end - text - 17);
  }
  return 0;
}
}  // namespace

void fail(const std::string& what) {
  StackSummary summary;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, summarize_entry, &summary);
  H5Eclear2(H5E_DEFAULT);
  if (summary.os_error != 0 && summary.system.empty())
    summary.system = std::strerror(summary.os_error);
  throw Hdf5Error(
      "HDF5 error: " + what + (summary.system.empty() ? "" : " (" + summary.system + ")"),
      summary.os_error);
}

void Handle::close(const std::string& what) {
  if (id_ < 0 || !close_) return;
  const herr_t status = close_(std::exchange(id_, -1));
  check_status(status, what);
}

Handle string_type() {
  Handle t = type(H5Tcopy(H5T_C_S1), "copy string type");
  check_status(H5Tset_size(t, H5T_VARIABLE), "variable-length string");
  check_status(H5Tset_cset(t, H5T_CSET_UTF8), "UTF-8 string");
  return t;
}

void write_string_attribute(hid_t object, const std::string& name, const std::string& value) {
  Handle t = string_type();
  Handle s = space(H5Screate(H5S_SCALAR), "scalar space");
  Handle a = attribute(H5Acreate2(object, name.c_str(), t, s, H5P_DEFAULT, H5P_DEFAULT),
                       "create attribute " + name);
  const char* text = value.c_str();
  check_status(H5Awrite(a, t, &text), "write attribute " + name);
}

void write_strings_attribute(hid_t object, const std::string& name,
                             const std::vector<std::string>& values) {
  Handle t = string_type();
  const hsize_t dims[1] = {values.size()};
  Handle s = values.empty() ? space(H5Screate(H5S_NULL), "empty attribute space")
                            : space(H5Screate_simple(1, dims, nullptr), "attribute space");
  Handle a = attribute(H5Acreate2(object, name.c_str(), t, s, H5P_DEFAULT, H5P_DEFAULT),
                       "create attribute " + name);
  if (values.empty()) return;
  std::vector<const char*> texts;
  for (const auto& v : values) texts.push_back(v.c_str());
  check_status(H5Awrite(a, t, texts.data()), "write attribute " + name);
}

void write_u64_attribute(hid_t object, const std::string& name, unsigned long long value) {
  Handle s = space(H5Screate(H5S_SCALAR), "scalar space");
  Handle a = attribute(H5Acreate2(object, name.c_str(), H5T_STD_U64LE, s, H5P_DEFAULT, H5P_DEFAULT),
                       "create attribute " + name);
  check_status(H5Awrite(a, H5T_NATIVE_ULLONG, &value), "write attribute " + name);
}

bool read_strings_attribute(hid_t object, const std::string& name, std::vector<std::string>& out) {
  out.clear();
  if (H5Aexists(object, name.c_str()) <= 0) return false;
  Handle a = attribute(H5Aopen(object, name.c_str(), H5P_DEFAULT), "open attribute " + name);
  Handle file_type = type(H5Aget_type(a), "attribute type");
  if (H5Tget_class(file_type) != H5T_STRING) return false;
  Handle s = space(H5Aget_space(a), "attribute space");
  const hssize_t count = H5Sget_simple_extent_npoints(s);
  if (count < 0) return false;
  if (H5Tis_variable_str(file_type) > 0) {
    Handle t = string_type();
    std::vector<char*> texts(static_cast<std::size_t>(count), nullptr);
    check_status(H5Aread(a, t, texts.data()), "read attribute " + name);
    for (char* text : texts) out.emplace_back(text ? text : "");
    H5Dvlen_reclaim(t, s, H5P_DEFAULT, texts.data());
  } else {
    const std::size_t size = H5Tget_size(file_type);
    std::vector<char> buffer(size * static_cast<std::size_t>(count) + 1, '\0');
    check_status(H5Aread(a, file_type, buffer.data()), "read attribute " + name);
    for (hssize_t k = 0; k < count; ++k) {
      const char* start = buffer.data() + static_cast<std::size_t>(k) * size;
      out.emplace_back(start, strnlen(start, size));
    }
  }
  return true;
}

}  // namespace orgsim::experiments::h5
