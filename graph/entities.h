// The entities of the cooperation graph: cities, projects with their member
// cities, practices and twinnings. Plain values, one family, as leveldb's
// dbformat.h keeps its small structs together.
//
// Ids are the bare ids ("3173435"), never resource names ("cities/3173435"):
// resource names belong to the API layer.
#ifndef CITYMATCH_GRAPH_ENTITIES_H_
#define CITYMATCH_GRAPH_ENTITIES_H_

#include <cstdint>
#include <string>
#include <vector>

namespace citymatch {

// What a city brings to and seeks from cooperation.
struct CityProfile {
  std::vector<std::string> seeking_themes;
  std::vector<std::string> languages;  // ISO 639-1
  int capacity = 0;                    // projects at once; 0 = not stated
  std::string contact_organization;

  bool operator==(const CityProfile& other) const;
};

struct City {
  std::string id;
  std::string name;
  std::string country;  // ISO 3166-1 alpha-2, upper case
  double lat = 0;
  double lon = 0;
  int64_t population = 0;  // 0 = unknown
  CityProfile profile;

  bool operator==(const City& other) const;
};

enum class Role { kPartner = 0, kLead = 1 };

struct Membership {
  std::string city_id;
  Role role = Role::kPartner;

  bool operator==(const Membership& other) const;
};

// Values match citymatch.v1.ProjectStatus.
enum class ProjectStatus {
  kUnspecified = 0,
  kProposal = 1,
  kOpen = 2,
  kRunning = 3,
  kClosed = 4
};

// Rules a programme imposes on a consortium; 0 means no rule.
struct ConsortiumRules {
  int min_countries = 0;
  int min_eu_member_states = 0;
  int max_per_country = 0;

  bool operator==(const ConsortiumRules& other) const;
};

struct Project {
  std::string id;
  std::string title;
  std::string programme;
  std::vector<std::string> themes;  // the programme's own labels
  std::vector<Membership> members;  // each city at most once
  int start_year = 0;
  int end_year = 0;
  ProjectStatus status = ProjectStatus::kUnspecified;
  std::string owner;  // organisation id; empty for reference data
  int wanted_partners = 0;
  ConsortiumRules rules;

  bool operator==(const Project& other) const;
};

struct Practice {
  std::string id;
  std::string title;
  std::string city_id;
  std::vector<std::string> themes;
  int start_year = 0;
  std::string summary;
  std::string source_url;
  std::string owner;

  bool operator==(const Practice& other) const;
};

// An undirected tie; kept normalised with city_a < city_b.
struct Twinning {
  std::string city_a;
  std::string city_b;

  // Returns the pair ordered so that city_a < city_b.
  static Twinning Normalized(std::string a, std::string b);
  bool operator==(const Twinning& other) const;
  bool operator<(const Twinning& other) const;
};

// The kinds of entity, for preconditions and error messages.
enum class EntityKind { kCity, kProject, kPractice, kTwinning };

// "city", "project", ...
const char* EntityKindName(EntityKind kind);

// Opaque content hashes: equal content gives equal etags across restarts,
// any change of a field gives a new one.
std::string Etag(const City& city);
std::string Etag(const Project& project);
std::string Etag(const Practice& practice);

// True if `id` matches [a-z0-9][a-z0-9-]{0,62}.
bool IsValidId(const std::string& id);

}  // namespace citymatch

#endif  // CITYMATCH_GRAPH_ENTITIES_H_
