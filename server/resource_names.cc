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

}  // namespace citymatch
