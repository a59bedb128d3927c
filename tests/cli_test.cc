// The `fieldsync` device CLI, run as a real process: error paths (each refusal says what was wrong
// and what is valid, and writes nothing), --help on every subcommand, and the happy path including
// Vietnamese text typed on a decomposing (NFD) keyboard.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fieldsync/text.h"
#include "temp_dir.h"

namespace fieldsync {
namespace {

struct CliRun {
  int exit_code = -1;  // -1 when the process did not exit normally
  std::string out, err;
};

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

size_t CountOccurrences(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + needle.size())) {
    ++count;
  }
  return count;
}

// EXPECT_TRUE(Contains(text, part)): gmock is not linked, so a plain predicate that prints both.
::testing::AssertionResult Contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << part << "\" not found in:\n" << text;
}
::testing::AssertionResult Lacks(const std::string& text, const std::string& part) {
  if (text.find(part) == std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << part << "\" unexpectedly found in:\n" << text;
}

// Combining marks (UTF-8) for building decomposed (NFD) Vietnamese by hand.
constexpr const char* kGrave = "\xCC\x80";       // U+0300
constexpr const char* kAcute = "\xCC\x81";       // U+0301
constexpr const char* kCircumflex = "\xCC\x82";  // U+0302
constexpr const char* kHorn = "\xCC\x9B";        // U+031B
constexpr const char* kDotBelow = "\xCC\xA3";    // U+0323

class CliTest : public ::testing::Test {
 protected:
  // Runs the binary with exactly these arguments (no shell, so raw bytes pass through untouched);
  // stdout and stderr go to files in the test's directory.
  CliRun Run(const std::vector<std::string>& args) {
    const std::string out_path = dir_.File("stdout"), err_path = dir_.File("stderr");
    const std::string binary = FIELDSYNC_BIN_DIR "/fieldsync";
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(binary.c_str()));
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);

    pid_t pid = fork();
    if (pid == 0) {
      int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      if (out < 0 || err < 0 || dup2(out, STDOUT_FILENO) < 0 || dup2(err, STDERR_FILENO) < 0) _exit(126);
      execv(binary.c_str(), argv.data());
      _exit(127);
    }
    CliRun run;
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid) {
      ADD_FAILURE() << "could not run " << binary;
      return run;
    }
    if (WIFEXITED(status)) run.exit_code = WEXITSTATUS(status);
    EXPECT_NE(run.exit_code, 127) << "exec of " << binary << " failed";
    run.out = ReadFile(out_path);
    run.err = ReadFile(err_path);
    return run;
  }

  // Runs a command against this test's store and expects it to succeed.
  CliRun RunOk(std::vector<std::string> args) {
    args.insert(args.begin() + 1, {"--db", db_});
    CliRun run = Run(args);
    EXPECT_EQ(run.exit_code, 0) << args[0] << " failed; stderr: " << run.err;
    return run;
  }

  void InitWithDemo() {
    RunOk({"init", "--user", "luan"});
    RunOk({"load-demo"});
  }

  // Outbox length as `outbox --json` reports it: one "device_seq" key per change.
  size_t OutboxCount() { return CountOccurrences(RunOk({"outbox", "--json"}).out, "\"device_seq\""); }

  TempDir dir_;  // fresh per test, removed afterwards
  const std::string db_ = dir_.File("luan.db");
};

// Expectations shared by every refused request: exit code 1 (not 3, which means a storage
// failure), stdout empty and a "fieldsync: ..." message on stderr.
void ExpectRefused(const CliRun& run) {
  EXPECT_EQ(run.exit_code, 1) << "stderr: " << run.err;
  EXPECT_TRUE(run.out.empty()) << run.out;
  EXPECT_TRUE(Contains(run.err, "fieldsync: "));
}

TEST_F(CliTest, MissingDbIsRefusedForEveryCommand) {
  const std::vector<std::vector<std::string>> commands = {
      {"init", "--user", "luan"}, {"load-demo"}, {"visits"}, {"checklist", "--unit", "Q4"},
      {"answer", "--unit", "Q4", "--item", "A1", "--rating", "tot"}, {"conclude", "--unit", "Q4", "--results", "x"},
      {"search", "can gio"}, {"outbox"}};
  for (const auto& args : commands) {
    SCOPED_TRACE(args[0]);
    CliRun run = Run(args);
    EXPECT_NE(run.exit_code, 0);
    EXPECT_TRUE(Contains(run.err, "--db"));
  }
}

