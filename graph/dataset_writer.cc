#include "graph/dataset_writer.h"

#include <filesystem>
#include <fstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "graph/csv.h"

namespace citymatch {

namespace {

// An empty cell for an unknown year, as in the shipped data.
std::string Year(int year) { return year == 0 ? "" : absl::StrCat(year); }

// Six decimals (about 0.1 m), as in the shipped data, unless the value needs
// more to read back as the same double: a city created through the API may
// carry any coordinate, and an export must import back into the same graph.
std::string Coordinate(double value) {
  std::string text = absl::StrFormat("%.6f", value);
  double parsed = 0;
  if (absl::SimpleAtod(text, &parsed) && parsed == value) return text;
  return absl::StrFormat("%.17g", value);
}

}  // namespace

std::map<std::string, std::string> WriteDatasetFiles(
    const GraphSnapshot& graph) {
  std::string cities = "id,name,country,lat,lon,population\n";
  for (const City& c : graph.cities()) {
    absl::StrAppend(&cities, CsvField(c.id), ",", CsvField(c.name), ",",
                    CsvField(c.country), ",", Coordinate(c.lat), ",",
                    Coordinate(c.lon), ",", c.population, "\n");
  }
  std::string projects = "id,name,programme,start_year,end_year,themes\n";
  std::string memberships = "project_id,city_id,role\n";
  for (const Project& p : graph.projects()) {
    absl::StrAppend(&projects, CsvField(p.id), ",", CsvField(p.title), ",",
                    CsvField(p.programme), ",", Year(p.start_year), ",",
                    Year(p.end_year), ",",
                    CsvField(absl::StrJoin(p.themes, "|")), "\n");
    for (const Membership& m : p.members) {
      absl::StrAppend(&memberships, CsvField(p.id), ",", CsvField(m.city_id),
                      ",", m.role == Role::kLead ? "lead" : "partner", "\n");
    }
  }
  std::string practices = "id,name,city_id,themes,start_year\n";
  for (const Practice& p : graph.practices()) {
    absl::StrAppend(&practices, CsvField(p.id), ",", CsvField(p.title), ",",
                    CsvField(p.city_id), ",",
                    CsvField(absl::StrJoin(p.themes, "|")), ",",
                    Year(p.start_year), "\n");
  }
  std::string twinnings = "city_a,city_b\n";
  for (const Twinning& t : graph.twinnings()) {
    absl::StrAppend(&twinnings, t.city_a, ",", t.city_b, "\n");
  }
  return {{"cities.csv", std::move(cities)},
          {"projects.csv", std::move(projects)},
          {"memberships.csv", std::move(memberships)},
          {"practices.csv", std::move(practices)},
          {"twinnings.csv", std::move(twinnings)}};
}

absl::Status WriteDataset(const GraphSnapshot& graph, const std::string& dir) {
  for (const auto& [name, content] : WriteDatasetFiles(graph)) {
    const std::filesystem::path path = std::filesystem::path(dir) / name;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
    out.close();
    if (!out) {
      return absl::UnavailableError(
          absl::StrCat("cannot write ", path.string()));
    }
  }
  return absl::OkStatus();
}

}  // namespace citymatch
