// An edit of a stored city as `citymatch cities update` takes it: new values
// for some of its fields and of its profile's. It is applied to the city as
// last read, and the fields it touches become the update mask, so an update
// changes only what the command line named.
//
// Thread-safe: a value type and a free function.
#ifndef CITYMATCH_CLIENT_CITY_EDIT_H_
#define CITYMATCH_CLIENT_CITY_EDIT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "citymatch/v1/resources.pb.h"

namespace citymatch {

struct CityEdit {
  std::optional<std::string> display_name;
  std::optional<std::string> country_code;
  std::optional<double> latitude;
  std::optional<double> longitude;
  std::optional<int64_t> population;
  // The profile's fields, each on its own: a city's editors keep some of
  // them up to date and must not reset the others.
  std::optional<std::vector<std::string>> seeking_themes;
  std::optional<std::vector<std::string>> languages;
  std::optional<int> capacity;
  std::optional<std::string> contact_organization;

  bool empty() const {
    return !display_name && !country_code && !latitude && !longitude &&
           !population && !seeking_themes && !languages && !capacity &&
           !contact_organization;
  }
};

// Applies `edit` to `city` and returns the update mask paths of the fields it
// changed, in the order of the City message; a profile field is named by its
// own path ("profile.capacity"), which is what an editor's token may change.
std::vector<std::string> ApplyCityEdit(const CityEdit& edit, v1::City* city);

}  // namespace citymatch

#endif  // CITYMATCH_CLIENT_CITY_EDIT_H_
