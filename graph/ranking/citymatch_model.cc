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
        0.161467347,  // ppr
        0.372525483,  // co_membership
        0.505374503,  // twinned
        0.122279303,  // experience
        0.75065596,  // programme_experience
        0.413740458,  // programme_country
        -0.721737902,  // distance
        -1.38043212,  // distance_tight
        -1.0101239,  // same_country
        -0.278877009,  // same_country_repeat
        0.210990133,  // population_gap
        0.163070878,  // population
        -0.0247215549,  // theme_projects
        -0.67128572,  // theme_practices
        -0.27601586,  // programme_population_gap
        0.274373836,  // programme_density
        0.459840351,  // programme_co_membership
        0.0399338553,  // era_gap
    }};
    model->loose_weights = {{
        0.326378359,  // ppr
        0.510885955,  // co_membership
        0.287311985,  // twinned
        -0.230817488,  // experience
        0.849976019,  // programme_experience
        0.395445454,  // programme_country
        -0.27913263,  // distance
        -0.204023276,  // distance_tight
        -0.878236253,  // same_country
        0.440663931,  // same_country_repeat
        0.315075769,  // population_gap
        0.166780886,  // population
        0.0821643276,  // theme_projects
        -0.0426584589,  // theme_practices
        -0.0116885894,  // programme_population_gap
        0.130035275,  // programme_density
        0.28819675,  // programme_co_membership
        0.294958756,  // era_gap
    }};
    model->fallback_weights = {{
        0.216620457,  // ppr
        1.20137292,  // co_membership
        0.350751548,  // twinned
        0.000287364959,  // experience
        0,  // programme_experience
        0,  // programme_country
        -0.48800034,  // distance
        -2.28609605,  // distance_tight
        -0.174103363,  // same_country
        1.32749965,  // same_country_repeat
        0.182346516,  // population_gap
        0.179768779,  // population
        0.396757757,  // theme_projects
        -0.0286205377,  // theme_practices
        0,  // programme_population_gap
        0,  // programme_density
        0,  // programme_co_membership
        0.0790787944,  // era_gap
    }};
    return model;
  }();
  return *kModel;
}

}  // namespace citymatch
