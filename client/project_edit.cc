#include "client/project_edit.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace citymatch {

absl::StatusOr<std::vector<std::string>> ApplyProjectEdit(
    const ProjectEdit& edit, v1::Project* project) {
  std::vector<std::string> paths;
  if (edit.title) {
    project->set_title(*edit.title);
    paths.push_back("title");
  }
  if (edit.programme) {
    project->set_programme(*edit.programme);
    paths.push_back("programme");
  }
  if (edit.themes) {
    project->clear_themes();
    for (const std::string& t : *edit.themes) project->add_themes(t);
    paths.push_back("themes");
  }
  if (!edit.add_members.empty() || !edit.remove_members.empty()) {
    auto* members = project->mutable_members();
    for (const std::string& city : edit.remove_members) {
      auto it = std::find_if(
          members->begin(), members->end(),
          [&](const v1::Membership& m) { return m.city() == city; });
      if (it == members->end()) {
        return absl::InvalidArgumentError(
            absl::StrCat(city, " is not a member of ", project->name(),
                         " (citymatch "
                         "projects get ",
                         project->name(), " lists them)"));
      }
      members->erase(it);
    }
    for (const v1::Membership& added : edit.add_members) {
      auto it = std::find_if(
          members->begin(), members->end(),
          [&](const v1::Membership& m) { return m.city() == added.city(); });
      if (it == members->end()) {
        *members->Add() = added;
        if (added.role() == v1::ROLE_UNSPECIFIED) {
          members->rbegin()->set_role(v1::PARTNER);
        }
      } else if (added.role() != v1::ROLE_UNSPECIFIED) {
        // Named again without a role: it keeps the one it has (a lead
        // must not become a partner by being listed).
        it->set_role(added.role());
      }
    }
    paths.push_back("members");
  }
  if (edit.start_year) {
    project->set_start_year(*edit.start_year);
    paths.push_back("start_year");
  }
  if (edit.end_year) {
    project->set_end_year(*edit.end_year);
    paths.push_back("end_year");
  }
  if (edit.status) {
    project->set_status(*edit.status);
    paths.push_back("status");
  }
  if (edit.owner) {
    project->set_owner(*edit.owner);
    paths.push_back("owner");
  }
  if (edit.wanted_partners) {
    project->set_wanted_partners(*edit.wanted_partners);
    paths.push_back("wanted_partners");
  }
  return paths;
}

}  // namespace citymatch
