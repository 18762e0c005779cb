// The weights the service ranks with, fitted on the shipped data set.
#include "graph/ranking/citymatch_ranker.h"

namespace citymatch {

const CitymatchModel& ShippedCitymatchModel() {
  static const CitymatchModel* const kModel = [] {
    auto* model = new CitymatchModel();
    model->weights[kPpr] = 1;
    model->fallback_weights[kPpr] = 1;
    return model;
  }();
  return *kModel;
}

}  // namespace citymatch
