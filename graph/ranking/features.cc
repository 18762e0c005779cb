#include "graph/ranking/features.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <utility>

#include "graph/ranking/geo.h"

namespace citymatch {

namespace {

constexpr double kRad = M_PI / 180.0;

constexpr int kNumCountrySlots = GraphSnapshot::kNumCountrySlots;
int CountrySlot(const std::string& country) {
  return GraphSnapshot::CountrySlot(country);
}

double LogPopulation(const City& city) {
  return std::log(
      static_cast<float>(city.population > 0 ? city.population : 5000));
}

// log1p of a count, from a table for the small whole numbers that most
// counts are: a query takes a dozen logarithms per city otherwise.
double Log1pCount(double k) {
  static const std::array<double, 256> kTable = [] {
    std::array<double, 256> t{};
    for (int i = 0; i < 256; ++i) t[i] = std::log1p(static_cast<double>(i));
    return t;
  }();
  const int i = static_cast<int>(k);
  return (i == k && i >= 0 && i < 256) ? kTable[i] : std::log1p(k);
}

// Log1pCount() of a cell's count, as stored (a float): dense cells count
// hundreds of memberships, past the small table.
float Log1pCellCount(uint16_t k) {
  static const std::vector<float>* const kTable = [] {
    auto* t = new std::vector<float>(65536);
    for (int i = 0; i < 65536; ++i) {
      (*t)[i] = static_cast<float>(Log1pCount(static_cast<double>(i)));
    }
    return t;
  }();
  return (*kTable)[k];
}

// log1p(km / 50), from a 1-km table up to 4,096 km: a logarithm per city
// was a seventh of a query's time, and a feature needs no finer grain.
double Log1pKmOver50(double km) {
  static const std::array<float, 4096> kTable = [] {
    std::array<float, 4096> t{};
    for (int i = 0; i < 4096; ++i) t[i] = std::log1p((i + 0.5) / 50.0);
    return t;
  }();
  const int i = static_cast<int>(km);
  return i < 4096 ? kTable[i] : std::log1p(km / 50.0);
}

// Per-city sums that are zero for most cities (shared projects, twinnings,
// projects on a theme): it remembers the cities it touched, so that writing
// the feature column (zero already) and clearing the sums cost in proportion
// to them, not to every city of the data set.
class SparseSums {
 public:
  explicit SparseSums(int n) : sums_(n, 0.0) {}

  // REQUIRES: w > 0.
  void Add(int city, double w) {
    if (sums_[city] == 0) touched_.push_back(city);
    sums_[city] += w;
  }
  bool empty() const { return touched_.empty(); }

  // Calls write(city, sum) for each city with a sum, then clears them all.
  template <typename Write>
  void Flush(Write write) {
    for (int c : touched_) {
      write(c, sums_[c]);
      sums_[c] = 0;
    }
    touched_.clear();
  }

