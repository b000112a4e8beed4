// The single writer of a results file: an advisory lock held for as long as a sweep, a resume or
// a merge writes the file, so that a second `run --force`, `--resume` or `merge` on the same path
// is refused instead of truncating a file another process is writing (docs/reliability.md).
#pragma once

#include <string>

namespace orgsim::experiments {

/// An exclusive open-file-description lock (Linux `F_OFD_SETLK`) on the file at a path. It is
/// independent of the `flock` locks HDF5 takes itself, is released when the process ends however
/// it ends, and is not inherited by programs orgsim starts. Readers (analyze, h5py, SWMR) are not
/// affected. On NFS, locks depend on the server's lock manager.
class WriterLock {
 public:
  WriterLock() = default;
  /// Locks the file at `path`, creating an empty file there when none exists (with `create`
  /// false, a missing file is left missing and nothing is locked: a resume then says there is
  /// nothing to resume). @throws UsageError when another process holds the lock (it is writing
  /// the file).
  explicit WriterLock(const std::string& path, bool create = true);
  WriterLock(WriterLock&& other) noexcept;
  WriterLock& operator=(WriterLock&& other) noexcept;
  WriterLock(const WriterLock&) = delete;
  WriterLock& operator=(const WriterLock&) = delete;
  /// Releases the lock; a file this lock created and nobody kept (keep()) is removed first, so a
  /// refused or failed start leaves no empty file behind.
  ~WriterLock();

  /// The file now holds results worth keeping: not removed at release.
  void keep() noexcept { created_ = false; }
  /// The file holds nothing worth keeping (a creation that failed): removed at release.
  void discard() noexcept { created_ = true; }
  /// True when the file is to be removed at release (created here and not kept, or discarded).
  [[nodiscard]] bool created() const noexcept { return created_; }
  [[nodiscard]] const std::string& path() const noexcept { return path_; }

  /// True when some process holds the lock on the file at `path` (false when there is no file).
  static bool held(const std::string& path);

 private:
  void release() noexcept;
  std::string path_;
  int fd_ = -1;
  bool created_ = false;
};

}  // namespace orgsim::experiments
