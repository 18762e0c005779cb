#include "client/output.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "client/partner_client.h"
#include "google/protobuf/util/json_util.h"
#include "graph/escape_controls.h"

namespace citymatch {

namespace {

// Columns as wide as their widest cell. Widths count code points, not bytes,
// so "München" lines up with "Munich".
class Table {
 public:
  explicit Table(std::vector<std::string> header) {
    rows_.push_back(std::move(header));
  }

  void AddRow(std::vector<std::string> row) { rows_.push_back(std::move(row)); }

  // Lines printed under the last row, not aligned (reasons, components).
  void AddNote(std::string note) {
    notes_.resize(rows_.size());
    notes_.back().push_back(std::move(note));
  }

  std::string Render() const {
    std::vector<size_t> widths;
    for (const auto& row : rows_) {
      widths.resize(std::max(widths.size(), row.size()));
      for (size_t i = 0; i < row.size(); ++i) {
        widths[i] = std::max(widths[i], DisplayWidth(row[i]));
      }
    }
    std::string out;
    for (size_t r = 0; r < rows_.size(); ++r) {
      std::string line;
      for (size_t i = 0; i < rows_[r].size(); ++i) {
        const std::string& cell = rows_[r][i];
        absl::StrAppend(&line, cell);
        if (i + 1 < rows_[r].size()) {
          line.append(widths[i] - DisplayWidth(cell) + 2, ' ');
        }
      }
      absl::StrAppend(&out, line, "\n");
      if (r < notes_.size()) {
        for (const std::string& note : notes_[r]) {
          absl::StrAppend(&out, note, "\n");
        }
      }
    }
    return out;
  }

 private:
  static size_t DisplayWidth(const std::string& text) {
    // UTF-8 continuation bytes are 10xxxxxx.
    return std::count_if(text.begin(), text.end(), [](char c) {
      return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    });
  }

  std::vector<std::vector<std::string>> rows_;
  std::vector<std::vector<std::string>> notes_;  // indexed like rows_
};

std::string Years(int start, int end) {
  if (start == 0 && end == 0) return "";
  if (end == 0) return absl::StrCat(start, "-");
  if (start == 0) return absl::StrCat("-", end);
  return absl::StrCat(start, "-", end);
}

std::string Number(int64_t n) { return n == 0 ? "" : absl::StrCat(n); }

// "Next page: --page-token X" after a partial list, so a person can go on.
std::string PageFooter(const std::string& next_page_token, int shown,
                       int total) {
  std::string out;
  // An empty list says so: a bare header reads like a failed command.
  if (total > 0 || shown == 0)
    absl::StrAppend(&out, shown, " of ", total, "\n");
  if (!next_page_token.empty()) {
    absl::StrAppend(&out, "next page: --page-token ", next_page_token, "\n");
  }
  return out;
}

std::string Details(
    const std::vector<std::pair<std::string, std::string>>& fields) {
  size_t width = 0;
  for (const auto& [key, value] : fields) width = std::max(width, key.size());
  std::string out;
  for (const auto& [key, value] : fields) {
    absl::StrAppend(&out, key, ":", std::string(width - key.size() + 1, ' '),
                    value, "\n");
  }
  return out;
}

std::string RoleName(v1::TokenRole role) {
  return role == v1::TOKEN_ROLE_UNSPECIFIED ? "" : v1::TokenRole_Name(role);
}

std::string Expiry(const v1::Token& token) {
  return token.has_expire_time() ? FormatTimestamp(token.expire_time())
                                 : "never";
}

// A component that rounds to zero prints as zero: a zero feature times a
// negative weight is -0.0, and "-0.0000" reads as a penalty that is not there.
double ZeroIfNegligible(double x) { return std::abs(x) < 0.00005 ? 0.0 : x; }

}  // namespace

std::string ToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  std::string json;
  google::protobuf::util::Status status =
      google::protobuf::util::MessageToJsonString(message, &json, options);
  // Only messages with unresolvable Any fields fail; the API has none.
  if (!status.ok()) return absl::StrCat("{}\n");
  if (json.empty() || json.back() != '\n') json.push_back('\n');
  return json;
}

std::string IdOf(const std::string& resource_name) {
  const size_t slash = resource_name.find('/');
  return slash == std::string::npos ? resource_name
                                    : resource_name.substr(slash + 1);
}