 private:
  std::vector<double> sums_;
  std::vector<int> touched_;
};

// The snapshot's grid of 1-degree cells (about 111 x 70 km in Europe).
constexpr int kLatCells = GraphSnapshot::kLatCells;
constexpr int kLonCells = GraphSnapshot::kLonCells;

// Adds one to the city's cell and its eight neighbours, so that one lookup
// later reads the count of a 3 x 3 neighbourhood.
void Splat(int cell, std::vector<uint16_t>* cells) {
  const int lat = cell / kLonCells;
  const int lon = cell % kLonCells;
  for (int dlat = -1; dlat <= 1; ++dlat) {
    const int y = lat + dlat;
    if (y < 0 || y >= kLatCells) continue;
    for (int dlon = -1; dlon <= 1; ++dlon) {
      uint16_t& cell =
          (*cells)[y * kLonCells + (lon + dlon + kLonCells) % kLonCells];
      if (cell < 65535) ++cell;
    }
  }
}

// Squared equirectangular distance in degrees, scaled by cos(lat) of the
// reference point. Within Europe it is close to the great circle and it
// costs no trigonometry per candidate, which keeps a query under a
// millisecond; explanations quote the exact haversine figure.
struct Anchor {
  double lat, lon, cos_lat;
};
double SquaredDegrees(const Anchor& a, double lat, double lon) {
  // Both wraps computed, one selected: a conditional subtraction would be
  // control flow, which keeps the scan below off vector registers.
  const double dlon = lon - a.lon;
  const double west = dlon - 360;
  const double east = dlon + 360;
  const double wrapped = dlon > 180 ? west : (dlon < -180 ? east : dlon);
  const double dx = wrapped * a.cos_lat;
  const double dy = lat - a.lat;
  return dx * dx + dy * dy;
}
double DegreesToKm(double degrees) { return degrees * kRad * kEarthRadiusKm; }

// SquaredDegrees() from every city to its nearest anchor. One anchor at a
// time over packed coordinates, so that the loop runs on vector registers:
// this scan is the one part of a query that grows with the number of
// members (the slowest query of the evaluation has 43). The AVX2 copy, for
// the processors that have it, does four cities per instruction instead of
// two; without FMA, so each value is rounded exactly as in the plain copy.
__attribute__((target_clones("avx2", "default"))) std::vector<double>
NearestSquaredDegrees(const std::vector<GraphSnapshot::CityPoint>& points,
                      const std::vector<Anchor>& anchors) {
  const int n = static_cast<int>(points.size());
  std::vector<double> best(n, 1e18);
  if (anchors.empty()) return best;
  std::vector<double> lat(n), lon(n);
  for (int c = 0; c < n; ++c) {
    lat[c] = points[c].lat;
    lon[c] = points[c].lon;
  }
  for (const Anchor& a : anchors) {
    for (int c = 0; c < n; ++c) {
      best[c] = std::min(best[c], SquaredDegrees(a, lat[c], lon[c]));
    }
  }
  return best;
}

// Mean km of `cities` to their centroid; 0 for fewer than two.
double SpreadKm(const GraphSnapshot& graph, const std::vector<int>& cities) {
  if (cities.size() < 2) return 0;
  double lat = 0, lon = 0;
  for (int c : cities) {
    lat += graph.cities()[c].lat;
    lon += graph.cities()[c].lon;
  }
  Anchor centre{lat / cities.size(), lon / cities.size(), 0};
  centre.cos_lat = std::cos(centre.lat * kRad);
  double sum = 0;
  for (int c : cities) {
    const City& city = graph.cities()[c];
    sum += DegreesToKm(std::sqrt(SquaredDegrees(centre, city.lat, city.lon)));
  }
  return sum / cities.size();
}

// 1 for consortia within a few hundred km, towards 0 for continental ones.
double Tightness(double spread_km) { return 1.0 / (1.0 + spread_km / 200.0); }

// A programme whose past consortia's middle half spans more than this much
// of the tightness scale files cross-border groups and continental networks
// under one label: its median consortium describes neither kind. Every
// programme of ../shared/data spans at most 0.26 on the whole graph (two
// small cross-border ones reach 0.35 in some training folds, where their
// members' own spread says "tight" just the same); the same data filed
// under one label spans 0.43.
constexpr double kMixedProgrammeSpread = 0.35;

// The tightness a query of a programme with past consortia of these spreads
// gets: the programme's median, or for a mixed programme (above) the
// members' own, as if the programme had no history.
double ProgrammeTightness(std::vector<double> spreads,
                          const GraphSnapshot& graph,
                          const std::vector<int>& members) {
  const size_t n = spreads.size();
  auto at = [&](size_t k) {
    std::nth_element(spreads.begin(), spreads.begin() + k, spreads.end());
    return Tightness(spreads[k]);
  };
  const double median = at(n / 2);
  if (n >= 4 && members.size() >= 2 &&
      at(n / 4) - at(3 * n / 4) > kMixedProgrammeSpread) {
    return Tightness(SpreadKm(graph, members));
  }
  return median;
}

// Share of a consortium's cities that repeat a country already in it. Cities
// of unknown country repeat none.
double CountryRepetition(const GraphSnapshot& graph,
                         const std::vector<int>& cities) {
  if (cities.size() < 2) return 0;
  std::vector<int> slots;
  size_t unknown = 0;
  for (int c : cities) {
    const int slot = CountrySlot(graph.cities()[c].country);
    if (slot == GraphSnapshot::kUnknownCountrySlot) {
      ++unknown;
    } else {
      slots.push_back(slot);
    }
  }
  std::sort(slots.begin(), slots.end());
  const size_t distinct =
      unknown + (std::unique(slots.begin(), slots.end()) - slots.begin());
  return 1.0 - static_cast<double>(distinct) / cities.size();
}

}  // namespace

const char* FeatureName(int feature) {
  static const char* const kNames[kNumFeatures] = {"ppr",
                                                   "co_membership",
                                                   "twinned",
                                                   "experience",
                                                   "programme_experience",
                                                   "programme_country",
                                                   "distance",
                                                   "distance_tight",
                                                   "same_country",
                                                   "same_country_repeat",
                                                   "population_gap",
                                                   "population",
                                                   "theme_projects",
                                                   "theme_practices",
                                                   "programme_population_gap",
                                                   "programme_density",
                                                   "programme_co_membership",
                                                   "era_gap"};
  return feature >= 0 && feature < kNumFeatures ? kNames[feature] : "?";
}

bool IsProgrammeFeature(int feature) {
  return feature == kProgrammeExperience || feature == kProgrammeCountry ||
         feature == kProgrammePopulationGap || feature == kProgrammeDensity ||
         feature == kProgrammeCoMembership;
}

double LooseShare(double tightness) {
  return std::clamp((0.5 - tightness) / 0.3, 0.0, 1.0);
}

void ComputeFeatures(const GraphSnapshot& graph, const ResolvedQuery& query,
                     const FeatureOptions& options, QueryFeatures* out) {
  std::vector<double> walk;
  PersonalizedPageRank(graph,
                       QueryRestart(graph, query.members, query.themes,
                                    options.member_restart_share),
                       options.walk, ExcludedVertex(graph, query), &walk);
  ComputeFeaturesWithWalk(graph, query, options, std::move(walk), out);
}

void ComputeFeaturesWithWalk(const GraphSnapshot& graph,
                             const ResolvedQuery& query,
                             const FeatureOptions& /*options*/,
                             std::vector<double> walk, QueryFeatures* out) {
  const std::vector<City>& cities = graph.cities();
  const int n = static_cast<int>(cities.size());
  out->Reset(n);
  out->has_themes = !query.themes.empty();
  auto set = [out](int c, int f, double v) {
    out->at(c, f) = static_cast<float>(v);
  };

  out->walk = std::move(walk);

  // What the scans below read of each city, packed once per snapshot.
  const std::vector<GraphSnapshot::CityPoint>& points = graph.city_points();
  // Scaled so that an average vertex is near 1; the floor keeps unreachable
  // cities finite and below every reachable one.
  // (Without the query's own project, if it is left out.)
  const double scale = graph.num_vertices() - (query.project >= 0 ? 1 : 0);
  auto log_rank = [scale](double r) {
    return std::log(static_cast<float>(r * scale + 1e-3));
  };
  // Most cities are out of the walk's reach: one logarithm for all of them.
  const float unreached = log_rank(0);
  for (int c = 0; c < n; ++c) {
    const double r = out->walk.empty() ? 0 : out->walk[graph.CityVertex(c)];
    set(c, kPpr, r == 0 ? unreached : log_rank(r));
  }

  // Co-membership, twinnings: walk member -> project/twin -> candidate.
  SparseSums sums(n);
  SparseSums same_programme(n);
  const int programme = graph.ProgrammeIndex(query.programme);
  // The query's own project (a stored one) is skipped here and below: it
  // is ranked as if it were not in the graph yet.
  for (int m : query.members) {
    for (int p : graph.city_projects(m)) {
      const std::vector<int>& members = graph.project_members(p);
      if (members.size() < 2 || p == query.project) continue;
      const double w = 1.0 / std::log(static_cast<double>(members.size()));
      for (int c : members) sums.Add(c, w);
      if (programme >= 0 && graph.project_programme(p) == programme) {
        for (int c : members) same_programme.Add(c, w);
      }
    }
  }
  sums.Flush(
      [&](int c, double sum) { set(c, kCoMembership, std::log1p(sum)); });

  // The era: mean start year of each city's dated projects.
  {
    double member_years = 0;
    int member_dated = 0;
    for (int m : query.members) {
      for (int p : graph.city_projects(m)) {
        const int year = graph.projects()[p].start_year;
        if (year > 0 && p != query.project) {
          member_years += year;
          ++member_dated;
        }
      }
    }
    if (member_dated > 0) {
      const double member_era = member_years / member_dated;
      for (int c = 0; c < n; ++c) {
        const double era = graph.city_mean_start_year(c);
        if (era != 0) set(c, kEraGap, -std::fabs(era - member_era) / 10.0);
      }
    }
  }
  for (int m : query.members) {
    for (int c : graph.city_twins(m)) sums.Add(c, 1);
  }
  sums.Flush([&](int c, double sum) { set(c, kTwinned, Log1pCount(sum)); });
  for (int c = 0; c < n; ++c) {
    set(c, kExperience, points[c].log1p_projects);
  }

  // The programme's history: its past consortia in this graph.
  std::vector<int> programme_projects;
  if (programme >= 0) {
    for (int p : graph.programme_projects(programme)) {
      if (!graph.project_members(p).empty() && p != query.project) {
        programme_projects.push_back(p);
      }
    }
  }
  out->has_programme_history = !programme_projects.empty();
  double tightness, repetition;
  if (out->has_programme_history) {
    std::vector<double> country_count(kNumCountrySlots, 0.0);
    double memberships = 0;
    std::vector<double> spreads;
    double repetition_sum = 0;
    int consortia = 0;
    for (int p : programme_projects) {
      const std::vector<int>& members = graph.project_members(p);
      for (int c : members) {
        sums.Add(c, 1);
        country_count[points[c].country_slot] += 1;
        memberships += 1;
      }
      if (members.size() >= 2) {
        spreads.push_back(SpreadKm(graph, members));
        repetition_sum += CountryRepetition(graph, members);
        ++consortia;
      }
    }
    if (spreads.empty()) {
      tightness = Tightness(SpreadKm(graph, query.members));
      repetition = CountryRepetition(graph, query.members);
    } else {
      tightness = ProgrammeTightness(std::move(spreads), graph, query.members);
      repetition = repetition_sum / consortia;
    }
    // Memberships per 1-degree cell, and the programme's typical city size.
    std::vector<uint16_t> cells(kLatCells * kLonCells, 0);
    double programme_log_population = 0;
    for (int p : programme_projects) {
      for (int c : graph.project_members(p)) {
        Splat(points[c].cell, &cells);
        programme_log_population += points[c].log_population;
      }
    }
    programme_log_population /= memberships;
    std::vector<double> log_share(kNumCountrySlots);
    for (int i = 0; i < kNumCountrySlots; ++i) {
      log_share[i] = std::log((country_count[i] + 0.1) / (memberships + 1.0));
    }
    same_programme.Flush([&](int c, double sum) {
      set(c, kProgrammeCoMembership, std::log1p(sum));
    });
    sums.Flush([&](int c, double count) {
      set(c, kProgrammeExperience, Log1pCount(count));
    });
    for (int c = 0; c < n; ++c) {
      set(c, kProgrammeDensity, Log1pCellCount(cells[points[c].cell]));
      set(c, kProgrammePopulationGap,
          -std::fabs(points[c].log_population - programme_log_population));
      set(c, kProgrammeCountry, log_share[points[c].country_slot]);
    }
  } else {
    tightness = query.members.size() >= 2
                    ? Tightness(SpreadKm(graph, query.members))
                    : 0.5;
    repetition = CountryRepetition(graph, query.members);
  }

  out->tightness = tightness;

  // Geography and size, relative to the members.
  std::vector<Anchor> anchors;
  std::vector<char> member_country(kNumCountrySlots, 0);
  double member_log_population = 0;
  for (int m : query.members) {
    const City& city = cities[m];
    anchors.push_back({city.lat, city.lon, std::cos(city.lat * kRad)});
    member_country[CountrySlot(city.country)] = 1;
    member_log_population += LogPopulation(city);
  }
  // Two cities of unknown country are not known to share one.
  member_country[GraphSnapshot::kUnknownCountrySlot] = 0;
  if (!query.members.empty()) member_log_population /= query.members.size();
  const std::vector<double> nearest = NearestSquaredDegrees(points, anchors);
  for (int c = 0; c < n; ++c) {
    const GraphSnapshot::CityPoint& city = points[c];
    const double distance =
        anchors.empty() ? 0 : Log1pKmOver50(DegreesToKm(std::sqrt(nearest[c])));
    set(c, kDistance, distance);
    set(c, kDistanceTight, distance * tightness);
    const double same = member_country[city.country_slot];
    set(c, kSameCountry, same);
    set(c, kSameCountryRepeat, same * repetition);
    const double log_population = city.log_population;
    set(c, kPopulation, log_population);
    if (!query.members.empty()) {
      set(c, kPopulationGap,
          -std::fabs(log_population - member_log_population));
    }
  }

  // The query's themes: past projects and practices of the candidate on them.
  if (out->has_themes) {
    std::vector<char> seen(graph.projects().size(), 0);
    for (int t : query.themes) {
      for (int p : graph.theme_projects(t)) {
        if (seen[p] || p == query.project) continue;
        seen[p] = 1;
        for (int c : graph.project_members(p)) sums.Add(c, 1);
      }
    }
    sums.Flush([&](int c, double count) {
      set(c, kThemeProjects, Log1pCount(count));
    });
    std::vector<char> seen_practice(graph.practices().size(), 0);
    for (int t : query.themes) {
      for (int p : graph.theme_practices(t)) {
        if (seen_practice[p]) continue;
        seen_practice[p] = 1;
        sums.Add(graph.practice_city(p), 1);
      }
    }
    sums.Flush([&](int c, double count) {
      set(c, kThemePractices, Log1pCount(count));
    });
  }
}

}  // namespace citymatch
