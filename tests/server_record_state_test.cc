// The current state as one row per record (server/record_state.h): an answer's fields pushed
// together are one row, its lookup values are listed while they are live text and follow the value
// (S6), look-ups compare whole values past the listed prefix, a snapshot page may end inside a
// record (S5), a version-8 store (one row per field) keeps every field, scope (S12) and look-up
// when it is upgraded or, with a row no read could open, stops the upgrade (S11), a damaged row is
// reported, not read as an empty record (S11), and a record may not grow past its bounds (S10).
#include "fieldsync/protocol.h"
#include "fieldsync/text.h"
#include "legacy_server_store.h"
#include "server_test_util.h"

namespace fieldsync::server::testing {
namespace {

class RecordStateTest : public ServiceTest {
 protected:
  std::string AnswerId(const domain::ChecklistItem& item) { return domain::AnswerId(seed_.q4.id, item.id); }

  // The answer to `item` with its place and four findings, as a tablet pushes a new answer.
  std::vector<Change> NewAnswer(uint64_t seq, const domain::ChecklistItem& item, const std::string& text) {
    const std::string id = AnswerId(item);
    std::vector<Change> changes = {Make(Khoa(), seq++, domain::kAnswer, id, "visit_id", seed_.v1.id),
                                   Make(Khoa(), seq++, domain::kAnswer, id, "item_id", item.id)};
    for (const char* field : {domain::kResultsField, domain::kGoodPracticesField, domain::kLimitationsField,
                              domain::kRecommendationsField}) {
      changes.push_back(Answer(Khoa(), seq++, seed_.q4, item, field, text + " " + field));
    }
    return changes;
  }

  int64_t StateRows(const std::string& id) {
    return StoreScalar("SELECT count(*) FROM record_state WHERE record_type = 'answer' AND record_id = '" + id + "'");
  }
  int64_t LookupRows(const std::string& id) {
    return StoreScalar("SELECT count(*) FROM record_lookup WHERE record_type = 'answer' AND record_id = '" + id + "'");
  }

  std::vector<std::string> AnswerIdsWith(const std::string& field, const std::string& value) {
    std::vector<std::string> ids;
    EXPECT_TRUE(service_->ReadStore([&](ServerStore& store) {
      FS_ASSIGN_OR_RETURN(auto records, store.FindRecords(domain::kAnswer, field, value));
      for (const auto& r : records) ids.push_back(r.id);
      return Status::Ok();
    }).ok());
    return ids;
  }