std::string CitiesTable(const v1::ListCitiesResponse& response) {
  Table table({"ID", "NAME", "COUNTRY", "LAT", "LON", "POPULATION"});
  for (const v1::City& c : response.cities()) {
    table.AddRow({IdOf(c.name()), c.display_name(), c.country_code(),
                  absl::StrFormat("%.4f", c.latitude()),
                  absl::StrFormat("%.4f", c.longitude()),
                  Number(c.population())});
  }
  return table.Render() + PageFooter(response.next_page_token(),
                                     response.cities_size(),
                                     response.total_size());
}

std::string PracticesTable(const v1::ListPracticesResponse& response) {
  Table table({"ID", "TITLE", "CITY", "START", "THEMES"});
  for (const v1::Practice& p : response.practices()) {
    table.AddRow({IdOf(p.name()), p.title(), IdOf(p.city()),
                  Number(p.start_year()), absl::StrJoin(p.themes(), ", ")});
  }
  return table.Render() + PageFooter(response.next_page_token(),
                                     response.practices_size(),
                                     response.total_size());
}

std::string ProjectsTable(const v1::ListProjectsResponse& response) {
  Table table({"ID", "TITLE", "PROGRAMME", "YEARS", "MEMBERS", "THEMES"});
  for (const v1::Project& p : response.projects()) {
    table.AddRow({IdOf(p.name()), p.title(), p.programme(),
                  Years(p.start_year(), p.end_year()),
                  absl::StrCat(p.members_size()),
                  absl::StrJoin(p.themes(), ", ")});
  }
  return table.Render() + PageFooter(response.next_page_token(),
                                     response.projects_size(),
                                     response.total_size());
}

std::string ThemesTable(const v1::ListThemesResponse& response) {
  Table table({"ID", "NAME", "PROJECTS", "PRACTICES", "LABELS"});
  for (const v1::Theme& t : response.themes()) {
    table.AddRow(
        {IdOf(t.name()), t.display_name(), absl::StrCat(t.project_count()),
         absl::StrCat(t.practice_count()), absl::StrCat(t.synonyms_size())});
  }
  return table.Render();
}

std::string TwinningsTable(const v1::ListTwinningsResponse& response) {
  Table table({"CITY_A", "CITY_B"});
  for (const v1::Twinning& t : response.twinnings()) {
    table.AddRow({IdOf(t.city_a()), IdOf(t.city_b())});
  }
  return table.Render() + PageFooter(response.next_page_token(),
                                     response.twinnings_size(),
                                     response.total_size());
}

std::string CityDetails(const v1::City& city) {
  std::vector<std::pair<std::string, std::string>> fields = {
      {"name", city.name()},
      {"display_name", city.display_name()},
      {"country_code", city.country_code()},
      {"latitude", absl::StrFormat("%.5f", city.latitude())},
      {"longitude", absl::StrFormat("%.5f", city.longitude())},
      {"population", Number(city.population())},
  };
  if (city.has_profile()) {
    const v1::CityProfile& p = city.profile();
    fields.push_back(
        {"seeking_themes", absl::StrJoin(p.seeking_themes(), ", ")});
    fields.push_back({"languages", absl::StrJoin(p.languages(), ", ")});
    fields.push_back({"capacity", absl::StrCat(p.capacity())});
    fields.push_back({"contact_organization", p.contact_organization()});
  }
  fields.push_back({"etag", city.etag()});
  return Details(fields);
}

std::string PracticeDetails(const v1::Practice& practice) {
  return Details({
      {"name", practice.name()},
      {"title", practice.title()},
      {"city", practice.city()},
      {"themes", absl::StrJoin(practice.themes(), ", ")},
      {"start_year", Number(practice.start_year())},
      {"summary", practice.summary()},
      {"source_url", practice.source_url()},
      {"owner", practice.owner()},
      {"etag", practice.etag()},
  });
}

