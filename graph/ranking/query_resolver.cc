#include "graph/ranking/query_resolver.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace citymatch {

absl::StatusOr<ResolvedQuery> ResolveQuery(const GraphSnapshot& graph,
                                           const PartnerQuery& query) {
  if (query.themes.empty() && query.member_city_ids.empty() &&
      query.lead_city_id.empty()) {
    return absl::InvalidArgumentError(
        "a partner query needs themes or member cities");
  }
  ResolvedQuery resolved;
  for (const std::string& id : query.member_city_ids) {
    const int c = graph.CityIndex(id);
    if (c < 0) return absl::NotFoundError(absl::StrCat("unknown city ", id));
    resolved.members.push_back(c);
  }
  if (!query.lead_city_id.empty()) {
    resolved.lead = graph.CityIndex(query.lead_city_id);
    if (resolved.lead < 0) {
      return absl::NotFoundError(
          absl::StrCat("unknown lead city ", query.lead_city_id));
    }
    resolved.members.push_back(resolved.lead);
  }
  std::sort(resolved.members.begin(), resolved.members.end());
  resolved.members.erase(
      std::unique(resolved.members.begin(), resolved.members.end()),
      resolved.members.end());
  resolved.themes = graph.ResolveThemes(query.themes);
  resolved.programme = query.programme;
  // A project not in this snapshot (deleted meanwhile) has nothing to hide.
  if (!query.project_id.empty()) {
    resolved.project = graph.ProjectIndex(query.project_id);
  }
  return resolved;
}

}  // namespace citymatch
