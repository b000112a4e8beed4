// The single-writer lock of a results file (writer_lock.hpp).
#include "orgsim/experiments/writer_lock.hpp"

#include "orgsim/core/error.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace orgsim::experiments {

namespace {

/// The whole file, exclusively (a lock on bytes 0 to the end, whatever the size becomes).
struct flock whole_file(short type) {
  struct flock lock {};
  lock.l_type = type;
  lock.l_whence = SEEK_SET;
  lock.l_start = 0;
  lock.l_len = 0;
  lock.l_pid = 0;  // must be 0 for OFD locks
  return lock;
}

bool same_file(int fd, const std::string& path) {
  struct stat open_file {
  }, named{};
  return ::fstat(fd, &open_file) == 0 && ::stat(path.c_str(), &named) == 0 &&
         open_file.st_dev == named.st_dev && open_file.st_ino == named.st_ino;
}

[[noreturn]] void refuse_busy(const std::string& path) {
  throw UsageError(path +
                   ": another orgsim process is writing this file (it holds the file's writer "
                   "lock); wait for it to end or stop it, or choose another -o");
}

}  // namespace

WriterLock::WriterLock(const std::string& path, bool create) : path_(path) {
  // The name may be replaced between open and lock (a --force or a resume renaming its copy
  // over it): the lock counts only if the name still refers to the locked file.
  for (int attempt = 0; attempt < 8; ++attempt) {
    bool created = create;
    int fd =
        create ? ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0666) : -1;
    if (!create || (fd < 0 && errno == EEXIST)) {
      created = false;
      fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
      if (fd < 0 && errno == ENOENT && !create) return;  // nothing there: nothing to guard
    }
    if (fd < 0) {
      if (errno == ENOENT) continue;  // removed in between: try again
      throw UsageError(path + ": cannot open for writing (" + std::strerror(errno) + ")");
    }
    struct flock lock = whole_file(F_WRLCK);
    if (::fcntl(fd, F_OFD_SETLK, &lock) != 0) {
      const int error = errno;
      ::close(fd);
      if (error == EACCES || error == EAGAIN) refuse_busy(path);
      throw UsageError(path + ": cannot lock for writing (" + std::strerror(error) + ")");
    }
    if (same_file(fd, path)) {
      fd_ = fd;
      created_ = created;
      return;
    }
    ::close(fd);
  }
  refuse_busy(path);  // replaced again and again: another process is busy with it
}

WriterLock::WriterLock(WriterLock&& other) noexcept
    : path_(std::move(other.path_)),
      fd_(std::exchange(other.fd_, -1)),
      created_(std::exchange(other.created_, false)) {}

WriterLock& WriterLock::operator=(WriterLock&& other) noexcept {
  if (this != &other) {
    release();
    path_ = std::move(other.path_);
    fd_ = std::exchange(other.fd_, -1);
    created_ = std::exchange(other.created_, false);
  }
  return *this;
}

WriterLock::~WriterLock() {
  release();
}

void WriterLock::release() noexcept {
  if (fd_ < 0) return;
  // Remove a file of ours that nobody kept, while still holding the lock.
  if (created_ && same_file(fd_, path_)) ::unlink(path_.c_str());
  ::close(fd_);
  fd_ = -1;
  created_ = false;
}

bool WriterLock::held(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return false;
  struct flock lock = whole_file(F_WRLCK);
  const bool busy = ::fcntl(fd, F_OFD_GETLK, &lock) == 0 && lock.l_type != F_UNLCK;
  ::close(fd);
  return busy;
}

}  // namespace orgsim::experiments
