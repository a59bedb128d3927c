#include "soak/readonly_db.h"

#include <stdexcept>

namespace fieldsync::soak {

std::string Row::Text(int column) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, column))) : std::string();
}

std::string Row::Bytes(int column) const {
  const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
  return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, column))) : std::string();
}

Cell Row::ReadCell(int kind_column) const {
  Cell cell;
  cell.kind = static_cast<int>(Int(kind_column));
  const int v = kind_column + 1;
  switch (sqlite3_column_type(stmt_, v)) {
    case SQLITE_NULL: break;
    case SQLITE_INTEGER: cell.bytes = std::to_string(Int(v)); break;
    case SQLITE_FLOAT: cell.bytes = std::to_string(sqlite3_column_double(stmt_, v)); break;
    case SQLITE_BLOB: cell.bytes = Bytes(v); break;
    default: cell.bytes = Text(v);
  }
  return cell;
}

ReadOnlyDb::ReadOnlyDb(const std::string& path) : path_(path) {
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw std::runtime_error("cannot open " + path + " read-only: " + why);
  }
  sqlite3_busy_timeout(db_, 5000);
}

ReadOnlyDb::~ReadOnlyDb() { sqlite3_close(db_); }

void ReadOnlyDb::Query(const std::string& sql, const std::function<void(const Row&)>& on_row) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    throw std::runtime_error("cannot read " + path_ + " (" + sqlite3_errmsg(db_) + "): " + sql);
  }
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) on_row(Row(stmt));
  sqlite3_finalize(stmt);
  if (rc != SQLITE_DONE) throw std::runtime_error("reading " + path_ + " failed: " + sqlite3_errmsg(db_));
}

std::string ReadOnlyDb::Scalar(const std::string& sql, const std::string& fallback) {
  std::string out = fallback;
  bool first = true;
  Query(sql, [&](const Row& r) {
    if (first) out = r.Text(0);
    first = false;
  });
  return out;
}

bool ReadOnlyDb::HasTable(const std::string& name) {
  return Scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '" + name + "'") != "0";
}

}  // namespace fieldsync::soak
