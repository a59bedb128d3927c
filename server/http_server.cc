#include "fieldsync/server/http_server.h"

#include <cpprest/http_listener.h>

#include <cstdio>
#include <exception>
#include <optional>

#include "fieldsync.pb.h"
#include "fieldsync/protocol.h"
#include "fieldsync/wire_codec.h"

namespace fieldsync::server {
namespace {

namespace http = web::http;
using http::http_request;
using http::http_response;
using http::methods;
using http::status_code;

// A request the server answers with an ErrorResponse.
struct Refusal {
  status_code status;
  std::string code;
  std::string message;
};

enum class Endpoint { kEnroll, kPush, kPull, kSnapshot };

// Service errors to HTTP answers (sync_service.h lists the codes).
Refusal RefusalFor(const Status& s, Endpoint endpoint) {
  switch (s.code()) {
    case StatusCode::kUnauthenticated: return {401, "unauthenticated", s.message()};
    case StatusCode::kPermissionDenied:
      return {403, endpoint == Endpoint::kEnroll ? "enrollment_code_invalid" : "forbidden", s.message()};
    case StatusCode::kInvalidArgument:
      return {400, endpoint == Endpoint::kPush ? "invalid_change" : "invalid_request", s.message()};
    case StatusCode::kFailedPrecondition:
      return {400, endpoint == Endpoint::kPush ? "clock_ahead" : "failed_precondition", s.message()};
    case StatusCode::kAlreadyExists:
      return {409, endpoint == Endpoint::kEnroll ? "device_taken" : "already_exists", s.message()};
    case StatusCode::kNotFound: return {404, "not_found", s.message()};
    case StatusCode::kUnavailable:
    case StatusCode::kIoError:
      return {503, "unavailable", "the server could not complete the request (" + s.message() + "); retry later"};
    default:
      return {500, "internal", "the server failed (" + s.message() + "); retry later, and tell the administrator"};
  }
}

std::string Header(const http_request& req, const std::string& name) {
  auto it = req.headers().find(name);
  return it == req.headers().end() ? std::string() : it->second;
}

}  // namespace

class HttpServer::Impl {
 public:
  Impl(SyncService& service, const std::string& url) : service_(service), listener_(url) {}

  Status Open() {
    listener_.support([this](http_request req) { Handle(std::move(req)); });
    try {
      listener_.open().wait();
    } catch (const std::exception& e) {
      return Status::Unavailable(std::string("cannot listen on ") + listener_.uri().to_string() + ": " + e.what() +
                                 "; choose another --listen address or port");
    }
    open_ = true;
    return Status::Ok();
  }

  void Close() {
    if (!open_) return;
    open_ = false;
    try {
      listener_.close().wait();
    } catch (...) {
    }
  }

 private:
  void Handle(http_request req) {
    try {
      Dispatch(req);
    } catch (const std::exception& e) {
      SafeRefuse(req, {500, "internal", std::string("the server failed (") + e.what() + "); retry later"});
    } catch (...) {
      SafeRefuse(req, {500, "internal", "the server failed; retry later"});
    }
  }

  void SafeRefuse(http_request& req, const Refusal& r) {
    try {
      Refuse(req, r);
    } catch (...) {
    }
  }

  void Send(http_request& req, http_response& resp) {
    resp.headers().add(protocol::kServerHlcHeader, std::to_string(service_.ServerHlc().Pack()));
    req.reply(resp).then([](pplx::task<void> t) {
      try {
        t.get();
      } catch (...) {  // the client went away; nothing to do
      }
    });
  }

  void SendProto(http_request& req, status_code status, const google::protobuf::MessageLite& message) {
    http_response resp(status);
    resp.set_body(message.SerializeAsString(), protocol::kContentType);
    Send(req, resp);
  }

  void Refuse(http_request& req, const Refusal& r) {
    wire::ErrorResponse error;
    error.set_protocol_version(protocol::kVersion);
    error.set_server_hlc(service_.ServerHlc().Pack());
    error.set_code(r.code);
    error.set_message(r.message);
    SendProto(req, r.status, error);
  }

  static Refusal UnsupportedProtocol(const std::string& got) {
    return {426, "unsupported_protocol",
            "this server speaks fieldsync protocol version " + std::to_string(protocol::kVersion) + " and the request " +
                (got.empty() ? "names no version" : "uses version " + got) + "; update fieldsync on the tablet"};
  }

