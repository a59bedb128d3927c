// HttpTransport: how the sync engine talks HTTP. The engine only sees this interface, so a mobile
// app can plug in its platform's HTTP stack; platform/ provides the cpprestsdk implementation and
// tests wrap it to inject faults. Implementations must be usable from one thread at a time.
#pragma once

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "fieldsync/status.h"

namespace fieldsync {

// The value of header `name` in `headers`, compared ignoring ASCII case (a proxy may change the
// case of names); nullptr when absent.
inline const std::string* FindHeader(const std::map<std::string, std::string>& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() && std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
        })) {
      return &value;
    }
  }
  return nullptr;
}

struct HttpRequest {
  std::string method = "POST";
  std::string path;  // "/v1/push"
  std::map<std::string, std::string> headers;
  std::string body;
  std::chrono::milliseconds timeout{15000};
};

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;
  std::string body;
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // An HTTP answer of any status is a response; a connection failure, reset or timeout is
  // Unavailable with a message naming the server.
  virtual Result<HttpResponse> Send(const HttpRequest& request) = 0;
};

// How an https:// server's certificate is checked. The certificate must always be valid for the
// URL's host (name or IP address) and chain to a trusted CA.
struct TlsTrust {
  // PEM certificate(s) of the CA(s) to trust instead of the system's: pins the server to the
  // organisation's own CA. Empty: the system's CA store.
  std::string pinned_ca_pem;
};

// cpprestsdk's http_client against `base_url` ("http://127.0.0.1:8080", "https://..."). A failed
// TLS handshake is Unavailable like any cut link (cpprest does not tell a certificate that fails
// verification from a dropped link), with a message that names both. Defined in platform/.
Result<std::unique_ptr<HttpTransport>> MakeCpprestTransport(const std::string& base_url, const TlsTrust& trust = {});

}  // namespace fieldsync
