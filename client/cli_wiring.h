// How `citymatch` maps its command line onto a command: what parsing chose
// (Choice), and the flag checks and flag groups the command groups share.
// Each command group is added by its own Add*Commands function, defined in
// client/<group>_cli.cc; main.cc adds them all, then parses.
#ifndef CITYMATCH_CLIENT_CLI_WIRING_H_
#define CITYMATCH_CLIENT_CLI_WIRING_H_

#include <functional>
#include <memory>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "client/cli_support.h"
#include "client/commands.h"

namespace citymatch::cli {

// A command to run once the flags are parsed and the client exists.
using Action = std::function<int(Commands&)>;

// What parsing chose: the command to run, or a usage error found after
// parsing (a bad role, a bad status).
struct Choice {
  Action action;
  absl::Status usage = absl::OkStatus();
};

// Each Add*Commands function below adds one group of subcommands. CLI11
// writes the flags while it parses, after the function has returned, so
// each group keeps them in a struct that its callbacks share and keep alive.

// cities list|get|create|update|delete
void AddCityCommands(CLI::App* app, Choice* choice);
// practices list|get|create|update|delete
void AddPracticeCommands(CLI::App* app, Choice* choice);
// projects list|get|create|update|delete
void AddProjectCommands(CLI::App* app, Choice* choice);
// themes list
void AddThemeCommands(CLI::App* app, Choice* choice);
// twinnings list|create|delete
void AddTwinningCommands(CLI::App* app, Choice* choice);
// import DIR; export DIR
void AddImportExportCommands(CLI::App* app, Choice* choice);
// recommend PROJECT | recommend --themes ... --with ... [filters]
void AddRecommendCommand(CLI::App* app, Choice* choice);
// orgs create|update|delete|list; tokens create|list|revoke; audit (admin
// tokens only)
void AddAdminCommands(CLI::App* app, Choice* choice);

// A number flag's check. CLI11's own Range and NonNegativeNumber say
// "Value -5 not in range 0.000000 to 17976931348623157...", three hundred
// digits of "no upper bound", and nothing of a decimal comma.
CLI::Validator NumberIn(double lowest, double highest, bool whole);
// NumberIn from 0 with no upper bound.
CLI::Validator NonNegative(bool whole);

// A flag that takes a list: comma-separated, repeatable ("--with a,b",
// "--with a --with b"), and never swallowing the positional arguments after
// it. ListItems() trims and drops empty items.
//
// Lists that replace a value may be given empty ("--themes ''": none); the
// others check each value with NoEmptyValue(what one item is, "a city"), so
// that `--member "$UNSET"` is an error rather than a flag that did nothing.
CLI::Option* AddListOption(CLI::App* app, const std::string& name,
                           std::vector<std::string>* items,
                           const std::string& help);

CLI::Validator NoEmptyValue(const std::string& item);

// Flags shared by the list subcommands.
struct ListFlags {
  int page_size = 0;
  std::string page_token;
  bool all = false;
};

// Adds --page-size, --page-token and --all to `list`.
void AddListFlags(CLI::App* list, ListFlags* flags);

// Sets the paging fields every List*Request has from `flags`.
template <typename ListRequest>
ListRequest PageRequest(const ListFlags& flags) {
  ListRequest request;
  request.set_page_size(flags.page_size);
  request.set_page_token(flags.page_token);
  return request;
}

// Adds `parent VERB ARG`: one positional argument naming a resource of
// `collection` ("x" or "<collection>/x"), run as `method` on that name.
void AddNamedCommand(CLI::App* parent, const std::string& verb,
                     const std::string& help, const std::string& arg,
                     const std::string& collection,
                     int (Commands::*method)(const std::string&),
                     Choice* choice);

// `list` of practices or projects: by id, filtered by a city and a theme.
template <typename Request>
void AddCityThemeListCommand(CLI::App* parent, const std::string& help,
                             const std::string& city_help,
                             int (Commands::*method)(Request, bool),
                             Choice* choice) {
  struct Flags {
    ListFlags list;
    std::string city, theme;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* list = parent->add_subcommand("list", help);
  AddListFlags(list, &f->list);
  list->add_option("--city", f->city, city_help);
  list->add_option("--theme", f->theme, "Only on this theme (id or label)");
  list->callback([f, method, choice] {
    auto request = PageRequest<Request>(f->list);
    if (!f->city.empty()) request.set_city(ToResourceName("cities", f->city));
    request.set_theme(f->theme);
    choice->action = [request, all = f->list.all, method](Commands& c) {
      return (c.*method)(request, all);
    };
  });
}

}  // namespace citymatch::cli

#endif  // CITYMATCH_CLIENT_CLI_WIRING_H_
