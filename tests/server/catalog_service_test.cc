// citymatch.v1.Catalog through a real server in the process: requests go
// through the generated stub, so status codes and field violations are
// checked as a client sees them.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <functional>
#include <limits>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "graph/mutation.h"
#include "gtest/gtest.h"
#include "server/page_token.h"
#include "tests/server/in_process_server.h"
#include "tests/testing/sample_data.h"

namespace citymatch {
namespace {

using ::citymatch::testing::FieldViolations;
using ::citymatch::testing::InProcessServer;
using ::citymatch::testing::ListAllCities;
using ::citymatch::testing::ListAllProjects;
using ::citymatch::testing::SampleFiles;
using ::citymatch::testing::ViolatedFields;
using ::citymatch::testing::Violation;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

class CatalogServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<InProcessServer>> server =
        InProcessServer::Start(SampleFiles());
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
  }

  v1::Catalog::Stub* catalog() { return server_->catalog(); }

  grpc::Status GetCity(const std::string& name, v1::City* city) {
    grpc::ClientContext context;
    v1::GetCityRequest request;
    request.set_name(name);
    return catalog()->GetCity(&context, request, city);
  }

  grpc::Status CreateCity(const std::string& id, const v1::City& city,
                          v1::City* created) {
    grpc::ClientContext context;
    v1::CreateCityRequest request;
    request.set_city_id(id);
    *request.mutable_city() = city;
    return catalog()->CreateCity(&context, request, created);
  }

  grpc::Status UpdateCity(const v1::City& city,
                          const std::vector<std::string>& paths,
                          v1::City* updated) {
    grpc::ClientContext context;
    v1::UpdateCityRequest request;
    *request.mutable_city() = city;
    for (const std::string& p : paths)
      request.mutable_update_mask()->add_paths(p);
    return catalog()->UpdateCity(&context, request, updated);
  }

  grpc::Status DeleteCity(const std::string& name, const std::string& etag,
                          v1::DeleteResponse* response) {
    grpc::ClientContext context;
    v1::DeleteCityRequest request;
    request.set_name(name);
    request.set_etag(etag);
    return catalog()->DeleteCity(&context, request, response);
  }

  grpc::Status ListCities(int page_size, const std::string& token,
                          const std::string& country,
                          v1::ListCitiesResponse* response) {
    grpc::ClientContext context;
    v1::ListCitiesRequest request;
    request.set_page_size(page_size);
    request.set_page_token(token);
    request.set_country_code(country);
    return catalog()->ListCities(&context, request, response);
  }

  grpc::Status CreateProject(const std::string& id, const v1::Project& project,
                             v1::Project* created) {
    grpc::ClientContext context;
    v1::CreateProjectRequest request;
    request.set_project_id(id);
    *request.mutable_project() = project;
    return catalog()->CreateProject(&context, request, created);
  }

  static v1::City Krakow() {
    v1::City city;
    city.set_display_name("Kraków");
    city.set_country_code("PL");
    city.set_latitude(50.06143);
    city.set_longitude(19.93658);
    city.set_population(755050);
    return city;
  }

  static std::vector<std::string> Ids(const std::vector<v1::Project>& ps) {
    std::vector<std::string> ids;
    for (const v1::Project& p : ps) ids.push_back(p.name());
    return ids;
  }

  std::unique_ptr<InProcessServer> server_;
};

// ---- GetCity ---------------------------------------------------------------

TEST_F(CatalogServiceTest, GetCityReturnsTheCityWithAnEtag) {
  v1::City city;
  grpc::Status status = GetCity("cities/milano", &city);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(city.name(), "cities/milano");
  EXPECT_EQ(city.display_name(), "Milano");
  EXPECT_EQ(city.country_code(), "IT");
  EXPECT_NEAR(city.latitude(), 45.46427, 1e-9);
  EXPECT_NEAR(city.longitude(), 9.18951, 1e-9);
  EXPECT_EQ(city.population(), 1371498);
  EXPECT_FALSE(city.etag().empty());
  // Quoted ids and names with commas arrive unquoted.
  v1::City sevilla;
  ASSERT_TRUE(GetCity("cities/sevilla", &sevilla).ok());
  EXPECT_EQ(sevilla.display_name(), "Sevilla, Andalucia");
  v1::City bilbao;
  ASSERT_TRUE(GetCity("cities/bilbao", &bilbao).ok());
  EXPECT_EQ(bilbao.display_name(), "Bilbao");
}

TEST_F(CatalogServiceTest, GetUnknownCityIsNotFound) {
  v1::City city;
  grpc::Status status = GetCity("cities/atlantis", &city);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), HasSubstr("cities/atlantis"));
}

TEST_F(CatalogServiceTest, MalformedNameIsInvalidArgumentNamingTheField) {
  for (const std::string& name :
       {std::string("towns/milano"), std::string("cities/Milano"),
        std::string("cities/"), std::string("milano"),
        std::string("cities/milano/roma")}) {
    v1::City city;
    grpc::Status status = GetCity(name, &city);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << name;
    EXPECT_THAT(ViolatedFields(status), ElementsAre("name")) << name;
  }
}

TEST_F(CatalogServiceTest, MalformedCityNameSaysWhatACityIdIs) {
  v1::City city;
  grpc::Status status = GetCity("cities/Milan", &city);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  const std::vector<testing::Violation> violations = FieldViolations(status);
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_THAT(violations[0].description,
              AllOf(HasSubstr("\"cities/Milan\" is not a city id"),
                    HasSubstr("GeoNames id, e.g. cities/3173435"),
                    HasSubstr("citymatch cities list --name Milan")));
  EXPECT_THAT(status.error_message(), Not(HasSubstr("city name")));
}

// ---- ListCities ------------------------------------------------------------

TEST_F(CatalogServiceTest, ListCitiesPagesWithoutOverlapOrGap) {
  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    v1::ListCitiesResponse response;
    grpc::Status status = ListCities(3, token, "", &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_LE(response.cities_size(), 3);
    EXPECT_EQ(response.total_size(), 8);
    for (const v1::City& c : response.cities()) seen.push_back(c.name());
    token = response.next_page_token();
    ASSERT_LT(++pages, 10) << "pages never end";
  } while (!token.empty());
  EXPECT_EQ(pages, 3);
  EXPECT_THAT(seen,
              ElementsAre("cities/bilbao", "cities/graz", "cities/lyon",
                          "cities/milano", "cities/roma", "cities/sevilla",
                          "cities/torino", "cities/wien"));
}

TEST_F(CatalogServiceTest, ListCitiesLastFullPageHasNoToken) {
  // 8 cities in pages of 4 and of 8: the page that ends the list carries no
  // token, so a client never makes an empty extra call.
  v1::ListCitiesResponse response;
  ASSERT_TRUE(ListCities(8, "", "", &response).ok());
  EXPECT_EQ(response.cities_size(), 8);
  EXPECT_THAT(response.next_page_token(), IsEmpty());
  v1::ListCitiesResponse first;
  ASSERT_TRUE(ListCities(4, "", "", &first).ok());
  ASSERT_FALSE(first.next_page_token().empty());
  v1::ListCitiesResponse second;
  ASSERT_TRUE(ListCities(4, first.next_page_token(), "", &second).ok());
  EXPECT_EQ(second.cities_size(), 4);
  EXPECT_THAT(second.next_page_token(), IsEmpty());
}

