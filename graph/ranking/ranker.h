// A Ranker scores every city of a snapshot as a partner for a query. The
// service's own ranker and the evaluation baselines share this interface, so
// the evaluation measures exactly what the service serves.
//
// Thread-safe: Score() is const and allocates its scratch space per call.
#ifndef CITYMATCH_GRAPH_RANKING_RANKER_H_
#define CITYMATCH_GRAPH_RANKING_RANKER_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "graph/graph_snapshot.h"

namespace citymatch {

// What partners are sought for: a project's themes, its programme and the
// cities already in it.
struct PartnerQuery {
  std::vector<std::string> themes;  // labels or theme ids
  std::string programme;            // may be empty
  std::vector<std::string> member_city_ids;
  std::string lead_city_id;  // may be empty; counted as a member
  // The stored project the query is for, if any (empty for a draft). It is
  // ranked as if it were not in the graph yet, as the evaluation hides its
  // projects: its own consortium is no evidence about its partners, and a
  // project in a new programme would otherwise be that programme's history.
  std::string project_id;
};

// A PartnerQuery resolved against one snapshot.
struct ResolvedQuery {
  std::vector<int> members;  // city indices, ascending, lead included
  int lead = -1;             // city index or -1
  std::vector<int> themes;   // theme indices, ascending
  std::string programme;
  int project = -1;  // project index of PartnerQuery::project_id, or -1
};

// One named part of a score.
struct ScoreComponent {
  std::string name;
  double value = 0;         // the signal, before weighting
  double contribution = 0;  // what it adds to the score
};

class Ranker {
 public:
  virtual ~Ranker() = default;

  // "citymatch", "popularity", "nearest", "adamic_adar", "ppr".
  virtual absl::string_view name() const = 0;

  // Sets (*scores)[c] for every city index c; higher is better. Scores of
  // member cities are ignored by callers.
  virtual void Score(const GraphSnapshot& graph, const ResolvedQuery& query,
                     std::vector<double>* scores) const = 0;

  // The parts of `city`'s score, for explanations. Rankers made of one
  // signal return that signal alone.
  virtual std::vector<ScoreComponent> Components(const GraphSnapshot& graph,
                                                 const ResolvedQuery& query,
                                                 int city) const = 0;

  // Components() of each of `cities`, in order. Rankers whose signals are
  // computed for all cities at once (a walk) override it to compute them
  // once instead of once per city.
  virtual std::vector<std::vector<ScoreComponent>> ComponentsFor(
      const GraphSnapshot& graph, const ResolvedQuery& query,
      const std::vector<int>& cities) const;

  // Chooses the cities to explain from the scores of all cities.
  using Selector = std::function<std::vector<int>(const std::vector<double>&)>;

  // Score(), then the components of the cities `select` picks (returned in
  // *selected, components in the same order). The default calls Score() and
  // ComponentsFor(); rankers with costly signals override it to compute
  // them once per request.
  virtual std::vector<std::vector<ScoreComponent>> ScoreAndExplain(
      const GraphSnapshot& graph, const ResolvedQuery& query,
      const Selector& select, std::vector<double>* scores,
      std::vector<int>* selected) const;
};

// The ranker the service uses.
std::unique_ptr<Ranker> MakeCitymatchRanker();

// The rankers of the evaluation, by name (RankerNames(), plus
// "ppr_no_twinnings" for ablations); nullptr for an unknown name.
std::unique_ptr<Ranker> MakeRanker(absl::string_view name);

// Every ranker name, the service's own first.
std::vector<std::string> RankerNames();

}  // namespace citymatch

#endif  // CITYMATCH_GRAPH_RANKING_RANKER_H_
