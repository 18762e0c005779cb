// Bad input never hurts: a table of malformed requests across every RPC and
// the importer, each with the code and message it must get. INVALID_ARGUMENT
// always carries field violations naming the field; an import with a bad row
// changes nothing; the server keeps serving after every row.
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "citymatch/v1/catalog.grpc.pb.h"
#include "citymatch/v1/matching.grpc.pb.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "server/server.h"
#include "tests/testing/sample_data.h"
#include "tests/testing/temp_dir.h"

namespace citymatch {
namespace {

using ::citymatch::testing::TempDir;

// One malformed input.
struct Case {
  std::string name;
  std::function<grpc::Status()> call;
  grpc::StatusCode code;
  std::string message;  // a substring of the error message
  std::string field;    // INVALID_ARGUMENT: a substring of a violation field
};

std::vector<google::rpc::BadRequest::FieldViolation> Violations(
    const grpc::Status& status) {
  google::rpc::Status details;
  google::rpc::BadRequest bad_request;
  if (!details.ParseFromString(status.error_details())) return {};
  for (const auto& any : details.details()) {
    if (any.UnpackTo(&bad_request)) {
      return {bad_request.field_violations().begin(),
              bad_request.field_violations().end()};
    }
  }
  return {};
}

class BadInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    seed_.WriteAll(testing::SampleFiles());
    ServerOptions options;
    options.data_dir = data_.path();
    options.grpc_addr = "127.0.0.1:0";
    options.seed_dir = seed_.path();
    options.rate_limit_qps = 0;
    absl::StatusOr<std::unique_ptr<Server>> server =
        Server::BuildAndStart(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    auto channel = server_->InProcessChannel();
    catalog_ = v1::Catalog::NewStub(channel);
    matching_ = v1::Matching::NewStub(channel);
  }

  v1::CreateCityRequest GoodCity(const std::string& id) {
    v1::CreateCityRequest r;
    r.set_city_id(id);
    r.mutable_city()->set_display_name("Graz");
    r.mutable_city()->set_country_code("AT");
    r.mutable_city()->set_latitude(47.07);
    r.mutable_city()->set_longitude(15.44);
    return r;
  }
  grpc::Status CreateCity(const v1::CreateCityRequest& r) {
    grpc::ClientContext context;
    v1::City out;
    return catalog_->CreateCity(&context, r, &out);
  }
  // A city request changed by `edit`.
  std::function<grpc::Status()> City(
      std::function<void(v1::CreateCityRequest*)> edit) {
    return [this, edit] {
      v1::CreateCityRequest r = GoodCity("new-city");
      edit(&r);
      return CreateCity(r);
    };
  }
  v1::CreateProjectRequest GoodProject() {
    v1::CreateProjectRequest r;
    r.set_project_id("new-project");
    v1::Project* p = r.mutable_project();
    p->set_title("Welcoming neighbourhoods");
    p->add_themes("Migrants");
    v1::Membership* m = p->add_members();
    m->set_city("cities/milano");
    m->set_role(v1::LEAD);
    return r;
  }
  std::function<grpc::Status()> Project(
      std::function<void(v1::CreateProjectRequest*)> edit) {
    return [this, edit] {
      v1::CreateProjectRequest r = GoodProject();
      edit(&r);
      grpc::ClientContext context;
      v1::Project out;
      return catalog_->CreateProject(&context, r, &out);
    };
  }
  std::function<grpc::Status()> Recommend(
      std::function<void(v1::RecommendPartnersRequest*)> edit) {
    return [this, edit] {
      v1::RecommendPartnersRequest r;
      r.mutable_draft()->add_themes("Migrants");
      r.mutable_draft()->add_member_cities("cities/milano");
      edit(&r);
      grpc::ClientContext context;
      v1::RecommendPartnersResponse out;
      return matching_->RecommendPartners(&context, r, &out);
    };
  }
  std::function<grpc::Status()> Import(
      std::map<std::string, std::string> files) {
    return [this, files] {
      grpc::ClientContext context;
      v1::ImportDatasetResponse response;
      auto writer = catalog_->ImportDataset(&context, &response);
      for (const auto& [name, content] : files) {
        v1::ImportDatasetRequest chunk;
        chunk.mutable_chunk()->set_file(name);
        chunk.mutable_chunk()->set_data(content);
        if (!writer->Write(chunk)) break;
      }
      writer->WritesDone();
      return writer->Finish();
    };
  }
  int64_t GraphVersion() {
    grpc::ClientContext context;
    v1::RecommendPartnersRequest r;
    r.mutable_draft()->add_themes("Housing");
    v1::RecommendPartnersResponse out;
    EXPECT_TRUE(matching_->RecommendPartners(&context, r, &out).ok());
    return out.graph_version();
  }

