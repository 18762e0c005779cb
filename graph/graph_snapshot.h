// A GraphSnapshot is an immutable, versioned view of the cooperation graph:
// the entities sorted by id, their adjacency, and one heterogeneous
// compressed-sparse-row graph over cities, projects, practices and themes for
// the random-walk rankers.
//
// Thread-safe: never changes after GraphBuilder made it, so any number of
// threads may read one concurrently. Indices (city index, project index, ...)
// are positions in the id-sorted vectors and are valid only for this snapshot.
#ifndef CITYMATCH_GRAPH_GRAPH_SNAPSHOT_H_
#define CITYMATCH_GRAPH_GRAPH_SNAPSHOT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "boost/graph/compressed_sparse_row_graph.hpp"
#include "graph/entities.h"
#include "graph/theme_taxonomy.h"

namespace citymatch {

// The kinds of edge of the heterogeneous graph. Each tie is stored in both
// directions.
enum class EdgeKind : uint8_t {
  kMembership,  // city - project
  kRuns,        // city - practice
  kProjectTheme,
  kPracticeTheme,
  kTwinning,  // city - city
};

struct EdgeProperties {
  EdgeKind kind = EdgeKind::kMembership;
};

class GraphSnapshot {
 public:
  using Csr =
      boost::compressed_sparse_row_graph<boost::directedS, boost::no_property,
                                         EdgeProperties, boost::no_property,
                                         uint32_t, uint32_t>;

  GraphSnapshot(const GraphSnapshot&) = delete;
  GraphSnapshot& operator=(const GraphSnapshot&) = delete;

  // Increases by one with every applied mutation; 0 for an empty new store.
  int64_t version() const { return version_; }

  // Entities, sorted by id.
  const std::vector<City>& cities() const { return cities_; }
  const std::vector<Project>& projects() const { return projects_; }
  const std::vector<Practice>& practices() const { return practices_; }
  const std::vector<Twinning>& twinnings() const { return twinnings_; }

  // Index of the entity with `id`, or -1.
  int CityIndex(absl::string_view id) const;
  int ProjectIndex(absl::string_view id) const;
  int PracticeIndex(absl::string_view id) const;

  // The entity with `id`, or nullptr.
  const City* FindCity(absl::string_view id) const;
  const Project* FindProject(absl::string_view id) const;
  const Practice* FindPractice(absl::string_view id) const;
  bool HasTwinning(const Twinning& normalized) const;

  // Adjacency by index, each list ascending.
  const std::vector<int>& city_projects(int city) const {
    return city_projects_[city];
  }
  const std::vector<int>& project_members(int project) const {
    return project_members_[project];
  }
  const std::vector<int>& city_practices(int city) const {
    return city_practices_[city];
  }
  const std::vector<int>& city_twins(int city) const {
    return city_twins_[city];
  }

  // Theme nodes: every theme of the taxonomy, then one node for each label
  // the taxonomy does not know ("label:<normalised label>"), so that data
  // with its own vocabulary still connects through its labels.
  const std::vector<std::string>& theme_ids() const { return theme_ids_; }
  int ThemeIndex(absl::string_view theme_id) const;
  const std::vector<int>& project_themes(int project) const {
    return project_themes_[project];
  }
  const std::vector<int>& practice_themes(int practice) const {
    return practice_themes_[practice];
  }
  const std::vector<int>& theme_projects(int theme) const {
    return theme_projects_[theme];
  }
  const std::vector<int>& theme_practices(int theme) const {
    return theme_practices_[theme];
  }
  // The theme nodes that `labels` (labels or theme ids) resolve to, ascending,
  // without duplicates; labels unknown to this snapshot are dropped.
  std::vector<int> ResolveThemes(const std::vector<std::string>& labels) const;
  // For "did you mean": the theme id, or else the label of this snapshot's
  // data, nearest to `label` (ThemeTaxonomy::Suggest); "" if none is near.
  std::string SuggestTheme(absl::string_view label) const;
  // The taxonomy the snapshot was built with.
  const ThemeTaxonomy& taxonomy() const { return *taxonomy_; }

  // The heterogeneous graph. Vertex numbering: cities first, then projects,
  // practices and themes, each block in index order.
  const Csr& csr() const { return csr_; }
  int num_vertices() const { return static_cast<int>(num_vertices_); }
  uint32_t CityVertex(int city) const { return city; }
  uint32_t ProjectVertex(int project) const { return project_base_ + project; }
  uint32_t PracticeVertex(int practice) const {
    return practice_base_ + practice;
  }
  uint32_t ThemeVertex(int theme) const { return theme_base_ + theme; }
  // The city index of a vertex, or -1 if it is not a city.
  int VertexCity(uint32_t vertex) const {
    return vertex < project_base_ ? static_cast<int>(vertex) : -1;
  }

