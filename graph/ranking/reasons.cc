#include "graph/ranking/reasons.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "graph/ranking/geo.h"

namespace citymatch {

namespace {

std::string Years(const Project& p) {
  if (p.start_year == 0 && p.end_year == 0) return "";
  if (p.end_year == 0 || p.end_year == p.start_year) {
    return absl::StrCat(p.start_year == 0 ? p.end_year : p.start_year);
  }
  if (p.start_year == 0) return absl::StrCat("until ", p.end_year);
  return absl::StrCat(p.start_year, "-", p.end_year);
}

// The last year `p` is known to have run: its end year, else (a project
// whose end the data does not give, as for most networks of 2018 and 2019)
// its start year; 0 if it has neither.
int LatestYear(const Project& p) {
  return p.end_year != 0 ? p.end_year : p.start_year;
}

// "Lyon", "Lyon and Porto", "Lyon, Porto and Riga".
std::string NameList(const GraphSnapshot& graph,
                     const std::vector<int>& cities) {
  std::vector<std::string> names;
  for (int c : cities) names.push_back(graph.cities()[c].name);
  if (names.size() <= 1) return absl::StrJoin(names, "");
  const std::string last = names.back();
  names.pop_back();
  return absl::StrCat(absl::StrJoin(names, ", "), " and ", last);
}

// A project's title in double quotes, unless the data wrote it in quotes
// of its own ("“Joint investments in energy effectiveness”", 11 shipped
// Interreg titles, „…“ and «…» too), which a second pair would double.
std::string QuotedTitle(const Project& p) {
  const std::string& title = p.title.empty() ? p.id : p.title;
  static constexpr absl::string_view kOpen[] = {"\"", "“", "„", "«"};
  static constexpr absl::string_view kClose[] = {"\"", "”", "“", "»"};
  const auto starts = [&](absl::string_view q) {
    return absl::StartsWith(title, q);
  };
  const auto ends = [&](absl::string_view q) {
    return absl::EndsWith(title, q);
  };
  if (title.size() > 2 &&
      std::any_of(std::begin(kOpen), std::end(kOpen), starts) &&
      std::any_of(std::begin(kClose), std::end(kClose), ends)) {
    return title;
  }
  return absl::StrCat("\"", title, "\"");
}

std::vector<int> Intersect(const std::vector<int>& a,
                           const std::vector<int>& b) {
  std::vector<int> out;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(),
                        std::back_inserter(out));
  return out;
}

}  // namespace

double NearestMemberKm(const GraphSnapshot& graph, const ResolvedQuery& query,
                       int city, int* nearest) {
  *nearest = -1;
  double best = 0;
  for (int m : query.members) {
    const double km = DistanceKm(graph.cities()[city], graph.cities()[m]);
    if (*nearest < 0 || km < best) {
      best = km;
      *nearest = m;
    }
  }
  return best;
}

