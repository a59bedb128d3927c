#include "protocol_client.h"

#include <algorithm>
#include <thread>

#include "fieldsync/protocol.h"

namespace fieldsync {

ProtocolClient::ProtocolClient(HttpTransport& transport, const SyncOptions& options, std::string token)
    : transport_(transport),
      options_(options),
      token_(std::move(token)),
      rng_(options.jitter_seed ? options.jitter_seed : std::random_device{}()) {}

void ProtocolClient::Backoff(int attempt) {
  // Full jitter: a random wait in [0, min(max, initial * 2^attempt)] so that tablets coming back
  // online together do not retry in lockstep.
  auto cap = std::min<int64_t>(options_.max_backoff.count(), options_.initial_backoff.count() << std::min(attempt, 20));
  std::uniform_int_distribution<int64_t> wait(0, std::max<int64_t>(cap, 1));
  std::this_thread::sleep_for(std::chrono::milliseconds(wait(rng_)));
}

Status ProtocolClient::StatusFromAnswer(const std::string& path, const HttpResponse& answer) {
  wire::ErrorResponse error;
  const bool parsed = error.ParseFromString(answer.body);
  last_error_code_ = parsed ? error.code() : "";
  last_refused_change_ = parsed ? error.refused_change() : 0;
  std::string said = parsed && !error.message().empty() ? error.message() : "HTTP " + std::to_string(answer.status);
  last_error_message_ = said;
  switch (answer.status) {
    case 401:
      return Status::Unauthenticated("the server does not accept this device (" + said +
                                     "); ask the secretariat for a new code and run `fieldsync enroll`");
    case 403: return Status::PermissionDenied("the server refused " + path + ": " + said);
    case 426: return Status::FailedPrecondition(said);
    case 429: return Status::ResourceExhausted(said);
    case 410: return Status::FailedPrecondition("the server needs this tablet to re-sync its state: " + said);
    default:
      if (answer.status >= 500) return Status::Unavailable("the server failed on " + path + ": " + said);
      return Status::InvalidArgument("the server refused " + path + ": " + said);
  }
}

Status ProtocolClient::Call(const std::string& path, const google::protobuf::MessageLite& request,
                            google::protobuf::MessageLite* response) {
  HttpRequest req;
  req.path = path;
  req.timeout = options_.request_timeout;
  req.headers["Content-Type"] = protocol::kContentType;
  req.headers[protocol::kVersionHeader] = std::to_string(protocol::kVersion);
  if (!token_.empty()) req.headers["Authorization"] = "Bearer " + token_;
  if (!request.SerializeToString(&req.body)) return Status::Internal("cannot encode the request for " + path);

  Status last;
  last_error_code_.clear();
  last_error_message_.clear();
  last_refused_change_ = 0;
  for (int attempt = 0; attempt < std::max(options_.max_attempts, 1); ++attempt) {
    if (attempt > 0) {
      ++retries_;
      Backoff(attempt - 1);
    }
    auto answer = transport_.Send(req);
    if (!answer.ok()) {
      last = answer.status();
      if (last.code() != StatusCode::kUnavailable) return last;
      continue;
    }
    // Retry what may pass later (busy store, gateway, rate limit); a 500 is a server fault that the
    // same request would hit again.
    if (answer->status == 503 || answer->status == 502 || answer->status == 504 || answer->status == 429) {
      last = StatusFromAnswer(path, *answer);
      continue;
    }
    if (answer->status != 200) return StatusFromAnswer(path, *answer);
    if (!response->ParseFromString(answer->body)) {
      return Status::Unavailable("the server's answer to " + path + " could not be read; try again");
    }
    return Status::Ok();
  }
  if (last.code() == StatusCode::kResourceExhausted) return last;  // "wait N minutes" says it all
  return Status::Unavailable(last.message() + " — gave up after " + std::to_string(options_.max_attempts) +
                             " attempts; your changes are safe on this tablet and go out at the next sync");
}

}  // namespace fieldsync
