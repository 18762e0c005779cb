#include "tests/testing/entity_fixtures.h"

namespace citymatch::testing {

City Milano() {
  City c;
  c.id = "3173435";
  c.name = "Milano";
  c.country = "IT";
  c.lat = 45.46427;
  c.lon = 9.18951;
  c.population = 1371498;
  return c;
}

Project ArrivalCities() {
  Project p;
  p.id = "urbact-arrival";
  p.title = "Arrival Cities";
  p.programme = "URBACT II";
  p.themes = {"Migrants", "Inclusion"};
  p.members = {{"3173435", Role::kLead}, {"3169070", Role::kPartner}};
  p.start_year = 2012;
  p.end_year = 2015;
  p.status = ProjectStatus::kClosed;
  return p;
}

Practice BilbaoHealth() {
  Practice p;
  p.id = "eumia-bilbao-health";
  p.title = "Women's Health in Women's Hands";
  p.city_id = "3128026";
  p.themes = {"Health", "Migrants"};
  p.start_year = 2010;
  return p;
}

}  // namespace citymatch::testing
