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

TEST(PairedComparisonTest, CountsTheUnitsWhereOneRankerHasTheLargerShare) {
  // Projects with every member hidden in turn: a unit counts for the ranker
  // with the larger share of hits; equal shares count for neither.
  const std::vector<double> a = {1, 0.5, 0.25, 0, 0.6};
  const std::vector<double> b = {0.5, 0.5, 0.75, 0, 0.4};
  const PairedHits h = CompareHitShares(a, b);
  EXPECT_EQ(h.queries, 5);
  EXPECT_EQ(h.only_a, 2);
  EXPECT_EQ(h.only_b, 1);
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

TEST(PairedComparisonTest, MeanShareIntervalIsTwoStandardErrorsWide) {
  // Mean 0.5, sample standard deviation 0.2582, standard error 0.1291.
  const auto [low, high] = MeanShareInterval({0.2, 0.4, 0.6, 0.8});
  EXPECT_NEAR(low, 0.5 - 1.96 * 0.1291, 5e-4);
  EXPECT_NEAR(high, 0.5 + 1.96 * 0.1291, 5e-4);
  // Clipped to [0, 1], and nothing to say from a single value.
  EXPECT_DOUBLE_EQ(MeanShareInterval({0, 0, 0.1}).first, 0.0);
  const auto [one_low, one_high] = MeanShareInterval({0.3});
  EXPECT_DOUBLE_EQ(one_low, 0.0);
  EXPECT_DOUBLE_EQ(one_high, 1.0);
}

}  // namespace
}  // namespace citymatch
