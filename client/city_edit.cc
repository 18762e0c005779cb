#include "client/city_edit.h"

namespace citymatch {

std::vector<std::string> ApplyCityEdit(const CityEdit& edit, v1::City* city) {
  std::vector<std::string> paths;
  if (edit.display_name) {
    city->set_display_name(*edit.display_name);
    paths.push_back("display_name");
  }
  if (edit.country_code) {
    city->set_country_code(*edit.country_code);
    paths.push_back("country_code");
  }
  if (edit.latitude) {
    city->set_latitude(*edit.latitude);
    paths.push_back("latitude");
  }
  if (edit.longitude) {
    city->set_longitude(*edit.longitude);
    paths.push_back("longitude");
  }
  if (edit.population) {
    city->set_population(*edit.population);
    paths.push_back("population");
  }
  if (edit.seeking_themes) {
    v1::CityProfile* profile = city->mutable_profile();
    profile->clear_seeking_themes();
    for (const std::string& t : *edit.seeking_themes) {
      profile->add_seeking_themes(t);
    }
    paths.push_back("profile.seeking_themes");
  }
  if (edit.languages) {
    v1::CityProfile* profile = city->mutable_profile();
    profile->clear_languages();
    for (const std::string& l : *edit.languages) profile->add_languages(l);
    paths.push_back("profile.languages");
  }
  if (edit.capacity) {
    city->mutable_profile()->set_capacity(*edit.capacity);
    paths.push_back("profile.capacity");
  }
  if (edit.contact_organization) {
    city->mutable_profile()->set_contact_organization(
        *edit.contact_organization);
    paths.push_back("profile.contact_organization");
  }
  return paths;
}

}  // namespace citymatch
