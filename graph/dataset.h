// A Dataset is the whole content of the graph as plain values: what storage
// loads, what an import brings and what a snapshot is built from.
#ifndef CITYMATCH_GRAPH_DATASET_H_
#define CITYMATCH_GRAPH_DATASET_H_

#include <vector>

#include "graph/entities.h"

namespace citymatch {

struct Dataset {
  std::vector<City> cities;
  std::vector<Project> projects;  // memberships live inside projects
  std::vector<Practice> practices;
  std::vector<Twinning> twinnings;
};

}  // namespace citymatch

#endif  // CITYMATCH_GRAPH_DATASET_H_
