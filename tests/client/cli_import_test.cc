// End-to-end tests of `citymatch import` and `citymatch export`: folders of
// CSV files in, folders out, all or nothing.
#include <signal.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/client/cli_fixture.h"
#include "tests/testing/sample_data.h"

namespace citymatch::testing {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsSupersetOf;
using ::testing::Not;
using ::testing::StartsWith;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

// Every file of `dir`, name -> content.
std::map<std::string, std::string> ReadFolder(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    files[entry.path().filename().string()] = ReadFile(entry.path().string());
  }
  return files;
}

// How many times `part` occurs in `text`.
size_t CountOf(const std::string& text, const std::string& part) {
  size_t count = 0;
  for (size_t at = text.find(part); at != std::string::npos;
       at = text.find(part, at + part.size())) {
    ++count;
  }
  return count;
}

using CliImportTest = CliTest;

TEST_F(CliImportTest, ImportGoodFolderThenListShowsTheRows) {
  TempDir folder;
  folder.Write("cities.csv",
               "id,name,country,lat,lon,population\n"
               "nantes,Nantes,FR,47.2184,-1.5536,320732\n"
               "porto,Porto,PT,41.1496,-8.611,231800\n");
  folder.Write("projects.csv",
               "id,name,programme,start_year,end_year,themes\n"
               "atlantic-welcome,Atlantic Welcome,Interreg Atlantic,2020,"
               "2023,Migrants\n");
  folder.Write("memberships.csv",
               "project_id,city_id,role\n"
               "atlantic-welcome,nantes,lead\n"
               "atlantic-welcome,porto,partner\n"
               "atlantic-welcome,bilbao,partner\n");
  const CliResult result = Cli({"import", folder.path()});
  ASSERT_EQ(result.exit_code, 0) << result;
  EXPECT_THAT(result.out, HasSubstr("imported: 2 cities, 1 projects, "
                                    "3 memberships"));
  // Progress goes to stderr, one line per file at least.
  EXPECT_THAT(result.err, AllOf(HasSubstr("import: cities.csv"),
                                HasSubstr("import: memberships.csv")));

  EXPECT_THAT(AllCityIds(), IsSupersetOf({"nantes", "porto", "milano"}));
  EXPECT_THAT(Ids(Json({"projects", "list", "--city", "bilbao"}), "projects"),
              Contains("atlantic-welcome"));
}

TEST_F(CliImportTest, BadRowsExitThreeNameEachRowAndChangeNothing) {
  const std::vector<std::string> before = AllCityIds();
  const std::string projects_before =
      Cli({"--output", "json", "projects", "list", "--all"}).out;
  TempDir folder;
  folder.Write("cities.csv",
               "id,name,country,lat,lon,population\n"
               "nantes,Nantes,FR,47.2184,-1.5536,320732\n"
               "porto,Porto,XX,41.1496,-8.611,231800\n"
               "faro,Faro,PT,141.0,-7.93,118000\n");
  folder.Write("memberships.csv",
               "project_id,city_id,role\n"
               "urbact-arrival,nantes,partner\n"
               "urbact-arrival,atlantis,partner\n");
  const CliResult result = Cli({"import", folder.path()});
  EXPECT_EQ(result.exit_code, 3) << result;
  EXPECT_THAT(result.err, HasSubstr("error: INVALID_ARGUMENT: "));
  EXPECT_THAT(result.err, HasSubstr("\n  cities.csv:3: "));
  EXPECT_THAT(result.err, HasSubstr("\n  cities.csv:4: "));
  EXPECT_THAT(result.err, HasSubstr("\n  memberships.csv:3: "));
  EXPECT_THAT(result.err, Not(HasSubstr("cities.csv:2:")));
  EXPECT_THAT(result.out, Not(HasSubstr("imported")));

  // All or nothing: the good row of nantes was not written either.
  EXPECT_EQ(AllCityIds(), before);
  EXPECT_EQ(Cli({"--output", "json", "projects", "list", "--all"}).out,
            projects_before);
}

