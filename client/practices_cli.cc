// The `citymatch practices` commands: list, get, create, update, delete.

#include <memory>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "client/cli_support.h"
#include "client/cli_wiring.h"
#include "client/commands.h"
#include "client/practice_edit.h"

namespace citymatch::cli {

namespace {

// practices update PRACTICE [--title ...] [--summary ...] ...
void AddPracticeUpdateCommand(CLI::App* practices, Choice* choice) {
  struct Flags {
    std::string id, title, city, summary, url, owner;
    std::vector<std::string> themes;
    int start = 0;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* update = practices->add_subcommand(
      "update",
      "Change a practice: only the fields given, e.g. update my-practice "
      "--summary \"Volunteers mentor newcomers\" --start-year 2019");
  update->add_option("PRACTICE", f->id, "id or practices/{id}")->required();
  CLI::Option* title = update->add_option("--title", f->title, "new title");
  CLI::Option* city =
      update->add_option("--city", f->city, "the city that runs it");
  CLI::Option* themes =
      AddListOption(update, "--themes", &f->themes,
                    "new theme labels, comma-separated (replace all)");
  CLI::Option* start = update->add_option("--start-year", f->start,
                                          "year it started (0: unknown)");
  CLI::Option* summary =
      update->add_option("--summary", f->summary, "short description");
  CLI::Option* url =
      update->add_option("--source-url", f->url, "where to read more");
  CLI::Option* owner =
      update->add_option("--owner", f->owner,
                         "owning organisation, id or organizations/{id}; "
                         "\"\": none (reference data)");
  update->callback([=] {
    PracticeEdit edit;
    if (title->count() > 0) edit.title = f->title;
    if (city->count() > 0) edit.city = ToResourceName("cities", f->city);
    if (themes->count() > 0) edit.themes = ListItems(f->themes);
    if (start->count() > 0) edit.start_year = f->start;
    if (summary->count() > 0) edit.summary = f->summary;
    if (url->count() > 0) edit.source_url = f->url;
    if (owner->count() > 0) {
      edit.owner =
          f->owner.empty() ? "" : ToResourceName("organizations", f->owner);
    }
    if (edit.empty()) {
      choice->usage = absl::InvalidArgumentError(
          "practices update changes nothing without a flag (--title, "
          "--summary, --themes, --source-url, ...)");
      return;
    }
    choice->action = [name = ToResourceName("practices", f->id), edit](
                         Commands& c) { return c.UpdatePractice(name, edit); };
  });
}

}  // namespace

void AddPracticeCommands(CLI::App* app, Choice* choice) {
  struct Flags {
    std::string city, id, title, summary, url, owner;
    std::vector<std::string> themes;
    int start = 0;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* practices =
      app->add_subcommand("practices", "Functioning practices");
  practices->require_subcommand(1);
  AddCityThemeListCommand(practices, "List practices by id",
                          "Only of this city", &Commands::ListPractices,
                          choice);

  AddNamedCommand(practices, "get", "Show a practice", "PRACTICE", "practices",
                  &Commands::GetPractice, choice);

  CLI::App* create = practices->add_subcommand("create", "Create a practice");
  create->add_option("ID", f->id, "the new practice's id")->required();
  create->add_option("--title", f->title, "title")->required();
  create->add_option("--city", f->city, "the city that runs it")->required();
  AddListOption(create, "--themes", &f->themes,
                "theme labels, comma-separated");
  create->add_option("--start-year", f->start, "year it started");
  create->add_option("--summary", f->summary, "short description");
  create->add_option("--source-url", f->url, "where to read more");
  create->add_option("--owner", f->owner,
                     "owning organisation, id or organizations/{id} (an "
                     "editor's token: its own, the default)");
  create->callback([f, choice] {
    v1::CreatePracticeRequest request;
    request.set_practice_id(f->id);
    v1::Practice* practice = request.mutable_practice();
    practice->set_title(f->title);
    practice->set_city(ToResourceName("cities", f->city));
    for (const std::string& t : ListItems(f->themes)) practice->add_themes(t);
    practice->set_start_year(f->start);
    practice->set_summary(f->summary);
    practice->set_source_url(f->url);
    if (!f->owner.empty()) {
      practice->set_owner(ToResourceName("organizations", f->owner));
    }
    choice->action = [request](Commands& c) {
      return c.CreatePractice(request);
    };
  });

  AddPracticeUpdateCommand(practices, choice);

  AddNamedCommand(practices, "delete", "Delete a practice", "PRACTICE",
                  "practices", &Commands::DeletePractice, choice);
}

}  // namespace citymatch::cli
