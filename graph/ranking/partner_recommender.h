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
  std::vector<std::string> countries;  // empty: any
  int64_t min_population = 0;          // 0: no bound
  int64_t max_population = 0;          // 0: no bound
  double max_distance_km = 0;          // to the nearest member; 0: no bound
  std::vector<std::string> exclude_city_ids;
};

struct Recommendation {
  std::string city_id;
  double score = 0;
  std::vector<ScoreComponent> components;
  std::vector<std::string> reasons;  // sentences citing evidence
};

class PartnerRecommender {
 public:
  static constexpr int kMaxResults = 100;

  // Uses MakeCitymatchRanker().
  PartnerRecommender();
  explicit PartnerRecommender(std::unique_ptr<Ranker> ranker);

  // The best `limit` cities for `query`, best first, ties broken by city id.
  // Member cities never appear. NotFound if a member or lead city is
  // unknown; InvalidArgument if `limit` is not in 1..kMaxResults or the query
  // has neither themes nor members.
  absl::StatusOr<std::vector<Recommendation>> Recommend(
      const GraphSnapshot& graph, const PartnerQuery& query,
      const PartnerFilter& filter, int limit) const;

  // The query for a stored project: its themes, programme, members and lead.
  static PartnerQuery QueryFor(const Project& project);

 private:
  std::unique_ptr<Ranker> ranker_;
};

}  // namespace citymatch

#endif  // CITYMATCH_GRAPH_RANKING_PARTNER_RECOMMENDER_H_
