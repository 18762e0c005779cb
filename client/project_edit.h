// An edit of a stored project as `citymatch projects update` takes it: new
// values for some fields, members to add or drop. It is applied to the
// project as last read, and the fields it touches become the update mask,
// so an update changes only what the command line named.
//
// Thread-safe: a value type and a free function.
#ifndef CITYMATCH_CLIENT_PROJECT_EDIT_H_
#define CITYMATCH_CLIENT_PROJECT_EDIT_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "citymatch/v1/resources.pb.h"

namespace citymatch {

struct ProjectEdit {
  std::optional<std::string> title;
  std::optional<std::string> programme;
  std::optional<std::vector<std::string>> themes;
  std::optional<int> start_year;
  std::optional<int> end_year;
  std::optional<v1::ProjectStatus> status;
  std::optional<int> wanted_partners;
  // "organizations/{id}", or "" for none (reference data).
  std::optional<std::string> owner;
  // Added at the end (ROLE_UNSPECIFIED: as a partner), or, if already a
  // member, given the role stated (ROLE_UNSPECIFIED: the one it has).
  std::vector<v1::Membership> add_members;
  // "cities/{id}" of members to drop.
  std::vector<std::string> remove_members;

  bool empty() const {
    return !title && !programme && !themes && !start_year && !end_year &&
           !status && !wanted_partners && !owner && add_members.empty() &&
           remove_members.empty();
  }
};

// Applies `edit` to `project` and returns the update mask paths of the
// fields it changed, in the order of the Project message. InvalidArgument if
// a member to drop is not one (a typo must not pass for done).
absl::StatusOr<std::vector<std::string>> ApplyProjectEdit(
    const ProjectEdit& edit, v1::Project* project);

}  // namespace citymatch

#endif  // CITYMATCH_CLIENT_PROJECT_EDIT_H_
