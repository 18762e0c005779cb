#include "graph/ranking/paired_comparison.h"

#include <algorithm>
#include <cmath>

namespace citymatch {
namespace {

constexpr double kZ95 = 1.959963984540054;  // two-sided 95% normal quantile

}  // namespace

PairedHits CompareHits(const std::vector<int>& ranks_a,
                       const std::vector<int>& ranks_b, int k) {
  std::vector<double> a, b;
  for (int rank : ranks_a) a.push_back(rank <= k ? 1 : 0);
  for (int rank : ranks_b) b.push_back(rank <= k ? 1 : 0);
  return CompareHitShares(a, b);
}

PairedHits CompareHitShares(const std::vector<double>& share_a,
                            const std::vector<double>& share_b) {
  PairedHits out;
  out.queries = static_cast<int>(share_a.size());
  for (size_t i = 0; i < share_a.size(); ++i) {
    if (share_a[i] > share_b[i]) ++out.only_a;
    if (share_b[i] > share_a[i]) ++out.only_b;
  }
  out.p_value = SignTestPValue(out.only_a, out.only_a + out.only_b);
  return out;
}

double SignTestPValue(int k, int n) {
  if (n <= 0) return 1;
  const int tail = std::min(k, n - k);
  // Sum of C(n, i) / 2^n for i <= tail, in logs: n reaches the hundreds.
  double sum = 0;
  for (int i = 0; i <= tail; ++i) {
    sum += std::exp(std::lgamma(n + 1.0) - std::lgamma(i + 1.0) -
                    std::lgamma(n - i + 1.0) - n * std::log(2.0));
  }
  return std::min(1.0, 2 * sum);
}

std::pair<double, double> WilsonInterval(int hits, int n) {
  if (n <= 0) return {0, 1};
  constexpr double z = kZ95;
  const double p = static_cast<double>(hits) / n;
  const double denominator = 1 + z * z / n;
  const double centre = (p + z * z / (2 * n)) / denominator;
  const double half =
      z * std::sqrt(p * (1 - p) / n + z * z / (4.0 * n * n)) / denominator;
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

std::pair<double, double> MeanShareInterval(const std::vector<double>& values) {
  const size_t n = values.size();
  if (n < 2) return {0, 1};
  double sum = 0;
  for (double v : values) sum += v;
  const double mean = sum / n;
  double squares = 0;
  for (double v : values) squares += (v - mean) * (v - mean);
  const double half = kZ95 * std::sqrt(squares / (n - 1) / n);
  return {std::max(0.0, mean - half), std::min(1.0, mean + half)};
}

}  // namespace citymatch
