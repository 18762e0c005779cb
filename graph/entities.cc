#include "graph/entities.h"

#include <tuple>

#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace citymatch {

bool CityProfile::operator==(const CityProfile& o) const {
  return std::tie(seeking_themes, languages, capacity, contact_organization) ==
         std::tie(o.seeking_themes, o.languages, o.capacity,
                  o.contact_organization);
}

bool City::operator==(const City& o) const {
  return std::tie(id, name, country, lat, lon, population, profile) ==
         std::tie(o.id, o.name, o.country, o.lat, o.lon, o.population,
                  o.profile);
}

bool Membership::operator==(const Membership& o) const {
  return city_id == o.city_id && role == o.role;
}

bool ConsortiumRules::operator==(const ConsortiumRules& o) const {
  return std::tie(min_countries, min_eu_member_states, max_per_country) ==
         std::tie(o.min_countries, o.min_eu_member_states, o.max_per_country);
}

bool Project::operator==(const Project& o) const {
  return std::tie(id, title, programme, themes, members, start_year, end_year,
                  status, owner, wanted_partners, rules) ==
         std::tie(o.id, o.title, o.programme, o.themes, o.members, o.start_year,
                  o.end_year, o.status, o.owner, o.wanted_partners, o.rules);
}

bool Practice::operator==(const Practice& o) const {
  return std::tie(id, title, city_id, themes, start_year, summary, source_url,
                  owner) == std::tie(o.id, o.title, o.city_id, o.themes,
                                     o.start_year, o.summary, o.source_url,
                                     o.owner);
}

Twinning Twinning::Normalized(std::string a, std::string b) {
  if (b < a) std::swap(a, b);
  return Twinning{std::move(a), std::move(b)};
}

bool Twinning::operator==(const Twinning& o) const {
  return city_a == o.city_a && city_b == o.city_b;
}

bool Twinning::operator<(const Twinning& o) const {
  return std::tie(city_a, city_b) < std::tie(o.city_a, o.city_b);
}

const char* EntityKindName(EntityKind kind) {
  switch (kind) {
    case EntityKind::kCity:
      return "city";
    case EntityKind::kProject:
      return "project";
    case EntityKind::kPractice:
      return "practice";
    case EntityKind::kTwinning:
      return "twinning";
  }
  return "entity";
}

namespace {

// absl::Hash is randomised per process, so etags use FNV-1a over a
// canonical text: stable across restarts and replicas.
std::string Fnv1a(const std::string& text) {
  uint64_t hash = 1469598103934665603ull;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return absl::StrFormat("%016x", hash);
}

// \x1f (unit separator) cannot occur in validated text fields.
constexpr char kSep[] = "\x1f";

}  // namespace

std::string Etag(const City& c) {
  return Fnv1a(absl::StrCat(
      c.id, kSep, c.name, kSep, c.country, kSep, absl::StrFormat("%.7f", c.lat),
      kSep, absl::StrFormat("%.7f", c.lon), kSep, c.population, kSep,
      absl::StrJoin(c.profile.seeking_themes, "|"), kSep,
      absl::StrJoin(c.profile.languages, "|"), kSep, c.profile.capacity, kSep,
      c.profile.contact_organization));
}

std::string Etag(const Project& p) {
  std::string members;
  for (const Membership& m : p.members) {
    absl::StrAppend(&members, m.city_id, ":", static_cast<int>(m.role), "|");
  }
  return Fnv1a(absl::StrCat(
      p.id, kSep, p.title, kSep, p.programme, kSep,
      absl::StrJoin(p.themes, "|"), kSep, members, kSep, p.start_year, kSep,
      p.end_year, kSep, static_cast<int>(p.status), kSep, p.owner, kSep,
      p.wanted_partners, kSep, p.rules.min_countries, kSep,
      p.rules.min_eu_member_states, kSep, p.rules.max_per_country));
}

std::string Etag(const Practice& p) {
  return Fnv1a(absl::StrCat(
      p.id, kSep, p.title, kSep, p.city_id, kSep, absl::StrJoin(p.themes, "|"),
      kSep, p.start_year, kSep, p.summary, kSep, p.source_url, kSep, p.owner));
}

bool IsValidId(const std::string& id) {
  if (id.empty() || id.size() > 63) return false;
  for (size_t i = 0; i < id.size(); ++i) {
    const char c = id[i];
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && !(i > 0 && c == '-')) return false;
  }
  return true;
}

}  // namespace citymatch