TEST_F(CliTest, CommandsBeforeInitSayToRunInit) {
  CliRun run = Run({"visits", "--db", db_});
  ExpectRefused(run);
  EXPECT_TRUE(Contains(run.err, "fieldsync init"));
}

TEST_F(CliTest, UnknownUnitListsValidCodesAndWritesNothing) {
  InitWithDemo();
  RunOk({"answer", "--unit", "Q4", "--item", "A2", "--rating", "dat"});
  const size_t before = OutboxCount();
  ASSERT_GT(before, 0u);

  CliRun run = Run({"answer", "--db", db_, "--unit", "Q9", "--item", "A1", "--results", "không có"});
  ExpectRefused(run);
  EXPECT_TRUE(Contains(run.err, "'Q9'"));
  for (const char* code : {"Q4", "P10Q4", "CG", "TTCT", "CNSG", "CSTN"}) EXPECT_TRUE(Contains(run.err, code));
  EXPECT_EQ(OutboxCount(), before);

  run = Run({"checklist", "--db", db_, "--unit", "Q9"});
  ExpectRefused(run);
  EXPECT_TRUE(Contains(run.err, "P10Q4"));
}

TEST_F(CliTest, UnitCodesAreCaseInsensitive) {
  InitWithDemo();
  CliRun run = RunOk({"checklist", "--unit", "p10q4"});
  EXPECT_TRUE(Contains(run.out, "Đảng ủy Phường 10 Quận 4 (P10Q4)"));
}

TEST_F(CliTest, UnknownItemListsTheUnitsItemCodesAndWritesNothing) {
  InitWithDemo();
  const size_t before = OutboxCount();

  // Q4 uses template A (items A1..A7); CNSG, an enterprise, uses template B (B1..B6).
  CliRun run = Run({"answer", "--db", db_, "--unit", "Q4", "--item", "B1", "--rating", "tot"});
  ExpectRefused(run);
  EXPECT_TRUE(Contains(run.err, "A1, A2, A3, A4, A5, A6, A7"));
  EXPECT_TRUE(Lacks(run.err, "B2"));

  run = Run({"answer", "--db", db_, "--unit", "CNSG", "--item", "A9", "--rating", "tot"});
  ExpectRefused(run);
  EXPECT_TRUE(Contains(run.err, "B1, B2, B3, B4, B5, B6"));
  EXPECT_EQ(OutboxCount(), before);
}

TEST_F(CliTest, BadRatingListsTheScaleAndWritesNoPart) {
  InitWithDemo();
  const size_t before = OutboxCount();

  // The valid --results must not be written either: a refused call changes nothing.
  CliRun run = Run({"answer", "--db", db_, "--unit", "Q4", "--item", "A5", "--rating", "xuất sắc", "--results",
                    "Đã phối hợp tốt với hội nông dân"});
  ExpectRefused(run);
  EXPECT_TRUE(Contains(run.err, "xuất sắc"));
  EXPECT_TRUE(Contains(run.err, "tot"));
  EXPECT_TRUE(Contains(run.err, "Chưa đạt"));
  EXPECT_TRUE(Contains(run.err, "khong_ap_dung"));
  EXPECT_EQ(OutboxCount(), before);
  EXPECT_TRUE(Lacks(RunOk({"checklist", "--unit", "Q4"}).out, "hội nông dân"));
}

TEST_F(CliTest, InvalidUtf8IsRefusedAndNothingIsWritten) {
  InitWithDemo();
  const size_t before = OutboxCount();

  // 0xC3 starts a two-byte sequence but '(' is no continuation byte. The valid rating in the same
  // call must not be written either.
  CliRun run = Run({"answer", "--db", db_, "--unit", "Q4", "--item", "A2", "--rating", "dat", "--results",
                    "k\xC3\x28t qu\xE1"});
  ExpectRefused(run);
  EXPECT_TRUE(Contains(run.err, "UTF-8"));
  EXPECT_TRUE(Contains(run.err, "offset 1"));
  EXPECT_EQ(OutboxCount(), before);
  CliRun checklist = RunOk({"checklist", "--unit", "Q4", "--json"});
  EXPECT_TRUE(Lacks(checklist.out, "\"rating\""));  // no item has an answer
}

TEST_F(CliTest, EmptyAnswerIsRefusedWithTheOptionsToGive) {
  InitWithDemo();
  CliRun run = Run({"answer", "--db", db_, "--unit", "Q4", "--item", "A1"});
  ExpectRefused(run);
  EXPECT_TRUE(Contains(run.err, "--results"));
}

