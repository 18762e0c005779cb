// ISO 639-1 language codes, for validating the working languages of a
// city's profile.
#ifndef CITYMATCH_GRAPH_LANGUAGE_CODES_H_
#define CITYMATCH_GRAPH_LANGUAGE_CODES_H_

#include "absl/strings/string_view.h"

namespace citymatch {

// True for an ISO 639-1 code in lower case ("it", "en").
bool IsIsoLanguageCode(absl::string_view code);

}  // namespace citymatch

#endif  // CITYMATCH_GRAPH_LANGUAGE_CODES_H_
