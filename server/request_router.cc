#include "fieldsync/server/request_router.h"

#include <cctype>
#include <exception>
#include <optional>

#include "fieldsync.pb.h"
#include "fieldsync/body_compression.h"
#include "fieldsync/protocol.h"
#include "fieldsync/wire_codec.h"
#include "store_errors.h"

namespace fieldsync::server {
namespace {

// A request the server answers with an ErrorResponse.
struct Refusal {
  int status;
  std::string code;
  std::string message;
  size_t refused_change = 0;  // a push refused because of this change (1-based), see ErrorResponse
};

enum class Endpoint { kEnroll, kPush, kPull, kSnapshot };

// Service errors to HTTP answers (sync_service.h lists the codes; every code is in
// docs/PROTOCOL.md).
Refusal RefusalFor(const Status& s, Endpoint endpoint) {
  switch (s.code()) {
    case StatusCode::kUnauthenticated: return {401, "unauthenticated", s.message()};
    case StatusCode::kPermissionDenied:
      return {403, endpoint == Endpoint::kEnroll ? "enrollment_code_invalid" : "forbidden", s.message()};
    case StatusCode::kInvalidArgument:
      return {400, endpoint == Endpoint::kPush ? "invalid_change" : "invalid_request", s.message()};
    case StatusCode::kFailedPrecondition:
      if (endpoint == Endpoint::kPush) return {400, "clock_ahead", s.message()};
      if (endpoint == Endpoint::kPull) return {410, "resync_required", s.message()};
      return {400, "invalid_request", s.message()};  // a snapshot page token that no longer applies
    case StatusCode::kAlreadyExists:
      // Enrol: the device id is another user's. Push: a device sequence reused with other content.
      return {409, endpoint == Endpoint::kEnroll ? "device_taken" : "sequence_reused", s.message()};
    case StatusCode::kNotFound: return {404, "not_found", s.message()};
    case StatusCode::kResourceExhausted: return {429, "too_many_attempts", s.message()};
    default:
      if (IsRetryableStoreError(s)) {
        return {503, "unavailable", "the server is busy (" + s.message() + "); retry later"};
      }
      return {500, "internal", "the server failed (" + s.message() + "); tell the administrator — the tablet "
                               "keeps its changes"};
  }
}

Refusal UnsupportedProtocol(const std::string& got) {
  return {426, "unsupported_protocol",
          "this server speaks fieldsync protocol version " + std::to_string(protocol::kVersion) + " and the request " +
              (got.empty() ? "names no version" : "uses version " + got) + "; update fieldsync on the tablet"};
}

Refusal TooLarge() {
  return {413, "too_large",
          "the request body is larger than " + std::to_string(protocol::kMaxBodyBytes / (1024 * 1024)) +
              " MiB; send fewer changes per request"};
}

std::string Header(const HeaderMap& headers, std::string_view name) {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

// Builds responses; every one carries the server's HLC.
class Responder {
 public:
  // `without_waiting`: stamp with the last timestamp handed out instead of waiting for the
  // service's lock (held through a whole push) for a fresh one.
  explicit Responder(SyncService& service, bool without_waiting = false)
      : service_(service), without_waiting_(without_waiting) {}

  RouterResponse Proto(int status, const google::protobuf::MessageLite& message) {
    RouterResponse r;
    r.status = status;
    r.body = message.SerializeAsString();
    r.headers["Content-Type"] = protocol::kContentType;
    return Stamp(std::move(r));
  }

  RouterResponse Text(int status, std::string text) {
    RouterResponse r;
    r.status = status;
    r.body = std::move(text);
    r.headers["Content-Type"] = "text/plain; charset=utf-8";
    return Stamp(std::move(r));
  }

  RouterResponse Refuse(const Refusal& refusal) {
    wire::ErrorResponse error;
    error.set_protocol_version(protocol::kVersion);
    error.set_server_hlc(Hlc());
    error.set_code(refusal.code);
    error.set_message(refusal.message);
    error.set_refused_change(static_cast<uint32_t>(refusal.refused_change));
    return Proto(refusal.status, error);
  }

  // A fresh server HLC for a response message's server_hlc field.
  uint64_t Hlc() { return (without_waiting_ ? service_.LastServerHlc() : service_.ServerHlc()).Pack(); }

 private:
  RouterResponse Stamp(RouterResponse r) {
    r.headers[protocol::kServerHlcHeader] = std::to_string(Hlc());
    r.headers["Accept-Encoding"] = body::kZstd;  // RFC 7694: requests may come compressed
    return r;
  }
  SyncService& service_;
  bool without_waiting_;
};

// Points `*body` at the request body with its Content-Encoding undone: `raw` itself, or (zstd)
// `*decoded`, at most kMaxBodyBytes once decompressed so that a small compressed body cannot
// become a huge one (S11).
std::optional<Refusal> DecodeBody(const std::string& encoding, const std::string& raw, std::string* decoded,
                                  const std::string** body) {
  *body = &raw;
  if (encoding.empty() || encoding == "identity") return std::nullopt;
  if (!body::ListsZstd(encoding) || encoding.find(',') != std::string::npos) {
    return Refusal{415, "unsupported_media_type",
                   "the request body is encoded as '" + encoding + "'; send it as it is or as zstd (docs/PROTOCOL.md)"};
  }
  auto plain = body::Decompress(raw, protocol::kMaxBodyBytes);
  if (plain.ok()) {
    *decoded = std::move(plain).value();
    *body = decoded;
    return std::nullopt;
  }
  if (plain.status().code() == StatusCode::kResourceExhausted) return TooLarge();
  return Refusal{400, "malformed", "the request body is not valid zstd data; update fieldsync on the tablet"};
}

// Compresses a protobuf answer for a client that asked for zstd (pull and snapshot pages are most
// of a sync's bytes).
void CompressIfAccepted(const HeaderMap& request_headers, RouterResponse& response) {
  if (response.body.size() < body::kMinCompressBytes || !body::ListsZstd(Header(request_headers, "Accept-Encoding")) ||
      Header(response.headers, "Content-Type") != protocol::kContentType) {
    return;
  }
  response.body = body::Compress(response.body);
  response.headers["Content-Encoding"] = body::kZstd;
}

// Parses the body into `message`; a 400 malformed refusal when it does not parse.
std::optional<Refusal> Parse(const std::string& body, google::protobuf::MessageLite& message, const char* name) {
  if (message.ParseFromString(body)) return std::nullopt;
  return Refusal{400, "malformed",
                 std::string("the request body is not a valid ") + name + " message; update fieldsync on the tablet"};
}

// The message's protocol_version must be ours too; 426 otherwise.
std::optional<Refusal> CheckVersion(uint32_t version) {
  if (version == protocol::kVersion) return std::nullopt;
  return UnsupportedProtocol(version == 0 ? "" : std::to_string(version));
}

// Only protobuf bodies: "application/x-protobuf", in any case, parameters allowed.
std::optional<Refusal> CheckContentType(const std::string& content_type) {
  std::string type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  for (char& ch : type) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (type == protocol::kContentType) return std::nullopt;
  return Refusal{415, "unsupported_media_type",
                 "the request body must be " + std::string(protocol::kContentType) + ", not '" +
                     (content_type.empty() ? "(no Content-Type)" : content_type) +
                     "'; this endpoint is for fieldsync tablets (docs/PROTOCOL.md)"};
}

RouterResponse Enroll(SyncService& service, Responder& out, const RouterRequest& req, const std::string& body) {
  wire::EnrollRequest in;
  if (auto r = Parse(body, in, "EnrollRequest")) return out.Refuse(*r);
  if (auto r = CheckVersion(in.protocol_version())) return out.Refuse(*r);
  auto result = service.Enroll(in.enrollment_code(), in.device_id(), in.device_name(), in.expected_user(),
                               req.remote_address);
  if (!result.ok()) return out.Refuse(RefusalFor(result.status(), Endpoint::kEnroll));
  wire::EnrollResponse resp;
  resp.set_protocol_version(protocol::kVersion);
  resp.set_server_hlc(out.Hlc());
  resp.set_device_token(result->device_token);
  resp.set_user_name(result->user_name);
  resp.set_role(domain::RoleCode(result->role));
  return out.Proto(200, resp);
}

RouterResponse Push(SyncService& service, Responder& out, const Session& session, const std::string& body) {
  wire::ChangeSet in;
  if (auto r = Parse(body, in, "ChangeSet")) return out.Refuse(*r);
  if (auto r = CheckVersion(in.protocol_version())) return out.Refuse(*r);
  if (in.changes_size() > 0 && in.has_grouped()) {
    return out.Refuse({400, "malformed", "a push carries its changes as a list or as a group, not both; nothing was applied"});
  }
  const size_t count = in.has_grouped() ? wire_codec::GroupSize(in.grouped()) : static_cast<size_t>(in.changes_size());
  if (count > protocol::kMaxChangesPerPush) {
    return out.Refuse({413, "too_many_changes",
                       "a push may carry at most " + std::to_string(protocol::kMaxChangesPerPush) + " changes, not " +
                           std::to_string(count) + "; send smaller batches"});
  }
  auto invalid = [&](size_t position, const Status& s) {
    return out.Refuse({400, "invalid_change",
                       "change " + std::to_string(position) + ": " + s.message() + "; nothing was applied", position});
  };
  std::vector<Change> changes;
  if (in.has_grouped()) {
    size_t bad_position = 0;
    auto decoded = wire_codec::FromGroup(in.grouped(), &bad_position);
    if (!decoded.ok()) return invalid(bad_position, decoded.status());
    changes = std::move(decoded).value();
  }
  changes.reserve(count);
  for (int i = 0; i < in.changes_size(); ++i) {
    auto c = wire_codec::FromWire(in.changes(i));
    if (!c.ok()) return invalid(static_cast<size_t>(i) + 1, c.status());
    changes.push_back(std::move(c).value());
  }
  if (Status s = service.CheckDevice(session, in.device_id(), changes); !s.ok()) {
    size_t culprit = 0;  // the batch's own device id is wrong unless one change names another device
    if (in.device_id() == session.device_id) {
      while (culprit < changes.size() && changes[culprit].device_id == session.device_id) ++culprit;
      ++culprit;
    }
    return out.Refuse({403, "wrong_device", s.message(), culprit});
  }
  size_t refused_change = 0;
  auto result = service.Push(session, in.device_id(), std::move(changes), &refused_change);
  if (!result.ok()) {
    Refusal refusal = RefusalFor(result.status(), Endpoint::kPush);
    refusal.refused_change = refused_change;
    return out.Refuse(refusal);
  }
  wire::PushResponse resp;
  resp.set_protocol_version(protocol::kVersion);
  for (const auto& r : result->results) {
    auto* w = resp.add_results();
    w->set_device_seq(r.device_seq);
    w->set_outcome(r.outcome == ApplyOutcome::kApplied ? wire::APPLIED : wire::ALREADY_HAD);
    w->set_server_seq(r.server_seq);
  }
  resp.set_server_hlc(out.Hlc());
  return out.Proto(200, resp);
}

RouterResponse Pull(SyncService& service, Responder& out, const Session& session, const std::string& body) {
  wire::PullRequest in;
  if (auto r = Parse(body, in, "PullRequest")) return out.Refuse(*r);
  if (auto r = CheckVersion(in.protocol_version())) return out.Refuse(*r);
  auto result = service.Pull(session, in.after_server_seq(), in.max_changes(), in.own_changes_through());
  if (!result.ok()) return out.Refuse(RefusalFor(result.status(), Endpoint::kPull));
  wire::PullResponse resp;
  resp.set_protocol_version(protocol::kVersion);
  if (in.accept_grouped()) {
    wire_codec::ToGroup(result->changes, resp.mutable_grouped());
  } else {
    for (const auto& c : result->changes) wire_codec::ToWire(c, resp.add_changes());
  }
  resp.set_accepts_grouped_push(true);
  resp.set_next_cursor(result->next_cursor);
  resp.set_has_more(result->has_more);
  resp.set_scope_fingerprint(result->scope_fingerprint);
  resp.set_server_hlc(out.Hlc());
  return out.Proto(200, resp);
}

RouterResponse Snapshot(SyncService& service, Responder& out, const Session& session, const std::string& body) {
  wire::SnapshotRequest in;
  if (auto r = Parse(body, in, "SnapshotRequest")) return out.Refuse(*r);
  if (auto r = CheckVersion(in.protocol_version())) return out.Refuse(*r);
  auto result = service.Snapshot(session, in.page_token(), in.max_fields());
  if (!result.ok()) return out.Refuse(RefusalFor(result.status(), Endpoint::kSnapshot));
  wire::SnapshotResponse resp;
  resp.set_protocol_version(protocol::kVersion);
  for (const auto& c : result->fields) wire_codec::ToWire(c, resp.add_fields());
  resp.set_as_of_server_seq(result->as_of_server_seq);
  resp.set_next_page_token(result->next_page_token);
  resp.set_scope_fingerprint(result->scope_fingerprint);
  resp.set_server_hlc(out.Hlc());
  return out.Proto(200, resp);
}

}  // namespace

bool HeaderNameLess::operator()(std::string_view a, std::string_view b) const {
  const size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    int x = std::tolower(static_cast<unsigned char>(a[i]));
    int y = std::tolower(static_cast<unsigned char>(b[i]));
    if (x != y) return x < y;
  }
  return a.size() < b.size();
}

bool RequestRouter::DeclaredTooLarge(const HeaderMap& headers) {
  const std::string length = Header(headers, "Content-Length");
  if (length.empty() || length.find_first_not_of("0123456789") != std::string::npos) return false;
  if (length.size() > 18) return true;
  return std::stoull(length) > kBodyLimit;
}

bool RequestRouter::LengthUnknown(const HeaderMap& headers) { return !Header(headers, "Transfer-Encoding").empty(); }

RouterResponse RequestRouter::Busy(size_t waiting) {
  // Without waiting for the service: it is busy precisely when this is answered.
  RouterResponse r = Responder(service_, /*without_waiting=*/true).Refuse(
      {503, "unavailable", "the server is busy (" + std::to_string(waiting) + " requests are waiting); retry later"});
  r.headers["Retry-After"] = "1";
  return r;
}

RouterResponse RequestRouter::Handle(const RouterRequest& request) {
  try {
    RouterResponse response = Dispatch(request);
    CompressIfAccepted(request.headers, response);
    return response;
  } catch (const std::exception& e) {
    try {
      return Responder(service_).Refuse({500, "internal", std::string("the server failed (") + e.what() +
                                                              "); retry later"});
    } catch (...) {
    }
  } catch (...) {
    try {
      return Responder(service_).Refuse({500, "internal", "the server failed; retry later"});
    } catch (...) {
    }
  }
  RouterResponse last_resort;  // even the error answer failed (e.g. out of memory)
  last_resort.status = 500;
  return last_resort;
}

RouterResponse RequestRouter::Dispatch(const RouterRequest& req) {
  Responder out(service_);
  const std::string& path = req.path;
  if (LengthUnknown(req.headers)) {
    return out.Refuse({411, "length_required",
                       "send the request body with a Content-Length header; bodies of unknown length (chunked) "
                       "are not accepted"});
  }
  if (web_ && !path.starts_with("/v1/")) return web_->Handle(req);
  if (path == protocol::kHealthPath) {
    if (req.method != "GET" && req.method != "HEAD") return out.Refuse({405, "method_not_allowed", "use GET " + path});
    return out.Text(200, "ok");
  }
  std::optional<Endpoint> endpoint;
  if (path == protocol::kEnrollPath) endpoint = Endpoint::kEnroll;
  if (path == protocol::kPushPath) endpoint = Endpoint::kPush;
  if (path == protocol::kPullPath) endpoint = Endpoint::kPull;
  if (path == protocol::kSnapshotPath) endpoint = Endpoint::kSnapshot;
  if (!endpoint) return out.Refuse({404, "not_found", "no endpoint " + path + "; see docs/PROTOCOL.md"});
  if (req.method != "POST") {
    return out.Refuse({405, "method_not_allowed", req.method + " is not allowed here: use POST " + path +
                                                      " (docs/PROTOCOL.md)"});
  }

  const std::string version = Header(req.headers, protocol::kVersionHeader);
  if (version != std::to_string(protocol::kVersion)) return out.Refuse(UnsupportedProtocol(version));

  std::optional<Session> session;
  if (*endpoint != Endpoint::kEnroll) {
    const std::string auth = Header(req.headers, "Authorization");
    const std::string token = auth.starts_with("Bearer ") ? auth.substr(7) : std::string();
    auto s = service_.Authenticate(token);
    if (!s.ok()) return out.Refuse(RefusalFor(s.status(), *endpoint));
    session = std::move(s).value();
  }
  if (DeclaredTooLarge(req.headers) || req.body.size() > kBodyLimit) return out.Refuse(TooLarge());
  if (auto r = CheckContentType(Header(req.headers, "Content-Type"))) return out.Refuse(*r);
  std::string decoded;
  const std::string* body = nullptr;
  if (auto r = DecodeBody(Header(req.headers, "Content-Encoding"), req.body, &decoded, &body)) return out.Refuse(*r);
  switch (*endpoint) {
    case Endpoint::kEnroll: return Enroll(service_, out, req, *body);
    case Endpoint::kPush: return Push(service_, out, *session, *body);
    case Endpoint::kPull: return Pull(service_, out, *session, *body);
    case Endpoint::kSnapshot: return Snapshot(service_, out, *session, *body);
  }
  return out.Refuse({500, "internal", "unhandled endpoint; tell the administrator"});
}

}  // namespace fieldsync::server
