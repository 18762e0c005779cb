#include "client/practice_edit.h"

namespace citymatch {

std::vector<std::string> ApplyPracticeEdit(const PracticeEdit& edit,
                                           v1::Practice* practice) {
  std::vector<std::string> paths;
  if (edit.title) {
    practice->set_title(*edit.title);
    paths.push_back("title");
  }
  if (edit.city) {
    practice->set_city(*edit.city);
    paths.push_back("city");
  }
  if (edit.themes) {
    practice->clear_themes();
    for (const std::string& t : *edit.themes) practice->add_themes(t);
    paths.push_back("themes");
  }
  if (edit.start_year) {
    practice->set_start_year(*edit.start_year);
    paths.push_back("start_year");
  }
  if (edit.summary) {
    practice->set_summary(*edit.summary);
    paths.push_back("summary");
  }
  if (edit.source_url) {
    practice->set_source_url(*edit.source_url);
    paths.push_back("source_url");
  }
  if (edit.owner) {
    practice->set_owner(*edit.owner);
    paths.push_back("owner");
  }
  return paths;
}

}  // namespace citymatch
