// Dashboard passwords: Argon2id through libsodium's crypto_pwhash_str, which picks a random salt
// and stores it with the parameters in the hash string ("$argon2id$v=19$m=65536,t=2,p=1$..."), so
// stronger parameters later still verify old hashes. Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "fieldsync/status.h"

namespace fieldsync::dashboard {

// InvalidArgument, saying what to do, unless 10 to 1024 bytes of valid UTF-8.
Status CheckNewPassword(std::string_view password);
// The hash string to store; Internal when libsodium cannot start or runs out of memory.
Result<std::string> HashPassword(std::string_view password);
// True when `password` matches `hash` (a string from HashPassword). With an empty `hash` (no such
// user, or no password set) it spends the same work on a dummy hash and returns false, so the
// answer's timing does not tell which login names exist.
bool VerifyPassword(const std::string& hash, std::string_view password);

}  // namespace fieldsync::dashboard
