#include "page_token.h"

#include <vector>

namespace fieldsync::server {
namespace {

constexpr char kSep = '\x1f';
constexpr char kHex[] = "0123456789abcdef";

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

std::string EncodePageToken(const SnapshotCursor& c) {
  std::string raw = std::string("s1") + kSep + std::to_string(c.as_of_server_seq) + kSep + c.after.record_type + kSep +
                    c.after.record_id + kSep + c.after.field;
  std::string hex;
  for (unsigned char ch : raw) {
    hex += kHex[ch >> 4];
    hex += kHex[ch & 0xF];
  }
  return hex;
}

Result<SnapshotCursor> DecodePageToken(const std::string& token) {
  Status bad = Status::InvalidArgument(
      "the snapshot page token is not one this server made; start the snapshot again with an empty token");
  if (token.size() % 2 != 0) return bad;
  std::string raw;
  for (size_t i = 0; i < token.size(); i += 2) {
    int hi = HexDigit(token[i]), lo = HexDigit(token[i + 1]);
    if (hi < 0 || lo < 0) return bad;
    raw += static_cast<char>(hi * 16 + lo);
  }
  std::vector<std::string> parts(1);
  for (char ch : raw) {
    if (ch == kSep) parts.emplace_back();
    else parts.back() += ch;
  }
  if (parts.size() != 5 || parts[0] != "s1" || parts[1].empty() ||
      parts[1].find_first_not_of("0123456789") != std::string::npos || parts[1].size() > 19) {
    return bad;
  }
  return SnapshotCursor{std::stoull(parts[1]), FieldKey{parts[2], parts[3], parts[4]}};
}

}  // namespace fieldsync::server
