// The `citymatch themes` command: list.

#include "CLI/CLI.hpp"
#include "client/cli_wiring.h"
#include "client/commands.h"

namespace citymatch::cli {

void AddThemeCommands(CLI::App* app, Choice* choice) {
  CLI::App* themes = app->add_subcommand("themes", "The theme taxonomy");
  themes->require_subcommand(1);
  themes->add_subcommand("list", "List the themes")->callback([choice] {
    choice->action = [](Commands& c) { return c.ListThemes(); };
  });
}

}  // namespace citymatch::cli
