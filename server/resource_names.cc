#include "server/resource_names.h"

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

std::string NotACityMessage(absl::string_view name) {
  // What the user probably typed as the id, offered back as a name to look
  // up; quoted for the shell if it holds a space.
  absl::string_view typed = name;
  if (const size_t slash = typed.rfind('/'); slash != typed.npos) {
    typed = typed.substr(slash + 1);
  }
  std::string lookup = "NAME";
  if (!typed.empty() && !absl::StrContains(typed, '"')) {
    lookup = absl::StrContains(typed, ' ') ? absl::StrCat("\"", typed, "\"")
                                           : std::string(typed);
  }
  return absl::StrCat("\"", name,
                      "\" is not a city id: a city is cities/{id} with its "
                      "GeoNames id, e.g. cities/3173435 for Milan; find it by "
                      "name with: citymatch cities list --name ",
                      lookup);
}

}  // namespace citymatch
