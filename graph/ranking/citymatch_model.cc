// The weights the service ranks with, fitted on the shipped data set
// (../shared/data, the same files as deploy/data) with every evaluated
// project as a training query (each on the graph without its own fold):
//
//   build-rank/graph/ranking/citymatch-eval --data ../shared/data --fit
//
// and pasted here. Fitting at build time keeps serving cheap (a query is a
// walk, a few scans and a dot product) and makes the served model a
// reviewed, versioned artefact. Refit and paste again when the shipped data
// or the features change; the evaluation never uses these weights, it fits
// its own per fold.
#include "graph/ranking/citymatch_ranker.h"

namespace citymatch {

const CitymatchModel& ShippedCitymatchModel() {
  static const CitymatchModel* const kModel = [] {
    auto* model = new CitymatchModel();
    model->weights = {{
        -0.0278233917,  // ppr
        1.04333735,  // co_membership
        0.533396838,  // twinned
        0.0357076694,  // experience
        0.438747662,  // programme_experience
        0.627900735,  // programme_country
        -0.487170334,  // distance
        -2.01458571,  // distance_tight
        -1.91932084,  // same_country
        0.258039726,  // same_country_repeat
        0.3145679,  // population_gap
        0.184008618,  // population
        0.258851676,  // theme_projects
        0.942094778,  // theme_practices
        -0.218343742,  // programme_population_gap
        0.15785556,  // programme_density
        0.511227778,  // programme_co_membership
        1.99025894,  // era_gap
    }};
    model->loose_weights = {{
        0.327974842,  // ppr
        0.460159652,  // co_membership
        0.364014157,  // twinned
        -0.303851092,  // experience
        0.746468965,  // programme_experience
        0.508716204,  // programme_country
        -0.195619882,  // distance
        -0.415390481,  // distance_tight
        -1.21835339,  // same_country
        0.985701924,  // same_country_repeat
        0.346735923,  // population_gap
        0.200985598,  // population
        0.143514356,  // theme_projects
        0.00925160372,  // theme_practices
        -0.0613062699,  // programme_population_gap
        0.191238952,  // programme_density
        0.275036874,  // programme_co_membership
        0.394245725,  // era_gap
    }};
    model->fallback_weights = {{
        0.217931412,  // ppr
        1.19321793,  // co_membership
        0.35463339,  // twinned
        -0.00301808549,  // experience
        0,  // programme_experience
        0,  // programme_country
        -0.504319764,  // distance
        -2.24550346,  // distance_tight
        -0.177010571,  // same_country
        1.33646286,  // same_country_repeat
        0.181659433,  // population_gap
        0.179673196,  // population
        0.401581678,  // theme_projects
        -0.0559475316,  // theme_practices
        0,  // programme_population_gap
        0,  // programme_density
        0,  // programme_co_membership
        0.0948964528,  // era_gap
    }};
    return model;
  }();
  return *kModel;
}

}  // namespace citymatch
