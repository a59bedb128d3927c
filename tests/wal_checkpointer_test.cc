// WAL checkpoints run on their own thread (wal_checkpointer.h): the writer's commits never copy the
// log back, yet the database file receives every page, the log is restarted, and a reader holding
// an old snapshot neither stalls the writer nor turns every commit into a checkpoint attempt.
#include "fieldsync/wal_checkpointer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <thread>

#include "temp_dir.h"

namespace fieldsync::sql {
namespace {

constexpr int kThresholdPages = 64;
constexpr int64_t kLogLimitBytes = 2 * kThresholdPages * 4096;
constexpr size_t kRowBytes = 3000;  // one page per row

int64_t IntQuery(Database& db, const std::string& query) {
  auto stmt = db.Prepare(query);
  EXPECT_TRUE(stmt.ok());
  auto row = (*stmt)->Step();
  EXPECT_TRUE(row.ok() && *row);
  const int64_t value = (*stmt)->Int(0);
  (*stmt)->Reset();
  return value;
}

void WriteRows(Database& db, int rows, size_t bytes = kRowBytes) {
  auto insert = db.Prepare("INSERT INTO t (v) VALUES (?)");
  ASSERT_TRUE(insert.ok());
  for (int i = 0; i < rows; ++i) {
    auto txn = Transaction::Begin(db);
    ASSERT_TRUE(txn.ok());
    (*insert)->Bind(1, std::string(bytes, static_cast<char>('a' + i % 26)));
    ASSERT_TRUE((*insert)->Run().ok());
    ASSERT_TRUE((*txn)->Commit().ok());
  }
}

// Polls: the checkpointer works in its own time.
bool Eventually(const std::function<bool()>& condition) {
  for (int i = 0; i < 200; ++i) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return condition();
}

// A database with table t whose writer's checkpoints a WalCheckpointer has taken over.
class WalCheckpointerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = Database::Open(path_);
    ASSERT_TRUE(db.ok());
    db_ = std::move(*db);
    ASSERT_TRUE(db_->Exec("CREATE TABLE t (v BLOB)").ok());
    checkpointer_ = WalCheckpointer::Start(*db_, kThresholdPages);
    ASSERT_NE(checkpointer_, nullptr);
  }
  // Whether `rows` rows of kRowBytes have been copied into the database file.
  bool InDatabaseFile(int rows) const {
    return std::filesystem::file_size(path_) >= static_cast<uintmax_t>(rows) * kRowBytes;
  }

  TempDir dir_;
  const std::string path_ = dir_.File("central.db");
  std::unique_ptr<Database> db_;
  std::unique_ptr<WalCheckpointer> checkpointer_;
};

TEST_F(WalCheckpointerTest, CopiesTheLogIntoTheDatabaseAndRestartsIt) {
  ASSERT_TRUE(db_->Exec("PRAGMA journal_size_limit=" + std::to_string(kLogLimitBytes)).ok());
  // The writer's own commits no longer checkpoint; nothing else here does.
  EXPECT_EQ(IntQuery(*db_, "PRAGMA wal_autocheckpoint"), 0);

  constexpr int kRows = 600;  // 600 pages through a 64-page log
  WriteRows(*db_, kRows);
  EXPECT_TRUE(Eventually([&] { return InDatabaseFile(kRows); }))
      << "the rows never reached the database file: " << std::filesystem::file_size(path_) << " bytes";

  // Once everything is copied, a write starts the log over (truncated to the limit).
  int small_writes = 0;
  EXPECT_TRUE(Eventually([&] {
    WriteRows(*db_, 1, 100);
    ++small_writes;
    return std::filesystem::file_size(path_ + "-wal") <= static_cast<uintmax_t>(kLogLimitBytes);
  })) << "the log was never restarted: " << std::filesystem::file_size(path_ + "-wal") << " bytes";
  EXPECT_EQ(IntQuery(*db_, "SELECT count(*) FROM t"), kRows + small_writes);
  EXPECT_GE(checkpointer_->counts().restarts, 1u);
}

TEST_F(WalCheckpointerTest, AReaderOnAnOldSnapshotHoldsCheckpointsBackWithoutEveryCommitRetrying) {
  // A report reading one consistent view while pushes go on.
  auto reader = Database::Open(path_);
  ASSERT_TRUE(reader.ok());
  ASSERT_TRUE((*reader)->Exec("BEGIN").ok());
  EXPECT_EQ(IntQuery(**reader, "SELECT count(*) FROM t"), 0);

  constexpr int kRows = 10 * kThresholdPages;
  WriteRows(*db_, kRows);
  ASSERT_TRUE(Eventually([&] { return checkpointer_->counts().passes >= 1; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // let a late pass show
  // No RESTART while the reader needs the old pages (each would hold the writer back), and a new
  // pass only per threshold of log grown, not one per commit.
  EXPECT_EQ(checkpointer_->counts().restarts, 0u);
  const uintmax_t log_pages = std::filesystem::file_size(path_ + "-wal") / (4096 + 24);  // frame: header + page
  EXPECT_LE(checkpointer_->counts().passes, log_pages / kThresholdPages + 1) << log_pages << " pages of log";

  // The reader done, the next threshold of log gets everything copied.
  ASSERT_TRUE((*reader)->Exec("COMMIT").ok());
  WriteRows(*db_, kThresholdPages);
  EXPECT_TRUE(Eventually([&] { return InDatabaseFile(kRows); }))
      << "the rows never reached the database file after the reader ended";
}

TEST_F(WalCheckpointerTest, GivesCheckpointsBackToTheWriterWhenStopped) {
  EXPECT_EQ(IntQuery(*db_, "PRAGMA wal_autocheckpoint"), 0);
  checkpointer_.reset();
  EXPECT_EQ(IntQuery(*db_, "PRAGMA wal_autocheckpoint"), kThresholdPages);
}

}  // namespace
}  // namespace fieldsync::sql
