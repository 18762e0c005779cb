// The `citymatch twinnings` command: list.

#include <memory>
#include <string>

#include "CLI/CLI.hpp"
#include "client/cli_support.h"
#include "client/cli_wiring.h"
#include "client/commands.h"

namespace citymatch::cli {

void AddTwinningCommands(CLI::App* app, Choice* choice) {
  struct Flags {
    ListFlags list;
    std::string city;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* twinnings = app->add_subcommand("twinnings", "Twin towns");
  twinnings->require_subcommand(1);
  CLI::App* list = twinnings->add_subcommand("list", "List twinnings");
  AddListFlags(list, &f->list);
  list->add_option("--city", f->city, "Only of this city");
  list->callback([f, choice] {
    auto request = PageRequest<v1::ListTwinningsRequest>(f->list);
    if (!f->city.empty()) request.set_city(ToResourceName("cities", f->city));
    choice->action = [request, all = f->list.all](Commands& c) {
      return c.ListTwinnings(request, all);
    };
  });
}

}  // namespace citymatch::cli
