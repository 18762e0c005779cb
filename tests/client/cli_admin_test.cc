// End-to-end tests of the administration commands (`citymatch orgs`,
// `tokens`, `audit`), of `citymatch-server --new_admin_token` and of where
// the CLI finds its token when none is given (--token_file,
// CITYMATCH_TOKEN_FILE, ${CITYMATCH_DATA_DIR:-var}/admin.token under the
// working directory), against a real citymatch-server.
#include <signal.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/client/cli_fixture.h"
#include "tests/testing/sample_data.h"

namespace citymatch::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

// A token as `tokens create` returned it.
struct NewToken {
  std::string name;    // "tokens/{id}"
  std::string secret;  // what --token takes
};

class CliAdminTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    ASSERT_FALSE(token_.empty()) << "the server wrote no admin.token";
  }

  // `tokens create flags...` with the admin token; the reply's name and
  // secret (empty after a test failure).
  NewToken CreateToken(const std::vector<std::string>& flags) const {
    std::vector<std::string> args = {"tokens", "create"};
    args.insert(args.end(), flags.begin(), flags.end());
    const nlohmann::json reply = Json(args);
    if (!reply.is_object()) return {};
    NewToken token{reply.value("name", ""), reply.value("token", "")};
    EXPECT_THAT(token.name, StartsWith("tokens/")) << reply;
    EXPECT_FALSE(token.secret.empty()) << reply;
    return token;
  }

  // `citymatch --server=... --token <secret> args...`, run in an empty
  // directory so that no default token file can stand in.
  CliResult As(const std::string& secret,
               const std::vector<std::string>& args) const {
    std::vector<std::string> full = {"--server", server_->address(), "--token",
                                     secret};
    full.insert(full.end(), args.begin(), args.end());
    return RunCli(full, {}, empty_.path());
  }

  // `citymatch --server=... args...` with no token flag or variable, in `cwd`.
  CliResult NoToken(const std::vector<std::string>& args,
                    const std::map<std::string, std::string>& env,
                    const std::string& cwd) const {
    std::vector<std::string> full = {"--server", server_->address()};
    full.insert(full.end(), args.begin(), args.end());
    return RunCli(full, env, cwd);
  }

  // The bootstrap admin token file the server wrote, as bytes.
  std::string AdminTokenFile() const {
    std::ifstream in(data_.File("admin.token"), std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
  }

  TempDir empty_;
};

// ---- orgs ------------------------------------------------------------------

TEST_F(CliAdminTest, OrgsCreateThenListShowsTheOrganisationAndItsCities) {
  const CliResult created =
      Cli({"orgs", "create", "comune-milano", "--name", "Comune di Milano",
           "--city", "milano", "--city", "cities/torino"});
  ASSERT_EQ(created.exit_code, 0) << created;
  EXPECT_THAT(created.out, HasSubstr("organizations/comune-milano"));
  EXPECT_THAT(created.out, HasSubstr("Comune di Milano"));
  EXPECT_THAT(created.out, HasSubstr("cities/milano, cities/torino"));
  ASSERT_EQ(Cli({"orgs", "create", "vienna-ngo", "--name", "Wiener NGO",
                 "--city", "wien"})
                .exit_code,
            0);

  const nlohmann::json list = Json({"orgs", "list"});
  EXPECT_THAT(Ids(list, "organizations"),
              ElementsAre("comune-milano", "vienna-ngo"))
      << list;
  EXPECT_EQ(list["organizations"][0]["display_name"], "Comune di Milano");
  EXPECT_EQ(list["organizations"][0]["cities"],
            nlohmann::json({"cities/milano", "cities/torino"}));

  const CliResult table = Cli({"orgs", "list"});
  ASSERT_EQ(table.exit_code, 0) << table;
  EXPECT_THAT(table.out, StartsWith("ID "));
  EXPECT_THAT(table.out, HasSubstr("comune-milano"));
  EXPECT_THAT(table.out, HasSubstr("milano, torino"));

  // Paging one at a time finds the same two.
  EXPECT_THAT(
      Ids(Json({"orgs", "list", "--all", "--page-size", "1"}), "organizations"),
      ElementsAre("comune-milano", "vienna-ngo"));
}

TEST_F(CliAdminTest, OrgsCreateRefusesADuplicateAndAnUnknownCity) {
  ASSERT_EQ(
      Cli({"orgs", "create", "lyon-metro", "--name", "Métropole"}).exit_code,
      0);
  const CliResult duplicate =
      Cli({"orgs", "create", "lyon-metro", "--name", "Again"});
  EXPECT_EQ(duplicate.exit_code, 3) << duplicate;
  EXPECT_THAT(duplicate.err, StartsWith("error: ALREADY_EXISTS: "));

  const CliResult unknown_city = Cli({"orgs", "create", "atlantis", "--name",
                                      "Atlantis", "--city", "nowhere"});
  EXPECT_EQ(unknown_city.exit_code, 3) << unknown_city;
  EXPECT_THAT(unknown_city.err, StartsWith("error: INVALID_ARGUMENT: "));
  EXPECT_THAT(unknown_city.err, HasSubstr("organization.cities[0]"));

  const CliResult twice =
      Cli({"orgs", "create", "lyon-twice", "--name", "Twice", "--city", "lyon",
           "--city", "milano", "--city", "lyon"});
  EXPECT_EQ(twice.exit_code, 3) << twice;
  EXPECT_THAT(twice.err,
              HasSubstr("organization.cities[2]: \"cities/lyon\" is listed "
                        "twice (first as organization.cities[0])"));
  const CliResult listed = Cli({"orgs", "list"});
  EXPECT_THAT(listed.out, Not(HasSubstr("lyon-twice")));

  const CliResult no_name = Cli({"orgs", "create", "nameless"});
  EXPECT_EQ(no_name.exit_code, 2) << no_name;
}

