#include "graph/ranking/query_resolver.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace citymatch {

namespace {

// Lower case, no leading or trailing blanks, single spaces: the data's
// programme names are long and some end in a space, which nobody types.
std::string Normalized(absl::string_view name) {
  return absl::AsciiStrToLower(absl::StrJoin(
      absl::StrSplit(name, absl::ByAnyChar(" \t"), absl::SkipEmpty()), " "));
}

}  // namespace

std::string ProgrammeAsStored(const GraphSnapshot& graph,
                              absl::string_view programme) {
  if (programme.empty() || graph.ProgrammeIndex(programme) >= 0) {
    return std::string(programme);
  }
  const std::string wanted = Normalized(programme);
  for (const std::string& name : graph.programmes()) {
    if (Normalized(name) == wanted) return name;
  }
  return std::string(programme);
}

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
  // Themes that all fail to resolve (typos, as a rule) leave a query without
  // members nothing to rank from but popularity, which answers no question.
  if (resolved.members.empty() && resolved.themes.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("a partner query without member cities needs a theme "
                     "the graph knows, got: ",
                     absl::StrJoin(query.themes, ", ")));
  }
  resolved.programme = ProgrammeAsStored(graph, query.programme);
  // A project not in this snapshot (deleted meanwhile) has nothing to hide.
  if (!query.project_id.empty()) {
    resolved.project = graph.ProjectIndex(query.project_id);
  }
  return resolved;
}

std::vector<std::string> UnplacedThemes(
    const GraphSnapshot& graph, const std::vector<std::string>& labels) {
  std::vector<std::string> unplaced;
  absl::flat_hash_set<absl::string_view> seen;
  for (const std::string& label : labels) {
    // One label at a time through the function ResolveQuery uses, so the two
    // cannot disagree.
    if (graph.ResolveThemes({label}).empty() && seen.insert(label).second) {
      unplaced.push_back(label);
    }
  }
  return unplaced;
}

}  // namespace citymatch
