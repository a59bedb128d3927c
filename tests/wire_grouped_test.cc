// The grouped wire form (wire::ChangeGroup): it round-trips every change exactly, refuses what it
// cannot decode naming the change at fault, and a push in either form has the same effect.
#include <random>

#include "server_test_util.h"

namespace fieldsync::server::testing {
namespace {

bool SameChange(const Change& a, const Change& b) {
  return a.record_type == b.record_type && a.record_id == b.record_id && a.field == b.field && a.value == b.value &&
         a.tombstone == b.tombstone && a.hlc == b.hlc && a.device_id == b.device_id && a.device_seq == b.device_seq &&
         a.seen_hlc == b.seen_hlc && a.seen_device_id == b.seen_device_id && a.author == b.author &&
         a.server_seq == b.server_seq;
}

// Random changes: runs of one record, every value kind, tombstones, empty names, and stamps and
// sequences that jump backwards and to the ends of their ranges.
std::vector<Change> RandomChanges(std::mt19937_64& rng, size_t n) {
  const std::vector<std::string> names = {"", "dev-khoa", "dev-luan", "server-1", "Ngô Văn Luận"};
  const std::vector<uint64_t> extremes = {0, 1, UINT64_MAX, UINT64_MAX / 2, 1ull << 63};
  std::vector<Change> out;
  for (size_t i = 0; i < n; ++i) {
    Change c;
    const bool same_record = !out.empty() && rng() % 3 != 0;
    c.record_type = same_record ? out.back().record_type : (rng() % 2 ? "answer" : "unit");
    c.record_id = same_record ? out.back().record_id : "u-" + std::to_string(rng() % 5) + "/i-" + std::to_string(rng() % 3);
    c.field = "f" + std::to_string(rng() % 6);
    switch (rng() % 7) {
      case 0: c.value = std::string("Kết quả ") + std::to_string(rng()); break;
      case 1: c.value = static_cast<int64_t>(rng()); break;
      case 2: c.value = 0.25 * static_cast<double>(rng() % 100); break;
      case 3: c.value = rng() % 2 == 0; break;
      case 4: c.value = Blob{std::string("\0\x01\xff", 3)}; break;
      case 5: c.value = AttachmentRef{std::string(64, 'a'), rng() % 100000, "image/jpeg"}; break;
      default: c.tombstone = true; break;
    }
    auto stamp = [&] { return rng() % 4 == 0 ? extremes[rng() % extremes.size()] : rng() % 1000000; };
    c.hlc = Hlc::Unpack(stamp());
    c.device_seq = stamp();
    c.server_seq = stamp();
    c.seen_hlc = Hlc::Unpack(stamp());
    c.device_id = names[rng() % names.size()];
    c.author = names[rng() % names.size()];
    c.seen_device_id = names[rng() % names.size()];
    out.push_back(std::move(c));
  }
  return out;
}

TEST(WireGrouped, RoundTripsEveryChangeExactly) {
  std::mt19937_64 rng(20261202);
  for (int round = 0; round < 300; ++round) {
    const auto changes = RandomChanges(rng, rng() % 40);
    wire::ChangeGroup group;
    wire_codec::ToGroup(changes, &group);
    EXPECT_EQ(wire_codec::GroupSize(group), changes.size());
    wire::ChangeGroup parsed;
    ASSERT_TRUE(parsed.ParseFromString(group.SerializeAsString()));
    size_t bad = 99;
    auto back = wire_codec::FromGroup(parsed, &bad);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(bad, 0u);
    ASSERT_EQ(back->size(), changes.size()) << "round " << round;
    for (size_t i = 0; i < changes.size(); ++i) ASSERT_TRUE(SameChange((*back)[i], changes[i])) << round << " #" << i;
  }
}

TEST(WireGrouped, AnAnswersChangesShareOneRecordEntry) {
  std::vector<Change> answer;
  for (const char* field : {"visit_id", "unit_id", "item_id", "rating", "results"}) {
    Change c;
    c.record_type = "answer";
    c.record_id = "u/i";
    c.field = field;
    c.value = std::string("x");
    answer.push_back(c);
  }
  wire::ChangeGroup group;
  wire_codec::ToGroup(answer, &group);
  ASSERT_EQ(group.records_size(), 1);
  EXPECT_EQ(group.records(0).fields_size(), 5);
}

TEST(WireGrouped, RefusesWhatItCannotDecodeNamingTheChange) {
  std::mt19937_64 rng(7);
  const auto changes = RandomChanges(rng, 6);
  wire::ChangeGroup group;
  wire_codec::ToGroup(changes, &group);
  // The fourth change names a device the group does not list.
  int seen = 0;
  for (auto& r : *group.mutable_records()) {
    for (auto& f : *r.mutable_fields()) {
      if (++seen == 4) f.set_device(static_cast<uint32_t>(group.names_size()));
    }
  }
  size_t bad = 0;
  auto decoded = wire_codec::FromGroup(group, &bad);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad, 4u);

  wire::ChangeGroup unlisted_field;
  wire_codec::ToGroup(changes, &unlisted_field);
  unlisted_field.mutable_records(0)->mutable_fields(0)->set_field_name(1000);
  EXPECT_FALSE(wire_codec::FromGroup(unlisted_field, &bad).ok());
  EXPECT_EQ(bad, 1u);

