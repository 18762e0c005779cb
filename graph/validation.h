// Field-level checks of entities, shared by the API and the importer so that
// a value is accepted or refused the same way whichever door it comes in by.
// Field names are those of the API (display_name, country_code, ...).
//
// Thread-safe: free functions.
#ifndef CITYMATCH_GRAPH_VALIDATION_H_
#define CITYMATCH_GRAPH_VALIDATION_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "graph/entities.h"
#include "graph/limits.h"

namespace citymatch {

struct FieldViolation {
  std::string field;        // e.g. "latitude", "members[2].city"
  std::string description;  // why, in a sentence
};

// Limits on text fields, in bytes.
inline constexpr size_t kMaxNameLength = 200;
inline constexpr size_t kMaxTitleLength = 300;
inline constexpr size_t kMaxLabelLength = 200;
inline constexpr size_t kMaxTextLength = 4000;  // summaries, URLs
inline constexpr size_t kMaxListLength = 100;   // themes, members, languages

// Appends what is wrong with the entity to `out`; `prefix` is put before
// each field name ("city." gives "city.latitude"). Ids and references are
// checked for syntax only; whether they exist is the store's question.
void ValidateCity(const City& city, const std::string& prefix,
                  std::vector<FieldViolation>* out);
void ValidateProject(const Project& project, const std::string& prefix,
                     std::vector<FieldViolation>* out);
void ValidatePractice(const Practice& practice, const std::string& prefix,
                      std::vector<FieldViolation>* out);

// Why `text` is not acceptable as a text field of at most `max_length`
// bytes, or "" if it is: it must be valid UTF-8 without control characters,
// and non-empty if `required`.
std::string CheckText(absl::string_view text, size_t max_length, bool required);

// Why a population above kMaxPopulation is refused: "must be in
// 0..100000000 (...)", without the value.
std::string PopulationRange();

// Why `code` cannot filter by country, or "" if it can: an ISO 3166-1
// alpha-2 code in either case ("IT", "it"). Filters compare in upper case.
std::string CheckCountryFilter(absl::string_view code);

}  // namespace citymatch

#endif  // CITYMATCH_GRAPH_VALIDATION_H_
