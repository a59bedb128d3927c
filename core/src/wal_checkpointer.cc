#include "fieldsync/wal_checkpointer.h"

#include <sqlite3.h>

#include <iostream>

namespace fieldsync::sql {
namespace {
constexpr int kRestartWaitMs = 100;
}  // namespace

Result<std::unique_ptr<WalCheckpointer>> WalCheckpointer::Start(Database& writer, int threshold_pages) {
  FS_ASSIGN_OR_RETURN(auto own, Database::Open(writer.path()));
  // RESTART holds the writer back while it waits for readers of the old log: not for long.
  sqlite3_busy_timeout(own->handle(), kRestartWaitMs);
  std::unique_ptr<WalCheckpointer> out(new WalCheckpointer(writer, std::move(own), threshold_pages));
  // Replaces SQLite's own hook, which is what runs the automatic checkpoint.
  sqlite3_wal_hook(writer.handle(), &WalCheckpointer::OnCommit, out.get());
  out->thread_ = std::thread([self = out.get()] { self->Run(); });
  return out;
}

WalCheckpointer::WalCheckpointer(Database& writer, std::unique_ptr<Database> own, int threshold_pages)
    : writer_(writer), own_(std::move(own)), threshold_pages_(threshold_pages) {}

WalCheckpointer::~WalCheckpointer() {
  sqlite3_wal_autocheckpoint(writer_.handle(), threshold_pages_);  // also removes OnCommit
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

// Runs on the writer's thread, after each commit, with the WAL's size in pages.
int WalCheckpointer::OnCommit(void* self, sqlite3*, const char*, int wal_pages) {
  auto* checkpointer = static_cast<WalCheckpointer*>(self);
  if (wal_pages < checkpointer->threshold_pages_) return SQLITE_OK;
  {
    std::lock_guard lock(checkpointer->mutex_);
    checkpointer->wanted_ = true;
  }
  checkpointer->wake_.notify_one();
  return SQLITE_OK;
}

void WalCheckpointer::Run() {
  while (true) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return wanted_ || stopping_; });
      if (stopping_) return;
      wanted_ = false;
    }
    // PASSIVE copies the bulk of the log without ever waiting for the writer. Under steady pushes
    // it never catches up, though (the writer appends while it copies), and the log restarts only
    // once all of it is copied: it grew without bound and ingest got 10-20% slower (measured). So
    // RESTART then copies the few pages written meanwhile, holding the writer back that long, and
    // the next write starts the log over. BUSY (the writer or a reader did not let go within
    // kRestartWaitMs, or another checkpoint is running): the next commit over the threshold asks again.
    int rc = sqlite3_wal_checkpoint_v2(own_->handle(), "main", SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    if (rc == SQLITE_OK) rc = sqlite3_wal_checkpoint_v2(own_->handle(), "main", SQLITE_CHECKPOINT_RESTART, nullptr, nullptr);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
      std::cerr << "fieldsync: checkpoint of " << own_->path() << " failed: " << sqlite3_errmsg(own_->handle())
                << "; the write-ahead log keeps growing until it succeeds (check free disk space)\n";
    }
  }
}

}  // namespace fieldsync::sql
