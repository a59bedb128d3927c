#include "fieldsync/wal_checkpointer.h"

#include <sqlite3.h>

#include <iostream>
#include <system_error>

namespace fieldsync::sql {
namespace {
constexpr int kRestartWaitMs = 100;
}  // namespace

std::unique_ptr<WalCheckpointer> WalCheckpointer::Start(Database& writer, int threshold_pages) {
  sqlite3_wal_autocheckpoint(writer.handle(), threshold_pages);  // what stays if this cannot start
  auto own = Database::Open(writer.path());
  if (!own.ok()) return nullptr;
  // A RESTART waits this long, holding the writer back, for the writer and readers of the old log.
  sqlite3_busy_timeout((*own)->handle(), kRestartWaitMs);
  std::unique_ptr<WalCheckpointer> out(new WalCheckpointer(writer, std::move(*own), threshold_pages));
  try {
    out->thread_ = std::thread([self = out.get()] { self->Run(); });
  } catch (const std::system_error&) {
    return nullptr;  // out's destructor hands the checkpoints back
  }
  // Replaces SQLite's own hook, which is what runs the automatic checkpoint.
  sqlite3_wal_hook(writer.handle(), &WalCheckpointer::OnCommit, out.get());
  return out;
}

WalCheckpointer::WalCheckpointer(Database& writer, std::unique_ptr<Database> own, int threshold_pages)
    : writer_(writer), own_(std::move(own)), threshold_pages_(threshold_pages), wake_at_pages_(threshold_pages) {}

WalCheckpointer::~WalCheckpointer() {
  sqlite3_wal_autocheckpoint(writer_.handle(), threshold_pages_);  // also removes OnCommit
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

WalCheckpointer::Counts WalCheckpointer::counts() {
  std::lock_guard lock(mutex_);
  return counts_;
}

// Runs on the writer's thread, after each commit, with the WAL's size in pages.
int WalCheckpointer::OnCommit(void* self, sqlite3*, const char*, int wal_pages) {
  auto* checkpointer = static_cast<WalCheckpointer*>(self);
  bool wake = false;
  {
    std::lock_guard lock(checkpointer->mutex_);
    if (wal_pages < checkpointer->last_pages_) checkpointer->wake_at_pages_ = checkpointer->threshold_pages_;
    checkpointer->last_pages_ = wal_pages;
    if (wal_pages >= checkpointer->wake_at_pages_ && !checkpointer->wanted_) checkpointer->wanted_ = wake = true;
  }
  if (wake) checkpointer->wake_.notify_one();
  return SQLITE_OK;
}

void WalCheckpointer::Run() {
  while (true) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return wanted_ || stopping_; });
      if (stopping_) return;
    }
    Checkpoint();
    std::lock_guard lock(mutex_);
    wanted_ = false;
  }
}

void WalCheckpointer::Checkpoint() {
  int log_pages = 0, copied_pages = 0;
  int rc = sqlite3_wal_checkpoint_v2(own_->handle(), "main", SQLITE_CHECKPOINT_PASSIVE, &log_pages, &copied_pages);
  // PASSIVE stops, and says OK, where a reader still needs the old pages: a RESTART now would only
  // hold the writer back for kRestartWaitMs and fail. BUSY from either: another checkpoint runs,
  // or the writer or a reader did not let go in time.
  const bool whole_log = rc == SQLITE_OK && copied_pages == log_pages;
  if (whole_log) rc = sqlite3_wal_checkpoint_v2(own_->handle(), "main", SQLITE_CHECKPOINT_RESTART, nullptr, nullptr);
  std::string error;
  if (rc != SQLITE_OK && rc != SQLITE_BUSY) error = sqlite3_errmsg(own_->handle());

  std::lock_guard lock(mutex_);
  ++counts_.passes;
  if (whole_log) ++counts_.restarts;
  // Held back by a reader (or unable to run): try again once the log has grown by another
  // threshold, or has restarted. (A pass that could not start reports -1 pages: then the log as of
  // the last commit.) The whole log copied but the RESTART refused (the writer was busy, as under
  // back-to-back pushes): the next commit over the threshold tries again, since the next pass only
  // has that commit's pages to copy and the writer restarts the log by itself once a pass
  // finishes between two of its commits. (Backing off a threshold here let the server's log reach
  // 2.4 thresholds in the ingest bench.)
  const int log_now = log_pages > 0 ? log_pages : last_pages_;
  wake_at_pages_ = whole_log ? threshold_pages_ : log_now + threshold_pages_;
  if (!error.empty() && error != last_error_) {
    std::cerr << "fieldsync: checkpoint of " << own_->path() << " failed: " << error
              << "; the write-ahead log keeps growing until it succeeds (check free disk space)\n";
  }
  last_error_ = error;
}

}  // namespace fieldsync::sql