TEST_F(CliAdminTest, CitiesDeleteTakesTheCityOutOfItsOrganisations) {
  const std::vector<std::string> napoli = {
      "cities", "create", "napoli", "--name", "Napoli", "--country",
      "IT",     "--lat",  "40.85",  "--lon",  "14.27"};
  ASSERT_EQ(Cli(napoli).exit_code, 0);
  ASSERT_EQ(Cli({"orgs", "create", "campania", "--name", "Regione Campania",
                 "--city", "napoli", "--city", "roma"})
                .exit_code,
            0);
  const NewToken editor = CreateToken(
      {"--role", "editor", "--org", "campania", "--name", "Campania eds"});
  const CliResult before =
      As(editor.secret, {"cities", "update", "napoli", "--capacity", "2"});
  ASSERT_EQ(before.exit_code, 0) << before;

  const CliResult deleted = Cli({"cities", "delete", "napoli"});
  ASSERT_EQ(deleted.exit_code, 0) << deleted;
  const nlohmann::json list = Json({"orgs", "list"});
  EXPECT_EQ(list["organizations"][0]["cities"], nlohmann::json({"cities/roma"}))
      << list;

  // Napoli created again is not Campania's to edit.
  ASSERT_EQ(Cli(napoli).exit_code, 0);
  const CliResult after =
      As(editor.secret, {"cities", "update", "napoli", "--capacity", "3"});
  EXPECT_EQ(after.exit_code, 3) << after;
  EXPECT_THAT(after.err, StartsWith("error: PERMISSION_DENIED: "));
  EXPECT_THAT(after.err, HasSubstr("not attached to cities/napoli"));
  EXPECT_FALSE(Json({"cities", "get", "napoli"}).contains("profile"));
}

// ---- orgs update, orgs delete ----------------------------------------------

TEST_F(CliAdminTest, OrgsUpdateDecidesWhichProfilesItsEditorsMayChange) {
  ASSERT_EQ(Cli({"orgs", "create", "lyon-metro", "--name", "Metropole",
                 "--city", "lyon"})
                .exit_code,
            0);
  const NewToken editor = CreateToken(
      {"--role", "editor", "--org", "lyon-metro", "--name", "Lyon eds"});
  const std::vector<std::string> edit_wien = {"cities", "update", "wien",
                                              "--capacity", "2"};
  const CliResult before = As(editor.secret, edit_wien);
  EXPECT_EQ(before.exit_code, 3) << before;
  EXPECT_THAT(before.err, HasSubstr("not attached to cities/wien"));

  // Flags repeat or take commas; ids bare or as names.
  const CliResult attached =
      Cli({"orgs", "update", "lyon-metro", "--add-city", "wien,cities/graz",
           "--remove-city", "cities/lyon", "--name", "Métropole de Lyon"});
  ASSERT_EQ(attached.exit_code, 0) << attached;
  EXPECT_THAT(attached.out, HasSubstr("organizations/lyon-metro"));
  EXPECT_THAT(attached.out, HasSubstr("Métropole de Lyon"));
  EXPECT_THAT(attached.out, HasSubstr("cities/wien, cities/graz"));
  EXPECT_THAT(attached.out, HasSubstr("create_time:"));
  const CliResult after = As(editor.secret, edit_wien);
  EXPECT_EQ(after.exit_code, 0) << after;
  const CliResult lyon =
      As(editor.secret, {"cities", "update", "lyon", "--capacity", "2"});
  EXPECT_EQ(lyon.exit_code, 3) << lyon;
  EXPECT_THAT(lyon.err, HasSubstr("not attached to cities/lyon"));

  const CliResult detached = Cli(
      {"orgs", "update", "organizations/lyon-metro", "--remove-city", "wien"});
  ASSERT_EQ(detached.exit_code, 0) << detached;
  const CliResult gone = As(editor.secret, edit_wien);
  EXPECT_EQ(gone.exit_code, 3) << gone;
  EXPECT_THAT(gone.err, StartsWith("error: PERMISSION_DENIED: "));

  // A restart keeps every change.
  server_->Kill(SIGTERM);
  ASSERT_TRUE(server_->Wait().ok());
  StartServer("");
  const nlohmann::json list = Json({"orgs", "list"});
  ASSERT_EQ(list["organizations"].size(), 1u) << list;
  EXPECT_EQ(list["organizations"][0]["display_name"], "Métropole de Lyon");
  EXPECT_EQ(list["organizations"][0]["cities"],
            nlohmann::json({"cities/graz"}));
  EXPECT_EQ(As(editor.secret, {"cities", "update", "graz", "--capacity", "1"})
                .exit_code,
            0);
  EXPECT_EQ(As(editor.secret, edit_wien).exit_code, 3);
}

TEST_F(CliAdminTest, OrgsUpdateRefusesNoChangeATypoAndAnUnknownOrganisation) {
  ASSERT_EQ(Cli({"orgs", "create", "campania", "--name", "Campania", "--city",
                 "roma"})
                .exit_code,
            0);
  const CliResult nothing = Cli({"orgs", "update", "campania"});
  EXPECT_EQ(nothing.exit_code, 2) << nothing;
  EXPECT_THAT(nothing.err, HasSubstr("changes nothing"));
  const CliResult blank = Cli({"orgs", "update", "campania", "--name", ""});
  EXPECT_EQ(blank.exit_code, 2) << blank;

  // A city it does not have is not quietly "removed".
  const CliResult typo =
      Cli({"orgs", "update", "campania", "--remove-city", "roma,milano"});
  EXPECT_EQ(typo.exit_code, 3) << typo;
  EXPECT_THAT(typo.err, StartsWith("error: INVALID_ARGUMENT: "));
  EXPECT_THAT(typo.err,
              HasSubstr("remove_cities[1]: \"cities/milano\" is not one of "
                        "the cities of organizations/campania"));
  const CliResult unknown_city =
      Cli({"orgs", "update", "campania", "--add-city", "nowhere"});
  EXPECT_EQ(unknown_city.exit_code, 3) << unknown_city;
  EXPECT_THAT(unknown_city.err,
              HasSubstr("add_cities[0]: \"cities/nowhere\" is not an "
                        "existing city"));
  EXPECT_EQ(Json({"orgs", "list"})["organizations"][0]["cities"],
            nlohmann::json({"cities/roma"}));

  const CliResult unknown =
      Cli({"orgs", "update", "atlantis", "--name", "Atlantis"});
  EXPECT_EQ(unknown.exit_code, 3) << unknown;
  EXPECT_THAT(unknown.err, StartsWith("error: NOT_FOUND: "));
  const CliResult unknown_delete = Cli({"orgs", "delete", "atlantis"});
  EXPECT_EQ(unknown_delete.exit_code, 3) << unknown_delete;
  EXPECT_THAT(unknown_delete.err, StartsWith("error: NOT_FOUND: "));
}

