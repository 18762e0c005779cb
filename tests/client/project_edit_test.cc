#include "client/project_edit.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace citymatch {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

v1::Project Stored() {
  v1::Project p;
  p.set_name("projects/p");
  p.set_title("Arrival");
  p.set_status(v1::PROPOSAL);
  p.add_themes("Migrants");
  v1::Membership* lead = p.add_members();
  lead->set_city("cities/milano");
  lead->set_role(v1::LEAD);
  p.add_members()->set_city("cities/roma");
  return p;
}

v1::Membership Member(const std::string& city, v1::Role role) {
  v1::Membership m;
  m.set_city(city);
  m.set_role(role);
  return m;
}

TEST(ProjectEditTest, OnlyTheFieldsGivenAreChangedAndMasked) {
  v1::Project project = Stored();
  ProjectEdit edit;
  edit.status = v1::OPEN;
  edit.owner = "organizations/comune-milano";
  edit.wanted_partners = 3;
  absl::StatusOr<std::vector<std::string>> paths =
      ApplyProjectEdit(edit, &project);
  ASSERT_TRUE(paths.ok()) << paths.status();
  EXPECT_THAT(*paths, ElementsAre("status", "owner", "wanted_partners"));
  EXPECT_EQ(project.status(), v1::OPEN);
  EXPECT_EQ(project.owner(), "organizations/comune-milano");
  EXPECT_EQ(project.wanted_partners(), 3);
  EXPECT_EQ(project.title(), "Arrival");
  EXPECT_EQ(project.members_size(), 2);
}

TEST(ProjectEditTest, MembersAreDroppedAddedOrGivenANewRole) {
  v1::Project project = Stored();
  ProjectEdit edit;
  edit.remove_members = {"cities/milano"};
  edit.add_members = {Member("cities/roma", v1::LEAD),
                      Member("cities/wien", v1::PARTNER)};
  absl::StatusOr<std::vector<std::string>> paths =
      ApplyProjectEdit(edit, &project);
  ASSERT_TRUE(paths.ok()) << paths.status();
  EXPECT_THAT(*paths, ElementsAre("members"));
  ASSERT_EQ(project.members_size(), 2);
  EXPECT_EQ(project.members(0).city(), "cities/roma");
  EXPECT_EQ(project.members(0).role(), v1::LEAD);
  EXPECT_EQ(project.members(1).city(), "cities/wien");
}

TEST(ProjectEditTest, AMemberNamedAgainWithoutARoleKeepsItsRole) {
  v1::Project project = Stored();
  ProjectEdit edit;
  edit.add_members = {Member("cities/milano", v1::ROLE_UNSPECIFIED),
                      Member("cities/wien", v1::ROLE_UNSPECIFIED)};
  ASSERT_TRUE(ApplyProjectEdit(edit, &project).ok());
  ASSERT_EQ(project.members_size(), 3);
  EXPECT_EQ(project.members(0).role(), v1::LEAD);  // still the lead
  EXPECT_EQ(project.members(2).city(), "cities/wien");
  EXPECT_EQ(project.members(2).role(), v1::PARTNER);
}

TEST(ProjectEditTest, DroppingACityThatIsNotAMemberIsRefused) {
  v1::Project project = Stored();
  ProjectEdit edit;
  edit.remove_members = {"cities/milan"};
  absl::StatusOr<std::vector<std::string>> paths =
      ApplyProjectEdit(edit, &project);
  EXPECT_EQ(paths.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(paths.status().message(),
              HasSubstr("cities/milan is not a member of projects/p"));
}

TEST(ProjectEditTest, ThemesAreReplacedWhole) {
  v1::Project project = Stored();
  ProjectEdit edit;
  edit.themes = std::vector<std::string>{"housing", "health"};
  ASSERT_TRUE(ApplyProjectEdit(edit, &project).ok());
  EXPECT_THAT(project.themes(), ElementsAre("housing", "health"));
  EXPECT_TRUE(ProjectEdit().empty());
  EXPECT_FALSE(edit.empty());
}

}  // namespace
}  // namespace citymatch
