// Checkpoints a WAL database on a thread of its own, so that no write (a push on the server, a pull
// page on a tablet) pays for copying the log back into the database file.
//
// SQLite's automatic checkpoint runs inside the commit that crosses its threshold: that one
// commit waits while every page changed since the last checkpoint is copied (14% of the server's
// ingest time at its 128 MiB threshold, measured). Here the writer's commits only
// append to the WAL; a wal hook wakes this thread once the log holds `threshold_pages`, and it
// checkpoints on its own connection: a PASSIVE pass for the bulk (never waits for the writer), then
// a RESTART for the few pages written meanwhile, so that the next write starts the log over.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "fieldsync/sqlite_db.h"
#include "fieldsync/status.h"

namespace fieldsync::sql {

class WalCheckpointer {
 public:
  // Turns `writer`'s automatic checkpoints off and takes them over. `writer` must outlive this.
  static Result<std::unique_ptr<WalCheckpointer>> Start(Database& writer, int threshold_pages);
  // Stops the thread (a checkpoint in progress finishes first) and gives checkpoints back to SQLite.
  ~WalCheckpointer();

  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

 private:
  WalCheckpointer(Database& writer, std::unique_ptr<Database> own, int threshold_pages);
  static int OnCommit(void* self, sqlite3* db, const char* schema, int wal_pages);
  void Run();

  Database& writer_;
  std::unique_ptr<Database> own_;  // used by the thread only
  const int threshold_pages_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool wanted_ = false, stopping_ = false;
  std::thread thread_;
};

}  // namespace fieldsync::sql
