#include "graph/flags_help.h"

#include <string>

#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"

namespace citymatch {

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
  absl::SetFlagsUsageConfig(config);
}

}  // namespace citymatch