TEST_F(CliTest, HelpOnEverySubcommandPrintsUsage) {
  for (const char* command : {"init", "load-demo", "visits", "checklist", "answer", "conclude", "search", "outbox"}) {
    SCOPED_TRACE(command);
    // --help wins over missing required options and needs no store.
    CliRun run = Run({command, "--help"});
    EXPECT_EQ(run.exit_code, 0) << run.err;
    EXPECT_TRUE(Contains(run.out, std::string("Usage: fieldsync ") + command));
    EXPECT_TRUE(Contains(run.out, "--db"));
  }
  EXPECT_TRUE(Contains(Run({"answer", "--help"}).out, "Chưa đạt"));  // the scale is in the help
  EXPECT_TRUE(Contains(Run({"conclude", "--help"}).out, "--good-practices"));
  EXPECT_FALSE(std::filesystem::exists(db_));
}

// The session's conclusion: written by its leader like an answer (each part its own change, every
// unit of the session shows it); refused with what to do for a member, for someone not assigned to
// the session, and for bad input, writing nothing each time.
TEST_F(CliTest, TheLeaderConcludesASessionAndOthersAreToldWhoMay) {
  InitWithDemo();  // luan leads all three sessions
  const size_t before = OutboxCount();
  CliRun done = RunOk({"conclude", "--unit", "p10q4", "--rating", "tot", "--results",
                       "Quận 4 và Phường 10 thực hiện nghiêm túc", "--recommendations", "Nhân rộng mô hình đối thoại"});
  EXPECT_TRUE(Contains(done.out, "kết luận"));
  EXPECT_TRUE(Contains(done.out, "[Tốt]"));
  EXPECT_EQ(OutboxCount(), before + 4);  // visit_id, then the three parts given
  // The session's other unit shows it; a later call changes only the parts it gives.
  CliRun added = RunOk({"conclude", "--unit", "Q4", "--good-practices", "Đối thoại định kỳ với Nhân dân", "--json"});
  EXPECT_TRUE(Contains(added.out, "\"good_practices\": \"Đối thoại định kỳ với Nhân dân\""));
  EXPECT_TRUE(Contains(added.out, "\"results\": \"Quận 4 và Phường 10 thực hiện nghiêm túc\""));
  CliRun checklist = RunOk({"checklist", "--unit", "Q4"});
  EXPECT_TRUE(Contains(checklist.out, "Kết luận của Đoàn  [Tốt]"));
  EXPECT_TRUE(Contains(checklist.out, "Kiến nghị, đề xuất: Nhân rộng mô hình đối thoại"));
  EXPECT_TRUE(Lacks(RunOk({"checklist", "--unit", "CG"}).out, "Kết luận của Đoàn"));  // another session

  const size_t written = OutboxCount();
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--unit", "Q4"},                                                  // nothing to write
           {"--unit", "Q4", "--rating", "xuất sắc", "--results", "không ghi"},  // off the scale
           {"--unit", "Q9", "--results", "không ghi"}}) {                      // no such unit
    std::vector<std::string> command = {"conclude", "--db", db_};
    command.insert(command.end(), args.begin(), args.end());
    CliRun refused = Run(command);
    ExpectRefused(refused);
    EXPECT_TRUE(Contains(refused.err, args.size() == 2 ? "--results" : args[1] == "Q9" ? "P10Q4" : "Chưa đạt"));
  }
  EXPECT_EQ(OutboxCount(), written);

  // A member of the session's team, and a member of another session's.
  for (const auto& [user, says] : {std::pair{"khoa", "Trưởng đoàn"}, std::pair{"ha", "not assigned"}}) {
    const std::string db = dir_.File(std::string(user) + ".db");
    ASSERT_EQ(Run({"init", "--db", db, "--user", user}).exit_code, 0);
    ASSERT_EQ(Run({"load-demo", "--db", db}).exit_code, 0);
    CliRun refused = Run({"conclude", "--db", db, "--unit", "Q4", "--results", "không ghi"});
    ExpectRefused(refused);
    EXPECT_TRUE(Contains(refused.err, says));
    EXPECT_TRUE(Contains(Run({"outbox", "--db", db}).out, "0 change(s)"));
  }
}

