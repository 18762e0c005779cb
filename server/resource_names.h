// Resource names of the API ("cities/3173435") and the bare ids the domain
// uses ("3173435").
#ifndef CITYMATCH_SERVER_RESOURCE_NAMES_H_
#define CITYMATCH_SERVER_RESOURCE_NAMES_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "graph/validation.h"

namespace citymatch {

inline constexpr absl::string_view kCities = "cities/";
inline constexpr absl::string_view kProjects = "projects/";
inline constexpr absl::string_view kPractices = "practices/";
inline constexpr absl::string_view kThemes = "themes/";
inline constexpr absl::string_view kOrganizations = "organizations/";

// `collection` + `id`.
std::string ResourceName(absl::string_view collection, absl::string_view id);

// The id of `name` if it is `collection` followed by a valid id, else "".
std::string ParseResourceName(absl::string_view collection,
                              absl::string_view name);

// Why `name` is not a city reference, for a field violation: it says what a
// city id is (the shipped cities use their GeoNames id) and how to find one
// from the city's name, since "cities/Milan" is the usual mistake.
std::string NotACityMessage(absl::string_view name);

// Why the well-formed city id `id` refers to nothing, for a field violation:
// "turin" is the usual case, a city's name typed where its GeoNames id
// belongs, so it says how to find the id as NotACityMessage() does.
std::string UnknownCityMessage(absl::string_view id);

// Why the city at one place of a list of cities is refused: `name` is the
// same city as the one at `first_field` ("draft.member_cities[0]"). A city
// listed twice would count twice where each counts once (the partners a
// draft ranks from, the cities of an organisation).
std::string ListedTwiceMessage(absl::string_view name,
                               absl::string_view first_field);

// A city of a request's list, and where the list has it.
struct ListedCity {
  int index;
  std::string id;
};

// The cities of `names` ("cities/{id}") in order, each once; a violation
// under `list`[i] ("draft.member_cities[2]") for each name that is not a
// city name, that `check` (if given) refuses with a message, or that repeats
// an earlier one.
std::vector<ListedCity> ParseCityList(
    const google::protobuf::RepeatedPtrField<std::string>& names,
    absl::string_view list, std::vector<FieldViolation>* violations,
    const std::function<std::string(const std::string& id)>& check = nullptr);

// How a message about a theme label nothing matched ends: the nearest known
// theme (`suggestion`, "" if none is near) and where the themes are listed.
std::string ThemeHint(absl::string_view suggestion);

}  // namespace citymatch

#endif  // CITYMATCH_SERVER_RESOURCE_NAMES_H_