// A hundred bad rows passed gRPC's 8 KiB limit on a reply's metadata, where
// the violations travel, and the CLI printed RESOURCE_EXHAUSTED instead.
TEST_F(CliImportTest, ManyBadRowsAreListedAsFarAsTheReplyAllows) {
  TempDir folder;
  std::string csv = "id,name,country,lat,lon,population\n";
  for (int i = 0; i < 150; ++i) {
    absl::StrAppend(&csv, "town-", i, ",Town ", i, ",Germany,50,8,1000\n");
  }
  folder.Write("cities.csv", csv);
  const CliResult result = Cli({"import", folder.path()});
  EXPECT_EQ(result.exit_code, 3) << result;
  EXPECT_THAT(result.err, HasSubstr("error: INVALID_ARGUMENT: "));
  EXPECT_THAT(result.err, HasSubstr("\n  cities.csv:2: "));
  EXPECT_THAT(result.err, HasSubstr("(and 149 more)\n"));
  // The rows listed and the count of the others add up to all 150.
  const size_t listed = CountOf(result.err, "\n  cities.csv:");
  EXPECT_GE(listed, 10u);
  EXPECT_THAT(result.err,
              HasSubstr(absl::StrCat("\n  request: and ", 150 - listed,
                                     " more, not listed")));
}

TEST_F(CliImportTest, NamesEachCsvFileItSkipsAndCountsFilesRight) {
  TempDir folder;
  folder.Write("cities.csv",
               "id,name,country,lat,lon,population\n"
               "nantes,Nantes,FR,47.2184,-1.5536,320732\n");
  folder.Write("eumia_practices.csv", "id,name\n");
  folder.Write("notes.txt", "not csv\n");
  const CliResult result = Cli({"import", folder.path()});
  ASSERT_EQ(result.exit_code, 0) << result;
  EXPECT_THAT(result.err,
              HasSubstr("import: skipping eumia_practices.csv: not a file of "
                        "the interchange format\n"));
  EXPECT_THAT(result.err, Not(HasSubstr("notes.txt")));
  EXPECT_THAT(result.err, HasSubstr("import: sending 1 file ("));
}

TEST_F(CliImportTest, ByteOrderMarkAndCrlfLineEndsAreRead) {
  TempDir folder;
  folder.Write("cities.csv",
               "\xEF\xBB\xBFid,name,country,lat,lon,population\r\n"
               "nantes,Nantes,FR,47.2184,-1.5536,320732\r\n"
               "malmo,Malm\xC3\xB6,SE,55.605,13.0038,301706\r\n");
  const CliResult result = Cli({"import", folder.path()});
  ASSERT_EQ(result.exit_code, 0) << result;
  EXPECT_EQ(Json({"cities", "get", "nantes"})["population"], "320732");
  EXPECT_EQ(Json({"cities", "get", "malmo"})["display_name"], "Malm\xC3\xB6");
}

TEST_F(CliImportTest, ValidateOnlyChecksAndWritesNothing) {
  TempDir folder;
  folder.Write("cities.csv",
               "id,name,country,lat,lon,population\n"
               "nantes,Nantes,FR,47.2184,-1.5536,320732\n");
  const CliResult result = Cli({"import", folder.path(), "--validate-only"});
  ASSERT_EQ(result.exit_code, 0) << result;
  EXPECT_THAT(result.out, HasSubstr("nothing written"));
  EXPECT_EQ(Cli({"cities", "get", "nantes"}).exit_code, 3);

  folder.Write("cities.csv",
               "id,name,country,lat,lon,population\n"
               "nantes,Nantes,FRANCE,47.2184,-1.5536,320732\n");
  const CliResult bad = Cli({"import", folder.path(), "--validate-only"});
  EXPECT_EQ(bad.exit_code, 3) << bad;
  EXPECT_THAT(bad.err, HasSubstr("INVALID_ARGUMENT: cities.csv:2: "));
}

TEST_F(CliImportTest, MissingOrEmptyFolderIsALocalFailure) {
  const CliResult missing = Cli({"import", data_.File("no-such-folder")});
  EXPECT_EQ(missing.exit_code, 1) << missing;
  // A local failure, not the server's answer: no status code.
  EXPECT_EQ(missing.err,
            "error: " + data_.File("no-such-folder") + " is not a directory\n");

  TempDir empty;
  empty.Write("notes.txt", "not a data set\n");
  const CliResult nothing = Cli({"import", empty.path()});
  EXPECT_EQ(nothing.exit_code, 1) << nothing;
  EXPECT_THAT(nothing.err, HasSubstr("cities.csv"));
}