  // Reads at most kMaxBodyBytes; nullopt (after answering 413) when the body is larger.
  std::optional<std::string> ReadBody(http_request& req) {
    Refusal too_large{413, "too_large",
                      "the request body is larger than " + std::to_string(protocol::kMaxBodyBytes / (1024 * 1024)) +
                          " MiB; send fewer changes per request"};
    if (req.headers().has(http::header_names::content_length) &&
        req.headers().content_length() > protocol::kMaxBodyBytes) {
      Refuse(req, too_large);
      return std::nullopt;
    }
    std::string body;
    auto buffer = req.body().streambuf();
    std::vector<uint8_t> chunk(64 * 1024);
    while (true) {
      size_t n = buffer.getn(chunk.data(), chunk.size()).get();
      if (n == 0) break;
      body.append(reinterpret_cast<const char*>(chunk.data()), n);
      if (body.size() > protocol::kMaxBodyBytes) {
        Refuse(req, too_large);
        return std::nullopt;
      }
    }
    return body;
  }

  // Parses the body into `message`; answers 400 malformed and returns false when it does not parse.
  bool Parse(http_request& req, const std::string& body, google::protobuf::MessageLite& message, const char* name) {
    if (message.ParseFromString(body)) return true;
    Refuse(req, {400, "malformed", std::string("the request body is not a valid ") + name +
                                       " message; update fieldsync on the tablet"});
    return false;
  }

  void Dispatch(http_request& req) {
    const std::string path = req.relative_uri().path();
    const auto method = req.method();
    if (path == protocol::kHealthPath) {
      if (method != methods::GET && method != methods::HEAD) {
        return Refuse(req, {405, "method_not_allowed", "use GET " + path});
      }
      http_response resp(200);
      resp.set_body(std::string("ok"), "text/plain; charset=utf-8");
      return Send(req, resp);
    }
    std::optional<Endpoint> endpoint;
    if (path == protocol::kEnrollPath) endpoint = Endpoint::kEnroll;
    if (path == protocol::kPushPath) endpoint = Endpoint::kPush;
    if (path == protocol::kPullPath) endpoint = Endpoint::kPull;
    if (path == protocol::kSnapshotPath) endpoint = Endpoint::kSnapshot;
    if (!endpoint) return Refuse(req, {404, "not_found", "no endpoint " + path + "; see docs/PROTOCOL.md"});
    if (method != methods::POST) return Refuse(req, {405, "method_not_allowed", "use POST " + path});

    const std::string version = Header(req, protocol::kVersionHeader);
    if (version != std::to_string(protocol::kVersion)) return Refuse(req, UnsupportedProtocol(version));

    std::optional<Session> session;
    if (*endpoint != Endpoint::kEnroll) {
      std::string auth = Header(req, http::header_names::authorization);
      std::string token = auth.starts_with("Bearer ") ? auth.substr(7) : std::string();
      auto s = service_.Authenticate(token);
      if (!s.ok()) return Refuse(req, RefusalFor(s.status(), *endpoint));
      session = std::move(s).value();
    }
    auto body = ReadBody(req);
    if (!body) return;
    switch (*endpoint) {
      case Endpoint::kEnroll: return Enroll(req, *body);
      case Endpoint::kPush: return Push(req, *session, *body);
      case Endpoint::kPull: return Pull(req, *session, *body);
      case Endpoint::kSnapshot: return Snapshot(req, *session, *body);
    }
  }

  // The message's protocol_version must be ours too; answers 426 otherwise.
  bool CheckVersion(http_request& req, uint32_t version) {
    if (version == protocol::kVersion) return true;
    Refuse(req, UnsupportedProtocol(version == 0 ? "" : std::to_string(version)));
    return false;
  }

  void Enroll(http_request& req, const std::string& body) {
    wire::EnrollRequest in;
    if (!Parse(req, body, in, "EnrollRequest") || !CheckVersion(req, in.protocol_version())) return;
    auto result = service_.Enroll(in.enrollment_code(), in.device_id(), in.device_name());
    if (!result.ok()) return Refuse(req, RefusalFor(result.status(), Endpoint::kEnroll));
    wire::EnrollResponse out;
    out.set_protocol_version(protocol::kVersion);
    out.set_server_hlc(service_.ServerHlc().Pack());
    out.set_device_token(result->device_token);
    out.set_user_name(result->user_name);
    out.set_role(domain::RoleCode(result->role));
    SendProto(req, 200, out);
  }

