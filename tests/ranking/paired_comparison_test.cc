#include "graph/ranking/paired_comparison.h"

#include <vector>

#include "gtest/gtest.h"

namespace citymatch {
namespace {

TEST(PairedComparisonTest, CountsTheQueriesOnlyOneRankerHits) {
  //                  a hits:  y   y   n   y    n   n
  //                  b hits:  y   n   y   n    n   y
  const std::vector<int> a = {1, 10, 11, 3, 500, 40};
  const std::vector<int> b = {2, 11, 10, 90, 12, 9};
  const PairedHits h = CompareHits(a, b, 10);
  EXPECT_EQ(h.queries, 6);
  EXPECT_EQ(h.only_a, 2);
  EXPECT_EQ(h.only_b, 2);
  EXPECT_DOUBLE_EQ(h.p_value, 1.0);
}

TEST(PairedComparisonTest, SignTestMatchesTheBinomialTails) {
  // 0 of 5: 2 x (1/32).
  EXPECT_NEAR(SignTestPValue(0, 5), 2.0 / 32, 1e-12);
  EXPECT_NEAR(SignTestPValue(5, 5), 2.0 / 32, 1e-12);
  // 2 of 10: 2 x (1 + 10 + 45) / 1024.
  EXPECT_NEAR(SignTestPValue(2, 10), 2.0 * 56 / 1024, 1e-12);
  EXPECT_DOUBLE_EQ(SignTestPValue(5, 10), 1.0);
  EXPECT_DOUBLE_EQ(SignTestPValue(0, 0), 1.0);
  // Large n stays finite: 100 of 400 is far beyond chance.
  EXPECT_LT(SignTestPValue(100, 400), 1e-20);
  EXPECT_GT(SignTestPValue(100, 400), 0.0);
}

TEST(PairedComparisonTest, WilsonIntervalBracketsTheProportion) {
  // 23 of 172 (citymatch on URBACT): about 0.091 to 0.193.
  const auto [low, high] = WilsonInterval(23, 172);
  EXPECT_NEAR(low, 0.0908, 5e-4);
  EXPECT_NEAR(high, 0.1927, 5e-4);
  const auto [zero_low, zero_high] = WilsonInterval(0, 10);
  EXPECT_DOUBLE_EQ(zero_low, 0.0);
  EXPECT_NEAR(zero_high, 0.2775, 5e-4);
}

}  // namespace
}  // namespace citymatch