TEST_F(CatalogServiceTest, ListCitiesFiltersByCountry) {
  std::vector<v1::City> cities;
  int pages = 0;
  ASSERT_TRUE(ListAllCities(catalog(), 1, "IT", &cities, &pages).ok());
  std::vector<std::string> names;
  for (const v1::City& c : cities) {
    names.push_back(c.name());
    EXPECT_EQ(c.country_code(), "IT");
  }
  EXPECT_THAT(names,
              ElementsAre("cities/milano", "cities/roma", "cities/torino"));
  EXPECT_EQ(pages, 3);
}

// The city names of one ListCities call filtered by `text` (and `country`).
std::vector<std::string> CitiesNamed(v1::Catalog::Stub* catalog,
                                     const std::string& text,
                                     const std::string& country = "") {
  grpc::ClientContext context;
  v1::ListCitiesRequest request;
  request.set_display_name_contains(text);
  request.set_country_code(country);
  v1::ListCitiesResponse response;
  grpc::Status status = catalog->ListCities(&context, request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  std::vector<std::string> names;
  for (const v1::City& c : response.cities()) names.push_back(c.name());
  EXPECT_EQ(response.total_size(), response.cities_size());
  return names;
}

TEST_F(CatalogServiceTest, ListCitiesFiltersByNameIgnoringCaseAndAccents) {
  v1::City created;
  ASSERT_TRUE(CreateCity("krakow", Krakow(), &created).ok());
  EXPECT_THAT(CitiesNamed(catalog(), "MILAN"), ElementsAre("cities/milano"));
  EXPECT_THAT(CitiesNamed(catalog(), "krakow"), ElementsAre("cities/krakow"));
  EXPECT_THAT(CitiesNamed(catalog(), "Kraków"), ElementsAre("cities/krakow"));
  // A part of the name, anywhere in it.
  EXPECT_THAT(CitiesNamed(catalog(), "andalu"), ElementsAre("cities/sevilla"));
  EXPECT_THAT(CitiesNamed(catalog(), "o", "IT"),
              ElementsAre("cities/milano", "cities/roma", "cities/torino"));
  EXPECT_THAT(CitiesNamed(catalog(), "atlantis"), IsEmpty());
}

TEST_F(CatalogServiceTest, ListCitiesNameFilterPagesWithItsOwnTokens) {
  grpc::ClientContext context;
  v1::ListCitiesRequest request;
  request.set_display_name_contains("o");
  request.set_page_size(1);
  v1::ListCitiesResponse first;
  ASSERT_TRUE(catalog()->ListCities(&context, request, &first).ok());
  ASSERT_FALSE(first.next_page_token().empty());
  // The token belongs to this filter; under another one it is refused.
  grpc::ClientContext other_context;
  request.set_display_name_contains("a");
  request.set_page_token(first.next_page_token());
  v1::ListCitiesResponse other;
  grpc::Status status = catalog()->ListCities(&other_context, request, &other);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("page_token"));
}

TEST_F(CatalogServiceTest, ListCitiesBlankNameFilterIsInvalidArgument) {
  grpc::ClientContext context;
  v1::ListCitiesRequest request;
  request.set_display_name_contains("   ");
  v1::ListCitiesResponse response;
  grpc::Status status = catalog()->ListCities(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("display_name_contains"));
}