  // Every record of the given types as the store reads it, with its scope, rendered for comparing.
  std::vector<std::string> Rendered(const std::vector<std::string>& types) {
    std::vector<std::string> out;
    EXPECT_TRUE(service_->ReadStore([&](ServerStore& store) {
      for (const auto& type : types) {
        FS_ASSIGN_OR_RETURN(auto records, store.ListRecords(type));
        for (const auto& r : records) {
          FS_ASSIGN_OR_RETURN(auto scope, store.RecordScope(type, r.id));
          std::string line = type + "/" + r.id + " @" + scope.value_or("?");
          for (const auto& [name, f] : r.fields) {
            line += " " + name + "=" + (f.tombstone ? "(deleted)" : TextOf(f.value)) + "/" +
                    std::to_string(f.hlc.Pack()) + "/" + f.node + "/" + f.author;
          }
          out.push_back(line);
        }
      }
      return Status::Ok();
    }).ok());
    return out;
  }
};

TEST_F(RecordStateTest, S6_AnAnswersFieldsAreOneRowAndOnlyItsLookupValuesAreListed) {
  ASSERT_TRUE(Push(Khoa(), NewAnswer(1, seed_.a1, "Kiểm tra")).ok());
  EXPECT_EQ(StateRows(AnswerId(seed_.a1)), 1) << "one row for six fields";
  EXPECT_EQ(LookupRows(AnswerId(seed_.a1)), 2) << "visit_id and item_id, not the findings";
  EXPECT_EQ(AnswerIdsWith("item_id", seed_.a1.id), std::vector<std::string>{AnswerId(seed_.a1)});
  auto stored = service_->ReadStore([&](ServerStore& store) -> Status {
    FS_ASSIGN_OR_RETURN(auto record, store.GetRecord(domain::kAnswer, AnswerId(seed_.a1)));
    if (!record) return Status::NotFound("no answer");
    EXPECT_EQ(record->fields.size(), 6u);
    EXPECT_EQ(record->Text(domain::kResultsField), "Kiểm tra results");
    EXPECT_EQ(record->fields.at("visit_id").author, "khoa");
    return Status::Ok();
  });
  EXPECT_TRUE(stored.ok()) << stored.ToString();
}

TEST_F(RecordStateTest, S6_LookupRowsFollowTheValueAndAreLeftAloneOtherwise) {
  const std::string id = AnswerId(seed_.a1);
  ASSERT_TRUE(Push(Khoa(), NewAnswer(1, seed_.a1, "Kiểm tra")).ok());

  // A findings edit changes no lookup value, so it must not touch record_lookup at all.
  StoreExec("CREATE TRIGGER no_lookup_insert BEFORE INSERT ON record_lookup BEGIN SELECT RAISE(ABORT, 'touched'); END;"
            "CREATE TRIGGER no_lookup_delete BEFORE DELETE ON record_lookup BEGIN SELECT RAISE(ABORT, 'touched'); END;");
  // (Each edit a second later than the one before, so that it wins, S6.)
  const int64_t t = clock_.NowMillis();
  Change findings = Answer(Khoa(), 7, seed_.q4, seed_.a1, domain::kResultsField, "sửa lại", t + 1000);
  findings.seen_hlc = Hlc{t, 0};  // the tablet had seen its own value: no conflict record either
  findings.seen_device_id = Khoa().device_id;
  auto edit = Push(Khoa(), {findings});
  ASSERT_TRUE(edit.ok()) << edit.status().ToString();
  StoreExec("DROP TRIGGER no_lookup_insert; DROP TRIGGER no_lookup_delete;");
  ASSERT_TRUE(service_->ReadStore([&](ServerStore& store) -> Status {
    FS_ASSIGN_OR_RETURN(auto record, store.GetRecord(domain::kAnswer, id));
    EXPECT_EQ(record->Text(domain::kResultsField), "sửa lại") << "the edit was applied";
    return Status::Ok();
  }).ok());

  // A new value moves its row; a tombstone removes it.
  ASSERT_TRUE(Push(Khoa(), {Make(Khoa(), 8, domain::kAnswer, id, "item_id", "muc-khac", t + 2000)}).ok());
  EXPECT_TRUE(AnswerIdsWith("item_id", seed_.a1.id).empty());
  EXPECT_EQ(AnswerIdsWith("item_id", "muc-khac"), std::vector<std::string>{id});
  EXPECT_EQ(LookupRows(id), 2);
  Change gone = Make(Khoa(), 9, domain::kAnswer, id, "item_id", Value{}, t + 3000);
  gone.tombstone = true;
  ASSERT_TRUE(Push(Khoa(), {gone}).ok());
  EXPECT_TRUE(AnswerIdsWith("item_id", "muc-khac").empty());
  EXPECT_EQ(LookupRows(id), 1);
  EXPECT_EQ(AnswerIdsWith("visit_id", seed_.v1.id), std::vector<std::string>{id});
}

TEST_F(RecordStateTest, S6_ValuesSharingTheListedPrefixAreToldApart) {
  // 39 ASCII bytes, then a three-byte letter across the 40-byte cut, then what differs.
  const std::string common = std::string(39, 'x') + "ấp Thạnh Hòa, tổ ";
  ASSERT_TRUE(Push(Khoa(), {Make(Khoa(), 1, domain::kAnswer, AnswerId(seed_.a1), "code", common + "1"),
                            Make(Khoa(), 2, domain::kAnswer, AnswerId(seed_.plan.items[1]), "code", common + "2")})
                  .ok());
  EXPECT_EQ(AnswerIdsWith("code", common + "1"), std::vector<std::string>{AnswerId(seed_.a1)});
  EXPECT_EQ(AnswerIdsWith("code", common + "2"), std::vector<std::string>{AnswerId(seed_.plan.items[1])});
  EXPECT_TRUE(AnswerIdsWith("code", common).empty());
  // A page of one skips the record that only shares the prefix instead of coming back empty.
  const std::string first = std::min(AnswerId(seed_.a1), AnswerId(seed_.plan.items[1]));
  const std::string second = std::max(AnswerId(seed_.a1), AnswerId(seed_.plan.items[1]));
  const std::string second_code = common + (second == AnswerId(seed_.a1) ? "1" : "2");
  auto paged = service_->ReadStore([&](ServerStore& store) -> Status {
    FS_ASSIGN_OR_RETURN(auto page, store.FindRecordsPage(domain::kAnswer, "code", second_code, "", 1));
    EXPECT_EQ(page.records.size(), 1u);
    if (!page.records.empty()) EXPECT_EQ(page.records.front().id, second);
    EXPECT_LT(first, second);
    return Status::Ok();
  });
  EXPECT_TRUE(paged.ok()) << paged.ToString();
  // The listed prefix stops before the letter it would cut: still valid UTF-8.
  const std::string answers_codes = " FROM record_lookup WHERE record_type = 'answer' AND field = 'code'";
  EXPECT_EQ(StoreScalar("SELECT max(length(CAST(value_prefix AS BLOB)))" + answers_codes), 39);
  EXPECT_EQ(StoreScalar("SELECT count(DISTINCT value_prefix)" + answers_codes), 1);
}

TEST_F(RecordStateTest, S5_SnapshotPagesMayEndInsideARecord) {
  std::vector<Change> sent;
  for (const auto* item : {&seed_.a1, &seed_.plan.items[1], &seed_.plan.items[2]}) {
    auto answer = NewAnswer(sent.size() + 1, *item, "Kiểm tra " + item->code);
    sent.insert(sent.end(), answer.begin(), answer.end());
  }
  ASSERT_TRUE(Push(Khoa(), sent).ok());
  const auto whole = SnapshotAll(Secretariat(), 100000);
  int pages = 0;
  const auto paged = SnapshotAll(Secretariat(), 4, &pages);  // six fields an answer: pages stop inside records
  ASSERT_EQ(paged.size(), whole.size());
  EXPECT_GT(pages, static_cast<int>(whole.size() / 4));
  for (size_t i = 0; i < whole.size(); ++i) {
    EXPECT_EQ(paged[i].record_id + "." + paged[i].field, whole[i].record_id + "." + whole[i].field) << i;
    EXPECT_EQ(paged[i].value, whole[i].value) << i;
    EXPECT_EQ(paged[i].server_seq, whole[i].server_seq) << i;
  }
  size_t ours = 0;
  for (const auto& f : whole) ours += f.device_id == Khoa().device_id;
  EXPECT_EQ(ours, sent.size());
}

TEST_F(RecordStateTest, S12_AVersion8StoreKeepsEveryFieldScopeAndLookupWhenUpgraded) {
  ASSERT_TRUE(Push(Khoa(), NewAnswer(1, seed_.a1, "trước")).ok());
  // A concurrent edit from another device, so that a conflict record (in its own scope) exists.
  Change other = Answer(Leader(), 1, seed_.q4, seed_.a1, domain::kResultsField, "của trưởng đoàn");
  ASSERT_TRUE(Push(Leader(), {other}).ok());
  const std::vector<std::string> types = {domain::kAnswer, domain::kUnit, domain::kVisit, "conflict"};
  const auto before = Rendered(types);
  ASSERT_GT(before.size(), 10u);
  const int64_t lookups = StoreScalar("SELECT count(*) FROM record_lookup");

  service_.reset();
  ASSERT_TRUE(WriteStoreAsVersion8(dir_.File("central.db")).ok());
  ASSERT_EQ(StoreScalar("SELECT count(*) FROM sqlite_master WHERE name = 'record_state'"), 0);
  // A record known by its scope only (its fields never written) keeps its scope.
  StoreExec("INSERT INTO record_scope (record_type, record_id, scope) VALUES ('answer', 'chi-co-pham-vi', 'visit:x')");
  Open();
  EXPECT_EQ(StoreScalar("PRAGMA user_version"), 10);
  EXPECT_EQ(StoreScalar("SELECT count(*) FROM sqlite_master WHERE name IN ('field_state', 'record_scope')"), 0);
  EXPECT_EQ(Rendered(types), before);
  EXPECT_EQ(StoreScalar("SELECT count(*) FROM record_lookup"), lookups);
  EXPECT_EQ(AnswerIdsWith("visit_id", seed_.v1.id), std::vector<std::string>{AnswerId(seed_.a1)});
  auto kept = service_->ReadStore([&](ServerStore& store) -> Status {
    FS_ASSIGN_OR_RETURN(auto scope, store.RecordScope(domain::kAnswer, "chi-co-pham-vi"));
    EXPECT_EQ(scope.value_or(""), "visit:x");
    FS_ASSIGN_OR_RETURN(auto record, store.GetRecord(domain::kAnswer, "chi-co-pham-vi"));
    EXPECT_FALSE(record.has_value());
    return Status::Ok();
  });
  EXPECT_TRUE(kept.ok()) << kept.ToString();
  // Edits go on on the upgraded store.
  auto next = Push(Khoa(), {Answer(Khoa(), 7, seed_.q4, seed_.a1, domain::kLimitationsField, "sau")});
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(StateRows(AnswerId(seed_.a1)), 1);
}

TEST_F(RecordStateTest, S11_ADamagedRowIsReportedNotReadAsEmpty) {
  ASSERT_TRUE(Push(Khoa(), NewAnswer(1, seed_.a1, "Kiểm tra")).ok());
  StoreExec("UPDATE record_state SET fields = x'0affff' WHERE record_id = '" + AnswerId(seed_.a1) + "'");
  auto read = service_->ReadStore([&](ServerStore& store) {
    return store.GetRecord(domain::kAnswer, AnswerId(seed_.a1)).status();
  });
  EXPECT_EQ(read.code(), StatusCode::kCorruption) << read.ToString();
  EXPECT_NE(read.message().find("backup"), std::string::npos) << read.ToString();
  EXPECT_NE(read.message().find("answer " + AnswerId(seed_.a1)), std::string::npos) << "names the record";
  auto push = Push(Khoa(), {Answer(Khoa(), 7, seed_.q4, seed_.a1, domain::kResultsField, "sửa")});
  EXPECT_FALSE(push.ok()) << "a push must not overwrite a record it cannot read";
}

TEST_F(RecordStateTest, S11_AnOldFieldRowNoReadCouldOpenStopsTheUpgrade) {
  ASSERT_TRUE(Push(Khoa(), NewAnswer(1, seed_.a1, "trước")).ok());
  service_.reset();
  ASSERT_TRUE(WriteStoreAsVersion8(dir_.File("central.db")).ok());
  StoreExec("UPDATE field_state SET field = '' WHERE record_id = '" + AnswerId(seed_.a1) + "' AND field = 'results'");
  auto opened = OpenSqliteServerStore(dir_.File("central.db"));
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), StatusCode::kCorruption) << opened.status().ToString();
  EXPECT_NE(opened.status().message().find(AnswerId(seed_.a1)), std::string::npos) << opened.status().ToString();
  EXPECT_EQ(StoreScalar("PRAGMA user_version"), 9) << "the change log step went through; this one did not";
  EXPECT_EQ(StoreScalar("SELECT count(*) FROM sqlite_master WHERE name = 'record_state'"), 0);
  EXPECT_GT(StoreScalar("SELECT count(*) FROM field_state"), 0);
}

