// Writing a field's current state must not make SQLite build temporary b-trees: the partial
// lookup index's predicate is evaluated on every field_state write, and an `IN (...)` list of
// three values there cost each write two ephemeral tables (a fresh page cache allocated and freed
// each time; README "Performance"). Checked on the schema the tablet's store really opens,
// upgraded from scratch, through the statement it uses for a field write. (The server keeps one
// row per record since its schema version 10, server/record_state.h, and no such index.)
#include <gtest/gtest.h>

#include <string>

#include "fieldsync/device_store.h"
#include "fieldsync/sqlite_db.h"
#include "temp_dir.h"

namespace fieldsync {
namespace {

// How many temporary b-trees `statement` opens each time it runs, read off its program.
int EphemeralTablesOf(sql::Database& db, const std::string& statement) {
  auto explain = db.Prepare("EXPLAIN " + statement);
  EXPECT_TRUE(explain.ok()) << explain.status().ToString();
  if (!explain.ok()) return -1;
  int count = 0;
  while (true) {
    auto row = (*explain)->Step();
    EXPECT_TRUE(row.ok());
    if (!row.ok() || !*row) break;
    if ((*explain)->Text(1) == "OpenEphemeral") ++count;
  }
  return count;
}

std::string LookupIndexSql(sql::Database& db) {
  auto s = db.Prepare("SELECT sql FROM sqlite_master WHERE name = 'field_state_by_lookup'");
  if (!s.ok() || !*(*s)->Step()) return "";
  return (*s)->Text(0);
}

// `write` (the store's field write) on the store at `path` builds no temporary table, and the
// lookup index there has its predicate without an IN list.
void ExpectFieldWriteBuildsNoTemporaryTable(const std::string& path, const std::string& write) {
  auto db = sql::Database::Open(path);
  ASSERT_TRUE(db.ok());
  EXPECT_EQ(EphemeralTablesOf(**db, write), 0);
  const std::string index = LookupIndexSql(**db);
  EXPECT_NE(index.find("field = 'user_name'"), std::string::npos) << index;
  EXPECT_EQ(index.find(" IN ("), std::string::npos) << index;
}

TEST(FieldWritePlan, DeviceFieldWriteBuildsNoTemporaryTable) {
  TempDir dir;
  const std::string path = dir.File("device.db");
  ASSERT_TRUE(DeviceStore::Open(path).ok());
  ExpectFieldWriteBuildsNoTemporaryTable(path, "INSERT OR REPLACE INTO field_state (record_type, record_id, field, "
                                               "value_kind, value, tombstone, hlc, node, author, folded) "
                                               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
}

}  // namespace
}  // namespace fieldsync
