// What --help prints for the executables that take Abseil flags
// (citymatch-server, citymatch-eval). Its own small library, as
// edit_distance is: the domain core itself takes no flags.
//
// Not thread-safe: call once from main(), before absl::ParseCommandLine.
#ifndef CITYMATCH_GRAPH_FLAGS_HELP_H_
#define CITYMATCH_GRAPH_FLAGS_HELP_H_

#include "absl/strings/string_view.h"

namespace citymatch {

// Makes --help (and --helpshort) print `usage`, then the flags defined in
// the source file whose path ends in `flags_file` ("server/main.cc").
void SetFlagsHelp(absl::string_view usage, absl::string_view flags_file);

}  // namespace citymatch

#endif  // CITYMATCH_GRAPH_FLAGS_HELP_H_
