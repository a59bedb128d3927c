// tools/soak's verifier on real stores. A small team (leader, deputy, member) works through a
// real fieldsync-server with the real CLI: two concurrent edits of one part make a conflict, an
// answer is deleted. The checks pass on those stores; then each violation planted in a copy of the
// stores is caught: a server row deleted (lost), doubled (duplicate) or invented (unknown), a
// device field changed (divergent) or held outside its scope, the conflict records dropped
// (values lost), an outbox entry left over (pending).
#include <sqlite3.h>

#include <filesystem>
#include <memory>
#include <optional>

#include <gtest/gtest.h>

#include "fieldsync/server/server_store.h"
#include "legacy_server_store.h"
#include "soak/device.h"
#include "soak/ledger.h"
#include "soak/server_process.h"
#include "soak/team.h"
#include "soak/verifier.h"
#include "temp_dir.h"

namespace fieldsync::soak {
namespace {

// The stores of the scenario, made once for the suite (about two seconds of real processes).
struct Scenario {
  TempDir dir;
  Ledger ledger;
  std::string luan_id;
};
Scenario* g_scenario = nullptr;

AnswerParts Parts(std::optional<std::string> rating, std::optional<std::string> results) {
  AnswerParts p;
  p.rating = std::move(rating);
  p.results = std::move(results);
  return p;
}

void Sync(Device& d) {
  auto sync = d.StartSync(500, 3);
  auto status = sync->WaitFor(std::chrono::seconds(60));
  ASSERT_TRUE(status && status->ok()) << d.name() << "'s sync failed; see its log in the scenario folder";
  d.Outcome(*sync, *status);
}

class SoakVerifier : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    g_scenario = new Scenario;
    const std::string work = g_scenario->dir.path().string();
    std::filesystem::create_directories(work + "/logs");
    ServerProcess server(FIELDSYNC_BIN_DIR, work);
    server.Setup(ServerAccounts());
    server.Start();
    Device luan("luan", FIELDSYNC_BIN_DIR, work, g_scenario->ledger);
    Device tham("tham", FIELDSYNC_BIN_DIR, work, g_scenario->ledger);
    Device khoa("khoa", FIELDSYNC_BIN_DIR, work, g_scenario->ledger);
    for (Device* d : {&luan, &tham, &khoa}) {
      d->Enroll(server.url(), server.EnrollCode(d->name()));
      Sync(*d);
    }
    g_scenario->luan_id = luan.device_id();
    ASSERT_EQ(luan.Answer("Q4", "A1", Parts({}, "Quán triệt đến 100% chi bộ")), "");
    ASSERT_EQ(tham.Answer("Q4", "A1", Parts({}, "Quán triệt đến các chi bộ, còn chậm")), "");  // concurrent
    ASSERT_EQ(khoa.Answer("Q4", "A2", Parts("dat", "Đối thoại hằng quý")), "");
    for (Device* d : {&luan, &tham, &khoa, &luan, &tham}) Sync(*d);
    ASSERT_EQ(tham.Delete("Q4", "A2", ""), "");
    for (Device* d : {&tham, &luan, &khoa, &luan, &tham, &khoa}) Sync(*d);
    ASSERT_TRUE(server.Stop().ok());
  }
  static void TearDownTestSuite() {
    delete g_scenario;
    g_scenario = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(g_scenario, nullptr);
    std::filesystem::copy(g_scenario->dir.path(), copy_.path(), std::filesystem::copy_options::recursive);
  }

