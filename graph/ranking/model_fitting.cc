#include "graph/ranking/model_fitting.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <iterator>
#include <numeric>
#include <random>
#include <set>

namespace citymatch {

namespace {

constexpr int F = kNumFeatures;
constexpr int kTopByWalk = 150;
constexpr int kTopBySignal = 40;
constexpr int kRandom = 120;
// ChooseL2() fits on at most about this many queries of each kind.
constexpr size_t kMaxChoiceQueries = 600;

// Solves a x = b for a small dense symmetric positive definite `a`
// (Gaussian elimination with partial pivoting; F is about a dozen).
std::array<double, F> Solve(std::array<std::array<double, F>, F> a,
                            std::array<double, F> b) {
  for (int i = 0; i < F; ++i) {
    int pivot = i;
    for (int r = i + 1; r < F; ++r) {
      if (std::fabs(a[r][i]) > std::fabs(a[pivot][i])) pivot = r;
    }
    std::swap(a[i], a[pivot]);
    std::swap(b[i], b[pivot]);
    if (std::fabs(a[i][i]) < 1e-12) continue;
    for (int r = i + 1; r < F; ++r) {
      const double k = a[r][i] / a[i][i];
      for (int c = i; c < F; ++c) a[r][c] -= k * a[i][c];
      b[r] -= k * b[i];
    }
  }
  std::array<double, F> x{};
  for (int i = F - 1; i >= 0; --i) {
    if (std::fabs(a[i][i]) < 1e-12) continue;
    double s = b[i];
    for (int c = i + 1; c < F; ++c) s -= a[i][c] * x[c];
    x[i] = s / a[i][i];
  }
  return x;
}

struct Standardized {
  std::array<double, F> mean{};
  std::array<double, F> scale{};  // 0 for a constant feature
};

Standardized Moments(const std::vector<const TrainingQuery*>& queries) {
  Standardized s;
  std::array<double, F> sq{};
  double count = 0;
  for (const TrainingQuery* q : queries) {
    for (int r = 0; r < q->num_rows(); ++r) {
      const float* x = &q->rows[r * F];
      for (int f = 0; f < F; ++f) {
        s.mean[f] += x[f];
        sq[f] += static_cast<double>(x[f]) * x[f];
      }
      count += 1;
    }
  }
  for (int f = 0; f < F; ++f) {
    if (count == 0) break;
    s.mean[f] /= count;
    const double var = sq[f] / count - s.mean[f] * s.mean[f];
    s.scale[f] = var > 1e-12 ? std::sqrt(var) : 0;
  }
  return s;
}

}  // namespace

TrainingQuery SampleTrainingQuery(const QueryFeatures& features,
                                  const std::vector<int>& members, int hidden,
                                  uint32_t seed) {
  const int n = features.num_cities;
  std::vector<char> take(n, 0);
  // The k-th best value of the signed column by partial_sort_copy (a heap
  // of k: one comparison for most cities, as this runs a dozen times for
  // each of thousands of training queries), then the cities above it and,
  // in id order, as many of those equal to it as fit.
  std::vector<float> column(n), best;
  auto top_by = [&](int feature, float sign, int k) {
    k = std::min(k, n);
    if (k == 0) return;
    const float* values = features.column(feature);
    for (int c = 0; c < n; ++c) column[c] = sign * values[c];
    best.resize(k);
    std::partial_sort_copy(column.begin(), column.end(), best.begin(),
                           best.end(), std::greater<float>());
    const float kth = best.back();
    int taken = 0;
    for (int c = 0; c < n; ++c) {
      if (column[c] > kth) {
        take[c] = 1;
        ++taken;
      }
    }
    for (int c = 0; c < n && taken < k; ++c) {
      if (column[c] == kth) {
        take[c] = 1;
        ++taken;
      }
    }
  };
  top_by(kPpr, 1, kTopByWalk);
  top_by(kCoMembership, 1, kTopBySignal);
  top_by(kExperience, 1, kTopBySignal);
  top_by(kProgrammeExperience, 1, kTopBySignal);
  top_by(kProgrammeCountry, 1, kTopBySignal);
  top_by(kDistance, -1, kTopBySignal);
  top_by(kThemeProjects, 1, kTopBySignal);
  top_by(kProgrammeDensity, 1, kTopBySignal);
  top_by(kProgrammePopulationGap, 1, kTopBySignal);
  top_by(kPopulation, 1, kTopBySignal);
  top_by(kProgrammeCoMembership, 1, kTopBySignal);
  for (int m : members) take[m] = 0;
  take[hidden] = 1;
  // The rest of the candidates, represented by a uniform sample.
  std::vector<int> rest;
  for (int c = 0; c < n; ++c) {
    if (!take[c] && !std::binary_search(members.begin(), members.end(), c)) {
      rest.push_back(c);
    }
  }
  std::mt19937 rng(seed);
  const int k = std::min<int>(kRandom, rest.size());
  for (int i = 0; i < k; ++i) {
    std::uniform_int_distribution<int> pick(i,
                                            static_cast<int>(rest.size()) - 1);
    std::swap(rest[i], rest[pick(rng)]);
  }
  const float rest_weight =
      k == 0 ? 0 : static_cast<float>(rest.size()) / static_cast<float>(k);
  for (int i = 0; i < k; ++i) take[rest[i]] = 2;

  TrainingQuery q;
  q.tightness = features.tightness;
  for (int c = 0; c < n; ++c) {
    if (!take[c]) continue;
    if (c == hidden) q.positive = q.num_rows();
    for (int f = 0; f < F; ++f) q.rows.push_back(features.at(c, f));
    q.weight.push_back(take[c] == 2 ? rest_weight : 1.0f);
  }
  return q;
}

FeatureWeights FitSoftmaxWeights(
    const std::vector<const TrainingQuery*>& queries,
    const std::vector<double>& query_weight,
    const std::array<bool, kNumFeatures>& active, const FitOptions& options) {
  FeatureWeights raw{};
  if (queries.empty()) {
    raw[kPpr] = 1;
    return raw;
  }
  const Standardized st = Moments(queries);
  std::array<bool, F> on{};
  for (int f = 0; f < F; ++f) on[f] = active[f] && st.scale[f] > 0;
  double nq = 0;
  for (size_t i = 0; i < queries.size(); ++i) {
    nq += query_weight.empty() ? 1.0 : query_weight[i];
  }
  if (nq <= 0) {
    raw[kPpr] = 1;
    return raw;
  }
  const double l2 = options.l2 / nq;  // the loss is a mean over queries

  // The standardised rows, computed once: every Newton step and every
  // step of its line search reads them again.
  std::vector<std::vector<double>> z(queries.size());
  for (size_t qi = 0; qi < queries.size(); ++qi) {
    const TrainingQuery* q = queries[qi];
    if ((query_weight.empty() ? 1.0 : query_weight[qi]) == 0) continue;
    z[qi].resize(static_cast<size_t>(q->num_rows()) * F);
    for (int r = 0; r < q->num_rows(); ++r) {
      for (int f = 0; f < F; ++f) {
        z[qi][r * F + f] =
            on[f] ? (q->rows[r * F + f] - st.mean[f]) / st.scale[f] : 0;
      }
    }
  }

  // Loss, gradient and Hessian in the standardised space, accumulated in
  // locals (which the compiler may keep apart from the rows) and in the same
  // order as ever, so the fitted weights do not change by a bit.
  auto evaluate = [&](const std::array<double, F>& w, bool derivatives,
                      std::array<double, F>* grad_out,
                      std::array<std::array<double, F>, F>* hess_out) {
    double loss = 0;
    std::array<double, F> grad{};
    std::array<std::array<double, F>, F> hess{};
    std::vector<double> score, mass;
    for (size_t qi = 0; qi < queries.size(); ++qi) {
      const TrainingQuery* q = queries[qi];
      const double qw = (query_weight.empty() ? 1.0 : query_weight[qi]) / nq;
      if (qw == 0) continue;
      const int rows = q->num_rows();
      const std::vector<double>& zq = z[qi];
      score.resize(rows);
      mass.resize(rows);
      double top = -1e300;
      for (int r = 0; r < rows; ++r) {
        double s = 0;
        for (int f = 0; f < F; ++f) s += w[f] * zq[r * F + f];
        score[r] = s;
        top = std::max(top, s);
      }
      double sum = 0;
      for (int r = 0; r < rows; ++r) {
        mass[r] = q->weight[r] * std::exp(score[r] - top);
        sum += mass[r];
      }
      loss += (top + std::log(sum) - score[q->positive]) * qw;
      if (!derivatives) continue;
      std::array<double, F> mean_z{};
      for (int r = 0; r < rows; ++r) {
        const double p = mass[r] / sum;
        if (p < 1e-12) continue;
        const double* zr = &zq[r * F];
        for (int a = 0; a < F; ++a) {
          if (!on[a]) continue;
          mean_z[a] += p * zr[a];
          for (int b = a; b < F; ++b) hess[a][b] += qw * p * zr[a] * zr[b];
        }
      }
      for (int a = 0; a < F; ++a) {
        if (!on[a]) continue;
        grad[a] += (mean_z[a] - zq[q->positive * F + a]) * qw;
        for (int b = a; b < F; ++b) hess[a][b] -= qw * mean_z[a] * mean_z[b];
      }
    }
    for (int f = 0; f < F; ++f) {
      if (f == kPpr || !on[f]) continue;
      loss += l2 * w[f] * w[f];
      if (derivatives) {
        grad[f] += 2 * l2 * w[f];
        hess[f][f] += 2 * l2;
      }
    }
    if (derivatives) {
      for (int a = 0; a < F; ++a) {
        for (int b = 0; b < a; ++b) hess[a][b] = hess[b][a];
        if (!on[a]) hess[a][a] = 1;  // keeps inactive weights at 0
        hess[a][a] += 1e-9;
      }
      *grad_out = grad;
      *hess_out = hess;
    }
    return loss;
  };

  std::array<double, F> w{};
  if (on[kPpr]) w[kPpr] = 1;
  std::array<double, F> grad;
  std::array<std::array<double, F>, F> hess;
  double loss = evaluate(w, true, &grad, &hess);
  for (int it = 0; it < options.max_iterations; ++it) {
    std::array<double, F> neg = grad;
    for (double& g : neg) g = -g;
    const std::array<double, F> step = Solve(hess, neg);
    double t = 1;
    bool improved = false;
    std::array<double, F> trial{};
    double trial_loss = loss;
    for (int halving = 0; halving < 30; ++halving, t /= 2) {
      for (int f = 0; f < F; ++f) trial[f] = w[f] + t * step[f];
      trial_loss = evaluate(trial, false, nullptr, nullptr);
      if (trial_loss < loss) {
        improved = true;
        break;
      }
    }
    if (!improved) break;
    const double gain = loss - trial_loss;
    w = trial;
    loss = evaluate(w, true, &grad, &hess);
    if (gain < 1e-7) break;
  }
  for (int f = 0; f < F; ++f) raw[f] = on[f] ? w[f] / st.scale[f] : 0;
  return raw;
}

namespace {

// w . x for every row of `q`.
std::vector<double> RowScores(const TrainingQuery& q, const FeatureWeights& w) {
  std::vector<double> scores(q.num_rows());
  for (int r = 0; r < q.num_rows(); ++r) {
    double s = 0;
    for (int f = 0; f < F; ++f) s += w[f] * q.rows[r * F + f];
    scores[r] = s;
  }
  return scores;
}

}  // namespace

FeatureWeights RefineOnMrr(const std::vector<const TrainingQuery*>& queries,
                           const std::vector<double>& query_weight,
                           const std::array<bool, kNumFeatures>& active,
                           const FeatureWeights& start,
                           const FitOptions& options, double penalty,
                           bool force) {
  FeatureWeights w = start;
  double total_weight = 0;
  for (size_t q = 0; q < queries.size(); ++q) {
    total_weight += query_weight.empty() ? 1.0 : query_weight[q];
  }
  if (options.mrr_sweeps <= 0 ||
      (!force && total_weight < options.mrr_min_queries)) {
    return w;
  }
  const Standardized st = Moments(queries);
  // Scores of every row, updated in place as one weight moves.
  std::vector<std::vector<double>> scores(queries.size());
  for (size_t q = 0; q < queries.size(); ++q) {
    scores[q] = RowScores(*queries[q], w);
  }
  static constexpr double kSteps[] = {0.3, -0.3, 0.1, -0.1};
  constexpr int kNumSteps = std::size(kSteps);
  // The objective with each of `num` deltas on weight f, in one pass over
  // the rows (the candidate steps of a coordinate read the same column).
  auto mrr_with = [&](int f, const double* deltas, int num, double* values) {
    std::array<double, kNumSteps> total{}, pos{}, rank{};
    double weight = 0;
    for (size_t q = 0; q < queries.size(); ++q) {
      const double qw = query_weight.empty() ? 1.0 : query_weight[q];
      if (qw == 0) continue;
      const TrainingQuery& t = *queries[q];
      const std::vector<double>& s = scores[q];
      for (int j = 0; j < num; ++j) {
        pos[j] = s[t.positive] + deltas[j] * t.rows[t.positive * F + f];
        rank[j] = 1;
      }
      for (int r = 0; r < t.num_rows(); ++r) {
        if (r == t.positive) continue;
        const float x = t.rows[r * F + f];
        for (int j = 0; j < num; ++j) {
          if (s[r] + deltas[j] * x > pos[j]) rank[j] += t.weight[r];
        }
      }
      for (int j = 0; j < num; ++j) total[j] += qw / rank[j];
      weight += qw;
    }
    for (int j = 0; j < num; ++j) {
      values[j] = weight > 0 ? total[j] / weight : 0;
      if (penalty > 0) {
        // Squared standardised distance from the start, with the delta on f.
        double distance = 0;
        for (int g = 0; g < F; ++g) {
          const double d =
              (w[g] + (g == f ? deltas[j] : 0) - start[g]) * st.scale[g];
          distance += d * d;
        }
        values[j] -= penalty * distance;
      }
    }
  };
  const double no_step = 0;
  double best;
  mrr_with(0, &no_step, 1, &best);
  for (int sweep = 0; sweep < options.mrr_sweeps; ++sweep) {
    bool moved = false;
    for (int f = 0; f < F; ++f) {
      if (!active[f] || st.scale[f] == 0) continue;
      std::array<double, kNumSteps> deltas, values;
      for (int j = 0; j < kNumSteps; ++j) deltas[j] = kSteps[j] / st.scale[f];
      mrr_with(f, deltas.data(), kNumSteps, values.data());
      double best_delta = 0, best_value = best;
      for (int j = 0; j < kNumSteps; ++j) {
        if (values[j] > best_value + options.mrr_min_gain) {
          best_value = values[j];
          best_delta = deltas[j];
        }
      }
      if (best_delta == 0) continue;
      w[f] += best_delta;
      for (size_t q = 0; q < queries.size(); ++q) {
        const TrainingQuery& t = *queries[q];
        for (int r = 0; r < t.num_rows(); ++r) {
          scores[q][r] += best_delta * t.rows[r * F + f];
        }
      }
      best = best_value;
      moved = true;
    }
    if (!moved) break;
  }
  return w;
}

namespace {

// Training queries weighed by family: each by 1 - LooseShare() of its
// tightness in the tight family and by LooseShare() in the loose one.
struct Families {
  std::vector<const TrainingQuery*> queries;
  std::vector<double> tight, loose;  // per query
  double tight_total = 0, loose_total = 0;
  // Whether each family has enough queries to be fitted on its own.
  bool both() const { return tight_total >= 1 && loose_total >= 1; }
};

Families SplitByFamily(const std::vector<const TrainingQuery*>& queries) {
  Families out;
  for (const TrainingQuery* query : queries) {
    const TrainingQuery& q = *query;
    out.queries.push_back(&q);
    out.loose.push_back(LooseShare(q.tightness));
    out.tight.push_back(1 - out.loose.back());
    out.tight_total += out.tight.back();
    out.loose_total += out.loose.back();
  }
  return out;
}

// The softmax weights of each family; a family with (almost) no training
// queries shares one fit on all of them with the other.
void FitFamilies(const Families& families, const std::array<bool, F>& active,
                 const FitOptions& options, FeatureWeights* tight,
                 FeatureWeights* loose) {
  if (!families.both()) {
    *tight = *loose = FitSoftmaxWeights(families.queries, {}, active, options);
    return;
  }
  *tight = FitSoftmaxWeights(families.queries, families.tight, active, options);
  *loose = FitSoftmaxWeights(families.queries, families.loose, active, options);
}

// FitCitymatchModel() on the queries pointed to, at options.l2.
CitymatchModel FitModel(
    const std::vector<const TrainingQuery*>& with_programme,
    const std::vector<const TrainingQuery*>& without_programme,
    const FitOptions& options) {
  CitymatchModel model;
  std::array<bool, F> all;
  for (int f = 0; f < F; ++f) all[f] = !(options.disabled_features >> f & 1);
  std::array<bool, F> no_programme = all;
  for (int f = 0; f < F; ++f) {
    if (IsProgrammeFeature(f)) no_programme[f] = false;
  }

  FitFamilies(SplitByFamily(without_programme), no_programme, options,
              &model.fallback_weights, &model.fallback_loose_weights);
  const Families with = SplitByFamily(with_programme);
  if (with.queries.empty()) {
    model.weights = model.fallback_weights;
    model.loose_weights = model.fallback_loose_weights;
    return model;
  }
  FitFamilies(with, all, options, &model.weights, &model.loose_weights);
  if (!with.both()) return model;
  model.weights =
      RefineOnMrr(with.queries, with.tight, all, model.weights, options);
  if (options.loose_mrr_penalty >= 0) {
    model.loose_weights =
        RefineOnMrr(with.queries, with.loose, all, model.loose_weights, options,
                    options.loose_mrr_penalty / with.loose_total, true);
  } else {
    model.loose_weights = RefineOnMrr(with.queries, with.loose, all,
                                      model.loose_weights, options);
  }
  return model;
}

std::vector<const TrainingQuery*> Pointers(
    const std::vector<TrainingQuery>& queries) {
  std::vector<const TrainingQuery*> out;
  out.reserve(queries.size());
  for (const TrainingQuery& q : queries) out.push_back(&q);
  return out;
}

// The sample-weighted reciprocal rank of the held-out city of `q` under the
// blend of `tight` and `loose` for its tightness.
double ReciprocalRank(const TrainingQuery& q, const FeatureWeights& tight,
                      const FeatureWeights& loose) {
  const std::vector<double> scores =
      RowScores(q, BlendFamilies(tight, loose, q.tightness));
  double rank = 1;
  for (int r = 0; r < q.num_rows(); ++r) {
    if (r != q.positive && scores[r] > scores[q.positive]) rank += q.weight[r];
  }
  return 1 / rank;
}

}  // namespace

double ChooseL2(const std::vector<TrainingQuery>& with_programme,
                const std::vector<TrainingQuery>& without_programme,
                const FitOptions& options) {
  const std::vector<double>& choices = options.l2_choices;
  std::set<int> groups;
  for (const TrainingQuery& q : with_programme) groups.insert(q.group);
  for (const TrainingQuery& q : without_programme) groups.insert(q.group);
  if (choices.empty() || groups.size() < 2) return options.l2;

  // A large training set is thinned to every k-th query: the fits cost in
  // proportion to the queries, and the penalty is a total, the strength of
  // a prior rather than a rate per query, so a sample can choose it (on
  // the shipped data about a fifth of the queries choose 10 in every fold).
  auto thin = [](const std::vector<TrainingQuery>& queries) {
    const size_t stride = queries.size() / kMaxChoiceQueries + 1;
    std::vector<const TrainingQuery*> out;
    for (size_t i = 0; i < queries.size(); i += stride) {
      out.push_back(&queries[i]);
    }
    return out;
  };
  const std::vector<const TrainingQuery*> with = thin(with_programme);
  const std::vector<const TrainingQuery*> without = thin(without_programme);

  std::vector<double> reciprocal(choices.size(), 0.0);
  for (int held_out : groups) {
    std::vector<const TrainingQuery*> with_train, without_train;
    for (const TrainingQuery* q : with) {
      if (q->group != held_out) with_train.push_back(q);
    }
    for (const TrainingQuery* q : without) {
      if (q->group != held_out) without_train.push_back(q);
    }
    for (size_t i = 0; i < choices.size(); ++i) {
      FitOptions fit = options;
      fit.l2 = choices[i];
      const CitymatchModel model = FitModel(with_train, without_train, fit);
      for (const TrainingQuery* q : with) {
        if (q->group != held_out) continue;
        reciprocal[i] += ReciprocalRank(*q, model.weights, model.loose_weights);
      }
      for (const TrainingQuery* q : without) {
        if (q->group != held_out) continue;
        reciprocal[i] += ReciprocalRank(*q, model.fallback_weights,
                                        model.fallback_loose_weights);
      }
    }
  }
  size_t best = 0;
  for (size_t i = 1; i < choices.size(); ++i) {
    if (reciprocal[i] > reciprocal[best]) best = i;
  }
  return choices[best];
}

CitymatchModel FitCitymatchModel(
    const std::vector<TrainingQuery>& with_programme,
    const std::vector<TrainingQuery>& without_programme,
    const FitOptions& options, double* chosen_l2) {
  FitOptions fit = options;
  fit.l2 = ChooseL2(with_programme, without_programme, options);
  if (chosen_l2 != nullptr) *chosen_l2 = fit.l2;
  return FitModel(Pointers(with_programme), Pointers(without_programme), fit);
}

}  // namespace citymatch
