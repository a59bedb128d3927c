// A private directory for a fuzz target's databases: on tmpfs (/dev/shm) when there is one, so
// SQLite's fsyncs cost nothing and tens of thousands of resets do not wear a disk. Removed when the
// process exits normally, even when its owner is never destroyed (the fixtures are not); a crash
// leaves it: it is small, and named by process id.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

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
    RemoveAtExit(path_);
  }
  ~ScratchDir() { Remove(path_); }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  static void Remove(const std::filesystem::path& path) {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  static void RemoveAtExit(std::filesystem::path path) {
    static std::vector<std::filesystem::path>* paths = [] {
      std::atexit([] {
        for (const auto& p : *paths) Remove(p);
      });
      return new std::vector<std::filesystem::path>();
    }();
    paths->push_back(std::move(path));
  }

  std::filesystem::path path_;
};

}  // namespace fieldsync::fuzz
