#include "graph/ranking/partner_recommender.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "graph/ranking/popularity_ranker.h"
#include "graph/ranking/query_resolver.h"
#include "gtest/gtest.h"
#include "tests/ranking/ranking_test_data.h"

namespace citymatch {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

class PartnerRecommenderTest : public ::testing::Test {
 protected:
  PartnerRecommenderTest()
      : graph_(testing_data::Build(testing_data::SmallEurope())) {}

  // Lyon and Porto look for partners on housing in URBACT.
  static PartnerQuery LyonPorto() {
    PartnerQuery q;
    q.themes = {"Housing"};
    q.programme = "URBACT";
    q.member_city_ids = {"2"};
    q.lead_city_id = "1";
    return q;
  }

  static std::vector<std::string> Ids(const std::vector<Recommendation>& recs) {
    std::vector<std::string> ids;
    for (const Recommendation& r : recs) ids.push_back(r.city_id);
    return ids;
  }

  // The reasons given for Oslo ("8"), the only city not excluded, as a
  // partner of LyonPorto() on the graph of `data`.
  std::vector<std::string> ReasonsForOslo(const Dataset& data) {
    auto graph = testing_data::Build(data);
    PartnerFilter only_oslo;
    for (const City& c : data.cities) {
      if (c.id != "8") only_oslo.exclude_city_ids.push_back(c.id);
    }
    auto recs = recommender_.Recommend(*graph, LyonPorto(), only_oslo, 1);
    EXPECT_TRUE(recs.ok()) << recs.status();
    if (!recs.ok() || recs->size() != 1) {
      ADD_FAILURE() << "no recommendation of Oslo";
      return {};
    }
    return (*recs)[0].reasons;
  }

