// What the generic Catalog handlers need to know about each kind of resource:
// its proto, collection, where it sits in a snapshot and in a mutation, which
// update_mask paths it accepts and what else refers to it. One
// specialisation per resource keeps Get/Create/Update/Delete written once.
#ifndef CITYMATCH_SERVER_RESOURCE_TRAITS_H_
#define CITYMATCH_SERVER_RESOURCE_TRAITS_H_

#include <string>
#include <vector>

#include "citymatch/v1/resources.pb.h"
#include "graph/graph_snapshot.h"
#include "graph/mutation.h"
#include "server/resource_names.h"

namespace citymatch {

template <typename T>
struct ResourceTraits;

template <>
struct ResourceTraits<City> {
  using Proto = v1::City;
  static constexpr EntityKind kKind = EntityKind::kCity;
  static constexpr absl::string_view kCollection = kCities;
  static constexpr const char* kField = "city";
  static const std::vector<City>& All(const GraphSnapshot& g) {
    return g.cities();
  }
  static const City* Find(const GraphSnapshot& g, absl::string_view id) {
    return g.FindCity(id);
  }
  static std::vector<City>* Puts(Mutation* m) { return &m->put_cities; }
  static std::vector<std::string>* Deletes(Mutation* m) {
    return &m->delete_cities;
  }
  static std::vector<std::string> UpdatablePaths() {
    return {"display_name", "country_code", "latitude",
            "longitude",    "population",   "profile"};
  }
  // Why the city cannot be deleted yet, or "".
  static std::string Blocker(const GraphSnapshot& g, absl::string_view id);
};

template <>
struct ResourceTraits<Project> {
  using Proto = v1::Project;
  static constexpr EntityKind kKind = EntityKind::kProject;
  static constexpr absl::string_view kCollection = kProjects;
  static constexpr const char* kField = "project";
  static const std::vector<Project>& All(const GraphSnapshot& g) {
    return g.projects();
  }
  static const Project* Find(const GraphSnapshot& g, absl::string_view id) {
    return g.FindProject(id);
  }
  static std::vector<Project>* Puts(Mutation* m) { return &m->put_projects; }
  static std::vector<std::string>* Deletes(Mutation* m) {
    return &m->delete_projects;
  }
  static std::vector<std::string> UpdatablePaths() {
    return {"title",    "programme", "themes", "members",         "start_year",
            "end_year", "status",    "owner",  "wanted_partners", "rules"};
  }
  static std::string Blocker(const GraphSnapshot&, absl::string_view) {
    return "";
  }
};

template <>
struct ResourceTraits<Practice> {
  using Proto = v1::Practice;
  static constexpr EntityKind kKind = EntityKind::kPractice;
  static constexpr absl::string_view kCollection = kPractices;
  static constexpr const char* kField = "practice";
  static const std::vector<Practice>& All(const GraphSnapshot& g) {
    return g.practices();
  }
  static const Practice* Find(const GraphSnapshot& g, absl::string_view id) {
    return g.FindPractice(id);
  }
  static std::vector<Practice>* Puts(Mutation* m) { return &m->put_practices; }
  static std::vector<std::string>* Deletes(Mutation* m) {
    return &m->delete_practices;
  }
  static std::vector<std::string> UpdatablePaths() {
    return {"title",   "city",       "themes", "start_year",
            "summary", "source_url", "owner"};
  }
  static std::string Blocker(const GraphSnapshot&, absl::string_view) {
    return "";
  }
};

}  // namespace citymatch

#endif  // CITYMATCH_SERVER_RESOURCE_TRAITS_H_
