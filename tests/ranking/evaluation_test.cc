#include "graph/ranking/evaluation.h"

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "tests/ranking/ranking_test_data.h"

namespace citymatch {
namespace {

using testing_data::MakeCity;
using testing_data::MakeProject;

TEST(EvaluationTest, FoldIsCrc32ModuloFive) {
  EXPECT_EQ(ProjectFold("123456789"), static_cast<int>(0xCBF43926u % 5));
  EXPECT_EQ(ProjectFold("x-a"), 0);  // zlib.crc32(b"x-a") % 5
  EXPECT_EQ(ProjectFold("x-b"), 4);
  EXPECT_EQ(ProjectFold("interreg-a"), 1);
}

TEST(EvaluationTest, HiddenMemberIndexesIdsSortedAsStrings) {
  // As strings "10" < "100" < "9"; zlib.crc32(b"p1#") % 3 == 2.
  Project p = MakeProject("p1", "", "", 0, 0, {}, {"9", "100", "10"});
  EXPECT_EQ(SortedMemberIds(p), (std::vector<std::string>{"10", "100", "9"}));
  EXPECT_EQ(HiddenMemberId(p), "9");
}

TEST(EvaluationTest, EvaluatedProjectsHaveThreeDistinctMembers) {
  EXPECT_FALSE(
      IsEvaluatedProject(MakeProject("a", "", "", 0, 0, {}, {"1", "2"})));
  Project dup = MakeProject("b", "", "", 0, 0, {}, {"1", "2"});
  dup.members.push_back({"2", Role::kPartner});
  EXPECT_FALSE(IsEvaluatedProject(dup));
  EXPECT_TRUE(
      IsEvaluatedProject(MakeProject("c", "", "", 0, 0, {}, {"1", "2", "3"})));
}

TEST(EvaluationTest, GroupIsTheTextBeforeTheFirstDash) {
  EXPECT_EQ(ProjectGroup("urbact-city-lab"), "urbact");
  EXPECT_EQ(ProjectGroup("interreg-v-a-x"), "interreg");
  EXPECT_EQ(ProjectGroup("nodash"), "nodash");
}

TEST(EvaluationTest, InclusionSubsetMatchesThemeFragmentsCaseInsensitively) {
  auto with = [](std::vector<std::string> themes) {
    return MakeProject("p", "", "", 0, 0, std::move(themes), {});
  };
  EXPECT_TRUE(IsInclusionProject(with({"Tourism", "SOCIAL INCLUSION"})));
  EXPECT_TRUE(IsInclusionProject(with({"Demographic change and immigration"})));
  EXPECT_TRUE(IsInclusionProject(with({"Roma"})));
  EXPECT_TRUE(
      IsInclusionProject(with({"Community integration and common identity"})));
  EXPECT_TRUE(IsInclusionProject(with({"Equal opportunities"})));
  EXPECT_FALSE(
      IsInclusionProject(with({"Tourism", "Integrated Urban Development"})));
}

TEST(EvaluationTest, RankBreaksTiesByIdAndSkipsMembers) {
  // City indices are in id order. Hidden = 3 with score 1.
  const std::vector<double> scores = {1.0, 5.0, 1.0, 1.0, 0.5, 1.0};
  // Ahead of it: 1 (higher), 0 and 2 (tie, smaller id); 5 ties but is after.
  EXPECT_EQ(RankOf(scores, 3, {}), 4);
  // Members 1 and 2 are not candidates.
  EXPECT_EQ(RankOf(scores, 3, {1, 2}), 2);
}

TEST(EvaluationTest, FoldGraphLeavesOutTheFoldsProjectsWhole) {
  Dataset d;
  d.cities = {MakeCity("1", "A", "FR", 0, 0, 0)};
  d.projects = {MakeProject("x-a", "", "", 0, 0, {}, {"1"}),
                MakeProject("x-b", "", "", 0, 0, {}, {"1"})};
  const Dataset fold0 = WithoutFolds(d, {0});
  ASSERT_EQ(fold0.projects.size(), 1u);
  EXPECT_EQ(fold0.projects[0].id, "x-b");
  EXPECT_EQ(fold0.cities.size(), 1u);
}

// Evaluate() of popularity alone on `d`, on one thread.
absl::StatusOr<EvaluationReport> EvaluatePopularity(const Dataset& d) {
  EvaluationOptions options;
  options.rankers = {"popularity"};
  options.threads = 1;
  return Evaluate(d, options);
}

// A data set small enough to rank by hand with the popularity baseline.
//   x-a (fold 0) 1,2,3   hidden "3" (crc32("x-a#") % 3 == 2)
//   y-d (fold 0) 2,4,6   hidden "2" (crc32("y-d#") % 3 == 0), theme Roma
//   interreg-a (fold 1) 3,5,7  hidden "5" (crc32("interreg-a#") % 3 == 1)
//   x-b (fold 4) 1,4;  x-c (fold 1) 4,5;  interreg-b (fold 4) 3,7
// Fold 0 graph (x-a, y-d left out): projects per city
//   1:1 2:0 3:2 4:2 5:2 6:0 7:2
//   x-a: members 1,2; "3" scores 2, nobody higher, no smaller tie -> rank 1.
//   y-d: members 4,6; "2" scores 0 behind 1,3,5,7 -> rank 5.
// Fold 1 graph (x-c, interreg-a left out): 1:2 2:2 3:2 4:2 5:0 6:1 7:1
//   interreg-a: members 3,7; "5" scores 0 behind 1,2,4,6 -> rank 5.
TEST(EvaluationTest, HandRankedPopularityMatches) {
  Dataset d;
  for (int i = 1; i <= 7; ++i) {
    d.cities.push_back(MakeCity(std::to_string(i), "c", "FR", 45, i, 1000));
  }
  d.projects = {MakeProject("x-a", "", "P", 0, 0, {"Tourism"}, {"1", "2", "3"}),
                MakeProject("y-d", "", "P", 0, 0, {"Roma"}, {"2", "4", "6"}),
                MakeProject("interreg-a", "", "P", 0, 0, {}, {"3", "5", "7"}),
                MakeProject("x-b", "", "P", 0, 0, {}, {"1", "4"}),
                MakeProject("x-c", "", "P", 0, 0, {}, {"4", "5"}),
                MakeProject("interreg-b", "", "P", 0, 0, {}, {"3", "7"})};
  absl::StatusOr<EvaluationReport> report = EvaluatePopularity(d);
  ASSERT_TRUE(report.ok()) << report.status();
  const auto& groups = report->table.at("popularity");
  EXPECT_EQ(groups.at("x").queries, 1);
  EXPECT_DOUBLE_EQ(groups.at("x").mrr, 1.0);
  EXPECT_DOUBLE_EQ(groups.at("x").hit_at_10, 1.0);
  EXPECT_EQ(groups.at("y").queries, 1);
  EXPECT_DOUBLE_EQ(groups.at("y").mrr, 0.2);
  EXPECT_EQ(groups.at("interreg").queries, 1);
  EXPECT_DOUBLE_EQ(groups.at("interreg").mrr, 0.2);
  EXPECT_EQ(groups.at(kInclusionGroup).queries, 1);
  EXPECT_DOUBLE_EQ(groups.at(kInclusionGroup).mrr, 0.2);
}

TEST(EvaluationTest, InclusionSubsetIsReportedEvenWithoutProjectsOnIt) {
  Dataset d;
  for (int i = 1; i <= 4; ++i) {
    d.cities.push_back(MakeCity(std::to_string(i), "c", "FR", 45, i, 1000));
  }
  d.projects = {
      MakeProject("x-a", "", "P", 0, 0, {"Tourism"}, {"1", "2", "3"})};
  absl::StatusOr<EvaluationReport> report = EvaluatePopularity(d);
  ASSERT_TRUE(report.ok()) << report.status();
  const auto& groups = report->table.at("popularity");
  EXPECT_EQ(groups.at("x").queries, 1);
  ASSERT_EQ(groups.count(kInclusionGroup), 1u);
  EXPECT_EQ(groups.at(kInclusionGroup).queries, 0);
  EXPECT_EQ(groups.at(kInclusionGroup).hit_at_10, 0);
  EXPECT_EQ(groups.at(kInclusionGroup).mrr, 0);
}

TEST(EvaluationTest, UnknownRankerIsInvalidArgument) {
  EvaluationOptions options;
  options.rankers = {"oracle"};
  EXPECT_EQ(Evaluate(Dataset(), options).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// Evaluate() of these rankers on the small test data set.
absl::StatusOr<EvaluationReport> EvaluateSmallEurope(
    std::vector<std::string> rankers) {
  EvaluationOptions options;
  options.rankers = std::move(rankers);
  return Evaluate(testing_data::SmallEurope(), options);
}

TEST(EvaluationTest, CitymatchIsFittedPerFoldAndRuns) {
  absl::StatusOr<EvaluationReport> report =
      EvaluateSmallEurope({"citymatch", "ppr"});
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->fold_models.size(), static_cast<size_t>(kNumFolds));
  // Each fold's penalty is one of the choices, picked on its training folds.
  ASSERT_EQ(report->chosen_l2.size(), static_cast<size_t>(kNumFolds));
  const std::vector<double> choices = FitOptions().l2_choices;
  for (double l2 : report->chosen_l2) {
    EXPECT_NE(std::find(choices.begin(), choices.end(), l2), choices.end())
        << l2;
  }
  EXPECT_EQ(report->table.at("citymatch").at("urbact").queries,
            report->table.at("ppr").at("urbact").queries);
}

// Every test query's rank is reported once per ranker, and the table is
// exactly what those ranks give.
TEST(EvaluationTest, PerQueryRanksAddUpToTheTable) {
  const std::vector<std::string> rankers = {"popularity", "ppr"};
  absl::StatusOr<EvaluationReport> report = EvaluateSmallEurope(rankers);
  ASSERT_TRUE(report.ok()) << report.status();
  for (const std::string& ranker : rankers) {
    int queries = 0, hits = 0;
    double reciprocal = 0;
    for (const QueryRank& r : report->ranks) {
      if (r.ranker != ranker || !absl::StartsWith(r.project_id, "urbact-")) {
        continue;
      }
      ASSERT_GE(r.rank, 1);
      ++queries;
      hits += r.rank <= kHitCutoff;
      reciprocal += 1.0 / r.rank;
    }
    const GroupMetrics& m = report->table.at(ranker).at("urbact");
    ASSERT_GT(queries, 0);
    EXPECT_EQ(queries, m.queries) << ranker;
    EXPECT_DOUBLE_EQ(static_cast<double>(hits) / queries, m.hit_at_10);
    EXPECT_DOUBLE_EQ(reciprocal / queries, m.mrr);
  }
}

// With every member hidden in turn each project still counts once: its
// queries hide each of its members once, weigh 1 / members, and the one the
// protocol hides ranks exactly as in the protocol's run.
TEST(EvaluationTest, EveryMemberHidesEachMemberOnceAndCountsTheProjectOnce) {
  const Dataset d = testing_data::SmallEurope();
  EvaluationOptions options;
  options.rankers = {"popularity", "ppr"};
  absl::StatusOr<EvaluationReport> protocol = Evaluate(d, options);
  ASSERT_TRUE(protocol.ok()) << protocol.status();
  options.every_member = true;
  absl::StatusOr<EvaluationReport> every = Evaluate(d, options);
  ASSERT_TRUE(every.ok()) << every.status();

  std::map<std::string, const Project*> projects;
  for (const Project& p : d.projects) projects[p.id] = &p;
  for (const std::string& ranker : options.rankers) {
    std::map<std::string, std::vector<std::string>> hidden;  // by project
    std::map<std::string, double> hits, reciprocal;          // by group
    for (const QueryRank& r : every->ranks) {
      if (r.ranker != ranker) continue;
      const Project& p = *projects.at(r.project_id);
      const std::vector<std::string> members = SortedMemberIds(p);
      EXPECT_DOUBLE_EQ(r.weight, 1.0 / members.size()) << r.project_id;
      hidden[r.project_id].push_back(r.hidden_city_id);
      for (const std::string& group : r.groups) {
        hits[group] += r.rank <= kHitCutoff ? r.weight : 0;
        reciprocal[group] += r.weight / r.rank;
      }
      if (r.hidden_city_id != HiddenMemberId(p)) continue;
      const auto same = std::find_if(
          protocol->ranks.begin(), protocol->ranks.end(),
          [&](const QueryRank& q) {
            return q.ranker == ranker && q.project_id == r.project_id;
          });
      ASSERT_NE(same, protocol->ranks.end()) << r.project_id;
      EXPECT_EQ(same->hidden_city_id, r.hidden_city_id);
      EXPECT_EQ(same->rank, r.rank) << ranker << " " << r.project_id;
    }
    ASSERT_FALSE(hidden.empty());
    for (auto& [id, cities] : hidden) {
      std::sort(cities.begin(), cities.end());
      EXPECT_EQ(cities, SortedMemberIds(*projects.at(id))) << id;
    }
    for (const auto& [group, m] : every->table.at(ranker)) {
      EXPECT_EQ(m.queries, protocol->table.at(ranker).at(group).queries)
          << group;
      EXPECT_NEAR(m.hit_at_10, hits[group] / m.queries, 1e-12) << group;
      EXPECT_NEAR(m.mrr, reciprocal[group] / m.queries, 1e-12) << group;
    }
  }
}

// The nested choice only ever picks one of its candidates, and with one
// candidate it is the plain evaluation with that setting.
TEST(EvaluationTest, InnerFoldsChooseTheLooseRefinement) {
  Dataset d = testing_data::SmallEurope();
  EvaluationOptions plain;
  plain.rankers = {"citymatch"};
  absl::StatusOr<EvaluationReport> expected = Evaluate(d, plain);
  ASSERT_TRUE(expected.ok()) << expected.status();

  EvaluationOptions nested = plain;
  nested.loose_mrr_penalty_choices = {-1};
  absl::StatusOr<EvaluationReport> report = Evaluate(d, nested);
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->chosen_settings.size(), static_cast<size_t>(kNumFolds));
  for (const ModelSetting& s : report->chosen_settings) {
    EXPECT_EQ(s.fit.loose_mrr_penalty, -1);
  }
  for (const auto& [group, m] : expected->table.at("citymatch")) {
    const GroupMetrics& n = report->table.at("citymatch").at(group);
    EXPECT_EQ(n.queries, m.queries) << group;
    EXPECT_DOUBLE_EQ(n.mrr, m.mrr) << group;
  }

  nested.loose_mrr_penalty_choices = {-1, 0, 5};
  report = Evaluate(d, nested);
  ASSERT_TRUE(report.ok()) << report.status();
  for (const ModelSetting& s : report->chosen_settings) {
    const double v = s.fit.loose_mrr_penalty;
    EXPECT_TRUE(v == -1 || v == 0 || v == 5) << v;
  }
}

// The walk's alpha is chosen the same way: only among its candidates, and a
// single candidate is the plain evaluation with that alpha.
TEST(EvaluationTest, InnerFoldsChooseTheWalkAlpha) {
  Dataset d = testing_data::SmallEurope();
  EvaluationOptions plain;
  plain.rankers = {"citymatch"};
  plain.features.walk.alpha = 0.5;
  absl::StatusOr<EvaluationReport> expected = Evaluate(d, plain);
  ASSERT_TRUE(expected.ok()) << expected.status();

  EvaluationOptions nested = plain;
  nested.features.walk.alpha = 0.7;
  nested.walk_alpha_choices = {0.5};
  absl::StatusOr<EvaluationReport> report = Evaluate(d, nested);
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->chosen_settings.size(), static_cast<size_t>(kNumFolds));
  for (const ModelSetting& s : report->chosen_settings) {
    EXPECT_EQ(s.features.walk.alpha, 0.5);
  }
  for (const CitymatchModel& model : report->fold_models) {
    EXPECT_EQ(model.features.walk.alpha, 0.5);
  }
  for (const auto& [group, m] : expected->table.at("citymatch")) {
    EXPECT_DOUBLE_EQ(report->table.at("citymatch").at(group).mrr, m.mrr)
        << group;
  }