TEST_F(CliAdminTest, OrgsDeleteWaitsUntilNoTokenWorksAndNothingIsOwned) {
  ASSERT_EQ(Cli({"orgs", "create", "org-a", "--name", "A", "--city", "milano"})
                .exit_code,
            0);
  ASSERT_EQ(Cli({"orgs", "create", "org-b", "--name", "B"}).exit_code, 0);
  const NewToken editor =
      CreateToken({"--role", "editor", "--org", "org-a", "--name", "A eds"});
  ASSERT_EQ(Cli({"projects", "create", "a-welcome", "--title", "Welcome",
                 "--member", "milano:lead", "--owner", "org-a"})
                .exit_code,
            0);

  const CliResult refused = Cli({"orgs", "delete", "org-a"});
  EXPECT_EQ(refused.exit_code, 3) << refused;
  EXPECT_THAT(refused.err, StartsWith("error: FAILED_PRECONDITION: "));
  EXPECT_THAT(refused.err, HasSubstr(editor.name));
  EXPECT_THAT(refused.err, HasSubstr("citymatch tokens revoke"));
  EXPECT_THAT(refused.err, HasSubstr("1 project (e.g. a-welcome)"));
  EXPECT_THAT(refused.err,
              HasSubstr("citymatch projects update a-welcome --owner OTHER"));
  // The editor still works: nothing was deleted.
  EXPECT_EQ(As(editor.secret, {"cities", "update", "milano", "--capacity", "1"})
                .exit_code,
            0);

  ASSERT_EQ(Cli({"tokens", "revoke", editor.name}).exit_code, 0);
  const CliResult owned = Cli({"orgs", "delete", "organizations/org-a"});
  EXPECT_EQ(owned.exit_code, 3) << owned;
  EXPECT_THAT(owned.err, Not(HasSubstr("tokens/")));
  EXPECT_THAT(owned.err, HasSubstr("1 project"));

  ASSERT_EQ(
      Cli({"projects", "update", "a-welcome", "--owner", "org-b"}).exit_code,
      0);
  const CliResult deleted = Cli({"orgs", "delete", "org-a"});
  ASSERT_EQ(deleted.exit_code, 0) << deleted;
  EXPECT_THAT(deleted.out, StartsWith("deleted organizations/org-a\n"));
  EXPECT_THAT(deleted.out, HasSubstr("cities/milano"));
  EXPECT_THAT(Ids(Json({"orgs", "list"}), "organizations"),
              ElementsAre("org-b"));

  // Nothing can be given to it any more.
  const CliResult handed =
      Cli({"projects", "update", "a-welcome", "--owner", "org-a"});
  EXPECT_EQ(handed.exit_code, 3) << handed;
  EXPECT_THAT(handed.err, HasSubstr("project.owner"));
  EXPECT_EQ(Cli({"tokens", "create", "--role", "editor", "--org", "org-a",
                 "--name", "x"})
                .exit_code,
            3);

  // Still gone after a restart, and the audit log has both calls.
  server_->Kill(SIGTERM);
  ASSERT_TRUE(server_->Wait().ok());
  StartServer("");
  EXPECT_THAT(Ids(Json({"orgs", "list"}), "organizations"),
              ElementsAre("org-b"));
  const CliResult audit = Cli({"audit"});
  EXPECT_THAT(audit.out, HasSubstr("DeleteOrganization"));
  EXPECT_THAT(audit.out, HasSubstr("FAILED_PRECONDITION"));
}

TEST_F(CliAdminTest, OrgsUpdateAndDeleteHelpGiveAnExample) {
  for (const char* verb : {"update", "delete"}) {
    const CliResult help = RunCli({"orgs", verb, "--help"});
    EXPECT_EQ(help.exit_code, 0) << help;
    EXPECT_THAT(help.out, HasSubstr(absl::StrCat("e.g. ", verb, " milano")));
  }
  const CliResult help = RunCli({"orgs", "update", "--help"});
  EXPECT_THAT(help.out, HasSubstr("--add-city"));
  EXPECT_THAT(help.out, HasSubstr("--remove-city"));
}

// ---- tokens create ---------------------------------------------------------

TEST_F(CliAdminTest, TokensCreateReturnsAWorkingSecretForEachRole) {
  ASSERT_EQ(Cli({"orgs", "create", "comune-roma", "--name", "Roma"}).exit_code,
            0);
  const std::vector<std::vector<std::string>> flags = {
      {"--role", "admin", "--name", "second admin"},
      {"--role", "editor", "--org", "comune-roma", "--name", "Roma editors"},
      {"--role", "VIEWER", "--name", "dashboard"},
  };
  std::vector<std::string> secrets;
  for (const auto& f : flags) {
    const NewToken token = CreateToken(f);
    ASSERT_FALSE(token.secret.empty());
    secrets.push_back(token.secret);
    const CliResult read = As(token.secret, {"cities", "get", "lyon"});
    EXPECT_EQ(read.exit_code, 0) << f[1] << ": " << read;
    EXPECT_THAT(read.out, HasSubstr("Lyon"));
  }
  // Three distinct secrets, none the bootstrap one.
  EXPECT_NE(secrets[0], secrets[1]);
  EXPECT_NE(secrets[1], secrets[2]);
  EXPECT_NE(secrets[0], token_);

  // Only the admin may use the admin commands; editors cannot mint tokens.
  EXPECT_EQ(As(secrets[0], {"tokens", "list"}).exit_code, 0);
  for (const std::string& secret : {secrets[1], secrets[2]}) {
    const CliResult mint =
        As(secret, {"tokens", "create", "--role", "viewer", "--name", "x"});
    EXPECT_EQ(mint.exit_code, 3) << mint;
    EXPECT_THAT(mint.err, StartsWith("error: PERMISSION_DENIED: "));
  }
}

TEST_F(CliAdminTest, TokensCreateTablePrintsNameRoleOrgAndTheSecretLast) {
  ASSERT_EQ(Cli({"orgs", "create", "graz-ngo", "--name", "Graz"}).exit_code, 0);
  const CliResult created =
      Cli({"tokens", "create", "--role", "editor", "--org",
           "organizations/graz-ngo", "--name", "Graz editors"});
  ASSERT_EQ(created.exit_code, 0) << created;
  const std::vector<std::string> lines =
      absl::StrSplit(absl::StripSuffix(created.out, "\n"), '\n');
  ASSERT_GE(lines.size(), 3u) << created;
  EXPECT_THAT(created.out, HasSubstr("name:"));
  EXPECT_THAT(created.out, HasSubstr("tokens/"));
  EXPECT_THAT(created.out, HasSubstr("EDITOR"));
  EXPECT_THAT(created.out, HasSubstr("organizations/graz-ngo"));
  EXPECT_THAT(created.out, HasSubstr("shown only this once"));
  // The secret alone on the last line, and it works.
  const std::string secret = lines.back();
  EXPECT_THAT(secret, Not(HasSubstr(" ")));
  EXPECT_EQ(As(secret, {"themes", "list"}).exit_code, 0);
}

