// The `citymatch import` and `citymatch export` commands.

#include <memory>
#include <string>

#include "CLI/CLI.hpp"
#include "client/cli_wiring.h"
#include "client/commands.h"

namespace citymatch::cli {

void AddImportExportCommands(CLI::App* app, Choice* choice) {
  struct Flags {
    std::string dir;
    bool validate_only = false;
    bool force = false;
  };
  auto f = std::make_shared<Flags>();
  // Not `import`: clang-format reads a line starting with it as a C++20
  // module import and scrambles the function.
  CLI::App* import_command = app->add_subcommand(
      "import",
      "Import a data set folder (cities.csv, projects.csv, memberships.csv, "
      "practices.csv, twinnings.csv); all or nothing");
  import_command->add_option("DIR", f->dir, "the folder")->required();
  import_command->add_flag("--validate-only", f->validate_only,
                           "Only check the rows; write nothing");
  import_command->callback([f, choice] {
    choice->action = [dir = f->dir, validate_only = f->validate_only](
                         Commands& c) { return c.Import(dir, validate_only); };
  });

  CLI::App* export_command = app->add_subcommand(
      "export",
      "Export the whole data set into a folder; one that already holds any "
      "of its files is refused unless --force is given");
  export_command->add_option("DIR", f->dir, "the folder; created if missing")
      ->required();
  export_command->add_flag("--force", f->force,
                           "Overwrite the data set files DIR already holds");
  export_command->callback([f, choice] {
    choice->action = [dir = f->dir, force = f->force](Commands& c) {
      return c.Export(dir, force);
    };
  });
}

}  // namespace citymatch::cli