std::vector<std::string> ExplainCandidate(const GraphSnapshot& graph,
                                          const ResolvedQuery& query, int city,
                                          const ReasonOptions& options) {
  std::vector<std::string> reasons;

  // Shared projects: those in the query's programme first (the evidence a
  // user of that programme cares about), then most shared partners, then
  // most recent.
  struct Shared {
    int project;
    std::vector<int> partners;
  };
  std::vector<Shared> shared;
  for (int p : graph.city_projects(city)) {
    std::vector<int> partners =
        Intersect(graph.project_members(p), query.members);
    if (!partners.empty()) shared.push_back({p, std::move(partners)});
  }
  std::sort(shared.begin(), shared.end(),
            [&](const Shared& a, const Shared& b) {
              const bool pa =
                  graph.projects()[a.project].programme == query.programme;
              const bool pb =
                  graph.projects()[b.project].programme == query.programme;
              if (pa != pb) return pa;
              if (a.partners.size() != b.partners.size()) {
                return a.partners.size() > b.partners.size();
              }
              const int ya = LatestYear(graph.projects()[a.project]);
              const int yb = LatestYear(graph.projects()[b.project]);
              return ya != yb ? ya > yb : a.project < b.project;
            });
  for (int i = 0; i < static_cast<int>(shared.size()); ++i) {
    if (i == options.max_shared_projects) {
      const size_t more = shared.size() - i;
      reasons.push_back(absl::StrCat("Shares ", more, " more project",
                                     more == 1 ? "" : "s",
                                     " with the members."));
      break;
    }
    const Project& p = graph.projects()[shared[i].project];
    std::vector<std::string> detail;
    if (!p.programme.empty()) detail.push_back(p.programme);
    if (std::string years = Years(p); !years.empty()) detail.push_back(years);
    // A proposal or a call still open for partners is cooperation to come,
    // not evidence of cooperation past: the sentence says which it is.
    const std::string partners = NameList(graph, shared[i].partners);
    const std::string title = QuotedTitle(p);
    std::string sentence;
    switch (p.status) {
      case ProjectStatus::kProposal:
      case ProjectStatus::kOpen:
        detail.push_back("not started");
        sentence = absl::StrCat("Is planning ", title, " with ", partners);
        break;
      case ProjectStatus::kRunning:
        sentence = absl::StrCat("Works with ", partners, " in ", title);
        break;
      default:
        sentence = absl::StrCat("Worked with ", partners, " in ", title);
    }
    reasons.push_back(absl::StrCat(
        sentence,
        detail.empty() ? ""
                       : absl::StrCat(" (", absl::StrJoin(detail, ", "), ")"),
        "."));
  }

  // Practices on the wanted themes.
  int practices = 0;
  for (int pr : graph.city_practices(city)) {
    const std::vector<int> themes =
        Intersect(graph.practice_themes(pr), query.themes);
    if (themes.empty()) continue;
    if (practices++ == options.max_practices) break;
    std::vector<std::string> names;
    for (int t : themes) {
      const std::string& id = graph.theme_ids()[t];
      const ThemeDefinition* def = graph.taxonomy().Find(id);
      names.push_back(def != nullptr ? def->display_name
                                     : id.substr(id.find(':') + 1));
    }
    const Practice& practice = graph.practices()[pr];
    reasons.push_back(absl::StrCat("Runs the practice \"", practice.title,
                                   "\" on ", absl::StrJoin(names, ", "), "."));
  }

  // Twinnings with members.
  const std::vector<int> twins =
      Intersect(graph.city_twins(city), query.members);
  if (!twins.empty()) {
    reasons.push_back(
        absl::StrCat("Twinned with ", NameList(graph, twins), "."));
  }

  // Distance.
  int nearest;
  const double km = NearestMemberKm(graph, query, city, &nearest);
  if (nearest >= 0) {
    reasons.push_back(absl::StrFormat("%.0f km from %s, the nearest member.",
                                      km, graph.cities()[nearest].name));
  }

  // Experience: the projects the city took part in, over or under way. A
  // proposal or a call still open for partners is not participation yet: it
  // is counted apart.
  std::vector<int> projects;
  int planned = 0;
  for (int p : graph.city_projects(city)) {
    const ProjectStatus status = graph.projects()[p].status;
    if (status == ProjectStatus::kProposal || status == ProjectStatus::kOpen) {
      ++planned;
    } else {
      projects.push_back(p);
    }
  }
  std::string sentence;
  if (projects.empty()) {
    sentence = "No past project in the data";
  } else {
    sentence = absl::StrCat("Took part in ", projects.size(),
                            projects.size() == 1 ? " project" : " projects");
    // Only a programme the graph has: "0 of them in Interreg" would deny
    // every project of the programmes whose names merely contain the word.
    if (graph.ProgrammeIndex(query.programme) >= 0) {
      int same = 0;
      for (int p : projects)
        same += graph.projects()[p].programme == query.programme;
      absl::StrAppend(&sentence, ", ", same, " of them in ", query.programme);
    }
    int on_theme = 0;
    for (int p : projects) {
      on_theme += !Intersect(graph.project_themes(p), query.themes).empty();
    }
    if (!query.themes.empty()) {
      absl::StrAppend(&sentence, "; ", on_theme, " on the wanted themes");
    }
  }
  if (planned > 0) {
    absl::StrAppend(&sentence, "; ", planned,
                    projects.empty() ? " planned" : " more planned");
  }
  reasons.push_back(absl::StrCat(sentence, "."));
  return reasons;
}

}  // namespace citymatch
