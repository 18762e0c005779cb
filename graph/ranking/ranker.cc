#include "graph/ranking/ranker.h"

#include "graph/ranking/adamic_adar_ranker.h"
#include "graph/ranking/citymatch_ranker.h"
#include "graph/ranking/nearest_ranker.h"
#include "graph/ranking/popularity_ranker.h"
#include "graph/ranking/ppr_ranker.h"

namespace citymatch {

std::vector<std::vector<ScoreComponent>> Ranker::ComponentsFor(
    const GraphSnapshot& graph, const ResolvedQuery& query,
    const std::vector<int>& cities) const {
  std::vector<std::vector<ScoreComponent>> out;
  out.reserve(cities.size());
  for (int c : cities) out.push_back(Components(graph, query, c));
  return out;
}

std::vector<std::vector<ScoreComponent>> Ranker::ScoreAndExplain(
    const GraphSnapshot& graph, const ResolvedQuery& query,
    const Selector& select, std::vector<double>* scores,
    std::vector<int>* selected) const {
  Score(graph, query, scores);
  *selected = select(*scores);
  return ComponentsFor(graph, query, *selected);
}

std::unique_ptr<Ranker> MakeCitymatchRanker() {
  return std::make_unique<CitymatchRanker>();
}

std::unique_ptr<Ranker> MakeRanker(absl::string_view name) {
  if (name == "citymatch") return MakeCitymatchRanker();
  if (name == "popularity") return std::make_unique<PopularityRanker>();
  if (name == "nearest") return std::make_unique<NearestRanker>();
  if (name == "adamic_adar") return std::make_unique<AdamicAdarRanker>();
  if (name == "ppr") return std::make_unique<PprRanker>();
  // Not in RankerNames(): the ablation of docs/ranking.md.
  if (name == "ppr_no_twinnings") {
    RandomWalkOptions options;
    options.follow_twinnings = false;
    return std::make_unique<PprRanker>(options);
  }
  return nullptr;
}

std::vector<std::string> RankerNames() {
  return {"citymatch", "popularity", "nearest", "adamic_adar", "ppr"};
}

}  // namespace citymatch
