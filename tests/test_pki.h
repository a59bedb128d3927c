// A throwaway PKI for TLS tests, made with OpenSSL: a CA and a server certificate it signed for
// 127.0.0.1 (subjectAltName IP), written as PEM files into a directory.
#pragma once

#include <string>

namespace fieldsync::testing {

struct TestPki {
  std::string ca_pem;        // the CA certificate, PEM text
  std::string ca_file;       // ... and its file
  std::string cert_file;     // server certificate chain (server certificate, then the CA)
  std::string key_file;      // server private key
};

// Makes a new CA named `name` and a server certificate for 127.0.0.1 in `dir`. Aborts the test
// program when OpenSSL fails (a broken test environment, not a test result).
TestPki MakeTestPki(const std::string& dir, const std::string& name);

}  // namespace fieldsync::testing
