#include "search_fold.h"

#include <utf8proc.h>

#include <array>
#include <cstdlib>
#include <memory>

namespace fieldsync::search_fold {
namespace {

// Code points below this are folded from the table; the rest one by one through utf8proc.
constexpr utf8proc_int32_t kTableSize = 0x2100;

// A code point's folding: the UTF-8 bytes of each letter or digit it becomes, and a 0 byte for each
// code point it becomes that separates words (UTF-8 of a letter never holds a 0 byte).
std::string FoldOne(utf8proc_int32_t cp) {
  utf8proc_uint8_t* mapped = nullptr;
  utf8proc_uint8_t in[4];
  const auto in_len = utf8proc_encode_char(cp, in);
  const auto n = utf8proc_map(in, in_len, &mapped,
                              static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_DECOMPOSE |
                                                             UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD));
  std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owned(mapped, &std::free);
  std::string out;
  for (utf8proc_ssize_t pos = 0; n > 0 && pos < n;) {
    utf8proc_int32_t c;
    const auto len = utf8proc_iterate(mapped + pos, n - pos, &c);
    if (len <= 0) break;
    pos += len;
    if (c == 0x0111) c = 'd';  // đ has no decomposition
    const auto category = utf8proc_category(c);
    const bool word = (category >= UTF8PROC_CATEGORY_LU && category <= UTF8PROC_CATEGORY_LO) ||
                      category == UTF8PROC_CATEGORY_ND;
    if (!word) {
      out.push_back('\0');
      continue;
    }
    utf8proc_uint8_t buf[4];
    out.append(reinterpret_cast<char*>(buf), static_cast<size_t>(utf8proc_encode_char(c, buf)));
  }
  return out;
}

const std::array<std::string, kTableSize>& Table() {
  static const auto* table = [] {
    auto* t = new std::array<std::string, kTableSize>();
    for (utf8proc_int32_t cp = 0; cp < kTableSize; ++cp) (*t)[static_cast<size_t>(cp)] = FoldOne(cp);
    return t;
  }();
  return *table;
}

}  // namespace

std::string FoldNfc(std::string_view nfc) {
  const auto& table = Table();
  const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(nfc.data());
  std::string folded;
  folded.reserve(nfc.size());
  bool pending_space = false;
  std::string other;
  for (size_t pos = 0; pos < nfc.size();) {
    utf8proc_int32_t cp;
    const auto n = utf8proc_iterate(bytes + pos, static_cast<utf8proc_ssize_t>(nfc.size() - pos), &cp);
    if (n <= 0) break;
    pos += static_cast<size_t>(n);
    const std::string* piece = &other;
    if (cp < kTableSize) {
      piece = &table[static_cast<size_t>(cp)];
    } else {
      other = FoldOne(cp);
    }
    for (char b : *piece) {
      if (b == '\0') {
        pending_space = !folded.empty();
        continue;
      }
      if (pending_space) folded.push_back(' ');
      pending_space = false;
      folded.push_back(b);
    }
  }
  return folded;
}

}  // namespace fieldsync::search_fold