  void Push(http_request& req, const Session& session, const std::string& body) {
    wire::ChangeSet in;
    if (!Parse(req, body, in, "ChangeSet") || !CheckVersion(req, in.protocol_version())) return;
    if (static_cast<size_t>(in.changes_size()) > protocol::kMaxChangesPerPush) {
      return Refuse(req, {413, "too_many_changes",
                          "a push may carry at most " + std::to_string(protocol::kMaxChangesPerPush) + " changes, not " +
                              std::to_string(in.changes_size()) + "; send smaller batches"});
    }
    std::vector<Change> changes;
    changes.reserve(static_cast<size_t>(in.changes_size()));
    for (int i = 0; i < in.changes_size(); ++i) {
      auto c = wire_codec::FromWire(in.changes(i));
      if (!c.ok()) {
        return Refuse(req, {400, "invalid_change",
                            "change " + std::to_string(i + 1) + ": " + c.status().message() + "; nothing was applied"});
      }
      changes.push_back(std::move(c).value());
    }
    if (Status s = service_.CheckDevice(session, in.device_id(), changes); !s.ok()) {
      return Refuse(req, {403, "wrong_device", s.message()});
    }
    auto result = service_.Push(session, in.device_id(), std::move(changes));
    if (!result.ok()) return Refuse(req, RefusalFor(result.status(), Endpoint::kPush));
    wire::PushResponse out;
    out.set_protocol_version(protocol::kVersion);
    for (const auto& r : result->results) {
      auto* w = out.add_results();
      w->set_device_seq(r.device_seq);
      w->set_outcome(r.outcome == ApplyOutcome::kApplied ? wire::APPLIED : wire::ALREADY_HAD);
      w->set_server_seq(r.server_seq);
    }
    out.set_server_hlc(service_.ServerHlc().Pack());
    SendProto(req, 200, out);
  }

  void Pull(http_request& req, const Session& session, const std::string& body) {
    wire::PullRequest in;
    if (!Parse(req, body, in, "PullRequest") || !CheckVersion(req, in.protocol_version())) return;
    auto result = service_.Pull(session, in.after_server_seq(), in.max_changes());
    if (!result.ok()) return Refuse(req, RefusalFor(result.status(), Endpoint::kPull));
    wire::PullResponse out;
    out.set_protocol_version(protocol::kVersion);
    for (const auto& c : result->changes) wire_codec::ToWire(c, out.add_changes());
    out.set_next_cursor(result->next_cursor);
    out.set_has_more(result->has_more);
    out.set_scope_fingerprint(result->scope_fingerprint);
    out.set_server_hlc(service_.ServerHlc().Pack());
    SendProto(req, 200, out);
  }

  void Snapshot(http_request& req, const Session& session, const std::string& body) {
    wire::SnapshotRequest in;
    if (!Parse(req, body, in, "SnapshotRequest") || !CheckVersion(req, in.protocol_version())) return;
    auto result = service_.Snapshot(session, in.page_token(), in.max_fields());
    if (!result.ok()) return Refuse(req, RefusalFor(result.status(), Endpoint::kSnapshot));
    wire::SnapshotResponse out;
    out.set_protocol_version(protocol::kVersion);
    for (const auto& c : result->fields) wire_codec::ToWire(c, out.add_fields());
    out.set_as_of_server_seq(result->as_of_server_seq);
    out.set_next_page_token(result->next_page_token);
    out.set_scope_fingerprint(result->scope_fingerprint);
    out.set_server_hlc(service_.ServerHlc().Pack());
    SendProto(req, 200, out);
  }

  SyncService& service_;
  http::experimental::listener::http_listener listener_;
  bool open_ = false;
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpServer::~HttpServer() { Stop(); }

Result<std::unique_ptr<HttpServer>> HttpServer::Start(SyncService& service, const std::string& host, uint16_t port) {
  std::string url = "http://" + host + ":" + std::to_string(port) + "/";
  std::unique_ptr<Impl> impl;
  try {
    impl = std::make_unique<Impl>(service, url);
  } catch (const std::exception& e) {
    return Status::InvalidArgument("cannot listen on " + url + " (" + e.what() + "); use --listen HOST:PORT");
  }
  FS_RETURN_IF_ERROR(impl->Open());
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

void HttpServer::Stop() {
  if (impl_) impl_->Close();
}

}  // namespace fieldsync::server