TEST_F(RecordStateTest, S12_AFieldKeptWithoutAScopeTakesTheNextProposedOne) {
  // An old store whose field row has no record_scope row: upgraded with no scope, which the next
  // change to the record then fixes, as the old store did.
  const std::string id = AnswerId(seed_.plan.items[3]);
  ASSERT_TRUE(Push(Khoa(), NewAnswer(1, seed_.a1, "trước")).ok());
  service_.reset();
  ASSERT_TRUE(WriteStoreAsVersion8(dir_.File("central.db")).ok());
  StoreExec("INSERT INTO field_state (record_type, record_id, field, value_kind, value, tombstone, hlc, node, author, "
            "device_seq, server_seq) SELECT record_type, '" + id + "', field, value_kind, value, tombstone, hlc, node, "
            "author, device_seq, server_seq FROM field_state WHERE record_id = '" + AnswerId(seed_.a1) +
            "' AND field = 'results'");
  Open();
  auto pushed = Push(Khoa(), {Make(Khoa(), 7, domain::kAnswer, id, "visit_id", seed_.v1.id, clock_.NowMillis() + 1000),
                              Answer(Khoa(), 8, seed_.q4, seed_.plan.items[3], domain::kLimitationsField, "sau",
                                     clock_.NowMillis() + 1000)});
  ASSERT_TRUE(pushed.ok()) << pushed.status().ToString();
  auto scopes = service_->ReadStore([&](ServerStore& store) -> Status {
    FS_ASSIGN_OR_RETURN(auto planted, store.RecordScope(domain::kAnswer, id));
    FS_ASSIGN_OR_RETURN(auto pushed_before, store.RecordScope(domain::kAnswer, AnswerId(seed_.a1)));
    EXPECT_FALSE(planted.value_or("").empty());
    EXPECT_EQ(planted, pushed_before);
    return Status::Ok();
  });
  EXPECT_TRUE(scopes.ok()) << scopes.ToString();
}

