// Fuzz target server_request: the input is a script of up to eight requests (request_script.h) to
// every endpoint, as any team member, with or without token, protocol header or the right method;
// the server's state carries from one step to the next within an input (push then pull, resend,
// enrol then use the new token). An enrolment step gets a fresh valid code for its member unless
// it asks for none. Invariants: ServerFixture::Handle.
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>

#include "fieldsync.pb.h"
#include "fieldsync/protocol.h"
#include "request_script.h"
#include "server_fixture.h"

namespace fieldsync::fuzz {
namespace {

const char* PathOf(Endpoint e) {
  switch (e) {
    case Endpoint::kEnroll: return protocol::kEnrollPath;
    case Endpoint::kPush:
    case Endpoint::kPushDeclaredTooLarge: return protocol::kPushPath;
    case Endpoint::kPull:
    case Endpoint::kPullLowerCaseHeaders: return protocol::kPullPath;
    case Endpoint::kSnapshot: return protocol::kSnapshotPath;
    case Endpoint::kHealth: return protocol::kHealthPath;
    case Endpoint::kUnknownPath: break;
  }
  return "/v1/unknown";
}

// The enrolment body with a fresh code for `who`, when the body is an EnrollRequest at all.
std::string WithFreshCode(ServerFixture& server, const Step& step) {
  wire::EnrollRequest request;
  if ((step.flags & kNoCredentials) || !request.ParseFromString(step.body)) return step.body;
  request.set_enrollment_code(server.FreshEnrollmentCode(step.who));
  return request.SerializeAsString();
}

server::RouterRequest RequestFor(ServerFixture& server, const Step& step) {
  std::string body = step.endpoint == Endpoint::kEnroll ? WithFreshCode(server, step) : step.body;
  server::RouterRequest request = server.Post(step.who, PathOf(step.endpoint), std::move(body));
  const bool is_health = step.endpoint == Endpoint::kHealth;
  if (is_health) request.method = "GET";
  if (step.flags & kOtherMethod) request.method = is_health ? "POST" : "GET";
  if (step.flags & kNoCredentials) request.headers.erase("Authorization");
  if (step.flags & kWrongProtocol) request.headers[protocol::kVersionHeader] = "2";
  if (step.endpoint == Endpoint::kPushDeclaredTooLarge) {
    request.headers["Content-Length"] = std::to_string(server::RequestRouter::kBodyLimit + 1);
  }
  if (step.endpoint == Endpoint::kPullLowerCaseHeaders) {
    server::HeaderMap lower;
    for (const auto& [name, value] : request.headers) {
      std::string lowered = name;
      for (char& ch : lowered) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      lower.emplace(std::move(lowered), value);
    }
    request.headers = std::move(lower);
  }
  return request;
}

// A successful re-enrolment of a team member's own device replaces its token.
void RememberToken(ServerFixture& server, const Step& step, const server::RouterRequest& request,
                   const server::RouterResponse& response) {
  wire::EnrollRequest enrolled;
  wire::EnrollResponse answer;
  if (step.endpoint != Endpoint::kEnroll || response.status != 200) return;
  if (!enrolled.ParseFromString(request.body) || !answer.ParseFromString(response.body)) return;
  if (enrolled.device_id() == kTeam[step.who].device_id) server.SetToken(step.who, answer.device_token());
}

}  // namespace
}  // namespace fieldsync::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace fieldsync::fuzz;
  auto& server = ServerFixture::Get();
  server.StartInput();
  for (const Step& step : DecodeScript(data, size)) {
    auto request = RequestFor(server, step);
    auto response = server.Handle(request);
    RememberToken(server, step, request, response);
  }
  return 0;
}
