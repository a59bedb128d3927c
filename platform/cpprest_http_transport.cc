// HttpTransport over cpprestsdk's http_client. Bodies are bytes (protobuf), not text.
#include <cpprest/http_client.h>

#include "fieldsync/http_transport.h"

namespace fieldsync {
namespace {

namespace http = web::http;

class CpprestTransport final : public HttpTransport {
 public:
  explicit CpprestTransport(std::string base_url) : base_url_(std::move(base_url)) {}

  Result<HttpResponse> Send(const HttpRequest& request) override {
    try {
      http::client::http_client_config config;
      config.set_timeout(std::chrono::duration_cast<std::chrono::seconds>(request.timeout).count() > 0
                             ? request.timeout
                             : std::chrono::milliseconds(1000));
      // A client per request: cheap next to a sync batch, and a dropped connection never poisons
      // the next attempt.
      http::client::http_client client(web::uri(base_url_), config);
      http::http_request req(request.method);
      req.set_request_uri(request.path);
      for (const auto& [name, value] : request.headers) req.headers().add(name, value);
      if (!request.body.empty() || request.method == "POST") {
        std::vector<unsigned char> bytes(request.body.begin(), request.body.end());
        req.set_body(std::move(bytes));
        auto type = request.headers.find("Content-Type");
        req.headers().set_content_type(type != request.headers.end() ? type->second : "application/octet-stream");
      }
      http::http_response resp = client.request(req).get();
      HttpResponse out;
      out.status = resp.status_code();
      for (const auto& [name, value] : resp.headers()) out.headers[name] = value;
      auto body = resp.extract_vector().get();
      out.body.assign(body.begin(), body.end());
      return out;
    } catch (const std::exception& e) {
      return Status::Unavailable("no answer from " + base_url_ + request.path + " (" + e.what() + ")");
    }
  }

 private:
  std::string base_url_;
};

}  // namespace

Result<std::unique_ptr<HttpTransport>> MakeCpprestTransport(const std::string& base_url) {
  try {
    web::uri uri(base_url);
    if (uri.scheme() != "http" && uri.scheme() != "https") {
      return Status::InvalidArgument("server URL '" + base_url + "' must start with http:// or https://");
    }
  } catch (const std::exception&) {
    return Status::InvalidArgument("'" + base_url + "' is not a URL; use e.g. http://127.0.0.1:8080");
  }
  return std::unique_ptr<HttpTransport>(new CpprestTransport(base_url));
}

}  // namespace fieldsync
