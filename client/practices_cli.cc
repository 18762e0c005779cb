// The `citymatch practices` commands: list, get, create, delete.

#include <memory>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "client/cli_support.h"
#include "client/cli_wiring.h"
#include "client/commands.h"

namespace citymatch::cli {

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
  create->add_option("--themes", f->themes, "theme labels, comma-separated")
      ->delimiter(',')
      ->allow_extra_args(false);
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

  AddNamedCommand(practices, "delete", "Delete a practice", "PRACTICE",
                  "practices", &Commands::DeletePractice, choice);
}

}  // namespace citymatch::cli