  std::shared_ptr<const GraphSnapshot> graph_;
  PartnerRecommender recommender_;
};

TEST_F(PartnerRecommenderTest, MembersNeverAppear) {
  auto recs = recommender_.Recommend(*graph_, LyonPorto(), {}, 100);
  ASSERT_TRUE(recs.ok()) << recs.status();
  EXPECT_EQ(recs->size(), 6u);  // 8 cities, 2 members
  for (const Recommendation& r : *recs) {
    EXPECT_NE(r.city_id, "1");
    EXPECT_NE(r.city_id, "2");
  }
}

TEST_F(PartnerRecommenderTest, BestCandidateIsThePartnerOfBothMembers) {
  auto recs = recommender_.Recommend(*graph_, LyonPorto(), {}, 3);
  ASSERT_TRUE(recs.ok()) << recs.status();
  ASSERT_EQ(recs->size(), 3u);
  // Turin shares CityLab with both members and runs a housing practice.
  EXPECT_EQ((*recs)[0].city_id, "4");
  EXPECT_GE((*recs)[0].score, (*recs)[1].score);
  EXPECT_GE((*recs)[1].score, (*recs)[2].score);
}

TEST_F(PartnerRecommenderTest, UnknownMemberOrLeadIsNotFound) {
  PartnerQuery q = LyonPorto();
  q.member_city_ids.push_back("999");
  EXPECT_EQ(recommender_.Recommend(*graph_, q, {}, 5).status().code(),
            absl::StatusCode::kNotFound);
  q = LyonPorto();
  q.lead_city_id = "998";
  EXPECT_EQ(recommender_.Recommend(*graph_, q, {}, 5).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(PartnerRecommenderTest, AProgrammeMatchesInAnyCaseAndSpacing) {
  EXPECT_EQ(ProgrammeAsStored(*graph_, " urbact "), "URBACT");
  EXPECT_EQ(ProgrammeAsStored(*graph_, "interreg  ALPS"), "Interreg Alps");
  EXPECT_EQ(ProgrammeAsStored(*graph_, "Interreg"), "Interreg");  // none
  EXPECT_EQ(ProgrammeAsStored(*graph_, "Interreg-Alps."), "Interreg Alps");
  EXPECT_EQ(ProgrammeAsStored(*graph_, "Interreg \u2013 Alps"),
            "Interreg Alps");
  EXPECT_EQ(ProgrammeAsStored(*graph_, "--"), "--");
  EXPECT_EQ(SuggestProgramme(*graph_, "alps"), "Interreg Alps");
  EXPECT_EQ(SuggestProgramme(*graph_, "URBACTT"), "URBACT");
  EXPECT_EQ(SuggestProgramme(*graph_, "Horizon Europe"), "");
  PartnerQuery typed = LyonPorto();
  typed.programme = "urbact";
  auto as_typed = recommender_.Recommend(*graph_, typed, {}, 6);
  auto as_stored = recommender_.Recommend(*graph_, LyonPorto(), {}, 6);
  ASSERT_TRUE(as_typed.ok() && as_stored.ok());
  EXPECT_EQ(Ids(*as_typed), Ids(*as_stored));
  EXPECT_EQ((*as_typed)[0].score, (*as_stored)[0].score);
  EXPECT_THAT(absl::StrJoin((*as_typed)[0].reasons, "\n"),
              HasSubstr("1 of them in URBACT"));
}

// A programme no project of the graph has ("Interreg" beside "Interreg
// Alps") gives no count: "0 of them in Interreg" would deny Grenoble's
// Interreg Alps project.
TEST_F(PartnerRecommenderTest, ExperienceCountsOnlyAProgrammeTheGraphHas) {
  PartnerQuery q = LyonPorto();
  q.programme = "Interreg";
  auto recs = recommender_.Recommend(*graph_, q, {}, 8);
  ASSERT_TRUE(recs.ok()) << recs.status();
  for (const Recommendation& r : *recs) {
    EXPECT_THAT(absl::StrJoin(r.reasons, "\n"),
                Not(HasSubstr("of them in Interreg")))
        << r.city_id;
    if (r.city_id == "5") {
      EXPECT_THAT(r.reasons,
                  Contains("Took part in 1 project; 0 on the wanted themes."));
    }
  }
  q.programme = "interreg alps";
  recs = recommender_.Recommend(*graph_, q, {}, 8);
  ASSERT_TRUE(recs.ok()) << recs.status();
  for (const Recommendation& r : *recs) {
    if (r.city_id == "5") {
      EXPECT_THAT(r.reasons,
                  Contains("Took part in 1 project, 1 of them in Interreg "
                           "Alps; 0 on the wanted themes."));
    }
  }
}

TEST_F(PartnerRecommenderTest, LimitOutsideOneToHundredIsInvalidArgument) {
  EXPECT_EQ(recommender_.Recommend(*graph_, LyonPorto(), {}, 0).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      recommender_.Recommend(*graph_, LyonPorto(), {}, 101).status().code(),
      absl::StatusCode::kInvalidArgument);
  auto recs = recommender_.Recommend(*graph_, LyonPorto(), {}, 2);
  ASSERT_TRUE(recs.ok());
  EXPECT_EQ(recs->size(), 2u);
}

TEST_F(PartnerRecommenderTest, QueryWithoutThemesOrMembersIsInvalidArgument) {
  PartnerQuery q;
  q.programme = "URBACT";
  EXPECT_EQ(recommender_.Recommend(*graph_, q, {}, 5).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(PartnerRecommenderTest, ThemesAloneThatMatchNothingAreInvalidArgument) {
  PartnerQuery q;
  q.themes = {"Quantum gardening"};
  EXPECT_EQ(recommender_.Recommend(*graph_, q, {}, 5).status().code(),
            absl::StatusCode::kInvalidArgument);
  // With a member they are only ignored.
  q.member_city_ids = {"1"};
  EXPECT_TRUE(recommender_.Recommend(*graph_, q, {}, 5).ok());
}

TEST_F(PartnerRecommenderTest, ThemesAloneAreAQuery) {
  PartnerQuery q;
  q.themes = {"Tourism"};
  auto recs = recommender_.Recommend(*graph_, q, {}, 8);
  ASSERT_TRUE(recs.ok()) << recs.status();
  EXPECT_EQ(recs->size(), 8u);
}

TEST_F(PartnerRecommenderTest, FiltersHold) {
  PartnerFilter countries;
  countries.countries = {"fr"};
  auto recs = recommender_.Recommend(*graph_, LyonPorto(), countries, 10);
  ASSERT_TRUE(recs.ok());
  std::vector<std::string> ids = Ids(*recs);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{"5", "7"}));  // Lyon is a member

  PartnerFilter population;
  population.min_population = 200000;
  population.max_population = 650000;
  recs = recommender_.Recommend(*graph_, LyonPorto(), population, 10);
  ASSERT_TRUE(recs.ok());
  ids = Ids(*recs);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{"3", "6"}));  // Riga, Vilnius

  PartnerFilter near;
  near.max_distance_km =
      300;  // from Lyon: Grenoble ~95, Turin ~225, Villeurbanne ~3
  recs = recommender_.Recommend(*graph_, LyonPorto(), near, 10);
  ASSERT_TRUE(recs.ok());
  ids = Ids(*recs);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{"4", "5", "7"}));

  PartnerFilter exclude;
  exclude.exclude_city_ids = {"4"};
  recs = recommender_.Recommend(*graph_, LyonPorto(), exclude, 10);
  ASSERT_TRUE(recs.ok());
  EXPECT_THAT(Ids(*recs), ::testing::Not(Contains("4")));
  EXPECT_EQ(recs->size(), 5u);
}