TEST_F(CliAdminTest, TokensCreateChecksRoleOrgAndExpiry) {
  const NewToken expiring =
      CreateToken({"--role", "viewer", "--name", "month", "--expires", "30d"});
  const nlohmann::json list = Json({"tokens", "list"});
  absl::Time expire_time = absl::InfinitePast();
  for (const nlohmann::json& t : list["tokens"]) {
    if (t.value("name", "") != expiring.name) continue;
    std::string error;
    ASSERT_TRUE(absl::ParseTime(absl::RFC3339_full, t.value("expire_time", ""),
                                &expire_time, &error))
        << t;
  }
  const absl::Duration left = expire_time - absl::Now();
  EXPECT_GT(left, absl::Hours(24 * 30) - absl::Minutes(5)) << list;
  EXPECT_LE(left, absl::Hours(24 * 30)) << list;

  // Local usage errors: the server is not asked.
  EXPECT_EQ(
      Cli({"tokens", "create", "--role", "owner", "--name", "x"}).exit_code, 2);
  EXPECT_EQ(Cli({"tokens", "create", "--role", "viewer", "--name", "x",
                 "--expires", "soon"})
                .exit_code,
            2);
  EXPECT_EQ(Cli({"tokens", "create", "--role", "viewer", "--name", "x",
                 "--expires", "2020-01-01T00:00:00Z"})
                .exit_code,
            2);
  // The server's rules: an editor needs an existing organisation.
  const CliResult no_org =
      Cli({"tokens", "create", "--role", "editor", "--name", "x"});
  EXPECT_EQ(no_org.exit_code, 3) << no_org;
  EXPECT_THAT(no_org.err, StartsWith("error: INVALID_ARGUMENT: "));
  const CliResult unknown_org = Cli({"tokens", "create", "--role", "editor",
                                     "--org", "ghost", "--name", "x"});
  EXPECT_EQ(unknown_org.exit_code, 3) << unknown_org;
}

// ---- what the roles may do -------------------------------------------------

TEST_F(CliAdminTest, EditorCreatesProjectsOwnedByItsOrganisationOnly) {
  ASSERT_EQ(Cli({"orgs", "create", "org-a", "--name", "A"}).exit_code, 0);
  ASSERT_EQ(Cli({"orgs", "create", "org-b", "--name", "B"}).exit_code, 0);
  const NewToken editor_a =
      CreateToken({"--role", "editor", "--org", "org-a", "--name", "A eds"});
  const NewToken editor_b = CreateToken(
      {"--role", "editor", "--org", "organizations/org-b", "--name", "B eds"});

  const CliResult created = As(
      editor_a.secret, {"--output", "json", "projects", "create", "a-welcome",
                        "--title", "Welcome desks", "--member", "milano:lead",
                        "--member", "wien", "--owner", "organizations/org-a"});
  ASSERT_EQ(created.exit_code, 0) << created;
  EXPECT_THAT(created.out, HasSubstr("\"owner\": \"organizations/org-a\""));
  // A bare id names the organisation too.
  const CliResult bare =
      As(editor_a.secret, {"projects", "create", "a-housing", "--title",
                           "Housing", "--member", "roma", "--owner", "org-a"});
  ASSERT_EQ(bare.exit_code, 0) << bare;
  EXPECT_THAT(bare.out, HasSubstr("organizations/org-a"));

  // B may neither create a project owned by A nor delete A's project.
  const CliResult foreign =
      As(editor_b.secret, {"projects", "create", "b-fake", "--title", "Fake",
                           "--member", "graz", "--owner", "org-a"});
  EXPECT_EQ(foreign.exit_code, 3) << foreign;
  EXPECT_THAT(foreign.err, StartsWith("error: PERMISSION_DENIED: "));
  const CliResult deleted =
      As(editor_b.secret, {"projects", "delete", "a-welcome"});
  EXPECT_EQ(deleted.exit_code, 3) << deleted;
  EXPECT_THAT(deleted.err, StartsWith("error: PERMISSION_DENIED: "));
  EXPECT_EQ(Cli({"projects", "get", "a-welcome"}).exit_code, 0);

  // A may not hand its project to B; an admin may, and B's editors then
  // change it.
  const CliResult give_away = As(
      editor_a.secret, {"projects", "update", "a-welcome", "--owner", "org-b"});
  EXPECT_EQ(give_away.exit_code, 3) << give_away;
  EXPECT_THAT(give_away.err, StartsWith("error: PERMISSION_DENIED: "));
  // Said as it is: the project is A's, the request would give it away.
  EXPECT_THAT(give_away.err,
              HasSubstr("cannot give the project a-welcome to "
                        "organizations/org-b: only an ADMIN token changes an "
                        "owner"));
  const CliResult to_nobody =
      As(editor_a.secret, {"projects", "update", "a-welcome", "--owner", ""});
  EXPECT_EQ(to_nobody.exit_code, 3) << to_nobody;
  EXPECT_THAT(to_nobody.err,
              HasSubstr("cannot give the project a-welcome to nobody "
                        "(reference data)"));
  const CliResult handed =
      Cli({"projects", "update", "a-welcome", "--owner", "org-b"});
  ASSERT_EQ(handed.exit_code, 0) << handed;
  EXPECT_EQ(Json({"projects", "get", "a-welcome"})["owner"],
            "organizations/org-b");
  const CliResult b_edits = As(
      editor_b.secret, {"projects", "update", "a-welcome", "--status", "open"});
  EXPECT_EQ(b_edits.exit_code, 0) << b_edits;
  // And reference data, which no editor writes.
  ASSERT_EQ(Cli({"projects", "update", "a-welcome", "--owner", ""}).exit_code,
            0);
  EXPECT_EQ(Json({"projects", "get", "a-welcome"})["owner"], "");
  EXPECT_EQ(As(editor_b.secret,
               {"projects", "update", "a-welcome", "--status", "running"})
                .exit_code,
            3);
}