TEST_F(CliImportTest, AColumnRepeatedInTheHeaderIsRefused) {
  TempDir folder;
  folder.Write("cities.csv",
               "id,name,country,lat,lon,population,name\n"
               "nantes,Nantes,FR,47.2184,-1.5536,320732,Naoned\n");
  const CliResult result = Cli({"import", folder.path()});
  EXPECT_EQ(result.exit_code, 3) << result;
  EXPECT_THAT(result.err,
              HasSubstr("error: INVALID_ARGUMENT: cities.csv:1: the header "
                        "repeats the column \"name\" (fields 2 and 7)\n"));
  EXPECT_EQ(Cli({"cities", "get", "nantes"}).exit_code, 3);
}

TEST_F(CliImportTest, AFileThatIsThereButCannotBeReadIsALocalFailure) {
  const std::string projects =
      "id,name,programme,start_year,end_year,themes\n"
      "atlantic-welcome,Atlantic Welcome,Interreg Atlantic,2020,2023,"
      "Migrants\n";
  // A link to nothing: not left out as if the file were absent.
  TempDir dangling;
  std::filesystem::create_symlink(dangling.File("gone.csv"),
                                  dangling.File("cities.csv"));
  dangling.Write("projects.csv", projects);
  for (const bool validate_only : {true, false}) {
    std::vector<std::string> args = {"import", dangling.path()};
    if (validate_only) args.push_back("--validate-only");
    const CliResult result = Cli(args);
    EXPECT_EQ(result.exit_code, 1) << result;
    // Named and explained before anything is sent.
    EXPECT_EQ(result.err, "error: cannot read " + dangling.File("cities.csv") +
                              ": it is a link to " + dangling.File("gone.csv") +
                              ", which does not exist\n");
    EXPECT_EQ(result.out, "");
  }
  EXPECT_EQ(Cli({"projects", "get", "atlantic-welcome"}).exit_code, 3);

  // On its own it is named too, not taken for a folder without data.
  TempDir alone;
  std::filesystem::create_symlink(alone.File("gone.csv"),
                                  alone.File("cities.csv"));
  const CliResult lone = Cli({"import", alone.path()});
  EXPECT_EQ(lone.exit_code, 1) << lone;
  EXPECT_THAT(lone.err,
              AllOf(HasSubstr("cannot read " + alone.File("cities.csv")),
                    HasSubstr("does not exist"), Not(HasSubstr("holds none"))));

  // A directory of that name is not sent as an empty file.
  TempDir directory;
  std::filesystem::create_directory(directory.File("cities.csv"));
  directory.Write("projects.csv", projects);
  const CliResult folder = Cli({"import", directory.path()});
  EXPECT_EQ(folder.exit_code, 1) << folder;
  EXPECT_EQ(folder.err, "error: cannot read " + directory.File("cities.csv") +
                            ": it is a directory, not a file\n");
  EXPECT_EQ(Cli({"projects", "get", "atlantic-welcome"}).exit_code, 3);
}

TEST_F(CliImportTest, ExportWritesEveryFileOfTheGraph) {
  TempDir out;
  const std::string dir = out.File("export");
  const CliResult result = Cli({"export", dir});
  ASSERT_EQ(result.exit_code, 0) << result;
  const std::map<std::string, std::string> files = ReadFolder(dir);
  for (const char* name : {"cities.csv", "projects.csv", "memberships.csv",
                           "practices.csv", "twinnings.csv"}) {
    ASSERT_EQ(files.count(name), 1u) << name;
  }
  // A header and one line per city.
  const std::string& cities = files.at("cities.csv");
  EXPECT_EQ(std::count(cities.begin(), cities.end(), '\n'), 9);
  EXPECT_THAT(cities, HasSubstr("Sevilla, Andalucia"));
}

