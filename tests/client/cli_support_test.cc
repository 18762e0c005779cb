#include "client/cli_support.h"

#include <sys/stat.h>

#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

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

TEST(CliSupportTest, CountryFilterUpperCasesTwoLetterCodesOnly) {
  EXPECT_EQ(CountryFilter("it"), "IT");
  EXPECT_EQ(CountryFilter("IT"), "IT");
  EXPECT_EQ(CountryFilter("Italy"), "Italy");
  EXPECT_EQ(CountryFilter(""), "");
}

TEST(CliSupportTest, ListItemsSplitAtCommasAndDropSpacesAndEmptyItems) {
  EXPECT_EQ(ListItems({"3173435, 3165524", "milano", " ,roma,"}),
            (std::vector<std::string>{"3173435", "3165524", "milano", "roma"}));
  EXPECT_TRUE(ListItems({"", " , "}).empty());
}

TEST(CliSupportTest, NearestSuggestsOnlyANearMiss) {
  const std::vector<std::string> commands = {"list", "get", "create", "delete"};
  EXPECT_EQ(Nearest("creat", commands, 2), "create");
  EXPECT_EQ(Nearest("lsit", commands, 1), "list");  // a transposition
  EXPECT_EQ(Nearest("update", commands, 2), "");
  EXPECT_EQ(Nearest("--countrys", {"--top", "--countries"}, 3), "--countries");
}

TEST(CliSupportTest, ParseMemberReadsTheRole) {
  absl::StatusOr<v1::Membership> lead = ParseMember("cities/milano:lead");
  ASSERT_TRUE(lead.ok());
  EXPECT_EQ(lead->city(), "cities/milano");
  EXPECT_EQ(lead->role(), v1::LEAD);

  absl::StatusOr<v1::Membership> bare = ParseMember("3173435");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->city(), "cities/3173435");
  EXPECT_EQ(bare->role(), v1::ROLE_UNSPECIFIED);  // a partner, if new

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

TEST(CliSupportTest, ParseTokenRole) {
  EXPECT_EQ(*ParseTokenRole("admin"), v1::ADMIN);
  EXPECT_EQ(*ParseTokenRole("Editor"), v1::EDITOR);
  EXPECT_EQ(*ParseTokenRole("VIEWER"), v1::VIEWER);
  EXPECT_EQ(ParseTokenRole("owner").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(ParseTokenRole("").ok());
}

TEST(CliSupportTest, ParseExpiryReadsTimesAndDurations) {
  const absl::Time now = absl::FromUnixSeconds(1800000000);
  EXPECT_EQ(*ParseExpiry("30d", now), now + absl::Hours(24 * 30));
  EXPECT_EQ(*ParseExpiry("2w", now), now + absl::Hours(24 * 14));
  EXPECT_EQ(*ParseExpiry("12h", now), now + absl::Hours(12));
  EXPECT_EQ(*ParseExpiry("1h30m", now), now + absl::Minutes(90));
  EXPECT_EQ(*ParseExpiry("2030-01-31T00:00:00Z", now),
            absl::FromUnixSeconds(1896048000));
  EXPECT_EQ(*ParseExpiry("2030-01-31T01:00:00+01:00", now),
            absl::FromUnixSeconds(1896048000));

  for (const char* bad :
       {"", "soon", "d", "-3d", "0d", "0s", "-1h", "3x", "1.5d",
        "2000-01-01T00:00:00Z", "inf", "99999999999d"}) {
    EXPECT_EQ(ParseExpiry(bad, now).status().code(),
              absl::StatusCode::kInvalidArgument)
        << bad;
  }
}

TEST(CliSupportTest, DefaultTokenFileFollowsCitymatchDataDir) {
  EXPECT_EQ(DefaultTokenFile(nullptr), "var/admin.token");
  EXPECT_EQ(DefaultTokenFile(""), "var/admin.token");
  EXPECT_EQ(DefaultTokenFile("/srv/citymatch"), "/srv/citymatch/admin.token");
}

TEST(CliSupportTest, ReadTokenFileStripsWhitespaceAndKnowsWhenMissingIsFine) {
  testing::TempDir dir;
  dir.Write("admin.token", "  cm_abc_secret\n");
  EXPECT_EQ(*ReadTokenFile(dir.File("admin.token"), true), "cm_abc_secret");
  EXPECT_EQ(*ReadTokenFile(dir.File("admin.token"), false), "cm_abc_secret");

  // A default file that is not there means no token; a named one is an error.
  EXPECT_EQ(*ReadTokenFile(dir.File("missing.token"), false), "");
  const absl::Status missing =
      ReadTokenFile(dir.File("missing.token"), true).status();
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
  EXPECT_NE(missing.message().find(dir.File("missing.token")),
            absl::string_view::npos);

  dir.Write("blank.token", " \n\n");
  EXPECT_EQ(ReadTokenFile(dir.File("blank.token"), false).status().code(),
            absl::StatusCode::kInvalidArgument);
  // A directory is not a token file, whether named or not.
  EXPECT_FALSE(ReadTokenFile(dir.path(), false).ok());
  EXPECT_FALSE(ReadTokenFile(dir.path(), true).ok());
  dir.Write("huge.token", std::string(100 << 10, 'x'));
  EXPECT_FALSE(ReadTokenFile(dir.File("huge.token"), true).ok());
}

TEST(CliSupportTest, ReadTokenFileErrorsNeverShowTheContent) {
  testing::TempDir dir;
  dir.Write("blank.token", "\n");
  dir.Write("huge.token", "cm_secret_" + std::string(100 << 10, 'x'));
  for (const char* name : {"blank.token", "huge.token"}) {
    const absl::Status status = ReadTokenFile(dir.File(name), true).status();
    ASSERT_FALSE(status.ok()) << name;
    EXPECT_EQ(status.message().find("cm_secret"), absl::string_view::npos)
        << status;
  }
}

}  // namespace
}  // namespace citymatch
