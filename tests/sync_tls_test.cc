// HTTPS between tablets and the server (issue 5): the server serves TLS with its certificate and
// key files; a tablet verifies the certificate and can pin the organisation's CA. Certificates are
// made by the test (test_pki.h), on 127.0.0.1 only.
#include "sync_harness.h"
#include "test_pki.h"

namespace fieldsync {
namespace {

using testing::MakeTestPki;
using testing::TestPki;

class TlsTest : public SyncHarness {
 protected:
  server::TlsFiles ServerTls() override {
    pki_ = MakeTestPki(dir_.path().string(), "fieldsync");
    return {pki_.cert_file, pki_.key_file};
  }

  Status EnrollWith(const TlsTrust& trust, std::string url = "") {
    if (url.empty()) url = server_->url();
    auto store = DeviceStore::Open(dir_.File("probe-" + std::to_string(++probes_) + ".db"));
    if (!store.ok()) return store.status();
    auto http = MakeCpprestTransport(url, trust);
    if (!http.ok()) return http.status();
    auto code = server_->service().CreateEnrollmentCode("khoa");
    if (!code.ok()) return code.status();
    SyncOptions options = Tablet::FastOptions();
    options.max_attempts = 2;
    SyncEngine engine(**store, **http, options);
    return engine.Enroll(url, *code, "probe", trust.pinned_ca_pem);
  }

  TestPki pki_;
  int probes_ = 0;
};

TEST_F(TlsTest, TabletPinnedToTheServersCaEnrolsAndSyncsOverHttps) {
  ASSERT_TRUE(server_->url().starts_with("https://127.0.0.1:")) << server_->url();
  tablet_trust_.pinned_ca_pem = pki_.ca_pem;
  auto khoa = Enroll("khoa");
  ASSERT_TRUE(khoa->Sync().ok());
  khoa->Answer("Q4", "A1", AnswerEdit{.results = std::string("Qua kênh mã hoá")});
  auto report = khoa->Sync();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_GT(report->pushed, 0);
  EXPECT_EQ(*SyncEngine::PinnedCaPem(*khoa->store), pki_.ca_pem) << "the pin is kept for later syncs";
}

TEST_F(TlsTest, TabletRefusesACertificateItCannotVerifyAndSaysWhatToDo) {
  // The system's CAs do not know the test CA.
  Status unpinned = EnrollWith({});
  EXPECT_EQ(unpinned.code(), StatusCode::kUnavailable) << unpinned.ToString();
  EXPECT_NE(unpinned.message().find("--ca-file"), std::string::npos) << unpinned.message();
  // Pinned to another organisation's CA: refused too (the server is not who it claims).
  TestPki other = MakeTestPki(dir_.path().string(), "other");
  Status wrong_pin = EnrollWith({other.ca_pem});
  EXPECT_EQ(wrong_pin.code(), StatusCode::kUnavailable) << wrong_pin.ToString();
  // Nothing was enrolled by the refused attempts.
  auto devices = server_->service().Devices();
  ASSERT_TRUE(devices.ok());
  EXPECT_TRUE(devices->empty());
  EXPECT_TRUE(EnrollWith({pki_.ca_pem}).ok());
}

// With the test CA in the "system" store (OpenSSL reads SSL_CERT_FILE), an unpinned tablet trusts
// the server; pinned to another CA it does not: the pin replaces the system's CAs.
TEST_F(TlsTest, APinnedCaReplacesTheSystemCas) {
  ASSERT_EQ(setenv("SSL_CERT_FILE", pki_.ca_file.c_str(), 1), 0);
  Status system_trust = EnrollWith({});
  TestPki other = MakeTestPki(dir_.path().string(), "other");
  Status pinned_elsewhere = EnrollWith({other.ca_pem});
  unsetenv("SSL_CERT_FILE");
  EXPECT_TRUE(system_trust.ok()) << system_trust.ToString();
  EXPECT_EQ(pinned_elsewhere.code(), StatusCode::kUnavailable) << pinned_elsewhere.ToString();
}

TEST_F(TlsTest, ACertificateForAnotherHostIsRefused) {
  std::string by_name = server_->url();
  by_name.replace(by_name.find("127.0.0.1"), 9, "localhost");  // the certificate names 127.0.0.1 only
  Status refused = EnrollWith({pki_.ca_pem}, by_name);
  EXPECT_EQ(refused.code(), StatusCode::kUnavailable) << refused.ToString();
  EXPECT_NE(refused.message().find("certificate"), std::string::npos) << refused.message();
  EXPECT_TRUE(EnrollWith({pki_.ca_pem}).ok()) << "the same server by the name on its certificate";
}

// Over TLS too, a body over the limit gets its 413 (read and thrown away, not cut off mid-upload),
// and the tablet syncs on afterwards.
TEST_F(TlsTest, S11_AnOversizedPushOverHttpsIsAnswered413) {
  tablet_trust_.pinned_ca_pem = pki_.ca_pem;
  auto khoa = Enroll("khoa");
  ASSERT_TRUE(khoa->Sync().ok());
  EXPECT_EQ(RawPost(protocol::kPushPath, std::string(6 * 1024 * 1024, 'x'), khoa->Token()), 413);
  khoa->Answer("Q4", "A1", AnswerEdit{.results = std::string("Sau khi bị từ chối")});
  auto report = khoa->Sync();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_GT(report->pushed, 0);
}

TEST_F(TlsTest, PlainHttpToTheHttpsPortGetsNoAnswer) {
  std::string url = server_->url();
  url.replace(0, 5, "http");
  auto http = MakeCpprestTransport(url);
  ASSERT_TRUE(http.ok());
  HttpRequest req;
  req.path = protocol::kHealthPath;
  req.method = "GET";
  req.timeout = std::chrono::milliseconds(2000);
  auto answer = (*http)->Send(req);
  EXPECT_TRUE(!answer.ok() || answer->status >= 400);
}

TEST(TlsStartTest, ServerRefusesToStartWithAMissingOrMismatchedKey) {
  TempDir dir;
  TestPki pki = MakeTestPki(dir.path().string(), "a");
  TestPki other = MakeTestPki(dir.path().string(), "b");
  server::ServerOptions options;
  options.db_path = dir.File("server.db");
  options.tls = {pki.cert_file, dir.File("missing.key")};
  auto missing = server::Server::Start(options);
  EXPECT_EQ(missing.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(missing.status().message().find("missing.key"), std::string::npos) << missing.status().message();
  options.tls = {pki.cert_file, other.key_file};
  auto mismatched = server::Server::Start(options);
  EXPECT_EQ(mismatched.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(mismatched.status().message().find("does not belong"), std::string::npos) << mismatched.status().message();
}

}  // namespace
}  // namespace fieldsync
