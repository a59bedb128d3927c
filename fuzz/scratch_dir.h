// A private directory for a fuzz target's databases: on tmpfs (/dev/shm) when there is one, so
// SQLite's fsyncs cost nothing and tens of thousands of resets do not wear a disk. Removed when the
// process exits normally (libFuzzer's crash exits leave it: it is small, and named by process id).
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>
#include <system_error>

namespace fieldsync::fuzz {

class ScratchDir {
 public:
  explicit ScratchDir(const std::string& name) {
    std::error_code ec;
    std::filesystem::path parent = "/dev/shm";
    if (!std::filesystem::is_directory(parent, ec)) parent = std::filesystem::temp_directory_path();
    path_ = parent / ("fieldsync-fuzz-" + name + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(path_, ec);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace fieldsync::fuzz
