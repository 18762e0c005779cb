// The `citymatch cities` commands: list, get, create, update, delete.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "client/city_edit.h"
#include "client/cli_support.h"
#include "client/cli_wiring.h"
#include "client/commands.h"
#include "graph/limits.h"

namespace citymatch::cli {

namespace {

constexpr const char* kPopulationHelp =
    "inhabitants, at most 100000000 (0: unknown)";

// The service's bound (graph/limits.h), checked before the call.
CLI::Validator PopulationCheck() {
  return NumberIn(0, static_cast<double>(kMaxPopulation), /*whole=*/true);
}

// cities update CITY [--name ...] [--population ...] [--languages ...] ...
void AddCityUpdateCommand(CLI::App* cities, Choice* choice) {
  struct Flags {
    std::string id, name, country, contact;
    double lat = 0, lon = 0;
    int64_t population = 0;
    std::vector<std::string> seeking, languages;
    int capacity = 0;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* update = cities->add_subcommand(
      "update",
      "Change a city: only the fields given, e.g. update 2996944 "
      "--population 522250 --languages fr,en (an editor's token: only the "
      "profile, of its organisation's cities)");
  update->add_option("CITY", f->id, "id or cities/{id}")->required();
  CLI::Option* display_name =
      update->add_option("--name", f->name, "new display name");
  CLI::Option* country =
      update->add_option("--country", f->country, "new ISO country code");
  CLI::Option* lat = update->add_option("--lat", f->lat, "latitude in degrees")
                         ->check(NumberIn(-90, 90, /*whole=*/false));
  CLI::Option* lon = update->add_option("--lon", f->lon, "longitude in degrees")
                         ->check(NumberIn(-180, 180, /*whole=*/false));
  CLI::Option* population =
      update->add_option("--population", f->population, kPopulationHelp)
          ->check(PopulationCheck());
  CLI::Option* seeking =
      AddListOption(update, "--seeking-themes", &f->seeking,
                    "profile: themes it seeks help on, comma-separated "
                    "(replace all)");
  CLI::Option* languages =
      AddListOption(update, "--languages", &f->languages,
                    "profile: working languages as ISO 639-1 codes, "
                    "comma-separated, each once, e.g. fr,en (replace all)");
  CLI::Option* capacity =
      update
          ->add_option("--capacity", f->capacity,
                       "profile: how many projects it can join at once (0: "
                       "not stated)")
          ->check(NumberIn(0, 1000, /*whole=*/true));
  CLI::Option* contact =
      update->add_option("--contact-organization", f->contact,
                         "profile: the organisation that speaks for it");
  update->callback([=] {
    CityEdit edit;
    if (display_name->count() > 0) edit.display_name = f->name;
    if (country->count() > 0) edit.country_code = CountryFilter(f->country);
    if (lat->count() > 0) edit.latitude = f->lat;
    if (lon->count() > 0) edit.longitude = f->lon;
    if (population->count() > 0) edit.population = f->population;
    if (seeking->count() > 0) edit.seeking_themes = ListItems(f->seeking);
    if (languages->count() > 0) {
      // Stored in lower case, as a country code is in upper case: "FR" is
      // sent as "fr" (CountryFilter's rule, the other way round).
      std::vector<std::string> codes = ListItems(f->languages);
      for (std::string& code : codes) {
        if (code.size() == 2) absl::AsciiStrToLower(&code);
      }
      edit.languages = std::move(codes);
    }
    if (capacity->count() > 0) edit.capacity = f->capacity;
    if (contact->count() > 0) edit.contact_organization = f->contact;
    if (edit.empty()) {
      choice->usage = absl::InvalidArgumentError(
          "cities update changes nothing without a flag (--name, "
          "--population, --lat, --lon, --languages, ...)");
      return;
    }
    choice->action = [name = ToResourceName("cities", f->id),
                      edit](Commands& c) { return c.UpdateCity(name, edit); };
  });
}

}  // namespace

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
                   "are in English as GeoNames writes them (Milan, Munich)")
      // The server would refuse it too, but by its field's name.
      ->check(CLI::Validator(
          [](std::string& text) -> std::string {
            const bool blank =
                !text.empty() && absl::StripAsciiWhitespace(text).empty();
            return blank ? "is blank: give part of a city's name (--name "
                           "milan), or leave the flag out"
                         : "";
          },
          ""));
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
  create->add_option("--population", f->population, kPopulationHelp)
      ->check(PopulationCheck());
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

  AddCityUpdateCommand(cities, choice);

  AddNamedCommand(cities, "delete", "Delete a city", "CITY", "cities",
                  &Commands::DeleteCity, choice);
}

}  // namespace citymatch::cli
