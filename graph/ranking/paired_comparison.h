// How sure a difference in Hit@10 is: two rankers compared on the same test
// queries. With 172 or 109 queries a gap of a few queries is within chance,
// and a table of means does not say so; the queries only one of the two
// rankers puts in its top k do.
//
// Thread-safe: pure functions.
#ifndef CITYMATCH_GRAPH_RANKING_PAIRED_COMPARISON_H_
#define CITYMATCH_GRAPH_RANKING_PAIRED_COMPARISON_H_

#include <utility>
#include <vector>

namespace citymatch {

struct PairedHits {
  int queries = 0;
  int only_a = 0;  // queries in a's top k and not in b's
  int only_b = 0;  // and the other way round
  // Exact two-sided sign test (McNemar's exact test) of only_a against
  // only_b: the chance of a split at least this uneven if neither ranker
  // were better. 1 when no query separates them.
  double p_value = 1;
};

// ranks_a[i] and ranks_b[i] are the 1-based ranks of query i's hidden city.
// REQUIRES: ranks_a.size() == ranks_b.size().
PairedHits CompareHits(const std::vector<int>& ranks_a,
                       const std::vector<int>& ranks_b, int k);

// The same over units that each hold several queries (a project with
// every member hidden in turn): share_a[i] and share_b[i] are the shares of
// unit i's queries that a and b put in their top k, and a unit counts for
// a when its share is larger. The queries of a unit are not independent,
// its units are: the test is over the units. `queries` is their number.
// REQUIRES: share_a.size() == share_b.size().
PairedHits CompareHitShares(const std::vector<double>& share_a,
                            const std::vector<double>& share_b);

// Exact two-sided binomial test of k successes in n trials at p = 1/2.
double SignTestPValue(int k, int n);

// The 95% Wilson score interval of a proportion of `hits` in `n`.
std::pair<double, double> WilsonInterval(int hits, int n);

// The 95% normal interval of the mean of `values` (mean +- 1.96 standard
// errors, clipped to [0, 1]): for a mean of shares, where Wilson's interval
// of a count does not apply. {0, 1} for fewer than two values.
std::pair<double, double> MeanShareInterval(const std::vector<double>& values);

}  // namespace citymatch

#endif  // CITYMATCH_GRAPH_RANKING_PAIRED_COMPARISON_H_
