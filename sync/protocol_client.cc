#include "protocol_client.h"

#include <algorithm>
#include <thread>

#include "fieldsync/body_compression.h"
#include "fieldsync/protocol.h"

namespace fieldsync {
namespace {

// Pull and snapshot pages are bounded by count (S10); this only stops a hostile or broken server.
constexpr size_t kMaxAnswerBytes = 256u * 1024 * 1024;

}  // namespace

ProtocolClient::ProtocolClient(HttpTransport& transport, const SyncOptions& options, std::string token)
    : transport_(transport),
      options_(options),
      token_(std::move(token)),
      rng_(options.jitter_seed ? options.jitter_seed : std::random_device{}()) {}

Status ProtocolClient::DecodeAnswer(const std::string& path, HttpResponse& answer) {
  // Every answer of a server that takes compressed requests says so; one that does not (an older
  // server, a gateway's error page) switches compression off again.
  const auto* accepts = FindHeader(answer.headers, "Accept-Encoding");
  compress_requests_ = accepts && body::ListsZstd(*accepts);
  const auto* encoding = FindHeader(answer.headers, "Content-Encoding");
  if (!encoding || encoding->empty() || *encoding == "identity") return Status::Ok();
  if (!body::ListsZstd(*encoding)) {
    return Status::Unavailable("the server's answer to " + path + " came encoded as '" + *encoding +
                               "', which this app cannot read; a proxy may be rewriting it");
  }
  auto raw = body::Decompress(answer.body, kMaxAnswerBytes);
  if (!raw.ok()) {
    return Status::Unavailable("the server's answer to " + path + " could not be decompressed (" +
                               raw.status().message() + "); try again");
  }
  answer.body = std::move(raw).value();
  return Status::Ok();
}

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
  req.headers["Accept-Encoding"] = body::kZstd;
  if (compress_requests_ && req.body.size() >= body::kMinCompressBytes) {
    req.body = body::Compress(req.body);
    req.headers["Content-Encoding"] = body::kZstd;
  }

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
    if (Status decoded = DecodeAnswer(path, *answer); !decoded.ok()) {
      last = decoded;
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
