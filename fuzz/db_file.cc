#include "db_file.h"

#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "fuzz_check.h"

namespace fieldsync::fuzz {
namespace {

uint64_t Fnv1a(uint64_t h, const void* data, size_t n) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 0x100000001b3ULL;
  return h;
}

uint64_t RowHash(sqlite3_stmt* s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (int i = 0; i < sqlite3_column_count(s); ++i) {
    const unsigned char type = static_cast<unsigned char>(sqlite3_column_type(s, i));
    h = Fnv1a(h, &type, 1);
    const void* bytes = type == SQLITE_BLOB ? sqlite3_column_blob(s, i) : sqlite3_column_text(s, i);
    const int n = sqlite3_column_bytes(s, i);
    h = Fnv1a(h, &n, sizeof n);
    if (bytes) h = Fnv1a(h, bytes, static_cast<size_t>(n));
  }
  return h;
}

std::vector<std::string> Column0(sqlite3* db, const char* sql) {
  sqlite3_stmt* s = nullptr;
  FUZZ_CHECK(sqlite3_prepare_v2(db, sql, -1, &s, nullptr) == SQLITE_OK, sqlite3_errmsg(db));
  std::vector<std::string> out;
  while (sqlite3_step(s) == SQLITE_ROW) out.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)));
  sqlite3_finalize(s);
  return out;
}

}  // namespace

SavedDatabase SavedDatabase::Of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  FUZZ_CHECK(in.good(), "cannot read " + path);
  SavedDatabase saved;
  saved.bytes_.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  FUZZ_CHECK(!std::filesystem::exists(path + "-wal"), path + " was saved while open (its WAL is not checkpointed)");
  return saved;
}

void SavedDatabase::RestoreTo(const std::string& path) const {
  std::error_code ignored;
  std::filesystem::remove(path + "-wal", ignored);
  std::filesystem::remove(path + "-shm", ignored);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes_.data(), static_cast<std::streamsize>(bytes_.size()));
  FUZZ_CHECK(out.good(), "cannot write " + path);
}

DatabaseReader::DatabaseReader(const std::string& path) {
  int rc = sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr);
  FUZZ_CHECK(rc == SQLITE_OK, "cannot open " + path + " to read it");
  data_version_ = DataVersion();
}

DatabaseReader::~DatabaseReader() {
  if (pinned_) sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr);
  sqlite3_close_v2(db_);
}

int64_t DatabaseReader::DataVersion() {
  sqlite3_stmt* s = nullptr;
  FUZZ_CHECK(sqlite3_prepare_v2(db_, "PRAGMA data_version", -1, &s, nullptr) == SQLITE_OK, sqlite3_errmsg(db_));
  FUZZ_CHECK(sqlite3_step(s) == SQLITE_ROW, sqlite3_errmsg(db_));
  int64_t version = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  return version;
}

bool DatabaseReader::CommittedSinceLastCall() {
  int64_t now = DataVersion();
  bool changed = now != data_version_;
  data_version_ = now;
  return changed;
}

void DatabaseReader::Exec(const char* sql) {
  FUZZ_CHECK(sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) == SQLITE_OK, std::string(sql) + ": " + sqlite3_errmsg(db_));
}

void DatabaseReader::Pin() {
  if (pinned_) return;
  Exec("BEGIN");
  Exec("SELECT count(*) FROM sqlite_schema");  // a read transaction starts at its first read
  pinned_ = true;
}

void DatabaseReader::Unpin() {
  if (!pinned_) return;
  Exec("COMMIT");
  pinned_ = false;
}

std::string DatabaseReader::Digest(const std::vector<std::string>& skip) {
  // One read transaction, so the digest is of one committed state.
  const bool own_transaction = !pinned_;
  if (own_transaction) Pin();
  std::ostringstream digest;
  for (const std::string& table :
       Column0(db_, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")) {
    if (std::find(skip.begin(), skip.end(), table) != skip.end()) continue;
    sqlite3_stmt* s = nullptr;
    std::string sql = "SELECT * FROM \"" + table + "\"";
    FUZZ_CHECK(sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) == SQLITE_OK, sqlite3_errmsg(db_));
    uint64_t rows = 0, sum = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
      ++rows;
      sum += RowHash(s);
    }
    sqlite3_finalize(s);
    digest << table << ' ' << rows << ':' << std::hex << sum << std::dec << '\n';
  }
  if (own_transaction) Unpin();
  return digest.str();
}

}  // namespace fieldsync::fuzz