TEST_F(CliAdminTest, ViewerReadsAndRecommendsButCannotCreateACity) {
  const NewToken viewer = CreateToken({"--role", "viewer", "--name", "dash"});
  EXPECT_EQ(As(viewer.secret, {"projects", "list"}).exit_code, 0);
  const CliResult recommend =
      As(viewer.secret, {"recommend", "urbact-arrival", "--top", "3"});
  EXPECT_EQ(recommend.exit_code, 0) << recommend;

  const CliResult create = As(
      viewer.secret, {"cities", "create", "napoli", "--name", "Napoli",
                      "--country", "IT", "--lat", "40.85", "--lon", "14.27"});
  EXPECT_EQ(create.exit_code, 3) << create;
  EXPECT_THAT(create.err, StartsWith("error: PERMISSION_DENIED: "));
  EXPECT_THAT(create.out, IsEmpty());
  const CliResult get = Cli({"cities", "get", "napoli"});
  EXPECT_EQ(get.exit_code, 3) << get;
  EXPECT_THAT(get.err, StartsWith("error: NOT_FOUND: "));
}

TEST_F(CliAdminTest, EditorUpdatesOnlyTheProfileOfItsOrganisationsCities) {
  ASSERT_EQ(Cli({"orgs", "create", "lyon-metro", "--name", "Métropole de Lyon",
                 "--city", "lyon"})
                .exit_code,
            0);
  const NewToken editor = CreateToken(
      {"--role", "editor", "--org", "lyon-metro", "--name", "Lyon eds"});

  const CliResult profile =
      As(editor.secret, {"cities", "update", "lyon", "--seeking-themes",
                         "housing", "--contact-organization", "Métropole"});
  ASSERT_EQ(profile.exit_code, 0) << profile;

  const CliResult population =
      As(editor.secret, {"cities", "update", "lyon", "--population", "1"});
  EXPECT_EQ(population.exit_code, 3) << population;
  EXPECT_THAT(population.err,
              StartsWith("error: PERMISSION_DENIED: an EDITOR may change only "
                         "a city's profile"));
  const CliResult other =
      As(editor.secret, {"cities", "update", "milano", "--capacity", "1"});
  EXPECT_EQ(other.exit_code, 3) << other;
  EXPECT_THAT(other.err, StartsWith("error: PERMISSION_DENIED: "));
  EXPECT_THAT(other.err, HasSubstr("not attached to cities/milano"));

  const nlohmann::json lyon = Json({"cities", "get", "lyon"});
  EXPECT_EQ(lyon["population"], "472317");
  EXPECT_EQ(lyon["profile"]["seeking_themes"], nlohmann::json({"housing"}));
  EXPECT_EQ(lyon["profile"]["contact_organization"], "Métropole");
  EXPECT_FALSE(Json({"cities", "get", "milano"}).contains("profile"));
}

TEST_F(CliAdminTest, EditorUpdatesOnlyItsOrganisationsPractices) {
  ASSERT_EQ(Cli({"orgs", "create", "org-a", "--name", "A"}).exit_code, 0);
  ASSERT_EQ(Cli({"orgs", "create", "org-b", "--name", "B"}).exit_code, 0);
  const NewToken editor_a =
      CreateToken({"--role", "editor", "--org", "org-a", "--name", "A eds"});
  const NewToken editor_b =
      CreateToken({"--role", "editor", "--org", "org-b", "--name", "B eds"});
  ASSERT_EQ(As(editor_a.secret, {"practices", "create", "a-mentors", "--title",
                                 "Mentors", "--city", "lyon"})
                .exit_code,
            0);

  const CliResult own = As(editor_a.secret, {"practices", "update", "a-mentors",
                                             "--summary", "Volunteers"});
  ASSERT_EQ(own.exit_code, 0) << own;
  // B may change neither A's practice nor the reference data, and A may not
  // hand its practice to B.
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{
           {"practices", "update", "a-mentors", "--summary", "Taken"},
           {"practices", "update", "gp-sevilla-housing", "--summary", "x"}}) {
    const CliResult denied = As(editor_b.secret, args);
    EXPECT_EQ(denied.exit_code, 3) << denied;
    EXPECT_THAT(denied.err, StartsWith("error: PERMISSION_DENIED: "));
  }
  const CliResult give_away =
      As(editor_a.secret,
         {"practices", "update", "a-mentors", "--owner", "org-b"});
  EXPECT_EQ(give_away.exit_code, 3) << give_away;
  EXPECT_THAT(give_away.err, StartsWith("error: PERMISSION_DENIED: "));
  // Said as it is: the practice is A's, the request would give it to B.
  EXPECT_THAT(give_away.err,
              HasSubstr("cannot give the practice a-mentors to "
                        "organizations/org-b: only an ADMIN token changes an "
                        "owner"));
  const CliResult to_nobody =
      As(editor_a.secret, {"practices", "update", "a-mentors", "--owner", ""});
  EXPECT_EQ(to_nobody.exit_code, 3) << to_nobody;
  EXPECT_THAT(to_nobody.err,
              HasSubstr("cannot give the practice a-mentors to nobody "
                        "(reference data)"));

  const nlohmann::json practice = Json({"practices", "get", "a-mentors"});
  EXPECT_EQ(practice["summary"], "Volunteers");
  EXPECT_EQ(practice["owner"], "organizations/org-a");

  // An admin may make it reference data, which no editor writes.
  ASSERT_EQ(Cli({"practices", "update", "a-mentors", "--owner", ""}).exit_code,
            0);
  EXPECT_EQ(Json({"practices", "get", "a-mentors"})["owner"], "");
  const CliResult reference = As(
      editor_a.secret, {"practices", "update", "a-mentors", "--summary", "x"});
  EXPECT_EQ(reference.exit_code, 3) << reference;
  EXPECT_THAT(reference.err, HasSubstr("owned by nobody (reference data)"));
}

