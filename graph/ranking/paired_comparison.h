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

// Exact two-sided binomial test of k successes in n trials at p = 1/2.
double SignTestPValue(int k, int n);

// The 95% Wilson score interval of a proportion of `hits` in `n`.
std::pair<double, double> WilsonInterval(int hits, int n);

}  // namespace citymatch

#endif  // CITYMATCH_GRAPH_RANKING_PAIRED_COMPARISON_H_
