// The `citymatch twinnings` commands: list, create, delete.

#include <memory>
#include <string>

#include "CLI/CLI.hpp"
#include "client/cli_support.h"
#include "client/cli_wiring.h"
#include "client/commands.h"

namespace citymatch::cli {

namespace {

// `parent VERB CITY_A CITY_B`, run as `method` on that pair.
void AddPairCommand(CLI::App* parent, const std::string& verb,
                    const std::string& help,
                    int (Commands::*method)(const v1::Twinning&),
                    Choice* choice) {
  struct Flags {
    std::string city_a, city_b;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* command = parent->add_subcommand(verb, help);
  command->add_option("CITY_A", f->city_a, "id or cities/{id}")->required();
  command->add_option("CITY_B", f->city_b, "the other city, in either order")
      ->required();
  command->callback([f, method, choice] {
    v1::Twinning twinning;
    twinning.set_city_a(ToResourceName("cities", f->city_a));
    twinning.set_city_b(ToResourceName("cities", f->city_b));
    choice->action = [twinning, method](Commands& c) {
      return (c.*method)(twinning);
    };
  });
}

}  // namespace

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

  AddPairCommand(twinnings, "create",
                 "Record that two cities are twinned, e.g. create 2996944 "
                 "2778067 (admin token only)",
                 &Commands::CreateTwinning, choice);
  AddPairCommand(twinnings, "delete",
                 "Remove a twinning, e.g. delete 2996944 2778067 (admin "
                 "token only)",
                 &Commands::DeleteTwinning, choice);
}

}  // namespace citymatch::cli
