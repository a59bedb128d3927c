#include "change_digest.h"

#include <bit>
#include <cstdint>

#include "crypto.h"

namespace fieldsync::server {
namespace {

// Length-prefixed, so no two different sequences of parts encode alike.
void Put(std::string& out, std::string_view part) {
  out += std::to_string(part.size());
  out += ':';
  out += part;
}

void PutValue(std::string& out, const Value& value) {
  Put(out, std::to_string(value.index()));
  struct Encoder {
    std::string& out;
    void operator()(std::monostate) {}
    void operator()(const std::string& text) { Put(out, text); }
    void operator()(int64_t n) { Put(out, std::to_string(n)); }
    void operator()(double d) { Put(out, std::to_string(std::bit_cast<uint64_t>(d))); }  // exact
    void operator()(bool b) { Put(out, b ? "1" : "0"); }
    void operator()(const Blob& b) { Put(out, b.bytes); }
    void operator()(const AttachmentRef& a) {
      Put(out, a.sha256_hex);
      Put(out, std::to_string(a.size_bytes));
      Put(out, a.media_type);
    }
  };
  std::visit(Encoder{out}, value);
}

}  // namespace

std::string ContentDigest(const Change& c) {
  std::string encoded;
  Put(encoded, c.record_type);
  Put(encoded, c.record_id);
  Put(encoded, c.field);
  PutValue(encoded, c.value);
  Put(encoded, c.tombstone ? "1" : "0");
  Put(encoded, std::to_string(c.hlc.Pack()));
  return Sha256Hex(encoded);
}

}  // namespace fieldsync::server
