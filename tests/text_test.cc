// Vietnamese text: NFC on input, invalid UTF-8 refused, accent-insensitive folding.
#include "fieldsync/text.h"

#include <gtest/gtest.h>

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
