// Vietnamese text: NFC on input, invalid UTF-8 refused, accent-insensitive folding.
#include "fieldsync/text.h"

#include <gtest/gtest.h>
#include <utf8proc.h>

#include <cstdlib>
#include <random>

namespace fieldsync {
namespace {

// "Cần Giờ" typed on a keyboard that sends decomposed (NFD) sequences.
const std::string kCanGioNfd = "Ca\xCC\x82\xCC\x80n Gio\xCC\x9B\xCC\x80";
const std::string kCanGioNfc = "Cần Giờ";

TEST(Text, NormalizesDecomposedInputToNfc) {
  auto r = NormalizeText(kCanGioNfd);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, kCanGioNfc);
  EXPECT_NE(kCanGioNfd, kCanGioNfc);
}

// NormalizeText skips normalising text made of code points that are always NFC. Random strings
// mixing those with combining marks, singletons (Ω U+2126, Å U+212B), Hangul jamo and code points
// just outside the fast ranges must still come out exactly as a full NFC normalisation.
TEST(Text, NfcFastPathAgreesWithFullNormalisation) {
  const char32_t pieces[] = {U'a', U'Z', U' ', U'\u00A0', U'đ', U'ư', U'ơ', U'\u02FF', U'\u0300', U'\u0301', U'\u0309',
                             U'\u0323', U'\u0302', U'\u031B', U'ạ', U'ấ', U'ỹ', U'\u1DFF', U'\u1F00', U'\u2013',
                             U'\u201C', U'\u2026', U'\u2028', U'\u2126', U'\u212B', U'\u1100', U'\u1161',
                             U'\u0958', U'\u0340', U'\uF900', U'\u2000', U'\u200F'};
  std::mt19937 rng(20231107);
  for (int round = 0; round < 5000; ++round) {
    std::string text;
    const int length = static_cast<int>(rng() % 12);
    for (int i = 0; i < length; ++i) {
      utf8proc_uint8_t buf[4];
      auto n = utf8proc_encode_char(static_cast<utf8proc_int32_t>(pieces[rng() % std::size(pieces)]), buf);
      text.append(reinterpret_cast<char*>(buf), static_cast<size_t>(n));
    }
    utf8proc_uint8_t* reference = utf8proc_NFC(reinterpret_cast<const utf8proc_uint8_t*>(text.c_str()));
    ASSERT_NE(reference, nullptr);
    const std::string expected(reinterpret_cast<char*>(reference));
    std::free(reference);
    auto normalized = NormalizeText(text);
    ASSERT_TRUE(normalized.ok());
    ASSERT_EQ(*normalized, expected) << "round " << round;
    EXPECT_EQ(FoldForSearch(text), FoldForSearch(expected)) << "round " << round;
  }
}

// The folding as it was first written: the whole NFC string through utf8proc at once, then
// đ to d and non-letters to one space between words. FoldForSearch folds code point by code point
// from a table; both must agree on everything.
std::string WholeStringFold(const std::string& nfc) {
  utf8proc_uint8_t* out = nullptr;
  const auto n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(nfc.data()),
                              static_cast<utf8proc_ssize_t>(nfc.size()), &out,
                              static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_DECOMPOSE |
                                                             UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD));
  std::string folded;
  bool pending_space = false;
  for (utf8proc_ssize_t pos = 0; n > 0 && pos < n;) {
    utf8proc_int32_t cp;
    const auto len = utf8proc_iterate(out + pos, n - pos, &cp);
    pos += len;
    if (cp == 0x0111) cp = 'd';
    const auto category = utf8proc_category(cp);
    if (!((category >= UTF8PROC_CATEGORY_LU && category <= UTF8PROC_CATEGORY_LO) || category == UTF8PROC_CATEGORY_ND)) {
      pending_space = !folded.empty();
      continue;
    }
    if (pending_space) folded.push_back(' ');
    pending_space = false;
    utf8proc_uint8_t buf[4];
    folded.append(reinterpret_cast<char*>(buf), static_cast<size_t>(utf8proc_encode_char(cp, buf)));
  }
  std::free(out);
  return folded;
}