  TempDir data_;
  TempDir seed_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<v1::Catalog::Stub> catalog_;
  std::unique_ptr<v1::Matching::Stub> matching_;
};

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
const auto kInvalid = grpc::StatusCode::INVALID_ARGUMENT;

TEST_F(BadInputTest, EveryMalformedInputGetsItsCodeAndTheServerKeepsServing) {
  const std::string cities_header = "id,name,country,lat,lon,population\n";
  std::string large = cities_header;
  for (int i = 0; i < 5000; ++i) {
    absl::StrAppend(&large, "big-", i, ",Town ", i, ",AT,47.0,15.0,100\n");
  }
  absl::StrAppend(&large, "big-last,Last,AT,95.0,15.0,100\n");  // line 5002

  const std::vector<Case> cases = {
      // Cities: values.
      {"latitude above 90",
       City([](auto* r) { r->mutable_city()->set_latitude(91); }), kInvalid,
       "-90..90", "city.latitude"},
      {"latitude NaN",
       City([](auto* r) { r->mutable_city()->set_latitude(kNaN); }), kInvalid,
       "-90..90", "city.latitude"},
      {"longitude infinite",
       City([](auto* r) { r->mutable_city()->set_longitude(kInf); }), kInvalid,
       "-180..180", "city.longitude"},
      {"longitude below -180",
       City([](auto* r) { r->mutable_city()->set_longitude(-181); }), kInvalid,
       "-180..180", "city.longitude"},
      {"lower-case country",
       City([](auto* r) { r->mutable_city()->set_country_code("at"); }),
       kInvalid, "ISO 3166-1", "city.country_code"},
      {"non-ISO country",
       City([](auto* r) { r->mutable_city()->set_country_code("ZZ"); }),
       kInvalid, "ISO 3166-1", "city.country_code"},
      {"empty name",
       City([](auto* r) { r->mutable_city()->set_display_name(""); }), kInvalid,
       "required", "city.display_name"},
      {"blank name",
       City([](auto* r) { r->mutable_city()->set_display_name("   "); }),
       kInvalid, "blank", "city.display_name"},
      {"control character in name",
       City([](auto* r) { r->mutable_city()->set_display_name("Gr\x07z"); }),
       kInvalid, "control character", "city.display_name"},
      // Invalid UTF-8 in a proto3 string never reaches citymatch: protobuf
      // refuses to parse the request, and gRPC 1.51's callback server then
      // answers UNIMPLEMENTED with an empty message. (In the importer, whose
      // files travel as bytes, it is a file:line problem; see below.)
      {"invalid UTF-8 in name", City([](auto* r) {
         r->mutable_city()->set_display_name(
             "Gr\xff"
             "z");
       }),
       grpc::StatusCode::UNIMPLEMENTED, "", ""},
      {"oversized name", City([](auto* r) {
         r->mutable_city()->set_display_name(std::string(300, 'a'));
       }),
       kInvalid, "at most 200", "city.display_name"},
      {"negative population",
       City([](auto* r) { r->mutable_city()->set_population(-5); }), kInvalid,
       "negative", "city.population"},
      {"id with a slash", City([](auto* r) { r->set_city_id("graz/west"); }),
       kInvalid, "does not match", "city_id"},
      {"id with a space", City([](auto* r) { r->set_city_id("graz west"); }),
       kInvalid, "does not match", "city_id"},
      {"id in upper case", City([](auto* r) { r->set_city_id("Graz"); }),
       kInvalid, "does not match", "city_id"},
      {"id too long",
       City([](auto* r) { r->set_city_id(std::string(64, 'a')); }), kInvalid,
       "does not match", "city_id"},
      {"empty id", City([](auto* r) { r->set_city_id(""); }), kInvalid,
       "required", "city_id"},
      {"duplicate id", City([](auto* r) { r->set_city_id("milano"); }),
       grpc::StatusCode::ALREADY_EXISTS, "already exists", ""},
      {"5 MB message", City([](auto* r) {
         r->mutable_city()->set_display_name(std::string(5 << 20, 'a'));
       }),
       grpc::StatusCode::RESOURCE_EXHAUSTED, "", ""},
      // Cities: names, pages, updates, deletes.
      {"GetCity of a bare id",
       [this] {
         grpc::ClientContext c;
         v1::GetCityRequest r;
         r.set_name("milano");
         v1::City out;
         return catalog_->GetCity(&c, r, &out);
       },
       kInvalid, "not a city id", "name"},
      {"GetCity of an unknown id",
       [this] {
         grpc::ClientContext c;
         v1::GetCityRequest r;
         r.set_name("cities/atlantis");
         v1::City out;
         return catalog_->GetCity(&c, r, &out);
       },
       grpc::StatusCode::NOT_FOUND, "not found", ""},
      {"negative page size",
       [this] {
         grpc::ClientContext c;
         v1::ListCitiesRequest r;
         r.set_page_size(-3);
         v1::ListCitiesResponse out;
         return catalog_->ListCities(&c, r, &out);
       },
       kInvalid, "negative", "page_size"},
      {"huge page size is capped, not refused",
       [this] {
         grpc::ClientContext c;
         v1::ListCitiesRequest r;
         r.set_page_size(std::numeric_limits<int32_t>::max());
         v1::ListCitiesResponse out;
         return catalog_->ListCities(&c, r, &out);
       },
       grpc::StatusCode::OK, "", ""},
      {"forged page token",
       [this] {
         grpc::ClientContext c;
         v1::ListCitiesRequest r;
         r.set_page_token("bWlsYW5v");
         v1::ListCitiesResponse out;
         return catalog_->ListCities(&c, r, &out);
       },
       kInvalid, "not issued", "page_token"},
      {"stale etag",
       [this] {
         grpc::ClientContext c;
         v1::UpdateCityRequest r;
         r.mutable_city()->set_name("cities/milano");
         r.mutable_city()->set_population(1);
         r.mutable_city()->set_etag("0000000000000000");
         r.mutable_update_mask()->add_paths("population");
         v1::City out;
         return catalog_->UpdateCity(&c, r, &out);
       },
       grpc::StatusCode::ABORTED, "etag", ""},
      {"unknown update_mask path",
       [this] {
         grpc::ClientContext c;
         v1::UpdateCityRequest r;
         r.mutable_city()->set_name("cities/milano");
         r.mutable_update_mask()->add_paths("mayor");
         v1::City out;
         return catalog_->UpdateCity(&c, r, &out);
       },
       kInvalid, "not an updatable field", "update_mask"},
      {"output-only update_mask path",
       [this] {
         grpc::ClientContext c;
         v1::UpdateCityRequest r;
         r.mutable_city()->set_name("cities/milano");
         r.mutable_update_mask()->add_paths("etag");
         v1::City out;
         return catalog_->UpdateCity(&c, r, &out);
       },
       kInvalid, "not an updatable field", "update_mask"},
      {"delete a city still in a project",
       [this] {
         grpc::ClientContext c;
         v1::DeleteCityRequest r;
         r.set_name("cities/milano");
         v1::DeleteResponse out;
         return catalog_->DeleteCity(&c, r, &out);
       },
       grpc::StatusCode::FAILED_PRECONDITION, "member of", ""},
      // Projects.
      {"unknown member city", Project([](auto* r) {
         r->mutable_project()->mutable_members(0)->set_city("cities/atlantis");
       }),
       kInvalid, "does not exist", "project.members[0].city"},
      {"member that is not a city name", Project([](auto* r) {
         r->mutable_project()->mutable_members(0)->set_city("Milano");
       }),
       kInvalid, "not a city id", "project.members[0].city"},
      {"member listed twice", Project([](auto* r) {
         r->mutable_project()->add_members()->set_city("cities/milano");
       }),
       kInvalid, "twice", "project.members[1].city"},
      {"unknown role", Project([](auto* r) {
         r->mutable_project()->mutable_members(0)->set_role(
             static_cast<v1::Role>(7));
       }),
       kInvalid, "LEAD or PARTNER", "project.members[0].role"},
      {"unknown status", Project([](auto* r) {
         r->mutable_project()->set_status(static_cast<v1::ProjectStatus>(9));
       }),
       kInvalid, "status", "project.status"},
      {"end before start", Project([](auto* r) {
         r->mutable_project()->set_start_year(2020);
         r->mutable_project()->set_end_year(2018);
       }),
       kInvalid, "before start_year", "project.end_year"},
      {"year out of range",
       Project([](auto* r) { r->mutable_project()->set_start_year(3000); }),
       kInvalid, "year", "project.start_year"},
      {"empty title",
       Project([](auto* r) { r->mutable_project()->set_title(""); }), kInvalid,
       "required", "project.title"},
      {"theme with the list separator", Project([](auto* r) {
         r->mutable_project()->add_themes("Housing|Roma");
       }),
       kInvalid, "'|'", "project.themes[1]"},
      {"too many themes", Project([](auto* r) {
         for (int i = 0; i < 101; ++i)
           r->mutable_project()->add_themes("Housing");
       }),
       kInvalid, "at most 100", "project.themes"},
      {"malformed owner", Project([](auto* r) {
         r->mutable_project()->set_owner("Comune di Milano");
       }),
       kInvalid, "organization", "project.owner"},
      // Practices and twinnings.
      {"practice without a city",
       [this] {
         grpc::ClientContext c;
         v1::CreatePracticeRequest r;
         r.set_practice_id("p1");
         r.mutable_practice()->set_title("Welcome desk");
         v1::Practice out;
         return catalog_->CreatePractice(&c, r, &out);
       },
       kInvalid, "required", "practice.city"},
      {"practice in an unknown city",
       [this] {
         grpc::ClientContext c;
         v1::CreatePracticeRequest r;
         r.set_practice_id("p1");
         r.mutable_practice()->set_title("Welcome desk");
         r.mutable_practice()->set_city("cities/atlantis");
         v1::Practice out;
         return catalog_->CreatePractice(&c, r, &out);
       },
       kInvalid, "does not exist", "practice.city"},
      {"city twinned with itself",
       [this] {
         grpc::ClientContext c;
         v1::CreateTwinningRequest r;
         r.mutable_twinning()->set_city_a("cities/milano");
         r.mutable_twinning()->set_city_b("cities/milano");
         v1::Twinning out;
         return catalog_->CreateTwinning(&c, r, &out);
       },
       kInvalid, "itself", "twinning.city_b"},
      {"twinning with an unknown city",
       [this] {
         grpc::ClientContext c;
         v1::CreateTwinningRequest r;
         r.mutable_twinning()->set_city_a("cities/milano");
         r.mutable_twinning()->set_city_b("cities/atlantis");
         v1::Twinning out;
         return catalog_->CreateTwinning(&c, r, &out);
       },
       kInvalid, "does not exist", "twinning.city_b"},
      // Matching.
      {"recommend without a target",
       Recommend([](auto* r) { r->clear_draft(); }), kInvalid,
       "project or draft", "target"},
      {"recommend for an unknown project",
       Recommend([](auto* r) { r->set_project("projects/atlantis"); }),
       grpc::StatusCode::NOT_FOUND, "not found", ""},
      {"recommend for a malformed project name",
       Recommend([](auto* r) { r->set_project("atlantis"); }), kInvalid,
       "not a project name", "project"},
      {"empty draft", Recommend([](auto* r) { r->mutable_draft()->Clear(); }),
       kInvalid, "at least one theme", "draft"},
      {"page size above 100", Recommend([](auto* r) { r->set_page_size(101); }),
       kInvalid, "0..100", "page_size"},
      {"negative page size for recommendations",
       Recommend([](auto* r) { r->set_page_size(-1); }), kInvalid, "0..100",
       "page_size"},
      {"country filter that is not a code",
       Recommend([](auto* r) { r->mutable_filter()->add_countries("Italy"); }),
       kInvalid, "alpha-2", "filter.countries[0]"},
      {"NaN distance", Recommend([](auto* r) {
         r->mutable_filter()->set_max_distance_km(kNaN);
       }),
       kInvalid, "0..40075", "filter.max_distance_km"},
      {"inverted population range", Recommend([](auto* r) {
         r->mutable_filter()->set_min_population(1000);
         r->mutable_filter()->set_max_population(10);
       }),
       kInvalid, "below min_population", "filter.max_population"},
      {"draft member that is not a city name", Recommend([](auto* r) {
         r->mutable_draft()->add_member_cities("roma");
       }),
       kInvalid, "not a city id", "draft.member_cities[1]"},
      {"draft member that does not exist", Recommend([](auto* r) {
         r->mutable_draft()->add_member_cities("cities/atlantis");
       }),
       grpc::StatusCode::NOT_FOUND, "atlantis", ""},
      // The importer.
      {"unknown file name", Import({{"cities.txt", cities_header}}), kInvalid,
       "not a file of the interchange format", "cities.txt"},
      {"missing column",
       Import({{"cities.csv", "id,name,country,lat,lon\nx,X,AT,1,1\n"}}),
       kInvalid, "population", "cities.csv:1"},
      {"extra field in a row",
       Import({{"cities.csv", cities_header + "x,X,AT,1,1,5,extra\n"}}),
       kInvalid, "expected 6 fields", "cities.csv:2"},
      {"missing field in a row",
       Import({{"cities.csv", cities_header + "x,X,AT,1,1\n"}}), kInvalid,
       "expected 6 fields", "cities.csv:2"},
      {"invalid UTF-8 in a row",
       Import({{"cities.csv",
                cities_header + "x,X,AT,1,1,5\ny,\xc3\x28,AT,1,1,5\n"}}),
       kInvalid, "UTF-8", "cities.csv:3"},
      {"unterminated quote",
       Import({{"cities.csv", cities_header + "x,\"X,AT,1,1,5\n"}}), kInvalid,
       "never closed", "cities.csv:2"},
      {"duplicate row",
       Import({{"cities.csv", cities_header + "x,X,AT,1,1,5\nx,X,AT,1,1,5\n"}}),
       kInvalid, "duplicate id x, first on line 2", "cities.csv:3"},
      {"NaN coordinate in a row",
       Import({{"cities.csv", cities_header + "x,X,AT,nan,1,5\n"}}), kInvalid,
       "finite", "cities.csv:2"},
      {"membership of an unknown project",
       Import({{"memberships.csv",
                "project_id,city_id,role\nnope,milano,lead\n"}}),
       kInvalid, "does not exist", "memberships.csv:2"},
      {"bad row at the end of a large file", Import({{"cities.csv", large}}),
       kInvalid, "lat must be a number in -90..90", "cities.csv:5002"},
      // Anomalies the importer must accept: BOM, CRLF, quoted commas.
      {"BOM, CRLF and a quoted comma are fine",
       Import({{"cities.csv",
                "\xEF\xBB\xBFid,name,country,lat,lon,population\r\n"
                "leibnitz,\"Leibnitz, Styria\",AT,46.78,15.53,8533\r\n"}}),
       grpc::StatusCode::OK, "", ""},
  };
  ASSERT_GE(cases.size(), 40u);

  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const int64_t version = GraphVersion();
    const grpc::Status status = c.call();
    EXPECT_EQ(status.error_code(), c.code) << status.error_message();
    EXPECT_TRUE(absl::StrContains(status.error_message(), c.message))
        << "message: " << status.error_message();
    if (c.code == kInvalid) {
      const auto violations = Violations(status);
      ASSERT_FALSE(violations.empty()) << "no field violations";
      bool named = false;
      for (const auto& v : violations) {
        named = named || absl::StrContains(v.field(), c.field);
      }
      EXPECT_TRUE(named) << "no violation names " << c.field
                         << "; first: " << violations[0].field();
    }
    if (c.code != grpc::StatusCode::OK) {
      // A refused request changed nothing.
      EXPECT_EQ(GraphVersion(), version);
    }
    // And the server still serves.
    grpc::ClientContext context;
    v1::GetCityRequest get;
    get.set_name("cities/milano");
    v1::City milano;
    EXPECT_TRUE(catalog_->GetCity(&context, get, &milano).ok());
  }
}

}  // namespace
}  // namespace citymatch
