#include "fieldsync/uuid.h"

#include <array>
#include <cstdint>
#include <mutex>
#include <random>

namespace fieldsync {

std::string NewUuid() {
  // One generator per process seeded from the OS entropy source; guarded for thread safety.
  static std::mutex mutex;
  static std::mt19937_64 generator{[] {
    std::random_device device;
    std::seed_seq seq{device(), device(), device(), device(), device(), device(), device(), device()};
    return std::mt19937_64(seq);
  }()};
  std::array<uint8_t, 16> bytes;
  {
    std::lock_guard<std::mutex> lock(mutex);
    uint64_t a = generator(), b = generator();
    for (int i = 0; i < 8; ++i) {
      bytes[i] = static_cast<uint8_t>(a >> (8 * i));
      bytes[8 + i] = static_cast<uint8_t>(b >> (8 * i));
    }
  }
  bytes[6] = (bytes[6] & 0x0F) | 0x40;  // version 4
  bytes[8] = (bytes[8] & 0x3F) | 0x80;  // RFC 4122 variant
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[bytes[i] >> 4]);
    out.push_back(kHex[bytes[i] & 0x0F]);
  }
  return out;
}

bool IsUuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace fieldsync
