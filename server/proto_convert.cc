#include "server/proto_convert.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "server/resource_names.h"

namespace citymatch {

namespace {

std::vector<std::string> ToVector(
    const google::protobuf::RepeatedPtrField<std::string>& items) {
  return {items.begin(), items.end()};
}

// Names, titles, programmes and theme labels are stored without surrounding
// blanks, as an import reads them from a CSV cell: otherwise an export
// imported back would rename what the API wrote (" Lyon" -> "Lyon"). Blank
// text stays as it came, for validation to refuse as blank.
std::string Trimmed(absl::string_view text) {
  const absl::string_view trimmed = absl::StripAsciiWhitespace(text);
  return std::string(trimmed.empty() ? text : trimmed);
}

std::vector<std::string> TrimmedLabels(
    const google::protobuf::RepeatedPtrField<std::string>& labels) {
  std::vector<std::string> out;
  out.reserve(labels.size());
  for (const std::string& label : labels) out.push_back(Trimmed(label));
  return out;
}

// The id of a "cities/{id}" reference, or "" with a violation.
std::string CityRef(const std::string& name, const std::string& field,
                    std::vector<FieldViolation>* violations) {
  std::string id = ParseResourceName(kCities, name);
  if (id.empty()) {
    violations->push_back(
        {field, name.empty() ? "a city is required" : NotACityMessage(name)});
  }
  return id;
}

}  // namespace

v1::City ToProto(const City& c) {
  v1::City out;
  out.set_name(ResourceName(kCities, c.id));
  out.set_display_name(c.name);
  out.set_country_code(c.country);
  out.set_latitude(c.lat);
  out.set_longitude(c.lon);
  out.set_population(c.population);
  if (!(c.profile == CityProfile())) {
    v1::CityProfile* p = out.mutable_profile();
    for (const std::string& t : c.profile.seeking_themes) {
      p->add_seeking_themes(t);
    }
    for (const std::string& l : c.profile.languages) p->add_languages(l);
    p->set_capacity(c.profile.capacity);
    p->set_contact_organization(c.profile.contact_organization);
  }
  out.set_etag(Etag(c));
  return out;
}

v1::Project ToProto(const Project& p) {
  v1::Project out;
  out.set_name(ResourceName(kProjects, p.id));
  out.set_title(p.title);
  out.set_programme(p.programme);
  for (const std::string& t : p.themes) out.add_themes(t);
  for (const Membership& m : p.members) {
    v1::Membership* member = out.add_members();
    member->set_city(ResourceName(kCities, m.city_id));
    member->set_role(m.role == Role::kLead ? v1::LEAD : v1::PARTNER);
  }
  out.set_start_year(p.start_year);
  out.set_end_year(p.end_year);
  out.set_status(static_cast<v1::ProjectStatus>(p.status));
  if (!p.owner.empty()) {
    out.set_owner(ResourceName(kOrganizations, p.owner));
  }
  out.set_wanted_partners(p.wanted_partners);
  if (!(p.rules == ConsortiumRules())) {
    v1::ConsortiumRules* rules = out.mutable_rules();
    rules->set_min_countries(p.rules.min_countries);
    rules->set_min_eu_member_states(p.rules.min_eu_member_states);
    rules->set_max_per_country(p.rules.max_per_country);
  }
  out.set_etag(Etag(p));
  return out;
}

v1::Practice ToProto(const Practice& p) {
  v1::Practice out;
  out.set_name(ResourceName(kPractices, p.id));
  out.set_title(p.title);
  out.set_city(ResourceName(kCities, p.city_id));
  for (const std::string& t : p.themes) out.add_themes(t);
  out.set_start_year(p.start_year);
  out.set_summary(p.summary);
  out.set_source_url(p.source_url);
  if (!p.owner.empty()) {
    out.set_owner(ResourceName(kOrganizations, p.owner));
  }
  out.set_etag(Etag(p));
  return out;
}

v1::Twinning ToProto(const Twinning& t) {
  v1::Twinning out;
  out.set_city_a(ResourceName(kCities, t.city_a));
  out.set_city_b(ResourceName(kCities, t.city_b));
  return out;
}

v1::Recommendation ToProto(const Recommendation& r,
                           const GraphSnapshot& graph) {
  v1::Recommendation out;
  out.set_city(ResourceName(kCities, r.city_id));
  if (const City* city = graph.FindCity(r.city_id)) {
    out.set_display_name(city->name);
    out.set_country_code(city->country);
  }
  out.set_score(r.score);
  for (const ScoreComponent& c : r.components) {
    v1::ScoreComponent* component = out.add_components();
    component->set_name(c.name);
    component->set_value(c.value);
    component->set_contribution(c.contribution);
  }
  for (const std::string& reason : r.reasons) out.add_reasons(reason);
  return out;
}

City FromProto(const v1::City& in, std::string id, const std::string& prefix,
               std::vector<FieldViolation>* violations) {
  City c;
  c.id = std::move(id);
  c.name = Trimmed(in.display_name());
  c.country = in.country_code();
  c.lat = in.latitude();
  c.lon = in.longitude();
  c.population = in.population();
  c.profile.seeking_themes = TrimmedLabels(in.profile().seeking_themes());
  c.profile.languages = ToVector(in.profile().languages());
  c.profile.capacity = in.profile().capacity();
  c.profile.contact_organization = in.profile().contact_organization();
  ValidateCity(c, prefix, violations);
  return c;
}

namespace {

// "organizations/{id}" to the id; "" stays "".
std::string OwnerRef(const std::string& owner, const std::string& field,
                     std::vector<FieldViolation>* violations) {
  if (owner.empty()) return "";
  std::string id = ParseResourceName(kOrganizations, owner);
  if (id.empty()) {
    violations->push_back({field, absl::StrCat("\"", owner,
                                               "\" is not an organization name "
                                               "(organizations/{id})")});
  }
  return id;
}

}  // namespace

Project FromProto(const v1::Project& in, std::string id,
                  const std::string& prefix,
                  std::vector<FieldViolation>* violations) {
  Project p;
  p.id = std::move(id);
  p.title = Trimmed(in.title());
  p.programme = Trimmed(in.programme());
  p.themes = TrimmedLabels(in.themes());
  for (int i = 0; i < in.members_size(); ++i) {
    const v1::Membership& m = in.members(i);
    const std::string field = absl::StrCat(prefix, "members[", i, "]");
    Membership member;
    member.city_id = CityRef(m.city(), field + ".city", violations);
    switch (m.role()) {
      case v1::LEAD:
        member.role = Role::kLead;
        break;
      case v1::PARTNER:
      case v1::ROLE_UNSPECIFIED:
        member.role = Role::kPartner;
        break;
      default:
        violations->push_back({field + ".role", "must be LEAD or PARTNER"});
    }
    // An unparsable city was reported above. The member keeps its place
    // (with an empty id) so that later violations name the index the client
    // wrote; the request is refused anyway.
    p.members.push_back(std::move(member));
  }
  p.start_year = in.start_year();
  p.end_year = in.end_year();
  if (!v1::ProjectStatus_IsValid(in.status())) {
    violations->push_back({prefix + "status", "is not a known status"});
  } else {
    p.status = static_cast<ProjectStatus>(in.status());
  }
  p.owner = OwnerRef(in.owner(), prefix + "owner", violations);
  p.wanted_partners = in.wanted_partners();
  p.rules.min_countries = in.rules().min_countries();
  p.rules.min_eu_member_states = in.rules().min_eu_member_states();
  p.rules.max_per_country = in.rules().max_per_country();
  const size_t reported = violations->size();
  ValidateProject(p, prefix, violations);
  // A member whose city did not parse was reported above already.
  violations->erase(
      std::remove_if(violations->begin() + reported, violations->end(),
                     [&](const FieldViolation& v) {
                       for (size_t i = 0; i < p.members.size(); ++i) {
                         if (p.members[i].city_id.empty() &&
                             v.field == absl::StrCat(prefix, "members[", i,
                                                     "].city")) {
                           return true;
                         }
                       }
                       return false;
                     }),
      violations->end());
  return p;
}

Practice FromProto(const v1::Practice& in, std::string id,
                   const std::string& prefix,
                   std::vector<FieldViolation>* violations) {
  Practice p;
  p.id = std::move(id);
  p.title = Trimmed(in.title());
  p.city_id = CityRef(in.city(), prefix + "city", violations);
  p.themes = TrimmedLabels(in.themes());
  p.start_year = in.start_year();
  p.summary = in.summary();
  p.source_url = in.source_url();
  p.owner = OwnerRef(in.owner(), prefix + "owner", violations);
  const size_t reported = violations->size();
  ValidatePractice(p, prefix, violations);
  // The city reference was reported above already if it did not parse.
  if (p.city_id.empty()) {
    violations->erase(
        std::remove_if(violations->begin() + reported, violations->end(),
                       [&](const FieldViolation& v) {
                         return v.field == prefix + "city";
                       }),
        violations->end());
  }
  return p;
}

}  // namespace citymatch