TEST_F(CliAdminTest, ViewerCannotUpdateAndOnlyAnAdminRecordsTwinnings) {
  ASSERT_EQ(
      Cli({"orgs", "create", "lyon-metro", "--name", "Lyon", "--city", "lyon"})
          .exit_code,
      0);
  const NewToken viewer = CreateToken({"--role", "viewer", "--name", "dash"});
  const NewToken editor = CreateToken(
      {"--role", "editor", "--org", "lyon-metro", "--name", "Lyon eds"});
  const std::vector<std::pair<std::string, std::vector<std::string>>> denied = {
      {viewer.secret, {"cities", "update", "lyon", "--capacity", "2"}},
      {viewer.secret,
       {"practices", "update", "gp-sevilla-housing", "--summary", "x"}},
      {viewer.secret, {"projects", "update", "urbact-arrival", "--title", "x"}},
      {viewer.secret, {"twinnings", "create", "lyon", "graz"}},
      {editor.secret, {"twinnings", "create", "lyon", "graz"}},
      {editor.secret, {"twinnings", "delete", "lyon", "milano"}},
  };
  for (const auto& [secret, args] : denied) {
    const CliResult result = As(secret, args);
    EXPECT_EQ(result.exit_code, 3) << result;
    EXPECT_THAT(result.err, StartsWith("error: PERMISSION_DENIED: ")) << result;
    EXPECT_THAT(result.out, IsEmpty());
  }
  EXPECT_FALSE(Json({"cities", "get", "lyon"}).contains("profile"));
  EXPECT_EQ(Json({"twinnings", "list", "--all"})["twinnings"].size(), 2u);
}

// ---- tokens list, revoke ---------------------------------------------------

TEST_F(CliAdminTest, TokensListShowsEveryTokenButNeverASecret) {
  ASSERT_EQ(Cli({"orgs", "create", "org-s", "--name", "S"}).exit_code, 0);
  const std::vector<NewToken> tokens = {
      CreateToken({"--role", "admin", "--name", "ops"}),
      CreateToken({"--role", "editor", "--org", "org-s", "--name", "eds"}),
      CreateToken({"--role", "viewer", "--name", "dash"}),
  };
  const CliResult table = Cli({"tokens", "list"});
  const CliResult json = Cli({"--output", "json", "tokens", "list", "--all"});
  ASSERT_EQ(table.exit_code, 0) << table;
  ASSERT_EQ(json.exit_code, 0) << json;
  for (const CliResult* result : {&table, &json}) {
    for (const NewToken& t : tokens) {
      ASSERT_FALSE(t.secret.empty());
      EXPECT_THAT(result->out, HasSubstr(t.name.substr(sizeof("tokens/") - 1)));
      EXPECT_THAT(result->out, Not(HasSubstr(t.secret)));
    }
    EXPECT_THAT(result->out, Not(HasSubstr(token_)));
    EXPECT_THAT(result->err, Not(HasSubstr(token_)));
  }
  // Four tokens: the bootstrap admin's and the three above.
  const nlohmann::json parsed = nlohmann::json::parse(json.out);
  EXPECT_EQ(parsed["tokens"].size(), 4u) << parsed;
  EXPECT_THAT(table.out, HasSubstr("EDITOR"));
  EXPECT_THAT(table.out, HasSubstr("org-s"));
}

TEST_F(CliAdminTest, RevokedTokenStopsWorkingAtOnce) {
  const NewToken viewer = CreateToken({"--role", "viewer", "--name", "v1"});
  const NewToken other = CreateToken({"--role", "viewer", "--name", "v2"});
  ASSERT_EQ(As(viewer.secret, {"themes", "list"}).exit_code, 0);

  // A bare id and the full name both work.
  const std::string id = viewer.name.substr(sizeof("tokens/") - 1);
  const CliResult revoked = Cli({"tokens", "revoke", id});
  ASSERT_EQ(revoked.exit_code, 0) << revoked;
  EXPECT_THAT(revoked.out, HasSubstr("revoked " + viewer.name));

  const CliResult after = As(viewer.secret, {"themes", "list"});
  EXPECT_EQ(after.exit_code, 3) << after;
  EXPECT_THAT(after.err, StartsWith("error: UNAUTHENTICATED: "));
  // Only that one.
  EXPECT_EQ(As(other.secret, {"themes", "list"}).exit_code, 0);

  const nlohmann::json full = Json({"tokens", "revoke", other.name});
  EXPECT_EQ(full.value("revoked", false), true) << full;
  EXPECT_EQ(As(other.secret, {"themes", "list"}).exit_code, 3);

  const CliResult list = Cli({"tokens", "list"});
  EXPECT_THAT(list.out, HasSubstr("revoked"));
  const CliResult unknown =
      Cli({"tokens", "revoke", "tokens/0000000000000000"});
  EXPECT_EQ(unknown.exit_code, 3) << unknown;
  EXPECT_THAT(unknown.err, StartsWith("error: NOT_FOUND: "));
}

// ---- citymatch-server --new_admin_token ------------------------------------

// The "tokens/{id}" of a "cm_<id>_<secret>" token (the secret may hold '_').
std::string TokenName(const std::string& token) {
  const std::vector<std::string> parts =
      absl::StrSplit(token, absl::MaxSplits('_', 2));
  return parts.size() == 3 ? "tokens/" + parts[1] : "";
}

