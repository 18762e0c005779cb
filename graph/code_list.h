// Lookup in a list of two-letter codes (ISO 3166-1 countries, ISO 639-1
// languages) kept as one space-separated string: " AD AE ... ZW ".
//
// Thread-safe: a pure function.
#ifndef CITYMATCH_GRAPH_CODE_LIST_H_
#define CITYMATCH_GRAPH_CODE_LIST_H_

#include "absl/strings/match.h"
#include "absl/strings/string_view.h"

namespace citymatch {

// Whether `code` is one of the codes of `list`, which starts and ends with a
// space and separates its two-letter codes by one: matching " xx " then
// cannot straddle two codes.
inline bool InCodeList(absl::string_view list, absl::string_view code) {
  if (code.size() != 2) return false;
  // Sized, not NUL-terminated: a code holding a NUL byte must not shorten
  // the key into " " (which every list contains).
  const char key[] = {' ', code[0], code[1], ' '};
  return absl::StrContains(list, absl::string_view(key, sizeof(key)));
}

}  // namespace citymatch

#endif  // CITYMATCH_GRAPH_CODE_LIST_H_
