// Secrets for enrolment: random device tokens and one-time codes, and the SHA-256 the store keeps
// instead of either (OpenSSL). Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "fieldsync/status.h"

namespace fieldsync::server {

// Lowercase hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);
// `bytes` cryptographically random bytes as lowercase hex; Internal if the RNG fails.
Result<std::string> RandomHex(size_t bytes);
// A one-time enrolment code: 10 Crockford base32 characters shown as "ABCDE-FGHJK".
Result<std::string> RandomEnrollmentCode();
// The canonical form of a typed code: upper case, dashes and spaces dropped, O->0, I/L->1.
std::string CanonicalEnrollmentCode(std::string_view typed);

}  // namespace fieldsync::server
