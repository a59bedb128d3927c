// What the fixtures need to reset a SQLite store and to tell whether a request changed it, without
// any knowledge of the store's schema.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

struct sqlite3;

namespace fieldsync::fuzz {

// The bytes of a closed store (closing checkpoints SQLite's WAL into the main file), written back
// to reset the store to that state.
class SavedDatabase {
 public:
  static SavedDatabase Of(const std::string& path);
  // Removes the -wal and -shm files, then writes the saved bytes. Nothing may have `path` open.
  void RestoreTo(const std::string& path) const;

 private:
  std::string bytes_;
};

// A read-only connection beside the store's own.
class DatabaseReader {
 public:
  explicit DatabaseReader(const std::string& path);
  ~DatabaseReader();
  DatabaseReader(const DatabaseReader&) = delete;
  DatabaseReader& operator=(const DatabaseReader&) = delete;

  // True when another connection committed a transaction since the previous call (PRAGMA
  // data_version): cheap, so a fixture digests only when something was written.
  bool CommittedSinceLastCall();
  // Holds a read transaction on the state committed now (WAL keeps it readable while the store
  // writes), so that Digest() can still tell what the state was before a request, until Unpin().
  void Pin();
  void Unpin();
  // Every row of every table except those named in `skip`, as "table rows:hash" lines (the hash is
  // a sum over rows, so row order does not matter): of the pinned state, or else of the current one.
  std::string Digest(const std::vector<std::string>& skip = {});

 private:
  int64_t DataVersion();
  void Exec(const char* sql);
  sqlite3* db_ = nullptr;
  int64_t data_version_ = 0;
  bool pinned_ = false;
};

}  // namespace fieldsync::fuzz
