// A thin RAII layer over the HDF5 C API (private to the results store). Every id is owned by a
// Handle that closes it; every failing call becomes a ResultsError naming what failed.
#pragma once

#include "orgsim/core/error.hpp"

#include <hdf5.h>

#include <string>
#include <utility>
#include <vector>

namespace orgsim::experiments::h5 {

class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer close) : id_(id), close_(close) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, -1)), close_(other.close_) {}
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = std::exchange(other.id_, -1);
      close_ = other.close_;
    }
    return *this;
  }
  ~Handle() { reset(); }
  /// Closes the id, ignoring failure (destructors, error paths).
  void reset() {
    if (id_ >= 0 && close_) close_(id_);
    id_ = -1;
  }
  /// Closes the id; closing a file or dataset flushes it, so a failure throws Hdf5Error.
  void close(const std::string& what);
  [[nodiscard]] hid_t get() const noexcept { return id_; }
  operator hid_t() const noexcept { return id_; }  // NOLINT: used as an hid_t in C calls

 private:
  hid_t id_ = -1;
  Closer close_ = nullptr;
};

/// A failed HDF5 call: what we were doing, plus the operating system's error when the library
/// reported one (a failed read or write: errno and its text, from HDF5's error stack).
class Hdf5Error : public ResultsError {
 public:
  Hdf5Error(const std::string& message, int os_error)
      : ResultsError(message), os_error_(os_error) {}
  /// errno of the failed system call (ENOSPC: disk full), or 0 when HDF5 reported none.
  [[nodiscard]] int os_error() const noexcept { return os_error_; }

 private:
  int os_error_ = 0;
};

/// Throws Hdf5Error("HDF5 error: <what> (<system error>)") from HDF5's current error stack.
[[noreturn]] void fail(const std::string& what);

/// Throws Hdf5Error when an HDF5 call returned a negative id or status.
inline hid_t check(hid_t id, const std::string& what) {
  if (id < 0) fail(what);
  return id;
}
inline void check_status(herr_t status, const std::string& what) {
  if (status < 0) fail(what);
}

inline Handle file(hid_t id, const std::string& what) {
  return {check(id, what), H5Fclose};
}
inline Handle dataset(hid_t id, const std::string& what) {
  return {check(id, what), H5Dclose};
}
inline Handle space(hid_t id, const std::string& what) {
  return {check(id, what), H5Sclose};
}
inline Handle type(hid_t id, const std::string& what) {
  return {check(id, what), H5Tclose};
}
inline Handle plist(hid_t id, const std::string& what) {
  return {check(id, what), H5Pclose};
}
inline Handle attribute(hid_t id, const std::string& what) {
  return {check(id, what), H5Aclose};
}

/// Turns off HDF5's printing of error stacks to stderr (we report errors ourselves).
void silence_errors();

/// A variable-length UTF-8 string type.
Handle string_type();

void write_string_attribute(hid_t object, const std::string& name, const std::string& value);
void write_strings_attribute(hid_t object, const std::string& name,
                             const std::vector<std::string>& values);
void write_u64_attribute(hid_t object, const std::string& name, unsigned long long value);
/// Reads a string (or array of strings) attribute; returns false if it does not exist.
bool read_strings_attribute(hid_t object, const std::string& name, std::vector<std::string>& out);

}  // namespace orgsim::experiments::h5
