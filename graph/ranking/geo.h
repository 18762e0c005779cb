// Distances between cities on the sphere.
//
// Thread-safe: pure functions.
#ifndef CITYMATCH_GRAPH_RANKING_GEO_H_
#define CITYMATCH_GRAPH_RANKING_GEO_H_

#include "graph/entities.h"

namespace citymatch {

// Mean Earth radius (IUGG), km.
inline constexpr double kEarthRadiusKm = 6371.0088;

// Great-circle distance in km (haversine).
double HaversineKm(double lat1, double lon1, double lat2, double lon2);
inline double DistanceKm(const City& a, const City& b) {
  return HaversineKm(a.lat, a.lon, b.lat, b.lon);
}

}  // namespace citymatch

#endif  // CITYMATCH_GRAPH_RANKING_GEO_H_
