#include "server/resource_names.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "graph/entities.h"

namespace citymatch {

std::string ResourceName(absl::string_view collection, absl::string_view id) {
  return absl::StrCat(collection, id);
}

std::string ParseResourceName(absl::string_view collection,
                              absl::string_view name) {
  if (!absl::StartsWith(name, collection)) return "";
  std::string id(name.substr(collection.size()));
  return IsValidId(id) ? id : "";
}

namespace {

// What the user probably typed as the id, offered back as a name to look up
// with `citymatch cities list --name`; quoted for the shell if it holds a
// space. A number is a mistyped id, not a name, and gets the placeholder.
std::string NameLookup(absl::string_view name) {
  absl::string_view typed = name;
  if (const size_t slash = typed.rfind('/'); slash != typed.npos) {
    typed = typed.substr(slash + 1);
  }
  if (typed.empty() || absl::StrContains(typed, '"') ||
      std::all_of(typed.begin(), typed.end(), absl::ascii_isdigit)) {
    return "NAME";
  }
  return absl::StrContains(typed, ' ') ? absl::StrCat("\"", typed, "\"")
                                       : std::string(typed);
}

// How a city is named, and how to find the id of one known by its name.
std::string HowToNameACity(absl::string_view typed) {
  return absl::StrCat(
      "a city is cities/{id} with its GeoNames id, e.g. cities/3173435 for "
      "Milan; find it by name with: citymatch cities list --name ",
      NameLookup(typed));
}

}  // namespace

std::string NotACityMessage(absl::string_view name) {
  return absl::StrCat("\"", name,
                      "\" is not a city id: ", HowToNameACity(name));
}

std::string UnknownCityMessage(absl::string_view id) {
  return absl::StrCat("no city has the id \"", id, "\": ", HowToNameACity(id));
}

std::string ListedTwiceMessage(absl::string_view name,
                               absl::string_view first_field) {
  return absl::StrCat("\"", name, "\" is listed twice (first as ", first_field,
                      ")");
}

std::vector<ListedCity> ParseCityList(
    const google::protobuf::RepeatedPtrField<std::string>& names,
    absl::string_view list, std::vector<FieldViolation>* violations,
    const std::function<std::string(const std::string& id)>& check) {
  std::vector<ListedCity> cities;
  absl::flat_hash_map<std::string, int> first_index;
  for (int i = 0; i < names.size(); ++i) {
    const std::string field = absl::StrCat(list, "[", i, "]");
    std::string id = ParseResourceName(kCities, names[i]);
    if (id.empty()) {
      violations->push_back({field, NotACityMessage(names[i])});
      continue;
    }
    if (check) {
      if (std::string problem = check(id); !problem.empty()) {
        violations->push_back({field, std::move(problem)});
        continue;
      }
    }
    if (auto [it, first] = first_index.emplace(id, i); !first) {
      violations->push_back(
          {field, ListedTwiceMessage(
                      names[i], absl::StrCat(list, "[", it->second, "]"))});
    } else {
      cities.push_back({i, std::move(id)});
    }
  }
  return cities;
}

std::string ThemeHint(absl::string_view suggestion) {
  return absl::StrCat(
      suggestion.empty() ? ""
                         : absl::StrCat("; did you mean \"", suggestion, "\"?"),
      " (citymatch themes list)");
}

}  // namespace citymatch
