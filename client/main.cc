// citymatch: the command-line client of citymatch-server. It parses flags
// into requests, runs one command (client/commands.h) and exits with:
//   0  success
//   1  local failure (a file could not be read or written)
//   2  usage error (CLI11 parse error, bad flag value)
//   3  the server reported an error (any non-OK status but the two below)
//   4  the server is unreachable or did not answer in time
//      (UNAVAILABLE, DEADLINE_EXCEEDED)
// (kept in step with kExitCodesHelp in client/cli_support.h).
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "client/cli_support.h"
#include "client/commands.h"
#include "client/output.h"
#include "client/partner_client.h"

namespace citymatch {
namespace {

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

// A number flag's check. CLI11's own Range and NonNegativeNumber say
// "Value -5 not in range 0.000000 to 17976931348623157...", three hundred
// digits of "no upper bound", and nothing of a decimal comma.
CLI::Validator NumberIn(double lowest, double highest, bool whole) {
  auto check = [=](std::string& text) -> std::string {
    double value = 0;
    int64_t integer = 0;
    const bool parsed =
        whole ? absl::SimpleAtoi(text, &integer)
              : absl::SimpleAtod(text, &value) && std::isfinite(value) &&
                    // SimpleAtod also reads C's hex floats.
                    text.find_first_of("xX") == std::string::npos;
    if (whole) value = static_cast<double>(integer);
    if (!parsed) {
      std::string with_point = text;
      std::replace(with_point.begin(), with_point.end(), ',', '.');
      double unused = 0;
      const bool decimal_comma =
          !whole && with_point != text && absl::SimpleAtod(with_point, &unused);
      return absl::StrCat("\"", text, "\" is not a ",
                          whole ? "whole number" : "number",
                          decimal_comma ? absl::StrCat(" (decimals are written "
                                                       "with a point: ",
                                                       with_point, ")")
                                        : "");
    }
    if (value >= lowest && value <= highest) return "";
    if (highest == std::numeric_limits<double>::max()) {
      return lowest == 0 ? "must not be negative"
                         : absl::StrCat("must be at least ", lowest);
    }
    return absl::StrCat("must be in ", lowest, "..", highest);
  };
  return CLI::Validator(check, "");
}

CLI::Validator NonNegative(bool whole) {
  return NumberIn(0, std::numeric_limits<double>::max(), whole);
}

// Flags shared by the list subcommands.
struct ListFlags {
  int page_size = 0;
  std::string page_token;
  bool all = false;
};

void AddListFlags(CLI::App* list, ListFlags* flags) {
  list->add_option("--page-size", flags->page_size,
                   "Rows per page (0: the server's default, 50)")
      ->check(NumberIn(0, 1000, /*whole=*/true));
  list->add_option("--page-token", flags->page_token,
                   "Continue from this next_page_token");
  list->add_flag("--all", flags->all, "Page through every row");
}

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
                     Choice* choice) {
  auto id = std::make_shared<std::string>();
  CLI::App* command = parent->add_subcommand(verb, help);
  command->add_option(arg, *id, "id or " + collection + "/{id}")->required();
  command->callback([id, collection, method, choice] {
    choice->action = [name = ToResourceName(collection, *id),
                      method](Commands& c) { return (c.*method)(name); };
  });
}

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

// cities list|get|create|delete
void AddCityCommands(CLI::App* app, Choice* choice) {
  struct Flags {
    ListFlags list;
    std::string country, id, name, name_contains;
    double lat = 0, lon = 0;
    int64_t population = 0;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* cities = app->add_subcommand("cities", "Cities");
  cities->require_subcommand(1);
  CLI::App* list = cities->add_subcommand(
      "list", "List cities by id, e.g. list --name milan");
  AddListFlags(list, &f->list);
  list->add_option("--country", f->country,
                   "Only this ISO country code, e.g. IT");
  list->add_option("--name", f->name_contains,
                   "Only cities whose name contains this, ignoring case and "
                   "accents (finds a city's id: --name dusseldorf); names "
                   "are in English as GeoNames writes them (Milan, Munich)");
  list->callback([f, choice] {
    auto request = PageRequest<v1::ListCitiesRequest>(f->list);
    request.set_country_code(CountryFilter(f->country));
    request.set_display_name_contains(f->name_contains);
    choice->action = [request, all = f->list.all](Commands& c) {
      return c.ListCities(request, all);
    };
  });

  AddNamedCommand(cities, "get", "Show one city", "CITY", "cities",
                  &Commands::GetCity, choice);

  CLI::App* create = cities->add_subcommand(
      "create",
      "Create a city, e.g. create lyon --name Lyon --country FR "
      "--lat 45.75 --lon 4.85 --population 472317");
  create->add_option("ID", f->id, "the new city's id")->required();
  create->add_option("--name", f->name, "display name")->required();
  create->add_option("--country", f->country, "ISO country code")->required();
  // Required: 0,0 is a real place (in the Gulf of Guinea), and every
  // distance the ranker measures would start from it.
  create->add_option("--lat", f->lat, "latitude in degrees")
      ->required()
      ->check(NumberIn(-90, 90, /*whole=*/false));
  create->add_option("--lon", f->lon, "longitude in degrees")
      ->required()
      ->check(NumberIn(-180, 180, /*whole=*/false));
  create->add_option("--population", f->population, "inhabitants (0: unknown)")
      ->check(NonNegative(/*whole=*/true));
  create->callback([f, choice] {
    v1::CreateCityRequest request;
    request.set_city_id(f->id);
    v1::City* city = request.mutable_city();
    city->set_display_name(f->name);
    city->set_country_code(CountryFilter(f->country));
    city->set_latitude(f->lat);
    city->set_longitude(f->lon);
    city->set_population(f->population);
    choice->action = [request](Commands& c) { return c.CreateCity(request); };
  });

  AddNamedCommand(cities, "delete", "Delete a city", "CITY", "cities",
                  &Commands::DeleteCity, choice);
}

// practices list|get|create|delete
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

// projects update PROJECT [--title ...] [--add-member ...] ...
void AddProjectUpdateCommand(CLI::App* projects, Choice* choice) {
  struct Flags {
    std::string id, title, programme, status;
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
      update
          ->add_option("--themes", f->themes,
                       "new theme labels, comma-separated (replace all)")
          ->delimiter(',')
          ->allow_extra_args(false);
  update
      ->add_option("--add-member", f->add,
                   "CITY[:lead|:partner] to add, or to give a new role; "
                   "repeat or comma-separate")
      ->delimiter(',')
      ->allow_extra_args(false);
  update
      ->add_option("--remove-member", f->remove,
                   "CITY to drop; repeat or comma-separate")
      ->delimiter(',')
      ->allow_extra_args(false);
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
  update->callback([=] {
    ProjectEdit edit;
    if (title->count() > 0) edit.title = f->title;
    if (programme->count() > 0) edit.programme = f->programme;
    if (themes->count() > 0) edit.themes = ListItems(f->themes);
    if (start->count() > 0) edit.start_year = f->start;
    if (end->count() > 0) edit.end_year = f->end;
    if (wanted->count() > 0) edit.wanted_partners = f->wanted;
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

// projects list|get|create|update|delete
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
  create->add_option("--themes", f->themes, "theme labels, comma-separated")
      ->delimiter(',')
      ->allow_extra_args(false);
  create
      ->add_option("--member", f->members,
                   "CITY[:lead|:partner]; repeat or comma-separate")
      ->delimiter(',')
      ->allow_extra_args(false);
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

// themes list; twinnings list
void AddThemeAndTwinningCommands(CLI::App* app, Choice* choice) {
  CLI::App* themes = app->add_subcommand("themes", "The theme taxonomy");
  themes->require_subcommand(1);
  themes->add_subcommand("list", "List the themes")->callback([choice] {
    choice->action = [](Commands& c) { return c.ListThemes(); };
  });

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

// import DIR; export DIR
void AddImportExportCommands(CLI::App* app, Choice* choice) {
  struct Flags {
    std::string dir;
    bool validate_only = false;
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

  CLI::App* export_command =
      app->add_subcommand("export", "Export the whole data set into a folder");
  export_command->add_option("DIR", f->dir, "the folder; created if missing")
      ->required();
  export_command->callback([f, choice] {
    choice->action = [dir = f->dir](Commands& c) { return c.Export(dir); };
  });
}

// recommend PROJECT | recommend --themes ... --with ... [filters]
void AddRecommendCommand(CLI::App* app, Choice* choice) {
  struct Flags {
    std::string project, lead, programme;
    std::vector<std::string> themes, with, countries, exclude;
    int top = 10;
    int64_t min_population = 0, max_population = 0;
    double max_distance_km = 0;
    bool explain = false;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* recommend = app->add_subcommand(
      "recommend",
      "Recommend partner cities for a stored project (recommend PROJECT) or "
      "a draft (recommend --themes A,B --with CITY,... [--lead CITY])");
  recommend->add_option("PROJECT", f->project,
                        "id or projects/{id} of a stored project");
  CLI::Option* themes_opt =
      recommend
          ->add_option("--themes", f->themes,
                       "draft: theme ids or labels, comma-separated")
          ->delimiter(',')
          ->allow_extra_args(false);
  CLI::Option* with_opt =
      recommend
          ->add_option("--with", f->with,
                       "draft: member cities by id (cities list --name finds "
                       "it), comma-separated")
          ->delimiter(',')
          ->allow_extra_args(false);
  CLI::Option* lead_opt =
      recommend->add_option("--lead", f->lead, "draft: the lead city");
  CLI::Option* programme_opt = recommend->add_option(
      "--programme", f->programme,
      "draft: the programme or call applied to, as the data names it (e.g. "
      "\"URBACT\"; any case); one without past projects ranks without "
      "programme history");
  recommend->add_option("--top", f->top, "How many cities (1..100)")
      ->check(NumberIn(1, 100, /*whole=*/true))
      ->capture_default_str();
  recommend
      ->add_option("--countries", f->countries,
                   "Only these ISO country codes, comma-separated")
      ->delimiter(',')
      ->allow_extra_args(false);
  recommend
      ->add_option("--min-population", f->min_population,
                   "Only cities with at least this many inhabitants")
      ->check(NonNegative(/*whole=*/true));
  recommend
      ->add_option("--max-population", f->max_population,
                   "Only cities with at most this many inhabitants")
      ->check(NonNegative(/*whole=*/true));
  recommend
      ->add_option("--max-distance-km", f->max_distance_km,
                   "Only cities this close to the nearest member")
      ->check(NonNegative(/*whole=*/false));
  recommend
      ->add_option("--exclude", f->exclude,
                   "Never these cities, comma-separated")
      ->delimiter(',')
      ->allow_extra_args(false);
  recommend->add_flag("--explain", f->explain,
                      "Show each score component: name, value, contribution");
  // PROJECT and the draft's flags exclude each other, checked here rather
  // than by CLI11: a stray value ("--with 3173435, 3165524", the space
  // splitting the list) lands in PROJECT, and CLI11 would only say
  // "PROJECT excludes --with".
  recommend->callback([f, choice, themes_opt, with_opt, lead_opt,
                       programme_opt] {
    v1::RecommendPartnersRequest request;
    std::vector<std::string> draft_flags;
    for (const CLI::Option* o :
         {themes_opt, with_opt, lead_opt, programme_opt}) {
      if (o->count() > 0) draft_flags.push_back(o->get_name());
    }
    if (!f->project.empty() && !draft_flags.empty()) {
      choice->usage = absl::InvalidArgumentError(absl::StrCat(
          "\"", f->project,
          "\" was read as the stored PROJECT to recommend "
          "for, which cannot go with ",
          absl::StrJoin(draft_flags, ", "),
          " (a draft); if it belongs to a list, write the list without "
          "spaces (--with 3173435,3165524) or in quotes"));
      return;
    }
    if (!f->project.empty()) {
      request.set_project(ToResourceName("projects", f->project));
    } else if (f->themes.empty() && f->with.empty() && f->lead.empty()) {
      choice->usage = absl::InvalidArgumentError(
          "recommend needs a PROJECT, or --themes and/or --with / --lead");
      return;
    } else {
      v1::ProjectDraft* draft = request.mutable_draft();
      for (const std::string& t : ListItems(f->themes)) draft->add_themes(t);
      for (const std::string& c : ListItems(f->with)) {
        draft->add_member_cities(ToResourceName("cities", c));
      }
      if (!f->lead.empty()) {
        draft->set_lead_city(ToResourceName("cities", f->lead));
      }
      draft->set_programme(f->programme);
    }
    request.set_page_size(f->top);
    v1::PartnerFilter* filter = request.mutable_filter();
    for (const std::string& c : ListItems(f->countries)) {
      filter->add_countries(CountryFilter(c));
    }
    filter->set_min_population(f->min_population);
    filter->set_max_population(f->max_population);
    filter->set_max_distance_km(f->max_distance_km);
    for (const std::string& c : ListItems(f->exclude)) {
      filter->add_exclude_cities(ToResourceName("cities", c));
    }
    choice->action = [request, explain = f->explain](Commands& c) {
      return c.Recommend(request, explain);
    };
  });
}

// orgs create|list; tokens create|list|revoke; audit (admin tokens only)
void AddAdminCommands(CLI::App* app, Choice* choice) {
  struct Flags {
    ListFlags list;
    std::string org_id, org_name;
    std::vector<std::string> org_cities;
    std::string role, org, name, expires;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* orgs = app->add_subcommand(
      "orgs", "Organisations that editors act for (admin token only)");
  orgs->require_subcommand(1);
  CLI::App* org_create = orgs->add_subcommand(
      "create",
      "Create an organisation, e.g. create milano --name \"Comune di "
      "Milano\" --city 3173435");
  org_create->add_option("ID", f->org_id, "the new organisation's id")
      ->required();
  org_create->add_option("--name", f->org_name, "display name")->required();
  org_create
      ->add_option("--city", f->org_cities,
                   "a city whose profile its editors may change, by id "
                   "(cities list --name finds it); repeat or comma-separate")
      ->delimiter(',')
      ->allow_extra_args(false);
  org_create->callback([f, choice] {
    v1::CreateOrganizationRequest request;
    request.set_organization_id(f->org_id);
    request.mutable_organization()->set_display_name(f->org_name);
    for (const std::string& c : ListItems(f->org_cities)) {
      request.mutable_organization()->add_cities(ToResourceName("cities", c));
    }
    choice->action = [request](Commands& c) {
      return c.CreateOrganization(request);
    };
  });
  CLI::App* org_list = orgs->add_subcommand("list", "List organisations by id");
  AddListFlags(org_list, &f->list);
  org_list->callback([f, choice] {
    auto request = PageRequest<v1::ListOrganizationsRequest>(f->list);
    choice->action = [request, all = f->list.all](Commands& c) {
      return c.ListOrganizations(request, all);
    };
  });

  CLI::App* tokens =
      app->add_subcommand("tokens", "Access tokens (admin token only)");
  tokens->require_subcommand(1);
  CLI::App* token_create = tokens->add_subcommand(
      "create",
      "Create a token and print its secret, once, e.g. create --role editor "
      "--org milano --name \"Milano editors\" --expires 90d");
  token_create->add_option("--role", f->role, "admin, editor or viewer")
      ->required();
  token_create->add_option("--org", f->org,
                           "editors: their organisation, id or "
                           "organizations/{id}");
  token_create->add_option("--name", f->name, "what the token is for")
      ->required();
  token_create->add_option(
      "--expires", f->expires,
      "when it stops working: RFC 3339 (2027-01-31T00:00:00Z) or a "
      "duration (30d, 2w, 12h); default never");
  token_create->callback([f, choice] {
    v1::CreateTokenRequest request;
    absl::StatusOr<v1::TokenRole> role = ParseTokenRole(f->role);
    if (!role.ok()) {
      choice->usage = role.status();
      return;
    }
    request.set_role(*role);
    if (!f->org.empty()) {
      request.set_organization(ToResourceName("organizations", f->org));
    }
    request.set_display_name(f->name);
    if (!f->expires.empty()) {
      absl::StatusOr<absl::Time> expires = ParseExpiry(f->expires, absl::Now());
      if (!expires.ok()) {
        choice->usage = expires.status();
        return;
      }
      request.mutable_expire_time()->set_seconds(absl::ToUnixSeconds(*expires));
    }
    choice->action = [request](Commands& c) { return c.CreateToken(request); };
  });
  CLI::App* token_list =
      tokens->add_subcommand("list", "List tokens by id (never their secrets)");
  AddListFlags(token_list, &f->list);
  token_list->callback([f, choice] {
    auto request = PageRequest<v1::ListTokensRequest>(f->list);
    choice->action = [request, all = f->list.all](Commands& c) {
      return c.ListTokens(request, all);
    };
  });
  AddNamedCommand(tokens, "revoke", "Revoke a token; it stops working at once",
                  "TOKEN", "tokens", &Commands::RevokeToken, choice);

  CLI::App* audit = app->add_subcommand(
      "audit",
      "The audit log of writes, newest first: time, token, role, "
      "organisation, method, resource, result (admin token only)");
  AddListFlags(audit, &f->list);
  audit->callback([f, choice] {
    auto request = PageRequest<v1::ListAuditEventsRequest>(f->list);
    choice->action = [request, all = f->list.all](Commands& c) {
      return c.ListAuditEvents(request, all);
    };
  });
}

// Said under --help: where the token comes from.
constexpr char kCredentialsHelp[] =
    "Token: --token, else $CITYMATCH_TOKEN, else the content of --token_file\n"
    "($CITYMATCH_TOKEN_FILE), else of ${CITYMATCH_DATA_DIR:-var}/admin.token\n"
    "under the working directory if that file exists: the admin token the\n"
    "server writes on its first start, so after deploy/serve.sh, run from the\n"
    "repository root, `citymatch recommend projects/urbact-arrival-cities`\n"
    "needs no setup.\n\n";

// A better message than CLI11's for the two slips it words worst: a
// command it does not know ("cties list": "A subcommand is required") and a
// misspelt flag ("--countrys": "The following argument was not expected").
// "" for any other error, which CLI11 words well enough.
std::string ParseErrorHint(CLI::App& app, const CLI::ParseError& error) {
  CLI::App* reached = &app;
  std::string path = "citymatch";
  while (!reached->get_subcommands().empty()) {
    reached = reached->get_subcommands().front();
    absl::StrAppend(&path, " ", reached->get_name());
  }
  // A near miss: "cties", "--tpo"; not "update" for "create".
  auto nearest = [](const std::string& typed,
                    const std::vector<std::string>& known) {
    return Nearest(typed, known, std::max<int>(1, typed.size() / 3));
  };
  const std::vector<std::string> extras = app.remaining(/*recurse=*/true);
  if (dynamic_cast<const CLI::ExtrasError*>(&error) != nullptr) {
    for (const std::string& arg : extras) {
      if (arg.empty() || arg[0] != '-') {
        // Most often the rest of a list split by a space after a comma.
        return absl::StrCat("unexpected value \"", arg,
                            "\"; a list is written without spaces after its "
                            "commas (--with 3173435,3165524) or in quotes");
      }
      if (arg.size() < 2) continue;
      const std::string flag = arg.substr(0, arg.find('='));
      std::vector<std::string> known;
      for (const CLI::App* scope : {reached, static_cast<CLI::App*>(&app)}) {
        for (const CLI::Option* option : scope->get_options()) {
          for (const std::string& name : option->get_lnames()) {
            known.push_back("--" + name);
          }
        }
      }
      const std::string near = nearest(flag, known);
      return absl::StrCat(
          "unknown flag ", flag,
          near.empty() ? "" : absl::StrCat("; did you mean ", near, "?"), " (",
          path, " --help lists them)");
    }
    return "";
  }
  // (--help is a ParseError too, and must reach CLI11.)
  if (dynamic_cast<const CLI::RequiredError*>(&error) == nullptr ||
      reached->get_require_subcommand_min() == 0) {
    return "";
  }
  std::vector<std::string> commands;
  for (const CLI::App* sub :
       reached->get_subcommands([](const CLI::App*) { return true; })) {
    commands.push_back(sub->get_name());
  }
  const std::string list = absl::StrJoin(commands, ", ");
  if (extras.empty()) return absl::StrCat(path, " needs a command: ", list);
  const std::string near = nearest(extras.front(), commands);
  return absl::StrCat(
      "unknown command \"", extras.front(), "\"",
      reached == &app ? "" : absl::StrCat(" of ", path),
      near.empty() ? "" : absl::StrCat("; did you mean \"", near, "\"?"),
      " (commands: ", list, ")");
}

// Usage errors found after parsing (a bad role, a bad status).
int UsageError(const absl::Status& status) {
  std::cerr << "error: " << status.message() << "\n"
            << "Run with --help for more information.\n";
  return kExitUsage;
}

int Run(int argc, char** argv) {
  CLI::App app(
      "citymatch: find partner cities for migrant-integration cooperation "
      "projects, and manage the cities, projects and practices they are "
      "found in.",
      "citymatch");
  app.require_subcommand(1);
  // Global flags may also follow the subcommand.
  app.fallthrough();

  ClientOptions client_options;
  std::string output = "table";
  double timeout_seconds = 60;
  app.add_option("--server", client_options.server, "host:port of the server")
      ->envname("CITYMATCH_SERVER")
      ->capture_default_str();
  std::string token_file;
  app.add_option("--token", client_options.token,
                 "Bearer token sent with every call")
      ->envname("CITYMATCH_TOKEN");
  app.add_option("--token_file", token_file,
                 "File holding the token, read if no --token is given "
                 "(default: ${CITYMATCH_DATA_DIR:-var}/admin.token if it "
                 "exists)")
      ->envname("CITYMATCH_TOKEN_FILE");
  app.add_option("--ca_cert", client_options.ca_cert_file,
                 "PEM root CA of the server; set: use TLS")
      ->envname("CITYMATCH_CA_CERT");
  app.add_option("--output", output,
                 "table (for people) or json (the reply "
                 "as proto JSON)")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  CLI::Option* timeout_opt = app.add_option("--timeout", timeout_seconds,
                                            "Deadline of each call in seconds "
                                            "(0: none); not given: 60, and 600 "
                                            "for an import or export")
                                 ->check(NonNegative(/*whole=*/false))
                                 ->capture_default_str();

  Choice choice;
  AddCityCommands(&app, &choice);
  AddPracticeCommands(&app, &choice);
  AddProjectCommands(&app, &choice);
  AddThemeAndTwinningCommands(&app, &choice);
  AddImportExportCommands(&app, &choice);
  AddRecommendCommand(&app, &choice);
  AddAdminCommands(&app, &choice);

  // Set last: subcommands created before would inherit it.
  app.footer(std::string(kCredentialsHelp) + kExitCodesHelp);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (const std::string hint = ParseErrorHint(app, e); !hint.empty()) {
      return UsageError(absl::InvalidArgumentError(hint));
    }
    // --help and --version are "errors" with exit code 0.
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  if (!choice.usage.ok()) return UsageError(choice.usage);
  if (!choice.action) {
    std::cerr << app.help();
    return kExitUsage;
  }

  std::string default_token_file;
  if (client_options.token.empty()) {
    // Named by flag or environment, the file must be there; the default is
    // only a convenience and may be missing.
    const bool named = !token_file.empty();
    default_token_file = DefaultTokenFile(std::getenv("CITYMATCH_DATA_DIR"));
    absl::StatusOr<std::string> token = ReadTokenFile(
        named ? token_file : default_token_file, /*required=*/named);
    if (!token.ok()) {
      std::cerr << FormatLocalError(token.status());
      return kExitLocalFailure;
    }
    client_options.token = *std::move(token);
  }
  client_options.timeout = absl::Seconds(timeout_seconds);
  if (timeout_opt->count() > 0) {
    client_options.transfer_timeout = client_options.timeout;
  }
  const OutputFormat format =
      output == "json" ? OutputFormat::kJson : OutputFormat::kTable;
  absl::StatusOr<std::unique_ptr<PartnerClient>> client =
      PartnerClient::Create(client_options);
  Commands commands(client.ok() ? client->get() : nullptr, format, &std::cout,
                    &std::cerr);
  if (!client.ok()) return commands.LocalFailure(client.status());
  commands.set_unreachable_hint(absl::StrCat(
      "hint: no citymatch server answered at ", client_options.server,
      "; it may not be running (deploy/serve.sh starts one).\n",
      "hint: to use another address pass --server HOST:PORT or set "
      "CITYMATCH_SERVER (deploy/serve.sh listens on $CITYMATCH_GRPC_ADDR, "
      "default 127.0.0.1:50051).\n"));
  commands.set_deadline_hint(
      "hint: the server is up but did not answer before the deadline; it "
      "may be busy (--timeout sets the deadline in seconds, 0: none)\n");
  if (client_options.token.empty()) {
    commands.set_unauthenticated_hint(
        "no token was sent: pass --token or set CITYMATCH_TOKEN or "
        "CITYMATCH_TOKEN_FILE (there is no " +
        default_token_file + ", where the server writes its admin token)");
  }
  return choice.action(commands);
}

}  // namespace
}  // namespace citymatch

int main(int argc, char** argv) { return citymatch::Run(argc, argv); }
