// A ThemeTaxonomy maps the labels programmes use ("Migrants", "Demographic
// change and immigration", "Social inclusion and equal opportunities") onto a
// small set of citymatch themes, so that queries, projects and practices that
// say the same thing in different words meet.
//
// Thread-safe: immutable after construction.
#ifndef CITYMATCH_GRAPH_THEME_TAXONOMY_H_
#define CITYMATCH_GRAPH_THEME_TAXONOMY_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"

namespace citymatch {

struct ThemeDefinition {
  std::string id;            // "migration"
  std::string display_name;  // "Migration and integration of migrants"
  // Labels that mean this theme, compared after NormalizeLabel().
  std::vector<std::string> synonyms;
  // Lower-case fragments: a label containing one maps to this theme too
  // ("immigra" catches "Immigration" and "Integration of immigrants"). A
  // fragment of three letters or fewer (an acronym: "sme", "ict") counts
  // only at the start of a word, so "ict" is not found in "district".
  std::vector<std::string> keywords;
};

class ThemeTaxonomy {
 public:
  explicit ThemeTaxonomy(std::vector<ThemeDefinition> themes);

  // The taxonomy citymatch ships (see theme_taxonomy.cc).
  static const ThemeTaxonomy& Default();

  // The theme ids a label maps to, in taxonomy order; a theme id or display
  // name maps to itself. Empty for a label the taxonomy does not know.
  std::vector<std::string> Resolve(absl::string_view label) const;

  // True if `label` is a theme id, display name or synonym (after
  // NormalizeLabel()). A label that Resolve() places only by a keyword is not:
  // keywords are a wide net for other networks' vocabularies ("migratoin"
  // contains "migra"), not a dictionary.
  bool Defines(absl::string_view label) const;

  // For "did you mean": the id of the theme whose id, display name or synonym
  // is nearest to `label`, else the nearest of `extra_labels` as given, if it
  // is at most max(1, min(3, length / 4)) edits away (a transposition of two
  // adjacent characters is one edit; compared after NormalizeLabel()). Ties go
  // to the taxonomy, in id order, then to the earlier extra label. "" if
  // nothing is that near.
  std::string Suggest(absl::string_view label,
                      const std::vector<std::string>& extra_labels = {}) const;

  // Every theme, ordered by id.
  const std::vector<ThemeDefinition>& themes() const { return themes_; }

  // The definition of `id`, or nullptr.
  const ThemeDefinition* Find(absl::string_view id) const;

 private:
  std::vector<ThemeDefinition> themes_;
  absl::flat_hash_map<std::string, std::vector<int>> exact_;  // label -> themes
  // The keys of exact_ with their themes, in theme order, so that Suggest()
  // breaks ties the same way on every run.
  std::vector<std::pair<std::string, int>> names_;
};

// Lower case, trimmed, inner white space folded, stray quotes removed.
std::string NormalizeLabel(absl::string_view label);

}  // namespace citymatch

#endif  // CITYMATCH_GRAPH_THEME_TAXONOMY_H_
