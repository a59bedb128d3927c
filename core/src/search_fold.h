// Accent folding for the search index, one code point at a time (text.h FoldForSearch).
#pragma once

#include <string>
#include <string_view>

namespace fieldsync::search_fold {

// Folds NFC text that is valid UTF-8: decomposes, drops combining marks, case-folds, turns đ into
// d, and separates words with one space wherever a code point is not a letter or digit. The result
// equals folding the whole string with utf8proc at once (decomposition and case folding work per
// code point, and the marks they could reorder are dropped), but the folding of each code point
// below U+2100 (Latin, Vietnamese, general punctuation) is computed once and looked up: indexing a
// pull's findings spent most of its time in utf8proc.
std::string FoldNfc(std::string_view nfc);

}  // namespace fieldsync::search_fold
