#include "graph/graph_snapshot.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/match.h"

namespace citymatch {

namespace {

template <typename Map>
int Lookup(const Map& map, absl::string_view id) {
  auto it = map.find(id);
  return it == map.end() ? -1 : it->second;
}

}  // namespace

int GraphSnapshot::CityIndex(absl::string_view id) const {
  return Lookup(city_index_, id);
}
int GraphSnapshot::ProjectIndex(absl::string_view id) const {
  return Lookup(project_index_, id);
}
int GraphSnapshot::PracticeIndex(absl::string_view id) const {
  return Lookup(practice_index_, id);
}
int GraphSnapshot::ProgrammeIndex(absl::string_view name) const {
  return Lookup(programme_index_, name);
}
int GraphSnapshot::ThemeIndex(absl::string_view theme_id) const {
  return Lookup(theme_index_, theme_id);
}

const City* GraphSnapshot::FindCity(absl::string_view id) const {
  const int i = CityIndex(id);
  return i < 0 ? nullptr : &cities_[i];
}
const Project* GraphSnapshot::FindProject(absl::string_view id) const {
  const int i = ProjectIndex(id);
  return i < 0 ? nullptr : &projects_[i];
}
const Practice* GraphSnapshot::FindPractice(absl::string_view id) const {
  const int i = PracticeIndex(id);
  return i < 0 ? nullptr : &practices_[i];
}

int GraphSnapshot::CountrySlot(absl::string_view country) {
  if (country.size() == 2 && country[0] >= 'A' && country[0] <= 'Z' &&
      country[1] >= 'A' && country[1] <= 'Z') {
    return (country[0] - 'A') * 26 + (country[1] - 'A');
  }
  return kUnknownCountrySlot;
}

int GraphSnapshot::LatCell(double lat) {
  return std::clamp(static_cast<int>(std::floor(lat + 90)), 0, kLatCells - 1);
}

int GraphSnapshot::LonCell(double lon) {
  const int cell = static_cast<int>(std::floor(lon + 180)) % kLonCells;
  return cell < 0 ? cell + kLonCells : cell;
}

bool GraphSnapshot::HasTwinning(const Twinning& normalized) const {
  return std::binary_search(twinnings_.begin(), twinnings_.end(), normalized);
}

std::vector<int> GraphSnapshot::ResolveThemes(
    const std::vector<std::string>& labels) const {
  std::vector<int> themes;
  for (const std::string& label : labels) {
    std::vector<std::string> ids = taxonomy_->Resolve(label);
    if (ids.empty()) ids.push_back("label:" + NormalizeLabel(label));
    for (const std::string& id : ids) {
      const int t = ThemeIndex(id);
      if (t >= 0) themes.push_back(t);
    }
  }
  std::sort(themes.begin(), themes.end());
  themes.erase(std::unique(themes.begin(), themes.end()), themes.end());
  return themes;
}

std::string GraphSnapshot::SuggestTheme(absl::string_view label) const {
  constexpr absl::string_view kLabelPrefix = "label:";
  std::vector<std::string> labels;
  for (const std::string& id : theme_ids_) {
    if (absl::StartsWith(id, kLabelPrefix)) {
      labels.push_back(id.substr(kLabelPrefix.size()));
    }
  }
  return taxonomy_->Suggest(label, labels);
}

}  // namespace citymatch