TEST_F(CliImportTest, ExportThenImportRoundTrips) {
  TempDir out;
  const std::string first = out.File("first");
  ASSERT_EQ(Cli({"export", first}).exit_code, 0);

  // A second server with an empty store takes the export...
  server_->Kill(SIGTERM);
  ASSERT_TRUE(server_->Wait().ok());
  std::filesystem::remove_all(data_.path());
  std::filesystem::create_directories(data_.path());
  StartServer("");
  ASSERT_THAT(AllCityIds(), ::testing::IsEmpty());
  const CliResult imported = Cli({"import", first});
  ASSERT_EQ(imported.exit_code, 0) << imported;
  EXPECT_THAT(imported.out, HasSubstr("imported: 8 cities, 4 projects, "
                                      "12 memberships, 2 practices, "
                                      "2 twinnings"));

  // ...and gives back the very same files.
  const std::string second = out.File("second");
  ASSERT_EQ(Cli({"export", second}).exit_code, 0);
  EXPECT_EQ(ReadFolder(first), ReadFolder(second));

  // Imported again, it changes nothing, not even the graph version that
  // pollers compare (if_none_match).
  const CliResult again = Cli({"import", first});
  ASSERT_EQ(again.exit_code, 0) << again;
  EXPECT_THAT(imported.out, HasSubstr("(graph version 1)"));
  EXPECT_THAT(again.out, HasSubstr("(graph version 1)"));
}

TEST_F(CliImportTest, ExportOverADataSetIsRefusedUnlessForced) {
  TempDir out;
  out.Write("notes.txt", "mine\n");
  // A folder that exists is fine while it holds none of the files.
  const CliResult first = Cli({"export", out.path()});
  ASSERT_EQ(first.exit_code, 0) << first;
  out.Write("cities.csv", "id,name\nkept,as it was\n");

  const CliResult refused = Cli({"export", out.path()});
  EXPECT_EQ(refused.exit_code, 2) << refused;
  EXPECT_THAT(refused.out, ::testing::IsEmpty());
  EXPECT_THAT(refused.err,
              AllOf(StartsWith("error: " + out.path() + " already holds "),
                    HasSubstr("cities.csv, projects.csv, memberships.csv, "
                              "practices.csv, twinnings.csv"),
                    HasSubstr("--force")));
  EXPECT_EQ(ReadFile(out.File("cities.csv")), "id,name\nkept,as it was\n");

  const CliResult forced = Cli({"export", "--force", out.path()});
  ASSERT_EQ(forced.exit_code, 0) << forced;
  EXPECT_THAT(ReadFile(out.File("cities.csv")), HasSubstr("Sevilla"));
  EXPECT_EQ(ReadFile(out.File("notes.txt")), "mine\n");
}

TEST_F(CliImportTest, ExportNamesOnlyTheFilesItWouldOverwrite) {
  TempDir out;
  out.Write("twinnings.csv", "city_a,city_b\n");
  out.Write("notes.csv", "not a data set file\n");
  const CliResult refused = Cli({"export", out.path()});
  EXPECT_EQ(refused.exit_code, 2) << refused;
  EXPECT_THAT(refused.err,
              HasSubstr(" already holds twinnings.csv; pass --force"));
  EXPECT_THAT(refused.err, Not(HasSubstr("cities.csv")));
  EXPECT_THAT(refused.err, Not(HasSubstr("notes.csv")));
  // Nothing was written.
  EXPECT_EQ(ReadFolder(out.path()).size(), 2u);
}

TEST_F(CliImportTest, ExportIntoAnUnwritablePlaceIsALocalFailure) {
  TempDir out;
  out.Write("a-file", "x");
  const CliResult result = Cli({"export", out.File("a-file/below")});
  EXPECT_EQ(result.exit_code, 1) << result;
  EXPECT_THAT(result.err, StartsWith("error: "));
}

TEST_F(CliImportTest, ShippedDataSetImportsIntoAnEmptyStore) {
  server_->Kill(SIGTERM);
  ASSERT_TRUE(server_->Wait().ok());
  std::filesystem::remove_all(data_.path());
  std::filesystem::create_directories(data_.path());
  StartServer("");

  const CliResult result = Cli({"import", ShippedDataDir()});
  ASSERT_EQ(result.exit_code, 0) << result;
  EXPECT_THAT(result.out, HasSubstr("imported: 7166 cities, 1986 projects"));
  const nlohmann::json first = Json({"cities", "list", "--page-size", "1"});
  EXPECT_EQ(first["total_size"], 7166);
  EXPECT_EQ(Json({"projects", "get", "urbact-arrival-cities"})["title"],
            "ARRIVAL CITIES");
}

