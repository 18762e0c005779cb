#include "server/matching_service.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "graph/ranking/query_resolver.h"
#include "server/call_helpers.h"
#include "server/proto_convert.h"
#include "server/resource_names.h"
#include "server/status_util.h"

namespace citymatch {

namespace {

// Parses "cities/{id}" references, reporting each bad or repeated one.
std::vector<std::string> CityIds(
    const google::protobuf::RepeatedPtrField<std::string>& names,
    const std::string& field, std::vector<FieldViolation>* violations) {
  std::vector<std::string> ids;
  for (ListedCity& city : ParseCityList(names, field, violations)) {
    ids.push_back(std::move(city.id));
  }
  return ids;
}

// Why a draft without member cities cannot rank on `theme`, one of its themes
// the graph cannot place: the typo is named with its likely meaning.
std::string UnknownThemeWithoutMembersMessage(const GraphSnapshot& graph,
                                              const std::string& theme) {
  return absl::StrCat(
      "\"", theme,
      "\" matches no theme, and without a member city the draft gives nothing "
      "else to rank from",
      ThemeHint(graph.SuggestTheme(theme)));
}

PartnerFilter FilterFromProto(const v1::PartnerFilter& in,
                              const GraphSnapshot& graph,
                              std::vector<FieldViolation>* violations) {
  PartnerFilter filter;
  // Bounded as every list of a request is (ISO 3166 has 249 codes; no
  // programme spans a hundred countries).
  if (in.countries_size() > static_cast<int>(kMaxListLength)) {
    violations->push_back(
        {"filter.countries",
         absl::StrCat("at most ", kMaxListLength, " countries, got ",
                      in.countries_size())});
    return filter;
  }
  for (int i = 0; i < in.countries_size(); ++i) {
    std::string problem = CheckCountryFilter(in.countries(i));
    if (!problem.empty()) {
      violations->push_back(
          {absl::StrCat("filter.countries[", i, "]"), std::move(problem)});
    }
    filter.countries.push_back(absl::AsciiStrToUpper(in.countries(i)));
  }
  filter.min_population = in.min_population();
  filter.max_population = in.max_population();
  if (filter.min_population < 0) {
    violations->push_back({"filter.min_population", "must not be negative"});
  }
  if (filter.max_population < 0) {
    violations->push_back({"filter.max_population", "must not be negative"});
  }
  if (filter.max_population > 0 &&
      filter.max_population < filter.min_population) {
    violations->push_back(
        {"filter.max_population", "must not be below min_population"});
  }
  filter.max_distance_km = in.max_distance_km();
  if (!(filter.max_distance_km >= 0) || filter.max_distance_km > 40075) {
    violations->push_back(
        {"filter.max_distance_km", "must be in 0..40075 (0: no bound)"});
  }
  // A hundred, as for the lists of a project: more than any search for
  // partners needs, and it bounds the checks and violations below.
  if (in.exclude_cities_size() > static_cast<int>(kMaxListLength)) {
    violations->push_back(
        {"filter.exclude_cities",
         absl::StrCat("at most ", kMaxListLength, " cities, got ",
                      in.exclude_cities_size())});
    return filter;
  }
  // An unknown city could not be recommended anyway, but excluding one is
  // most likely a city's name typed for its id ("turin"): ignored, it would
  // leave the city the user meant to exclude in the ranking, unannounced.
  for (int i = 0; i < in.exclude_cities_size(); ++i) {
    const std::string field = absl::StrCat("filter.exclude_cities[", i, "]");
    std::string id = ParseResourceName(kCities, in.exclude_cities(i));
    if (id.empty()) {
      violations->push_back({field, NotACityMessage(in.exclude_cities(i))});
    } else if (graph.FindCity(id) == nullptr) {
      violations->push_back({field, UnknownCityMessage(id)});
    } else {
      filter.exclude_city_ids.push_back(std::move(id));
    }
  }
  return filter;
}

}  // namespace

MatchingService::MatchingService(GraphStore* store, const RequestGuard* guard)
    : store_(store), guard_(guard) {}

grpc::ServerUnaryReactor* MatchingService::RecommendPartners(
    grpc::CallbackServerContext* context,
    const v1::RecommendPartnersRequest* request,
    v1::RecommendPartnersResponse* response) {
  return Serve(*guard_, context, Access::kRead,
               [&](const Principal&) { return Recommend(*request, response); });
}

grpc::Status MatchingService::Recommend(
    const v1::RecommendPartnersRequest& request,
    v1::RecommendPartnersResponse* response) const {
  std::shared_ptr<const GraphSnapshot> graph = store_->Snapshot();
  std::vector<FieldViolation> violations;
  if (request.page_size() < 0 ||
      request.page_size() > PartnerRecommender::kMaxResults) {
    violations.push_back(
        {"page_size",
         absl::StrCat("must be in 0..", PartnerRecommender::kMaxResults,
                      " (0: ", kDefaultPageSize, ")")});
  }
  PartnerFilter filter = FilterFromProto(request.filter(), *graph, &violations);
  PartnerQuery query;
  switch (request.target_case()) {
    case v1::RecommendPartnersRequest::kProject: {
      const std::string id = ParseResourceName(kProjects, request.project());
      if (id.empty()) {
        violations.push_back({"project", absl::StrCat("\"", request.project(),
                                                      "\" is not a project "
                                                      "name (projects/{id})")});
        break;
      }
      const Project* project = graph->FindProject(id);
      if (project == nullptr) {
        return grpc::Status(grpc::StatusCode::NOT_FOUND,
                            absl::StrCat(request.project(), " not found"));
      }
      query = PartnerRecommender::QueryFor(*project);
      // The store accepts a project with neither members nor themes; there
      // is nothing to rank it from.
      if (project->members.empty() &&
          graph->ResolveThemes(project->themes).empty()) {
        violations.push_back(
            {"project", absl::StrCat(request.project(),
                                     " has no member city and no theme the "
                                     "graph knows: nothing to rank from")});
      }
      if (filter.max_distance_km > 0 && project->members.empty()) {
        violations.push_back(
            {"filter.max_distance_km",
             absl::StrCat("is measured from the member cities, and ",
                          request.project(), " has none (0: no bound)")});
      }
      break;
    }
    case v1::RecommendPartnersRequest::kDraft: {
      const v1::ProjectDraft& draft = request.draft();
      // Counted as sent: a malformed member is reported on its own.
      const bool has_members =
          !draft.member_cities().empty() || !draft.lead_city().empty();
      // As many themes as a stored project may carry.
      if (draft.themes_size() > static_cast<int>(kMaxListLength)) {
        violations.push_back(
            {"draft.themes",
             absl::StrCat("at most ", kMaxListLength, " themes, got ",
                          draft.themes_size())});
        break;
      }
      query.themes = {draft.themes().begin(), draft.themes().end()};
      std::vector<size_t> unplaced;
      bool placed_any = false;
      for (size_t i = 0; i < query.themes.size(); ++i) {
        std::string problem =
            CheckText(query.themes[i], kMaxLabelLength, /*required=*/true);
        if (!problem.empty()) {
          violations.push_back(
              {absl::StrCat("draft.themes[", i, "]"), problem});
        } else if (!has_members) {
          // One label at a time, as UnplacedThemes() does for the note.
          if (graph->ResolveThemes({query.themes[i]}).empty()) {
            unplaced.push_back(i);
          } else {
            placed_any = true;
          }
        }
      }
      // With members, a theme the graph does not know is only a note: the
      // members still steer the ranking. Without them the themes are all the
      // draft says; ranking around unknown ones would answer with the most
      // popular cities, as if a typo were a question.
      if (!placed_any) {
        for (size_t i : unplaced) {
          violations.push_back(
              {absl::StrCat("draft.themes[", i, "]"),
               UnknownThemeWithoutMembersMessage(*graph, query.themes[i])});
        }
      }
      // A draft is a project not stored yet: it may have as many members as
      // a stored one (ValidateProject), the lead included.
      size_t members = draft.member_cities_size();
      if (!draft.lead_city().empty() &&
          std::find(draft.member_cities().begin(), draft.member_cities().end(),
                    draft.lead_city()) == draft.member_cities().end()) {
        ++members;
      }
      if (members > kMaxListLength) {
        violations.push_back(
            {"draft.member_cities",
             absl::StrCat("at most ", kMaxListLength,
                          " cities, the lead included (as many as a project "
                          "may have); got ",
                          members)});
      } else {
        query.member_city_ids =
            CityIds(draft.member_cities(), "draft.member_cities", &violations);
      }
      if (!draft.lead_city().empty()) {
        query.lead_city_id = ParseResourceName(kCities, draft.lead_city());
        if (query.lead_city_id.empty()) {
          violations.push_back(
              {"draft.lead_city", NotACityMessage(draft.lead_city())});
        }
      }
      query.programme = draft.programme();
      std::string problem = CheckText(query.programme, kMaxNameLength, false);
      if (!problem.empty()) {
        violations.push_back({"draft.programme", problem});
      }
      // Ignored, the bound would let the farthest cities through unannounced.
      if (filter.max_distance_km > 0 && !has_members) {
        violations.push_back({"filter.max_distance_km",
                              "is measured from the member cities, and the "
                              "draft has none (0: no bound)"});
      }
      // Counted as sent: a malformed member was reported above, and the
      // draft is not empty for it.
      if (draft.themes().empty() && draft.member_cities().empty() &&
          draft.lead_city().empty()) {
        violations.push_back(
            {"draft", "needs at least one theme or one member city"});
      }
      break;
    }
    case v1::RecommendPartnersRequest::TARGET_NOT_SET:
      violations.push_back({"target", "set either project or draft"});
      break;
  }
  if (!violations.empty()) {
    return InvalidArgument(violations);
  }
  // A member the graph does not have is NOT_FOUND (the contract), said with
  // how to find a city's id: it is most often a name typed for one.
  std::vector<std::string> members = query.member_city_ids;
  if (!query.lead_city_id.empty()) members.push_back(query.lead_city_id);
  for (const std::string& id : members) {
    if (graph->FindCity(id) == nullptr) {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, UnknownCityMessage(id));
    }
  }

