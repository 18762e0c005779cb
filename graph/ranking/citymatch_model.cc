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
        -0.00136073737,  // ppr
        0.77577931,      // co_membership
        0.532097004,     // twinned
        -0.0469273259,   // experience
        0.645173708,     // programme_experience
        0.627910169,     // programme_country
        -0.33381123,     // distance
        -1.81888226,     // distance_tight
        -1.69852569,     // same_country
        -0.363717109,    // same_country_repeat
        0.252227061,     // population_gap
        0.314815728,     // population
        0.257470274,     // theme_projects
        0.276247234,     // theme_practices
        -0.217453099,    // programme_population_gap
        0.340876267,     // programme_density
        0.51177574,      // programme_co_membership
        0.274633352,     // era_gap
    }};
    model->loose_weights = {{
        0.327857693,    // ppr
        0.459532549,    // co_membership
        0.364107586,    // twinned
        -0.303168614,   // experience
        0.746587692,    // programme_experience
        0.508685324,    // programme_country
        -0.195245051,   // distance
        -0.415467236,   // distance_tight
        -1.2181357,     // same_country
        0.985846695,    // same_country_repeat
        0.346456827,    // population_gap
        0.200931656,    // population
        0.143920537,    // theme_projects
        0.00410127495,  // theme_practices
        -0.0607396909,  // programme_population_gap
        0.191979724,    // programme_density
        0.274131815,    // programme_co_membership
        0.392844845,    // era_gap
    }};
    model->fallback_weights = {{
        0.126271493,   // ppr
        1.31055249,    // co_membership
        0.534045334,   // twinned
        0.201444234,   // experience
        0,             // programme_experience
        0,             // programme_country
        -0.979612635,  // distance
        -1.73375266,   // distance_tight
        0.431828412,   // same_country
        0.165256938,   // same_country_repeat
        0.116516972,   // population_gap
        0.126268104,   // population
        0.304543399,   // theme_projects
        -0.349435073,  // theme_practices
        0,             // programme_population_gap
        0,             // programme_density
        0,             // programme_co_membership
        0.309629385,   // era_gap
    }};
    model->fallback_loose_weights = {{
        0.462793271,   // ppr
        1.19125666,    // co_membership
        0.200526561,   // twinned
        -0.319060997,  // experience
        0,             // programme_experience
        0,             // programme_country
        -0.437462461,  // distance
        -0.305133456,  // distance_tight
        -0.580963963,  // same_country
        3.00622769,    // same_country_repeat
        0.253976078,   // population_gap
        0.205965943,   // population
        0.298984726,   // theme_projects
        0.17509747,    // theme_practices
        0,             // programme_population_gap
        0,             // programme_density
        0,             // programme_co_membership
        0.226531817,   // era_gap
    }};
    return model;
  }();
  return *kModel;
}

}  // namespace citymatch
