// ReadOnlyDb: opens a fieldsync SQLite store (device or server) read-only, so the soak driver can
// look at what the processes wrote without ever changing it. Errors throw std::runtime_error with
// the file name.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <string>

namespace fieldsync::soak {

// A stored field value in the form both stores use: (value_kind, value) columns. `text` is a
// canonical rendering (kind and exact bytes) to compare values across stores.
struct Cell {
  int kind = 0;
  std::string bytes;  // text or blob bytes, or the decimal number
  std::string Render() const { return std::to_string(kind) + ":" + bytes; }
  friend bool operator==(const Cell&, const Cell&) = default;
};

class Row {
 public:
  explicit Row(sqlite3_stmt* stmt) : stmt_(stmt) {}
  int64_t Int(int column) const { return sqlite3_column_int64(stmt_, column); }
  std::string Text(int column) const;
  std::string Bytes(int column) const;  // a BLOB column's bytes
  // The (kind, value) pair starting at `kind_column`.
  Cell ReadCell(int kind_column) const;

 private:
  sqlite3_stmt* stmt_;
};

class ReadOnlyDb {
 public:
  explicit ReadOnlyDb(const std::string& path);
  ~ReadOnlyDb();
  ReadOnlyDb(const ReadOnlyDb&) = delete;
  ReadOnlyDb& operator=(const ReadOnlyDb&) = delete;

  // Runs `sql` (no parameters) and calls `on_row` for every row.
  void Query(const std::string& sql, const std::function<void(const Row&)>& on_row);
  // The first column of the first row as text, or `fallback` when there is no row.
  std::string Scalar(const std::string& sql, const std::string& fallback = "");
  bool HasTable(const std::string& name);
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  sqlite3* db_ = nullptr;
};

}  // namespace fieldsync::soak
