// HttpServer: a thin cpprest adapter over RequestRouter. It turns an http_request into a
// RouterRequest (reading at most just over the body limit), and the RouterResponse back into an
// http_response; every rule of the protocol lives in request_router.cc.
#include "fieldsync/server/http_server.h"

#include <boost/asio/ssl.hpp>
#include <cpprest/filestream.h>
#include <cpprest/http_listener.h>

#include <atomic>
#include <cstdio>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>

#include "fieldsync/server/request_router.h"
#include "worker_pool.h"

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

// Loads the certificate chain and key into `ctx`, TLS 1.2 or newer only. Throws on failure.
void ConfigureTls(boost::asio::ssl::context& ctx, const TlsFiles& tls) {
  namespace ssl = boost::asio::ssl;
  ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                  ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
  ctx.use_certificate_chain_file(tls.certificate_chain_file);
  ctx.use_private_key_file(tls.private_key_file, ssl::context::pem);
}

// Loads the files once before listening, so that a wrong path or a key that does not belong to the
// certificate is reported at start, not as a failed handshake on every request.
Status CheckTlsFiles(const TlsFiles& tls) {
  if (tls.certificate_chain_file.empty() || tls.private_key_file.empty()) {
    return Status::InvalidArgument("HTTPS needs both --tls-cert (PEM certificate chain) and --tls-key (PEM key)");
  }
  try {
    boost::asio::ssl::context ctx(boost::asio::ssl::context::tls_server);
    ConfigureTls(ctx, tls);
    if (SSL_CTX_check_private_key(ctx.native_handle()) != 1) {
      return Status::InvalidArgument("the key " + tls.private_key_file + " does not belong to the certificate " +
                                     tls.certificate_chain_file);
    }
  } catch (const std::exception& e) {
    if (std::string(e.what()).find("mismatch") != std::string::npos) {
      return Status::InvalidArgument("the key " + tls.private_key_file + " does not belong to the certificate " +
                                     tls.certificate_chain_file + " (" + e.what() + ")");
    }
    return Status::InvalidArgument("cannot load the TLS certificate " + tls.certificate_chain_file + " or key " +
                                   tls.private_key_file + " (" + e.what() + "); check the paths and that both are PEM");
  }
  return Status::Ok();
}

web::http::experimental::listener::http_listener_config ListenerConfig(const TlsFiles& tls) {
  web::http::experimental::listener::http_listener_config config;
  if (tls.enabled()) {
    config.set_ssl_context_callback([tls](boost::asio::ssl::context& ctx) { ConfigureTls(ctx, tls); });
  }
  return config;
}

class HttpServer::Impl {
 public:
  Impl(SyncService& service, const std::string& url, const TlsFiles& tls, WebHandler* web)
      : router_(service, web), listener_(url, ListenerConfig(tls)) {}

  Status Open() {
    // Handled on workers_, never on cpprest's own threads (worker_pool.h says why), and only once
    // the body has arrived, so that slow site links do not hold workers while they upload. The
    // handler reaches this server only through the gate: should close() fail and cpprest keep the
    // handler, a late request is turned away instead of reaching a freed server.
    listener_.support([gate = gate_](http_request req) {
      HeaderMap headers = HeadersOf(req);
      // cpprest holds a whole body in memory before any answer, whatever its size (it has no limit).
      // Of unknown length (chunked): answered 411 at once, and cpprest made to stop reading it.
      if (RequestRouter::LengthUnknown(headers)) {
        StopReceiving(req);
        return gate->Post(req, std::move(headers), Body::kRefused);
      }
      // Declared over the limit: read and thrown away piece by piece, then answered 413. cpprest
      // sends no answer before the whole body has arrived, and waiting with content_ready() would
      // hold all of it; cutting the connection instead (as above) loses the answer for a client
      // that is still sending, over TLS at least.
      if (RequestRouter::DeclaredTooLarge(headers)) {
        Discard(req.body().streambuf(), std::make_shared<std::vector<uint8_t>>(kDiscardPiece),
                [gate, req, headers = std::move(headers)](bool drained) mutable {
                  if (!drained) return Abandoned(req);
                  gate->Post(req, std::move(headers), Body::kUnread);
                });
        return;
      }
      req.content_ready().then([gate, req, headers = std::move(headers)](pplx::task<http_request> arrived) mutable {
        try {
          arrived.get();
        } catch (...) {
          return Abandoned(req);
        }
        gate->Post(req, std::move(headers), Body::kRead);
      });
    });
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
    closing_ = true;  // what is still queued is answered 503, not worked on
    try {
      listener_.close().wait();
    } catch (...) {
    }
    gate_->Shut();
  }

  ~Impl() { gate_->Shut(); }

 private:
  enum class Body { kRead, kUnread, kRefused };

  // What a body's continuation reaches the server through. cpprest keeps connections (and so runs
  // those continuations) until the process's last listener closes, which may be after this server
  // is gone: another server in the same process. Shut() waits for a Post in progress and turns
  // later ones into an answer that closes the connection.
  class Gate {
   public:
    explicit Gate(Impl* impl) : impl_(impl) {}
    void Post(http_request& req, HeaderMap headers, Body body) {
      std::lock_guard lock(mutex_);
      if (!impl_) return Abandoned(req);
      impl_->Post(req, std::move(headers), body);
    }
    void Shut() {
      std::lock_guard lock(mutex_);
      impl_ = nullptr;
    }