std::string ProjectDetails(const v1::Project& project) {
  std::string out = Details({
      {"name", project.name()},
      {"title", project.title()},
      {"programme", project.programme()},
      {"themes", absl::StrJoin(project.themes(), ", ")},
      {"years", Years(project.start_year(), project.end_year())},
      // Unset, as for imported projects: blank, as an unknown year is.
      {"status", project.status() == v1::PROJECT_STATUS_UNSPECIFIED
                     ? ""
                     : v1::ProjectStatus_Name(project.status())},
      {"wanted_partners", Number(project.wanted_partners())},
      {"owner", project.owner()},
      {"etag", project.etag()},
      {"members", absl::StrCat(project.members_size())},
  });
  for (const v1::Membership& m : project.members()) {
    absl::StrAppend(&out, "  ", m.city(), m.role() == v1::LEAD ? " (lead)" : "",
                    "\n");
  }
  return out;
}

std::string TwinningDetails(const v1::Twinning& twinning) {
  return Details({
      {"city_a", twinning.city_a()},
      {"city_b", twinning.city_b()},
  });
}

std::string ImportSummary(const v1::ImportDatasetResponse& response,
                          bool validate_only) {
  return absl::StrCat(
      validate_only ? "valid (nothing written): " : "imported: ",
      response.cities(), " cities, ", response.projects(), " projects, ",
      response.memberships(), " memberships, ", response.practices(),
      " practices, ", response.twinnings(), " twinnings (graph version ",
      response.graph_version(), ")\n");
}

std::string RecommendationsTable(const v1::RecommendPartnersResponse& response,
                                 bool explain) {
  if (response.not_modified()) {
    return absl::StrCat("not modified (graph version ",
                        response.graph_version(), ")\n");
  }
  Table table({"RANK", "CITY", "COUNTRY", "SCORE"});
  // The components' names in one column, as wide as the longest of the reply
  // ("programme_population_gap" is 24 characters), at least 22.
  int name_width = 22;
  for (const v1::Recommendation& r : response.recommendations()) {
    for (const v1::ScoreComponent& c : r.components()) {
      name_width = std::max(name_width, static_cast<int>(c.name().size()));
    }
  }
  int rank = 0;
  for (const v1::Recommendation& r : response.recommendations()) {
    table.AddRow({absl::StrCat(++rank),
                  absl::StrCat(r.display_name(), " (", r.city(), ")"),
                  r.country_code(), absl::StrFormat("%.4f", r.score())});
    if (explain) {
      for (const v1::ScoreComponent& c : r.components()) {
        table.AddNote(absl::StrFormat(
            "      %-*s value %10.4f  contribution %+.4f", name_width, c.name(),
            ZeroIfNegligible(c.value()), ZeroIfNegligible(c.contribution())));
      }
    }
    for (const std::string& reason : r.reasons()) {
      table.AddNote(absl::StrCat("      - ", reason));
    }
  }
  if (response.recommendations_size() == 0) {
    return absl::StrCat("no city matches (graph version ",
                        response.graph_version(), ")\n");
  }
  return table.Render();
}

std::string UnmatchedNotes(const v1::RecommendPartnersResponse& response) {
  std::string notes;
  for (const v1::UnmatchedTheme& u : response.unmatched_themes()) {
    const std::string hint =
        u.suggestion().empty() ? "see citymatch themes list"
                               : absl::StrCat("did you mean \"", u.suggestion(),
                                              "\"? see citymatch themes list");
    absl::StrAppend(&notes, "note: theme \"", u.theme(),
                    "\" matches no theme; the ranking ignores it (", hint,
                    ")\n");
  }
  if (response.has_unmatched_programme()) {
    const v1::UnmatchedProgramme& u = response.unmatched_programme();
    absl::StrAppend(
        &notes, "note: programme \"", u.programme(),
        "\" matches no programme of the graph; the ranking uses "
        "no programme history",
        u.suggestion().empty()
            ? ""
            : absl::StrCat(" (did you mean \"", u.suggestion(), "\"?)"),
        "\n");
  }
  return notes;
}

std::string ShortListNote(const v1::RecommendPartnersRequest& request,
                          const v1::RecommendPartnersResponse& response) {
  const int asked = request.page_size() == 0 ? 10 : request.page_size();
  const int got = response.recommendations_size();
  if (response.not_modified() || got >= asked) return "";
  const v1::PartnerFilter& f = request.filter();
  const bool filtered = f.countries_size() > 0 || f.min_population() > 0 ||
                        f.max_population() > 0 || f.max_distance_km() > 0 ||
                        f.exclude_cities_size() > 0;
  return absl::StrCat("note: only ", got, got == 1 ? " city" : " cities",
                      " of the ", asked, " asked for: ",
                      filtered
                          ? "no other city passes the filters"
                          : "the graph holds no other city but the members",
                      "\n");
}

