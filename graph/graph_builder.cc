#include "graph/graph_builder.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace citymatch {

GraphBuilder::GraphBuilder(Dataset data) {
  for (City& c : data.cities) cities_[c.id] = std::move(c);
  for (Project& p : data.projects) projects_[p.id] = std::move(p);
  for (Practice& p : data.practices) practices_[p.id] = std::move(p);
  for (Twinning& t : data.twinnings) {
    twinnings_.insert(
        Twinning::Normalized(std::move(t.city_a), std::move(t.city_b)));
  }
}

GraphBuilder::GraphBuilder(const GraphSnapshot& base)
    : GraphBuilder(ToDataset(base)) {}

Dataset GraphBuilder::ToDataset(const GraphSnapshot& snapshot) {
  return Dataset{snapshot.cities(), snapshot.projects(), snapshot.practices(),
                 snapshot.twinnings()};
}

GraphBuilder& GraphBuilder::Apply(const Mutation& m) {
  for (const City& c : m.put_cities) cities_[c.id] = c;
  for (const Project& p : m.put_projects) projects_[p.id] = p;
  for (const Practice& p : m.put_practices) practices_[p.id] = p;
  for (const Twinning& t : m.put_twinnings) twinnings_.insert(t);
  for (const std::string& id : m.delete_cities) cities_.erase(id);
  for (const std::string& id : m.delete_projects) projects_.erase(id);
  for (const std::string& id : m.delete_practices) practices_.erase(id);
  for (const Twinning& t : m.delete_twinnings) twinnings_.erase(t);
  return *this;
}

namespace {

// Adds `label`'s theme nodes to `out`, creating label nodes as needed.
void AddThemes(const std::vector<std::string>& labels,
               const ThemeTaxonomy& taxonomy,
               absl::flat_hash_map<std::string, int>* theme_index,
               std::vector<std::string>* theme_ids, std::vector<int>* out) {
  for (const std::string& label : labels) {
    std::vector<std::string> ids = taxonomy.Resolve(label);
    if (ids.empty()) {
      const std::string normalized = NormalizeLabel(label);
      if (normalized.empty()) continue;
      ids.push_back("label:" + normalized);
    }
    for (std::string& id : ids) {
      auto [it, inserted] =
          theme_index->try_emplace(id, static_cast<int>(theme_ids->size()));
      if (inserted) theme_ids->push_back(std::move(id));
      out->push_back(it->second);
    }
  }
  std::sort(out->begin(), out->end());
  out->erase(std::unique(out->begin(), out->end()), out->end());
}

}  // namespace

