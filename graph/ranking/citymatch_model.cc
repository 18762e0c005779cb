// The weights the service ranks with, fitted on the shipped data set
// (../shared/data; deploy/data is the same plus the five EU-MIA practices)
// with every evaluated project as a training query (each on the graph
// without its own fold):
//
//   build/graph/ranking/citymatch-eval --data ../shared/data --fit
//
// (its stderr names the penalty the training folds chose: 10)
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
        -0.0278228676,  // ppr
        1.0433354,      // co_membership
        0.53339547,     // twinned
        0.0357059557,   // experience
        0.438745566,    // programme_experience
        0.627900807,    // programme_country
        -0.487173209,   // distance
        -2.01459026,    // distance_tight
        -1.91932459,    // same_country
        0.258042156,    // same_country_repeat
        0.314567704,    // population_gap
        0.184009283,    // population
        0.25885326,     // theme_projects
        0.942095552,    // theme_practices
        -0.218343294,   // programme_population_gap
        0.157854487,    // programme_density
        0.511229729,    // programme_co_membership
        1.99026491,     // era_gap
    }};
    model->loose_weights = {{
        0.327974837,    // ppr
        0.460159517,    // co_membership
        0.364014165,    // twinned
        -0.303851111,   // experience
        0.746469001,    // programme_experience
        0.508716197,    // programme_country
        -0.195620064,   // distance
        -0.415391141,   // distance_tight
        -1.21835357,    // same_country
        0.985701655,    // same_country_repeat
        0.346735927,    // population_gap
        0.20098562,     // population
        0.143514343,    // theme_projects
        0.00925162945,  // theme_practices
        -0.0613062603,  // programme_population_gap
        0.191238874,    // programme_density
        0.275036937,    // programme_co_membership
        0.394245823,    // era_gap
    }};
    model->fallback_weights = {{
        0.126200239,   // ppr
        1.31053411,    // co_membership
        0.534353182,   // twinned
        0.202296911,   // experience
        0,             // programme_experience
        0,             // programme_country
        -0.980155606,  // distance
        -1.73371437,   // distance_tight
        0.431234926,   // same_country
        0.16206058,    // same_country_repeat
        0.116547996,   // population_gap
        0.126454442,   // population
        0.304808009,   // theme_projects
        -0.369108673,  // theme_practices
        0,             // programme_population_gap
        0,             // programme_density
        0,             // programme_co_membership
        0.295184115,   // era_gap
    }};
    model->fallback_loose_weights = {{
        0.462508417,   // ppr
        1.19147789,    // co_membership
        0.200404476,   // twinned
        -0.317530056,  // experience
        0,             // programme_experience
        0,             // programme_country
        -0.438083752,  // distance
        -0.305283576,  // distance_tight
        -0.580088306,  // same_country
        3.00166883,    // same_country_repeat
        0.254724533,   // population_gap
        0.205913196,   // population
        0.297669171,   // theme_projects
        0.169787384,   // theme_practices
        0,             // programme_population_gap
        0,             // programme_density
        0,             // programme_co_membership
        0.22703517,    // era_gap
    }};
    return model;
  }();
  return *kModel;
}

}  // namespace citymatch
