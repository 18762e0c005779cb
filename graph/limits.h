// Bounds on values that the service refuses outside them and the CLI checks
// before a call. Header only: the CLI links no domain code.
#ifndef CITYMATCH_GRAPH_LIMITS_H_
#define CITYMATCH_GRAPH_LIMITS_H_

#include <cstdint>

namespace citymatch {

// The most inhabitants a city may have. The largest cities hold about 40
// million people (Tokyo's metropolitan area; the largest city of the
// shipped data, Shanghai, 22 million), and none 100 million: a larger value
// is a typo or a unit error. Unbounded, it would do harm: the ranker scores
// the logarithm of the population, and a city of 12 billion topped every
// recommendation that did not name members.
inline constexpr int64_t kMaxPopulation = 100'000'000;

}  // namespace citymatch

#endif  // CITYMATCH_GRAPH_LIMITS_H_
