#include "password_kdf.h"

#include <sodium.h>

#include "fieldsync/text.h"

namespace fieldsync::dashboard {
namespace {

// Interactive limits (64 MiB, 2 passes): about 0.1 s per login on the shared 2-core machine.
constexpr unsigned long long kOpsLimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
constexpr size_t kMemLimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;
constexpr size_t kMinLength = 10;
constexpr size_t kMaxLength = 1024;

bool SodiumReady() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

}  // namespace

Status CheckNewPassword(std::string_view password) {
  if (password.size() < kMinLength) {
    return Status::InvalidArgument("the password is too short: use at least " + std::to_string(kMinLength) +
                                   " characters (a few words are easier to remember than symbols)");
  }
  if (password.size() > kMaxLength) {
    return Status::InvalidArgument("the password is longer than " + std::to_string(kMaxLength) + " bytes");
  }
  return NormalizeText(password, "the password").status();
}

Result<std::string> HashPassword(std::string_view password) {
  if (!SodiumReady()) return Status::Internal("libsodium could not start (no system randomness?)");
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(hash, password.data(), password.size(), kOpsLimit, kMemLimit) != 0) {
    return Status::Internal("hashing the password failed (out of memory: Argon2id needs 64 MiB)");
  }
  return std::string(hash);
}

bool VerifyPassword(const std::string& hash, std::string_view password) {
  if (!SodiumReady()) return false;
  if (hash.empty()) {
    static const std::string dummy = [] {
      auto h = HashPassword("no such user, same work");
      return h.ok() ? *h : std::string();
    }();
    if (!dummy.empty()) (void)crypto_pwhash_str_verify(dummy.c_str(), password.data(), password.size());
    return false;
  }
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

}  // namespace fieldsync::dashboard
