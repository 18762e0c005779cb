#include "graph/name_folding.h"

#include "gtest/gtest.h"

namespace citymatch {
namespace {

TEST(NameFoldingTest, AsciiIsLowerCased) {
  EXPECT_EQ(FoldName("Milan"), "milan");
  EXPECT_EQ(FoldName("SAN SEBASTIAN"), "san sebastian");
  EXPECT_EQ(FoldName(""), "");
}

TEST(NameFoldingTest, AccentsAreDropped) {
  EXPECT_EQ(FoldName("München"), "munchen");
  EXPECT_EQ(FoldName("Malmö"), "malmo");
  EXPECT_EQ(FoldName("ÉVORA"), "evora");
  EXPECT_EQ(FoldName("Plzeň"), "plzen");
  EXPECT_EQ(FoldName("Timișoara"), "timisoara");
}

TEST(NameFoldingTest, LettersThatDoNotDecomposeBecomeAscii) {
  EXPECT_EQ(FoldName("Łódź"), "lodz");
  EXPECT_EQ(FoldName("Køge"), "koge");
  EXPECT_EQ(FoldName("Ærøskøbing"), "aeroskobing");
  EXPECT_EQ(FoldName("Straße"), "strasse");
  EXPECT_EQ(FoldName("Sant’Antioco"), "sant'antioco");
}

TEST(NameFoldingTest, OtherScriptsAreOnlyCaseFolded) {
  EXPECT_EQ(FoldName("Москва"), "москва");
  EXPECT_EQ(FoldName("МОСКВА"), FoldName("москва"));
}

}  // namespace
}  // namespace citymatch
