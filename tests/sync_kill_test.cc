// S3/S4 with the process killed: `fieldsync sync` (the real binary) is killed with SIGKILL at
// random moments while it pushes and pulls in batches of one; every next run resumes, the cursor
// never goes back, and in the end the server holds each change once and the tablet equals it.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <random>
#include <set>
#include <thread>

#include "sync_harness.h"

namespace fieldsync {
namespace {

// Starts `fieldsync sync --db PATH --batch 1`, kills it after `delay`, returns whether it was killed
// (false: it finished first).
bool SyncAndKill(const std::string& db, std::chrono::milliseconds delay) {
  pid_t pid = fork();
  if (pid == 0) {
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    dup2(devnull, 2);
    const char* argv[] = {FIELDSYNC_BIN_DIR "/fieldsync", "sync", "--db", db.c_str(), "--batch", "1", nullptr};
    execv(argv[0], const_cast<char**>(argv));
    _exit(127);
  }
  std::this_thread::sleep_for(delay);
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

TEST_F(SyncHarness, S3_S4_KilledSyncsResumeWithoutLossOrDuplicate) {
  auto luan = Enroll("luan"), tham = Enroll("tham"), office = Enroll("thuongtruc");
  ASSERT_TRUE(luan->Sync().ok());
  ASSERT_TRUE(tham->Sync().ok());
  for (int i = 0; i < 40; ++i) {
    AnswerEdit edit;
    edit.results = "Trưởng đoàn ghi lần " + std::to_string(i);
    luan->Answer(i % 2 ? "Q4" : "P10Q4", "A" + std::to_string(1 + i % 7), edit);
    AnswerEdit mine;
    mine.limitations = "Phó đoàn ghi lần " + std::to_string(i);
    tham->Answer(i % 2 ? "CG" : "TTCT", "A" + std::to_string(1 + i % 7), mine);
  }
  ASSERT_TRUE(luan->Sync().ok());
  const std::string db = tham->path;
  tham->store.reset();  // the CLI process owns the tablet now

  std::mt19937 rng(2023);
  uint64_t cursor = 0;
  int killed = 0;
  for (int round = 0; round < 12; ++round) {
    killed += SyncAndKill(db, std::chrono::milliseconds(5 + rng() % 40));
    auto store = DeviceStore::Open(db);
    ASSERT_TRUE(store.ok());
    auto status = SyncEngine::ReadStatus(**store);
    ASSERT_TRUE(status.ok());
    EXPECT_GE(status->cursor, cursor) << "round " << round << ": the pull cursor never goes back";
    cursor = status->cursor;
  }
  EXPECT_GT(killed, 3) << "the test must really kill syncs in flight";

  auto store = DeviceStore::Open(db);
  ASSERT_TRUE(store.ok());
  tham->store = std::move(store).value();
  tham->checklist = std::make_unique<Checklist>(*tham->store);
  ASSERT_TRUE(tham->Sync().ok());
  EXPECT_EQ(*tham->store->PendingCount(), 0);

  std::set<std::pair<std::string, uint64_t>> keys;
  int from_tham = 0;
  for (const auto& c : PullEverything(office->Token())) {
    EXPECT_TRUE(keys.insert({c.device_id(), c.device_seq()}).second) << "stored twice: " << c.device_seq();
    from_tham += c.device_id() == tham->DeviceId();
  }
  EXPECT_EQ(from_tham, 14 * 3 + 40) << "14 answers (3 identity fields each) and 40 edits, each once";
  ASSERT_TRUE(luan->Sync().ok());
  auto answers = [](DeviceStore& s) {
    std::map<std::string, std::string> out;
    auto records = s.ListRecords(domain::kAnswer);
    for (const auto& r : *records)
      for (const auto& [f, v] : r.fields) out[r.id + "." + f] = DescribeValue(v.value);
    return out;
  };
  EXPECT_EQ(answers(*tham->store), answers(*luan->store));
}

}  // namespace
}  // namespace fieldsync
