#include "graph/ranking/partner_recommender.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "graph/ranking/query_resolver.h"
#include "graph/ranking/reasons.h"

namespace citymatch {

PartnerRecommender::PartnerRecommender()
    : PartnerRecommender(MakeCitymatchRanker()) {}

PartnerRecommender::PartnerRecommender(std::unique_ptr<Ranker> ranker)
    : ranker_(std::move(ranker)) {}

PartnerQuery PartnerRecommender::QueryFor(const Project& project) {
  PartnerQuery query;
  query.themes = project.themes;
  query.programme = project.programme;
  query.project_id = project.id;
  for (const Membership& m : project.members) {
    if (m.role == Role::kLead && query.lead_city_id.empty()) {
      query.lead_city_id = m.city_id;
    } else {
      query.member_city_ids.push_back(m.city_id);
    }
  }
  return query;
}

absl::StatusOr<std::vector<Recommendation>> PartnerRecommender::Recommend(
    const GraphSnapshot& graph, const PartnerQuery& query,
    const PartnerFilter& filter, int limit) const {
  if (limit < 1 || limit > kMaxResults) {
    return absl::InvalidArgumentError(
        absl::StrCat("limit must be in 1..", kMaxResults, ", got ", limit));
  }
  absl::StatusOr<ResolvedQuery> resolved = ResolveQuery(graph, query);
  if (!resolved.ok()) return resolved.status();
  if (filter.max_distance_km > 0 && resolved->members.empty()) {
    return absl::InvalidArgumentError(
        "a distance bound is measured from the member cities, and the query "
        "has none");
  }

  // The cheap filters first; the distance filter needs a haversine per
  // member, so it only runs on cities that come out of the heap.
  const int n = static_cast<int>(graph.cities().size());
  std::vector<char> allowed(n, 1);
  for (int m : resolved->members) allowed[m] = 0;
  for (const std::string& id : filter.exclude_city_ids) {
    const int c = graph.CityIndex(id);
    if (c < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("the filter excludes unknown city ", id));
    }
    allowed[c] = 0;
  }
  std::vector<std::string> countries;
  for (const std::string& c : filter.countries) {
    countries.push_back(absl::AsciiStrToUpper(c));
  }
  // Only a filter that needs them reads the cities (a City is a few hundred
  // bytes: touching all of them costs as much as a feature scan).
  if (!countries.empty() || filter.min_population > 0 ||
      filter.max_population > 0) {
    for (int c = 0; c < n; ++c) {
      if (!allowed[c]) continue;
      const City& city = graph.cities()[c];
      if (!countries.empty() && std::find(countries.begin(), countries.end(),
                                          city.country) == countries.end()) {
        allowed[c] = 0;
      }
      // A population bound excludes cities of unknown population: the
      // filter promises the bound holds.
      if (filter.min_population > 0 &&
          city.population < filter.min_population) {
        allowed[c] = 0;
      }
      if (filter.max_population > 0 &&
          (city.population == 0 || city.population > filter.max_population)) {
        allowed[c] = 0;
      }
    }
  }

  const ResolvedQuery& q = *resolved;
  auto select = [&](const std::vector<double>& scores) {
    // Best first: higher score, then smaller index (= smaller id).
    auto worse = [&scores](int a, int b) {
      return scores[a] != scores[b] ? scores[a] < scores[b] : a > b;
    };
    if (!(filter.max_distance_km > 0)) {
      // No filter left to apply: one pass keeping the best `limit` in a
      // small heap whose front is the worst of them (a heap of every city
      // was a tenth of a request).
      auto better = [&worse](int a, int b) { return worse(b, a); };
      std::vector<int> top;
      top.reserve(limit + 1);
      for (int c = 0; c < n; ++c) {
        if (!allowed[c]) continue;
        if (static_cast<int>(top.size()) < limit) {
          top.push_back(c);
          std::push_heap(top.begin(), top.end(), better);
        } else if (better(c, top.front())) {
          std::pop_heap(top.begin(), top.end(), better);
          top.back() = c;
          std::push_heap(top.begin(), top.end(), better);
        }
      }
      std::sort_heap(top.begin(), top.end(), better);
      return top;
    }
    std::vector<int> heap;
    heap.reserve(n);
    for (int c = 0; c < n; ++c) {
      if (allowed[c]) heap.push_back(c);
    }
    std::make_heap(heap.begin(), heap.end(), worse);
    std::vector<int> top;
    while (!heap.empty() && static_cast<int>(top.size()) < limit) {
      std::pop_heap(heap.begin(), heap.end(), worse);
      const int c = heap.back();
      heap.pop_back();
      int nearest;
      if (NearestMemberKm(graph, q, c, &nearest) > filter.max_distance_km) {
        continue;
      }
      top.push_back(c);
    }
    return top;
  };
  std::vector<double> scores;
  std::vector<int> top;
  std::vector<std::vector<ScoreComponent>> components =
      ranker_->ScoreAndExplain(graph, q, select, &scores, &top);
  std::vector<Recommendation> out;
  out.reserve(top.size());
  for (size_t i = 0; i < top.size(); ++i) {
    Recommendation r;
    r.city_id = graph.cities()[top[i]].id;
    r.score = scores[top[i]];
    r.components = std::move(components[i]);
    r.reasons = ExplainCandidate(graph, *resolved, top[i]);
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace citymatch
