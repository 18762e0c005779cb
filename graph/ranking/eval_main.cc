// citymatch-eval: runs the evaluation protocol (docs/ranking.md, "The
// evaluation") on a data folder in the interchange format
// (docs/data-format.md) and prints Hit@10 and MRR per group for every ranker
// (see evaluation.h).
//
//   citymatch-eval --data DIR [--json] [--rankers a,b] [--threads N]
//   citymatch-eval --data DIR --fit      prints the model to ship
//
// Under the table it prints how sure each gap to a baseline is (a paired
// sign test per group) and the 95% interval of citymatch's Hit@10;
// --ranks_csv writes every query's rank for other comparisons,
// --without_features runs ablations, and --every_member measures the same
// quantity as the protocol with every member of a project hidden in turn.
//
// It evaluates every row the protocol can use and reports the rest on
// stderr; a file it cannot read at all (not CSV, or without a column it
// needs) fails the run, and --strict refuses a data set the service's
// import would refuse.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "graph/dataset_reader.h"
#include "graph/flags_help.h"
#include "graph/ranking/evaluation.h"
#include "graph/ranking/features.h"
#include "graph/ranking/paired_comparison.h"
#include "nlohmann/json.hpp"

namespace citymatch {
// The flag default of a list of numbers.
std::vector<std::string> NumberStrings(const std::vector<double>& values) {
  std::vector<std::string> out;
  for (double v : values) out.push_back(absl::StrCat(v));
  return out;
}
}  // namespace citymatch

ABSL_FLAG(std::string, data, "", "data folder in the interchange format");
ABSL_FLAG(bool, json, false, "print one JSON object instead of a table");
ABSL_FLAG(bool, strict, false,
          "refuse a data set with any row the service's import would refuse, "
          "instead of evaluating the rows the protocol can use");
ABSL_FLAG(std::string, rankers, "",
          "comma-separated rankers to evaluate (default: all)");
ABSL_FLAG(int, threads, 2, "folds evaluated in parallel");
ABSL_FLAG(double, l2, citymatch::FitOptions().l2,
          "penalty on the standardised weights of the citymatch model, "
          "when --l2_choices is empty");
ABSL_FLAG(double, member_share,
          citymatch::FeatureOptions().member_restart_share,
          "share of the citymatch walk's restarts on the member cities");
ABSL_FLAG(double, alpha, citymatch::FeatureOptions().walk.alpha,
          "continuation probability of the citymatch walk");
ABSL_FLAG(int, iterations, citymatch::FeatureOptions().walk.max_iterations,
          "power iterations of the citymatch walk");
ABSL_FLAG(std::vector<std::string>, l2_choices,
          citymatch::NumberStrings(citymatch::FitOptions().l2_choices),
          "penalties each fitted model chooses its l2 among, by "
          "cross-validation over its own training folds; empty: --l2");
ABSL_FLAG(int, mrr_sweeps, citymatch::FitOptions().mrr_sweeps,
          "coordinate-ascent sweeps on MRR after the softmax fit");
ABSL_FLAG(double, mrr_min_gain, citymatch::FitOptions().mrr_min_gain,
          "smallest training-MRR gain a coordinate step must bring");
ABSL_FLAG(int, queries_per_project, citymatch::FitOptions().queries_per_project,
          "training queries per training project for the citymatch model");
ABSL_FLAG(double, loose_mrr_penalty, citymatch::FitOptions().loose_mrr_penalty,
          "refine the loose family on MRR with this penalty (< 0: do not)");
ABSL_FLAG(std::vector<std::string>, choose_walk_alpha, {},
          "choose the walk's alpha per test fold among these values by an "
          "inner cross-validation on the other folds (with --fit: over every "
          "fold; slow: each value needs its own training features)");
ABSL_FLAG(std::vector<std::string>, choose_member_share, {},
          "choose --member_share per test fold among these values the same "
          "way (slow: each value needs its own training features)");
ABSL_FLAG(std::vector<std::string>, choose_queries_per_project, {},
          "choose --queries_per_project per test fold among these whole "
          "numbers the same way (each needs its own training features)");
ABSL_FLAG(std::vector<std::string>, choose_mrr_sweeps, {},
          "choose --mrr_sweeps per test fold among these whole numbers by an "
          "inner cross-validation on the other folds");
ABSL_FLAG(std::vector<std::string>, choose_loose_mrr_penalty, {},
          "choose loose_mrr_penalty per test fold among these values by an "
          "inner cross-validation on the training folds");
