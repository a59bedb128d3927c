// HttpServer: a thin cpprest adapter over RequestRouter. It turns an http_request into a
// RouterRequest (reading at most just over the body limit), and the RouterResponse back into an
// http_response; every rule of the protocol lives in request_router.cc.
#include "fieldsync/server/http_server.h"

#include <cpprest/http_listener.h>

#include <exception>

#include "fieldsync/server/request_router.h"

namespace fieldsync::server {
namespace {

namespace http = web::http;
using http::http_request;
using http::http_response;

// Reads the body, stopping once it holds more than the router's limit (the router answers 413).
std::string ReadBody(http_request& req) {
  std::string body;
  auto buffer = req.body().streambuf();
  if (!buffer) return body;
  std::vector<uint8_t> chunk(64 * 1024);
  while (body.size() <= RequestRouter::kBodyLimit) {
    size_t n = buffer.getn(chunk.data(), chunk.size()).get();
    if (n == 0) break;
    body.append(reinterpret_cast<const char*>(chunk.data()), n);
  }
  return body;
}

}  // namespace

class HttpServer::Impl {
 public:
  Impl(SyncService& service, const std::string& url) : router_(service), listener_(url) {}

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
    RouterResponse answer;
    try {
      RouterRequest in;
      in.method = req.method();
      in.path = req.relative_uri().path();
      for (const auto& [name, value] : req.headers()) in.headers[name] = value;
      in.remote_address = req.remote_address();
      if (!RequestRouter::DeclaredTooLarge(in.headers)) in.body = ReadBody(req);
      answer = router_.Handle(in);
    } catch (...) {  // reading the request failed (the router itself never throws)
      answer.status = 500;
    }
    try {
      http_response resp(static_cast<http::status_code>(answer.status));
      std::string content_type = "application/octet-stream";
      for (const auto& [name, value] : answer.headers) {
        if (HeaderNameLess{}(name, "Content-Type") || HeaderNameLess{}("Content-Type", name)) {
          resp.headers().add(name, value);
        } else {
          content_type = value;
        }
      }
      if (!answer.body.empty() || answer.headers.contains("Content-Type")) {
        resp.set_body(std::move(answer.body), content_type);
      }
      req.reply(resp).then([](pplx::task<void> t) {
        try {
          t.get();
        } catch (...) {  // the client went away; nothing to do
        }
      });
    } catch (...) {
    }
  }

  RequestRouter router_;
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
