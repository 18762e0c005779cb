#include "client/cli_support.h"

#include "gtest/gtest.h"

namespace citymatch {
namespace {

TEST(CliSupportTest, ExitCodesSeparateUnreachableFromOtherServerErrors) {
  EXPECT_EQ(ExitCodeForServerStatus(absl::OkStatus()), kExitOk);
  EXPECT_EQ(ExitCodeForServerStatus(absl::UnavailableError("")),
            kExitUnreachable);
  EXPECT_EQ(ExitCodeForServerStatus(absl::DeadlineExceededError("")),
            kExitUnreachable);
  EXPECT_EQ(ExitCodeForServerStatus(absl::NotFoundError("")), kExitServerError);
  EXPECT_EQ(ExitCodeForServerStatus(absl::InvalidArgumentError("")),
            kExitServerError);
  EXPECT_EQ(ExitCodeForServerStatus(absl::UnauthenticatedError("")),
            kExitServerError);
  EXPECT_EQ(kExitLocalFailure, 1);
  EXPECT_EQ(kExitUsage, 2);
  EXPECT_EQ(kExitServerError, 3);
  EXPECT_EQ(kExitUnreachable, 4);
}

TEST(CliSupportTest, ToResourceNameAcceptsBareIdsAndNames) {
  EXPECT_EQ(ToResourceName("cities", "lyon"), "cities/lyon");
  EXPECT_EQ(ToResourceName("cities", "cities/lyon"), "cities/lyon");
  // Left for the server to reject with a field violation.
  EXPECT_EQ(ToResourceName("cities", "projects/x"), "projects/x");
}

TEST(CliSupportTest, ParseMemberReadsTheRole) {
  absl::StatusOr<v1::Membership> lead = ParseMember("cities/milano:lead");
  ASSERT_TRUE(lead.ok());
  EXPECT_EQ(lead->city(), "cities/milano");
  EXPECT_EQ(lead->role(), v1::LEAD);

  absl::StatusOr<v1::Membership> bare = ParseMember("3173435");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->city(), "cities/3173435");
  EXPECT_EQ(bare->role(), v1::PARTNER);

  absl::StatusOr<v1::Membership> partner = ParseMember("lyon:Partner");
  ASSERT_TRUE(partner.ok());
  EXPECT_EQ(partner->role(), v1::PARTNER);

  EXPECT_EQ(ParseMember("lyon:boss").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseMember(":lead").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(CliSupportTest, ParseProjectStatus) {
  EXPECT_EQ(*ParseProjectStatus("OPEN"), v1::OPEN);
  EXPECT_EQ(*ParseProjectStatus("proposal"), v1::PROPOSAL);
  EXPECT_FALSE(ParseProjectStatus("finished").ok());
}

}  // namespace
}  // namespace citymatch