  // --- Derived tables for the rankers. ---
  // Functions of the content alone, computed once by GraphBuilder::Build so
  // that a query does not rebuild them from the entities (that was a quarter
  // of a query's cost). Indices are those of this snapshot.

  // The city running practice `practice` (its city index).
  int practice_city(int practice) const { return practice_city_[practice]; }

  // Programmes: the distinct non-empty programme names, sorted.
  const std::vector<std::string>& programmes() const { return programmes_; }
  // Index of `name` in programmes(), or -1 (also for "").
  int ProgrammeIndex(absl::string_view name) const;
  // The programme index of a project, -1 if it names none.
  int project_programme(int project) const {
    return project_programme_[project];
  }
  // The projects of a programme, ascending.
  const std::vector<int>& programme_projects(int programme) const {
    return programme_projects_[programme];
  }

  // What the rankers' linear scans read of each city, packed (a City is a
  // few hundred bytes of strings; touching 7,000 of them per scan cost more
  // than the scans).
  struct CityPoint {
    float lat = 0;
    float lon = 0;
    // log of the population, an unknown one (0) counted as 5,000.
    float log_population = 0;
    // log1p of the number of projects the city took part in.
    float log1p_projects = 0;
    // CountrySlot() of the country.
    int country_slot = 0;
    // GeoCell() of the position.
    int cell = 0;
  };
  const std::vector<CityPoint>& city_points() const { return city_points_; }
  // Mean start year of the city's projects that have one; 0 if none has.
  double city_mean_start_year(int city) const {
    return city_mean_start_year_[city];
  }

  // Countries are two ASCII letters: a dense 26 x 26 table beats hashing.
  // Anything else (a data set read for evaluation may leave a country out)
  // shares the last slot, which stands for no country in particular.
  static constexpr int kNumCountrySlots = 26 * 26 + 1;
  static constexpr int kUnknownCountrySlot = kNumCountrySlots - 1;
  static int CountrySlot(absl::string_view country);

  // A grid of 1-degree cells (about 111 x 70 km in Europe):
  // cell = lat_cell * kLonCells + lon_cell.
  static constexpr int kLatCells = 180;
  static constexpr int kLonCells = 360;
  static int LatCell(double lat);
  static int LonCell(double lon);
  static int GeoCell(double lat, double lon) {
    return LatCell(lat) * kLonCells + LonCell(lon);
  }

  // The heterogeneous graph without its twinning edges, compacted to the
  // vertices that keep an edge: what the walk of the citymatch ranker runs
  // on. Each tie is stored both ways, so neighbours are also the vertices
  // that send mass.
  struct CompactGraph {
    std::vector<uint32_t> vertices;  // local index -> vertex, ascending
    std::vector<int> local;          // vertex -> local index, or -1
    std::vector<uint32_t> row;       // vertices.size() + 1 offsets into col
    std::vector<uint32_t> col;       // neighbours, as local indices
  };
  const CompactGraph& twin_free_graph() const { return twin_free_graph_; }

 private:
  friend class GraphBuilder;
  GraphSnapshot() = default;

  int64_t version_ = 0;
  std::vector<City> cities_;
  std::vector<Project> projects_;
  std::vector<Practice> practices_;
  std::vector<Twinning> twinnings_;
  absl::flat_hash_map<std::string, int> city_index_;
  absl::flat_hash_map<std::string, int> project_index_;
  absl::flat_hash_map<std::string, int> practice_index_;

  std::vector<std::vector<int>> city_projects_;
  std::vector<std::vector<int>> project_members_;
  std::vector<std::vector<int>> city_practices_;
  std::vector<std::vector<int>> city_twins_;

  const ThemeTaxonomy* taxonomy_ = nullptr;
  std::vector<std::string> theme_ids_;
  absl::flat_hash_map<std::string, int> theme_index_;
  std::vector<std::vector<int>> project_themes_;
  std::vector<std::vector<int>> practice_themes_;
  std::vector<std::vector<int>> theme_projects_;
  std::vector<std::vector<int>> theme_practices_;

  Csr csr_;
  uint32_t project_base_ = 0;
  uint32_t practice_base_ = 0;
  uint32_t theme_base_ = 0;
  uint32_t num_vertices_ = 0;

  std::vector<int> practice_city_;
  std::vector<std::string> programmes_;
  absl::flat_hash_map<std::string, int> programme_index_;
  std::vector<int> project_programme_;
  std::vector<std::vector<int>> programme_projects_;
  std::vector<CityPoint> city_points_;
  std::vector<double> city_mean_start_year_;
  CompactGraph twin_free_graph_;
};

}  // namespace citymatch

#endif  // CITYMATCH_GRAPH_GRAPH_SNAPSHOT_H_
