#include "graph/ranking/evaluation.h"

#include <algorithm>
#include <atomic>
#include <limits>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "graph/graph_builder.h"
#include "graph/ranking/crc32.h"

namespace citymatch {

namespace {

// One protocol query on one fold graph.
struct EvalQuery {
  const Project* project = nullptr;
  ResolvedQuery query;
  int hidden = -1;
};

// The queries of the evaluated projects of `fold` on `graph`: the protocol's
// own (hidden member as the protocol says) and, for training, up to
// `per_project - 1` more per project hiding the members that follow it in
// the sorted order. REQUIRES: every member of those projects is a city of
// `graph` (the graph holds all cities of the data set).
std::vector<EvalQuery> QueriesOfFold(const Dataset& data, int fold,
                                     const GraphSnapshot& graph,
                                     int per_project = 1) {
  std::vector<EvalQuery> out;
  for (const Project& p : data.projects) {
    if (ProjectFold(p.id) != fold || !IsEvaluatedProject(p)) continue;
    const std::vector<std::string> ids = SortedMemberIds(p);
    const std::string protocol_hidden = HiddenMemberId(p);
    const size_t first =
        std::find(ids.begin(), ids.end(), protocol_hidden) - ids.begin();
    const size_t count = std::min<size_t>(per_project, ids.size());
    for (size_t k = 0; k < count; ++k) {
      const std::string& hidden = ids[(first + k) % ids.size()];
      EvalQuery q;
      q.project = &p;
      q.hidden = graph.CityIndex(hidden);
      for (const std::string& id : ids) {
        if (id != hidden) q.query.members.push_back(graph.CityIndex(id));
      }
      std::sort(q.query.members.begin(), q.query.members.end());
      q.query.themes = graph.ResolveThemes(p.themes);
      q.query.programme = p.programme;
      out.push_back(std::move(q));
    }
  }
  return out;
}

// The queries a fold's projects are measured on: the protocol's one per
// project, or with `every_member` one per member (each hidden in turn).
std::vector<EvalQuery> MeasuredQueriesOfFold(const Dataset& data, int fold,
                                             const GraphSnapshot& graph,
                                             bool every_member) {
  return QueriesOfFold(data, fold, graph,
                       every_member ? std::numeric_limits<int>::max() : 1);
}

absl::StatusOr<std::shared_ptr<const GraphSnapshot>> FoldGraph(
    const Dataset& data, const std::vector<int>& folds, int64_t version) {
  return GraphBuilder(WithoutFolds(data, folds)).Build(version);
}

}  // namespace

int ProjectFold(absl::string_view project_id) {
  return static_cast<int>(Crc32(project_id) % kNumFolds);
}

std::vector<std::string> SortedMemberIds(const Project& project) {
  std::vector<std::string> ids;
  for (const Membership& m : project.members) ids.push_back(m.city_id);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

bool IsEvaluatedProject(const Project& project) {
  return SortedMemberIds(project).size() >= 3;
}

std::string HiddenMemberId(const Project& project) {
  const std::vector<std::string> ids = SortedMemberIds(project);
  return ids[Crc32(absl::StrCat(project.id, "#")) % ids.size()];
}

std::string ProjectGroup(absl::string_view project_id) {
  return std::string(project_id.substr(0, project_id.find('-')));
}

bool IsInclusionProject(const Project& project) {
  static const char* const kFragments[] = {"inclusion",
                                           "migra",
                                           "immigra",
                                           "roma",
                                           "minorit",
                                           "integration",
                                           "poverty",
                                           "equal opportunities",
                                           "community integration"};
  for (const std::string& label : project.themes) {
    const std::string lower = absl::AsciiStrToLower(label);
    for (const char* fragment : kFragments) {
      if (absl::StrContains(lower, fragment)) return true;
    }
  }
  return false;
}

Dataset WithoutFolds(const Dataset& data, const std::vector<int>& folds) {
  Dataset out;
  out.cities = data.cities;
  out.practices = data.practices;
  out.twinnings = data.twinnings;
  for (const Project& p : data.projects) {
    if (std::find(folds.begin(), folds.end(), ProjectFold(p.id)) ==
        folds.end()) {
      out.projects.push_back(p);
    }
  }
  return out;
}

int RankOf(const std::vector<double>& scores, int hidden,
           const std::vector<int>& members) {
  const double s = scores[hidden];
  int rank = 1;
  for (int c = 0; c < static_cast<int>(scores.size()); ++c) {
    if (c == hidden) continue;
    if (scores[c] > s || (scores[c] == s && c < hidden)) ++rank;
  }
  // Members are not candidates: take back the places they took.
  for (int m : members) {
    if (m == hidden) continue;
    if (scores[m] > s || (scores[m] == s && m < hidden)) --rank;
  }
  return rank;
}

namespace {

struct TrainingSet {
  std::vector<TrainingQuery> with_programme, without_programme;
};

// The training queries of FitModelOnFolds().
absl::StatusOr<TrainingSet> TrainingQueriesOnFolds(
    const Dataset& data, const std::vector<int>& excluded_folds,
    const FitOptions& fit, const FeatureOptions& features) {
  TrainingSet set;
  std::vector<TrainingQuery>& with_programme = set.with_programme;
  std::vector<TrainingQuery>& without_programme = set.without_programme;
  for (int g = 0; g < kNumFolds; ++g) {
    if (std::find(excluded_folds.begin(), excluded_folds.end(), g) !=
        excluded_folds.end()) {
      continue;
    }
    std::vector<int> folds = excluded_folds;
    folds.push_back(g);
    absl::StatusOr<std::shared_ptr<const GraphSnapshot>> graph =
        FoldGraph(data, folds, 100 + g);
    if (!graph.ok()) return graph.status();
    for (EvalQuery& q :
         QueriesOfFold(data, g, **graph, fit.queries_per_project)) {
      const uint32_t seed = Crc32(absl::StrCat(q.project->id, "#", q.hidden));
      QueryFeatures x;
      ComputeFeatures(**graph, q.query, features, &x);
      if (x.has_programme_history) {
        with_programme.push_back(
            SampleTrainingQuery(x, q.query.members, q.hidden, seed));
        with_programme.back().group = g;
      }
      // The same query as if its programme were new; the protocol's query
      // of each project is enough for the fallback weights.
      if (q.hidden != graph.value()->CityIndex(HiddenMemberId(*q.project))) {
        continue;
      }
      ResolvedQuery blind = q.query;
      blind.programme.clear();
      QueryFeatures y;
      ComputeFeaturesWithWalk(**graph, blind, features, std::move(x.walk), &y);
      without_programme.push_back(
          SampleTrainingQuery(y, q.query.members, q.hidden, seed));
      without_programme.back().group = g;
    }
  }
  return set;
}

bool SameTrainingQueries(const ModelSetting& a, const ModelSetting& b) {
  const RandomWalkOptions& x = a.features.walk;
  const RandomWalkOptions& y = b.features.walk;
  return x.alpha == y.alpha && x.max_iterations == y.max_iterations &&
         x.tolerance == y.tolerance &&
         x.follow_twinnings == y.follow_twinnings &&
         a.features.member_restart_share == b.features.member_restart_share &&
         a.fit.queries_per_project == b.fit.queries_per_project;
}

// The share of its project each query stands for: 1 / the queries of its
// project (queries of one project are adjacent).
std::vector<double> ProjectShares(const std::vector<EvalQuery>& queries) {
  std::vector<double> out(queries.size());
  for (size_t i = 0, j = 0; i < queries.size(); i = j) {
    while (j < queries.size() && queries[j].project == queries[i].project) ++j;
    for (size_t k = i; k < j; ++k) out[k] = 1.0 / (j - i);
  }
  return out;
}

// The index of the setting whose models, fitted on the folds neither
// `outer` nor g, rank the queries of each such fold g best (mean reciprocal
// rank over all of them, each project's mean over its members when
// `every_member`; ties go to the earlier setting). The test fold `outer`
// plays no part (-1: none is left out). Settings that differ only in how
// they fit share their training queries.
absl::StatusOr<size_t> ChooseByInnerFolds(
    const Dataset& data, int outer, const std::vector<ModelSetting>& settings,
    bool every_member,
    const std::function<void(const std::string&)>& progress) {
  std::vector<double> reciprocal(settings.size(), 0.0);
  for (int g = 0; g < kNumFolds; ++g) {
    if (g == outer) continue;
    absl::StatusOr<std::shared_ptr<const GraphSnapshot>> graph =
        FoldGraph(data, {outer, g}, 200 + g);
    if (!graph.ok()) return graph.status();
    const std::vector<EvalQuery> queries =
        MeasuredQueriesOfFold(data, g, **graph, every_member);
    const std::vector<double> share = ProjectShares(queries);
    std::vector<TrainingSet> sets;                // the distinct ones
    std::vector<size_t> set_of(settings.size());  // setting -> its set
    for (size_t i = 0; i < settings.size(); ++i) {
      size_t same = 0;
      while (same < i && !SameTrainingQueries(settings[same], settings[i])) {
        ++same;
      }
      if (same < i) {
        set_of[i] = set_of[same];
      } else {
        absl::StatusOr<TrainingSet> set = TrainingQueriesOnFolds(
            data, {outer, g}, settings[i].fit, settings[i].features);
        if (!set.ok()) return set.status();
        set_of[i] = sets.size();
        sets.push_back(*std::move(set));
      }
      const TrainingSet& train = sets[set_of[i]];
      CitymatchModel model = FitCitymatchModel(
          train.with_programme, train.without_programme, settings[i].fit);
      model.features = settings[i].features;
      const CitymatchRanker ranker(model);
      std::vector<double> scores;
      for (size_t k = 0; k < queries.size(); ++k) {
        const EvalQuery& q = queries[k];
        ranker.Score(**graph, q.query, &scores);
        reciprocal[i] += share[k] / RankOf(scores, q.hidden, q.query.members);
      }
    }
    if (progress) {
      progress(absl::StrCat("inner fold ", g, ": ", settings.size(),
                            " settings fitted and ranked"));
    }
  }
  size_t best = 0;
  for (size_t i = 1; i < settings.size(); ++i) {
    if (reciprocal[i] > reciprocal[best]) best = i;
  }
  return best;
}

// Every combination of the choices `options` gives, the given value for a
// setting without choices.
std::vector<ModelSetting> SettingsToChoose(const EvaluationOptions& options) {
  auto or_given = [](const std::vector<double>& choices, double given) {
    return choices.empty() ? std::vector<double>{given} : choices;
  };
  // One axis at a time: each multiplies the settings so far by its values.
  std::vector<ModelSetting> settings = {{options.fit, options.features}};
  auto axis = [&settings](const std::vector<double>& values, auto set) {
    std::vector<ModelSetting> out;
    for (const ModelSetting& s : settings) {
      for (double v : values) {
        out.push_back(s);
        set(&out.back(), v);
      }
    }
    settings = std::move(out);
  };
  axis(or_given(options.walk_alpha_choices, options.features.walk.alpha),
       [](ModelSetting* s, double v) { s->features.walk.alpha = v; });
  axis(or_given(options.member_share_choices,
                options.features.member_restart_share),
       [](ModelSetting* s, double v) { s->features.member_restart_share = v; });
  axis(or_given(options.queries_per_project_choices,
                options.fit.queries_per_project),
       [](ModelSetting* s, double v) {
         s->fit.queries_per_project = static_cast<int>(v);
       });
  axis(or_given(options.mrr_sweeps_choices, options.fit.mrr_sweeps),
       [](ModelSetting* s, double v) {
         s->fit.mrr_sweeps = static_cast<int>(v);
       });
  axis(or_given(options.loose_mrr_penalty_choices,
                options.fit.loose_mrr_penalty),
       [](ModelSetting* s, double v) { s->fit.loose_mrr_penalty = v; });
  return settings;
}

}  // namespace

absl::StatusOr<CitymatchModel> FitModelOnFolds(
    const Dataset& data, const std::vector<int>& excluded_folds,
    const FitOptions& fit, const FeatureOptions& features, double* chosen_l2) {
  absl::StatusOr<TrainingSet> set =
      TrainingQueriesOnFolds(data, excluded_folds, fit, features);
  if (!set.ok()) return set.status();
  CitymatchModel model = FitCitymatchModel(
      set->with_programme, set->without_programme, fit, chosen_l2);
  model.features = features;
  return model;
}

absl::StatusOr<ModelSetting> ChooseSettingOnAllFolds(
    const Dataset& data, const EvaluationOptions& options) {
  const std::vector<ModelSetting> settings = SettingsToChoose(options);
  if (settings.size() == 1) return settings.front();
  // No fold is the test fold: every fold is an inner one in turn.
  absl::StatusOr<size_t> best =
      ChooseByInnerFolds(data, /*outer=*/-1, settings,
                         options.inner_every_member, options.progress);
  if (!best.ok()) return best.status();
  return settings[*best];
}

absl::StatusOr<EvaluationReport> Evaluate(const Dataset& data,
                                          const EvaluationOptions& options) {
  std::vector<std::string> names =
      options.rankers.empty() ? RankerNames() : options.rankers;
  for (const std::string& name : names) {
    if (MakeRanker(name) == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("unknown ranker ", name));
    }
  }
  std::mutex mu;  // serialises progress lines and the first error; each fold
                  // writes only its own FoldResult
  auto progress = [&](const std::string& line) {
    if (options.progress) options.progress(line);
  };

  // ranks[ranker][query of fold f] collected per fold, merged after.
  struct FoldResult {
    std::vector<const Project*> projects;  // per query
    std::vector<std::string> hidden;       // per query: the city id
    std::vector<double> share;             // per query, ProjectShares()
    std::vector<std::vector<int>> ranks;   // per ranker, per query
    CitymatchModel model;
    ModelSetting setting;  // the one the fold's model was fitted with
    double chosen_l2 = 0;
    bool fitted = false;
  };
  std::vector<FoldResult> results(kNumFolds);
  absl::Status status;
  std::atomic<int> next_fold{0};

  auto run_fold = [&](int f) -> absl::Status {
    absl::StatusOr<std::shared_ptr<const GraphSnapshot>> graph =
        FoldGraph(data, {f}, 1 + f);
    if (!graph.ok()) return graph.status();
    FoldResult& result = results[f];
    std::vector<std::unique_ptr<Ranker>> rankers;
    for (const std::string& name : names) {
      if (name == "citymatch") {
        {
          std::lock_guard<std::mutex> lock(mu);
          progress(
              absl::StrCat("fold ", f, ": fitting citymatch on folds != ", f));
        }
        const std::vector<ModelSetting> settings = SettingsToChoose(options);
        ModelSetting chosen = settings.front();
        if (settings.size() > 1) {
          absl::StatusOr<size_t> best = ChooseByInnerFolds(
              data, f, settings, options.inner_every_member,
              [&](const std::string& line) {
                std::lock_guard<std::mutex> lock(mu);
                progress(absl::StrCat("fold ", f, ": ", line));
              });
          if (!best.ok()) return best.status();
          chosen = settings[*best];
          std::lock_guard<std::mutex> lock(mu);
          progress(absl::StrCat("fold ", f, ": inner folds chose walk alpha ",
                                chosen.features.walk.alpha, ", member share ",
                                chosen.features.member_restart_share,
                                ", queries per project ",
                                chosen.fit.queries_per_project, ", mrr_sweeps ",
                                chosen.fit.mrr_sweeps, ", loose_mrr_penalty ",
                                chosen.fit.loose_mrr_penalty));
        }
        const FitOptions& fit = chosen.fit;
        result.setting = chosen;
        absl::StatusOr<CitymatchModel> model =
            FitModelOnFolds(data, {f}, fit, chosen.features, &result.chosen_l2);
        if (!model.ok()) return model.status();
        if (!fit.l2_choices.empty()) {
          std::lock_guard<std::mutex> lock(mu);
          progress(absl::StrCat("fold ", f, ": inner folds chose l2 ",
                                result.chosen_l2));
        }
        result.model = *model;
        result.fitted = true;
        rankers.push_back(std::make_unique<CitymatchRanker>(*model));
      } else {
        rankers.push_back(MakeRanker(name));
      }
    }
    std::vector<EvalQuery> queries =
        MeasuredQueriesOfFold(data, f, **graph, options.every_member);
    if (options.hide_programme) {
      for (EvalQuery& q : queries) q.query.programme.clear();
    }
    {
      std::lock_guard<std::mutex> lock(mu);
      progress(absl::StrCat("fold ", f, ": ranking ", queries.size(),
                            " queries with ", rankers.size(), " rankers"));
    }
    result.share = ProjectShares(queries);
    result.ranks.assign(rankers.size(), {});
    std::vector<double> scores;
    for (const EvalQuery& q : queries) {
      result.projects.push_back(q.project);
      result.hidden.push_back((*graph)->cities()[q.hidden].id);
      for (size_t r = 0; r < rankers.size(); ++r) {
        rankers[r]->Score(**graph, q.query, &scores);
        result.ranks[r].push_back(RankOf(scores, q.hidden, q.query.members));
      }
    }
    std::lock_guard<std::mutex> lock(mu);
    progress(absl::StrCat("fold ", f, ": done"));
    return absl::OkStatus();
  };

  std::vector<std::thread> workers;
  const int threads = std::max(1, std::min(options.threads, kNumFolds));
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      for (int f = next_fold++; f < kNumFolds; f = next_fold++) {
        absl::Status s = run_fold(f);
        if (!s.ok()) {
          std::lock_guard<std::mutex> lock(mu);
          if (status.ok()) status = s;
        }
      }
    });
  }
  for (std::thread& w : workers) w.join();
  if (!status.ok()) return status;

  EvaluationReport report;
  for (size_t r = 0; r < names.size(); ++r) {
    std::map<std::string, GroupMetrics>& groups = report.table[names[r]];
    // The protocol names the inclusion subset: it is reported even when no
    // project is on it (a data set with other themes), with no queries.
    groups[kInclusionGroup];
    for (const FoldResult& result : results) {
      for (size_t i = 0; i < result.projects.size(); ++i) {
        const Project& p = *result.projects[i];
        const int rank = result.ranks[r][i];
        const double weight = result.share[i];
        std::vector<std::string> keys = {ProjectGroup(p.id)};
        if (IsInclusionProject(p)) keys.push_back(kInclusionGroup);
        report.ranks.push_back(
            {p.id, result.hidden[i], names[r], rank, weight, keys});
        for (const std::string& key : keys) {
          GroupMetrics& m = groups[key];
          // Whole projects are counted once, at their first query.
          if (i == 0 || result.projects[i - 1] != &p) m.queries += 1;
          m.hit_at_10 += rank <= kHitCutoff ? weight : 0;
          m.mrr += weight / rank;
        }
      }
    }
    for (auto& [group, m] : groups) {
      if (m.queries == 0) continue;
      m.hit_at_10 /= m.queries;
      m.mrr /= m.queries;
    }
  }
  for (FoldResult& result : results) {
    if (result.fitted) {
      report.fold_models.push_back(result.model);
      report.chosen_settings.push_back(result.setting);
      report.chosen_l2.push_back(result.chosen_l2);
    }
  }
  return report;
}

}  // namespace citymatch
