// Compressed bodies (body_compression.h): the router takes zstd requests, answers in zstd when
// asked, and says on every answer that it takes compressed requests (RFC 7694).
#include "fieldsync/body_compression.h"
#include "server_test_util.h"

namespace fieldsync::server::testing {
namespace {

class CompressionTest : public ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    token_ = EnrolledToken("khoa", "dev-khoa");
  }
  std::string token_;
};

TEST(BodyCompression, RoundTripsAndRefusesBombsAndGarbage) {
  const std::string text = "Đã quán triệt, triển khai kịp thời các văn bản của Trung ương; ";
  std::string raw;
  for (int i = 0; i < 200; ++i) raw += text + std::to_string(i);
  const std::string packed = body::Compress(raw);
  EXPECT_LT(packed.size() * 5, raw.size()) << "repetitive Vietnamese prose shrinks several times over";
  EXPECT_EQ(*body::Decompress(packed, raw.size()), raw);
  EXPECT_EQ(body::Decompress(packed, raw.size() - 1).status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(body::Decompress("not zstd at all", 1 << 20).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(body::Decompress(packed.substr(0, packed.size() / 2), 1 << 20).status().code(),
            StatusCode::kInvalidArgument) << "a cut body is not taken for a shorter one";
}

TEST(BodyCompression, ReadsAcceptEncodingLists) {
  EXPECT_TRUE(body::ListsZstd("zstd"));
  EXPECT_TRUE(body::ListsZstd("gzip, deflate, br, ZSTD"));
  EXPECT_TRUE(body::ListsZstd("gzip;q=1.0, zstd;q=0.5"));
  EXPECT_FALSE(body::ListsZstd("gzip, deflate"));
  EXPECT_FALSE(body::ListsZstd("zstd;q=0"));
  EXPECT_FALSE(body::ListsZstd("zstd;q=0.000"));
  EXPECT_FALSE(body::ListsZstd("xzstd"));
  EXPECT_FALSE(body::ListsZstd(""));
}

TEST_F(CompressionTest, CompressedPushIsAppliedAndAnswersComeCompressedWhenAsked) {
  std::vector<Change> changes;
  for (uint64_t seq = 1; seq <= 40; ++seq) {
    changes.push_back(Answer(Khoa(), seq, seed_.q4, seed_.a1, "results", "Đã tổ chức hội nghị người lao động " +
                                                                            std::to_string(seq)));
  }
  RouterRequest push = PostRequest(protocol::kPushPath, body::Compress(ChangeSetOf("dev-khoa", changes).SerializeAsString()),
                                   token_);
  push.headers["Content-Encoding"] = body::kZstd;
  push.headers["Accept-Encoding"] = "gzip, zstd";
  RouterResponse pushed = RequestRouter(*service_).Handle(push);
  ASSERT_EQ(pushed.status, 200) << ErrorCode(pushed);
  EXPECT_EQ(pushed.headers["Accept-Encoding"], "zstd") << "every answer advertises compressed requests";
  wire::PushResponse acked;
  const std::string plain = pushed.headers["Content-Encoding"] == "zstd" ? *body::Decompress(pushed.body, 1 << 20)
                                                                         : pushed.body;
  ASSERT_TRUE(acked.ParseFromString(plain));
  ASSERT_EQ(acked.results_size(), 40);
  EXPECT_EQ(acked.results(39).outcome(), wire::APPLIED);

  wire::PullRequest pull;
  pull.set_protocol_version(protocol::kVersion);
  RouterRequest asked = PostRequest(protocol::kPullPath, pull.SerializeAsString(), token_);
  asked.headers["Accept-Encoding"] = "zstd";
  RouterResponse compressed = RequestRouter(*service_).Handle(asked);
  ASSERT_EQ(compressed.status, 200);
  EXPECT_EQ(compressed.headers["Content-Encoding"], "zstd");
  RouterResponse plain_pull = RequestRouter(*service_).Handle(PostRequest(protocol::kPullPath, pull.SerializeAsString(), token_));
  EXPECT_EQ(plain_pull.headers.count("Content-Encoding"), 0u) << "no compression for a client that did not ask";
  EXPECT_LT(compressed.body.size() * 2, plain_pull.body.size());
  wire::PullResponse a, b;
  ASSERT_TRUE(a.ParseFromString(*body::Decompress(compressed.body, 64 << 20)));
  ASSERT_TRUE(b.ParseFromString(plain_pull.body));
  EXPECT_EQ(a.changes_size(), b.changes_size());
  EXPECT_GE(a.changes_size(), 40);
}

}  // namespace
}  // namespace fieldsync::server::testing
