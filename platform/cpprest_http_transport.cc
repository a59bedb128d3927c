// HttpTransport over cpprestsdk's http_client. Bodies are bytes (protobuf), not text.
#include <openssl/ssl.h>

#include <boost/asio/ssl.hpp>
#include <cpprest/http_client.h>

#include "fieldsync/http_transport.h"

namespace fieldsync {
namespace {

namespace http = web::http;

// Trust only `pem`'s CAs: a fresh certificate store replaces the system one cpprest loaded.
void PinCa(boost::asio::ssl::context& ctx, const std::string& pem) {
  SSL_CTX_set_cert_store(ctx.native_handle(), X509_STORE_new());
  ctx.add_certificate_authority(boost::asio::buffer(pem.data(), pem.size()));
}

// cpprest reports a certificate that fails verification and a link cut mid-handshake alike
// ("Error in SSL handshake"), so a handshake failure stays retryable and its message names both.
bool IsHandshakeFailure(const std::string& what) {
  return what.find("handshake") != std::string::npos || what.find("certificate") != std::string::npos;
}

class CpprestTransport final : public HttpTransport {
 public:
  CpprestTransport(std::string base_url, TlsTrust trust) : base_url_(std::move(base_url)), trust_(std::move(trust)) {
    tls_ = base_url_.starts_with("https://");
  }

  Result<HttpResponse> Send(const HttpRequest& request) override {
    try {
      http::client::http_client_config config;
      config.set_timeout(std::chrono::duration_cast<std::chrono::seconds>(request.timeout).count() > 0
                             ? request.timeout
                             : std::chrono::milliseconds(1000));
      if (!trust_.pinned_ca_pem.empty()) {
        config.set_ssl_context_callback([pem = trust_.pinned_ca_pem](auto& ctx) { PinCa(ctx, pem); });
      }
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
      if (tls_ && IsHandshakeFailure(e.what())) {
        return Status::Unavailable("the secure connection to " + base_url_ + " failed (" + e.what() + "): the link "
                                   "dropped, or the server's certificate could not be verified. If it repeats on a "
                                   "good link, this may not be your organisation's server, or this tablet needs its "
                                   "CA: enrol again with --ca-file CA.pem from the secretariat");
      }
      return Status::Unavailable("no answer from " + base_url_ + request.path + " (" + e.what() + ")");
    }
  }

 private:
  std::string base_url_;
  TlsTrust trust_;
  bool tls_ = false;
};

}  // namespace

Result<std::unique_ptr<HttpTransport>> MakeCpprestTransport(const std::string& base_url, const TlsTrust& trust) {
  try {
    web::uri uri(base_url);
    if (uri.scheme() != "http" && uri.scheme() != "https") {
      return Status::InvalidArgument("server URL '" + base_url + "' must start with http:// or https://");
    }
  } catch (const std::exception&) {
    return Status::InvalidArgument("'" + base_url + "' is not a URL; use e.g. http://127.0.0.1:8080");
  }
  if (!trust.pinned_ca_pem.empty() && trust.pinned_ca_pem.find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
    return Status::InvalidArgument("the CA file holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
  }
  return std::unique_ptr<HttpTransport>(new CpprestTransport(base_url, trust));
}

}  // namespace fieldsync
