#include "graph/flags_help.h"

#include <cstdlib>
#include <iostream>
#include <string>

#include "absl/flags/internal/parse.h"
#include "absl/flags/internal/usage.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/strip.h"

namespace citymatch {

namespace {

// `file` (a source file's path as the compiler was given it) from the
// top of the repository: the build directory's way up ("../", as Ninja
// passes it from build/) and the repository's absolute path (a build
// directory outside it) go, and so do leading slashes, as Abseil's own
// normalisation does for the files of other projects.
std::string RepositoryPath(absl::string_view file) {
  absl::ConsumePrefix(&file, CITYMATCH_SOURCE_DIR "/");
  while (absl::ConsumePrefix(&file, "../") ||
         absl::ConsumePrefix(&file, "./")) {
  }
  while (absl::ConsumePrefix(&file, "/")) {
  }
  return std::string(file);
}

}  // namespace

void SetFlagsHelp(absl::string_view usage, absl::string_view flags_file) {
  absl::SetProgramUsageMessage(usage);
  // Abseil's --help lists the flags of a file named after the program
  // (citymatch-server.cc for citymatch-server) and finds none; ours are
  // defined in the file of main().
  absl::FlagsUsageConfig config;
  config.contains_help_flags = config.contains_helpshort_flags =
      [flags_file = std::string(flags_file)](absl::string_view file) {
        return absl::EndsWith(file, flags_file);
      };
  config.normalize_filename = &RepositoryPath;
  // Abseil's own says how Abseil was built ("Debug build"), not citymatch.
  config.version_string = [] {
    return std::string("citymatch " CITYMATCH_VERSION "\n");
  };
  absl::SetFlagsUsageConfig(config);
}

std::vector<char*> ParseFlags(int argc, char** argv) {
  // absl::ParseCommandLine with the usage flags left to this function.
  // Abseil offers no public way to that in the release citymatch builds
  // with (Debian 12's 20220623, deploy/packages.txt); another release may
  // call for changes here.
  std::vector<char*> rest = absl::flags_internal::ParseCommandLineImpl(
      argc, argv, absl::flags_internal::ArgvListAction::kRemoveParsedArgs,
      absl::flags_internal::UsageFlagsAction::kIgnoreUsage,
      absl::flags_internal::OnUndefinedFlag::kAbortIfUndefined);
  // -1 when no usage flag was given; otherwise it printed what was asked.
  if (absl::flags_internal::HandleUsageFlags(
          std::cout, absl::ProgramUsageMessage()) != -1) {
    std::exit(0);
  }
  return rest;
}

bool FlagWasGiven(absl::string_view name) {
  return absl::flags_internal::WasPresentOnCommandLine(name);
}

}  // namespace citymatch