   private:
    std::mutex mutex_;
    Impl* impl_;
  };

  // Closing the body buffer's writing end with an error makes cpprest's next write into it fail,
  // and cpprest then stops reading the connection and answers. (Closed without an error, the
  // write returns 0 and cpprest retries it forever, spinning a core.)
  static void StopReceiving(http_request& req) {
    try {
      req.body().streambuf().close(std::ios_base::out, std::make_exception_ptr(std::length_error("body refused"))).wait();
    } catch (...) {
    }
  }

  // Reads `body` to its end into `piece`, over and over, then calls `done(true)` (false if reading
  // failed): memory stays one piece whatever the size. Each piece is a new task, not a longer chain.
  static void Discard(concurrency::streams::streambuf<uint8_t> body, std::shared_ptr<std::vector<uint8_t>> piece,
                      std::function<void(bool)> done) {
    if (!body) return done(true);
    body.getn(piece->data(), piece->size()).then([body, piece, done = std::move(done)](pplx::task<size_t> read) mutable {
      size_t n = 0;
      try {
        n = read.get();
      } catch (...) {
        return done(false);
      }
      if (n == 0) return done(true);
      Discard(body, std::move(piece), std::move(done));
    });
  }
  static constexpr size_t kDiscardPiece = 64 * 1024;

  // The client went away mid-upload. Nobody reads the answer, but cpprest keeps a connection
  // (its socket and what had arrived) until the request is answered: the failed write closes it.
  static void Abandoned(http_request& req) {
    RouterResponse gone;
    gone.status = 400;
    gone.headers["Connection"] = "close";
    Reply(req, std::move(gone));
  }

  static HeaderMap HeadersOf(const http_request& req) {
    HeaderMap headers;
    for (const auto& [name, value] : req.headers()) headers[name] = value;
    return headers;
  }

  void Post(http_request req, HeaderMap headers, Body body) {
    auto task = [this, req, headers = std::move(headers), body]() mutable {
      Handle(req, std::move(headers), body);
    };
    if (!workers_.Post(std::move(task))) Reply(req, router_.Busy(kMaxQueued));
  }

  void Handle(http_request& req, HeaderMap headers, Body body) {
    if (closing_) return Reply(req, router_.Busy(0));
    RouterResponse answer;
    try {
      RouterRequest in;
      in.method = req.method();
      in.path = req.relative_uri().path();
      in.query = req.relative_uri().query();
      in.headers = std::move(headers);
      in.remote_address = req.remote_address();
      if (body == Body::kRead) in.body = ReadBody(req);
      answer = router_.Handle(in);
      // The body was left unread (StopReceiving): what follows on the connection is not a request.
      if (body == Body::kRefused) answer.headers["Connection"] = "close";
    } catch (...) {  // reading the request failed (the router itself never throws)
      answer.status = 500;
    }
    Reply(req, std::move(answer));
  }

  static void Reply(http_request& req, RouterResponse answer) {
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
      if (!answer.body_file.empty()) {
        ReplyWithFile(req, resp, answer.body_file, content_type, std::move(answer.body_file_guard));
        return;
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

  // Streams `path` as the body (cpprest reads it in chunks), then deletes the file and releases
  // `guard`.
  static void ReplyWithFile(http_request& req, http_response& resp, const std::string& path,
                            const std::string& content_type, std::shared_ptr<const void> guard) {
    concurrency::streams::istream body;
    try {
      body = concurrency::streams::file_stream<uint8_t>::open_istream(path).get();
    } catch (...) {
      std::remove(path.c_str());
      req.reply(http::status_codes::InternalError).then([](pplx::task<void> t) {
        try {
          t.get();
        } catch (...) {
        }
      });
      return;
    }
    resp.set_body(body, content_type);
    req.reply(resp).then([body, path, guard = std::move(guard)](pplx::task<void> t) mutable {
      try {
        t.get();
      } catch (...) {  // the client went away
      }
      try {
        body.close().wait();
      } catch (...) {
      }
      std::remove(path.c_str());
      guard.reset();
    });
  }

  // Workers wait for the store (it applies one push at a time) and decode and compress around it.
  // cpprest holds each queued request's body in memory, so the queue is short: beyond kMaxQueued
  // the server answers 503 at once, which tablets retry with backoff.
  static constexpr size_t kWorkers = 16, kMaxQueued = 256;

  RequestRouter router_;
  http::experimental::listener::http_listener listener_;
  bool open_ = false;
  std::atomic<bool> closing_{false};
  WorkerPool workers_{kWorkers, kMaxQueued};  // stopped before the router, which its tasks use
  std::shared_ptr<Gate> gate_ = std::make_shared<Gate>(this);  // shut by Close() and ~Impl
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpServer::~HttpServer() { Stop(); }

Result<std::unique_ptr<HttpServer>> HttpServer::Start(SyncService& service, const std::string& host, uint16_t port,
                                                      const TlsFiles& tls, WebHandler* web) {
  if (tls.enabled()) FS_RETURN_IF_ERROR(CheckTlsFiles(tls));
  std::string url = std::string(tls.enabled() ? "https" : "http") + "://" + host + ":" + std::to_string(port) + "/";
  std::unique_ptr<Impl> impl;
  try {
    impl = std::make_unique<Impl>(service, url, tls, web);
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
