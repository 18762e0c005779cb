// Fuzzes partner recommendation from a client's RecommendPartnersRequest
// (any bytes on the wire) on the hand-made sample graph: the request is
// parsed, checked and turned into a PartnerQuery and PartnerFilter with the
// rules MatchingService applies, then PartnerRecommender ranks.
//
// Invariants: the recommender fails only with NotFound or InvalidArgument;
// an answer holds at most `limit` distinct existing cities, best first (ties
// by id), never a member, an excluded city or one the filter rules out, each
// with a finite score, and converts to the API message.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "citymatch/v1/matching.pb.h"
#include "google/protobuf/stubs/logging.h"
#include "graph/graph_builder.h"
#include "graph/ranking/partner_recommender.h"
#include "graph/validation.h"
#include "server/proto_convert.h"
#include "server/resource_names.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/testing/sample_data.h"

namespace citymatch {
namespace {

constexpr int kDefaultPageSize = 10;  // MatchingService::kDefaultPageSize

const GraphSnapshot& Sample() {
  static const auto* const graph = [] {
    auto built = GraphBuilder(testing::SampleDataset()).Build(1);
    FUZZ_CHECK(built.ok());
    return new std::shared_ptr<const GraphSnapshot>(*std::move(built));
  }();
  return **graph;
}

// Parses "cities/{id}" names; false if one does not parse.
bool CityIds(const google::protobuf::RepeatedPtrField<std::string>& names,
             std::vector<std::string>* ids) {
  for (const std::string& name : names) {
    std::string id = ParseResourceName(kCities, name);
    if (id.empty()) return false;
    ids->push_back(std::move(id));
  }
  return true;
}

// The request checks of MatchingService::Recommend; false where it answers
// INVALID_ARGUMENT (or NOT_FOUND for an unknown project) before ranking.
bool ToQuery(const v1::RecommendPartnersRequest& request,
             const GraphSnapshot& graph, PartnerQuery* query,
             PartnerFilter* filter, int* limit) {
  if (request.page_size() < 0 ||
      request.page_size() > PartnerRecommender::kMaxResults) {
    return false;
  }
  *limit = request.page_size() == 0 ? kDefaultPageSize : request.page_size();
  const v1::PartnerFilter& in = request.filter();
  for (const std::string& c : in.countries()) {
    if (!CheckCountryFilter(c).empty()) return false;
    filter->countries.push_back(absl::AsciiStrToUpper(c));
  }
  filter->min_population = in.min_population();
  filter->max_population = in.max_population();
  if (filter->min_population < 0 || filter->max_population < 0 ||
      (filter->max_population > 0 &&
       filter->max_population < filter->min_population)) {
    return false;
  }
  filter->max_distance_km = in.max_distance_km();
  if (!(filter->max_distance_km >= 0) || filter->max_distance_km > 40075) {
    return false;
  }
  if (!CityIds(in.exclude_cities(), &filter->exclude_city_ids)) return false;

  switch (request.target_case()) {
    case v1::RecommendPartnersRequest::kProject: {
      const std::string id = ParseResourceName(kProjects, request.project());
      const Project* project = id.empty() ? nullptr : graph.FindProject(id);
      if (project == nullptr) return false;
      *query = PartnerRecommender::QueryFor(*project);
      return true;
    }
    case v1::RecommendPartnersRequest::kDraft: {
      const v1::ProjectDraft& draft = request.draft();
      for (const std::string& theme : draft.themes()) {
        if (!CheckText(theme, kMaxLabelLength, /*required=*/true).empty()) {
          return false;
        }
        query->themes.push_back(theme);
      }
      if (!CityIds(draft.member_cities(), &query->member_city_ids)) {
        return false;
      }
      if (!draft.lead_city().empty()) {
        query->lead_city_id = ParseResourceName(kCities, draft.lead_city());
        if (query->lead_city_id.empty()) return false;
      }
      query->programme = draft.programme();
      if (!CheckText(query->programme, kMaxNameLength, false).empty()) {
        return false;
      }
      return !(query->themes.empty() && query->member_city_ids.empty() &&
               query->lead_city_id.empty());
    }
    case v1::RecommendPartnersRequest::TARGET_NOT_SET:
      return false;
  }
  return false;
}

void CheckAnswer(const GraphSnapshot& graph, const PartnerQuery& query,
                 const PartnerFilter& filter, int limit,
                 const std::vector<Recommendation>& answer) {
  FUZZ_CHECK(answer.size() <= static_cast<size_t>(limit));
  std::set<std::string> members(query.member_city_ids.begin(),
                                query.member_city_ids.end());
  if (!query.lead_city_id.empty()) members.insert(query.lead_city_id);
  const std::set<std::string> excluded(filter.exclude_city_ids.begin(),
                                       filter.exclude_city_ids.end());
  const std::set<std::string> countries(filter.countries.begin(),
                                        filter.countries.end());
  std::set<std::string> seen;
  for (size_t i = 0; i < answer.size(); ++i) {
    const Recommendation& r = answer[i];
    const City* city = graph.FindCity(r.city_id);
    FUZZ_CHECK(city != nullptr);
    FUZZ_CHECK(seen.insert(r.city_id).second);
    FUZZ_CHECK(!members.count(r.city_id));
    FUZZ_CHECK(!excluded.count(r.city_id));
    FUZZ_CHECK(countries.empty() || countries.count(city->country));
    FUZZ_CHECK(filter.min_population == 0 ||
               city->population >= filter.min_population);
    FUZZ_CHECK(
        filter.max_population == 0 ||
        (city->population > 0 && city->population <= filter.max_population));
    FUZZ_CHECK(std::isfinite(r.score));
    if (i > 0) {
      const Recommendation& before = answer[i - 1];
      FUZZ_CHECK(before.score > r.score ||
                 (before.score == r.score && before.city_id < r.city_id));
    }
    const v1::Recommendation message = ToProto(r, graph);
    FUZZ_CHECK(message.city() == ResourceName(kCities, r.city_id));
  }
}

}  // namespace
}  // namespace citymatch

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // Strings with invalid UTF-8 fail to parse, as they should; protobuf would
  // also log each one, and that flood is not worth the time.
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace citymatch;  // NOLINT: a fuzz entry point, not a library
  static const PartnerRecommender* const recommender = new PartnerRecommender;
  v1::RecommendPartnersRequest request;
  if (!request.ParseFromArray(data, static_cast<int>(size))) return 0;
  const GraphSnapshot& graph = Sample();
  PartnerQuery query;
  PartnerFilter filter;
  int limit = 0;
  if (!ToQuery(request, graph, &query, &filter, &limit)) return 0;
  absl::StatusOr<std::vector<Recommendation>> answer =
      recommender->Recommend(graph, query, filter, limit);
  if (!answer.ok()) {
    FUZZ_CHECK(answer.status().code() == absl::StatusCode::kNotFound ||
               answer.status().code() == absl::StatusCode::kInvalidArgument);
    return 0;
  }
  CheckAnswer(graph, query, filter, limit, *answer);
  return 0;
}