TEST_F(CliAdminTest, NewAdminTokenLetsTheAdminInAfterTheTokenFileWasLost) {
  const std::string lost = token_;
  server_->Kill(SIGTERM);
  ASSERT_TRUE(server_->Wait().ok());
  ASSERT_TRUE(std::filesystem::remove(data_.File("admin.token")));

  StartServer("", {"--new_admin_token"});
  ASSERT_FALSE(token_.empty()) << "no admin.token after --new_admin_token";
  EXPECT_NE(token_, lost);
  const std::string name = TokenName(token_);
  struct stat st;
  ASSERT_EQ(stat(data_.File("admin.token").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);

  // The new token administers the store...
  const CliResult org =
      As(token_, {"orgs", "create", "after-recovery", "--name", "After"});
  EXPECT_EQ(org.exit_code, 0) << org;
  const nlohmann::json tokens = Json({"tokens", "list", "--all"});
  ASSERT_TRUE(tokens.contains("tokens")) << tokens;
  bool listed = false;
  for (const nlohmann::json& t : tokens["tokens"]) {
    if (t.value("name", "") != name) continue;
    listed = true;
    EXPECT_EQ(t.value("role", ""), "ADMIN") << t;
    EXPECT_EQ(t.value("display_name", ""), "recovery admin (--new_admin_token)")
        << t;
  }
  EXPECT_TRUE(listed) << name << " not in " << tokens;
  // ... and the lost one was not revoked: whoever still holds it is in too.
  const CliResult old = As(lost, {"orgs", "list"});
  EXPECT_EQ(old.exit_code, 0) << old;

  // The creation is audited like any other, just before the write above.
  const nlohmann::json audit = Json({"audit", "--page-size", "2"});
  ASSERT_EQ(audit["events"].size(), 2u) << audit;
  const nlohmann::json& created = audit["events"][1];
  EXPECT_EQ(created.value("method", ""), "NewAdminToken") << audit;
  EXPECT_EQ(created.value("resource", ""), name) << audit;
  EXPECT_EQ(created.value("token", ""), name) << audit;
  EXPECT_EQ(created.value("role", ""), "ADMIN") << audit;
  EXPECT_EQ(created.value("result", ""), "OK") << audit;
  EXPECT_EQ(audit["events"][0].value("method", ""), "CreateOrganization");
}

TEST_F(CliAdminTest, NewAdminTokenReplacesTheFileAndTheOldTokenStaysValid) {
  const std::string old = token_;
  server_->Kill(SIGTERM);
  ASSERT_TRUE(server_->Wait().ok());
  StartServer("", {"--new_admin_token"});
  EXPECT_NE(token_, old);
  EXPECT_EQ(As(token_, {"tokens", "list"}).exit_code, 0);
  EXPECT_EQ(As(old, {"tokens", "list"}).exit_code, 0);
  // Given once; a later start without it keeps both, and the file.
  const std::string recovered = token_;
  server_->Kill(SIGTERM);
  ASSERT_TRUE(server_->Wait().ok());
  StartServer("");
  EXPECT_EQ(token_, recovered);
  EXPECT_EQ(Json({"tokens", "list", "--all"})["tokens"].size(), 2u);
}

TEST_F(CliAdminTest, NewAdminTokenOpensAStoreRestoredFromABackup) {
  TempDir backups;
  const std::string copy = backups.File("copy");
  const CliResult backup =
      RunBuiltBinary("server/citymatch-server",
                     {"--data_dir=" + data_.path(), "--backup_to=" + copy});
  ASSERT_EQ(backup.exit_code, 0) << backup;
  // A backup holds no secret.
  ASSERT_FALSE(std::filesystem::exists(copy + "/admin.token"));

  ServerProcess restored(copy, {"--new_admin_token"});
  const absl::Status started = restored.Start();
  ASSERT_TRUE(started.ok()) << started;
  std::ifstream in(copy + "/admin.token");
  std::string token;
  ASSERT_TRUE(in >> token) << "no admin.token in the restored store";
  const CliResult list =
      RunCli({"--server", restored.address(), "--token", token, "orgs", "list"},
             {}, empty_.path());
  EXPECT_EQ(list.exit_code, 0) << list;
  restored.Kill(SIGTERM);
  EXPECT_TRUE(restored.Wait().ok());
}

// ---- audit -----------------------------------------------------------------

TEST_F(CliAdminTest, AuditListsTheWritesNewestFirst) {
  ASSERT_EQ(Cli({"orgs", "create", "org-audit", "--name", "Audited"}).exit_code,
            0);
  const NewToken viewer = CreateToken({"--role", "viewer", "--name", "dash"});
  ASSERT_EQ(
      As(viewer.secret, {"cities", "create", "napoli", "--name", "Napoli",
                         "--country", "IT", "--lat", "40.85", "--lon", "14.27"})
          .exit_code,
      3);
  ASSERT_EQ(Cli({"projects", "delete", "interreg-it-at-health"}).exit_code, 0);
  // A read is not a write: not in the log.
  ASSERT_EQ(Cli({"cities", "get", "lyon"}).exit_code, 0);

  const nlohmann::json audit = Json({"audit", "--all"});
  ASSERT_TRUE(audit.contains("events")) << audit;
  const nlohmann::json& events = audit["events"];
  ASSERT_GE(events.size(), 4u) << audit;
  const std::string admin_token = events[0].value("token", "");
  struct Expected {
    std::string method, resource, result, role;
  };
  const std::vector<Expected> expected = {
      {"DeleteProject", "projects/interreg-it-at-health", "OK", "ADMIN"},
      {"CreateCity", "cities/napoli", "PERMISSION_DENIED", "VIEWER"},
      {"CreateToken", viewer.name, "OK", "ADMIN"},
      {"CreateOrganization", "organizations/org-audit", "OK", "ADMIN"},
  };
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(events[i].value("method", ""), expected[i].method) << i;
    EXPECT_EQ(events[i].value("resource", ""), expected[i].resource) << i;
    EXPECT_EQ(events[i].value("result", ""), expected[i].result) << i;
    EXPECT_EQ(events[i].value("role", ""), expected[i].role) << i;
  }
  EXPECT_EQ(events[1].value("token", ""), viewer.name);
  EXPECT_NE(events[1].value("token", ""), admin_token);
  // The first event of the store: the server made the ADMIN token the CLI
  // reads from admin.token, and nobody else could have.
  const nlohmann::json& first = events.back();
  EXPECT_EQ(first.value("method", ""), "BootstrapAdminToken") << audit;
  EXPECT_EQ(first.value("resource", ""), admin_token) << audit;
  EXPECT_EQ(first.value("token", ""), admin_token) << audit;
  EXPECT_EQ(first.value("role", ""), "ADMIN") << audit;
  for (size_t i = 1; i < events.size(); ++i) {
    EXPECT_GT(std::stoll(events[i - 1].value("sequence", "0")),
              std::stoll(events[i].value("sequence", "0")))
        << i;
  }

  // One event per page, every page: the same events in the same order.
  const nlohmann::json paged = Json({"audit", "--all", "--page-size", "1"});
  EXPECT_EQ(paged["events"], events);

  const CliResult table = Cli({"audit", "--page-size", "2"});
  ASSERT_EQ(table.exit_code, 0) << table;
  EXPECT_THAT(table.out, StartsWith("TIME "));
  EXPECT_THAT(table.out, HasSubstr("DeleteProject"));
  EXPECT_THAT(table.out, HasSubstr("PERMISSION_DENIED"));
  EXPECT_THAT(table.out, Not(HasSubstr("CreateOrganization")));
  EXPECT_THAT(table.out, HasSubstr("next page: --page-token "));

  // Viewers do not read the log.
  const CliResult denied = As(viewer.secret, {"audit"});
  EXPECT_EQ(denied.exit_code, 3) << denied;
  EXPECT_THAT(denied.err, StartsWith("error: PERMISSION_DENIED: "));
}

// ---- the token file --------------------------------------------------------

