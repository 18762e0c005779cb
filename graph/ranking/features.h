// Per-candidate features of a partner query: the signals the citymatch
// ranker weighs, computed for every city of a snapshot in one pass so that a
// query costs one random walk plus a few linear scans.
//
// Every feature is "higher means more like a partner" or left for the learned
// weight to sign; all are plain functions of the graph and the query, and
// none names a programme, a country or a theme.
//
// Thread-safe: ComputeFeatures() is a pure function; scratch space per call.
#ifndef CITYMATCH_GRAPH_RANKING_FEATURES_H_
#define CITYMATCH_GRAPH_RANKING_FEATURES_H_

#include <vector>

#include "graph/graph_snapshot.h"
#include "graph/ranking/random_walk.h"
#include "graph/ranking/ranker.h"

namespace citymatch {

enum Feature : int {
  // log of the candidate's personalised PageRank (walk without twinnings,
  // restarting half on the members, half on the query's themes).
  kPpr,
  // log1p of the Adamic-Adar sum over projects shared with the members.
  kCoMembership,
  // log1p of the number of members the candidate is twinned with.
  kTwinned,
  // log1p of the candidate's number of projects.
  kExperience,
  // log1p of the candidate's projects in the query's programme.
  kProgrammeExperience,
  // log of the share of the programme's past memberships that are in the
  // candidate's country (smoothed): who the programme recruits from.
  kProgrammeCountry,
  // log1p(km to the nearest member / 50).
  kDistance,
  // kDistance times the programme's geographic tightness in [0, 1] (how
  // close its past consortia were; from the members when the programme has
  // no history): distance matters for cross-border work, not for networks.
  kDistanceTight,
  // 1 if a member is in the candidate's country.
  kSameCountry,
  // kSameCountry times the programme's country repetition rate (how often
  // its consortia hold two cities of one country).
  kSameCountryRepeat,
  // -|log population - mean log population of the members|.
  kPopulationGap,
  // log population (unknown counts as 5,000 inhabitants).
  kPopulation,
  // log1p of the candidate's projects on one of the query's themes.
  kThemeProjects,
  // log1p of the candidate's practices on one of the query's themes.
  kThemePractices,
  // -|log population - mean log population of the programme's past
  // members|: the size of city the programme works with.
  kProgrammePopulationGap,
  // log1p of the programme's past memberships within about 100 km (the
  // candidate's 1-degree cell and its eight neighbours): the programme's
  // eligible area, finer than its countries.
  kProgrammeDensity,
  // log1p of the Adamic-Adar sum over shared projects of the query's
  // programme only.
  kProgrammeCoMembership,
  // -|mean start year of the candidate's projects - that of the members'|
  // in decades (0 if either has none): networks recruit from cities active
  // in the same period.
  kEraGap,
  kNumFeatures
};

// "ppr", "co_membership", ...: stable names, used as component names.
const char* FeatureName(int feature);

// True for the features that need the programme's history.
bool IsProgrammeFeature(int feature);

// How far a query with this tightness belongs to the "loose" family of
// programmes (continental networks) rather than the "tight" one (cross-border
// neighbours): 1 up to a tightness of 0.2 (consortia spread over 800 km and
// more), 0 from 0.5 (within 200 km), linear in between.
double LooseShare(double tightness);

struct FeatureOptions {
  // No twinnings (they pull the walk towards well-twinned cities; as a
  // separate feature they help a little). alpha 0.7 and 8 iterations: a
  // more local walk ranked as well as 0.85 on the evaluation, and 8
  // iterations (error below 0.7^8 = 6%, in a feature that enters as a log)
  // ranked as well as 40 at a fifth of the cost.
  RandomWalkOptions walk = [] {
    RandomWalkOptions o;
    o.follow_twinnings = false;
    o.alpha = 0.7;
    o.max_iterations = 8;
    return o;
  }();
  double member_restart_share = 0.5;
};

// The feature matrix of one query: a value per city index and feature.
struct QueryFeatures {
  int num_cities = 0;
  // kNumFeatures x num_cities, one column per feature: each feature's scan
  // writes one contiguous run, and the scores are a sum of columns. (Row
  // by row, every scan touched the whole half-megabyte matrix.)
  std::vector<float> values;
  // Whether the query's programme has past projects in the graph; the
  // programme features are 0 for every city otherwise.
  bool has_programme_history = false;
  bool has_themes = false;
  // The programme's geographic tightness in [0, 1] (see kDistanceTight).
  double tightness = 0.5;
  // The walk's distribution over all vertices, kept for reuse.
  std::vector<double> walk;

  // Sizes the matrix for `cities` cities, every value 0.
  void Reset(int cities) {
    num_cities = cities;
    values.assign(static_cast<size_t>(cities) * kNumFeatures, 0.0f);
  }
  float at(int city, int feature) const {
    return values[static_cast<size_t>(feature) * num_cities + city];
  }
  float& at(int city, int feature) {
    return values[static_cast<size_t>(feature) * num_cities + city];
  }
  const float* column(int feature) const {
    return &values[static_cast<size_t>(feature) * num_cities];
  }
};

void ComputeFeatures(const GraphSnapshot& graph, const ResolvedQuery& query,
                     const FeatureOptions& options, QueryFeatures* out);

// As above, but reuses `walk` (from an earlier call for a query with the same
// members and themes) instead of walking again: for training, which needs
// each query's features with and without its programme.
void ComputeFeaturesWithWalk(const GraphSnapshot& graph,
                             const ResolvedQuery& query,
                             const FeatureOptions& options,
                             std::vector<double> walk, QueryFeatures* out);

}  // namespace citymatch

#endif  // CITYMATCH_GRAPH_RANKING_FEATURES_H_
