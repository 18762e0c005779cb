// The `citymatch projects` commands: list, get, create, update, delete.

#include <memory>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/statusor.h"
#include "client/cli_support.h"
#include "client/cli_wiring.h"
#include "client/commands.h"
#include "client/project_edit.h"

namespace citymatch::cli {

namespace {

// projects update PROJECT [--title ...] [--add-member ...] ...
void AddProjectUpdateCommand(CLI::App* projects, Choice* choice) {
  struct Flags {
    std::string id, title, programme, status, owner;
    std::vector<std::string> themes, add, remove;
    int start = 0, end = 0, wanted = 0;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* update = projects->add_subcommand(
      "update",
      "Change a project: only the fields given, e.g. update my-proj "
      "--add-member 3165524 --remove-member 3173435 --status open");
  update->add_option("PROJECT", f->id, "id or projects/{id}")->required();
  CLI::Option* title = update->add_option("--title", f->title, "new title");
  CLI::Option* programme =
      update->add_option("--programme", f->programme, "new programme");
  CLI::Option* themes =
      AddListOption(update, "--themes", &f->themes,
                    "new theme labels, comma-separated (replace all)");
  AddListOption(update, "--add-member", &f->add,
                "CITY[:lead|:partner] to add, or to give a new role; "
                "repeat or comma-separate")
      ->check(NoEmptyValue("a city"));
  AddListOption(update, "--remove-member", &f->remove,
                "CITY to drop; repeat or comma-separate")
      ->check(NoEmptyValue("a city"));
  CLI::Option* start =
      update->add_option("--start-year", f->start, "first year (0: unknown)");
  CLI::Option* end =
      update->add_option("--end-year", f->end, "last year (0: unknown)");
  CLI::Option* status = update->add_option("--status", f->status,
                                           "proposal, open, running or closed");
  CLI::Option* wanted = update
                            ->add_option("--wanted-partners", f->wanted,
                                         "how many partners it still wants")
                            ->check(NonNegative(/*whole=*/true));
  CLI::Option* owner =
      update->add_option("--owner", f->owner,
                         "owning organisation, id or organizations/{id}; "
                         "\"\": none (reference data)");
  update->callback([=] {
    ProjectEdit edit;
    if (title->count() > 0) edit.title = f->title;
    if (programme->count() > 0) edit.programme = f->programme;
    if (themes->count() > 0) edit.themes = ListItems(f->themes);
    if (start->count() > 0) edit.start_year = f->start;
    if (end->count() > 0) edit.end_year = f->end;
    if (wanted->count() > 0) edit.wanted_partners = f->wanted;
    if (owner->count() > 0) {
      edit.owner =
          f->owner.empty() ? "" : ToResourceName("organizations", f->owner);
    }
    if (status->count() > 0) {
      absl::StatusOr<v1::ProjectStatus> parsed = ParseProjectStatus(f->status);
      if (!parsed.ok()) {
        choice->usage = parsed.status();
        return;
      }
      edit.status = *parsed;
    }
    for (const std::string& m : ListItems(f->add)) {
      absl::StatusOr<v1::Membership> member = ParseMember(m);
      if (!member.ok()) {
        choice->usage = member.status();
        return;
      }
      edit.add_members.push_back(*member);
    }
    for (const std::string& c : ListItems(f->remove)) {
      edit.remove_members.push_back(ToResourceName("cities", c));
    }
    if (edit.empty()) {
      choice->usage = absl::InvalidArgumentError(
          "projects update changes nothing without a flag (--title, "
          "--add-member, --remove-member, --status, ...)");
      return;
    }
    choice->action = [name = ToResourceName("projects", f->id), edit](
                         Commands& c) { return c.UpdateProject(name, edit); };
  });
}

}  // namespace

void AddProjectCommands(CLI::App* app, Choice* choice) {
  struct Flags {
    std::string id, title, programme, status, owner;
    std::vector<std::string> themes, members;
    int start = 0, end = 0, wanted = 0;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* projects = app->add_subcommand("projects", "Cooperation projects");
  projects->require_subcommand(1);
  AddCityThemeListCommand(projects, "List projects by id",
                          "Only those this city takes part in",
                          &Commands::ListProjects, choice);

  AddNamedCommand(projects, "get", "Show a project", "PROJECT", "projects",
                  &Commands::GetProject, choice);

  CLI::App* create = projects->add_subcommand(
      "create",
      "Create a project, e.g. create my-proj --title T "
      "--programme P --themes A,B --member cities/x:lead "
      "--member cities/y");
  create->add_option("ID", f->id, "the new project's id")->required();
  create->add_option("--title", f->title, "title")->required();
  create->add_option("--programme", f->programme,
                     "programme or call, as the data names it (e.g. "
                     "\"URBACT\"; any case): its past projects are the "
                     "history recommendations draw on");
  AddListOption(create, "--themes", &f->themes,
                "theme labels, comma-separated");
  AddListOption(create, "--member", &f->members,
                "CITY[:lead|:partner]; repeat or comma-separate")
      ->check(NoEmptyValue("a city"));
  create->add_option("--start-year", f->start, "first year");
  create->add_option("--end-year", f->end, "last year");
  create->add_option("--status", f->status,
                     "proposal, open, running or closed (none given: "
                     "unspecified, which explanations treat as closed)");
  create
      ->add_option("--wanted-partners", f->wanted,
                   "how many partners it still wants")
      ->check(NonNegative(/*whole=*/true));
  create->add_option("--owner", f->owner,
                     "owning organisation, id or organizations/{id} (an "
                     "editor's token: its own, the default)");
  create->callback([f, choice] {
    v1::CreateProjectRequest request;
    request.set_project_id(f->id);
    v1::Project* project = request.mutable_project();
    project->set_title(f->title);
    project->set_programme(f->programme);
    for (const std::string& t : ListItems(f->themes)) project->add_themes(t);
    for (const std::string& m : ListItems(f->members)) {
      absl::StatusOr<v1::Membership> member = ParseMember(m);
      if (!member.ok()) {
        choice->usage = member.status();
        return;
      }
      *project->add_members() = *member;
    }
    project->set_start_year(f->start);
    project->set_end_year(f->end);
    if (!f->status.empty()) {
      absl::StatusOr<v1::ProjectStatus> status = ParseProjectStatus(f->status);
      if (!status.ok()) {
        choice->usage = status.status();
        return;
      }
      project->set_status(*status);
    }
    project->set_wanted_partners(f->wanted);
    if (!f->owner.empty()) {
      project->set_owner(ToResourceName("organizations", f->owner));
    }
    choice->action = [request](Commands& c) {
      return c.CreateProject(request);
    };
  });

  AddProjectUpdateCommand(projects, choice);

  AddNamedCommand(projects, "delete", "Delete a project", "PROJECT", "projects",
                  &Commands::DeleteProject, choice);
}

}  // namespace citymatch::cli
