// Small hand-made data sets for the ranking tests.
#ifndef CITYMATCH_TESTS_RANKING_RANKING_TEST_DATA_H_
#define CITYMATCH_TESTS_RANKING_RANKING_TEST_DATA_H_

#include <memory>
#include <string>
#include <vector>

#include "graph/dataset.h"
#include "graph/graph_builder.h"
#include "graph/graph_snapshot.h"

namespace citymatch {
namespace testing_data {

inline City MakeCity(std::string id, std::string name, std::string country,
                     double lat, double lon, int64_t population) {
  City c;
  c.id = std::move(id);
  c.name = std::move(name);
  c.country = std::move(country);
  c.lat = lat;
  c.lon = lon;
  c.population = population;
  return c;
}

inline Project MakeProject(std::string id, std::string title,
                           std::string programme, int start, int end,
                           std::vector<std::string> themes,
                           std::vector<std::string> members) {
  Project p;
  p.id = std::move(id);
  p.title = std::move(title);
  p.programme = std::move(programme);
  p.start_year = start;
  p.end_year = end;
  p.themes = std::move(themes);
  for (size_t i = 0; i < members.size(); ++i) {
    p.members.push_back({members[i], i == 0 ? Role::kLead : Role::kPartner});
  }
  return p;
}

// Eight European cities, three projects, one practice, two twinnings:
//   urbact-citylab "CityLab" (URBACT 2015-2018; Inclusion, Housing):
//       Lyon (lead), Porto, Riga, Turin
//   urbact-green "Green Cities" (URBACT 2010-2012; Environment):
//       Porto, Vilnius, Oslo
//   interreg-alps "Alpine Link" (Interreg Alps 2016-2019; Tourism):
//       Lyon, Grenoble, Turin
//   practice "A home for everyone" in Turin (Housing, Roma)
//   twinnings Lyon-Vilnius, Porto-Grenoble
inline Dataset SmallEurope() {
  Dataset d;
  d.cities = {MakeCity("1", "Lyon", "FR", 45.76, 4.84, 500000),
              MakeCity("2", "Porto", "PT", 41.15, -8.61, 230000),
              MakeCity("3", "Riga", "LV", 56.95, 24.10, 630000),
              MakeCity("4", "Turin", "IT", 45.07, 7.69, 870000),
              MakeCity("5", "Grenoble", "FR", 45.19, 5.72, 158000),
              MakeCity("6", "Vilnius", "LT", 54.69, 25.28, 540000),
              MakeCity("7", "Villeurbanne", "FR", 45.77, 4.88, 0),
              MakeCity("8", "Oslo", "NO", 59.91, 10.75, 700000)};
  d.projects = {MakeProject("urbact-citylab", "CityLab", "URBACT", 2015, 2018,
                            {"Inclusion", "Housing"}, {"1", "2", "3", "4"}),
                MakeProject("urbact-green", "Green Cities", "URBACT", 2010,
                            2012, {"Environment"}, {"2", "6", "8"}),
                MakeProject("interreg-alps", "Alpine Link", "Interreg Alps",
                            2016, 2019, {"Tourism"}, {"1", "5", "4"})};
  Practice practice;
  practice.id = "gp-home";
  practice.title = "A home for everyone";
  practice.city_id = "4";
  practice.themes = {"Housing", "Roma"};
  d.practices = {practice};
  d.twinnings = {Twinning::Normalized("1", "6"),
                 Twinning::Normalized("2", "5")};
  return d;
}

inline std::shared_ptr<const GraphSnapshot> Build(Dataset data) {
  return *GraphBuilder(std::move(data)).Build(1);
}

}  // namespace testing_data
}  // namespace citymatch

#endif  // CITYMATCH_TESTS_RANKING_RANKING_TEST_DATA_H_
