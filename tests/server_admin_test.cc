// Enrolment (one-time codes, only hashes stored), snapshot pages (S10: current state exactly
// once), plan import and the merged answers report, and the store file itself.
#include <fstream>
#include <iterator>
#include <set>
#include <tuple>

#include "fieldsync/device_store.h"
#include "server_test_util.h"

namespace fieldsync::server::testing {
namespace {

using ::testing::HasSubstr;

std::string ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class AdminTest : public ServiceTest {};

TEST_F(AdminTest, S11_EnrollmentCodeIsOneTimeAndTokenAuthenticates) {
  auto code = service_->CreateEnrollmentCode("khoa");
  ASSERT_TRUE(code.ok()) << code.status().ToString();
  EXPECT_EQ(code->size(), 11u);  // "ABCDE-FGHJK"

  auto enrolled = service_->Enroll(*code, "tablet-khoa", "Máy tính bảng của Khoa");
  ASSERT_TRUE(enrolled.ok()) << enrolled.status().ToString();
  EXPECT_EQ(enrolled->user_name, "khoa");
  EXPECT_EQ(enrolled->role, domain::Role::kMember);
  EXPECT_EQ(enrolled->device_token.size(), 64u);

  auto session = service_->Authenticate(enrolled->device_token);
  ASSERT_TRUE(session.ok());
  EXPECT_EQ(session->device_id, "tablet-khoa");
  EXPECT_EQ(session->user_name, "khoa");

  // Used once: a second device cannot enrol with it.
  auto again = service_->Enroll(*code, "tablet-other", "");
  EXPECT_EQ(again.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(service_->Enroll("WRONG-CODE0", "tablet-other", "").status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(service_->Authenticate("").status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(service_->Authenticate(std::string(64, 'a')).status().code(), StatusCode::kUnauthenticated);

  // Typed loosely (lower case, no dash) it still works.
  auto second = service_->CreateEnrollmentCode("luan");
  ASSERT_TRUE(second.ok());
  std::string loose;
  for (char ch : *second) {
    if (ch != '-') loose += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  }
  EXPECT_TRUE(service_->Enroll(loose, "tablet-luan", "").ok());


  // Only hashes are stored: neither the token nor the code is in the database files.
  service_.reset();
  std::string bytes = ReadFileBytes(dir_.File("central.db")) + ReadFileBytes(dir_.File("central.db-wal"));
  ASSERT_FALSE(bytes.empty());
  EXPECT_EQ(bytes.find(enrolled->device_token), std::string::npos);
  EXPECT_EQ(bytes.find(*code), std::string::npos);
  EXPECT_EQ(bytes.find(code->substr(0, 5) + code->substr(6)), std::string::npos);
  Open();
  EXPECT_TRUE(service_->Authenticate(enrolled->device_token).ok());
}

TEST_F(AdminTest, S11_EnrollmentCodeExpiresAfterSevenDays) {
  auto code = service_->CreateEnrollmentCode("khoa");
  ASSERT_TRUE(code.ok());
  clock_.Advance(8LL * 24 * 60 * 60 * 1000);
  auto r = service_->Enroll(*code, "tablet-khoa", "");
  EXPECT_EQ(r.status().code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(r.status().message(), HasSubstr("enroll-code"));
  EXPECT_EQ(service_->CreateEnrollmentCode("ghost").status().code(), StatusCode::kNotFound);
}

TEST_F(AdminTest, S10_SnapshotPagesCoverCurrentStateExactlyOnce) {
  auto khoa = Khoa();
  ASSERT_TRUE(Push(khoa, {Answer(khoa, 1, seed_.q4, seed_.a1, "results", "cũ", kVisitDayMs),
                          Answer(khoa, 2, seed_.q4, seed_.a1, "results", "mới", kVisitDayMs + 1)})
                  .ok());
  // Current state = distinct (type, id, field) ever written, each with its newest value.
  std::map<std::tuple<std::string, std::string, std::string>, Change> expected;
  for (const auto& c : PullAll(Secretariat())) {
    auto key = std::make_tuple(c.record_type, c.record_id, c.field);
    auto it = expected.find(key);
    if (it == expected.end() || it->second.stamp() < c.stamp()) expected[key] = c;
  }
  for (uint32_t page_size : {1u, 7u, 1000u}) {
    int pages = 0;
    auto fields = SnapshotAll(Secretariat(), page_size, &pages);
    ASSERT_EQ(fields.size(), expected.size()) << "page size " << page_size;
    EXPECT_EQ(pages, static_cast<int>((expected.size() + page_size - 1) / page_size)) << "page size " << page_size;
    std::set<std::tuple<std::string, std::string, std::string>> seen;
    for (const auto& f : fields) {
      auto key = std::make_tuple(f.record_type, f.record_id, f.field);
      EXPECT_TRUE(seen.insert(key).second) << "field twice: " << f.record_id << "." << f.field;
      ASSERT_TRUE(expected.contains(key));
      EXPECT_EQ(f.hlc, expected[key].hlc);
      EXPECT_EQ(f.device_id, expected[key].device_id);
      EXPECT_EQ(f.server_seq, expected[key].server_seq);
    }
  }
  auto answer = expected[{domain::kAnswer, domain::AnswerId(seed_.q4.id, seed_.a1.id), "results"}];
  EXPECT_EQ(TextOf(answer.value), "mới");

  // as_of is the sequence when the first page was read, carried through every page.
  const uint64_t head = Head();
  auto first = service_->Snapshot(Secretariat(), "", 10);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->as_of_server_seq, head);
  ASSERT_TRUE(Push(khoa, {Answer(khoa, 3, seed_.q4, seed_.a1, "rating", "tot")}).ok());
  auto second = service_->Snapshot(Secretariat(), first->next_page_token, 10);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->as_of_server_seq, head);
  // A page re-read after a cut gives the same fields again.
  auto reread = service_->Snapshot(Secretariat(), first->next_page_token, 10);
  ASSERT_TRUE(reread.ok());
  ASSERT_EQ(reread->fields.size(), second->fields.size());
  for (size_t i = 0; i < reread->fields.size(); ++i) EXPECT_EQ(reread->fields[i].record_id, second->fields[i].record_id);

  EXPECT_EQ(service_->Snapshot(Secretariat(), "not-a-token", 10).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(AdminTest, ImportingThePlanAgainWritesNothing) {
  const uint64_t head = Head();
  auto again = service_->ImportPlan(seed_.plan);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0u);
  EXPECT_EQ(Head(), head);
  // The server's own writes carry its device id and author, and are pulled like any other.
  auto pulled = PullAll(Leader());
  ASSERT_FALSE(pulled.empty());
  EXPECT_EQ(pulled.front().device_id, service_->own_device_id());
  EXPECT_EQ(pulled.front().author, "fieldsync-server");
}

TEST_F(AdminTest, MergedAnswersShowWinnersPerUnitAndItem) {
  auto khoa = Khoa();
  auto luan = Leader();
  ASSERT_TRUE(Push(khoa, {Answer(khoa, 1, seed_.q4, seed_.a1, "rating", "dat", kVisitDayMs),
                          Answer(khoa, 2, seed_.q4, seed_.a1, "results", "Khoa viết", kVisitDayMs)})
                  .ok());
  ASSERT_TRUE(Push(luan, {Answer(luan, 1, seed_.q4, seed_.a1, "results", "Luận sửa", kVisitDayMs + 60000)}).ok());
  auto merged = service_->MergedAnswers("31-KH/BCĐTP");
  ASSERT_TRUE(merged.ok()) << merged.status().ToString();
  ASSERT_EQ(merged->units.size(), 6u);
  EXPECT_EQ(merged->units[0].unit.code, "Q4");
  EXPECT_EQ(merged->units[1].unit.code, "P10Q4");
  EXPECT_EQ(merged->units[0].visit.code, "V1");
  ASSERT_EQ(merged->units[0].items.size(), 7u);
  const auto& a1 = merged->units[0].items[0];
  EXPECT_EQ(a1.item.code, "A1");
  EXPECT_TRUE(a1.answered);
  EXPECT_EQ(a1.findings.rating, "dat");
  EXPECT_EQ(a1.findings.results, "Luận sửa");
  EXPECT_EQ(a1.last_author, "luan");
  EXPECT_FALSE(merged->units[0].items[1].answered);
  EXPECT_EQ(merged->units[2].items[0].item.code, "B1");
  EXPECT_EQ(service_->MergedAnswers("nope").status().code(), StatusCode::kNotFound);
}

TEST_F(AdminTest, UsersAreUniqueAndRolesChecked) {
  EXPECT_EQ(service_->AddUser("khoa", domain::Role::kMember, "").code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(service_->AddUser("", domain::Role::kMember, "").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(service_->AddUser("two words", domain::Role::kMember, "").code(), StatusCode::kInvalidArgument);
}

TEST_F(AdminTest, DeviceStoreFileIsNotOpenedAsServerStore) {
  {
    auto device = DeviceStore::Open(dir_.File("tablet.db"), DeviceStoreOptions{&clock_});
    ASSERT_TRUE(device.ok());
  }
  auto opened = SyncService::Open(dir_.File("tablet.db"));
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(opened.status().message(), HasSubstr("not a fieldsync-server database"));
}

// A device id belongs to one user; the refusal does not tell who that user is.
TEST_F(AdminTest, S11_DeviceTakenDoesNotNameTheOtherUser) {
  ASSERT_TRUE(service_->Enroll(*service_->CreateEnrollmentCode("khoa"), "tablet-7", "").ok());
  auto taken = service_->Enroll(*service_->CreateEnrollmentCode("luan"), "tablet-7", "");
  ASSERT_FALSE(taken.ok());
  EXPECT_EQ(taken.status().code(), StatusCode::kAlreadyExists);
  EXPECT_THAT(taken.status().message(), ::testing::Not(HasSubstr("khoa")));
  EXPECT_THAT(taken.status().message(), HasSubstr("another user"));
}

}  // namespace
}  // namespace fieldsync::server::testing
