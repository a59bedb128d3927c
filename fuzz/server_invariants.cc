#include "server_invariants.h"

#include "fieldsync/wire_codec.h"
#include "wire_changes.h"

#include <algorithm>
#include <cctype>
#include <string_view>

#include "fieldsync.pb.h"
#include "fieldsync/protocol.h"
#include "fuzz_check.h"

namespace fieldsync::fuzz {
namespace {

using server::RouterRequest;
using server::RouterResponse;

// The error code table of docs/PROTOCOL.md; `only_on` is the one endpoint a code belongs to, if any.
struct ErrorCode {
  std::string_view code;
  int status;
  const char* only_on;
};
constexpr ErrorCode kErrorCodes[] = {
    {"malformed", 400, nullptr},
    {"invalid_change", 400, protocol::kPushPath},
    {"clock_ahead", 400, protocol::kPushPath},
    {"invalid_request", 400, nullptr},
    {"unauthenticated", 401, nullptr},
    {"forbidden", 403, nullptr},
    {"wrong_device", 403, protocol::kPushPath},
    {"enrollment_code_invalid", 403, protocol::kEnrollPath},
    {"not_found", 404, nullptr},
    {"method_not_allowed", 405, nullptr},
    {"device_taken", 409, protocol::kEnrollPath},
    {"sequence_reused", 409, protocol::kPushPath},
    {"resync_required", 410, protocol::kPullPath},
    {"too_large", 413, nullptr},
    {"too_many_changes", 413, protocol::kPushPath},
    {"unsupported_media_type", 415, nullptr},
    {"unsupported_protocol", 426, nullptr},
    {"too_many_attempts", 429, protocol::kEnrollPath},
};

std::string Header(const RouterResponse& r, std::string_view name) {
  auto it = r.headers.find(name);
  return it == r.headers.end() ? std::string() : it->second;
}

std::string Describe(const RouterRequest& request, const RouterResponse& response) {
  wire::ErrorResponse error;
  std::string said = response.status != 200 && error.ParseFromString(response.body)
                         ? " " + error.code() + ": " + error.message()
                         : "";
  return request.method + " " + request.path + " -> " + std::to_string(response.status) + said;
}

// True when `message` says "change <n>" (and not "change <n>0").
bool NamesChange(const std::string& message, uint32_t n) {
  const std::string label = "change " + std::to_string(n);
  for (size_t at = message.find(label); at != std::string::npos; at = message.find(label, at + 1)) {
    const size_t end = at + label.size();
    if (end == message.size() || !std::isdigit(static_cast<unsigned char>(message[end]))) return true;
  }
  return false;
}

// ErrorResponse.refused_change: 0, or on a push the 1-based position of a change of the request,
// the one the message names.
void CheckRefusedChange(const RouterRequest& request, const wire::ErrorResponse& error, const std::string& what) {
  const uint32_t culprit = error.refused_change();
  if (culprit == 0) return;
  wire::ChangeSet sent;
  FUZZ_CHECK(request.path == protocol::kPushPath && sent.ParseFromString(request.body),
             "refused_change on a request that is not a push: " + what);
  const size_t count = sent.changes_size() + wire_codec::GroupSize(sent.grouped());
  FUZZ_CHECK(culprit <= count,
             "refused_change " + std::to_string(culprit) + " past the " + std::to_string(count) + " changes sent: " + what);
  FUZZ_CHECK(NamesChange(error.message(), culprit),
             "refused_change " + std::to_string(culprit) + " is not the change the message names: " + what);
}

void CheckRefusal(const RouterRequest& request, const RouterResponse& response) {
  const std::string what = Describe(request, response);
  FUZZ_CHECK(response.status != 500 && response.status != 503,
             "a server error on a healthy store (the input should get a 4xx): " + what);
  wire::ErrorResponse error;
  FUZZ_CHECK(error.ParseFromString(response.body), "a refusal without an ErrorResponse body: " + what);
  FUZZ_CHECK(!error.message().empty(), "an ErrorResponse without a message: " + what);
  FUZZ_CHECK(error.protocol_version() == protocol::kVersion && error.server_hlc() != 0,
             "an ErrorResponse without protocol_version or server_hlc: " + what);
  FUZZ_CHECK(Header(response, "Content-Type") == protocol::kContentType, "an ErrorResponse not typed protobuf: " + what);
  auto known = std::find_if(std::begin(kErrorCodes), std::end(kErrorCodes),
                            [&](const ErrorCode& c) { return c.code == error.code(); });
  FUZZ_CHECK(known != std::end(kErrorCodes), "an error code docs/PROTOCOL.md does not list: " + what);
  FUZZ_CHECK(known->status == response.status, "an error code with another status than documented: " + what);
  FUZZ_CHECK(!known->only_on || request.path == known->only_on, "an error code on the wrong endpoint: " + what);
  CheckRefusedChange(request, error, what);
}

void CheckPush(const RouterRequest& request, const RouterResponse& response) {
  wire::ChangeSet sent;
  wire::PushResponse answer;
  FUZZ_CHECK(sent.ParseFromString(request.body), "a push that does not parse was accepted");
  FUZZ_CHECK(answer.ParseFromString(response.body), "a push answer that is not a PushResponse");
  const auto changes = ChangesOf(sent);
  FUZZ_CHECK(static_cast<size_t>(answer.results_size()) == changes.size(),
             std::to_string(answer.results_size()) + " results for " + std::to_string(changes.size()) + " changes");
  for (int i = 0; i < answer.results_size(); ++i) {
    const auto& r = answer.results(i);
    FUZZ_CHECK(r.device_seq() == changes[static_cast<size_t>(i)].device_seq(), "results are not in request order");
    FUZZ_CHECK(r.outcome() == wire::APPLIED || r.outcome() == wire::ALREADY_HAD,
               "an accepted push with outcome " + std::to_string(r.outcome()));
    FUZZ_CHECK(r.server_seq() != 0, "an applied change without a server_seq");
  }
}

void CheckPull(const RouterRequest& request, const RouterResponse& response) {
  wire::PullRequest asked;
  wire::PullResponse page;
  FUZZ_CHECK(asked.ParseFromString(request.body), "a pull that does not parse was answered");
  FUZZ_CHECK(page.ParseFromString(response.body), "a pull answer that is not a PullResponse");
  const uint32_t cap = asked.max_changes() == 0 ? protocol::kDefaultPullBatch
                                                : std::min(asked.max_changes(), protocol::kMaxPullBatch);
  const auto pulled = ChangesOf(page);
  FUZZ_CHECK(pulled.size() <= cap, "a pull page over its cap");
  uint64_t previous = asked.after_server_seq();
  for (const auto& c : pulled) {
    FUZZ_CHECK(c.server_seq() > previous, "pulled changes not in increasing server_seq after the cursor");
    previous = c.server_seq();
  }
  FUZZ_CHECK(page.next_cursor() >= previous, "next_cursor behind the changes it returned or the cursor sent");
  FUZZ_CHECK(!page.scope_fingerprint().empty(), "a pull page without scope_fingerprint");
}

void CheckSnapshot(const RouterRequest& request, const RouterResponse& response) {
  wire::SnapshotRequest asked;
  wire::SnapshotResponse page;
  FUZZ_CHECK(asked.ParseFromString(request.body), "a snapshot request that does not parse was answered");
  FUZZ_CHECK(page.ParseFromString(response.body), "a snapshot answer that is not a SnapshotResponse");
  const uint32_t cap = asked.max_fields() == 0 ? protocol::kMaxSnapshotPage
                                               : std::min(asked.max_fields(), protocol::kMaxSnapshotPage);
  FUZZ_CHECK(static_cast<uint32_t>(page.fields_size()) <= cap, "a snapshot page over its cap");
  FUZZ_CHECK(!page.scope_fingerprint().empty(), "a snapshot page without scope_fingerprint");
}

void CheckEnroll(const RouterResponse& response) {
  wire::EnrollResponse answer;
  FUZZ_CHECK(answer.ParseFromString(response.body), "an enrolment answer that is not an EnrollResponse");
  FUZZ_CHECK(!answer.device_token().empty() && !answer.user_name().empty() && !answer.role().empty(),
             "an enrolment answer without token, user or role");
}

}  // namespace

void CheckAnswer(const RouterRequest& request, const RouterResponse& response) {
  FUZZ_CHECK(response.status >= 200 && response.status <= 599, "status out of range: " + Describe(request, response));
  const std::string hlc = Header(response, protocol::kServerHlcHeader);
  FUZZ_CHECK(!hlc.empty() && hlc.find_first_not_of("0123456789") == std::string::npos && hlc != "0",
             "no server HLC header on " + Describe(request, response));
  if (response.status != 200) return CheckRefusal(request, response);
  FUZZ_CHECK(request.path == protocol::kHealthPath || request.method == "POST",
             "a POST endpoint accepted " + request.method);
  if (request.path == protocol::kHealthPath) return;
  FUZZ_CHECK(Header(response, "Content-Type") == protocol::kContentType, "an answer not typed protobuf");
  if (request.path == protocol::kPushPath) return CheckPush(request, response);
  if (request.path == protocol::kPullPath) return CheckPull(request, response);
  if (request.path == protocol::kSnapshotPath) return CheckSnapshot(request, response);
  if (request.path == protocol::kEnrollPath) return CheckEnroll(response);
  Fail("a known path", __FILE__, __LINE__, "200 for an unknown path " + request.path);
}

}  // namespace fieldsync::fuzz