TEST_F(CatalogServiceTest, ListCitiesCountryThatIsNotACodeIsInvalidArgument) {
  v1::ListCitiesResponse response;
  grpc::Status status = ListCities(0, "", "Italy", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  const std::vector<testing::Violation> violations = FieldViolations(status);
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].field, "country_code");
  EXPECT_THAT(violations[0].description,
              AllOf(HasSubstr("\"Italy\""), HasSubstr("such as IT")));
  EXPECT_EQ(ListCities(0, "", "ZZ", &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(CatalogServiceTest, ListCitiesCountryCodeInLowerCaseIsTheSame) {
  v1::ListCitiesResponse upper, lower;
  ASSERT_TRUE(ListCities(0, "", "IT", &upper).ok());
  ASSERT_TRUE(ListCities(0, "", "it", &lower).ok());
  EXPECT_EQ(lower.total_size(), 3);
  EXPECT_EQ(lower.SerializeAsString(), upper.SerializeAsString());
}

TEST_F(CatalogServiceTest, ListCitiesNegativePageSizeIsInvalidArgument) {
  v1::ListCitiesResponse response;
  grpc::Status status = ListCities(-3, "", "", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("page_size"));
  EXPECT_EQ(response.cities_size(), 0);
}

TEST_F(CatalogServiceTest, ListCitiesForgedPageTokenIsInvalidArgument) {
  v1::ListCitiesResponse first;
  ASSERT_TRUE(ListCities(2, "", "", &first).ok());
  std::string altered = first.next_page_token();
  ASSERT_FALSE(altered.empty());
  altered[altered.size() / 2] = altered[altered.size() / 2] == 'A' ? 'B' : 'A';
  for (const std::string& token :
       {std::string("bWlsYW5v"), std::string("not a token!"), altered}) {
    v1::ListCitiesResponse response;
    grpc::Status status = ListCities(2, token, "", &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << token;
    EXPECT_THAT(ViolatedFields(status), ElementsAre("page_token")) << token;
  }
}

TEST_F(CatalogServiceTest, ListCitiesTokenIsRefusedForADifferentFilter) {
  v1::ListCitiesResponse first;
  ASSERT_TRUE(ListCities(1, "", "IT", &first).ok());
  ASSERT_FALSE(first.next_page_token().empty());
  for (const std::string& other : {std::string("AT"), std::string("")}) {
    v1::ListCitiesResponse response;
    grpc::Status status =
        ListCities(1, first.next_page_token(), other, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << other;
    EXPECT_THAT(ViolatedFields(status), ElementsAre("page_token"));
  }
  // With the same filter the token works.
  v1::ListCitiesResponse second;
  ASSERT_TRUE(ListCities(1, first.next_page_token(), "IT", &second).ok());
  ASSERT_EQ(second.cities_size(), 1);
  EXPECT_EQ(second.cities(0).name(), "cities/roma");
}

// ---- City writes -----------------------------------------------------------

TEST_F(CatalogServiceTest, CreateGetUpdateDeleteCity) {
  v1::City created;
  grpc::Status status = CreateCity("krakow", Krakow(), &created);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(created.name(), "cities/krakow");
  EXPECT_EQ(created.display_name(), "Kraków");
  EXPECT_FALSE(created.etag().empty());

  v1::City got;
  ASSERT_TRUE(GetCity("cities/krakow", &got).ok());
  EXPECT_EQ(got.SerializeAsString(), created.SerializeAsString());

  v1::City patch;
  patch.set_name("cities/krakow");
  patch.set_population(800000);
  patch.set_etag(created.etag());
  v1::City updated;
  status = UpdateCity(patch, {"population"}, &updated);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(updated.population(), 800000);
  EXPECT_NE(updated.etag(), created.etag());

  v1::DeleteResponse deleted;
  status = DeleteCity("cities/krakow", updated.etag(), &deleted);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_GT(deleted.graph_version(), 0);
  EXPECT_EQ(GetCity("cities/krakow", &got).error_code(),
            grpc::StatusCode::NOT_FOUND);
  // A second delete finds nothing.
  EXPECT_EQ(DeleteCity("cities/krakow", "", &deleted).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(CatalogServiceTest, UpdateWithMaskChangesOnlyMaskedFields) {
  v1::City before;
  ASSERT_TRUE(GetCity("cities/torino", &before).ok());
  v1::City patch;
  patch.set_name("cities/torino");
  patch.set_display_name("Turin");
  patch.set_population(1);       // not in the mask: ignored
  patch.set_country_code("FR");  // not in the mask: ignored
  patch.mutable_profile()->add_languages("it");
  patch.mutable_profile()->set_capacity(3);
  v1::City updated;
  grpc::Status status =
      UpdateCity(patch, {"display_name", "profile"}, &updated);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(updated.display_name(), "Turin");
  EXPECT_EQ(updated.population(), before.population());
  EXPECT_EQ(updated.country_code(), "IT");
  EXPECT_EQ(updated.latitude(), before.latitude());
  EXPECT_THAT(updated.profile().languages(), ElementsAre("it"));
  EXPECT_EQ(updated.profile().capacity(), 3);
  v1::City after;
  ASSERT_TRUE(GetCity("cities/torino", &after).ok());
  EXPECT_EQ(after.SerializeAsString(), updated.SerializeAsString());
}

TEST_F(CatalogServiceTest, UpdateCityRefusesAPopulationNoCityHas) {
  v1::City patch;
  patch.set_name("cities/graz");
  patch.set_population(9223372036854775807);
  v1::City updated;
  grpc::Status status = UpdateCity(patch, {"population"}, &updated);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  ASSERT_EQ(FieldViolations(status).size(), 1u);
  EXPECT_EQ(FieldViolations(status)[0].field, "city.population");
  EXPECT_EQ(FieldViolations(status)[0].description,
            "must be in 0..100000000 (no city has 100 million inhabitants), "
            "got 9223372036854775807");
  patch.set_population(100000000);
  ASSERT_TRUE(UpdateCity(patch, {"population"}, &updated).ok());
  EXPECT_EQ(updated.population(), 100000000);
}

// A value stored before the service refused it does not refuse an update
// that leaves it as it is: an editor may update the profile of such a city.
TEST_F(CatalogServiceTest, UpdateKeepsAValueStoredBeforeItWasRefused) {
  Mutation mutation;
  City graz = *server_->server()->store()->Snapshot()->FindCity("graz");
  graz.population = 12000000000;
  mutation.put_cities.push_back(graz);
  ASSERT_TRUE(server_->server()->store()->Apply(mutation).ok());

  v1::City patch;
  patch.set_name("cities/graz");
  patch.mutable_profile()->set_capacity(2);
  v1::City updated;
  grpc::Status status = UpdateCity(patch, {"profile.capacity"}, &updated);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(updated.profile().capacity(), 2);
  EXPECT_EQ(updated.population(), 12000000000);

  // Another value out of range is the update's own.
  patch.set_population(13000000000);
  status = UpdateCity(patch, {"population"}, &updated);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("city.population"));
  patch.set_population(291072);
  ASSERT_TRUE(UpdateCity(patch, {"population"}, &updated).ok());
  EXPECT_EQ(updated.population(), 291072);
}

TEST_F(CatalogServiceTest, UpdateCityRefusesALanguageThatIsNotACode) {
  v1::City patch;
  patch.set_name("cities/graz");
  for (const char* code : {"de", "zz", "de"}) {
    patch.mutable_profile()->add_languages(code);
  }
  v1::City updated;
  grpc::Status status = UpdateCity(patch, {"profile.languages"}, &updated);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("city.profile.languages[1]",
                                                  "city.profile.languages[2]"));
  v1::City graz;
  ASSERT_TRUE(GetCity("cities/graz", &graz).ok());
  EXPECT_THAT(graz.profile().languages(), IsEmpty());
}

TEST_F(CatalogServiceTest, UpdateWithStaleEtagIsAborted) {
  v1::City original;
  ASSERT_TRUE(GetCity("cities/graz", &original).ok());
  v1::City first = original;
  first.set_population(300000);
  v1::City updated;
  ASSERT_TRUE(UpdateCity(first, {"population"}, &updated).ok());

  // A second client that read the same version loses.
  v1::City second = original;
  second.set_population(1);
  grpc::Status status = UpdateCity(second, {"population"}, &updated);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ABORTED);
  v1::City after;
  ASSERT_TRUE(GetCity("cities/graz", &after).ok());
  EXPECT_EQ(after.population(), 300000);
}

TEST_F(CatalogServiceTest, DeleteWithStaleEtagIsAborted) {
  v1::City created;
  ASSERT_TRUE(CreateCity("krakow", Krakow(), &created).ok());
  v1::City patch = created;
  patch.set_population(1);
  v1::City updated;
  ASSERT_TRUE(UpdateCity(patch, {"population"}, &updated).ok());
  v1::DeleteResponse deleted;
  EXPECT_EQ(DeleteCity("cities/krakow", created.etag(), &deleted).error_code(),
            grpc::StatusCode::ABORTED);
  v1::City still;
  EXPECT_TRUE(GetCity("cities/krakow", &still).ok());
}

TEST_F(CatalogServiceTest, ConcurrentUpdatesWithTheSameEtagHaveOneWinner) {
  // Eight clients read the same version and all try to write: the etag check
  // happens under the store's lock, so exactly one succeeds.
  v1::City original;
  ASSERT_TRUE(GetCity("cities/lyon", &original).ok());
  constexpr int kClients = 8;
  std::vector<grpc::StatusCode> codes(kClients);
  std::vector<std::thread> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.emplace_back([&, i] {
      v1::City patch = original;
      patch.set_population(500000 + i);
      v1::City updated;
      codes[i] = UpdateCity(patch, {"population"}, &updated).error_code();
    });
  }
  for (std::thread& t : clients) t.join();
  int won = 0;
  int winner = -1;
  for (int i = 0; i < kClients; ++i) {
    if (codes[i] == grpc::StatusCode::OK) {
      ++won;
      winner = i;
    } else {
      EXPECT_EQ(codes[i], grpc::StatusCode::ABORTED) << i;
    }
  }
  ASSERT_EQ(won, 1);
  v1::City after;
  ASSERT_TRUE(GetCity("cities/lyon", &after).ok());
  EXPECT_EQ(after.population(), 500000 + winner);
}

TEST_F(CatalogServiceTest, MaskedUpdatesWithoutEtagKeepConcurrentChanges) {
  // Two clients change different fields of one city without an etag, as the
  // update mask lets them: neither may undo what the other wrote. One counts
  // the population up, the other numbers the name; after each acknowledged
  // write, reading the city again must show that write or a later one.
  constexpr int kWrites = 40;
  std::atomic<int> undone{0};
  auto writer = [&](bool population) {
    for (int i = 1; i <= kWrites; ++i) {
      v1::City patch;
      patch.set_name("cities/lyon");
      patch.set_population(i);
      patch.set_display_name(absl::StrCat("Lyon ", i));
      v1::City updated;
      grpc::Status status = UpdateCity(
          patch, {population ? "population" : "display_name"}, &updated);
      ASSERT_TRUE(status.ok()) << status.error_message();
      v1::City read;
      ASSERT_TRUE(GetCity("cities/lyon", &read).ok());
      int seen = 0;
      if (population) {
        seen = static_cast<int>(read.population());
      } else if (!absl::SimpleAtoi(read.display_name().substr(5), &seen)) {
        seen = 0;
      }
      if (seen < i) ++undone;
    }
  };
  std::thread counting([&] { writer(true); });
  std::thread naming([&] { writer(false); });
  counting.join();
  naming.join();
  EXPECT_EQ(undone.load(), 0);
  v1::City after;
  ASSERT_TRUE(GetCity("cities/lyon", &after).ok());
  EXPECT_EQ(after.population(), kWrites);
  EXPECT_EQ(after.display_name(), absl::StrCat("Lyon ", kWrites));
}

TEST_F(CatalogServiceTest, UpdateWithEmptyMaskReplacesEveryUpdatableField) {
  v1::City replacement = Krakow();
  replacement.set_name("cities/wien");
  v1::City updated;
  grpc::Status status = UpdateCity(replacement, {}, &updated);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(updated.name(), "cities/wien");  // the name is not updatable
  EXPECT_EQ(updated.display_name(), "Kraków");
  EXPECT_EQ(updated.country_code(), "PL");
  EXPECT_EQ(updated.population(), 755050);
  // Nor is the result checked less than a create would be.
  replacement.set_latitude(-91);
  EXPECT_THAT(ViolatedFields(UpdateCity(replacement, {}, &updated)),
              ElementsAre("city.latitude"));
}

TEST_F(CatalogServiceTest, UpdateWithUnknownMaskPathIsInvalidArgument) {
  v1::City patch;
  patch.set_name("cities/roma");
  patch.set_display_name("Rome");
  v1::City updated;
  for (const std::string& path :
       {std::string("etag"), std::string("name"), std::string("mayor")}) {
    grpc::Status status = UpdateCity(patch, {"display_name", path}, &updated);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << path;
    EXPECT_THAT(ViolatedFields(status), ElementsAre("update_mask")) << path;
  }
  v1::City after;
  ASSERT_TRUE(GetCity("cities/roma", &after).ok());
  EXPECT_EQ(after.display_name(), "Roma");
}

// The merge skips a sub-path that names no field, so such an update used to
// answer OK having changed nothing.
TEST_F(CatalogServiceTest, UpdateWithUnknownMaskSubPathIsInvalidArgument) {
  v1::City patch;
  patch.set_name("cities/roma");
  patch.set_display_name("Rome");
  patch.mutable_profile()->set_capacity(3);
  v1::City updated;
  for (const std::string& path :
       {std::string("display_name.text"), std::string("profile.capcity"),
        std::string("profile.capacity.value")}) {
    grpc::Status status = UpdateCity(patch, {path}, &updated);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << path;
    EXPECT_THAT(ViolatedFields(status), ElementsAre("update_mask")) << path;
  }
  v1::City after;
  ASSERT_TRUE(GetCity("cities/roma", &after).ok());
  EXPECT_EQ(after.display_name(), "Roma");
  EXPECT_FALSE(after.has_profile());
  // A sub-path that names a field is a partial update of the message.
  grpc::Status status = UpdateCity(patch, {"profile.capacity"}, &updated);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(updated.profile().capacity(), 3);
  EXPECT_EQ(updated.display_name(), "Roma");
}

TEST_F(CatalogServiceTest, UpdateUnknownCityIsNotFound) {
  v1::City patch = Krakow();
  patch.set_name("cities/krakow");
  v1::City updated;
  EXPECT_EQ(UpdateCity(patch, {"population"}, &updated).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(CatalogServiceTest, CreateDuplicateCityIsAlreadyExists) {
  v1::City created;
  grpc::Status status = CreateCity("milano", Krakow(), &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  v1::City milano;
  ASSERT_TRUE(GetCity("cities/milano", &milano).ok());
  EXPECT_EQ(milano.display_name(), "Milano");
}

// A create's request_id: its retry (the same request) answers with what the
// first call made and writes nothing; a request with other content that
// reuses the id is refused, not told the first call's city is its own.
TEST_F(CatalogServiceTest, RequestIdReplaysARetryAndRefusesOtherContent) {
  auto create = [&](const v1::City& city, v1::City* created) {
    grpc::ClientContext context;
    v1::CreateCityRequest request;
    request.set_city_id("krakow");
    request.set_request_id("create-krakow-1");
    *request.mutable_city() = city;
    return catalog()->CreateCity(&context, request, created);
  };
  v1::City first;
  ASSERT_TRUE(create(Krakow(), &first).ok());
  const int64_t version = server_->server()->store()->Snapshot()->version();
  v1::City retried;
  ASSERT_TRUE(create(Krakow(), &retried).ok());
  EXPECT_EQ(retried.etag(), first.etag());

  v1::City other = Krakow();
  other.set_display_name("Cracow");
  v1::City refused;
  const grpc::Status status = create(other, &refused);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  const std::vector<Violation> violations = FieldViolations(status);
  ASSERT_EQ(violations.size(), 1u) << status.error_message();
  EXPECT_EQ(violations[0].field, "request_id");
  EXPECT_THAT(violations[0].description,
              AllOf(HasSubstr("other content"), HasSubstr("city/krakow")));
  v1::City stored;
  ASSERT_TRUE(GetCity("cities/krakow", &stored).ok());
  EXPECT_EQ(stored.display_name(), first.display_name());
  EXPECT_EQ(server_->server()->store()->Snapshot()->version(), version);
}

TEST_F(CatalogServiceTest, CreateCityWithBadFieldsIsInvalidArgumentNamingThem) {
  struct Case {
    std::string id;
    std::function<void(v1::City*)> spoil;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"krakow", [](v1::City* c) { c->set_latitude(91); }, "city.latitude"},
      {"krakow",
       [](v1::City* c) {
         c->set_latitude(std::numeric_limits<double>::quiet_NaN());
       },
       "city.latitude"},
      {"krakow", [](v1::City* c) { c->set_longitude(-180.5); },
       "city.longitude"},
      {"krakow", [](v1::City* c) { c->set_country_code("xx"); },
       "city.country_code"},
      {"krakow", [](v1::City* c) { c->set_country_code("XX"); },
       "city.country_code"},
      {"krakow", [](v1::City* c) { c->set_display_name(""); },
       "city.display_name"},
      {"krakow", [](v1::City* c) { c->set_population(-1); }, "city.population"},
      {"krakow", [](v1::City* c) { c->set_population(12000000000); },
       "city.population"},
      {"krakow/old", [](v1::City*) {}, "city_id"},
      {"Krakow", [](v1::City*) {}, "city_id"},
      {"", [](v1::City*) {}, "city_id"},
  };
  for (const Case& c : cases) {
    v1::City city = Krakow();
    c.spoil(&city);
    v1::City created;
    grpc::Status status = CreateCity(c.id, city, &created);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << c.field;
    EXPECT_THAT(ViolatedFields(status), ElementsAre(c.field)) << c.field;
  }
  // Several problems are all reported at once.
  v1::City city = Krakow();
  city.set_latitude(91);
  city.set_country_code("xx");
  v1::City created;
  grpc::Status status = CreateCity("krakow", city, &created);
  EXPECT_THAT(ViolatedFields(status),
              UnorderedElementsAre("city.latitude", "city.country_code"));
  // Nothing was written.
  v1::City got;
  EXPECT_EQ(GetCity("cities/krakow", &got).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

// Data taken from the EU says UK and EL; the refusal names the ISO code.
TEST_F(CatalogServiceTest, CreateCityWithTheEusCodeForACountryNamesItsIsoCode) {
  v1::City city = Krakow();
  city.set_country_code("UK");
  v1::City created;
  grpc::Status status = CreateCity("krakow", city, &created);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  ASSERT_EQ(FieldViolations(status).size(), 1u);
  EXPECT_EQ(FieldViolations(status)[0].description,
            "\"UK\" is not an ISO 3166-1 alpha-2 code in upper case (the "
            "United Kingdom is GB)");
}

TEST_F(CatalogServiceTest, DeleteCityInAProjectIsFailedPrecondition) {
  v1::DeleteResponse deleted;
  grpc::Status status = DeleteCity("cities/roma", "", &deleted);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("urbact-arrival"));
  // A city that only runs a practice and has a twinning is blocked as well.
  status = DeleteCity("cities/sevilla", "", &deleted);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  // Counted in words that fit the count.
  EXPECT_THAT(status.error_message(),
              HasSubstr("runs 1 practice (gp-sevilla-housing); delete it "
                        "first"));
  v1::City roma;
  EXPECT_TRUE(GetCity("cities/roma", &roma).ok());
}

// ---- Projects --------------------------------------------------------------

TEST_F(CatalogServiceTest, CreateProjectWithUnknownMemberNamesTheMember) {
  v1::Project project;
  project.set_title("Welcoming Alps");
  project.add_themes("Migrants");
  v1::Membership* lead = project.add_members();
  lead->set_city("cities/graz");
  lead->set_role(v1::LEAD);
  project.add_members()->set_city("cities/atlantis");
  project.add_members()->set_city("cities/torino");
  v1::Project created;
  grpc::Status status = CreateProject("welcoming-alps", project, &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("project.members[1].city"));
  std::vector<v1::Project> all;
  ASSERT_TRUE(ListAllProjects(catalog(), "", "", &all).ok());
  EXPECT_EQ(all.size(), 4u);
}

TEST_F(CatalogServiceTest, MemberViolationsNameTheMembersIndexInTheRequest) {
  // A malformed member before an unknown one: each violation must still
  // point at the member the client wrote, not at its position among the
  // members that parsed.
  v1::Project project;
  project.set_title("Welcoming Alps");
  project.add_members()->set_city("graz");             // [0] not a name
  project.add_members()->set_city("cities/atlantis");  // [1] unknown
  project.add_members()->set_city("cities/torino");    // [2] fine
  project.add_members()->set_city("cities/torino");    // [3] twice
  v1::Project created;
  grpc::Status status = CreateProject("welcoming-alps", project, &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(
      ViolatedFields(status),
      UnorderedElementsAre("project.members[0].city", "project.members[1].city",
                           "project.members[3].city"));
}

TEST_F(CatalogServiceTest, CreateUpdateAndDeleteProject) {
  v1::Project project;
  project.set_title("Welcoming Alps");
  project.set_programme("Interreg Alpine Space");
  project.add_themes("Migrants");
  project.set_start_year(2024);
  project.set_status(v1::PROPOSAL);
  v1::Membership* lead = project.add_members();
  lead->set_city("cities/graz");
  lead->set_role(v1::LEAD);
  project.add_members()->set_city("cities/torino");
  v1::Project created;
  grpc::Status status = CreateProject("welcoming-alps", project, &created);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(created.name(), "projects/welcoming-alps");
  ASSERT_EQ(created.members_size(), 2);
  EXPECT_EQ(created.members(0).role(), v1::LEAD);
  EXPECT_EQ(created.members(1).role(), v1::PARTNER);  // unspecified: partner

  // Adding a member through the mask; the title is not in the mask.
  v1::Project patch = created;
  patch.set_title("ignored");
  patch.add_members()->set_city("cities/wien");
  v1::Project updated;
  {
    grpc::ClientContext context;
    v1::UpdateProjectRequest request;
    *request.mutable_project() = patch;
    request.mutable_update_mask()->add_paths("members");
    status = catalog()->UpdateProject(&context, request, &updated);
  }
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(updated.title(), "Welcoming Alps");
  EXPECT_EQ(updated.members_size(), 3);

  std::vector<v1::Project> of_wien;
  ASSERT_TRUE(ListAllProjects(catalog(), "cities/wien", "", &of_wien).ok());
  EXPECT_THAT(Ids(of_wien), Contains("projects/welcoming-alps"));

  // The old etag is stale now.
  v1::DeleteResponse deleted;
  {
    grpc::ClientContext context;
    v1::DeleteProjectRequest request;
    request.set_name("projects/welcoming-alps");
    request.set_etag(created.etag());
    EXPECT_EQ(
        catalog()->DeleteProject(&context, request, &deleted).error_code(),
        grpc::StatusCode::ABORTED);
  }
  {
    grpc::ClientContext context;
    v1::DeleteProjectRequest request;
    request.set_name("projects/welcoming-alps");
    request.set_etag(updated.etag());
    ASSERT_TRUE(catalog()->DeleteProject(&context, request, &deleted).ok());
  }
  {
    grpc::ClientContext context;
    v1::GetProjectRequest request;
    request.set_name("projects/welcoming-alps");
    v1::Project gone;
    EXPECT_EQ(catalog()->GetProject(&context, request, &gone).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
  std::vector<v1::Project> after;
  ASSERT_TRUE(ListAllProjects(catalog(), "cities/wien", "", &after).ok());
  EXPECT_THAT(Ids(after), ElementsAre("projects/urbact-arrival",
                                      "projects/urbact-welcome"));
}

TEST_F(CatalogServiceTest, CreateProjectWithBadFieldsNamesThem) {
  v1::Project project;
  project.set_title("");
  project.set_start_year(2020);
  project.set_end_year(2019);
  project.add_members()->set_city("milano");  // not a resource name
  v1::Project created;
  grpc::Status status = CreateProject("p", project, &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status),
              UnorderedElementsAre("project.title", "project.end_year",
                                   "project.members[0].city"));
}

TEST_F(CatalogServiceTest, ListProjectsFilteredByCity) {
  std::vector<v1::Project> projects;
  ASSERT_TRUE(ListAllProjects(catalog(), "cities/lyon", "", &projects).ok());
  EXPECT_THAT(Ids(projects), ElementsAre("projects/interreg-alps-heritage",
                                         "projects/urbact-welcome"));
  projects.clear();
  ASSERT_TRUE(ListAllProjects(catalog(), "cities/sevilla", "", &projects).ok());
  EXPECT_THAT(projects, IsEmpty());
  // A malformed city filter is refused, not ignored.
  v1::ListProjectsRequest request;
  request.set_city("lyon");
  v1::ListProjectsResponse response;
  grpc::ClientContext context;
  grpc::Status status = catalog()->ListProjects(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("city"));
}

TEST_F(CatalogServiceTest, ListProjectsFilteredByThemeIdOrLabel) {
  // The theme id and a programme's label for it find the same projects, even
  // though the projects carry different labels ("Migrants", "Demographic
  // change and immigration").
  for (const std::string& theme :
       {std::string("migration"), std::string("Migrants")}) {
    std::vector<v1::Project> projects;
    ASSERT_TRUE(ListAllProjects(catalog(), "", theme, &projects).ok());
    EXPECT_THAT(Ids(projects), ElementsAre("projects/urbact-arrival",
                                           "projects/urbact-welcome"))
        << theme;
  }
  std::vector<v1::Project> projects;
  ASSERT_TRUE(
      ListAllProjects(catalog(), "cities/bilbao", "Housing", &projects).ok());
  EXPECT_THAT(Ids(projects), ElementsAre("projects/urbact-welcome"));
}

// ---- Theme labels of writes -------------------------------------------------

// "field: description" for each field violation of `status`.
std::vector<std::string> Violations(const grpc::Status& status) {
  std::vector<std::string> out;
  for (const citymatch::testing::Violation& v : FieldViolations(status)) {
    out.push_back(absl::StrCat(v.field, ": ", v.description));
  }
  return out;
}

TEST_F(CatalogServiceTest, ListFiltersNamingNothingAreRefusedNotAnsweredEmpty) {
  // "milan" is a well-formed id that no city has (a name typed for an id),
  // "migrnts" a typo: an empty list would read as "no such projects".
  {
    v1::ListProjectsRequest request;
    request.set_city("cities/milan");
    request.set_theme("migrnts");
    v1::ListProjectsResponse response;
    grpc::ClientContext context;
    grpc::Status status = catalog()->ListProjects(&context, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(
        Violations(status),
        ElementsAre(HasSubstr("city: no city has the id \"milan\""),
                    HasSubstr("theme: \"migrnts\" is not a known theme; did "
                              "you mean \"migration\"?")));
  }
  {
    v1::ListPracticesRequest request;
    request.set_city("cities/milan");
    v1::ListPracticesResponse response;
    grpc::ClientContext context;
    grpc::Status status =
        catalog()->ListPractices(&context, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(ViolatedFields(status), ElementsAre("city"));
  }
  {
    v1::ListTwinningsRequest request;
    request.set_city("cities/milan");
    v1::ListTwinningsResponse response;
    grpc::ClientContext context;
    grpc::Status status =
        catalog()->ListTwinnings(&context, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(ViolatedFields(status), ElementsAre("city"));
  }
}

v1::Project WelcomingAlps() {
  v1::Project project;
  project.set_title("Welcoming Alps");
  project.add_members()->set_city("cities/graz");
  return project;
}

TEST_F(CatalogServiceTest, CreateProjectWithAnUnknownThemeIsRefused) {
  v1::Project project = WelcomingAlps();
  project.add_themes("Migrants");
  project.add_themes("migratoin");
  project.add_themes("xyz");
  v1::Project created;
  grpc::Status status = CreateProject("welcoming-alps", project, &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(Violations(status),
              ElementsAre("project.themes[1]: \"migratoin\" is not a known "
                          "theme; did you mean \"migration\"? (citymatch "
                          "themes list)",
                          "project.themes[2]: \"xyz\" is not a known theme "
                          "(citymatch themes list)"));
  std::vector<v1::Project> all;
  ASSERT_TRUE(ListAllProjects(catalog(), "", "", &all).ok());
  EXPECT_EQ(all.size(), 4u);
}

TEST_F(CatalogServiceTest, ACityProfileSeekingAnUnknownThemeIsRefused) {
  v1::City patch;
  patch.set_name("cities/torino");
  patch.mutable_profile()->add_seeking_themes("housing");
  patch.mutable_profile()->add_seeking_themes("hosing");
  v1::City updated;
  grpc::Status status = UpdateCity(patch, {"profile.seeking_themes"}, &updated);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(Violations(status),
              ElementsAre(HasSubstr("city.profile.seeking_themes[1]: "
                                    "\"hosing\" is not a known theme; did "
                                    "you mean \"housing\"?")));
  v1::City after;
  ASSERT_TRUE(GetCity("cities/torino", &after).ok());
  EXPECT_THAT(after.profile().seeking_themes(), IsEmpty());

  patch.mutable_profile()->set_seeking_themes(1, "Migrants");
  ASSERT_TRUE(UpdateCity(patch, {"profile.seeking_themes"}, &updated).ok());
  EXPECT_THAT(updated.profile().seeking_themes(),
              ElementsAre("housing", "Migrants"));
}

TEST_F(CatalogServiceTest, ThemeIdsNamesAndSynonymsInAnyCaseAreAccepted) {
  v1::Project project = WelcomingAlps();
  for (const char* theme : {"migration", "housing", "  REFUGEES ",
                            "Social inclusion and equal opportunities"}) {
    project.add_themes(theme);
  }
  v1::Project created;
  grpc::Status status = CreateProject("welcoming-alps", project, &created);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(created.themes_size(), 4);
}

// As an import reads a CSV cell, so that an export imported back renames
// nothing.
TEST_F(CatalogServiceTest, NamesTitlesProgrammesAndLabelsAreStoredTrimmed) {
  v1::Project project = WelcomingAlps();
  project.set_title("  Welcoming Alps \t");
  project.set_programme(" Interreg Alpine Space ");
  project.add_themes("  REFUGEES ");
  v1::Project created;
  ASSERT_TRUE(CreateProject("welcoming-alps", project, &created).ok());
  EXPECT_EQ(created.title(), "Welcoming Alps");
  EXPECT_EQ(created.programme(), "Interreg Alpine Space");
  EXPECT_THAT(created.themes(), ElementsAre("REFUGEES"));

  v1::City patch;
  patch.set_name("cities/torino");
  patch.set_display_name(" Turin ");
  v1::City updated;
  ASSERT_TRUE(UpdateCity(patch, {"display_name"}, &updated).ok());
  EXPECT_EQ(updated.display_name(), "Turin");
  patch.set_display_name("   ");
  EXPECT_EQ(UpdateCity(patch, {"display_name"}, &updated).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(CatalogServiceTest, AKeywordAloneDoesNotMakeAThemeKnown) {
  // "immigra" is a keyword of migration, so the ranking would place this
  // label; but no theme is named so, and a write keeps to the vocabulary.
  v1::Project project = WelcomingAlps();
  project.add_themes("Reception of newly arrived immigrants");
  v1::Project created;
  grpc::Status status = CreateProject("welcoming-alps", project, &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("project.themes[0]"));
}

TEST_F(CatalogServiceTest, MalformedThemeIsReportedOnceForItsForm) {
  v1::Project project = WelcomingAlps();
  project.add_themes("Housing|Roma");
  project.add_themes(" ");
  v1::Project created;
  grpc::Status status = CreateProject("welcoming-alps", project, &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(Violations(status),
              ElementsAre("project.themes[0]: must not contain '|'",
                          "project.themes[1]: is blank"));
}

TEST_F(CatalogServiceTest, UpdateProjectWithAnUnknownThemeIsRefused) {
  v1::Project project;
  {
    grpc::ClientContext context;
    v1::GetProjectRequest request;
    request.set_name("projects/urbact-arrival");
    ASSERT_TRUE(catalog()->GetProject(&context, request, &project).ok());
  }
  auto update = [&](const std::string& theme, v1::Project* updated) {
    grpc::ClientContext context;
    v1::UpdateProjectRequest request;
    *request.mutable_project() = project;
    request.mutable_project()->add_themes(theme);
    request.mutable_update_mask()->add_paths("themes");
    return catalog()->UpdateProject(&context, request, updated);
  };
  v1::Project updated;
  grpc::Status status = update("hosing", &updated);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(Violations(status),
              ElementsAre("project.themes[2]: \"hosing\" is not a known "
                          "theme; did you mean \"housing\"? (citymatch "
                          "themes list)"));
  status = update("housing", &updated);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_THAT(
      updated.themes(),
      ElementsAre("Migrants", "Social inclusion and equal opportunities",
                  "housing"));
}

TEST_F(CatalogServiceTest, CreatePracticeWithAnUnknownThemeIsRefused) {
  grpc::ClientContext context;
  v1::CreatePracticeRequest request;
  request.set_practice_id("wien-anti-rumour");
  request.mutable_practice()->set_title("Anti-rumour network");
  request.mutable_practice()->set_city("cities/wien");
  request.mutable_practice()->add_themes("Migrnts");
  v1::Practice created;
  grpc::Status status = catalog()->CreatePractice(&context, request, &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(Violations(status),
              ElementsAre("practice.themes[0]: \"Migrnts\" is not a known "
                          "theme; did you mean \"migration\"? (citymatch "
                          "themes list)"));
}

// Imported data keeps labels of its own; a write may use them, and projects
// that carry them can still be edited.
TEST(CatalogServiceLabelsTest, LabelsTheDataAlreadyUsesAreAccepted) {
  absl::StatusOr<std::unique_ptr<InProcessServer>> server =
      InProcessServer::Start(SampleFiles());
  ASSERT_TRUE(server.ok()) << server.status();
  v1::Catalog::Stub* catalog = (*server)->catalog();
  v1::ImportDatasetResponse imported;
  grpc::Status status = citymatch::testing::ImportFiles(
      catalog,
      {{"projects.csv",
        "id,name,programme,start_year,end_year,themes\n"
        "alps-fire,Alpine Fire,Interreg Alpine Space,2016,2019,"
        "Fire Brigades|Reception of newly arrived immigrants\n"},
       {"memberships.csv", "project_id,city_id,role\nalps-fire,graz,lead\n"}},
      &imported);
  ASSERT_TRUE(status.ok()) << status.error_message();

  v1::Project project = WelcomingAlps();
  project.add_themes("fire brigades");
  project.add_themes("Reception of newly arrived immigrants");
  v1::Project created;
  {
    grpc::ClientContext context;
    v1::CreateProjectRequest request;
    request.set_project_id("welcoming-alps");
    *request.mutable_project() = project;
    status = catalog->CreateProject(&context, request, &created);
  }
  ASSERT_TRUE(status.ok()) << status.error_message();

  // A near miss of the data's label is suggested as the data spells it.
  project.set_themes(0, "Fire brigdes");
  {
    grpc::ClientContext context;
    v1::CreateProjectRequest request;
    request.set_project_id("welcoming-alps-2");
    *request.mutable_project() = project;
    status = catalog->CreateProject(&context, request, &created);
  }
  EXPECT_THAT(Violations(status),
              ElementsAre("project.themes[0]: \"Fire brigdes\" is not a known "
                          "theme; did you mean \"fire brigades\"? (citymatch "
                          "themes list)"));

  // The imported project keeps its labels through an update of every field.
  v1::Project stored;
  {
    grpc::ClientContext context;
    v1::GetProjectRequest request;
    request.set_name("projects/alps-fire");
    ASSERT_TRUE(catalog->GetProject(&context, request, &stored).ok());
  }
  stored.set_title("Alpine Fire and Rescue");
  {
    grpc::ClientContext context;
    v1::UpdateProjectRequest request;
    *request.mutable_project() = stored;
    v1::Project updated;
    status = catalog->UpdateProject(&context, request, &updated);
  }
  EXPECT_TRUE(status.ok()) << status.error_message();
}

// ---- Practices -------------------------------------------------------------

TEST_F(CatalogServiceTest, CreatePracticeAndListByCity) {
  v1::Practice practice;
  practice.set_title("Anti-rumour network");
  practice.set_city("cities/wien");
  practice.add_themes("Migrants");
  practice.set_start_year(2014);
  v1::Practice created;
  {
    grpc::ClientContext context;
    v1::CreatePracticeRequest request;
    request.set_practice_id("wien-anti-rumour");
    *request.mutable_practice() = practice;
    grpc::Status status =
        catalog()->CreatePractice(&context, request, &created);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  EXPECT_EQ(created.name(), "practices/wien-anti-rumour");
  EXPECT_EQ(created.city(), "cities/wien");
  {
    grpc::ClientContext context;
    v1::ListPracticesRequest request;
    request.set_city("cities/wien");
    v1::ListPracticesResponse response;
    ASSERT_TRUE(catalog()->ListPractices(&context, request, &response).ok());
    ASSERT_EQ(response.practices_size(), 1);
    EXPECT_EQ(response.practices(0).title(), "Anti-rumour network");
  }
  {
    // Practices on migration: bilbao's (labelled "Migrants") and the new one.
    grpc::ClientContext context;
    v1::ListPracticesRequest request;
    request.set_theme("migration");
    v1::ListPracticesResponse response;
    ASSERT_TRUE(catalog()->ListPractices(&context, request, &response).ok());
    std::vector<std::string> names;
    for (const v1::Practice& p : response.practices())
      names.push_back(p.name());
    EXPECT_THAT(names, ElementsAre("practices/eumia-bilbao-health",
                                   "practices/wien-anti-rumour"));
  }
  {
    // Its city must exist.
    grpc::ClientContext context;
    v1::CreatePracticeRequest request;
    request.set_practice_id("nowhere");
    *request.mutable_practice() = practice;
    request.mutable_practice()->set_city("cities/atlantis");
    v1::Practice none;
    grpc::Status status = catalog()->CreatePractice(&context, request, &none);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(ViolatedFields(status), ElementsAre("practice.city"));
  }
}

TEST_F(CatalogServiceTest, UpdateAndDeletePractice) {
  v1::Practice practice;
  {
    grpc::ClientContext context;
    v1::GetPracticeRequest request;
    request.set_name("practices/gp-sevilla-housing");
    ASSERT_TRUE(catalog()->GetPractice(&context, request, &practice).ok());
  }
  EXPECT_EQ(practice.title(), "Homes, not shelters");
  EXPECT_EQ(practice.city(), "cities/sevilla");
  v1::Practice updated;
  {
    grpc::ClientContext context;
    v1::UpdatePracticeRequest request;
    *request.mutable_practice() = practice;
    request.mutable_practice()->set_summary("Housing first for Roma families");
    request.mutable_practice()->set_title("ignored");
    request.mutable_update_mask()->add_paths("summary");
    grpc::Status status =
        catalog()->UpdatePractice(&context, request, &updated);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  EXPECT_EQ(updated.summary(), "Housing first for Roma families");
  EXPECT_EQ(updated.title(), "Homes, not shelters");
  {
    grpc::ClientContext context;
    v1::DeletePracticeRequest request;
    request.set_name("practices/gp-sevilla-housing");
    request.set_etag(updated.etag());
    v1::DeleteResponse deleted;
    ASSERT_TRUE(catalog()->DeletePractice(&context, request, &deleted).ok());
  }
  // Sevilla still has its twinning with Graz; once that is gone, nothing
  // refers to it and it can be deleted.
  v1::DeleteResponse deleted;
  EXPECT_EQ(DeleteCity("cities/sevilla", "", &deleted).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  {
    grpc::ClientContext context;
    v1::DeleteTwinningRequest request;
    request.mutable_twinning()->set_city_a("cities/graz");
    request.mutable_twinning()->set_city_b("cities/sevilla");
    ASSERT_TRUE(catalog()->DeleteTwinning(&context, request, &deleted).ok());
  }
  grpc::Status status = DeleteCity("cities/sevilla", "", &deleted);
  EXPECT_TRUE(status.ok()) << status.error_message();
}

// ---- Themes ----------------------------------------------------------------

TEST_F(CatalogServiceTest, ListThemesHasMigrationWithSynonymsAndCounts) {
  grpc::ClientContext context;
  v1::ListThemesResponse response;
  ASSERT_TRUE(
      catalog()->ListThemes(&context, v1::ListThemesRequest(), &response).ok());
  const v1::Theme* migration = nullptr;
  std::vector<std::string> names;
  for (const v1::Theme& t : response.themes()) {
    names.push_back(t.name());
    if (t.name() == "themes/migration") migration = &t;
  }
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  ASSERT_NE(migration, nullptr);
  EXPECT_FALSE(migration->display_name().empty());
  EXPECT_THAT(migration->synonyms(), Contains("Migrants"));
  EXPECT_THAT(migration->synonyms(),
              Contains("Demographic change and immigration"));
  EXPECT_EQ(migration->project_count(), 2);   // urbact-arrival, -welcome
  EXPECT_EQ(migration->practice_count(), 1);  // eumia-bilbao-health
}

// ---- Twinnings -------------------------------------------------------------

TEST_F(CatalogServiceTest, TwinningsCreateListDelete) {
  auto list = [&](const std::string& city) {
    grpc::ClientContext context;
    v1::ListTwinningsRequest request;
    request.set_city(city);
    v1::ListTwinningsResponse response;
    EXPECT_TRUE(catalog()->ListTwinnings(&context, request, &response).ok());
    std::vector<std::string> pairs;
    for (const v1::Twinning& t : response.twinnings()) {
      pairs.push_back(t.city_a() + "+" + t.city_b());
    }
    return pairs;
  };
  EXPECT_THAT(list(""), ElementsAre("cities/graz+cities/sevilla",
                                    "cities/lyon+cities/milano"));
  v1::Twinning twinning;
  twinning.set_city_a("cities/wien");  // given out of order
  twinning.set_city_b("cities/bilbao");
  {
    grpc::ClientContext context;
    v1::CreateTwinningRequest request;
    *request.mutable_twinning() = twinning;
    v1::Twinning created;
    grpc::Status status =
        catalog()->CreateTwinning(&context, request, &created);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(created.city_a(), "cities/bilbao");
    EXPECT_EQ(created.city_b(), "cities/wien");
  }
  EXPECT_THAT(list("cities/wien"), ElementsAre("cities/bilbao+cities/wien"));
  {
    grpc::ClientContext context;
    v1::CreateTwinningRequest request;
    request.mutable_twinning()->set_city_a("cities/bilbao");
    request.mutable_twinning()->set_city_b("cities/wien");
    v1::Twinning again;
    EXPECT_EQ(catalog()->CreateTwinning(&context, request, &again).error_code(),
              grpc::StatusCode::ALREADY_EXISTS);
  }
  {
    grpc::ClientContext context;
    v1::CreateTwinningRequest request;
    request.mutable_twinning()->set_city_a("cities/wien");
    request.mutable_twinning()->set_city_b("cities/atlantis");
    v1::Twinning none;
    grpc::Status status = catalog()->CreateTwinning(&context, request, &none);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(ViolatedFields(status), ElementsAre("twinning.city_b"));
  }
  {
    grpc::ClientContext context;
    v1::DeleteTwinningRequest request;
    *request.mutable_twinning() = twinning;
    v1::DeleteResponse deleted;
    ASSERT_TRUE(catalog()->DeleteTwinning(&context, request, &deleted).ok());
    EXPECT_GT(deleted.graph_version(), 0);
  }
  EXPECT_THAT(list("cities/wien"), IsEmpty());
  {
    grpc::ClientContext context;
    v1::DeleteTwinningRequest request;
    *request.mutable_twinning() = twinning;
    v1::DeleteResponse deleted;
    EXPECT_EQ(
        catalog()->DeleteTwinning(&context, request, &deleted).error_code(),
        grpc::StatusCode::NOT_FOUND);
  }
}

// The shipped data has such a pair: 317109 twinned with 683902 sorts just
// before 3171095 twinned with 717652, and a page ending on the first one
// used to skip the second.
TEST(CatalogServiceTwinningsTest, PagesKeepEveryPairWhenOneIdPrefixesAnother) {
  absl::StatusOr<std::unique_ptr<InProcessServer>> server =
      InProcessServer::Start(
          {{"cities.csv",
            "id,name,country,lat,lon,population\n"
            "317109,Tallinn,EE,59.437,24.7535,394024\n"
            "3171095,Pavia,IT,45.1847,9.1582,68280\n"
            "683902,Chisinau,MD,47.0056,28.8575,635994\n"
            "717652,Miskolc,HU,48.1035,20.7784,172637\n"},
           {"twinnings.csv",
            "city_a,city_b\n317109,683902\n3171095,717652\n"}});
  ASSERT_TRUE(server.ok()) << server.status();
  std::vector<std::string> pairs;
  std::string token;
  do {
    grpc::ClientContext context;
    v1::ListTwinningsRequest request;
    request.set_page_size(1);
    request.set_page_token(token);
    v1::ListTwinningsResponse response;
    grpc::Status status =
        (*server)->catalog()->ListTwinnings(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    for (const v1::Twinning& t : response.twinnings()) {
      pairs.push_back(t.city_a() + "+" + t.city_b());
    }
    token = response.next_page_token();
  } while (!token.empty() && pairs.size() < 10);
  EXPECT_THAT(pairs, ElementsAre("cities/317109+cities/683902",
                                 "cities/3171095+cities/717652"));

  // A token issued when the key read "317109|683902" goes on from there.
  grpc::ClientContext context;
  v1::ListTwinningsRequest request;
  request.set_page_token(EncodePageToken("ListTwinnings\x1f", "317109|683902"));
  v1::ListTwinningsResponse response;
  grpc::Status status =
      (*server)->catalog()->ListTwinnings(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.twinnings_size(), 1);
  EXPECT_EQ(response.twinnings(0).city_a(), "cities/3171095");
}

// ---- The shipped data ------------------------------------------------------

TEST(CatalogServiceShippedDataTest, ListCitiesPagesThroughAllCities) {
  absl::StatusOr<std::unique_ptr<InProcessServer>> server =
      InProcessServer::StartWithSeedDir(testing::ShippedDataDir());
  ASSERT_TRUE(server.ok()) << server.status();
  v1::Catalog::Stub* catalog = (*server)->catalog();

  // 5000 is capped to 1000.
  v1::ListCitiesResponse first;
  {
    grpc::ClientContext context;
    v1::ListCitiesRequest request;
    request.set_page_size(5000);
    ASSERT_TRUE(catalog->ListCities(&context, request, &first).ok());
  }
  EXPECT_EQ(first.cities_size(), 1000);
  EXPECT_EQ(first.total_size(), 7166);
  {
    // 0 means 50.
    grpc::ClientContext context;
    v1::ListCitiesResponse page;
    ASSERT_TRUE(
        catalog->ListCities(&context, v1::ListCitiesRequest(), &page).ok());
    EXPECT_EQ(page.cities_size(), 50);
  }

  std::vector<v1::City> cities;
  int pages = 0;
  grpc::Status status = ListAllCities(catalog, 5000, "", &cities, &pages);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(pages, 8);  // 7 full pages and 166
  ASSERT_EQ(cities.size(), 7166u);
  std::set<std::string> unique;
  for (size_t i = 0; i < cities.size(); ++i) {
    unique.insert(cities[i].name());
    if (i > 0) {
      ASSERT_LT(cities[i - 1].name(), cities[i].name())
          << "not ordered at " << i;
    }
  }
  EXPECT_EQ(unique.size(), 7166u);
  EXPECT_TRUE(unique.count("cities/3173435"));  // Milano
  EXPECT_TRUE(unique.count("cities/3169070"));  // Roma
}

}  // namespace
}  // namespace citymatch
