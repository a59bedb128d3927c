// Vietnamese text handling: every piece of text that enters fieldsync goes through NormalizeText
// (valid UTF-8, NFC), and every searchable field is indexed by FoldForSearch, so that "can gio"
// finds "Cần Giờ" whichever keyboard (composed or decomposed) typed it. Built on utf8proc.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "fieldsync/status.h"

namespace fieldsync {

// Validates UTF-8 and returns the NFC form. Invalid UTF-8 (or a NUL byte) gives InvalidArgument
// naming the byte offset, so the caller can tell the user which input to fix. `what` names the
// input in that message ("--results", "unit name").
Result<std::string> NormalizeText(std::string_view text, std::string_view what = "text");

// Search key: lower case, diacritics removed, đ→d, every run of non-alphanumerics one space.
// Input must be valid UTF-8 (normalise first). "Thỏa ước" → "thoa uoc".
std::string FoldForSearch(std::string_view text);

// The folded query split into words; a text matches when every word starts a word of it.
std::vector<std::string> SearchTerms(std::string_view query);
bool MatchesAllTerms(std::string_view folded_text, const std::vector<std::string>& terms);

}  // namespace fieldsync
