#include "graph/ranking/query_resolver.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "graph/edit_distance.h"

namespace citymatch {

namespace {

// What a programme name is compared by: its ASCII letters and digits in lower
// case and any other non-ASCII bytes, without blanks, punctuation or dashes
// (U+2010 to U+2015). The data writes "Croatia-Serbia" beside "Croatia –
// Bosnia", some names end in a blank or a full stop, and nobody types them
// as they are stored.
std::string ProgrammeKey(absl::string_view name) {
  std::string key;
  for (size_t i = 0; i < name.size(); ++i) {
    const unsigned char c = name[i];
    if (absl::ascii_isalnum(c)) {
      key.push_back(absl::ascii_tolower(c));
    } else if (c == 0xE2 && i + 2 < name.size() &&
               static_cast<unsigned char>(name[i + 1]) == 0x80 &&
               static_cast<unsigned char>(name[i + 2]) >= 0x90 &&
               static_cast<unsigned char>(name[i + 2]) <= 0x95) {
      i += 2;  // a dash
    } else if (c >= 0x80) {
      key.push_back(name[i]);
    }
  }
  return key;
}

}  // namespace

std::string ProgrammeAsStored(const GraphSnapshot& graph,
                              absl::string_view programme) {
  if (programme.empty() || graph.ProgrammeIndex(programme) >= 0) {
    return std::string(programme);
  }
  const std::string wanted = ProgrammeKey(programme);
  if (wanted.empty()) return std::string(programme);
  for (const std::string& name : graph.programmes()) {
    if (ProgrammeKey(name) == wanted) return name;
  }
  return std::string(programme);
}

std::string SuggestProgramme(const GraphSnapshot& graph,
                             absl::string_view programme) {
  const std::string wanted = ProgrammeKey(programme);
  if (wanted.size() < 3) return "";
  // A part of a name ("Romania Bulgaria" for "2014 - 2020 INTERREG V-A
  // Romania - Bulgaria"): the shortest name that holds it.
  const std::string* best = nullptr;
  for (const std::string& name : graph.programmes()) {
    if (absl::StrContains(ProgrammeKey(name), wanted) &&
        (best == nullptr || name.size() < best->size())) {
      best = &name;
    }
  }
  if (best != nullptr) return *best;
  // Else a near miss: a typo every six characters or so.
  const int limit = std::max<int>(2, wanted.size() / 6);
  int best_distance = limit + 1;
  for (const std::string& name : graph.programmes()) {
    const int d = EditDistance(wanted, ProgrammeKey(name), limit);
    if (d < best_distance) {
      best_distance = d;
      best = &name;
    }
  }
  return best != nullptr ? *best : "";
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
