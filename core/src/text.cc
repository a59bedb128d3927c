#include "fieldsync/text.h"

#include <utf8proc.h>

#include <cstdlib>
#include <memory>
#include <optional>

namespace fieldsync {
namespace {

struct FreeDeleter {
  void operator()(void* p) const { std::free(p); }
};

// Byte offset of the first invalid UTF-8 sequence, or npos when the text is valid.
size_t FirstInvalidByte(std::string_view text) {
  const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  size_t pos = 0;
  while (pos < text.size()) {
    utf8proc_int32_t cp;
    auto n = utf8proc_iterate(bytes + pos, static_cast<utf8proc_ssize_t>(text.size() - pos), &cp);
    if (n <= 0 || cp == 0) return pos;
    pos += static_cast<size_t>(n);
  }
  return std::string_view::npos;
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
  size_t bad = FirstInvalidByte(text);
  if (bad != std::string_view::npos) {
    return Status::InvalidArgument(std::string(what) + " is not valid UTF-8 text (bad byte at offset " +
                                   std::to_string(bad) + "); re-enter it or save the file as UTF-8");
  }
  auto normalized = Map(text, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
  if (!normalized) return Status::Internal("could not normalise " + std::string(what) + " to NFC");
  return *normalized;
}

std::string FoldForSearch(std::string_view text) {
  // Compose first, so that composed and decomposed input fold alike (utf8proc drops a combining
  // mark before it would case-fold it, and a few fold to letters: Greek ypogegrammeni to ι, which
  // the precomposed letter keeps). Then decompose, drop combining marks, case-fold; đ (which has
  // no decomposition) becomes d and anything that is not a letter or digit separates words.
  const std::string composed = Map(text, UTF8PROC_STABLE | UTF8PROC_COMPOSE).value_or("");
  std::string stripped =
      Map(composed, UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD).value_or("");
  std::string folded;
  folded.reserve(stripped.size());
  const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(stripped.data());
  size_t pos = 0;
  bool pending_space = false;
  while (pos < stripped.size()) {
    utf8proc_int32_t cp;
    auto n = utf8proc_iterate(bytes + pos, static_cast<utf8proc_ssize_t>(stripped.size() - pos), &cp);
    if (n <= 0) break;
    pos += static_cast<size_t>(n);
    if (cp == 0x0111) cp = 'd';  // đ
    auto category = utf8proc_category(cp);
    bool word_char = (category >= UTF8PROC_CATEGORY_LU && category <= UTF8PROC_CATEGORY_LO) ||
                     category == UTF8PROC_CATEGORY_ND;
    if (!word_char) {
      pending_space = !folded.empty();
      continue;
    }
    if (pending_space) folded.push_back(' ');
    pending_space = false;
    utf8proc_uint8_t buf[4];
    auto len = utf8proc_encode_char(cp, buf);
    folded.append(reinterpret_cast<char*>(buf), static_cast<size_t>(len));
  }
  return folded;
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
