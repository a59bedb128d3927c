// Fuzz target wire_change: the input is one wire Change, as found inside every push, pull page and
// snapshot page. Covers wire_codec (FromWire/ToWire), the server's per-change validation
// (server/change_validation.cc) and the Vietnamese text functions on whatever text arrives.
// Invariants: encoding what FromWire decoded and decoding it again gives the same bytes; what
// ValidateChange accepts is valid NFC text that it accepts again unchanged; a refusal says why;
// NormalizeText is idempotent and gives composed and decomposed input the same NFC; they fold
// the same for search, and a text is found by its own words.
#include <utf8proc.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>

#include "change_validation.h"  // server/, private: the function the server runs on every change
#include "fieldsync.pb.h"
#include "fieldsync/text.h"
#include "fieldsync/wire_codec.h"
#include "fuzz_check.h"
#include "quiet_protobuf.h"

namespace fieldsync::fuzz {
namespace {

std::string Encoded(const Change& c) {
  wire::Change w;
  wire_codec::ToWire(c, &w);
  return w.SerializeAsString();
}

void CheckRoundTrip(const Change& decoded) {
  const std::string once = Encoded(decoded);
  wire::Change w;
  FUZZ_CHECK(w.ParseFromString(once), "ToWire wrote bytes that do not parse");
  auto again = wire_codec::FromWire(w);
  FUZZ_CHECK(again.ok(), "FromWire refuses what ToWire wrote: " + again.status().ToString());
  FUZZ_CHECK(Encoded(*again) == once, "FromWire(ToWire(c)) differs from c");
}

// `text` canonically decomposed (NFD), as some keyboards type Vietnamese.
std::optional<std::string> Decomposed(const std::string& text) {
  utf8proc_uint8_t* out = nullptr;
  auto n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                        static_cast<utf8proc_ssize_t>(text.size()), &out,
                        static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_DECOMPOSE));
  std::optional<std::string> nfd;
  if (n >= 0) nfd.emplace(reinterpret_cast<char*>(out), static_cast<size_t>(n));
  std::free(out);
  return nfd;
}

void CheckText(const std::string& text) {
  (void)FoldForSearch(text);  // the device indexes text it receives without validating it
  auto nfc = NormalizeText(text);
  if (!nfc.ok()) return;
  auto twice = NormalizeText(*nfc);
  FUZZ_CHECK(twice.ok() && *twice == *nfc, "NormalizeText is not idempotent");
  // Composed and decomposed input are the same text and find the same rows (README, text.h).
  if (auto nfd = Decomposed(text)) {
    auto from_nfd = NormalizeText(*nfd);
    FUZZ_CHECK(from_nfd.ok() && *from_nfd == *nfc, "the NFC of the decomposed text differs from the NFC of the text");
    FUZZ_CHECK(FoldForSearch(*nfd) == FoldForSearch(*nfc), "composed and decomposed text fold differently");
  }
  // A text is found by its own words.
  const auto terms = SearchTerms(*nfc);
  FUZZ_CHECK(terms.empty() || MatchesAllTerms(FoldForSearch(*nfc), terms), "a text is not found by its own words");
}

void CheckValidation(Change c) {
  Status s = server::ValidateChange(c, 0);
  if (!s.ok()) {
    FUZZ_CHECK(s.code() == StatusCode::kInvalidArgument && !s.message().empty(),
               "ValidateChange refused without saying why: " + s.ToString());
    return;
  }
  if (const auto* text = std::get_if<std::string>(&c.value)) {
    auto nfc = NormalizeText(*text);
    FUZZ_CHECK(nfc.ok() && *nfc == *text, "ValidateChange accepted text that is not valid NFC");
  }
  FUZZ_CHECK(!c.tombstone || IsNone(c.value), "ValidateChange kept the value of a tombstone");
  const std::string accepted = Encoded(c);
  Status again = server::ValidateChange(c, 0);
  FUZZ_CHECK(again.ok() && Encoded(c) == accepted, "ValidateChange is not idempotent: " + again.ToString());
}

}  // namespace
}  // namespace fieldsync::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace fieldsync;
  fuzz::QuietProtobufLogs();
  wire::Change w;
  if (!w.ParseFromArray(data, static_cast<int>(size))) return 0;
  if (w.value().has_text()) fuzz::CheckText(w.value().text());
  fuzz::CheckText(w.record_id());
  auto decoded = wire_codec::FromWire(w);
  if (!decoded.ok()) {
    FUZZ_CHECK(!decoded.status().message().empty(), "FromWire refused without saying why");
    return 0;
  }
  fuzz::CheckRoundTrip(*decoded);
  fuzz::CheckValidation(*decoded);
  return 0;
}
