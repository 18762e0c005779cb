// The `citymatch cities` commands: list, get, create, delete.

#include <cstdint>
#include <memory>
#include <string>

#include "CLI/CLI.hpp"
#include "client/cli_support.h"
#include "client/cli_wiring.h"
#include "client/commands.h"

namespace citymatch::cli {

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

}  // namespace citymatch::cli
