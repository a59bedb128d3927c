// S11 (and S4/S5): an attachment reference is checked at push, so a malformed one can never reach
// the store and break the pulls and snapshots of every device afterwards.
#include "server_test_util.h"

namespace fieldsync::server::testing {
namespace {

using ::testing::HasSubstr;

class AttachmentTest : public ServiceTest {
 protected:
  static AttachmentRef Good() { return AttachmentRef{std::string(64, 'a'), 48'213, "image/jpeg"}; }
  Change Photo(uint64_t seq, AttachmentRef ref, const std::string& field = "photo") {
    return Make(Khoa(), seq, domain::kAnswer, domain::AnswerId(seed_.q4.id, seed_.a1.id), field, std::move(ref));
  }
};

TEST_F(AttachmentTest, S11_S4_MalformedAttachmentRefRefusesWholeBatch) {
  const uint64_t head = Head();
  auto with = [](auto edit) {
    AttachmentRef ref = Good();
    edit(ref);
    return ref;
  };
  const std::vector<std::pair<std::string, AttachmentRef>> bad = {
      {"upper-case hex", with([](auto& r) { r.sha256_hex = std::string(64, 'A'); })},
      {"63 digits", with([](auto& r) { r.sha256_hex.pop_back(); })},
      {"65 digits", with([](auto& r) { r.sha256_hex += "a"; })},
      {"not hex", with([](auto& r) { r.sha256_hex[10] = 'g'; })},
      {"empty hash", with([](auto& r) { r.sha256_hex.clear(); })},
      {"size 0", with([](auto& r) { r.size_bytes = 0; })},
      {"no media type", with([](auto& r) { r.media_type.clear(); })},
      {"media type of 256 bytes", with([](auto& r) { r.media_type = "image/" + std::string(250, 'x'); })},
      {"media type not UTF-8", with([](auto& r) { r.media_type = "image/\xff"; })},
  };
  for (const auto& [what, ref] : bad) {
    SCOPED_TRACE(what);
    auto r = Push(Khoa(), {Answer(Khoa(), 1, seed_.q4, seed_.a1, "results", "ok"), Photo(2, ref)});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(r.status().message(), HasSubstr("change 2"));
    EXPECT_EQ(Head(), head) << "a refused batch applied something";
  }
  // Over the protocol: 400 invalid_change.
  const std::string token = EnrolledToken("khoa", "tablet-photo");
  Change c = Photo(1, bad[0].second);
  c.device_id = "tablet-photo";
  auto answer = Send(protocol::kPushPath, ChangeSetOf("tablet-photo", {c}), token);
  EXPECT_EQ(answer.status, 400);
  EXPECT_EQ(ErrorCode(answer), "invalid_change");

  // A well-formed reference (255-byte media type included) is kept and handed back as it was.
  AttachmentRef longest = with([](auto& r) { r.media_type = "image/" + std::string(249, 'x'); });
  ASSERT_EQ(longest.media_type.size(), 255u);
  ASSERT_TRUE(Push(Khoa(), {Photo(1, Good()), Photo(2, longest, "photo_2")}).ok());
  auto pulled = PullAll(Khoa(), head);
  ASSERT_EQ(pulled.size(), 2u);
  EXPECT_EQ(std::get<AttachmentRef>(pulled[1].value), longest);
  bool in_snapshot = false;
  for (const auto& f : SnapshotAll(Khoa())) in_snapshot |= f.field == "photo_2" && f.value == Value(longest);
  EXPECT_TRUE(in_snapshot);
}

}  // namespace
}  // namespace fieldsync::server::testing
