#include "crypto.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cctype>
#include <vector>

namespace fieldsync::server {
namespace {

constexpr char kHex[] = "0123456789abcdef";
constexpr char kCrockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";  // no I, L, O, U

std::string ToHex(const unsigned char* data, size_t n) {
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out += kHex[data[i] >> 4];
    out += kHex[data[i] & 0xF];
  }
  return out;
}

}  // namespace

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  // Fetched once: OpenSSL 3 looks the implementation up again on every call given EVP_sha256(),
  // half the cost of hashing a change's few hundred bytes (one digest per pushed change).
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  EVP_Digest(data.data(), data.size(), digest, &length, sha256 ? sha256 : EVP_sha256(), nullptr);
  return ToHex(digest, length);
}

Result<std::string> RandomHex(size_t bytes) {
  std::vector<unsigned char> buf(bytes);
  if (RAND_bytes(buf.data(), static_cast<int>(buf.size())) != 1) {
    return Status::Internal("the system's random number generator failed; retry");
  }
  return ToHex(buf.data(), buf.size());
}

Result<std::string> RandomEnrollmentCode() {
  unsigned char buf[10];
  if (RAND_bytes(buf, sizeof buf) != 1) return Status::Internal("the system's random number generator failed; retry");
  std::string code;
  for (size_t i = 0; i < sizeof buf; ++i) {
    if (i == 5) code += '-';
    code += kCrockford[buf[i] % 32];  // 256 is a multiple of 32: no bias
  }
  return code;
}

std::string CanonicalEnrollmentCode(std::string_view typed) {
  std::string out;
  for (char ch : typed) {
    char c = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    if (c == '-' || c == ' ' || c == '\t') continue;
    if (c == 'O') c = '0';
    if (c == 'I' || c == 'L') c = '1';
    out += c;
  }
  return out;
}

}  // namespace fieldsync::server