absl::StatusOr<std::shared_ptr<const GraphSnapshot>> GraphBuilder::Build(
    int64_t version, const ThemeTaxonomy& taxonomy) && {
  // The constructor is private, so make_shared cannot reach it.
  std::shared_ptr<GraphSnapshot> g(new GraphSnapshot());
  g->version_ = version;
  g->taxonomy_ = &taxonomy;

  g->cities_.reserve(cities_.size());
  for (auto& [id, city] : cities_) {
    g->city_index_[id] = static_cast<int>(g->cities_.size());
    g->cities_.push_back(std::move(city));
  }
  const int num_cities = static_cast<int>(g->cities_.size());
  g->city_projects_.resize(num_cities);
  g->city_practices_.resize(num_cities);
  g->city_twins_.resize(num_cities);

  for (const ThemeDefinition& theme : taxonomy.themes()) {
    g->theme_index_[theme.id] = static_cast<int>(g->theme_ids_.size());
    g->theme_ids_.push_back(theme.id);
  }

  for (auto& [id, project] : projects_) {
    const int p = static_cast<int>(g->projects_.size());
    g->project_index_[id] = p;
    std::vector<int> members;
    for (const Membership& m : project.members) {
      const int c = g->CityIndex(m.city_id);
      if (c < 0) {
        return absl::FailedPreconditionError(absl::StrCat(
            "project ", id, ": member city ", m.city_id, " does not exist"));
      }
      members.push_back(c);
    }
    std::sort(members.begin(), members.end());
    if (std::adjacent_find(members.begin(), members.end()) != members.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("project ", id, " lists a member city twice"));
    }
    for (int c : members) g->city_projects_[c].push_back(p);
    g->project_members_.push_back(std::move(members));
    std::vector<int> themes;
    AddThemes(project.themes, taxonomy, &g->theme_index_, &g->theme_ids_,
              &themes);
    g->project_themes_.push_back(std::move(themes));
    g->projects_.push_back(std::move(project));
  }

  for (auto& [id, practice] : practices_) {
    const int p = static_cast<int>(g->practices_.size());
    g->practice_index_[id] = p;
    const int c = g->CityIndex(practice.city_id);
    if (c < 0) {
      return absl::FailedPreconditionError(absl::StrCat(
          "practice ", id, ": city ", practice.city_id, " does not exist"));
    }
    g->city_practices_[c].push_back(p);
    g->practice_city_.push_back(c);
    std::vector<int> themes;
    AddThemes(practice.themes, taxonomy, &g->theme_index_, &g->theme_ids_,
              &themes);
    g->practice_themes_.push_back(std::move(themes));
    g->practices_.push_back(std::move(practice));
  }

  for (const Twinning& t : twinnings_) {
    const int a = g->CityIndex(t.city_a);
    const int b = g->CityIndex(t.city_b);
    if (a < 0 || b < 0) {
      return absl::FailedPreconditionError(
          absl::StrCat("twinning ", t.city_a, "-", t.city_b, ": city ",
                       a < 0 ? t.city_a : t.city_b, " does not exist"));
    }
    if (a == b) {
      return absl::InvalidArgumentError(
          absl::StrCat("twinning of city ", t.city_a, " with itself"));
    }
    g->city_twins_[a].push_back(b);
    g->city_twins_[b].push_back(a);
    g->twinnings_.push_back(t);
  }
  for (std::vector<int>& twins : g->city_twins_) {
    std::sort(twins.begin(), twins.end());
  }

  const int num_themes = static_cast<int>(g->theme_ids_.size());
  g->theme_projects_.resize(num_themes);
  g->theme_practices_.resize(num_themes);
  for (int p = 0; p < static_cast<int>(g->projects_.size()); ++p) {
    for (int t : g->project_themes_[p]) g->theme_projects_[t].push_back(p);
  }
  for (int p = 0; p < static_cast<int>(g->practices_.size()); ++p) {
    for (int t : g->practice_themes_[p]) g->theme_practices_[t].push_back(p);
  }

  // The heterogeneous graph, every tie in both directions.
  g->project_base_ = num_cities;
  g->practice_base_ = g->project_base_ + g->projects_.size();
  g->theme_base_ = g->practice_base_ + g->practices_.size();
  g->num_vertices_ = g->theme_base_ + num_themes;
  std::vector<std::pair<uint32_t, uint32_t>> edges;
  std::vector<EdgeProperties> kinds;
  auto tie = [&](uint32_t a, uint32_t b, EdgeKind kind) {
    edges.emplace_back(a, b);
    kinds.push_back({kind});
    edges.emplace_back(b, a);
    kinds.push_back({kind});
  };
  for (int p = 0; p < static_cast<int>(g->projects_.size()); ++p) {
    for (int c : g->project_members_[p]) {
      tie(g->CityVertex(c), g->ProjectVertex(p), EdgeKind::kMembership);
    }
    for (int t : g->project_themes_[p]) {
      tie(g->ProjectVertex(p), g->ThemeVertex(t), EdgeKind::kProjectTheme);
    }
  }
  for (int p = 0; p < static_cast<int>(g->practices_.size()); ++p) {
    tie(g->CityVertex(g->CityIndex(g->practices_[p].city_id)),
        g->PracticeVertex(p), EdgeKind::kRuns);
    for (int t : g->practice_themes_[p]) {
      tie(g->PracticeVertex(p), g->ThemeVertex(t), EdgeKind::kPracticeTheme);
    }
  }
  for (int a = 0; a < num_cities; ++a) {
    for (int b : g->city_twins_[a]) {
      if (a < b) tie(a, b, EdgeKind::kTwinning);
    }
  }
  g->csr_ =
      GraphSnapshot::Csr(boost::edges_are_unsorted_multi_pass, edges.begin(),
                         edges.end(), kinds.begin(), g->num_vertices_);
  BuildDerivedTables(g.get());
  return std::shared_ptr<const GraphSnapshot>(std::move(g));
}

