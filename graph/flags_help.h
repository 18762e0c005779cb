// What --help prints for the executables that take Abseil flags
// (citymatch-server, citymatch-eval, citymatch-soak), and how they parse
// their command line. Its own small library, as edit_distance is: the
// domain core itself takes no flags.
//
// Not thread-safe: call once from main(), SetFlagsHelp before ParseFlags.
#ifndef CITYMATCH_GRAPH_FLAGS_HELP_H_
#define CITYMATCH_GRAPH_FLAGS_HELP_H_

#include <vector>

#include "absl/strings/string_view.h"

namespace citymatch {

// Makes --help (and --helpshort) print `usage`, then the flags defined in
// the source file whose path ends in `flags_file` ("server/main.cc"); every
// file is named by its path in the repository ("server/main.cc", not the
// "../server/main.cc" the compiler was given from the build directory), and
// --version prints "citymatch <version>" (CMake's project version).
void SetFlagsHelp(absl::string_view usage, absl::string_view flags_file);

// Parses the command line as absl::ParseCommandLine does (an unknown flag
// or a bad value exits 1), except that --help and the other usage flags
// (--helpfull, --version, ...) exit 0 once they printed what was asked:
// that is a request that succeeded, where Abseil exits 1. Returns the
// words that are no flag, argv[0] first.
std::vector<char*> ParseFlags(int argc, char** argv);

// Whether ParseFlags saw --`name` on the command line, whatever its value
// (the default one too, which comparing values cannot tell).
bool FlagWasGiven(absl::string_view name);

}  // namespace citymatch

#endif  // CITYMATCH_GRAPH_FLAGS_HELP_H_
