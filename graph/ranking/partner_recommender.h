// PartnerRecommender answers "which cities should join this project?": it
// resolves the query, lets a Ranker score every city, applies the filters,
// keeps the best and explains each with evidence from the graph.
//
// Thread-safe: Recommend() is const.
#ifndef CITYMATCH_GRAPH_RANKING_PARTNER_RECOMMENDER_H_
#define CITYMATCH_GRAPH_RANKING_PARTNER_RECOMMENDER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "graph/graph_snapshot.h"
#include "graph/ranking/ranker.h"

namespace citymatch {

// Which cities may be recommended; every condition must hold.
struct PartnerFilter {
  std::vector<std::string> countries;  // ISO codes, any case; empty: any
  // 0: no bound. With a bound, cities of unknown population (0) are left
  // out: the filter promises the bound holds.
  int64_t min_population = 0;
  int64_t max_population = 0;
  // Great-circle km to the nearest member; 0: no bound. A query without
  // members has nothing to measure from: a bound is refused there.
  double max_distance_km = 0;
  // Ids of cities of the snapshot; any other id is refused (most likely a
  // name typed for an id, it would exclude nothing).
  std::vector<std::string> exclude_city_ids;
};

struct Recommendation {
  std::string city_id;
  double score = 0;
  // The ranker's named parts of the score (for the citymatch ranker they add
  // up to `score`).
  std::vector<ScoreComponent> components;
  std::vector<std::string> reasons;  // sentences citing evidence (reasons.h)
};

class PartnerRecommender {
 public:
  static constexpr int kMaxResults = 100;

  // Uses MakeCitymatchRanker().
  PartnerRecommender();
  explicit PartnerRecommender(std::unique_ptr<Ranker> ranker);

  // The best `limit` cities for `query` that pass `filter`, best first, ties
  // broken by city id; fewer if fewer pass. Member cities never appear.
  // NotFound if a member or lead city is unknown; InvalidArgument if `limit` is
  // not in 1..kMaxResults, the query has no members and no theme the graph
  // knows, the filter excludes a city the snapshot does not have, or it
  // bounds the distance to the members of a query without members.
  absl::StatusOr<std::vector<Recommendation>> Recommend(
      const GraphSnapshot& graph, const PartnerQuery& query,
      const PartnerFilter& filter, int limit) const;

  // The query for a stored project: its themes, programme, members and lead,
  // ranked as if the project were not in the graph (PartnerQuery::project_id).
  static PartnerQuery QueryFor(const Project& project);

 private:
  std::unique_ptr<Ranker> ranker_;
};

}  // namespace citymatch

#endif  // CITYMATCH_GRAPH_RANKING_PARTNER_RECOMMENDER_H_
