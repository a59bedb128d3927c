#include "server_fixture.h"

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <map>

#include "fieldsync.pb.h"
#include "fieldsync/protocol.h"
#include "fieldsync/text.h"
#include "fieldsync/wire_codec.h"
#include "fieldsync/seed_scenario.h"
#include "fuzz_check.h"
#include "quiet_protobuf.h"
#include "server_invariants.h"

namespace fieldsync::fuzz {
namespace {

// Every field of a wire Change, for messages.
std::string Describe(const wire::Change& c) {
  Change decoded;
  if (auto d = wire_codec::FromWire(c); d.ok()) decoded = *d;
  return c.record_type() + " " + c.record_id() + "." + c.field() + " = " + DescribeValue(decoded.value) +
         (c.tombstone() ? " (deleted)" : "") + ", hlc " + std::to_string(c.hlc()) + ", device " + c.device_id() +
         " #" + std::to_string(c.device_seq()) + ", seen " + std::to_string(c.seen_hlc()) + " " +
         c.seen_device_id() + ", author " + c.author() + ", server_seq " + std::to_string(c.server_seq());
}

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
  if (request.path == protocol::kPushPath && response.status == 200) CheckPushStored(request, response);
  CheckHealthy();
  return response;
}

void ServerFixture::CheckPushStored(const RouterRequest& request, const RouterResponse& response) {
  wire::ChangeSet sent;
  wire::PushResponse answer;
  FUZZ_CHECK(sent.ParseFromString(request.body) && answer.ParseFromString(response.body), "checked by CheckAnswer");
  // The log as the secretariat reads it (it sees everything), around the positions the results name.
  uint64_t first = UINT64_MAX, last = 0;
  for (const auto& r : answer.results()) first = std::min(first, r.server_seq()), last = std::max(last, r.server_seq());
  if (answer.results_size() == 0) return;
  const server::Session reader{kTeam[kSecretariat].device_id, kTeam[kSecretariat].user, domain::Role::kSecretariat};
  std::map<uint64_t, Change> logged;
  for (uint64_t after = first - 1; after < last;) {
    auto page = service_->Pull(reader, after, protocol::kMaxPullBatch);
    FUZZ_CHECK(page.ok(), page.status().ToString());
    for (auto& c : page->changes) logged.emplace(c.server_seq, std::move(c));
    FUZZ_CHECK(page->next_cursor > after, "a pull that does not advance");
    after = page->next_cursor;
  }
  for (int i = 0; i < answer.results_size(); ++i) {
    const auto& result = answer.results(i);
    auto it = logged.find(result.server_seq());
    FUZZ_CHECK(it != logged.end(), "change " + std::to_string(i + 1) + " is not in the log at server_seq " +
                                       std::to_string(result.server_seq()));
    const Change& got = it->second;
    FUZZ_CHECK(got.device_id == sent.changes(i).device_id() && got.device_seq == sent.changes(i).device_seq(),
               "the log holds another change at the server_seq of change " + std::to_string(i + 1));
    if (result.outcome() != wire::APPLIED) continue;  // a resend: the first copy is what counts
    // What the server stores: text in NFC, no value on a tombstone, the user as author when none
    // (compared through wire_codec, which drops what it does not know, as the server does).
    auto decoded = wire_codec::FromWire(sent.changes(i));
    FUZZ_CHECK(decoded.ok(), "an accepted change that does not decode");
    Change& expected = *decoded;
    expected.server_seq = result.server_seq();
    if (expected.tombstone) expected.value = std::monostate{};
    if (auto* text = std::get_if<std::string>(&expected.value)) {
      auto nfc = NormalizeText(*text);
      FUZZ_CHECK(nfc.ok(), "accepted text that is not UTF-8");
      *text = *nfc;
    }
    if (expected.author.empty()) expected.author = got.author;
    wire::Change want, have;
    wire_codec::ToWire(expected, &want);
    wire_codec::ToWire(got, &have);
    FUZZ_CHECK(have.SerializeAsString() == want.SerializeAsString(),
               "S2: change " + std::to_string(i + 1) + " is not stored as it was sent:\n  sent   " + Describe(want) +
                   "\n  stored " + Describe(have));
  }
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