std::string Nfc(const std::string& text) {
  utf8proc_uint8_t* out = utf8proc_NFC(reinterpret_cast<const utf8proc_uint8_t*>(text.c_str()));
  std::string nfc = out ? reinterpret_cast<char*>(out) : "";
  std::free(out);
  return nfc;
}

TEST(Text, TableFoldAgreesWithWholeStringFold) {
  // Every code point of the BMP on its own, between letters (so a separator shows) ...
  for (utf8proc_int32_t cp = 1; cp < 0x10000; ++cp) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    utf8proc_uint8_t buf[4];
    const std::string text = "a" + std::string(reinterpret_cast<char*>(buf),
                                               static_cast<size_t>(utf8proc_encode_char(cp, buf))) + "b";
    const std::string nfc = Nfc(text);
    ASSERT_EQ(FoldForSearch(nfc), WholeStringFold(nfc)) << "U+" << std::hex << cp;
  }
  // ... and random mixtures of Vietnamese letters, marks, punctuation and other scripts.
  const char32_t pieces[] = {U'a', U'Đ', U'đ', U'Ư', U'ơ', U' ', U',', U'–', U'“', U'…', U'̀', U'̣',
                             U'ạ', U'Ấ', U'ỹ', U'ß', U'ǅ', U'῭', U'Ω', U'Å', U'한', U'中', U'٣', U' ',
                             U'😀', U'𝐀', U'ﬁ'};
  std::mt19937 rng(20261202);
  for (int round = 0; round < 5000; ++round) {
    std::string text;
    for (int i = 0, length = static_cast<int>(rng() % 16); i < length; ++i) {
      utf8proc_uint8_t buf[4];
      auto n = utf8proc_encode_char(static_cast<utf8proc_int32_t>(pieces[rng() % std::size(pieces)]), buf);
      text.append(reinterpret_cast<char*>(buf), static_cast<size_t>(n));
    }
    const std::string nfc = Nfc(text);
    ASSERT_EQ(FoldForSearch(text), WholeStringFold(nfc)) << "round " << round;
  }
}

TEST(Text, RejectsInvalidUtf8WithOffset) {
  auto r = NormalizeText("ok \xC3\x28 bad", "--results");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("--results"), std::string::npos);
  EXPECT_NE(r.status().message().find("UTF-8"), std::string::npos);
  EXPECT_NE(r.status().message().find("offset 3"), std::string::npos);
  EXPECT_FALSE(NormalizeText(std::string("a\0b", 3)).ok()) << "NUL bytes are refused";
  EXPECT_FALSE(NormalizeText("\xED\xA0\x80").ok()) << "UTF-16 surrogates are refused";
}

TEST(Text, FoldsDiacriticsCaseAndDStroke) {
  EXPECT_EQ(FoldForSearch("Cần Giờ"), "can gio");
  EXPECT_EQ(FoldForSearch(kCanGioNfd), "can gio");
  EXPECT_EQ(FoldForSearch("thỏa ước lao động tập thể"), "thoa uoc lao dong tap the");
  EXPECT_EQ(FoldForSearch("ĐẢNG ủy – Đoàn"), "dang uy doan");
  EXPECT_EQ(FoldForSearch("tổ dân phố,…  (2023)"), "to dan pho 2023");
}

TEST(Text, MatchesEveryTermAnywhere) {
  std::string folded = FoldForSearch("việc xây dựng và thực hiện thỏa ước lao động tập thể");
  EXPECT_TRUE(MatchesAllTerms(folded, SearchTerms("thoa uoc")));
  EXPECT_TRUE(MatchesAllTerms(folded, SearchTerms("LAO ĐỘNG thỏa")));
  EXPECT_FALSE(MatchesAllTerms(folded, SearchTerms("thoa uoc doanh nghiep")));
  EXPECT_FALSE(MatchesAllTerms(folded, SearchTerms("  ,, ")));
  EXPECT_TRUE(MatchesAllTerms(folded, SearchTerms("thoa uo"))) << "word prefixes match while typing";
  EXPECT_FALSE(MatchesAllTerms(FoldForSearch("cuộc vận động"), SearchTerms("uoc"))) << "not mid-word";
}

}  // namespace
}  // namespace fieldsync
