// Checkpoints a WAL database on a thread of its own, so that no write (a push on the server, a pull
// page on a tablet) pays for copying the log back into the database file.
//
// SQLite's automatic checkpoint runs inside the commit that crosses its threshold: that one
// commit waits while every page changed since the last checkpoint is copied (14% of the server's
// ingest time at its 128 MiB threshold, measured). Here the writer's commits only append to the
// WAL; a wal hook wakes this thread once the log holds `threshold_pages`, and it checkpoints on its
// own connection: a PASSIVE pass (never waits for the writer); then, only if that pass copied the
// whole log, a RESTART, which holds the writer back (at most kRestartWaitMs waiting, plus copying
// what was committed meanwhile) so that the next write starts the log over. Under back-to-back
// commits the RESTART seldom gets in; passes then follow commits until one finishes between two
// of them and the writer restarts the log itself (the server's log peaked at 1.9 thresholds in
// the ingest bench, since the first pass copies for a while). A reader holding an old snapshot
// stops both until it ends, as with SQLite's own checkpoints; after a pass it held back, the next
// waits for another threshold of log, so that a long reader does not turn every commit into a
// checkpoint attempt.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "fieldsync/sqlite_db.h"

namespace fieldsync::sql {

class WalCheckpointer {
 public:
  // What the thread has done so far (for tests and diagnostics).
  struct Counts {
    uint64_t passes = 0;    // PASSIVE checkpoints run
    uint64_t restarts = 0;  // RESTART checkpoints attempted after a pass that copied the whole log
  };

  // Takes `writer`'s checkpoints over. Returns null when the thread or its connection cannot be
  // started: `writer` then checkpoints itself, inline, at the same threshold. `writer` must outlive
  // the result, and no other thread may use `writer` while the result is destroyed.
  static std::unique_ptr<WalCheckpointer> Start(Database& writer, int threshold_pages);
  // Stops the thread (a checkpoint in progress finishes first) and gives checkpoints back to SQLite.
  ~WalCheckpointer();

  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  Counts counts();

 private:
  WalCheckpointer(Database& writer, std::unique_ptr<Database> own, int threshold_pages);
  static int OnCommit(void* self, sqlite3* db, const char* schema, int wal_pages);
  void Run();
  void Checkpoint();

  Database& writer_;
  std::unique_ptr<Database> own_;  // used by the thread only
  const int threshold_pages_;
  std::mutex mutex_;
  std::condition_variable wake_;
  // Guarded by mutex_: the log size that wakes the thread, the size at the last commit (smaller
  // now means the log restarted), what the thread does, and its last failure (logged once).
  int wake_at_pages_, last_pages_ = 0;
  bool wanted_ = false, stopping_ = false;
  Counts counts_;
  std::string last_error_;
  std::thread thread_;
};

}  // namespace fieldsync::sql