TEST_F(RecordStateTest, S10_S11_ARecordMayNotGrowPastItsBoundsButMayShrink) {
  // Appendices of 1 MiB each: the eighth would take the record past 8 MiB, so that push is
  // refused naming it and nothing of it is applied.
  const std::string id = AnswerId(seed_.a1);
  auto appendix = [&](uint64_t seq, size_t n, size_t bytes) {
    return Make(Khoa(), seq, domain::kAnswer, id, "phu_luc_" + std::to_string(n),
                Blob{std::string(bytes, static_cast<char>('a' + n))}, clock_.NowMillis() + static_cast<int64_t>(seq));
  };
  std::vector<Change> eight;
  for (size_t n = 0; n < 8; ++n) eight.push_back(appendix(n + 1, n, protocol::kMaxRecordBytes / 8));
  size_t refused = 0;
  auto too_big = service_->Push(Khoa(), Khoa().device_id, eight, &refused);
  ASSERT_FALSE(too_big.ok());
  EXPECT_EQ(too_big.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(too_big.status().message().find("at most 8 MiB"), std::string::npos) << too_big.status().ToString();
  EXPECT_EQ(too_big.status().message().rfind("change 8 (", 0), 0u) << "names the change first";
  EXPECT_EQ(refused, 8u);
  EXPECT_EQ(StateRows(id), 0) << "nothing of the refused push";

  eight.pop_back();
  ASSERT_TRUE(service_->Push(Khoa(), Khoa().device_id, eight).ok());
  EXPECT_TRUE(Push(Khoa(), {appendix(8, 0, 1024)}).ok()) << "a record may shrink";
  EXPECT_TRUE(Push(Khoa(), {appendix(9, 0, protocol::kMaxRecordBytes / 8)}).ok()) << "and grow back to its size";
  EXPECT_FALSE(Push(Khoa(), {appendix(10, 7, protocol::kMaxRecordBytes / 8)}).ok()) << "not past it";

  // Fields: the 1001st of a record is refused.
  std::vector<Change> many;
  for (uint64_t seq = 1; seq <= protocol::kMaxRecordFields + 1; ++seq) {
    many.push_back(Make(Khoa(), 100 + seq, domain::kAnswer, AnswerId(seed_.plan.items[1]),
                        "ghi_chu_" + std::to_string(seq), std::string("x")));
  }
  refused = 0;
  auto too_many = service_->Push(Khoa(), Khoa().device_id, many, &refused);
  ASSERT_FALSE(too_many.ok());
  EXPECT_NE(too_many.status().message().find("at most 1000 fields"), std::string::npos) << too_many.status().ToString();
  EXPECT_EQ(refused, protocol::kMaxRecordFields + 1);

  // A record at its bounds may still lose a field and be deleted (S9): neither is refused.
  many.pop_back();
  ASSERT_TRUE(service_->Push(Khoa(), Khoa().device_id, many).ok());
  Change gone = Make(Khoa(), 5000, domain::kAnswer, many.front().record_id, many.front().field, Value{},
                     clock_.NowMillis() + 10);
  gone.tombstone = true;
  const Change deleted = Make(Khoa(), 5001, domain::kAnswer, many.front().record_id, kDeletedField, true,
                              clock_.NowMillis() + 10);
  auto removal = Push(Khoa(), {gone, deleted});
  ASSERT_TRUE(removal.ok()) << removal.status().ToString();
}

}  // namespace
}  // namespace fieldsync::server::testing