  // Runs SQL on a store of the copy: the planted violation.
  void Plant(const std::string& store, const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(copy_.File(store).c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
    std::string message = error ? error : "";
    sqlite3_free(error);
    ASSERT_EQ(rc, SQLITE_OK) << message;
    ASSERT_GT(sqlite3_changes(db), 0) << "the plant changed nothing: " << sql;
    sqlite3_close(db);
  }

  // Runs `plants` with the copied server store as schema version 8 left it (a change_log row per
  // change, a field_state row per field), then opens the store as the server would, which packs
  // both into rows per record again.
  void WithLogAsRows(const std::function<void()>& plants) {
    const std::string server = copy_.File("server.db");
    const Status legacy = server::testing::WriteStoreAsVersion8(server);
    ASSERT_TRUE(legacy.ok()) << legacy.ToString();
    plants();
    auto reopened = server::OpenSqliteServerStore(server);
    ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  }

  VerifyResult VerifyCopy() {
    std::vector<DeviceState> devices;
    for (const char* name : {"luan", "tham", "khoa"}) devices.push_back(ReadDeviceState(copy_.File(std::string(name) + ".db")));
    return Verify(ReadServerState(copy_.File("server.db")), devices, g_scenario->ledger.Entries());
  }

  static bool Mentions(const VerifyResult& r, const std::string& text) {
    for (const auto& v : r.violations())
      if (v.find(text) != std::string::npos) return true;
    return false;
  }

  TempDir copy_;
};

TEST_F(SoakVerifier, CleanStoresPass) {
  auto r = VerifyCopy();
  for (const auto& v : r.violations()) ADD_FAILURE() << v;
  EXPECT_TRUE(r.ok());
  EXPECT_GE(r.figures.conflicts, 1u) << "the scenario must make a conflict for the S7 check to bite";
  EXPECT_GE(r.figures.changes_written, 10u);
  EXPECT_GT(r.figures.fields_compared, 100u);
}

TEST_F(SoakVerifier, CatchesADeletedServerRow) {
  WithLogAsRows([&] {
    Plant("server.db", "DELETE FROM change_log WHERE server_seq = (SELECT max(server_seq) FROM change_log "
                       "WHERE device_id = '" + g_scenario->luan_id + "')");
  });
  auto r = VerifyCopy();
  EXPECT_EQ(r.figures.lost, 1u);
  EXPECT_TRUE(Mentions(r, "S3 lost"));
}

TEST_F(SoakVerifier, CatchesADoubledServerRow) {
  WithLogAsRows([&] {
    Plant("server.db", "INSERT INTO change_log (device_id, device_seq, record_type, record_id, field, value_kind, "
                       "value, tombstone, hlc, seen_hlc, seen_device_id, author, scope, received_at_ms) "
                       "SELECT device_id, device_seq, record_type, record_id, field, value_kind, value, tombstone, hlc, "
                       "seen_hlc, seen_device_id, author, scope, received_at_ms FROM change_log "
                       "WHERE device_id = '" + g_scenario->luan_id + "' LIMIT 1");
  });
  auto r = VerifyCopy();
  EXPECT_EQ(r.figures.duplicates, 1u);
  EXPECT_TRUE(Mentions(r, "S2 duplicate"));
}

TEST_F(SoakVerifier, CatchesAChangeNoDeviceWrote) {
  WithLogAsRows([&] {
    Plant("server.db", "INSERT INTO change_log (device_id, device_seq, record_type, record_id, field, value_kind, "
                       "value, tombstone, hlc, scope, received_at_ms) SELECT device_id, 99999, record_type, record_id, "
                       "field, value_kind, value, tombstone, hlc, scope, received_at_ms FROM change_log "
                       "WHERE device_id = '" + g_scenario->luan_id + "' LIMIT 1");
  });
  EXPECT_EQ(VerifyCopy().figures.unknown, 1u);
}

TEST_F(SoakVerifier, CatchesADivergentDeviceField) {
  Plant("tham.db", "UPDATE field_state SET value = 'đã sửa ngoài luồng' WHERE (record_type, record_id, field) = "
                   "(SELECT record_type, record_id, field FROM field_state WHERE record_type = 'answer' "
                   "AND field = 'results' AND tombstone = 0 LIMIT 1)");
  auto r = VerifyCopy();
  EXPECT_EQ(r.figures.divergent_fields, 1u);
  EXPECT_TRUE(Mentions(r, "S5 tham"));
}

TEST_F(SoakVerifier, CatchesAFieldOutsideTheUsersScope) {
  // Khoa is a member: conflicts go to leader and deputy only (S12).
  WithLogAsRows([&] {
    Plant("khoa.db", "ATTACH '" + copy_.File("server.db") + "' AS server; "
                     "INSERT INTO field_state (record_type, record_id, field, value_kind, value, tombstone, hlc, node) "
                     "SELECT record_type, record_id, field, value_kind, value, tombstone, hlc, node "
                     "FROM server.field_state WHERE record_type = 'conflict' LIMIT 1");
  });
  auto r = VerifyCopy();
  EXPECT_EQ(r.figures.divergent_fields, 1u);
  EXPECT_TRUE(Mentions(r, "outside its user's scope"));
}

TEST_F(SoakVerifier, CatchesAValueKeptNowhere) {
  Plant("server.db", "DELETE FROM record_state WHERE record_type = 'conflict'");
  auto r = VerifyCopy();
  EXPECT_GE(r.figures.values_lost, 1u);
  EXPECT_TRUE(Mentions(r, "S7 value lost"));
}

TEST_F(SoakVerifier, ReportsAChangeRefusedForGoodApartFromLost) {
  // As the tablet does after a refusal for good: the change is set aside, the server has none.
  const std::string last = "(SELECT max(server_seq) FROM change_log WHERE device_id = '" + g_scenario->luan_id + "')";
  WithLogAsRows([&] {
    Plant("luan.db", "ATTACH '" + copy_.File("server.db") + "' AS server; "
                     "INSERT INTO rejected_changes (device_seq, record_type, record_id, field, value_kind, value, "
                     "tombstone, hlc, code, reason, rejected_at_ms) SELECT device_seq, record_type, record_id, field, "
                     "value_kind, value, tombstone, hlc, 'forbidden', 'planted', 0 FROM server.change_log "
                     "WHERE server_seq = " + last);
    Plant("server.db", "DELETE FROM change_log WHERE server_seq = " + last);
  });
  auto r = VerifyCopy();
  EXPECT_EQ(r.figures.rejected, 1u);
  EXPECT_EQ(r.figures.lost, 0u) << "set aside with the server's reason is not lost";
  EXPECT_TRUE(Mentions(r, "refused for good"));
}

TEST_F(SoakVerifier, CatchesALeftoverOutbox) {
  Plant("khoa.db", "INSERT INTO outbox (device_seq, record_type, record_id, field, value_kind, value, hlc) "
                   "VALUES (99999, 'answer', 'x', 'results', 1, 'chưa gửi', 1)");
  auto r = VerifyCopy();
  EXPECT_EQ(r.figures.pending, 1u);
}

}  // namespace
}  // namespace fieldsync::soak