void GraphBuilder::BuildDerivedTables(GraphSnapshot* g) {
  const int num_cities = static_cast<int>(g->cities_.size());
  const int num_projects = static_cast<int>(g->projects_.size());

  // Programmes.
  for (const Project& p : g->projects_) {
    if (!p.programme.empty()) g->programmes_.push_back(p.programme);
  }
  std::sort(g->programmes_.begin(), g->programmes_.end());
  g->programmes_.erase(
      std::unique(g->programmes_.begin(), g->programmes_.end()),
      g->programmes_.end());
  for (int i = 0; i < static_cast<int>(g->programmes_.size()); ++i) {
    g->programme_index_[g->programmes_[i]] = i;
  }
  g->programme_projects_.resize(g->programmes_.size());
  g->project_programme_.resize(num_projects);
  for (int p = 0; p < num_projects; ++p) {
    const int i = g->ProgrammeIndex(g->projects_[p].programme);
    g->project_programme_[p] = i;
    if (i >= 0) g->programme_projects_[i].push_back(p);
  }

  // Packed city data.
  g->city_points_.resize(num_cities);
  g->city_mean_start_year_.resize(num_cities);
  for (int c = 0; c < num_cities; ++c) {
    const City& city = g->cities_[c];
    GraphSnapshot::CityPoint& point = g->city_points_[c];
    point.lat = static_cast<float>(city.lat);
    point.lon = static_cast<float>(city.lon);
    point.log_population = std::log(
        static_cast<float>(city.population > 0 ? city.population : 5000));
    point.log1p_projects = static_cast<float>(
        std::log1p(static_cast<double>(g->city_projects_[c].size())));
    point.country_slot = GraphSnapshot::CountrySlot(city.country);
    point.cell = GraphSnapshot::GeoCell(city.lat, city.lon);
    double years = 0;
    int dated = 0;
    for (int p : g->city_projects_[c]) {
      if (g->projects_[p].start_year > 0) {
        years += g->projects_[p].start_year;
        ++dated;
      }
    }
    g->city_mean_start_year_[c] = dated > 0 ? years / dated : 0;
  }

  // The twin-free compact graph. Only twinnings join two cities, so "city
  // to city" is "twinning".
  const std::vector<uint32_t>& rowstart = g->csr_.m_forward.m_rowstart;
  const std::vector<uint32_t>& column = g->csr_.m_forward.m_column;
  const uint32_t n = g->num_vertices_;
  const uint32_t city_end = static_cast<uint32_t>(num_cities);
  auto allowed = [&](uint32_t v, uint32_t e) {
    return !(v < city_end && column[e] < city_end);
  };
  GraphSnapshot::CompactGraph& walk = g->twin_free_graph_;
  walk.local.assign(n, -1);
  for (uint32_t v = 0; v < n; ++v) {
    for (uint32_t e = rowstart[v]; e < rowstart[v + 1]; ++e) {
      if (allowed(v, e)) {
        walk.local[v] = static_cast<int>(walk.vertices.size());
        walk.vertices.push_back(v);
        break;
      }
    }
  }
  const size_t m = walk.vertices.size();
  walk.row.resize(m + 1);
  for (size_t i = 0; i < m; ++i) {
    const uint32_t v = walk.vertices[i];
    walk.row[i] = static_cast<uint32_t>(walk.col.size());
    for (uint32_t e = rowstart[v]; e < rowstart[v + 1]; ++e) {
      if (allowed(v, e)) walk.col.push_back(walk.local[column[e]]);
    }
  }
  walk.row[m] = static_cast<uint32_t>(walk.col.size());
}

}  // namespace citymatch
