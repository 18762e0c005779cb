#include "graph/validation.h"

#include <cmath>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "graph/country_codes.h"
#include "graph/csv.h"
#include "graph/language_codes.h"

namespace citymatch {

namespace {

constexpr int kMinYear = 1900;
constexpr int kMaxYear = 2100;

void Add(std::vector<FieldViolation>* out, const std::string& prefix,
         absl::string_view field, std::string description) {
  out->push_back({absl::StrCat(prefix, field), std::move(description)});
}

void CheckTextField(absl::string_view value, size_t max_length, bool required,
                    const std::string& prefix, absl::string_view field,
                    std::vector<FieldViolation>* out) {
  std::string problem = CheckText(value, max_length, required);
  if (!problem.empty()) Add(out, prefix, field, std::move(problem));
}

void CheckYear(int year, const std::string& prefix, absl::string_view field,
               std::vector<FieldViolation>* out) {
  if (year != 0 && (year < kMinYear || year > kMaxYear)) {
    Add(out, prefix, field,
        absl::StrCat("must be 0 (unknown) or a year in ", kMinYear, "..",
                     kMaxYear, ", got ", year));
  }
}

void CheckLabels(const std::vector<std::string>& labels,
                 const std::string& prefix, absl::string_view field,
                 std::vector<FieldViolation>* out) {
  if (labels.size() > kMaxListLength) {
    Add(out, prefix, field,
        absl::StrCat("at most ", kMaxListLength, " entries, got ",
                     labels.size()));
    return;
  }
  for (size_t i = 0; i < labels.size(); ++i) {
    CheckTextField(labels[i], kMaxLabelLength, /*required=*/true, prefix,
                   absl::StrCat(field, "[", i, "]"), out);
    // The interchange format separates labels with '|'.
    if (labels[i].find('|') != std::string::npos) {
      Add(out, prefix, absl::StrCat(field, "[", i, "]"),
          "must not contain '|'");
    }
  }
}

// ISO 639-1 codes in lower case, as country codes are stored in upper case,
// each listed once.
void CheckLanguages(const std::vector<std::string>& codes,
                    const std::string& prefix,
                    std::vector<FieldViolation>* out) {
  if (codes.size() > kMaxListLength) {
    Add(out, prefix, "profile.languages",
        absl::StrCat("at most ", kMaxListLength, " entries, got ",
                     codes.size()));
    return;
  }
  absl::flat_hash_map<std::string, size_t> first;
  for (size_t i = 0; i < codes.size(); ++i) {
    const std::string field = absl::StrCat("profile.languages[", i, "]");
    const std::string& code = codes[i];
    if (!IsIsoLanguageCode(code)) {
      const std::string lower = absl::AsciiStrToLower(code);
      Add(out, prefix, field,
          absl::StrCat("\"", IsValidUtf8(code) ? code : "(not UTF-8)",
                       "\" is not an ISO 639-1 language code in lower case",
                       IsIsoLanguageCode(lower)
                           ? absl::StrCat(" (\"", lower, "\")")
                           : std::string(" such as \"en\"")));
      continue;
    }
    auto [it, inserted] = first.try_emplace(code, i);
    if (!inserted) {
      Add(out, prefix, field,
          absl::StrCat("\"", code,
                       "\" is listed twice (also profile.languages[",
                       it->second, "])"));
    }
  }
}

void CheckReference(const std::string& id, const std::string& prefix,
                    absl::string_view field, absl::string_view kind,
                    std::vector<FieldViolation>* out) {
  if (!IsValidId(id)) {
    // Said after the field's name, as CheckText says it: "city is required".
    Add(out, prefix, field,
        id.empty() ? std::string("is required")
                   : absl::StrCat("\"", id, "\" is not a valid ", kind,
                                  " id ([a-z0-9][a-z0-9-]{0,62})"));
  }
}

// The EU writes UK and EL for the United Kingdom and Greece, and so does
// data taken from it; ISO says GB and GR. Named where such a code is refused.
std::string CountryHint(absl::string_view code) {
  const std::string upper = absl::AsciiStrToUpper(code);
  if (upper == "UK") return " (the United Kingdom is GB)";
  if (upper == "EL") return " (Greece is GR)";
  return "";
}

}  // namespace

std::string CheckText(absl::string_view text, size_t max_length,
                      bool required) {
  if (text.empty()) return required ? "is required" : "";
  if (text.size() > max_length) {
    return absl::StrCat("is ", text.size(), " bytes long; at most ", max_length,
                        " are allowed");
  }
  if (!IsValidUtf8(text)) return "is not valid UTF-8";
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7F) return "contains a control character";
  }
  if (text.find_first_not_of(' ') == absl::string_view::npos) {
    return "is blank";
  }
  return "";
}