TEST_F(CliTest, InitLoadAnswerChecklistSearch) {
  CliRun init = RunOk({"init", "--user", "luan", "--json"});
  EXPECT_TRUE(Contains(init.out, "\"user_name\": \"luan\""));
  EXPECT_TRUE(Contains(init.out, "\"device_id\""));
  // A second init by the same user is a no-op; by another user it is refused.
  RunOk({"init", "--user", "luan"});
  CliRun other = Run({"init", "--db", db_, "--user", "tham"});
  ExpectRefused(other);
  EXPECT_TRUE(Contains(other.err, "luan"));

  CliRun load = RunOk({"load-demo"});
  EXPECT_TRUE(Contains(load.out, "31-KH/BCĐTP"));
  EXPECT_TRUE(Contains(RunOk({"visits"}).out, "Huyện ủy Cần Giờ"));
  const size_t before = OutboxCount();

  CliRun answer = RunOk({"answer", "--unit", "CG", "--item", "A5", "--rating", "Chưa đạt", "--recommendations",
                         "Tăng cường đối thoại với Nhân dân"});
  EXPECT_TRUE(Contains(answer.out, "Saved CG · A5 [Chưa đạt]"));
  // visit_id, unit_id, item_id on first answer, then the two parts given.
  EXPECT_EQ(OutboxCount(), before + 5);

  CliRun checklist = RunOk({"checklist", "--unit", "CG", "--json"});
  EXPECT_TRUE(Contains(checklist.out, "\"code\": \"CG\""));
  EXPECT_TRUE(Contains(checklist.out, "\"rating\": \"chua_dat\""));
  EXPECT_TRUE(Contains(checklist.out, "\"recommendations\": \"Tăng cường đối thoại với Nhân dân\""));
  EXPECT_EQ(CountOccurrences(checklist.out, "\"rating\""), 1u) << "only A5 is answered";

  // Editing one part leaves the others alone.
  RunOk({"answer", "--unit", "CG", "--item", "A5", "--results", "Đã tổ chức hội nghị"});
  CliRun text = RunOk({"checklist", "--unit", "CG"});
  EXPECT_TRUE(Contains(text.out, "A5  Phối hợp với Mặt trận Tổ quốc và các tổ chức chính trị – xã hội  [Chưa đạt]"));
  EXPECT_TRUE(Contains(text.out, "Kết quả đạt được: Đã tổ chức hội nghị"));
  EXPECT_TRUE(Contains(text.out, "Kiến nghị, đề xuất: Tăng cường đối thoại với Nhân dân"));

  CliRun search = RunOk({"search", "can gio"});
  EXPECT_TRUE(Contains(search.out, "đơn vị CG · name: Huyện ủy Cần Giờ"));
  CliRun answers = RunOk({"search", "doi thoai nhan dan"});
  EXPECT_TRUE(Contains(answers.out, "1 kết quả"));
  EXPECT_TRUE(Contains(answers.out, "CG · A5 · Kiến nghị, đề xuất: Tăng cường đối thoại với Nhân dân"));
}

TEST_F(CliTest, DecomposedInputIsStoredAsNfcAndFoundByComposedSearch) {
  InitWithDemo();
  // "Cần Giờ: xuồng cứu hộ" as a decomposing keyboard sends it: base letters, then marks in
  // canonical order (dot below before circumflex).
  const std::string nfd = std::string("Ca") + kCircumflex + kGrave + "n Gio" + kHorn + kGrave + ": xuo" +
                          kCircumflex + kGrave + "ng cu" + kHorn + kAcute + "u ho" + kDotBelow + kCircumflex;
  const std::string nfc = "Cần Giờ: xuồng cứu hộ";
  ASSERT_NE(nfd, nfc);
  auto normalized = NormalizeText(nfd);
  ASSERT_TRUE(normalized.ok());
  ASSERT_EQ(*normalized, nfc) << "the test's NFD string is wrong";

  RunOk({"answer", "--unit", "TTCT", "--item", "A7", "--limitations", nfd});

  for (const std::string query : {"xuồng cứu hộ", "XUONG CUU HO", "Cần Giờ xuồng"}) {
    SCOPED_TRACE(query);
    CliRun search = RunOk({"search", query, "--json"});
    EXPECT_TRUE(Contains(search.out, "\"text\": \"" + nfc + "\""));
    EXPECT_TRUE(Contains(search.out, "TTCT · A7 · Hạn chế, khó khăn, vướng mắc"));
    EXPECT_TRUE(Lacks(search.out, nfd));
  }
  CliRun checklist = RunOk({"checklist", "--unit", "TTCT"});
  EXPECT_TRUE(Contains(checklist.out, "Hạn chế, khó khăn, vướng mắc: " + nfc));
  EXPECT_TRUE(Contains(RunOk({"outbox"}).out, "limitations = " + nfc));
  // And the other way round: a decomposed query finds composed seed text.
  EXPECT_TRUE(Contains(RunOk({"search", nfd.substr(0, nfd.find(':'))}).out, "Huyện ủy Cần Giờ"));
}

}  // namespace
}  // namespace fieldsync
