// S1 "Durable local write": when a local write returns, the value and its outbox entry are
// committed in one SQLite transaction, so killing the process at any instant loses nothing that
// was returned. A forked child writes answers and reports each one through a pipe only after the
// call returned; the parent SIGKILLs it at a random moment, reopens the store and checks that
// every reported write survived, together with an outbox that agrees with the current state.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "fieldsync/checklist.h"
#include "fieldsync/device_store.h"
#include "fieldsync/seed_scenario.h"
#include "temp_dir.h"

namespace fieldsync {
namespace {

// The writes cycle over 14 answers: items A1..A7 of unit Q4, then of its ward P10Q4.
constexpr uint64_t kSlots = 14;
const char* UnitOf(uint64_t n) { return n % kSlots < 7 ? "Q4" : "P10Q4"; }
std::string ItemOf(uint64_t n) { return "A" + std::to_string(n % 7 + 1); }
// Unique per write, so the stored text tells exactly which write is the current one.
std::string ResultsOf(uint64_t n) { return "lần " + std::to_string(n) + ": đã quán triệt tới đảng viên"; }

// The forked writer. It runs no gtest code and never returns: it writes answers n = first,
// first + 1, ... and, only once Answer has returned ok, sends n to the parent. Exit codes other
// than death by SIGKILL mean the child failed on its own.
[[noreturn]] void RunWriterChild(const std::string& db_path, uint64_t first, int report_fd) {
  alarm(10);  // safety net should the parent never kill us
  auto store = DeviceStore::Open(db_path);
  if (!store.ok()) _exit(3);
  Checklist checklist(**store);
  for (uint64_t n = first;; ++n) {
    AnswerEdit edit;
    edit.results = ResultsOf(n);
    if (!checklist.Answer(UnitOf(n), ItemOf(n), edit).ok()) _exit(4);
    // 8 bytes is below PIPE_BUF, so a kill lands before or after the whole report, never inside.
    if (write(report_fd, &n, sizeof n) != static_cast<ssize_t>(sizeof n)) _exit(5);
  }
}

std::vector<uint64_t> ReadAllReports(int fd) {
  std::vector<uint64_t> reports;
  std::string bytes;
  char buf[4096];
  ssize_t got;
  while ((got = read(fd, buf, sizeof buf)) > 0) bytes.append(buf, static_cast<size_t>(got));
  for (size_t pos = 0; pos + sizeof(uint64_t) <= bytes.size(); pos += sizeof(uint64_t)) {
    uint64_t n;
    std::memcpy(&n, bytes.data() + pos, sizeof n);
    reports.push_back(n);
  }
  return reports;
}

struct RoundOutcome {
  std::vector<uint64_t> reported;
  int wait_status = 0;
};

// Starts a writer at `first`, lets it run for `delay`, kills it and collects what it reported.
RoundOutcome RunAndKill(const std::string& db_path, uint64_t first, std::chrono::microseconds delay) {
  RoundOutcome outcome;
  int fds[2];
  if (pipe(fds) != 0) {
    ADD_FAILURE() << "pipe() failed";
    return outcome;
  }
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    RunWriterChild(db_path, first, fds[1]);
  }
  close(fds[1]);
  if (pid < 0) {
    ADD_FAILURE() << "fork() failed";
    close(fds[0]);
    return outcome;
  }
  std::this_thread::sleep_for(delay);
  kill(pid, SIGKILL);
  waitpid(pid, &outcome.wait_status, 0);
  outcome.reported = ReadAllReports(fds[0]);  // the write end is closed everywhere now: reads to EOF
  close(fds[0]);
  return outcome;
}

// Current results text of every answer slot, read back through the public API.
std::map<uint64_t, std::string> ReadAnswers(DeviceStore& store) {
  std::map<uint64_t, std::string> answers;
  Checklist checklist(store);
  for (uint64_t slot = 0; slot < kSlots; ++slot) {
    auto unit = checklist.UnitByCode(UnitOf(slot));
    EXPECT_TRUE(unit.ok()) << unit.status().ToString();
    if (!unit.ok()) continue;
    auto item = checklist.ItemByCode(*unit, ItemOf(slot));
    EXPECT_TRUE(item.ok()) << item.status().ToString();
    if (!item.ok()) continue;
    auto record = store.GetRecord(domain::kAnswer, domain::AnswerId(unit->id, item->id));
    EXPECT_TRUE(record.ok()) << record.status().ToString();
    if (record.ok() && *record) answers[slot] = (*record)->Text(domain::kResultsField);
  }
  return answers;
}

// The outbox must be the exact history of local writes: device_seq 1, 2, 3, ... with no gap, the
// newest entry of every field equal to the field's current state, and the answers' results
// entries equal to the committed writes in order.
void ExpectOutboxMatchesState(DeviceStore& store, const std::vector<uint64_t>& committed) {
  auto pending = store.PendingChanges(SIZE_MAX);
  ASSERT_TRUE(pending.ok()) << pending.status().ToString();
  auto count = store.PendingCount();
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(static_cast<int64_t>(pending->size()), *count);

  std::map<std::pair<std::string, std::string>, const Change*> newest;  // (record_id, field)
  std::vector<std::string> results_history;
  for (size_t i = 0; i < pending->size(); ++i) {
    const Change& c = (*pending)[i];
    ASSERT_EQ(c.device_seq, i + 1) << "outbox device_seq has a gap or is out of order at entry " << i;
    newest[{c.record_id, c.field}] = &c;
    if (c.record_type == domain::kAnswer && c.field == domain::kResultsField) {
      results_history.push_back(TextOf(c.value));
    }
  }

  std::vector<std::string> expected_history;
  for (uint64_t n : committed) expected_history.push_back(ResultsOf(n));
  EXPECT_EQ(results_history, expected_history);

  auto answers = store.ListRecords(domain::kAnswer);
  ASSERT_TRUE(answers.ok()) << answers.status().ToString();
  for (const Record& r : *answers) {
    for (const auto& [field, state] : r.fields) {
      auto it = newest.find({r.id, field});
      ASSERT_NE(it, newest.end()) << r.id << "." << field << " is in the state but not in the outbox";
      EXPECT_EQ(it->second->value, state.value) << r.id << "." << field;
      EXPECT_EQ(it->second->hlc.ToString(), state.hlc.ToString()) << r.id << "." << field;
    }
  }
}

TEST(S1_Durability, KilledWriterLosesNothingReturned) {
  TempDir dir;
  const std::string db_path = dir.File("tablet.db");
  {
    auto store = DeviceStore::Open(db_path);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    ASSERT_TRUE((*store)->Initialize("luan").ok());
    auto loaded = Checklist(**store).LoadPlan(seed::Plan31());
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  }  // closed before fork: an SQLite connection must not cross fork()

  std::mt19937 rng(20230706);  // fixed seed: the same kill schedule on every run
  std::uniform_int_distribution<int> delay_us(2'000, 50'000);
  std::vector<uint64_t> committed;  // every write known to be in the store, in order
  uint64_t next = 1;
  size_t total_reported = 0;

  for (int round = 0; round < 8; ++round) {
    SCOPED_TRACE("round " + std::to_string(round) + ", first write " + std::to_string(next));
    RoundOutcome outcome = RunAndKill(db_path, next, std::chrono::microseconds(delay_us(rng)));
    ASSERT_TRUE(WIFSIGNALED(outcome.wait_status) && WTERMSIG(outcome.wait_status) == SIGKILL)
        << "the writer stopped on its own (exit code "
        << (WIFEXITED(outcome.wait_status) ? WEXITSTATUS(outcome.wait_status) : -1) << ")";
    for (size_t i = 0; i < outcome.reported.size(); ++i) {
      ASSERT_EQ(outcome.reported[i], next + i) << "reports must be consecutive";
    }
    committed.insert(committed.end(), outcome.reported.begin(), outcome.reported.end());
    total_reported += outcome.reported.size();

    // The child may have committed one more write, the one after its last report, and died before
    // reporting it (common: with synchronous=FULL the kill often lands in the commit's fsync, after
    // the WAL frames are written). Whether it did shows in its slot, as every write's text is unique.
    const uint64_t maybe = next + outcome.reported.size();
    auto store = DeviceStore::Open(db_path);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    std::map<uint64_t, std::string> answers = ReadAnswers(**store);
    auto slot = answers.find(maybe % kSlots);
    if (slot != answers.end() && slot->second == ResultsOf(maybe)) committed.push_back(maybe);

    std::map<uint64_t, std::string> expected;  // last committed write per slot
    for (uint64_t n : committed) expected[n % kSlots] = ResultsOf(n);
    for (uint64_t s = 0; s < kSlots; ++s) {
      EXPECT_EQ(answers[s], expected[s]) << UnitOf(s) << " " << ItemOf(s) << " (\"\" = no answer)";
    }
    ExpectOutboxMatchesState(**store, committed);
    if (HasFatalFailure()) return;
    next = maybe + 1;  // never reuse a number, so every text stays unique
  }
  // With these delays the writer always gets some writes done; zero would make the test vacuous.
  EXPECT_GT(total_reported, 8u);
}

}  // namespace
}  // namespace fieldsync
