// The administration commands of `citymatch`, for admin tokens only: orgs,
// tokens and audit.

#include <memory>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "client/cli_support.h"
#include "client/cli_wiring.h"
#include "client/commands.h"

namespace citymatch::cli {

void AddAdminCommands(CLI::App* app, Choice* choice) {
  struct Flags {
    ListFlags list;
    std::string org_id, org_name;
    std::vector<std::string> org_cities, add_cities, remove_cities;
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
  AddListOption(org_create, "--city", &f->org_cities,
                "a city whose profile its editors may change, by id "
                "(cities list --name finds it); repeat or comma-separate")
      ->check(NoEmptyValue("a city"));
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
  CLI::App* org_update = orgs->add_subcommand(
      "update",
      "Rename an organisation or attach and detach cities (the others stay), "
      "e.g. update milano --add-city 3165524 --remove-city 3173435");
  org_update->add_option("ORG", f->org_id, "id or organizations/{id}")
      ->required();
  CLI::Option* new_name =
      org_update->add_option("--name", f->org_name, "new display name");
  AddListOption(org_update, "--add-city", &f->add_cities,
                "a city whose profile its editors may change from now on, by "
                "id (cities list --name finds it); repeat or comma-separate")
      ->check(NoEmptyValue("a city"));
  AddListOption(org_update, "--remove-city", &f->remove_cities,
                "a city of the organisation to detach; repeat or "
                "comma-separate")
      ->check(NoEmptyValue("a city"));
  org_update->callback([f, choice, new_name] {
    v1::UpdateOrganizationRequest request;
    request.set_name(ToResourceName("organizations", f->org_id));
    request.set_display_name(f->org_name);
    for (const std::string& c : ListItems(f->add_cities)) {
      request.add_add_cities(ToResourceName("cities", c));
    }
    for (const std::string& c : ListItems(f->remove_cities)) {
      request.add_remove_cities(ToResourceName("cities", c));
    }
    // `--name ""` would keep the name ("" keeps it), so it is no change.
    if (new_name->count() > 0 && f->org_name.empty()) {
      choice->usage =
          absl::InvalidArgumentError("orgs update --name needs a name");
      return;
    }
    if (request.display_name().empty() && request.add_cities().empty() &&
        request.remove_cities().empty()) {
      choice->usage = absl::InvalidArgumentError(
          "orgs update changes nothing without a flag (--name, --add-city, "
          "--remove-city)");
      return;
    }
    choice->action = [request](Commands& c) {
      return c.UpdateOrganization(request);
    };
  });
  AddNamedCommand(orgs, "delete",
                  "Delete an organisation once no token of it works and it "
                  "owns no project or practice, e.g. delete milano",
                  "ORG", "organizations", &Commands::DeleteOrganization,
                  choice);
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

}  // namespace citymatch::cli