  wire::ChangeGroup no_field;
  auto* f = no_field.add_records();
  f->set_record_type("answer");
  f->set_record_id("x");
  f->add_fields()->set_tombstone(true);
  EXPECT_FALSE(wire_codec::FromGroup(no_field, &bad).ok());
  EXPECT_EQ(bad, 1u);
}

class GroupedPushTest : public ServiceTest {
 protected:
  wire::ChangeSet GroupedSetOf(const std::string& device_id, const std::vector<Change>& changes) {
    wire::ChangeSet set;
    set.set_protocol_version(protocol::kVersion);
    set.set_device_id(device_id);
    wire_codec::ToGroup(changes, set.mutable_grouped());
    return set;
  }
};

// The same push as a list and as a group: the same results and the same log; a resend in the other
// form is already had (S2).
TEST_F(GroupedPushTest, S2_APushInEitherFormHasTheSameEffect) {
  const std::string token = EnrolledToken("khoa", "dev-khoa");
  std::vector<Change> batch = {Answer(Khoa(), 1, seed_.q4, seed_.a1, "rating", "tot"),
                               Answer(Khoa(), 2, seed_.q4, seed_.a1, "results", "Kết quả tốt"),
                               Answer(Khoa(), 3, seed_.q4, seed_.plan.items[1], "results", "Còn hạn chế")};
  const uint64_t head = Head();
  auto grouped = Send(protocol::kPushPath, GroupedSetOf("dev-khoa", batch), token);
  ASSERT_EQ(grouped.status, 200) << ErrorCode(grouped);
  wire::PushResponse first;
  ASSERT_TRUE(first.ParseFromString(grouped.body));
  ASSERT_EQ(first.results_size(), 3);
  for (const auto& r : first.results()) EXPECT_EQ(r.outcome(), wire::APPLIED);
  EXPECT_EQ(Head(), head + 3);
  const auto log = PullAll(Secretariat(), head);
  ASSERT_EQ(log.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(log[i].device_seq, batch[i].device_seq);
    EXPECT_EQ(log[i].value, batch[i].value);
  }

  auto flat = Send(protocol::kPushPath, ChangeSetOf("dev-khoa", batch), token);
  ASSERT_EQ(flat.status, 200);
  wire::PushResponse again;
  ASSERT_TRUE(again.ParseFromString(flat.body));
  for (const auto& r : again.results()) EXPECT_EQ(r.outcome(), wire::ALREADY_HAD);
  EXPECT_EQ(Head(), head + 3);
}

TEST_F(GroupedPushTest, S11_BadGroupedPushesAreRefusedAndChangeNothing) {
  const std::string token = EnrolledToken("khoa", "dev-khoa");
  const uint64_t head = Head();
  const std::vector<Change> one = {Answer(Khoa(), 1, seed_.q4, seed_.a1, "rating", "tot")};

  wire::ChangeSet both = GroupedSetOf("dev-khoa", one);
  wire_codec::ToWire(one.front(), both.add_changes());
  EXPECT_EQ(Send(protocol::kPushPath, both, token).status, 400);

  std::vector<Change> many;
  for (uint64_t i = 1; i <= protocol::kMaxChangesPerPush + 1; ++i) {
    many.push_back(Answer(Khoa(), i, seed_.q4, seed_.a1, "results", "v" + std::to_string(i)));
  }
  auto too_many = Send(protocol::kPushPath, GroupedSetOf("dev-khoa", many), token);
  EXPECT_EQ(too_many.status, 413);
  EXPECT_EQ(ErrorCode(too_many), "too_many_changes");

  wire::ChangeSet bad_index = GroupedSetOf("dev-khoa", {one.front(), Answer(Khoa(), 2, seed_.q4, seed_.a1, "results", "x")});
  bad_index.mutable_grouped()->mutable_records(0)->mutable_fields(1)->set_author(99);
  auto refused = Send(protocol::kPushPath, bad_index, token);
  EXPECT_EQ(refused.status, 400);
  wire::ErrorResponse error;
  ASSERT_TRUE(error.ParseFromString(refused.body));
  EXPECT_EQ(error.code(), "invalid_change");
  EXPECT_EQ(error.refused_change(), 2u);
  EXPECT_EQ(Head(), head);
}

// A pull that accepts the grouped form gets exactly the changes of the flat form, and is told the
// server reads grouped pushes.
TEST_F(GroupedPushTest, S4_GroupedPullCarriesTheSameChanges) {
  const std::string token = EnrolledToken("khoa", "dev-khoa");
  ASSERT_TRUE(Push(Leader(), {Answer(Leader(), 1, seed_.q4, seed_.a1, "results", "của trưởng đoàn"),
                              Answer(Leader(), 2, seed_.q4, seed_.a1, "rating", "dat")}).ok());
  wire::PullRequest request;
  request.set_protocol_version(protocol::kVersion);
  wire::PullResponse flat, grouped;
  ASSERT_TRUE(flat.ParseFromString(Send(protocol::kPullPath, request, token).body));
  request.set_accept_grouped(true);
  ASSERT_TRUE(grouped.ParseFromString(Send(protocol::kPullPath, request, token).body));
  EXPECT_TRUE(grouped.accepts_grouped_push());
  EXPECT_EQ(grouped.changes_size(), 0);
  size_t bad = 0;
  auto expanded = wire_codec::FromGroup(grouped.grouped(), &bad);
  ASSERT_TRUE(expanded.ok());
  ASSERT_EQ(expanded->size(), static_cast<size_t>(flat.changes_size()));
  ASSERT_GT(expanded->size(), 0u);
  for (int i = 0; i < flat.changes_size(); ++i) {
    auto c = wire_codec::FromWire(flat.changes(i));
    ASSERT_TRUE(c.ok());
    EXPECT_TRUE(SameChange(*c, (*expanded)[static_cast<size_t>(i)])) << i;
  }
  EXPECT_EQ(grouped.next_cursor(), flat.next_cursor());
}

}  // namespace
}  // namespace fieldsync::server::testing