TEST_F(CliAdminTest, DefaultTokenFileIsReadFromVarUnderTheWorkingDirectory) {
  TempDir repo;
  repo.Write("var/admin.token", AdminTokenFile());
  const CliResult found = NoToken({"orgs", "list"}, {}, repo.path());
  EXPECT_EQ(found.exit_code, 0) << found;
  EXPECT_THAT(found.out, StartsWith("ID "));

  // Without the file there is simply no token: the server refuses, the CLI
  // does not complain about a file nobody named.
  const CliResult missing = NoToken({"orgs", "list"}, {}, empty_.path());
  EXPECT_EQ(missing.exit_code, 3) << missing;
  EXPECT_THAT(missing.err, StartsWith("error: UNAUTHENTICATED: "));
  EXPECT_THAT(missing.err, Not(HasSubstr("cannot read")));
  EXPECT_THAT(missing.err, HasSubstr("hint: no token was sent"));
  EXPECT_THAT(missing.err, HasSubstr("var/admin.token"));
  // With a token, a refusal carries no such hint.
  const CliResult wrong = NoToken(
      {"--token", "cm_not-a-real-token", "orgs", "list"}, {}, empty_.path());
  EXPECT_EQ(wrong.exit_code, 3) << wrong;
  EXPECT_THAT(wrong.err, Not(HasSubstr("hint:")));
}

TEST_F(CliAdminTest, CitymatchDataDirMovesTheDefaultTokenFile) {
  TempDir repo;
  repo.Write("state/admin.token", AdminTokenFile());
  const CliResult moved = NoToken(
      {"themes", "list"}, {{"CITYMATCH_DATA_DIR", "state"}}, repo.path());
  EXPECT_EQ(moved.exit_code, 0) << moved;
  // var/ is no longer looked at.
  repo.Write("var/admin.token", "cm_not-a-real-token\n");
  const CliResult absolute = NoToken(
      {"themes", "list"}, {{"CITYMATCH_DATA_DIR", data_.path()}}, repo.path());
  EXPECT_EQ(absolute.exit_code, 0) << absolute;
}

TEST_F(CliAdminTest, TokenFileFlagAndVariableAreRead) {
  const CliResult from_env = NoToken(
      {"tokens", "list"}, {{"CITYMATCH_TOKEN_FILE", data_.File("admin.token")}},
      empty_.path());
  EXPECT_EQ(from_env.exit_code, 0) << from_env;
  const CliResult from_flag =
      NoToken({"--token_file", data_.File("admin.token"), "tokens", "list"}, {},
              empty_.path());
  EXPECT_EQ(from_flag.exit_code, 0) << from_flag;

  // A named file wins over var/admin.token; --token wins over any file.
  TempDir repo;
  repo.Write("var/admin.token", AdminTokenFile());
  TempDir other;
  other.Write("bad.token", "cm_not-a-real-token\n");
  const CliResult named =
      NoToken({"themes", "list"},
              {{"CITYMATCH_TOKEN_FILE", other.File("bad.token")}}, repo.path());
  EXPECT_EQ(named.exit_code, 3) << named;
  EXPECT_THAT(named.err, StartsWith("error: UNAUTHENTICATED: "));
  const NewToken viewer = CreateToken({"--role", "viewer", "--name", "dash"});
  const CliResult flag_wins =
      NoToken({"--token", viewer.secret, "tokens", "list"}, {}, repo.path());
  EXPECT_EQ(flag_wins.exit_code, 3) << flag_wins;
  EXPECT_THAT(flag_wins.err, StartsWith("error: PERMISSION_DENIED: "));
}

TEST_F(CliAdminTest, ExplicitTokenFileThatIsMissingOrEmptyExitsOne) {
  const std::string missing = empty_.File("no-such.token");
  const CliResult flag =
      NoToken({"--token_file", missing, "themes", "list"}, {}, empty_.path());
  EXPECT_EQ(flag.exit_code, 1) << flag;
  EXPECT_THAT(flag.err, HasSubstr("cannot read token file " + missing));

  const CliResult env = NoToken(
      {"themes", "list"}, {{"CITYMATCH_TOKEN_FILE", missing}}, empty_.path());
  EXPECT_EQ(env.exit_code, 1) << env;

  TempDir dir;
  dir.Write("empty.token", "\n");
  const CliResult empty =
      NoToken({"--token_file", dir.File("empty.token"), "themes", "list"}, {},
              empty_.path());
  EXPECT_EQ(empty.exit_code, 1) << empty;
  EXPECT_THAT(empty.err, HasSubstr("holds no token"));
}

TEST_F(CliAdminTest, HelpDocumentsWhereTheTokenComesFrom) {
  const CliResult help = RunCli({"--help"});
  EXPECT_EQ(help.exit_code, 0) << help;
  EXPECT_THAT(help.out, HasSubstr("--token_file"));
  EXPECT_THAT(help.out, HasSubstr("CITYMATCH_TOKEN_FILE"));
  EXPECT_THAT(help.out, HasSubstr("${CITYMATCH_DATA_DIR:-var}/admin.token"));
  for (const char* command : {"orgs", "tokens", "audit"}) {
    EXPECT_THAT(help.out, HasSubstr(command));
  }
}

// The example in the first line of `citymatch <group> create --help`
// ("..., e.g. create ARGS"), as arguments: double-quoted words keep their
// spaces.
std::vector<std::string> HelpExample(const std::string& group) {
  const CliResult help = RunCli({group, "create", "--help"});
  EXPECT_EQ(help.exit_code, 0) << help;
  const std::string first_line = help.out.substr(0, help.out.find('\n'));
  const size_t at = first_line.find("e.g. ");
  if (at == std::string::npos) {
    ADD_FAILURE() << "no example in: " << first_line;
    return {};
  }
  std::vector<std::string> args = {group};
  std::string word;
  bool quoted = false;
  for (char c : first_line.substr(at + 5)) {
    if (c == '"') {
      quoted = !quoted;
    } else if (c == ' ' && !quoted) {
      if (!word.empty()) args.push_back(word);
      word.clear();
    } else {
      word += c;
    }
  }
  if (!word.empty()) args.push_back(word);
  return args;
}

class CliHelpExampleTest : public CliTest {
 protected:
  // The examples name real cities, so they run against the shipped data.
  void SetUp() override { StartServer(ShippedDataDir()); }
};

TEST_F(CliHelpExampleTest, OrganisationThenEditorTokenExamplesRunAsWritten) {
  const CliResult org = Cli(HelpExample("orgs"));
  EXPECT_EQ(org.exit_code, 0) << org;
  // The token example is for the organisation the first example made.
  const CliResult token = Cli(HelpExample("tokens"));
  EXPECT_EQ(token.exit_code, 0) << token;
}

}  // namespace
}  // namespace citymatch::testing