TEST_F(CliImportTest, LargeFileTravelsInChunks) {
  // About 2.5 MiB of cities: more than two chunks of 1 MiB, which the server
  // must join in order.
  constexpr int kCities = 30000;
  std::string cities = "id,name,country,lat,lon,population\n";
  for (int i = 0; i < kCities; ++i) {
    const std::string id = std::to_string(1000000 + i);
    cities += "gen-" + id + ",Generated town number " + id +
              " of the chunking test,FR,45.5,4.5," + std::to_string(i) + "\n";
  }
  ASSERT_GT(cities.size(), 2u << 20);
  TempDir folder;
  folder.Write("cities.csv", cities);

  const CliResult result = Cli({"import", folder.path()});
  ASSERT_EQ(result.exit_code, 0) << result;
  EXPECT_THAT(result.out, HasSubstr("imported: 30000 cities"));
  // One progress line per chunk sent.
  EXPECT_THAT(result.err, AllOf(HasSubstr("cities.csv 1.0 MiB / 2."),
                                HasSubstr("cities.csv 2.0 MiB / 2.")));
  EXPECT_EQ(Json({"cities", "list", "--page-size", "1"})["total_size"],
            kCities + 8);
  EXPECT_EQ(Json({"cities", "get", "gen-1029999"})["population"], "29999");
}

// True once a TCP connection to or from local `port` is established (gRPC
// listens on IPv6 sockets that take IPv4 too, so both tables are read).
bool ConnectionEstablished(int port) {
  const std::string suffix =
      absl::StrCat(":", absl::Hex(port, absl::kZeroPad4));
  for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream tcp(table);
    std::string line;
    std::getline(tcp, line);  // the header
    while (std::getline(tcp, line)) {
      std::istringstream fields(line);
      std::string slot, local, remote, state;
      fields >> slot >> local >> remote >> state;
      if (state == "01" && (absl::EndsWithIgnoreCase(local, suffix) ||
                            absl::EndsWithIgnoreCase(remote, suffix))) {
        return true;
      }
    }
  }
  return false;
}

TEST_F(CliImportTest, ServerKilledDuringAnImportIsNotTakenForAnotherProblem) {
  // Large enough that the server is still receiving or reading it when it
  // is killed.
  constexpr int kCities = 300000;
  std::string cities = "id,name,country,lat,lon,population\n";
  for (int i = 0; i < kCities; ++i) {
    absl::StrAppend(&cities, "gen-", i, ",Generated town ", i, ",FR,45.5,4.5,",
                    i, "\n");
  }
  TempDir folder;
  folder.Write("cities.csv", cities);

  const int port = server_->port();
  std::thread killer([this, port] {
    const absl::Time give_up = absl::Now() + absl::Seconds(60);
    while (!ConnectionEstablished(port) && absl::Now() < give_up) {
      absl::SleepFor(absl::Milliseconds(5));
    }
    // Some of the data is on its way by then.
    absl::SleepFor(absl::Milliseconds(300));
    server_->Kill(SIGKILL);
  });
  const CliResult result = Cli({"import", folder.path()});
  killer.join();
  ASSERT_TRUE(server_->Wait().ok());

  EXPECT_EQ(result.exit_code, 4) << result;
  // Neither a TLS server nor one that never answered.
  EXPECT_THAT(result.err, Not(HasSubstr("TLS"))) << result;
  EXPECT_THAT(result.err, Not(HasSubstr("no citymatch server answered")))
      << result;
  EXPECT_THAT(result.err, HasSubstr("applied whole or not at all")) << result;
  EXPECT_THAT(result.err, HasSubstr("the connection to the server broke"))
      << result;

  // And so it was.
  StartServer("");
  const int total = Json({"cities", "list", "--page-size", "1"})["total_size"];
  EXPECT_TRUE(total == 8 || total == kCities + 8) << total;
}

}  // namespace
}  // namespace citymatch::testing
