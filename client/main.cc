// citymatch: the command-line client of citymatch-server. It parses flags
// into requests, runs one command (client/commands.h) and exits with:
//   0  success
//   1  local failure (a file could not be read or written)
//   2  usage error (CLI11 parse error, bad flag value)
//   3  the server reported an error (any non-OK status but the two below)
//   4  the server is unreachable or did not answer in time
//      (UNAVAILABLE, DEADLINE_EXCEEDED)
// (kept in step with kExitCodesHelp in client/cli_support.h).
#include <cstdlib>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/ascii.h"
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

// Flags shared by the list subcommands.
struct ListFlags {
  int page_size = 0;
  std::string page_token;
  bool all = false;
};

void AddListFlags(CLI::App* list, ListFlags* flags) {
  list->add_option("--page-size", flags->page_size,
                   "Rows per page (0: the server's default, 50)")
      ->check(CLI::Range(0, 1000));
  list->add_option("--page-token", flags->page_token,
                   "Continue from this next_page_token");
  list->add_flag("--all", flags->all, "Page through every row");
}

// Said under --help: where the token comes from.
constexpr char kCredentialsHelp[] =
    "Token: --token, else $CITYMATCH_TOKEN, else the content of --token_file\n"
    "($CITYMATCH_TOKEN_FILE), else of ${CITYMATCH_DATA_DIR:-var}/admin.token\n"
    "under the working directory if that file exists: the admin token the\n"
    "server writes on its first start, so after deploy/serve.sh, run from the\n"
    "repository root, `citymatch recommend projects/urbact-arrival-cities`\n"
    "needs no setup.\n\n";

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
  app.add_option("--timeout", timeout_seconds,
                 "Deadline of each call in seconds (0: none)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();

  Action action;
  // Parse errors found in callbacks, reported as usage errors.
  absl::Status usage = absl::OkStatus();

  // ---- cities ----------------------------------------------------------
  CLI::App* cities = app.add_subcommand("cities", "Cities");
  cities->require_subcommand(1);
  ListFlags city_list_flags;
  std::string city_country;
  CLI::App* city_list = cities->add_subcommand("list", "List cities by id");
  AddListFlags(city_list, &city_list_flags);
  city_list->add_option("--country", city_country,
                        "Only this ISO country code, e.g. IT");
  city_list->callback([&] {
    v1::ListCitiesRequest request;
    request.set_page_size(city_list_flags.page_size);
    request.set_page_token(city_list_flags.page_token);
    request.set_country_code(absl::AsciiStrToUpper(city_country));
    action = [request, all = city_list_flags.all](Commands& c) {
      return c.ListCities(request, all);
    };
  });

  std::string city_id;
  CLI::App* city_get = cities->add_subcommand("get", "Show one city");
  city_get->add_option("CITY", city_id, "id or cities/{id}")->required();
  city_get->callback([&] {
    action = [name = ToResourceName("cities", city_id)](Commands& c) {
      return c.GetCity(name);
    };
  });

  CLI::App* city_create = cities->add_subcommand(
      "create",
      "Create a city, e.g. create lyon --name Lyon --country FR "
      "--lat 45.75 --lon 4.85 --population 472317");
  v1::CreateCityRequest create_city;
  std::string new_city_name, new_city_country;
  double new_city_lat = 0, new_city_lon = 0;
  int64_t new_city_population = 0;
  city_create->add_option("ID", city_id, "the new city's id")->required();
  city_create->add_option("--name", new_city_name, "display name")->required();
  city_create->add_option("--country", new_city_country, "ISO country code")
      ->required();
  city_create->add_option("--lat", new_city_lat, "latitude in degrees")
      ->check(CLI::Range(-90.0, 90.0));
  city_create->add_option("--lon", new_city_lon, "longitude in degrees")
      ->check(CLI::Range(-180.0, 180.0));
  city_create
      ->add_option("--population", new_city_population,
                   "inhabitants (0: unknown)")
      ->check(CLI::NonNegativeNumber);
  city_create->callback([&] {
    v1::CreateCityRequest request;
    request.set_city_id(city_id);
    v1::City* city = request.mutable_city();
    city->set_display_name(new_city_name);
    city->set_country_code(absl::AsciiStrToUpper(new_city_country));
    city->set_latitude(new_city_lat);
    city->set_longitude(new_city_lon);
    city->set_population(new_city_population);
    action = [request](Commands& c) { return c.CreateCity(request); };
  });

  CLI::App* city_delete = cities->add_subcommand("delete", "Delete a city");
  city_delete->add_option("CITY", city_id, "id or cities/{id}")->required();
  city_delete->callback([&] {
    action = [name = ToResourceName("cities", city_id)](Commands& c) {
      return c.DeleteCity(name);
    };
  });

  // ---- practices -------------------------------------------------------
  CLI::App* practices =
      app.add_subcommand("practices", "Functioning practices");
  practices->require_subcommand(1);
  ListFlags practice_list_flags;
  std::string filter_city, filter_theme;
  CLI::App* practice_list =
      practices->add_subcommand("list", "List practices by id");
  AddListFlags(practice_list, &practice_list_flags);
  practice_list->add_option("--city", filter_city, "Only of this city");
  practice_list->add_option("--theme", filter_theme,
                            "Only on this theme (id or label)");
  practice_list->callback([&] {
    v1::ListPracticesRequest request;
    request.set_page_size(practice_list_flags.page_size);
    request.set_page_token(practice_list_flags.page_token);
    if (!filter_city.empty()) {
      request.set_city(ToResourceName("cities", filter_city));
    }
    request.set_theme(filter_theme);
    action = [request, all = practice_list_flags.all](Commands& c) {
      return c.ListPractices(request, all);
    };
  });

  std::string practice_id;
  CLI::App* practice_get = practices->add_subcommand("get", "Show a practice");
  practice_get->add_option("PRACTICE", practice_id, "id or practices/{id}")
      ->required();
  practice_get->callback([&] {
    action = [name = ToResourceName("practices", practice_id)](Commands& c) {
      return c.GetPractice(name);
    };
  });

  CLI::App* practice_create =
      practices->add_subcommand("create", "Create a practice");
  std::string new_practice_title, new_practice_city, new_practice_summary,
      new_practice_url, new_practice_owner;
  std::vector<std::string> new_practice_themes;
  int new_practice_start = 0;
  practice_create->add_option("ID", practice_id, "the new practice's id")
      ->required();
  practice_create->add_option("--title", new_practice_title, "title")
      ->required();
  practice_create
      ->add_option("--city", new_practice_city, "the city that runs it")
      ->required();
  practice_create
      ->add_option("--themes", new_practice_themes,
                   "theme labels, comma-separated")
      ->delimiter(',')
      ->allow_extra_args(false);
  practice_create->add_option("--start-year", new_practice_start,
                              "year it started");
  practice_create->add_option("--summary", new_practice_summary,
                              "short description");
  practice_create->add_option("--source-url", new_practice_url,
                              "where to read more");
  practice_create->add_option(
      "--owner", new_practice_owner,
      "owning organisation, id or organizations/{id} (an editor's "
      "token: its own, the default)");
  practice_create->callback([&] {
    v1::CreatePracticeRequest request;
    request.set_practice_id(practice_id);
    v1::Practice* practice = request.mutable_practice();
    practice->set_title(new_practice_title);
    practice->set_city(ToResourceName("cities", new_practice_city));
    for (const std::string& t : new_practice_themes) practice->add_themes(t);
    practice->set_start_year(new_practice_start);
    practice->set_summary(new_practice_summary);
    practice->set_source_url(new_practice_url);
    if (!new_practice_owner.empty()) {
      practice->set_owner(ToResourceName("organizations", new_practice_owner));
    }
    action = [request](Commands& c) { return c.CreatePractice(request); };
  });

  CLI::App* practice_delete =
      practices->add_subcommand("delete", "Delete a practice");
  practice_delete->add_option("PRACTICE", practice_id, "id or practices/{id}")
      ->required();
  practice_delete->callback([&] {
    action = [name = ToResourceName("practices", practice_id)](Commands& c) {
      return c.DeletePractice(name);
    };
  });

  // ---- projects --------------------------------------------------------
  CLI::App* projects = app.add_subcommand("projects", "Cooperation projects");
  projects->require_subcommand(1);
  ListFlags project_list_flags;
  CLI::App* project_list =
      projects->add_subcommand("list", "List projects by id");
  AddListFlags(project_list, &project_list_flags);
  project_list->add_option("--city", filter_city,
                           "Only those this city takes part in");
  project_list->add_option("--theme", filter_theme,
                           "Only on this theme (id or label)");
  project_list->callback([&] {
    v1::ListProjectsRequest request;
    request.set_page_size(project_list_flags.page_size);
    request.set_page_token(project_list_flags.page_token);
    if (!filter_city.empty()) {
      request.set_city(ToResourceName("cities", filter_city));
    }
    request.set_theme(filter_theme);
    action = [request, all = project_list_flags.all](Commands& c) {
      return c.ListProjects(request, all);
    };
  });

  std::string project_id;
  CLI::App* project_get = projects->add_subcommand("get", "Show a project");
  project_get->add_option("PROJECT", project_id, "id or projects/{id}")
      ->required();
  project_get->callback([&] {
    action = [name = ToResourceName("projects", project_id)](Commands& c) {
      return c.GetProject(name);
    };
  });

  CLI::App* project_create = projects->add_subcommand(
      "create",
      "Create a project, e.g. create my-proj --title T "
      "--programme P --themes A,B --member cities/x:lead "
      "--member cities/y");
  std::string new_project_title, new_project_programme, new_project_status,
      new_project_owner;
  std::vector<std::string> new_project_themes, new_project_members;
  int new_project_start = 0, new_project_end = 0, new_project_wanted = 0;
  project_create->add_option("ID", project_id, "the new project's id")
      ->required();
  project_create->add_option("--title", new_project_title, "title")->required();
  project_create->add_option("--programme", new_project_programme,
                             "programme or call, e.g. \"URBACT III\"");
  project_create
      ->add_option("--themes", new_project_themes,
                   "theme labels, comma-separated")
      ->delimiter(',')
      ->allow_extra_args(false);
  project_create
      ->add_option("--member", new_project_members,
                   "CITY[:lead|:partner], once per member")
      ->allow_extra_args(false);
  project_create->add_option("--start-year", new_project_start, "first year");
  project_create->add_option("--end-year", new_project_end, "last year");
  project_create->add_option("--status", new_project_status,
                             "proposal, open, running or closed");
  project_create
      ->add_option("--wanted-partners", new_project_wanted,
                   "how many partners it still wants")
      ->check(CLI::NonNegativeNumber);
  project_create->add_option(
      "--owner", new_project_owner,
      "owning organisation, id or organizations/{id} (an editor's "
      "token: its own, the default)");
  project_create->callback([&] {
    v1::CreateProjectRequest request;
    request.set_project_id(project_id);
    v1::Project* project = request.mutable_project();
    project->set_title(new_project_title);
    project->set_programme(new_project_programme);
    for (const std::string& t : new_project_themes) project->add_themes(t);
    for (const std::string& m : new_project_members) {
      absl::StatusOr<v1::Membership> member = ParseMember(m);
      if (!member.ok()) {
        usage = member.status();
        return;
      }
      *project->add_members() = *member;
    }
    project->set_start_year(new_project_start);
    project->set_end_year(new_project_end);
    if (!new_project_status.empty()) {
      absl::StatusOr<v1::ProjectStatus> status =
          ParseProjectStatus(new_project_status);
      if (!status.ok()) {
        usage = status.status();
        return;
      }
      project->set_status(*status);
    }
    project->set_wanted_partners(new_project_wanted);
    if (!new_project_owner.empty()) {
      project->set_owner(ToResourceName("organizations", new_project_owner));
    }
    action = [request](Commands& c) { return c.CreateProject(request); };
  });

  CLI::App* project_delete =
      projects->add_subcommand("delete", "Delete a project");
  project_delete->add_option("PROJECT", project_id, "id or projects/{id}")
      ->required();
  project_delete->callback([&] {
    action = [name = ToResourceName("projects", project_id)](Commands& c) {
      return c.DeleteProject(name);
    };
  });

  // ---- themes, twinnings -----------------------------------------------
  CLI::App* themes = app.add_subcommand("themes", "The theme taxonomy");
  themes->require_subcommand(1);
  themes->add_subcommand("list", "List the themes")->callback([&] {
    action = [](Commands& c) { return c.ListThemes(); };
  });

  CLI::App* twinnings = app.add_subcommand("twinnings", "Twin towns");
  twinnings->require_subcommand(1);
  ListFlags twinning_list_flags;
  CLI::App* twinning_list = twinnings->add_subcommand("list", "List twinnings");
  AddListFlags(twinning_list, &twinning_list_flags);
  twinning_list->add_option("--city", filter_city, "Only of this city");
  twinning_list->callback([&] {
    v1::ListTwinningsRequest request;
    request.set_page_size(twinning_list_flags.page_size);
    request.set_page_token(twinning_list_flags.page_token);
    if (!filter_city.empty()) {
      request.set_city(ToResourceName("cities", filter_city));
    }
    action = [request, all = twinning_list_flags.all](Commands& c) {
      return c.ListTwinnings(request, all);
    };
  });

  // ---- import, export --------------------------------------------------
  std::string dir;
  bool validate_only = false;
  CLI::App* import_command = app.add_subcommand(
      "import",
      "Import a data set folder (cities.csv, projects.csv, memberships.csv, "
      "practices.csv, twinnings.csv); all or nothing");
  import_command->add_option("DIR", dir, "the folder")->required();
  import_command->add_flag("--validate-only", validate_only,
                           "Only check the rows; write nothing");
  import_command->callback([&] {
    action = [&](Commands& c) { return c.Import(dir, validate_only); };
  });

  CLI::App* export_command =
      app.add_subcommand("export", "Export the whole data set into a folder");
  export_command->add_option("DIR", dir, "the folder; created if missing")
      ->required();
  export_command->callback(
      [&] { action = [&](Commands& c) { return c.Export(dir); }; });

  // ---- recommend -------------------------------------------------------
  CLI::App* recommend = app.add_subcommand(
      "recommend",
      "Recommend partner cities for a stored project (recommend PROJECT) or "
      "a draft (recommend --themes A,B --with CITY,... [--lead CITY])");
  std::string target_project, lead, programme;
  std::vector<std::string> draft_themes, draft_with, countries, exclude;
  int top = 10;
  int64_t min_population = 0, max_population = 0;
  double max_distance_km = 0;
  bool explain = false;
  CLI::Option* project_opt = recommend->add_option(
      "PROJECT", target_project, "id or projects/{id} of a stored project");
  CLI::Option* themes_opt =
      recommend
          ->add_option("--themes", draft_themes,
                       "draft: theme ids or labels, comma-separated")
          ->delimiter(',')
          ->allow_extra_args(false);
  CLI::Option* with_opt =
      recommend
          ->add_option("--with", draft_with,
                       "draft: member cities, comma-separated")
          ->delimiter(',')
          ->allow_extra_args(false);
  CLI::Option* lead_opt =
      recommend->add_option("--lead", lead, "draft: the lead city");
  CLI::Option* programme_opt = recommend->add_option(
      "--programme", programme, "draft: the programme or call applied to");
  project_opt->excludes(themes_opt)
      ->excludes(with_opt)
      ->excludes(lead_opt)
      ->excludes(programme_opt);
  recommend->add_option("--top", top, "How many cities (1..100)")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  recommend
      ->add_option("--countries", countries,
                   "Only these ISO country codes, comma-separated")
      ->delimiter(',')
      ->allow_extra_args(false);
  recommend
      ->add_option("--min-population", min_population,
                   "Only cities with at least this many inhabitants")
      ->check(CLI::NonNegativeNumber);
  recommend
      ->add_option("--max-population", max_population,
                   "Only cities with at most this many inhabitants")
      ->check(CLI::NonNegativeNumber);
  recommend
      ->add_option("--max-distance-km", max_distance_km,
                   "Only cities this close to the nearest member")
      ->check(CLI::NonNegativeNumber);
  recommend
      ->add_option("--exclude", exclude, "Never these cities, comma-separated")
      ->delimiter(',')
      ->allow_extra_args(false);
  recommend->add_flag("--explain", explain,
                      "Show each score component: name, value, contribution");
  recommend->callback([&] {
    v1::RecommendPartnersRequest request;
    if (!target_project.empty()) {
      request.set_project(ToResourceName("projects", target_project));
    } else if (draft_themes.empty() && draft_with.empty() && lead.empty()) {
      usage = absl::InvalidArgumentError(
          "recommend needs a PROJECT, or --themes and/or --with / --lead");
      return;
    } else {
      v1::ProjectDraft* draft = request.mutable_draft();
      for (const std::string& t : draft_themes) draft->add_themes(t);
      for (const std::string& c : draft_with) {
        draft->add_member_cities(ToResourceName("cities", c));
      }
      if (!lead.empty()) draft->set_lead_city(ToResourceName("cities", lead));
      draft->set_programme(programme);
    }
    request.set_page_size(top);
    v1::PartnerFilter* filter = request.mutable_filter();
    for (const std::string& c : countries) {
      filter->add_countries(absl::AsciiStrToUpper(c));
    }
    filter->set_min_population(min_population);
    filter->set_max_population(max_population);
    filter->set_max_distance_km(max_distance_km);
    for (const std::string& c : exclude) {
      filter->add_exclude_cities(ToResourceName("cities", c));
    }
    action = [request, explain](Commands& c) {
      return c.Recommend(request, explain);
    };
  });

  // ---- orgs, tokens, audit (admin) -------------------------------------
  CLI::App* orgs = app.add_subcommand(
      "orgs", "Organisations that editors act for (admin token only)");
  orgs->require_subcommand(1);
  std::string org_id, org_name;
  std::vector<std::string> org_cities;
  CLI::App* org_create = orgs->add_subcommand(
      "create",
      "Create an organisation, e.g. create milano --name \"Comune di "
      "Milano\" --city milan");
  org_create->add_option("ID", org_id, "the new organisation's id")
      ->required();
  org_create->add_option("--name", org_name, "display name")->required();
  org_create
      ->add_option("--city", org_cities,
                   "a city whose profile its editors may change; repeat or "
                   "comma-separate")
      ->delimiter(',')
      ->allow_extra_args(false);
  org_create->callback([&] {
    v1::CreateOrganizationRequest request;
    request.set_organization_id(org_id);
    request.mutable_organization()->set_display_name(org_name);
    for (const std::string& c : org_cities) {
      request.mutable_organization()->add_cities(ToResourceName("cities", c));
    }
    action = [request](Commands& c) { return c.CreateOrganization(request); };
  });
  ListFlags org_list_flags;
  CLI::App* org_list = orgs->add_subcommand("list", "List organisations by id");
  AddListFlags(org_list, &org_list_flags);
  org_list->callback([&] {
    v1::ListOrganizationsRequest request;
    request.set_page_size(org_list_flags.page_size);
    request.set_page_token(org_list_flags.page_token);
    action = [request, all = org_list_flags.all](Commands& c) {
      return c.ListOrganizations(request, all);
    };
  });

  CLI::App* tokens =
      app.add_subcommand("tokens", "Access tokens (admin token only)");
  tokens->require_subcommand(1);
  std::string token_role, token_org, token_name, token_expires;
  CLI::App* token_create = tokens->add_subcommand(
      "create",
      "Create a token and print its secret, once, e.g. create --role editor "
      "--org milano --name \"Milano editors\" --expires 90d");
  token_create->add_option("--role", token_role, "admin, editor or viewer")
      ->required();
  token_create->add_option("--org", token_org,
                           "editors: their organisation, id or "
                           "organizations/{id}");
  token_create->add_option("--name", token_name, "what the token is for")
      ->required();
  token_create->add_option(
      "--expires", token_expires,
      "when it stops working: RFC 3339 (2027-01-31T00:00:00Z) or a "
      "duration (30d, 2w, 12h); default never");
  token_create->callback([&] {
    v1::CreateTokenRequest request;
    absl::StatusOr<v1::TokenRole> role = ParseTokenRole(token_role);
    if (!role.ok()) {
      usage = role.status();
      return;
    }
    request.set_role(*role);
    if (!token_org.empty()) {
      request.set_organization(ToResourceName("organizations", token_org));
    }
    request.set_display_name(token_name);
    if (!token_expires.empty()) {
      absl::StatusOr<absl::Time> expires =
          ParseExpiry(token_expires, absl::Now());
      if (!expires.ok()) {
        usage = expires.status();
        return;
      }
      request.mutable_expire_time()->set_seconds(absl::ToUnixSeconds(*expires));
    }
    action = [request](Commands& c) { return c.CreateToken(request); };
  });
  ListFlags token_list_flags;
  CLI::App* token_list = tokens->add_subcommand(
      "list", "List tokens by id (never their secrets)");
  AddListFlags(token_list, &token_list_flags);
  token_list->callback([&] {
    v1::ListTokensRequest request;
    request.set_page_size(token_list_flags.page_size);
    request.set_page_token(token_list_flags.page_token);
    action = [request, all = token_list_flags.all](Commands& c) {
      return c.ListTokens(request, all);
    };
  });
  std::string revoked_token;
  CLI::App* token_revoke = tokens->add_subcommand(
      "revoke", "Revoke a token; it stops working at once");
  token_revoke->add_option("TOKEN", revoked_token, "id or tokens/{id}")
      ->required();
  token_revoke->callback([&] {
    action = [name = ToResourceName("tokens", revoked_token)](Commands& c) {
      return c.RevokeToken(name);
    };
  });

  CLI::App* audit = app.add_subcommand(
      "audit",
      "The audit log of writes, newest first: time, token, role, "
      "organisation, method, resource, result (admin token only)");
  ListFlags audit_flags;
  AddListFlags(audit, &audit_flags);
  audit->callback([&] {
    v1::ListAuditEventsRequest request;
    request.set_page_size(audit_flags.page_size);
    request.set_page_token(audit_flags.page_token);
    action = [request, all = audit_flags.all](Commands& c) {
      return c.ListAuditEvents(request, all);
    };
  });

  // Set last: subcommands created before would inherit it.
  app.footer(std::string(kCredentialsHelp) + kExitCodesHelp);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version are "errors" with exit code 0.
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  if (!usage.ok()) return UsageError(usage);
  if (!action) {
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
      std::cerr << FormatError(token.status());
      return kExitLocalFailure;
    }
    client_options.token = *std::move(token);
  }
  client_options.timeout = absl::Seconds(timeout_seconds);
  const OutputFormat format =
      output == "json" ? OutputFormat::kJson : OutputFormat::kTable;
  absl::StatusOr<std::unique_ptr<PartnerClient>> client =
      PartnerClient::Create(client_options);
  Commands commands(client.ok() ? client->get() : nullptr, format, &std::cout,
                    &std::cerr);
  if (!client.ok()) return commands.LocalFailure(client.status());
  if (client_options.token.empty()) {
    commands.set_unauthenticated_hint(
        "no token was sent: pass --token or set CITYMATCH_TOKEN or "
        "CITYMATCH_TOKEN_FILE (there is no " +
        default_token_file + ", where the server writes its admin token)");
  }
  return action(commands);
}

}  // namespace
}  // namespace citymatch

int main(int argc, char** argv) { return citymatch::Run(argc, argv); }