ABSL_FLAG(bool, inner_every_member, false,
          "the inner folds of the --choose_ flags rank every member of their "
          "held-out projects, not only the protocol's hidden one");
ABSL_FLAG(bool, hide_programme, false,
          "ablation: evaluate queries without their programme");
ABSL_FLAG(bool, every_member, false,
          "not the protocol: hide every member of each test project in turn "
          "and count the project once, with its members' mean Hit@10 and "
          "reciprocal rank (the protocol's expectation, with less noise)");
ABSL_FLAG(std::vector<std::string>, without_features, {},
          "ablation: leave these features (by name, as in the components "
          "of an explanation) out of the citymatch model");
ABSL_FLAG(std::string, ranks_csv, "",
          "also write every test query's rank under every ranker to this CSV "
          "file (project_id,ranker,rank,hidden_city_id,groups; the groups "
          "the query counts in, separated by ';'), for paired comparisons "
          "(tools/pool_ranks.py)");
ABSL_FLAG(bool, fit, false,
          "fit the citymatch model on all folds and print it as C++ "
          "(graph/ranking/citymatch_model.cc) instead of evaluating");

namespace citymatch {
namespace {

void PrintWeights(const char* name, const FeatureWeights& w) {
  std::printf("    model->%s = {{\n", name);
  for (int f = 0; f < kNumFeatures; ++f) {
    std::printf("        %.9g,  // %s\n", w[f], FeatureName(f));
  }
  std::printf("    }};\n");
}

// "<name> per fold: v0 v1 ..." on stderr, when there was a choice.
void PrintPerFold(const char* name, const std::vector<double>& choices,
                  const std::vector<double>& chosen) {
  if (choices.empty()) return;
  std::cerr << name << " per fold:";
  for (double v : chosen) std::cerr << " " << v;
  std::cerr << "\n";
}

// Sets `out` to `values` as non-negative numbers; false (with a message)
// for one that is not.
bool ParseNumbers(const std::vector<std::string>& values, const char* flag,
                  std::vector<double>* out) {
  out->clear();
  for (const std::string& value : values) {
    double v;
    if (!absl::SimpleAtod(value, &v) || v < 0) {
      std::cerr << flag << ": not a non-negative number: " << value << "\n";
      return false;
    }
    out->push_back(v);
  }
  return true;
}

// Sets the bit of each named feature in `mask`; false (with a message) for
// an unknown name.
bool FeatureMask(const std::vector<std::string>& names, const char* flag,
                 uint64_t* mask) {
  for (const std::string& name : names) {
    int f = 0;
    while (f < kNumFeatures && name != FeatureName(f)) ++f;
    if (f == kNumFeatures) {
      std::cerr << flag << ": no feature named " << name << "\n";
      return false;
    }
    *mask |= uint64_t{1} << f;
  }
  return true;
}

// The width of the first column: the longest ranker name, at least that of
// "95% interval".
int NameWidth(const std::vector<std::string>& rankers) {
  size_t width = 12;
  for (const std::string& name : rankers) width = std::max(width, name.size());
  return static_cast<int>(width);
}

// Under the table: how sure each gap between citymatch and a baseline is
// (the queries only one of them has in its top 10, and the sign test of that
// split), and the 95% interval of citymatch's own Hit@10 per group. With
// every member hidden in turn the unit is the project: it counts for the
// ranker that has more of its members in the top 10.
void PrintPairedComparison(const EvaluationReport& report,
                           const std::vector<std::string>& rankers,
                           bool every_member) {
  const std::string ours = "citymatch";
  if (std::find(rankers.begin(), rankers.end(), ours) == rankers.end()) return;
  // shares[ranker][group][project id]: the project's share of hits.
  std::map<std::string, std::map<std::string, std::map<std::string, double>>>
      shares;
  for (const QueryRank& r : report.ranks) {
    for (const std::string& group : r.groups) {
      shares[r.ranker][group][r.project_id] +=
          r.rank <= kHitCutoff ? r.weight : 0;
    }
  }
  // The shares of `ranker`'s projects in `group`, in project order: empty
  // for a group without queries (the inclusion subset of other themes).
  auto column = [&shares](const std::string& ranker, const std::string& group) {
    std::vector<double> v;
    auto r = shares.find(ranker);
    if (r == shares.end()) return v;
    auto g = r->second.find(group);
    if (g == r->second.end()) return v;
    for (const auto& [id, share] : g->second) v.push_back(share);
    return v;
  };
  // The columns of the table above, so that every figure sits under its
  // group.
  std::vector<std::string> groups;
  for (const auto& [group, metrics] : report.table.at(ours)) {
    groups.push_back(group);
  }
  if (every_member) {
    std::printf(
        "\ncitymatch against each baseline, per group: projects of which "
        "citymatch has more members in its top %d / the baseline more (exact "
        "sign test p)\n",
        kHitCutoff);
  } else {
    std::printf(
        "\ncitymatch against each baseline, per group: queries only "
        "citymatch has in its top %d / only the baseline has (exact sign test "
        "p)\n",
        kHitCutoff);
  }
  for (const std::string& name : rankers) {
    if (name == ours) continue;
    std::printf("%-*s", NameWidth(rankers), name.c_str());
    for (const std::string& group : groups) {
      const std::vector<double> a = column(ours, group);
      if (a.empty()) {
        std::printf("  %-24s", "-");
        continue;
      }
      const PairedHits h = CompareHitShares(a, column(name, group));
      std::printf("  %-24s",
                  absl::StrFormat("+%d / -%d (p %s)", h.only_a, h.only_b,
                                  h.p_value < 0.001
                                      ? std::string("< 0.001")
                                      : absl::StrFormat("%.3f", h.p_value))
                      .c_str());
    }
    std::printf("\n");
  }
  std::printf("%-*s", NameWidth(rankers), "95% interval");
  for (const std::string& group : groups) {
    const std::vector<double> v = column(ours, group);
    if (v.empty()) {
      std::printf("  %-24s", "-");
      continue;
    }
    double hits = 0;
    for (double share : v) hits += share;
    const auto [low, high] =
        every_member ? MeanShareInterval(v)
                     : WilsonInterval(static_cast<int>(std::lround(hits)),
                                      static_cast<int>(v.size()));
    std::printf("  %-24s", absl::StrFormat("%.3f - %.3f", low, high).c_str());
  }
  std::printf("  (citymatch's Hit@10)\n");
}

// Reads `dir` for the evaluation and reports on stderr what it could not
// read; an error (already reported) if the data set cannot be evaluated.
//
// A data set written elsewhere is evaluated on every row the protocol can
// use: one odd row (an id outside the service's syntax, a role spelt "Lead
// partner", a year written "2016.0") must not lose the whole set. Each row
// skipped or read in part is reported. --strict refuses what an import
// would.
absl::StatusOr<Dataset> ReadForEvaluation(const std::string& dir, bool strict) {
  absl::StatusOr<ParsedDataset> read = ParseDatasetDir(
      dir, strict ? ReadRules::kService : ReadRules::kEvaluation);
  if (!read.ok()) {
    std::cerr << read.status() << "\n";
    return read.status();
  }
  if (!read->problems.empty()) {
    const char* heading = "rows skipped (or, where noted, read in part):";
    if (strict) {
      heading = "refused, the rows below break the service's rules:";
    } else if (!read->unread_files.empty()) {
      heading = "files and rows that could not be read:";
    }
    std::cerr << heading << "\n";
    for (const std::string& line : FormatProblems(*read)) {
      std::cerr << "  " << line << "\n";
    }
    if (strict) return absl::InvalidArgumentError("refused");
  }
  // A file none of whose rows could be read would leave an evaluation of
  // some other data set, with nothing on stdout to tell.
  if (!read->unread_files.empty()) {
    std::cerr << "cannot evaluate: " << absl::StrJoin(read->unread_files, ", ")
              << " could not be read (see above)\n";
    return absl::InvalidArgumentError("unread files");
  }
  const Dataset& data = read->dataset;
  std::cerr << absl::StrFormat(
      "read %d cities, %d projects, %d practices, "
      "%d twinnings\n",
      data.cities.size(), data.projects.size(), data.practices.size(),
      data.twinnings.size());
  if (std::none_of(data.projects.begin(), data.projects.end(),
                   IsEvaluatedProject)) {
    std::cerr << "no project has three or more member cities: there is "
                 "nothing to evaluate\n";
  }
  return std::move(read->dataset);
}

// The report as one JSON object: {"rankers": {name: {group: {"queries",
// "hit_at_10", "mrr"}}}}, rankers in `order`.
void PrintJson(const EvaluationReport& report,
               const std::vector<std::string>& order, bool every_member) {
  nlohmann::ordered_json rankers_json = nlohmann::ordered_json::object();
  for (const std::string& name : order) {
    nlohmann::ordered_json groups = nlohmann::ordered_json::object();
    for (const auto& [group, m] : report.table.at(name)) {
      groups[group] = {
          {"queries", m.queries}, {"hit_at_10", m.hit_at_10}, {"mrr", m.mrr}};
    }
    rankers_json[name] = groups;
  }
  nlohmann::ordered_json out;
  out["rankers"] = rankers_json;
  // Not the protocol's figures: say so where a reader of the JSON sees it.
  if (every_member) out["every_member"] = true;
  std::cout << out.dump(2) << "\n";
}

// The report as a table, a row per ranker in `order` and a column per
// group, with the paired comparison under it.
void PrintTable(const EvaluationReport& report,
                const std::vector<std::string>& order, bool every_member) {
  std::printf("%-*s", NameWidth(order), "ranker");
  const auto& first = report.table.at(order.front());
  for (const auto& [group, m] : first) {
    std::printf("  %-24s",
                absl::StrFormat("%s (%d)", group, m.queries).c_str());
  }
  std::printf("\n");
  for (const std::string& name : order) {
    std::printf("%-*s", NameWidth(order), name.c_str());
    for (const auto& [group, m] : report.table.at(name)) {
      std::printf(
          "  %-24s",
          m.queries == 0
              ? "-"
              : absl::StrFormat("%.3f / %.3f", m.hit_at_10, m.mrr).c_str());
    }
    std::printf("\n");
  }
  std::printf("(Hit@10 / MRR per group; query counts in parentheses)\n");
  PrintPairedComparison(report, order, every_member);
}

// Every test query's rank under every ranker, for paired comparisons of
// runs (tools/pool_ranks.py); false (with a message) if it cannot be
// written.
bool WriteRanksCsv(const EvaluationReport& report, const std::string& path) {
  std::ofstream out(path);
  out << "project_id,ranker,rank,hidden_city_id,groups\n";
  for (const QueryRank& r : report.ranks) {
    out << r.project_id << "," << r.ranker << "," << r.rank << ","
        << r.hidden_city_id << "," << absl::StrJoin(r.groups, ";") << "\n";
  }
  if (!out) {
    std::cerr << "cannot write " << path << "\n";
    return false;
  }
  return true;
}

int Run() {
  const std::string dir = absl::GetFlag(FLAGS_data);
  if (dir.empty()) {
    std::cerr << "--data is required\n";
    return 2;
  }
  const absl::Time start = absl::Now();
  // Progress lines on stderr, stamped with the seconds since the start.
  const auto progress = [start](const std::string& line) {
    std::cerr << absl::StrFormat(
        "[%6.1fs] %s\n", absl::ToDoubleSeconds(absl::Now() - start), line);
  };
  absl::StatusOr<Dataset> data =
      ReadForEvaluation(dir, absl::GetFlag(FLAGS_strict));
  if (!data.ok()) return 1;

  FitOptions fit;
  fit.l2 = absl::GetFlag(FLAGS_l2);
  if (!ParseNumbers(absl::GetFlag(FLAGS_l2_choices), "--l2_choices",
                    &fit.l2_choices)) {
    return 2;
  }
  fit.mrr_sweeps = absl::GetFlag(FLAGS_mrr_sweeps);
  fit.queries_per_project = absl::GetFlag(FLAGS_queries_per_project);
  fit.mrr_min_gain = absl::GetFlag(FLAGS_mrr_min_gain);
  fit.loose_mrr_penalty = absl::GetFlag(FLAGS_loose_mrr_penalty);
  if (!FeatureMask(absl::GetFlag(FLAGS_without_features), "--without_features",
                   &fit.disabled_features)) {
    return 2;
  }
  FeatureOptions features;
  features.member_restart_share = absl::GetFlag(FLAGS_member_share);
  features.walk.alpha = absl::GetFlag(FLAGS_alpha);
  features.walk.max_iterations = absl::GetFlag(FLAGS_iterations);
  EvaluationOptions options;
  const std::string rankers = absl::GetFlag(FLAGS_rankers);
  if (!rankers.empty()) {
    options.rankers = absl::StrSplit(rankers, ',', absl::SkipEmpty());
  }
  options.threads = absl::GetFlag(FLAGS_threads);
  options.fit = fit;
  options.hide_programme = absl::GetFlag(FLAGS_hide_programme);
  options.every_member = absl::GetFlag(FLAGS_every_member);
  options.inner_every_member = absl::GetFlag(FLAGS_inner_every_member);
  // The settings the inner folds may choose (per test fold; with --fit,
  // over all the data).
  struct Choice {
    const absl::Flag<std::vector<std::string>>* flag;
    const char* name;
    std::vector<double>* values;
    bool whole;  // whole numbers only
    const char* label;
    double (*get)(const ModelSetting&);
  };
  const Choice kChoices[] = {
      {&FLAGS_choose_walk_alpha, "--choose_walk_alpha",
       &options.walk_alpha_choices, false, "walk alpha",
       [](const ModelSetting& s) { return s.features.walk.alpha; }},
      {&FLAGS_choose_member_share, "--choose_member_share",
       &options.member_share_choices, false, "member share",
       [](const ModelSetting& s) { return s.features.member_restart_share; }},
      {&FLAGS_choose_queries_per_project, "--choose_queries_per_project",
       &options.queries_per_project_choices, true, "queries per project",
       [](const ModelSetting& s) {
         return static_cast<double>(s.fit.queries_per_project);
       }},
      {&FLAGS_choose_mrr_sweeps, "--choose_mrr_sweeps",
       &options.mrr_sweeps_choices, true, "mrr_sweeps",
       [](const ModelSetting& s) {
         return static_cast<double>(s.fit.mrr_sweeps);
       }},
      {&FLAGS_choose_loose_mrr_penalty, "--choose_loose_mrr_penalty",
       &options.loose_mrr_penalty_choices, false, "loose_mrr_penalty",
       [](const ModelSetting& s) { return s.fit.loose_mrr_penalty; }},
  };
  for (const Choice& choice : kChoices) {
    if (!ParseNumbers(absl::GetFlag(*choice.flag), choice.name,
                      choice.values)) {
      return 2;
    }
    for (double v : *choice.values) {
      if (choice.whole && v != std::floor(v)) {
        std::cerr << choice.name << ": " << v << " is not a whole number\n";
        return 2;
      }
    }
  }
  options.features = features;
  options.progress = progress;
  if (absl::GetFlag(FLAGS_fit)) {
    absl::StatusOr<ModelSetting> chosen =
        ChooseSettingOnAllFolds(*data, options);
    if (!chosen.ok()) {
      std::cerr << chosen.status() << "\n";
      return 1;
    }
    for (const Choice& choice : kChoices) {
      if (!choice.values->empty()) {
        std::cerr << choice.label << " " << choice.get(*chosen) << "\n";
      }
    }
    double l2 = chosen->fit.l2;
    absl::StatusOr<CitymatchModel> model =
        FitModelOnFolds(*data, {}, chosen->fit, chosen->features, &l2);
    if (!model.ok()) {
      std::cerr << model.status() << "\n";
      return 1;
    }
    std::cerr << "l2 " << l2 << "\n";
    PrintWeights("weights", model->weights);
    PrintWeights("loose_weights", model->loose_weights);
    PrintWeights("fallback_weights", model->fallback_weights);
    PrintWeights("fallback_loose_weights", model->fallback_loose_weights);
    return 0;
  }

  absl::StatusOr<EvaluationReport> report = Evaluate(*data, options);
  if (!report.ok()) {
    std::cerr << report.status() << "\n";
    return 1;
  }
  const std::vector<std::string> order =
      options.rankers.empty() ? RankerNames() : options.rankers;

  if (absl::GetFlag(FLAGS_json)) {
    PrintJson(*report, order, options.every_member);
  } else {
    PrintTable(*report, order, options.every_member);
  }
  if (const std::string path = absl::GetFlag(FLAGS_ranks_csv);
      !path.empty() && !WriteRanksCsv(*report, path)) {
    return 1;
  }
  PrintPerFold("l2", fit.l2_choices, report->chosen_l2);
  for (const Choice& choice : kChoices) {
    if (choice.values->empty()) continue;
    std::vector<double> chosen;
    for (const ModelSetting& s : report->chosen_settings) {
      chosen.push_back(choice.get(s));
    }
    PrintPerFold(choice.label, *choice.values, chosen);
  }
  std::cerr << absl::StrFormat("done in %.1fs\n",
                               absl::ToDoubleSeconds(absl::Now() - start));
  return 0;
}

}  // namespace
}  // namespace citymatch

int main(int argc, char** argv) {
  citymatch::SetFlagsHelp(
      "citymatch-eval --data DIR [--json]: the evaluation protocol of "
      "docs/ranking.md for every ranker, on a folder in the format of "
      "docs/data-format.md",
      "ranking/eval_main.cc");
  citymatch::ParseFlags(argc, argv);
  return citymatch::Run();
}