  nested.walk_alpha_choices = {0.5, 0.85};
  nested.loose_mrr_penalty_choices = {-1, 0};
  report = Evaluate(d, nested);
  ASSERT_TRUE(report.ok()) << report.status();
  for (size_t f = 0; f < report->fold_models.size(); ++f) {
    const double alpha = report->chosen_settings[f].features.walk.alpha;
    EXPECT_TRUE(alpha == 0.5 || alpha == 0.85) << alpha;
    EXPECT_EQ(report->fold_models[f].features.walk.alpha, alpha);
    const double penalty = report->chosen_settings[f].fit.loose_mrr_penalty;
    EXPECT_TRUE(penalty == -1 || penalty == 0) << penalty;
  }
}

// The other settings likewise, each with the others, among every
// combination; also when the inner folds rank every member.
TEST(EvaluationTest, InnerFoldsChooseEveryCombination) {
  Dataset d = testing_data::SmallEurope();
  EvaluationOptions nested;
  nested.rankers = {"citymatch"};
  nested.mrr_sweeps_choices = {0, 3};
  nested.walk_alpha_choices = {0.6, 0.7};
  nested.member_share_choices = {0.5, 0.8};
  nested.queries_per_project_choices = {1, 2};
  for (bool every_member : {false, true}) {
    nested.inner_every_member = every_member;
    absl::StatusOr<EvaluationReport> report = Evaluate(d, nested);
    ASSERT_TRUE(report.ok()) << report.status();
    ASSERT_EQ(report->chosen_settings.size(), static_cast<size_t>(kNumFolds));
    for (size_t f = 0; f < report->chosen_settings.size(); ++f) {
      const ModelSetting& chosen = report->chosen_settings[f];
      const int sweeps = chosen.fit.mrr_sweeps;
      EXPECT_TRUE(sweeps == 0 || sweeps == 3) << sweeps;
      const double alpha = chosen.features.walk.alpha;
      EXPECT_TRUE(alpha == 0.6 || alpha == 0.7) << alpha;
      const double share = chosen.features.member_restart_share;
      EXPECT_TRUE(share == 0.5 || share == 0.8) << share;
      EXPECT_EQ(report->fold_models[f].features.member_restart_share, share);
      const int per_project = chosen.fit.queries_per_project;
      EXPECT_TRUE(per_project == 1 || per_project == 2) << per_project;
    }
  }
}

// What --fit ships: the choice over every fold, among the candidates only;
// without choices, the given setting.
TEST(EvaluationTest, SettingToShipIsOneOfTheCandidates) {
  Dataset d = testing_data::SmallEurope();
  EvaluationOptions options;
  options.features.walk.alpha = 0.7;
  absl::StatusOr<ModelSetting> chosen = ChooseSettingOnAllFolds(d, options);
  ASSERT_TRUE(chosen.ok()) << chosen.status();
  EXPECT_EQ(chosen->features.walk.alpha, 0.7);
  options.walk_alpha_choices = {0.5};
  chosen = ChooseSettingOnAllFolds(d, options);
  ASSERT_TRUE(chosen.ok()) << chosen.status();
  EXPECT_EQ(chosen->features.walk.alpha, 0.5);
  options.walk_alpha_choices = {0.5, 0.85};
  options.queries_per_project_choices = {1, 2};
  chosen = ChooseSettingOnAllFolds(d, options);
  ASSERT_TRUE(chosen.ok()) << chosen.status();
  EXPECT_TRUE(chosen->features.walk.alpha == 0.5 ||
              chosen->features.walk.alpha == 0.85);
  EXPECT_TRUE(chosen->fit.queries_per_project == 1 ||
              chosen->fit.queries_per_project == 2);
}

}  // namespace
}  // namespace citymatch