void ValidateCity(const City& c, const std::string& prefix,
                  std::vector<FieldViolation>* out) {
  CheckTextField(c.name, kMaxNameLength, true, prefix, "display_name", out);
  if (!IsIsoCountryCode(c.country)) {
    Add(out, prefix, "country_code",
        absl::StrCat("\"", c.country,
                     "\" is not an ISO 3166-1 alpha-2 code in upper case",
                     CountryHint(c.country)));
  }
  if (!std::isfinite(c.lat) || c.lat < -90 || c.lat > 90) {
    Add(out, prefix, "latitude", "must be a number in -90..90");
  }
  if (!std::isfinite(c.lon) || c.lon < -180 || c.lon > 180) {
    Add(out, prefix, "longitude", "must be a number in -180..180");
  }
  if (c.population < 0) {
    Add(out, prefix, "population", "must not be negative");
  } else if (c.population > kMaxPopulation) {
    Add(out, prefix, "population",
        absl::StrCat(PopulationRange(), ", got ", c.population));
  }
  CheckLabels(c.profile.seeking_themes, prefix, "profile.seeking_themes", out);
  CheckLanguages(c.profile.languages, prefix, out);
  if (c.profile.capacity < 0 || c.profile.capacity > 1000) {
    Add(out, prefix, "profile.capacity", "must be in 0..1000");
  }
  CheckTextField(c.profile.contact_organization, kMaxNameLength, false, prefix,
                 "profile.contact_organization", out);
}

void ValidateProject(const Project& p, const std::string& prefix,
                     std::vector<FieldViolation>* out) {
  CheckTextField(p.title, kMaxTitleLength, true, prefix, "title", out);
  CheckTextField(p.programme, kMaxNameLength, false, prefix, "programme", out);
  CheckLabels(p.themes, prefix, "themes", out);
  CheckYear(p.start_year, prefix, "start_year", out);
  CheckYear(p.end_year, prefix, "end_year", out);
  if (p.start_year != 0 && p.end_year != 0 && p.end_year < p.start_year) {
    Add(out, prefix, "end_year", "must not be before start_year");
  }
  if (p.members.size() > kMaxListLength) {
    Add(out, prefix, "members",
        absl::StrCat("at most ", kMaxListLength, " members"));
  } else {
    absl::flat_hash_set<std::string> seen;
    for (size_t i = 0; i < p.members.size(); ++i) {
      const std::string field = absl::StrCat("members[", i, "].city");
      CheckReference(p.members[i].city_id, prefix, field, "city", out);
      if (!seen.insert(p.members[i].city_id).second) {
        Add(out, prefix, field,
            absl::StrCat("city ", p.members[i].city_id, " is listed twice"));
      }
    }
  }
  if (p.wanted_partners < 0 || p.wanted_partners > kMaxListLength) {
    Add(out, prefix, "wanted_partners",
        absl::StrCat("must be in 0..", kMaxListLength));
  }
  const ConsortiumRules& r = p.rules;
  if (r.min_countries < 0 || r.min_eu_member_states < 0 ||
      r.max_per_country < 0 || r.min_countries > kMaxListLength ||
      r.min_eu_member_states > kMaxListLength ||
      r.max_per_country > kMaxListLength) {
    Add(out, prefix, "rules",
        absl::StrCat("every rule must be in 0..", kMaxListLength));
  }
  if (!p.owner.empty() && !IsValidId(p.owner)) {
    Add(out, prefix, "owner", "is not a valid organization id");
  }
}

void ValidatePractice(const Practice& p, const std::string& prefix,
                      std::vector<FieldViolation>* out) {
  CheckTextField(p.title, kMaxTitleLength, true, prefix, "title", out);
  CheckReference(p.city_id, prefix, "city", "city", out);
  CheckLabels(p.themes, prefix, "themes", out);
  CheckYear(p.start_year, prefix, "start_year", out);
  CheckTextField(p.summary, kMaxTextLength, false, prefix, "summary", out);
  CheckTextField(p.source_url, kMaxTextLength, false, prefix, "source_url",
                 out);
  if (!p.owner.empty() && !IsValidId(p.owner)) {
    Add(out, prefix, "owner", "is not a valid organization id");
  }
}

std::string PopulationRange() {
  return absl::StrCat("must be in 0..", kMaxPopulation,
                      " (no city has 100 million inhabitants)");
}

std::string CheckCountryFilter(absl::string_view code) {
  if (IsIsoCountryCode(absl::AsciiStrToUpper(code))) return "";
  return absl::StrCat(
      "\"", code, "\" is not an ISO 3166-1 alpha-2 country code",
      CountryHint(code), "; expected a two-letter code such as IT");
}

}  // namespace citymatch