TEST_F(PartnerRecommenderTest, ExcludingAnUnknownCityIsInvalidArgument) {
  PartnerFilter exclude;
  exclude.exclude_city_ids = {"4", "unknown"};
  auto recs = recommender_.Recommend(*graph_, LyonPorto(), exclude, 10);
  EXPECT_EQ(recs.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(recs.status().message(), HasSubstr("unknown"));
}

TEST_F(PartnerRecommenderTest, ADistanceBoundWithoutMembersIsInvalidArgument) {
  PartnerQuery q;
  q.themes = {"Housing"};
  PartnerFilter near;
  near.max_distance_km = 300;
  EXPECT_EQ(recommender_.Recommend(*graph_, q, near, 5).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(PartnerRecommenderTest, IsDeterministic) {
  auto a = recommender_.Recommend(*graph_, LyonPorto(), {}, 6);
  auto b = recommender_.Recommend(*graph_, LyonPorto(), {}, 6);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(Ids(*a), Ids(*b));
  for (size_t i = 0; i < a->size(); ++i) {
    EXPECT_EQ((*a)[i].score, (*b)[i].score);
    EXPECT_EQ((*a)[i].reasons, (*b)[i].reasons);
  }
}

TEST_F(PartnerRecommenderTest, TiesAreBrokenByCityId) {
  // Popularity, members Lyon and Porto: Turin (4) has two projects; Riga
  // (3), Grenoble (5), Vilnius (6) and Oslo (8) one each, so id order;
  // Villeurbanne (7) none.
  PartnerRecommender popularity(std::make_unique<PopularityRanker>());
  auto recs = popularity.Recommend(*graph_, LyonPorto(), {}, 6);
  ASSERT_TRUE(recs.ok());
  EXPECT_EQ(Ids(*recs),
            (std::vector<std::string>{"4", "3", "5", "6", "8", "7"}));
}

TEST_F(PartnerRecommenderTest, ReasonsCiteTheEvidence) {
  auto recs = recommender_.Recommend(*graph_, LyonPorto(), {}, 8);
  ASSERT_TRUE(recs.ok());
  auto find = [&](const std::string& id) {
    for (const Recommendation& r : *recs) {
      if (r.city_id == id) return r;
    }
    return Recommendation();
  };
  const std::string turin = absl::StrJoin(find("4").reasons, "\n");
  EXPECT_THAT(
      turin,
      HasSubstr(
          "Worked with Lyon and Porto in \"CityLab\" (URBACT, 2015-2018)."));
  EXPECT_THAT(turin, HasSubstr("Runs the practice \"A home for everyone\""));
  EXPECT_THAT(turin, HasSubstr("km from Lyon, the nearest member."));
  EXPECT_THAT(turin, HasSubstr("Took part in 2 projects, 1 of them in URBACT"));
  const std::string grenoble = absl::StrJoin(find("5").reasons, "\n");
  EXPECT_THAT(grenoble, HasSubstr("Twinned with Porto."));
  EXPECT_THAT(
      grenoble,
      HasSubstr(
          "Worked with Lyon in \"Alpine Link\" (Interreg Alps, 2016-2019)."));
  const std::string villeurbanne = absl::StrJoin(find("7").reasons, "\n");
  EXPECT_THAT(villeurbanne, HasSubstr("3 km from Lyon"));
  EXPECT_THAT(villeurbanne, HasSubstr("No past project"));
}

// A proposal and a running project are cooperation to come and under way,
// not cooperation past.
TEST_F(PartnerRecommenderTest, ReasonsSayWhetherTheSharedProjectIsOver) {
  Dataset data = testing_data::SmallEurope();
  Project proposal = testing_data::MakeProject(
      "welcome", "Welcome", "URBACT", 2027, 2029, {"Housing"}, {"1", "8"});
  proposal.status = ProjectStatus::kProposal;
  Project running = testing_data::MakeProject(
      "arrival", "Arrival", "URBACT", 2024, 2027, {"Housing"}, {"2", "8"});
  running.status = ProjectStatus::kRunning;
  data.projects.push_back(proposal);
  data.projects.push_back(running);
  const std::string oslo = absl::StrJoin(ReasonsForOslo(data), "\n");
  EXPECT_THAT(oslo, HasSubstr("Is planning \"Welcome\" with Lyon (URBACT, "
                              "2027-2029, not started)."));
  EXPECT_THAT(
      oslo, HasSubstr("Works with Porto in \"Arrival\" (URBACT, 2024-2027)."));
  EXPECT_THAT(oslo, HasSubstr("Worked with Porto in \"Green Cities\""));
}

// The most recent shared projects are cited first, also one whose end the
// data does not give (most URBACT networks of 2018 and 2019): it is as
// recent as its start, not older than every dated one.
TEST_F(PartnerRecommenderTest, ReasonsCiteAProjectWithoutEndYearByItsStart) {
  Dataset data = testing_data::SmallEurope();
  for (int year : {2001, 2004, 2007}) {
    data.projects.push_back(testing_data::MakeProject(
        absl::StrCat("old-", year), absl::StrCat("Old ", year), "URBACT", year,
        year + 2, {"Environment"}, {"1", "8"}));
  }
  data.projects.push_back(testing_data::MakeProject(
      "rumourless", "Rumourless", "URBACT", 2019, 0, {"Migrants"}, {"1", "8"}));
  auto graph = testing_data::Build(data);
  auto recs = recommender_.Recommend(*graph, LyonPorto(), {}, 8);
  ASSERT_TRUE(recs.ok()) << recs.status();
  int checked = 0;
  for (const Recommendation& r : *recs) {
    if (r.city_id != "8") continue;
    ++checked;
    ASSERT_GE(r.reasons.size(), 4u);
    EXPECT_EQ(r.reasons[0],
              "Worked with Lyon in \"Rumourless\" (URBACT, 2019).");
    EXPECT_EQ(r.reasons[1],
              "Worked with Porto in \"Green Cities\" (URBACT, 2010-2012).");
    EXPECT_EQ(r.reasons[2],
              "Worked with Lyon in \"Old 2007\" (URBACT, 2007-2009).");
    EXPECT_EQ(r.reasons[3], "Shares 2 more projects with the members.");
  }
  EXPECT_EQ(checked, 1);
}

// A title the data wrote in quotes of its own is cited as it is, not in a
// second pair (one with only an opening quote is quoted as usual).
TEST_F(PartnerRecommenderTest, ReasonsKeepATitlesOwnQuotes) {
  Dataset data = testing_data::SmallEurope();
  data.projects.push_back(
      testing_data::MakeProject("quoted", "“Joint investments”", "URBACT", 2016,
                                2018, {"Housing"}, {"1", "8"}));
  data.projects.push_back(
      testing_data::MakeProject("quoted-low", "„Common actions“", "URBACT",
                                2014, 2015, {"Housing"}, {"1", "8"}));
  data.projects.push_back(testing_data::MakeProject(
      "half", "“Half quoted", "URBACT", 2012, 2013, {"Housing"}, {"1", "8"}));
  data.projects.push_back(testing_data::MakeProject(
      "oldest", "Oldest", "URBACT", 2001, 2002, {"Housing"}, {"1", "8"}));
  const std::vector<std::string> reasons = ReasonsForOslo(data);
  ASSERT_GE(reasons.size(), 4u);
  EXPECT_EQ(reasons[0],
            "Worked with Lyon in “Joint investments” (URBACT, 2016-2018).");
  EXPECT_EQ(reasons[1],
            "Worked with Lyon in „Common actions“ (URBACT, 2014-2015).");
  EXPECT_EQ(reasons[2],
            "Worked with Lyon in \"“Half quoted\" (URBACT, 2012-2013).");
  EXPECT_THAT(reasons, Contains("Shares 2 more projects with the members."));
}

// Nor does a city take part in a project by proposing it: the experience
// counts the projects over or under way, and the planned ones apart.
TEST_F(PartnerRecommenderTest, ExperienceCountsPlannedProjectsApart) {
  Dataset data = testing_data::SmallEurope();
  Project proposal = testing_data::MakeProject(
      "welcome", "Welcome", "URBACT", 2027, 2029, {"Housing"}, {"1", "7", "8"});
  proposal.status = ProjectStatus::kProposal;
  Project call = testing_data::MakeProject("arrival", "Arrival", "URBACT", 2027,
                                           2030, {"Housing"}, {"2", "8"});
  call.status = ProjectStatus::kOpen;
  data.projects.push_back(proposal);
  data.projects.push_back(call);
  auto graph = testing_data::Build(data);
  auto recs = recommender_.Recommend(*graph, LyonPorto(), {}, 8);
  ASSERT_TRUE(recs.ok()) << recs.status();
  int checked = 0;
  for (const Recommendation& r : *recs) {
    if (r.city_id == "7") {
      ++checked;
      EXPECT_THAT(r.reasons,
                  Contains("No past project in the data; 1 planned."));
    }
    if (r.city_id == "8") {
      ++checked;
      EXPECT_THAT(r.reasons,
                  Contains("Took part in 1 project, 1 of them in URBACT; 0 on "
                           "the wanted themes; 2 more planned."));
    }
  }
  EXPECT_EQ(checked, 2);
}

TEST_F(PartnerRecommenderTest, ComponentsAddUpToTheScore) {
  auto recs = recommender_.Recommend(*graph_, LyonPorto(), {}, 5);
  ASSERT_TRUE(recs.ok());
  for (const Recommendation& r : *recs) {
    ASSERT_FALSE(r.components.empty());
    double sum = 0;
    for (const ScoreComponent& c : r.components) sum += c.contribution;
    EXPECT_NEAR(sum, r.score, 1e-4 * (1 + std::fabs(r.score)));
  }
}

TEST_F(PartnerRecommenderTest, QueryForSeparatesTheLead) {
  const Project* p = graph_->FindProject("urbact-citylab");
  ASSERT_NE(p, nullptr);
  const PartnerQuery q = PartnerRecommender::QueryFor(*p);
  EXPECT_EQ(q.lead_city_id, "1");
  EXPECT_EQ(q.member_city_ids, (std::vector<std::string>{"2", "3", "4"}));
  EXPECT_EQ(q.programme, "URBACT");
  EXPECT_EQ(q.themes, p->themes);
}

// A stored project is ranked as the evaluation ranks its hidden projects: as
// if it were not in the graph. Here it opens a programme of its own, which
// would otherwise be that programme's whole history.
TEST_F(PartnerRecommenderTest, AStoredProjectIsRankedAsIfItWereNotStored) {
  const Project stored =
      testing_data::MakeProject("brand-new", "Welcome", "Brand new call", 2027,
                                2029, {"Housing"}, {"1", "6"});
  Dataset with_it = testing_data::SmallEurope();
  with_it.projects.push_back(stored);
  auto graph_with_it = testing_data::Build(with_it);
  const PartnerQuery query = PartnerRecommender::QueryFor(stored);
  EXPECT_EQ(query.project_id, "brand-new");
  PartnerQuery draft = query;
  draft.project_id.clear();

  auto stored_recs = recommender_.Recommend(*graph_with_it, query, {}, 100);
  auto draft_recs = recommender_.Recommend(*graph_, draft, {}, 100);
  ASSERT_TRUE(stored_recs.ok()) << stored_recs.status();
  ASSERT_TRUE(draft_recs.ok()) << draft_recs.status();
  EXPECT_EQ(Ids(*stored_recs), Ids(*draft_recs));
  ASSERT_EQ(stored_recs->size(), draft_recs->size());
  for (size_t i = 0; i < stored_recs->size(); ++i) {
    EXPECT_NEAR((*stored_recs)[i].score, (*draft_recs)[i].score, 1e-9)
        << (*stored_recs)[i].city_id;
  }

  // The same query counting the project as evidence ranks otherwise.
  auto counted = recommender_.Recommend(*graph_with_it, draft, {}, 100);
  ASSERT_TRUE(counted.ok()) << counted.status();
  bool differs = false;
  for (size_t i = 0; i < counted->size(); ++i) {
    differs |= std::fabs((*counted)[i].score - (*draft_recs)[i].score) > 1e-6;
  }
  EXPECT_TRUE(differs);
}

}  // namespace
}  // namespace citymatch
