// An edit of a stored practice as `citymatch practices update` takes it: new
// values for some of its fields. It is applied to the practice as last read,
// and the fields it touches become the update mask, so an update changes only
// what the command line named.
//
// Thread-safe: a value type and a free function.
#ifndef CITYMATCH_CLIENT_PRACTICE_EDIT_H_
#define CITYMATCH_CLIENT_PRACTICE_EDIT_H_

#include <optional>
#include <string>
#include <vector>

#include "citymatch/v1/resources.pb.h"

namespace citymatch {

struct PracticeEdit {
  std::optional<std::string> title;
  // "cities/{id}".
  std::optional<std::string> city;
  std::optional<std::vector<std::string>> themes;
  std::optional<int> start_year;
  std::optional<std::string> summary;
  std::optional<std::string> source_url;
  // "organizations/{id}".
  std::optional<std::string> owner;

  bool empty() const {
    return !title && !city && !themes && !start_year && !summary &&
           !source_url && !owner;
  }
};

// Applies `edit` to `practice` and returns the update mask paths of the
// fields it changed, in the order of the Practice message.
std::vector<std::string> ApplyPracticeEdit(const PracticeEdit& edit,
                                           v1::Practice* practice);

}  // namespace citymatch

#endif  // CITYMATCH_CLIENT_PRACTICE_EDIT_H_
