// Schema upgrades: a store written by schema version 1 (tests/data/device_v1.db, from
// device_v1.sql) opens, upgrades to the current version and keeps every value and outbox entry.
#include <gtest/gtest.h>

#include <filesystem>

#include "fieldsync/device_store.h"
#include "fieldsync/sqlite_db.h"
#include "temp_dir.h"

namespace fieldsync {
namespace {

TEST(SchemaMigration, Version1StoreUpgradesWithoutLosingData) {
  TempDir dir;
  std::string path = dir.File("v1.db");
  std::filesystem::copy_file(FIELDSYNC_TEST_DATA_DIR "/device_v1.db", path);
  {  // a reference field, which version 2 put into the search index and version 7 takes out
    auto db = sql::Database::Open(path);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Exec("INSERT INTO field_state VALUES ('unit', 'u-cg', 'template_id', 1, 'tpl-phuong-xa', 0, "
                            "110664430387200000, 'server-seed')").ok());
  }

  auto opened = DeviceStore::Open(path);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  auto& store = **opened;
  EXPECT_EQ(store.SchemaVersion(), 9);  // 9: the sequence and clock live in the outbox rows (no table change)
  EXPECT_TRUE(store.RejectedChanges()->empty()) << "version 3 adds the rejected list, empty";
  // Version 4 indexed value prefixes instead of whole values, version 5 only those of lookup fields,
  // version 6 with a predicate free of IN lists; look-ups by value still find records, through the
  // index or (a findings text) by a scan.
  auto by_code = store.FindRecords("answer", "recommendations", "Sửa đổi quy ước ấp Thạnh Hòa");
  ASSERT_TRUE(by_code.ok());
  ASSERT_EQ(by_code->size(), 1u);
  EXPECT_EQ(by_code->front().id, "u-cg/i-a6");
  {
    auto db = sql::Database::Open(path);
    ASSERT_TRUE(db.ok());
    auto indexes = (*db)->Prepare("SELECT group_concat(name, ' ') FROM sqlite_master WHERE type = 'index' AND "
                                  "tbl_name = 'field_state'");
    ASSERT_TRUE(indexes.ok());
    ASSERT_TRUE(*(*indexes)->Step());
    const std::string names = (*indexes)->Text(0);
    EXPECT_NE(names.find("field_state_by_lookup"), std::string::npos) << names;
    EXPECT_EQ(names.find("field_state_by_value_prefix"), std::string::npos) << names;
    EXPECT_EQ((" " + names + " ").find(" field_state_by_value "), std::string::npos) << "the whole-value index is gone";
    auto search_table = (*db)->Prepare("SELECT count(*) FROM sqlite_master WHERE name = 'search_index'");
    ASSERT_TRUE(search_table.ok());
    ASSERT_TRUE(*(*search_table)->Step());
    EXPECT_EQ((*search_table)->Int(0), 0) << "version 8 keeps the folded text in field_state";
  }

  auto identity = store.Identity();
  ASSERT_TRUE(identity.ok());
  EXPECT_EQ(identity->user_name, "khoa");

  auto answer = store.GetRecord("answer", "u-cg/i-a6");
  ASSERT_TRUE(answer.ok() && answer->has_value());
  EXPECT_EQ((*answer)->Text("recommendations"), "Sửa đổi quy ước ấp Thạnh Hòa");
  EXPECT_EQ((*answer)->Integer("position"), 6);
  EXPECT_EQ((*answer)->fields.at("rating").author, "khoa") << "own fields are credited to the store's user";
  EXPECT_EQ((*store.GetRecord("unit", "u-cg"))->fields.at("name").author, "") << "others' fields stay unattributed";

  auto pending = store.PendingChanges(10);
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 2u);
  EXPECT_EQ(pending->front().device_seq, 2u);
  EXPECT_EQ(pending->back().author, "khoa");

  // The search index was backfilled from existing text (version 2), then moved into field_state
  // (version 8) with it.
  auto hits = store.Search("can gio");
  ASSERT_TRUE(hits.ok());
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ(hits->front().record_id, "u-cg");
  EXPECT_EQ(store.Search("thanh hoa")->size(), 1u);
  EXPECT_TRUE(store.Search("tpl-phuong-xa")->empty()) << "version 7: references are not searched";

  // Writing continues the device sequence and the HLC where version 1 left them.
  auto written = store.Write({{"answer", "u-cg/i-a6", "rating", std::string("tot"), false}});
  ASSERT_TRUE(written.ok());
  EXPECT_EQ(written->front().device_seq, 4u);
  EXPECT_GT(written->front().hlc.Pack(), 110664430387200002u);
  EXPECT_EQ(written->front().seen_hlc.Pack(), 110664430387200001u);
  // A lookup field written after the upgrade is found through the new index.
  ASSERT_TRUE(store.Write({FieldWrite{"answer", "u-cg/i-a7", "unit_id", std::string("u-cg"), false}}).ok());
  auto by_unit = store.FindRecords("answer", "unit_id", "u-cg");
  ASSERT_TRUE(by_unit.ok()) << by_unit.status().ToString();
  ASSERT_EQ(by_unit->size(), 1u);
  EXPECT_EQ(by_unit->front().id, "u-cg/i-a7");
}

TEST(SchemaMigration, RefusesAStoreFromANewerVersion) {
  TempDir dir;
  std::string path = dir.File("future.db");
  {
    auto db = sql::Database::Open(path);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->SetUserVersion(99).ok());
  }
  auto opened = DeviceStore::Open(path);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(opened.status().message().find("newer fieldsync"), std::string::npos);
}

}  // namespace
}  // namespace fieldsync