std::string FormatTimestamp(const google::protobuf::Timestamp& timestamp) {
  if (timestamp.seconds() == 0 && timestamp.nanos() == 0) return "";
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ",
                          absl::FromUnixSeconds(timestamp.seconds()),
                          absl::UTCTimeZone());
}

std::string OrganizationsTable(const v1::ListOrganizationsResponse& response) {
  Table table({"ID", "NAME", "CITIES", "CREATED"});
  for (const v1::Organization& o : response.organizations()) {
    std::vector<std::string> cities;
    for (const std::string& c : o.cities()) cities.push_back(IdOf(c));
    table.AddRow({IdOf(o.name()), o.display_name(), absl::StrJoin(cities, ", "),
                  FormatTimestamp(o.create_time())});
  }
  return table.Render() + PageFooter(response.next_page_token(),
                                     response.organizations_size(), 0);
}

std::string OrganizationDetails(const v1::Organization& organization) {
  return Details({
      {"name", organization.name()},
      {"display_name", organization.display_name()},
      {"cities", absl::StrJoin(organization.cities(), ", ")},
      {"create_time", FormatTimestamp(organization.create_time())},
  });
}

std::string TokensTable(const v1::ListTokensResponse& response,
                        absl::Time now) {
  Table table(
      {"ID", "NAME", "ROLE", "ORGANIZATION", "CREATED", "EXPIRES", "STATE"});
  for (const v1::Token& t : response.tokens()) {
    std::string state = "active";
    if (t.revoked()) {
      state = "revoked";
    } else if (t.has_expire_time() &&
               absl::FromUnixSeconds(t.expire_time().seconds()) <= now) {
      state = "expired";
    }
    table.AddRow({IdOf(t.name()), t.display_name(), RoleName(t.role()),
                  IdOf(t.organization()), FormatTimestamp(t.create_time()),
                  Expiry(t), state});
  }
  return table.Render() +
         PageFooter(response.next_page_token(), response.tokens_size(), 0);
}

std::string TokenDetails(const v1::Token& token) {
  return Details({
      {"name", token.name()},
      {"display_name", token.display_name()},
      {"role", RoleName(token.role())},
      {"organization", token.organization()},
      {"create_time", FormatTimestamp(token.create_time())},
      {"expire_time", Expiry(token)},
      {"revoked", token.revoked() ? "yes" : "no"},
  });
}

std::string CreatedToken(const v1::CreateTokenResponse& response) {
  v1::Token token = response.metadata();
  // The name is the reply's own field; metadata repeats it.
  if (token.name().empty()) token.set_name(response.name());
  return absl::StrCat(
      TokenDetails(token),
      "\nThe secret below is shown only this once; the server keeps only a "
      "hash of it.\nSend it as --token or CITYMATCH_TOKEN:\n",
      response.token(), "\n");
}

std::string AuditTable(const v1::ListAuditEventsResponse& response) {
  Table table({"TIME", "TOKEN", "ROLE", "ORGANIZATION", "METHOD", "RESOURCE",
               "RESULT"});
  for (const v1::AuditEvent& e : response.events()) {
    table.AddRow({FormatTimestamp(e.time()), IdOf(e.token()),
                  RoleName(e.role()), IdOf(e.organization()), e.method(),
                  // Escaped as the server records them, for events recorded
                  // before it did.
                  EscapeControls(e.resource(), /*backslashes=*/false),
                  e.result()});
  }
  return table.Render() +
         PageFooter(response.next_page_token(), response.events_size(), 0);
}

std::string FormatError(const absl::Status& status) {
  std::string out =
      absl::StrCat("error: ", absl::StatusCodeToString(status.code()), ": ",
                   status.message(), "\n");
  const std::vector<FieldViolation> violations = FieldViolations(status);
  if (violations.size() == 1 &&
      absl::StrContains(
          status.message(),
          absl::StrCat(violations[0].field, ": ", violations[0].description))) {
    return out;
  }
  for (const FieldViolation& v : violations) {
    absl::StrAppend(&out, "  ", v.field, ": ", v.description, "\n");
  }
  return out;
}

std::string FormatLocalError(const absl::Status& status) {
  return absl::StrCat("error: ", status.message(), "\n");
}

}  // namespace citymatch
