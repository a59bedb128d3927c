#include "server_fixture.h"

#include <cstdio>
#include <cstdlib>
#include <exception>

#include "fieldsync.pb.h"
#include "fieldsync/protocol.h"
#include "fieldsync/seed_scenario.h"
#include "fuzz_check.h"
#include "quiet_protobuf.h"
#include "push_log_check.h"
#include "server_invariants.h"

namespace fieldsync::fuzz {
namespace {

// "200" or "403 forbidden: <message>", for FIELDSYNC_FUZZ_VERBOSE=1.
std::string Summary(const server::RouterResponse& response) {
  wire::ErrorResponse error;
  if (response.status == 200 || !error.ParseFromString(response.body)) return std::to_string(response.status);
  return std::to_string(response.status) + " " + error.code() + ": " + error.message();
}

}  // namespace

using server::RouterRequest;
using server::RouterResponse;

ServerFixture& ServerFixture::Get() {
  static ServerFixture* fixture = new ServerFixture();  // never destroyed: targets may exit anywhere
  return *fixture;
}

ServerFixture::ServerFixture() {
  QuietProtobufLogs();
  Open();
  for (size_t i = 0; i < kTeamSize; ++i) {
    FUZZ_CHECK(service_->AddUser(kTeam[i].user, kTeam[i].role, kTeam[i].full_name).ok(), kTeam[i].user);
  }
  // The seed plan's other member, so assignments of the second visit name a real account.
  FUZZ_CHECK(service_->AddUser("ha", domain::Role::kMember, "Lê Thị Thu Hà").ok(), "ha");
  auto imported = service_->ImportPlan(seed::Plan31());
  FUZZ_CHECK(imported.ok(), imported.status().ToString());
  for (size_t i = 0; i < kTeamSize; ++i) {
    auto enrolled = service_->Enroll(FreshEnrollmentCode(i), kTeam[i].device_id, "fuzz tablet");
    FUZZ_CHECK(enrolled.ok(), enrolled.status().ToString());
    set_up_tokens_[i] = enrolled->device_token;
  }
  Close();
  set_up_ = SavedDatabase::Of(db_path_);
  Open();
  tokens_ = set_up_tokens_;
}

void ServerFixture::Open() {
  server::SyncServiceOptions options;
  options.clock = &clock_;
  auto service = server::SyncService::Open(db_path_, options);
  FUZZ_CHECK(service.ok(), service.status().ToString());
  service_ = std::move(service).value();
  router_ = std::make_unique<server::RequestRouter>(*service_);
  watcher_ = std::make_unique<DatabaseReader>(db_path_);
  before_ = std::make_unique<DatabaseReader>(db_path_);
  changed_ = false;
}

void ServerFixture::Close() {
  router_.reset();
  watcher_.reset();
  before_.reset();
  service_.reset();
}

void ServerFixture::StartInput() {
  if (watcher_->CommittedSinceLastCall()) changed_ = true;
  if (changed_) {
    Close();
    set_up_.RestoreTo(db_path_);
    Open();
  }
  tokens_ = set_up_tokens_;
}

std::string ServerFixture::FreshEnrollmentCode(size_t who) {
  auto code = service_->CreateEnrollmentCode(kTeam[who].user);
  FUZZ_CHECK(code.ok(), code.status().ToString());
  return *code;
}

RouterRequest ServerFixture::Post(size_t who, const std::string& path, std::string body) const {
  RouterRequest request;
  request.method = "POST";
  request.path = path;
  request.headers = {{protocol::kVersionHeader, std::to_string(protocol::kVersion)},
                     {"Content-Type", protocol::kContentType},
                     {"Authorization", "Bearer " + tokens_[who]}};
  request.body = std::move(body);
  request.remote_address = "127.0.0.1";
  return request;
}

RouterResponse ServerFixture::Handle(const RouterRequest& request) {
  if (watcher_->CommittedSinceLastCall()) changed_ = true;
  before_->Pin();
  RouterResponse response;
  try {
    response = router_->Handle(request);
  } catch (const std::exception& e) {
    Fail("RequestRouter::Handle threw", __FILE__, __LINE__, e.what());
  } catch (...) {
    Fail("RequestRouter::Handle threw", __FILE__, __LINE__, "a non-standard exception");
  }
  CheckAnswer(request, response);
  if (static const bool verbose = std::getenv("FIELDSYNC_FUZZ_VERBOSE") != nullptr; verbose) {
    std::fprintf(stderr, "%s %s -> %s\n", request.method.c_str(), request.path.c_str(), Summary(response).c_str());
  }
  if (watcher_->CommittedSinceLastCall()) {
    changed_ = true;
    if (response.status != 200 && request.path != protocol::kEnrollPath) {
      const std::string before = before_->Digest();
      before_->Unpin();
      FUZZ_CHECK(before_->Digest() == before, "S11: a refused request changed the store: " + request.method + " " +
                                                  request.path + " -> " + Summary(response));
    }
  }
  before_->Unpin();
  if (request.path == protocol::kPushPath && response.status == 200) CheckPushStored(*service_, request, response);
  CheckHealthy();
  return response;
}

void ServerFixture::CheckHealthy() {
  RouterRequest health;
  health.method = "GET";
  health.path = protocol::kHealthPath;
  RouterResponse r = router_->Handle(health);
  FUZZ_CHECK(r.status == 200 && r.body == "ok", "the server stopped answering its health check: " +
                                                    std::to_string(r.status) + " " + r.body);
}

}  // namespace fieldsync::fuzz
