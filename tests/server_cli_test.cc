// The server's command line as a user types it: a wrong --listen is refused before anything
// starts, with a message that says what to write instead.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "soak/child_process.h"
#include "temp_dir.h"

namespace fieldsync {
namespace {

using ::testing::HasSubstr;

soak::CommandResult Serve(TempDir& dir, const std::string& listen) {
  return soak::RunCommand({FIELDSYNC_BIN_DIR "/fieldsync-server", "serve", "--db", dir.File("server.db"), "--listen",
                           listen},
                          dir.File("serve.out"), dir.File("serve.err"), std::chrono::seconds(20));
}

TEST(ServerCliTest, AListenUrlIsRefusedWithWhatToWriteInstead) {
  TempDir dir;
  auto url = Serve(dir, "http://127.0.0.1:0");
  EXPECT_FALSE(url.timed_out) << "the server started listening";
  EXPECT_EQ(url.status.code, 2) << url.status.Describe();
  const std::string said = soak::ReadFile(dir.File("serve.err"));
  EXPECT_THAT(said, HasSubstr("without a scheme"));
  EXPECT_THAT(said, HasSubstr("--listen 127.0.0.1:8080"));
  EXPECT_THAT(said, ::testing::Not(HasSubstr("http//"))) << "no garbled address";
}

TEST(ServerCliTest, APortOutOfRangeIsRefused) {
  TempDir dir;
  auto refused = Serve(dir, "127.0.0.1:70000");
  EXPECT_FALSE(refused.timed_out);
  EXPECT_EQ(refused.status.code, 2) << refused.status.Describe();
  EXPECT_THAT(soak::ReadFile(dir.File("serve.err")), HasSubstr("port from 0 to 65535"));
}

TEST(ServerCliTest, AnIpv6AddressIsRefusedRatherThanGarbled) {
  for (const std::string listen : {"[::1]:8080", "::1"}) {
    TempDir dir;
    auto refused = Serve(dir, listen);
    EXPECT_FALSE(refused.timed_out) << listen;
    EXPECT_EQ(refused.status.code, 2) << listen << ": " << refused.status.Describe();
    EXPECT_THAT(soak::ReadFile(dir.File("serve.err")), HasSubstr("IPv6 addresses are not supported")) << listen;
  }
}

}  // namespace
}  // namespace fieldsync