  // Only a request that would be answered is "not modified" (as HTTP
  // ignores If-None-Match for an answer that is an error): a poller learns
  // of a project deleted or a request it got wrong. The checks above cost
  // microseconds; the ranking below is what this saves.
  if (request.if_none_match() != 0 &&
      request.if_none_match() == graph->version()) {
    response->set_not_modified(true);
    response->set_graph_version(graph->version());
    return grpc::Status::OK;
  }

  const int limit =
      request.page_size() == 0 ? kDefaultPageSize : request.page_size();
  absl::StatusOr<std::vector<Recommendation>> recommendations =
      recommender_.Recommend(*graph, query, filter, limit);
  if (recommendations.ok()) {
    for (const Recommendation& r : *recommendations) {
      *response->add_recommendations() = ToProto(r, *graph);
    }
    for (const std::string& theme : UnplacedThemes(*graph, query.themes)) {
      v1::UnmatchedTheme* unmatched = response->add_unmatched_themes();
      unmatched->set_theme(theme);
      unmatched->set_suggestion(graph->SuggestTheme(theme));
    }
    if (request.has_draft() && !query.programme.empty() &&
        graph->ProgrammeIndex(ProgrammeAsStored(*graph, query.programme)) < 0) {
      v1::UnmatchedProgramme* unmatched =
          response->mutable_unmatched_programme();
      unmatched->set_programme(query.programme);
      unmatched->set_suggestion(SuggestProgramme(*graph, query.programme));
    }
    response->set_graph_version(graph->version());
  }
  return ToGrpcStatus(recommendations.status());
}

}  // namespace citymatch
