#include "graph/ranking/nearest_ranker.h"

#include <cmath>

#include "graph/ranking/geo.h"

namespace citymatch {

namespace {

constexpr double kRad = M_PI / 180.0;

// The members' centroid as (lat, lon) in degrees; false without members.
bool Centroid(const GraphSnapshot& graph, const std::vector<int>& members,
              double* lat, double* lon) {
  if (members.empty()) return false;
  double x = 0, y = 0, z = 0;
  for (int m : members) {
    const City& c = graph.cities()[m];
    x += std::cos(c.lat * kRad) * std::cos(c.lon * kRad);
    y += std::cos(c.lat * kRad) * std::sin(c.lon * kRad);
    z += std::sin(c.lat * kRad);
  }
  *lat = std::atan2(z, std::hypot(x, y)) / kRad;
  *lon = std::atan2(y, x) / kRad;
  return true;
}

}  // namespace

void NearestRanker::Score(const GraphSnapshot& graph,
                          const ResolvedQuery& query,
                          std::vector<double>* scores) const {
  const int n = static_cast<int>(graph.cities().size());
  scores->assign(n, 0.0);
  double lat, lon;
  if (!Centroid(graph, query.members, &lat, &lon)) return;
  for (int c = 0; c < n; ++c) {
    const City& city = graph.cities()[c];
    (*scores)[c] = -HaversineKm(lat, lon, city.lat, city.lon);
  }
}

std::vector<ScoreComponent> NearestRanker::Components(
    const GraphSnapshot& graph, const ResolvedQuery& query, int city) const {
  double lat, lon;
  if (!Centroid(graph, query.members, &lat, &lon))
    return {{"distance_km", 0, 0}};
  const City& c = graph.cities()[city];
  const double km = HaversineKm(lat, lon, c.lat, c.lon);
  return {{"distance_km", km, -km}};
}

}  // namespace citymatch
