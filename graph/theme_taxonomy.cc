#include "graph/theme_taxonomy.h"

#include <algorithm>
#include <cstdlib>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "graph/edit_distance.h"

namespace citymatch {

namespace {

// Whether `label` holds `keyword`; a short one only where a word starts.
bool ContainsKeyword(absl::string_view label, absl::string_view keyword) {
  if (keyword.size() > 3) return absl::StrContains(label, keyword);
  for (size_t at = label.find(keyword); at != absl::string_view::npos;
       at = label.find(keyword, at + 1)) {
    if (at == 0 || !absl::ascii_isalnum(label[at - 1])) return true;
  }
  return false;
}

// The taxonomy: every one of the 88 labels of the shipped URBACT and Interreg
// data maps onto at least one theme (tests/ranking/theme_labels_test.cc
// checks each). A label that straddles two themes is a synonym of both
// ("Social Economy" is economy and inclusion, "Urban-rural" rural and urban
// development), so it meets either. Migration and inclusion are kept apart
// because a city that seeks help integrating migrants is not served by any
// inclusion project; the keywords follow the inclusion/migration subset of the
// evaluation.
std::vector<ThemeDefinition> DefaultThemes() {
  return {
      {"culture-heritage",
       "Culture and heritage",
       {"Cultural heritage and arts", "Culture & Heritage", "Culture"},
       {"heritage", "cultur"}},
      {"economy",
       "Local economy and entrepreneurship",
       {"SME and entrepreneurship", "Entrepreneurship & SMEs",
        "Clustering and economic cooperation", "Economy", "Local Economy",
        "Local Economic Development", "Social Economy",
        "New products and services", "Financial Engineering",
        "Circular Economy", "Procurement", "City Branding",
        "Integrated Urban Development / Economy"},
       {"econom", "entrepreneur", "sme"}},
      {"education",
       "Education, training and youth",
       {"Education and training", "Education", "Youth"},
       {"educat", "training", "school", "youth"}},
      {"employment",
       "Jobs, skills and the labour market",
       {"Labour market and employment", "Jobs and skills", "Employment"},
       {"employ", "labour", "jobs"}},
      {"energy-climate",
       "Energy and climate",
       {"Energy efficiency", "Renewable energy", "Green technologies",
        "Carbon Neutrality", "Climate change and biodiversity",
        "Climate Adaptation", "Traditional energy", "Low carbon",
        "Construction and renovation"},
       {"energy", "climate", "carbon"}},
      {"environment",
       "Environment and natural resources",
       {"Sustainable management of natural resources", "Environment",
        "Waste and pollution", "Water management", "Soil and air quality",
        "Waste", "Coastal management and maritime issues", "Waterways",
        "Air quality"},
       {"environment", "waste", "water", "pollution", "biodiversity",
        "maritime", "coastal"}},
      {"governance",
       "Governance and cooperation",
       {"Institutional cooperation and cooperation networks", "Governance",
        "Evaluation systems and results", "Participation", "partnership",
        "Governance, partnership", "Strategic Planning", "City management",
        "Capacity Building", "Cross-border Cooperation"},
       {"governance", "institutional", "participat", "capacity building"}},
      {"health",
       "Health, social services and ageing",
       {"Health and social services", "Health", "Ageing"},
       {"health", "ageing", "social services"}},
      {"housing", "Housing", {"Housing"}, {"housing", "homeless"}},
      {"inclusion",
       "Social inclusion and equal opportunities",
       {"Social inclusion and equal opportunities", "Inclusion", "Poverty",
        "Roma", "Minorities", "Community integration and common identity",
        "Anti-discrimination", "Gender", "Families", "Social Economy",
        "Social Innovation"},
       {"inclusion", "poverty", "roma", "minorit", "equal opportunities",
        "community integration", "discrimination"}},
      {"innovation",
       "Research, innovation and digital",
       {"Knowledge and technology transfer",
        "Innovation capacity and awareness-raising", "Research & Innovation",
        "Scientific cooperation", "ICT and digital society",
        "Digital Transition", "Social Innovation"},
       {"innovation", "research", "digital", "technolog", "ict"}},
      {"migration",
       "Migration and integration of migrants",
       {"Migrants", "Demographic change and immigration",
        "Integration of migrants", "Refugees", "Asylum"},
       {"migra", "immigra", "refugee", "asylum", "integration"}},
      {"rural",
       "Rural development, agriculture and food",
       {"Rural and peripheral development",
        "Agriculture and fisheries and forestry", "Food", "Urban-rural"},
       {"rural", "agricultur", "food", "fisher", "forest"}},
      {"safety",
       "Safety and risk prevention",
       {"Managing natural and man-made threats",
        "Cooperation between emergency services", "Safety"},
       {"safety", "threat", "emergency", "risk"}},
      {"tourism", "Tourism", {"Tourism"}, {"touris"}},
      {"transport",
       "Transport and mobility",
       {"Improving transport connections", "Transport and mobility", "Mobility",
        "Multimodal transport", "Logistics and freight transport",
        "Infrastructure"},
       {"transport", "mobility", "logistic"}},
      {"urban-development",
       "Urban development and planning",
       {"Urban development", "Integrated Urban Development",
        "Physical Urban Development", "Urban Renewal", "Urban Regeneration",
        "Urban Planning", "City Planning", "Priority Neighbourhoods",
        "Disadvantaged neighbourhoods", "Abandoned Spaces", "City Branding",
        "Regional planning and development", "Urban-rural",
        "Integrated Urban Development / Economy"},
       {"urban", "neighbourhood", "planning", "regenerat"}},
  };
}

}  // namespace

std::string NormalizeLabel(absl::string_view label) {
  std::string out;
  for (absl::string_view word :
       absl::StrSplit(label, absl::ByAnyChar(" \t\r\n"), absl::SkipEmpty())) {
    if (!out.empty()) out.push_back(' ');
    out.append(word.data(), word.size());
  }
  out.erase(std::remove(out.begin(), out.end(), '"'), out.end());
  absl::AsciiStrToLower(&out);
  return std::string(absl::StripAsciiWhitespace(out));
}

ThemeTaxonomy::ThemeTaxonomy(std::vector<ThemeDefinition> themes)
    : themes_(std::move(themes)) {
  std::sort(themes_.begin(), themes_.end(),
            [](const ThemeDefinition& a, const ThemeDefinition& b) {
              return a.id < b.id;
            });
  for (int i = 0; i < static_cast<int>(themes_.size()); ++i) {
    const ThemeDefinition& theme = themes_[i];
    std::vector<std::string> labels = theme.synonyms;
    labels.push_back(theme.id);
    labels.push_back(theme.display_name);
    for (const std::string& label : labels) {
      std::string normalized = NormalizeLabel(label);
      std::vector<int>& ids = exact_[normalized];
      if (std::find(ids.begin(), ids.end(), i) == ids.end()) {
        ids.push_back(i);
        names_.emplace_back(std::move(normalized), i);
      }
    }
  }
}

const ThemeTaxonomy& ThemeTaxonomy::Default() {
  static const ThemeTaxonomy* const kDefault =
      new ThemeTaxonomy(DefaultThemes());
  return *kDefault;
}

std::vector<std::string> ThemeTaxonomy::Resolve(absl::string_view label) const {
  const std::string normalized = NormalizeLabel(label);
  std::vector<int> matches;
  if (auto it = exact_.find(normalized); it != exact_.end()) {
    matches = it->second;
  } else {
    for (int i = 0; i < static_cast<int>(themes_.size()); ++i) {
      for (const std::string& keyword : themes_[i].keywords) {
        if (ContainsKeyword(normalized, keyword)) {
          matches.push_back(i);
          break;
        }
      }
    }
  }
  std::sort(matches.begin(), matches.end());
  std::vector<std::string> ids;
  for (int i : matches) ids.push_back(themes_[i].id);
  return ids;
}

bool ThemeTaxonomy::Defines(absl::string_view label) const {
  return exact_.contains(NormalizeLabel(label));
}

std::string ThemeTaxonomy::Suggest(
    absl::string_view label,
    const std::vector<std::string>& extra_labels) const {
  const std::string normalized = NormalizeLabel(label);
  if (normalized.empty()) return "";
  // About one edit in four characters: "hosing" may mean "housing", but two
  // short words two edits apart ("road", "food") are different words.
  const int limit = std::clamp(static_cast<int>(normalized.size()) / 4, 1, 3);
  std::string best;
  int best_distance = limit + 1;
  for (const auto& [name, theme] : names_) {
    const int d = EditDistance(normalized, name, best_distance - 1);
    if (d < best_distance) {
      best_distance = d;
      best = themes_[theme].id;
    }
  }
  for (const std::string& extra : extra_labels) {
    const int d =
        EditDistance(normalized, NormalizeLabel(extra), best_distance - 1);
    if (d < best_distance) {
      best_distance = d;
      best = extra;
    }
  }
  return best;
}

const ThemeDefinition* ThemeTaxonomy::Find(absl::string_view id) const {
  auto it = std::lower_bound(
      themes_.begin(), themes_.end(), id,
      [](const ThemeDefinition& t, absl::string_view v) { return t.id < v; });
  if (it == themes_.end() || it->id != id) return nullptr;
  return &*it;
}

}  // namespace citymatch
