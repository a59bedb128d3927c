#include "fieldsync/text.h"

#include "search_fold.h"

#include <utf8proc.h>

#include <cstdlib>
#include <memory>
#include <optional>

namespace fieldsync {
namespace {

struct FreeDeleter {
  void operator()(void* p) const { std::free(p); }
};

// Code points that are NFC whatever surrounds them (NFC_Quick_Check = Yes, canonical combining
// class 0): everything below the combining diacritics at U+0300, the precomposed Latin letters of
// U+1E00-U+1EFF (Vietnamese ạ ả ấ ... ỹ) and common punctuation (– “ ” …). Text made only of these
// is already NFC, which is nearly all typed Vietnamese, so normalising it can be skipped.
bool AlwaysNfc(utf8proc_int32_t cp) {
  return cp < 0x300 || (cp >= 0x1E00 && cp <= 0x1EFF) || (cp >= 0x2010 && cp <= 0x2027);
}

struct Scan {
  size_t first_invalid = std::string_view::npos;  // byte offset of the first bad UTF-8 sequence
  bool certainly_nfc = true;                      // every code point is AlwaysNfc
};

Scan ScanUtf8(std::string_view text) {
  const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  Scan scan;
  size_t pos = 0;
  while (pos < text.size()) {
    if (bytes[pos] < 0x80 && bytes[pos] != 0) {  // ASCII: the common case, no decoding needed
      ++pos;
      continue;
    }
    utf8proc_int32_t cp;
    auto n = utf8proc_iterate(bytes + pos, static_cast<utf8proc_ssize_t>(text.size() - pos), &cp);
    if (n <= 0 || cp == 0) {
      scan.first_invalid = pos;
      return scan;
    }
    scan.certainly_nfc = scan.certainly_nfc && AlwaysNfc(cp);
    pos += static_cast<size_t>(n);
  }
  return scan;
}

// utf8proc_map with ownership handled; nullopt when utf8proc fails (out of memory, invalid input).
std::optional<std::string> Map(std::string_view text, int options) {
  utf8proc_uint8_t* out = nullptr;
  auto n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                        static_cast<utf8proc_ssize_t>(text.size()), &out, static_cast<utf8proc_option_t>(options));
  std::unique_ptr<utf8proc_uint8_t, FreeDeleter> owned(out);
  if (n < 0) return std::nullopt;
  return std::string(reinterpret_cast<char*>(out), static_cast<size_t>(n));
}

}  // namespace

Result<std::string> NormalizeText(std::string_view text, std::string_view what) {
  const Scan scan = ScanUtf8(text);
  const size_t bad = scan.first_invalid;
  if (bad != std::string_view::npos) {
    return Status::InvalidArgument(std::string(what) + " is not valid UTF-8 text (bad byte at offset " +
                                   std::to_string(bad) + "); re-enter it or save the file as UTF-8");
  }
  if (scan.certainly_nfc) return std::string(text);
  auto normalized = Map(text, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
  if (!normalized) return Status::Internal("could not normalise " + std::string(what) + " to NFC");
  return *normalized;
}

std::string FoldForSearch(std::string_view text) {
  // Compose first, so that composed and decomposed input fold alike (utf8proc drops a combining
  // mark before it would case-fold it, and a few fold to letters: Greek ypogegrammeni to ι, which
  // the precomposed letter keeps). Invalid UTF-8 folds to nothing, as utf8proc refuses it.
  const Scan scan = ScanUtf8(text);
  if (scan.first_invalid == std::string_view::npos && scan.certainly_nfc) return search_fold::FoldNfc(text);
  return search_fold::FoldNfc(Map(text, UTF8PROC_STABLE | UTF8PROC_COMPOSE).value_or(""));
}

std::vector<std::string> SearchTerms(std::string_view query) {
  std::vector<std::string> terms;
  std::string folded = FoldForSearch(query);
  size_t start = 0;
  while (start < folded.size()) {
    size_t end = folded.find(' ', start);
    if (end == std::string::npos) end = folded.size();
    if (end > start) terms.push_back(folded.substr(start, end - start));
    start = end + 1;
  }
  return terms;
}

bool MatchesAllTerms(std::string_view folded_text, const std::vector<std::string>& terms) {
  if (terms.empty()) return false;
  // Each term must start a word: "uoc" finds "ước" but not the middle of "cuộc".
  for (const auto& term : terms) {
    bool found = false;
    for (size_t pos = folded_text.find(term); pos != std::string_view::npos; pos = folded_text.find(term, pos + 1)) {
      if (pos == 0 || folded_text[pos - 1] == ' ') {
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

}  // namespace fieldsync
