#include "graph/dataset_reader.h"

#include <sys/stat.h>

#include <filesystem>
#include <map>
#include <memory>
#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "graph/graph_builder.h"
#include "gtest/gtest.h"
#include "tests/testing/sample_data.h"
#include "tests/testing/temp_dir.h"

namespace citymatch {

// Readable failure messages.
void PrintTo(const DatasetProblem& p, std::ostream* os) {
  *os << FormatProblem(p);
}

namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

constexpr char kCitiesHeader[] = "id,name,country,lat,lon,population\n";
constexpr char kProjectsHeader[] =
    "id,name,programme,start_year,end_year,themes\n";

::testing::Matcher<DatasetProblem> ProblemIs(const std::string& file, int line,
                                             const std::string& reason) {
  return AllOf(Field(&DatasetProblem::file, file),
               Field(&DatasetProblem::line, line),
               Field(&DatasetProblem::reason, HasSubstr(reason)));
}

ParsedDataset Parse(const std::map<std::string, std::string>& files) {
  return ParseDataset(files, nullptr);
}

// Sample cities with one extra row appended.
ParsedDataset ParseCitiesWith(const std::string& extra_row) {
  std::string cities = testing::SampleFiles()["cities.csv"];
  return Parse({{"cities.csv", cities + extra_row + "\n"}});
}

// Each problem as "file:line: reason".
std::vector<std::string> ProblemLines(const ParsedDataset& parsed) {
  std::vector<std::string> lines;
  for (const DatasetProblem& p : parsed.problems) {
    lines.push_back(FormatProblem(p));
  }
  return lines;
}

// The sample has a header and eight cities, so an appended row is line 10.
constexpr int kAppendedCityLine = 10;

TEST(DatasetReaderTest, SampleFilesParseCompletely) {
  ParsedDataset parsed = Parse(testing::SampleFiles());
  EXPECT_THAT(parsed.problems, IsEmpty());
  EXPECT_THAT(parsed.dataset.cities, SizeIs(8));
  EXPECT_THAT(parsed.dataset.projects, SizeIs(4));
  EXPECT_THAT(parsed.dataset.practices, SizeIs(2));
  EXPECT_THAT(parsed.dataset.twinnings, SizeIs(2));
  EXPECT_EQ(parsed.projects, 4);
  EXPECT_EQ(parsed.memberships, 12);

  const City& bilbao = parsed.dataset.cities[6];
  EXPECT_EQ(bilbao.id, "bilbao");  // quoted in the file
  EXPECT_EQ(parsed.dataset.cities[7].name, "Sevilla, Andalucia");
  EXPECT_DOUBLE_EQ(bilbao.lon, -2.92528);
  EXPECT_EQ(parsed.dataset.cities[7].population, 0);

  const Project& arrival = parsed.dataset.projects[0];
  EXPECT_EQ(arrival.id, "urbact-arrival");
  EXPECT_EQ(arrival.programme, "URBACT II");
  EXPECT_THAT(
      arrival.themes,
      ElementsAre("Migrants", "Social inclusion and equal opportunities"));
  EXPECT_THAT(arrival.members,
              ElementsAre(Membership{"milano", Role::kLead},
                          Membership{"roma", Role::kPartner},
                          Membership{"wien", Role::kPartner},
                          Membership{"bilbao", Role::kPartner}));
  EXPECT_EQ(arrival.start_year, 2012);
  EXPECT_EQ(arrival.end_year, 2015);
  EXPECT_EQ(arrival.status, ProjectStatus::kClosed);
  // An empty end year is "unknown", not an error.
  EXPECT_EQ(parsed.dataset.projects[3].end_year, 0);
  EXPECT_EQ(parsed.dataset.practices[1].title, "Homes, not shelters");
  EXPECT_EQ(parsed.dataset.practices[1].start_year, 0);
  // Twinnings are normalised: graz < sevilla, lyon < milano.
  EXPECT_THAT(
      parsed.dataset.twinnings,
      ElementsAre(Twinning{"lyon", "milano"}, Twinning{"graz", "sevilla"}));
}

TEST(DatasetReaderTest, ShippedDataReadsWithoutProblems) {
  absl::StatusOr<Dataset> data = ReadDataset(testing::ShippedDataDir());
  ASSERT_TRUE(data.ok()) << data.status();
  EXPECT_EQ(data->cities.size(), 7166u);
  EXPECT_EQ(data->projects.size(), 1986u);
  EXPECT_EQ(data->practices.size(), 99u);
  EXPECT_EQ(data->twinnings.size(), 7290u);
  size_t memberships = 0;
  for (const Project& p : data->projects) memberships += p.members.size();
  EXPECT_EQ(memberships, 8502u);
}

TEST(DatasetReaderTest, ShippedQuotedNameWithCommaIsOneField) {
  absl::StatusOr<std::map<std::string, std::string>> files =
      ReadDatasetFiles(testing::ShippedDataDir());
  ASSERT_TRUE(files.ok()) << files.status();
  ParsedDataset parsed = Parse(*files);
  ASSERT_THAT(parsed.problems, IsEmpty());
  EXPECT_EQ(parsed.memberships, 8502);
  EXPECT_EQ(parsed.projects, 1986);
  auto leibnitz =
      std::find_if(parsed.dataset.cities.begin(), parsed.dataset.cities.end(),
                   [](const City& c) { return c.id == "2772753"; });
  ASSERT_NE(leibnitz, parsed.dataset.cities.end());
  EXPECT_EQ(leibnitz->name, "Leibnitz, Styria");
  EXPECT_EQ(leibnitz->country, "AT");
  EXPECT_DOUBLE_EQ(leibnitz->lat, 46.78161);
  EXPECT_EQ(leibnitz->population, 8533);
}

TEST(DatasetReaderTest, ByteOrderMarkAndCrlfAreAccepted) {
  ParsedDataset parsed =
      Parse({{"cities.csv",
              "\xEF\xBB\xBFid,name,country,lat,lon,population\r\n"
              "wien,Wien,AT,48.2,16.37,1691468\r\n"
              "graz,Graz,AT,47.07,15.45,222326\r\n"},
             {"twinnings.csv",
              "\xEF\xBB\xBF"
              "city_a,city_b\r\ngraz,wien\r\n"}});
  EXPECT_THAT(parsed.problems, IsEmpty());
  ASSERT_THAT(parsed.dataset.cities, SizeIs(2));
  EXPECT_EQ(parsed.dataset.cities[0].id, "wien");
  EXPECT_EQ(parsed.dataset.cities[1].population, 222326);
  EXPECT_THAT(parsed.dataset.twinnings, ElementsAre(Twinning{"graz", "wien"}));
}

TEST(DatasetReaderTest, BlankLinesAreSkippedAndLinesStillCounted) {
  ParsedDataset parsed =
      Parse({{"cities.csv", absl::StrCat(kCitiesHeader,
                                         "\n"
                                         "wien,Wien,AT,48.2,16.37,1\n"
                                         "\r\n"
                                         "\n"
                                         "graz,Graz,AT,north,15.45,2\n")}});
  EXPECT_THAT(parsed.dataset.cities, SizeIs(1));
  EXPECT_THAT(parsed.problems,
              ElementsAre(ProblemIs("cities.csv", 6, "lat is not a finite")));
}

TEST(DatasetReaderTest, UnknownFileNameIsAProblem) {
  std::map<std::string, std::string> files = testing::SampleFiles();
  files["citys.csv"] = kCitiesHeader;
  ParsedDataset parsed = Parse(files);
  EXPECT_THAT(parsed.problems,
              ElementsAre(ProblemIs("citys.csv", 0,
                                    "not a file of the interchange format")));
  // The known files are still read, so that every problem shows at once.
  EXPECT_THAT(parsed.dataset.cities, SizeIs(8));
}

TEST(DatasetReaderTest, MissingHeaderColumnIsReportedOnTheHeaderLine) {
  ParsedDataset parsed = Parse(
      {{"cities.csv", "id,name,country,lat,lon\nwien,Wien,AT,48.2,16.37\n"},
       {"twinnings.csv", "\n\ncity_a,city_c\nwien,graz\n"}});
  EXPECT_THAT(parsed.problems,
              ElementsAre(ProblemIs("cities.csv", 1, "\"population\""),
                          ProblemIs("twinnings.csv", 3, "\"city_b\"")));
  EXPECT_THAT(parsed.dataset.cities, IsEmpty());
}

// A header written elsewhere in another case ("ID", "Lat"): the import keeps
// to the format's names, and says which of the header's names was meant.
TEST(DatasetReaderTest, AColumnNameInAnotherCaseIsNamedAsSuch) {
  ParsedDataset parsed = Parse(
      {{"cities.csv",
        "ID,name,country,Lat,lon,population\nwien,Wien,AT,48.2,16.37,0\n"}});
  EXPECT_THAT(
      ProblemLines(parsed),
      ElementsAre("cities.csv:1: the header lacks the column \"id\" (it has "
                  "\"ID\": column names are lower case)",
                  "cities.csv:1: the header lacks the column \"lat\" (it has "
                  "\"Lat\": column names are lower case)"));
}

// A spreadsheet saved with a European locale separates by semicolons: one
// problem that says so, not every column missing.
TEST(DatasetReaderTest, HeaderSeparatedBySemicolonsOrTabsIsNamedAsSuch) {
  for (ReadRules rules : {ReadRules::kService, ReadRules::kEvaluation}) {
    ParsedDataset parsed = ParseDataset(
        {{"cities.csv",
          "id;name;country;lat;lon;population\nwien;Wien;AT;48.2;16.37;1\n"},
         {"twinnings.csv", "city_a\tcity_b\nwien\tgraz\n"}},
        nullptr, rules);
    EXPECT_THAT(
        parsed.problems,
        ElementsAre(ProblemIs("cities.csv", 1,
                              "the header is one field separated by "
                              "semicolons; the interchange format separates "
                              "fields by commas"),
                    ProblemIs("twinnings.csv", 1, "separated by tabs")));
    EXPECT_THAT(parsed.unread_files,
                ElementsAre("cities.csv", "twinnings.csv"));
    EXPECT_THAT(parsed.dataset.cities, IsEmpty());
  }
}

// LibreOffice quotes every field: with commas that is not CSV at all ("text
// after a closing quote"), yet it is the same mistake.
TEST(DatasetReaderTest, QuotedHeaderSeparatedBySemicolonsOrTabsIsNamedAsSuch) {
  for (ReadRules rules : {ReadRules::kService, ReadRules::kEvaluation}) {
    ParsedDataset parsed = ParseDataset(
        {{"cities.csv",
          "\xEF\xBB\xBF\r\n"
          "\"id\";\"name\";\"country\";\"lat\";\"lon\";\"population\"\r\n"
          "\"wien\";\"Wien\";\"AT\";48.2;16.37;1\r\n"},
         // Unquoted, but its rows are: the syntax error is on line 2.
         {"projects.csv",
          "id;name;programme;start_year;end_year;themes\n"
          "\"p1\";\"One\";URBACT;2010;2012;Housing\n"},
         {"twinnings.csv", "\"city_a\"\t\"city_b\"\nwien\tgraz\n"}},
        nullptr, rules);
    EXPECT_THAT(
        parsed.problems,
        ElementsAre(ProblemIs("cities.csv", 2,
                              "the header is one field separated by "
                              "semicolons; the interchange format "
                              "separates fields by commas"),
                    ProblemIs("projects.csv", 1, "separated by semicolons"),
                    ProblemIs("twinnings.csv", 1, "separated by tabs")));
    EXPECT_THAT(parsed.unread_files,
                ElementsAre("cities.csv", "projects.csv", "twinnings.csv"));
  }
}

// A file that loses rows is still read; one that cannot be read at all is
// listed, whatever the rules, so that no caller mistakes the rest for the
// data set.
TEST(DatasetReaderTest, FilesOfWhichNoRowIsReadAreListed) {
  std::map<std::string, std::string> files = testing::SampleFiles();
  files["cities.csv"] += "atlantis,Atlantis,GR,north,25.0,0\n";
  files["projects.csv"] = absl::StrCat(kProjectsHeader, "p1,K\xF6ln,,,,\n");
  files["memberships.csv"] = "project_id,role\n";
  files["twinnings.csv"] = "city_a,city_b\n\"wien,graz\n";
  for (ReadRules rules : {ReadRules::kService, ReadRules::kEvaluation}) {
    ParsedDataset parsed = ParseDataset(files, nullptr, rules);
    EXPECT_THAT(parsed.problems,
                Contains(ProblemIs("cities.csv", kAppendedCityLine,
                                   "lat is not a finite number")));
    EXPECT_THAT(parsed.dataset.cities, SizeIs(8));
    EXPECT_THAT(
        parsed.unread_files,
        ElementsAre("projects.csv", "memberships.csv", "twinnings.csv"));
  }
}

TEST(DatasetReaderTest, EmptyFileLacksItsHeader) {
  ParsedDataset parsed = Parse({{"projects.csv", ""}});
  EXPECT_THAT(parsed.problems,
              ElementsAre(ProblemIs("projects.csv", 1, "header")));
}

TEST(DatasetReaderTest, UnknownColumnsAreIgnoredAndOrderIsFree) {
  ParsedDataset parsed = Parse({{"cities.csv",
                                 "population,comment,lon,lat,country,name,id\n"
                                 "1691468,capital,16.37,48.2,AT,Wien,wien\n"}});
  EXPECT_THAT(parsed.problems, IsEmpty());
  ASSERT_THAT(parsed.dataset.cities, SizeIs(1));
  const City& wien = parsed.dataset.cities[0];
  EXPECT_EQ(wien.id, "wien");
  EXPECT_EQ(wien.name, "Wien");
  EXPECT_DOUBLE_EQ(wien.lat, 48.2);
  EXPECT_DOUBLE_EQ(wien.lon, 16.37);
  EXPECT_EQ(wien.population, 1691468);
}

TEST(DatasetReaderTest, RowWithExtraOrMissingFieldIsReported) {
  ParsedDataset parsed =
      Parse({{"cities.csv", absl::StrCat(kCitiesHeader,
                                         "wien,Wien,AT,48.2,16.37,1,extra\n"
                                         "graz,Graz,AT,47.07,15.45\n"
                                         "lyon,Lyon,FR,45.7,4.8,2\n")}});
  EXPECT_THAT(parsed.problems,
              ElementsAre(ProblemIs("cities.csv", 2, "found 7"),
                          ProblemIs("cities.csv", 3, "found 5")));
  ASSERT_THAT(parsed.dataset.cities, SizeIs(1));
  EXPECT_EQ(parsed.dataset.cities[0].id, "lyon");
}

TEST(DatasetReaderTest, DuplicateIdCitesTheFirstLine) {
  ParsedDataset parsed =
      Parse({{"cities.csv", absl::StrCat(kCitiesHeader,
                                         "wien,Wien,AT,48.2,16.37,1\n"
                                         "graz,Graz,AT,47.07,15.45,2\n"
                                         "wien,Vienna,AT,48.2,16.37,1\n")},
             {"projects.csv", absl::StrCat(kProjectsHeader, "p1,One,,,,\n",
                                           "p1,One again,,,,\n")}});
  EXPECT_THAT(
      parsed.problems,
      ElementsAre(
          ProblemIs("cities.csv", 4, "duplicate id wien, first on line 2"),
          ProblemIs("projects.csv", 3, "duplicate id p1, first on line 2")));
  ASSERT_THAT(parsed.dataset.cities, SizeIs(2));
  EXPECT_EQ(parsed.dataset.cities[0].name, "Wien");  // the first one stays
}

TEST(DatasetReaderTest, DuplicateRowsCiteTheFirstLine) {
  std::map<std::string, std::string> files = testing::SampleFiles();
  files["memberships.csv"] +=
      "urbact-arrival,roma,partner\n";        // line 14; first on line 3
  files["twinnings.csv"] += "lyon,milano\n";  // reversed pair of line 2
  ParsedDataset parsed = Parse(files);
  EXPECT_THAT(parsed.problems,
              ElementsAre(ProblemIs("memberships.csv", 14, "first on line 3"),
                          ProblemIs("twinnings.csv", 4, "first on line 2")));
}

TEST(DatasetReaderTest, InvalidUtf8NamesFileAndLine) {
  ParsedDataset parsed =
      Parse({{"cities.csv", absl::StrCat(kCitiesHeader,
                                         "wien,Wien,AT,48.2,16.37,1\n"
                                         "koln,K\xF6ln,DE,50.9,6.9,2\n"
                                         "graz,Graz,AT,47.07,15.45,3\n")}});
  EXPECT_THAT(parsed.problems,
              ElementsAre(ProblemIs("cities.csv", 3, "UTF-8")));
  // All or nothing per file: a file that is not text is not half-read.
  EXPECT_THAT(parsed.dataset.cities, IsEmpty());
}

TEST(DatasetReaderTest, UnterminatedQuoteReportsItsLine) {
  ParsedDataset parsed =
      Parse({{"cities.csv", absl::StrCat(kCitiesHeader,
                                         "wien,Wien,AT,48.2,16.37,1\n"
                                         "graz,\"Graz,AT,47.07,15.45,3\n"
                                         "lyon,Lyon,FR,45.7,4.8,2\n")}});
  ASSERT_THAT(parsed.problems, SizeIs(1));
  EXPECT_THAT(parsed.problems[0], ProblemIs("cities.csv", 3, "never closed"));
  EXPECT_EQ(FormatProblem(parsed.problems[0]),
            "cities.csv:3: quoted field is never closed");
}

TEST(DatasetReaderTest, TextAfterClosingQuoteReportsItsLine) {
  ParsedDataset parsed = Parse(
      {{"cities.csv",
        absl::StrCat(kCitiesHeader, "wien,\"Wien\" City,AT,48.2,16.37,1\n")}});
  EXPECT_THAT(parsed.problems,
              ElementsAre(ProblemIs("cities.csv", 2, "after a closing quote")));
}

TEST(DatasetReaderTest, NewlineInsideQuotesShiftsLaterLineNumbers) {
  ParsedDataset parsed =
      Parse({{"cities.csv", absl::StrCat(kCitiesHeader,
                                         "wien,\"Wi\nen\",AT,48.2,16.37,1\n"
                                         "graz,Graz,AT,47.07,east,3\n")}});
  // The name spans lines 2-3 and may not hold a line break; the next row
  // starts on line 4.
  EXPECT_THAT(parsed.problems,
              ElementsAre(ProblemIs("cities.csv", 2, "control character"),
                          ProblemIs("cities.csv", 4, "lon is not a finite")));
}

TEST(DatasetReaderTest, NonFiniteOrOutOfRangeCoordinatesAreRefused) {
  ParsedDataset parsed =
      Parse({{"cities.csv", absl::StrCat(kCitiesHeader,
                                         "a1,A,AT,nan,16.37,1\n"
                                         "a2,B,AT,48.2,inf,1\n"
                                         "a3,C,AT,-Infinity,16.37,1\n"
                                         "a4,D,AT,90.5,16.37,1\n"
                                         "a5,E,AT,48.2,-180.01,1\n"
                                         "a6,F,AT,,16.37,1\n"
                                         "a7,G,AT,1e400,16.37,1\n"
                                         "a8,H,AT,-90,180,1\n")}});
  EXPECT_THAT(parsed.problems,
              ElementsAre(ProblemIs("cities.csv", 2, "lat is not a finite"),
                          ProblemIs("cities.csv", 3, "lon is not a finite"),
                          ProblemIs("cities.csv", 4, "lat is not a finite"),
                          ProblemIs("cities.csv", 5, "lat must be"),
                          ProblemIs("cities.csv", 6, "lon must be"),
                          ProblemIs("cities.csv", 7, "lat is not a finite"),
                          ProblemIs("cities.csv", 8, "lat is not a finite")));
  // The poles and the date line themselves are fine.
  ASSERT_THAT(parsed.dataset.cities, SizeIs(1));
  EXPECT_EQ(parsed.dataset.cities[0].id, "a8");
}

// strtod, under absl::SimpleAtod, also reads hexadecimal: "0x10" was a
// latitude of 16 and a population of 16.
TEST(DatasetReaderTest, NumbersAreDecimalOnly) {
  std::string cities = kCitiesHeader;
  const std::vector<std::string> refused = {
      "0x10", "0X1p4", "-0x1", "inf", "-Infinity", "nan", "NAN(1)", "1_0",
      "1e",   "e5",    "+-5",  ".",   "-",         "5d",  "1e+",    "0b1"};
  for (size_t i = 0; i < refused.size(); ++i) {
    absl::StrAppend(&cities, "bad", i, ",B,AT,", refused[i], ",16,1\n");
  }
  absl::StrAppend(&cities,
                  "ok1,A,AT,+45.5,-5,1\n"
                  "ok2,A,AT,.5,5.,1\n"
                  "ok3,A,AT,4.55e1,1.5E-05,1\n");
  ParsedDataset parsed = Parse(
      {{"cities.csv", cities},
       {"projects.csv", absl::StrCat(kProjectsHeader, "p1,One,Prog,0x7DF,,\n",
                                     "p2,Two,Prog,2.016e3,2016,\n")},
       {"practices.csv",
        "id,name,city_id,themes,start_year\npr1,P,ok1,Housing,0x7DF\n"}});
  std::vector<::testing::Matcher<DatasetProblem>> expected;
  for (size_t i = 0; i < refused.size(); ++i) {
    expected.push_back(ProblemIs("cities.csv", static_cast<int>(i) + 2,
                                 "lat is not a finite number"));
  }
  expected.push_back(ProblemIs("projects.csv", 2, "start_year must be a year"));
  expected.push_back(
      ProblemIs("practices.csv", 2, "start_year must be a year"));
  EXPECT_THAT(parsed.problems, ElementsAreArray(expected));

  ParsedDataset populations = ParseCitiesWith("x1,X,AT,45,9,0x10");
  EXPECT_THAT(populations.problems,
              ElementsAre(ProblemIs("cities.csv", kAppendedCityLine,
                                    "population is not a whole number")));

  ASSERT_THAT(parsed.dataset.cities, SizeIs(3));
  EXPECT_EQ(parsed.dataset.cities[0].lat, 45.5);
  EXPECT_EQ(parsed.dataset.cities[0].lon, -5);
  EXPECT_EQ(parsed.dataset.cities[1].lat, 0.5);
  EXPECT_EQ(parsed.dataset.cities[1].lon, 5);
  EXPECT_EQ(parsed.dataset.cities[2].lat, 45.5);
  EXPECT_EQ(parsed.dataset.cities[2].lon, 1.5e-05);
  ASSERT_THAT(parsed.dataset.projects, SizeIs(1));
  EXPECT_EQ(parsed.dataset.projects[0].start_year, 2016);
}

TEST(DatasetReaderTest, DecimalCommaIsNamedAsSuch) {
  for (ReadRules rules : {ReadRules::kService, ReadRules::kEvaluation}) {
    ParsedDataset parsed = ParseDataset(
        {{"cities.csv", absl::StrCat(kCitiesHeader,
                                     "wien,Wien,AT,\"48,2\",16.37,1\n"
                                     "graz,Graz,AT,47.07,\"15,4,5\",1\n")}},
        nullptr, rules);
    EXPECT_THAT(
        parsed.problems,
        ElementsAre(
            ProblemIs("cities.csv", 2,
                      "lat is not a finite number (\"48,2\": "
                      "decimals are written with a point)"),
            // Not a number with a point either: no hint.
            AllOf(ProblemIs("cities.csv", 3, "lon is not a finite"),
                  Field(&DatasetProblem::reason, Not(HasSubstr("point"))))));
    EXPECT_THAT(parsed.dataset.cities, IsEmpty());
  }
}

TEST(DatasetReaderTest, CountryMustBeIsoAlpha2InUpperCase) {
  for (const char* bad : {"it", "UK", "XX", "ITA", ""}) {
    ParsedDataset parsed =
        ParseCitiesWith(absl::StrCat("x1,X,", bad, ",45,9,1"));
    EXPECT_THAT(
        parsed.problems,
        ElementsAre(ProblemIs("cities.csv", kAppendedCityLine,
                              absl::StrCat("country \"", bad, "\" is not"))))
        << bad;
  }
  for (const auto& [bad, hint] :
       {std::pair<const char*, const char*>{"UK", "the United Kingdom is GB"},
        {"EL", "Greece is GR"}}) {
    ParsedDataset parsed =
        ParseCitiesWith(absl::StrCat("x1,X,", bad, ",45,9,1"));
    EXPECT_THAT(parsed.problems,
                ElementsAre(ProblemIs(
                    "cities.csv", kAppendedCityLine,
                    absl::StrCat("country \"", bad,
                                 "\" is not an ISO 3166-1 alpha-2 code in "
                                 "upper case (",
                                 hint, ")"))));
  }
  ParsedDataset kosovo = ParseCitiesWith("pristina,Prishtina,XK,42.67,21.17,1");
  EXPECT_THAT(kosovo.problems, IsEmpty());
}

TEST(DatasetReaderTest, ControlCharactersInTextAreRefused) {
  ParsedDataset parsed = Parse(
      {{"cities.csv", absl::StrCat(kCitiesHeader,
                                   "a1,Tab\there,AT,48.2,16.37,1\n"
                                   "a2,Bell\x07,AT,48.2,16.37,1\n"
                                   "a3,Del\x7F,AT,48.2,16.37,1\n")},
       {"projects.csv",
        absl::StrCat(kProjectsHeader, "p1,Title,Prog,2010,2012,A|B\x01|C\n")}});
  EXPECT_THAT(parsed.problems,
              ElementsAre(ProblemIs("cities.csv", 2, "control character"),
                          ProblemIs("cities.csv", 3, "control character"),
                          ProblemIs("cities.csv", 4, "control character"),
                          ProblemIs("projects.csv", 2, "themes label 2")));
  EXPECT_THAT(parsed.dataset.cities, IsEmpty());
  EXPECT_THAT(parsed.dataset.projects, IsEmpty());
}

TEST(DatasetReaderTest, IdsMustMatchTheIdSyntax) {
  ParsedDataset parsed =
      Parse({{"cities.csv", absl::StrCat(kCitiesHeader,
                                         "Wien,Wien,AT,48.2,16.37,1\n"
                                         "-graz,Graz,AT,47.07,15.45,1\n"
                                         ",Nowhere,AT,47.07,15.45,1\n"
                                         "san sebastian,SS,ES,43.3,-2,1\n")}});
  EXPECT_THAT(parsed.problems,
              ElementsAre(ProblemIs("cities.csv", 2, "\"Wien\""),
                          ProblemIs("cities.csv", 3, "\"-graz\""),
                          ProblemIs("cities.csv", 4, "\"\""),
                          ProblemIs("cities.csv", 5, "\"san sebastian\"")));
}

// The id is one problem of the row among others: an import that named only
// it would name the others only once it was fixed. A duplicate id is
// reported alone, the row being refused whatever else it holds.
TEST(DatasetReaderTest, ARowWithABadIdHasTheRestOfItsProblemsListedToo) {
  ParsedDataset parsed =
      Parse({{"cities.csv", absl::StrCat(kCitiesHeader,
                                         "Bad Id,,uk,\"48,2\",200,-5\n"  // 2
                                         "graz,Graz,AT,47.07,15.45,1\n"  // 3
                                         "graz,,at,north,15.45,1\n")},   // 4
             {"projects.csv",
              absl::StrCat(kProjectsHeader, "p_bad,,URBACT,1800,1700,\n")},
             {"practices.csv",
              "id,name,city_id,themes,start_year\nPr 1,,graz,Housing,1800\n"}});
  const std::vector<std::string> lines = ProblemLines(parsed);
  EXPECT_THAT(
      lines,
      ElementsAre(
          "cities.csv:2: id \"Bad Id\" does not match [a-z0-9][a-z0-9-]{0,62}",
          "cities.csv:2: lat is not a finite number (\"48,2\": decimals are "
          "written with a point)",
          "cities.csv:2: name is required",
          "cities.csv:2: country \"uk\" is not an ISO 3166-1 alpha-2 code in "
          "upper case (the United Kingdom is GB)",
          "cities.csv:2: lon must be a number in -180..180",
          "cities.csv:2: population must not be negative",
          "cities.csv:4: duplicate id graz, first on line 3",
          "projects.csv:2: id \"p_bad\" does not match [a-z0-9][a-z0-9-]{0,62}",
          "projects.csv:2: name is required",
          "projects.csv:2: start_year must be 0 (unknown) or a year in "
          "1900..2100, got 1800",
          "projects.csv:2: end_year must be 0 (unknown) or a year in "
          "1900..2100, got 1700",
          "projects.csv:2: end_year must not be before start_year",
          "practices.csv:2: id \"Pr 1\" does not match [a-z0-9][a-z0-9-]{0,62}",
          "practices.csv:2: name is required",
          "practices.csv:2: start_year must be 0 (unknown) or a year in "
          "1900..2100, got 1800"));
  ASSERT_THAT(parsed.dataset.cities, SizeIs(1));
  EXPECT_EQ(parsed.dataset.cities[0].name, "Graz");
  EXPECT_THAT(parsed.dataset.projects, IsEmpty());
  EXPECT_THAT(parsed.dataset.practices, IsEmpty());
}

TEST(DatasetReaderTest, PopulationMustBeAWholeNonNegativeNumber) {
  ParsedDataset parsed =
      Parse({{"cities.csv", absl::StrCat(kCitiesHeader,
                                         "a1,A,AT,48.2,16.37,1.5\n"
                                         "a2,B,AT,48.2,16.37,many\n"
                                         "a3,C,AT,48.2,16.37,-3\n"
                                         "a4,D,AT,48.2,16.37,\n")}});
  EXPECT_THAT(parsed.problems,
              ElementsAre(ProblemIs("cities.csv", 2, "population"),
                          ProblemIs("cities.csv", 3, "population"),
                          ProblemIs("cities.csv", 4, "population")));
  ASSERT_THAT(parsed.dataset.cities, SizeIs(1));
  EXPECT_EQ(parsed.dataset.cities[0].population, 0);  // empty: unknown
}

TEST(DatasetReaderTest, WholeNumberWrittenAsADecimalIsThatNumber) {
  // As a data frame with gaps in a column writes its numbers.
  ParsedDataset parsed =
      Parse({{"cities.csv",
              absl::StrCat(kCitiesHeader, "a1,A,AT,48.2,16.37,1500.0\n")},
             {"projects.csv",
              absl::StrCat(kProjectsHeader, "p1,One,Prog,2016.0,2018.00,\n")}});
  EXPECT_THAT(parsed.problems, IsEmpty());
  ASSERT_THAT(parsed.dataset.cities, SizeIs(1));
  EXPECT_EQ(parsed.dataset.cities[0].population, 1500);
  ASSERT_THAT(parsed.dataset.projects, SizeIs(1));
  EXPECT_EQ(parsed.dataset.projects[0].start_year, 2016);
  EXPECT_EQ(parsed.dataset.projects[0].end_year, 2018);
}

// "2016.0" is a year: the problem is the other column's alone.
TEST(DatasetReaderTest, EachYearColumnIsReportedOnItsOwn) {
  const std::map<std::string, std::string> files = {
      {"projects.csv", absl::StrCat(kProjectsHeader,
                                    "p4,Four,URBACT,2016.0,2017.5,\n"
                                    "p5,Five,URBACT,20x6,2017.5,\n"
                                    "p6,Six,URBACT,2016.0,2015,\n")}};
  std::vector<std::string> lines;
  for (const DatasetProblem& p : Parse(files).problems) {
    lines.push_back(FormatProblem(p));
  }
  EXPECT_THAT(lines, ElementsAre("projects.csv:2: end_year must be a year",
                                 "projects.csv:3: start_year must be a year",
                                 "projects.csv:3: end_year must be a year",
                                 "projects.csv:4: end_year must not be before "
                                 "start_year"));
  // The evaluation keeps the year that is one.
  ParsedDataset evaluated =
      ParseDataset(files, nullptr, ReadRules::kEvaluation);
  EXPECT_THAT(evaluated.problems,
              ElementsAre(ProblemIs("projects.csv", 2,
                                    "end_year must be a year; read as unknown"),
                          ProblemIs("projects.csv", 3, "start_year"),
                          ProblemIs("projects.csv", 3, "end_year")));
  ASSERT_THAT(evaluated.dataset.projects, SizeIs(3));
  EXPECT_EQ(evaluated.dataset.projects[0].start_year, 2016);
  EXPECT_EQ(evaluated.dataset.projects[0].end_year, 0);
}

// What the service refuses but the evaluation protocol can use is read under
// ReadRules::kEvaluation; what it cannot use is skipped and reported there
// too.
TEST(DatasetReaderTest, EvaluationRulesReadEveryRowTheProtocolCanUse) {
  const std::map<std::string, std::string> files = {
      {"cities.csv", absl::StrCat(kCitiesHeader,
                                  "Wien,,at,48.2,16.37,many\n"       // 2
                                  "graz_1,Graz,UK,47.07,15.45,-3\n"  // 3
                                  "linz,Linz,AT,,14.29,1\n"  // 4: no lat
                                  "Wien,Again,AT,48.2,16.37,1\n")},  // 5
      {"projects.csv",
       absl::StrCat(kProjectsHeader, "P.1,", std::string(400, 'x'),
                    ",Prog,2019,2015,", std::string(300, 'y'),
                    "\n"                         // 2
                    "p2,,,twenty,,Housing\n")},  // 3
      {"memberships.csv",
       "project_id,city_id,role\n"
       "P.1,Wien,Lead partner\n"  // 2
       "P.1,graz_1,member\n"      // 3
       "P.1,linz,partner\n"       // 4: skipped with its city
       "p2,Wien,\n"},             // 5
  };
  // The service's rules refuse every one of these rows.
  const ParsedDataset service = ParseDataset(files, nullptr);
  EXPECT_THAT(service.dataset.cities, IsEmpty());
  EXPECT_THAT(service.dataset.projects, IsEmpty());

  ParsedDataset parsed = ParseDataset(files, nullptr, ReadRules::kEvaluation);
  EXPECT_THAT(
      parsed.problems,
      ElementsAre(ProblemIs("cities.csv", 2, "read as unknown"),
                  ProblemIs("cities.csv", 3, "read as unknown"),
                  ProblemIs("cities.csv", 4, "lat is not a finite number"),
                  ProblemIs("cities.csv", 5, "duplicate id Wien"),
                  ProblemIs("projects.csv", 3, "read as unknown")));
  ASSERT_THAT(parsed.dataset.cities, SizeIs(2));
  EXPECT_EQ(parsed.dataset.cities[0].id, "Wien");
  EXPECT_EQ(parsed.dataset.cities[0].country, "AT");
  EXPECT_EQ(parsed.dataset.cities[0].population, 0);
  EXPECT_EQ(parsed.dataset.cities[1].population, 0);
  ASSERT_THAT(parsed.dataset.projects, SizeIs(2));
  const Project& first = parsed.dataset.projects[0];
  EXPECT_EQ(first.id, "P.1");
  EXPECT_EQ(first.start_year, 2019);
  ASSERT_THAT(first.members, SizeIs(2));
  EXPECT_EQ(first.members[0].role, Role::kLead);
  EXPECT_EQ(first.members[1].role, Role::kPartner);
  const Project& second = parsed.dataset.projects[1];
  EXPECT_EQ(second.start_year, 0);  // "twenty": unknown
  ASSERT_THAT(second.members, SizeIs(1));
  EXPECT_EQ(second.members[0].role, Role::kPartner);
}

TEST(DatasetReaderTest, EvaluationRulesNeedOnlyTheKeyColumns) {
  const std::map<std::string, std::string> files = {
      {"cities.csv", "id,lat,lon\na,48.2,16.37\nb,47.07,15.45\n"},
      {"projects.csv", "id\np1\n"},
      {"memberships.csv", "project_id,city_id\np1,a\np1,b\n"},
      {"twinnings.csv", "city_a\na\n"}};
  const ParsedDataset strict = ParseDataset(files, nullptr);
  EXPECT_THAT(strict.problems, SizeIs(10));
  EXPECT_THAT(strict.unread_files,
              ElementsAre("cities.csv", "projects.csv", "memberships.csv",
                          "twinnings.csv"));
  ParsedDataset parsed = ParseDataset(files, nullptr, ReadRules::kEvaluation);
  EXPECT_THAT(parsed.unread_files, ElementsAre("twinnings.csv"));
  EXPECT_THAT(
      parsed.problems,
      ElementsAre(
          ProblemIs("cities.csv", 1,
                    "lacks the column \"name\"; read as empty"),
          ProblemIs("cities.csv", 1, "\"country\"; read as empty"),
          ProblemIs("cities.csv", 1, "\"population\"; read as empty"),
          ProblemIs("projects.csv", 1, "\"name\"; read as empty"),
          ProblemIs("projects.csv", 1, "\"programme\"; read as empty"),
          ProblemIs("projects.csv", 1, "\"start_year\"; read as empty"),
          ProblemIs("projects.csv", 1, "\"end_year\"; read as empty"),
          ProblemIs("projects.csv", 1, "\"themes\"; read as empty"),
          ProblemIs("memberships.csv", 1, "\"role\"; read as empty"),
          // A reference column is needed: the file is refused.
          ProblemIs("twinnings.csv", 1, "lacks the column \"city_b\"")));
  ASSERT_THAT(parsed.dataset.projects, SizeIs(1));
  EXPECT_THAT(parsed.dataset.projects[0].members, SizeIs(2));
  EXPECT_THAT(parsed.dataset.twinnings, IsEmpty());
}

TEST(DatasetReaderTest, EvaluationRulesMatchColumnNamesInAnyCase) {
  const std::map<std::string, std::string> files = {
      {"cities.csv",
       "ID,Name,Country,LAT,Lon,Population\nwien,Wien,AT,48.2,16.37,1\n"
       "graz,Graz,AT,47.07,15.45,2\n"},
      {"twinnings.csv", "City_A,CITY_B\nwien,graz\n"}};
  // An import keeps to the format's names.
  EXPECT_THAT(ParseDataset(files, nullptr).unread_files,
              ElementsAre("cities.csv", "twinnings.csv"));
  ParsedDataset parsed = ParseDataset(files, nullptr, ReadRules::kEvaluation);
  EXPECT_THAT(parsed.unread_files, IsEmpty());
  ASSERT_THAT(parsed.dataset.cities, SizeIs(2));
  EXPECT_EQ(parsed.dataset.cities[0].name, "Wien");
  EXPECT_EQ(parsed.dataset.cities[0].population, 1);
  EXPECT_DOUBLE_EQ(parsed.dataset.cities[0].lat, 48.2);
  EXPECT_THAT(parsed.dataset.twinnings, SizeIs(1));
  // The format's own name, where it is there too, is the one read.
  parsed =
      ParseDataset({{"cities.csv", "Lat,id,lat,lon\nnorth,wien,48.2,16.37\n"}},
                   nullptr, ReadRules::kEvaluation);
  EXPECT_THAT(parsed.unread_files, IsEmpty());
  ASSERT_THAT(parsed.dataset.cities, SizeIs(1));
  EXPECT_DOUBLE_EQ(parsed.dataset.cities[0].lat, 48.2);
}

// A column named twice: an import cannot tell which field is meant.
TEST(DatasetReaderTest, AColumnRepeatedInTheHeaderIsRefusedByAnImport) {
  const std::map<std::string, std::string> files = {
      {"cities.csv",
       "id,name,country,lat,lon,population,name\n"
       "wien,Wien,AT,48.2,16.37,1,Vienna\n"},
      {"twinnings.csv", "city_a,city_b,city_a, city_a \nwien,graz,x,y\n"}};
  ParsedDataset parsed = ParseDataset(files, nullptr);
  EXPECT_THAT(ProblemLines(parsed),
              ElementsAre("cities.csv:1: the header repeats the column "
                          "\"name\" (fields 2 and 7)",
                          "twinnings.csv:1: the header repeats the column "
                          "\"city_a\" (fields 1, 3 and 4)"));
  EXPECT_THAT(parsed.unread_files, ElementsAre("cities.csv", "twinnings.csv"));
  EXPECT_THAT(parsed.dataset.cities, IsEmpty());

  // A column the format does not have may repeat: it is not read.
  parsed = ParseDataset({{"cities.csv",
                          "id,name,country,lat,lon,population,note,note\n"
                          "wien,Wien,AT,48.2,16.37,1,a,b\n"}},
                        nullptr);
  EXPECT_THAT(parsed.problems, IsEmpty());
  EXPECT_THAT(parsed.dataset.cities, SizeIs(1));
}

// The evaluation reads the first of the fields, as it reads the first of
// two spellings of a name in another case, and says so.
TEST(DatasetReaderTest, EvaluationRulesReadTheFirstOfARepeatedColumn) {
  ParsedDataset parsed =
      ParseDataset({{"cities.csv",
                     "id,name,country,lat,lon,population,name\n"
                     "wien,Wien,AT,48.2,16.37,1,Vienna\n"}},
                   nullptr, ReadRules::kEvaluation);
  EXPECT_THAT(ProblemLines(parsed),
              ElementsAre("cities.csv:1: the header repeats the column "
                          "\"name\" (fields 2 and 7); the first is read"));
  ASSERT_THAT(parsed.dataset.cities, SizeIs(1));
  EXPECT_EQ(parsed.dataset.cities[0].name, "Wien");

  parsed = ParseDataset({{"cities.csv",
                          "Lat,id,LAT,lon\n"
                          "48.2,wien,north,16.37\n"}},
                        nullptr, ReadRules::kEvaluation);
  EXPECT_THAT(ProblemLines(parsed),
              Contains("cities.csv:1: the header repeats the column \"lat\" "
                       "(fields 1 and 3); the first is read"));
  ASSERT_THAT(parsed.dataset.cities, SizeIs(1));
  EXPECT_DOUBLE_EQ(parsed.dataset.cities[0].lat, 48.2);

  // The format's own name beside another spelling is no repeat: it is read.
  parsed = ParseDataset({{"cities.csv",
                          "Lat,id,lat,lon,name,country,population\n"
                          "north,wien,48.2,16.37,Wien,AT,1\n"}},
                        nullptr, ReadRules::kEvaluation);
  EXPECT_THAT(parsed.problems, IsEmpty());
}

TEST(DatasetReaderTest, EvaluationRulesReadShortRowsAndTrailingCommas) {
  const std::map<std::string, std::string> files = {
      {"cities.csv", absl::StrCat(kCitiesHeader,
                                  "a,A,AT,48.2,16.37,1,,\n"       // 2
                                  "b,B,AT,47.07,15.45\n"          // 3
                                  "c,C,AT,47.07,15.45,1,x\n")}};  // 4
  EXPECT_THAT(ParseDataset(files, nullptr).problems, SizeIs(3));
  ParsedDataset parsed = ParseDataset(files, nullptr, ReadRules::kEvaluation);
  // Text past the header's fields would shift every later field.
  EXPECT_THAT(parsed.problems,
              ElementsAre(ProblemIs("cities.csv", 4, "expected 6 fields")));
  ASSERT_THAT(parsed.dataset.cities, SizeIs(2));
  EXPECT_EQ(parsed.dataset.cities[0].population, 1);
  EXPECT_EQ(parsed.dataset.cities[1].population, 0);
}

TEST(DatasetReaderTest, RoleMustBeLeadOrPartner) {
  std::map<std::string, std::string> files = testing::SampleFiles();
  files["memberships.csv"] +=
      "urbact-welcome,milano,Lead\n"  // line 14
      "urbact-welcome,roma,member\n"  // line 15
      "urbact-welcome,torino,\n";     // line 16
  ParsedDataset parsed = Parse(files);
  EXPECT_THAT(parsed.problems,
              ElementsAre(ProblemIs("memberships.csv", 14, "\"Lead\""),
                          ProblemIs("memberships.csv", 15, "\"member\""),
                          ProblemIs("memberships.csv", 16, "lead or partner")));
  EXPECT_THAT(parsed.dataset.projects[1].members, SizeIs(3));
}

TEST(DatasetReaderTest, EveryProblemOfAMembershipRowIsReportedInOneGo) {
  std::map<std::string, std::string> files = testing::SampleFiles();
  files["memberships.csv"] +=
      "nope,atlantis,lead\n"            // line 14
      "nope,roma,member\n"              // line 15
      "urbact-welcome,atlantis,Lead\n"  // line 16
      "nope,atlantis,lead\n";           // line 17
  std::vector<std::string> lines;
  for (const DatasetProblem& p : Parse(files).problems) {
    lines.push_back(FormatProblem(p));
  }
  EXPECT_THAT(lines,
              ElementsAre("memberships.csv:14: project nope does not exist",
                          "memberships.csv:14: city atlantis does not exist",
                          "memberships.csv:15: project nope does not exist",
                          "memberships.csv:15: role \"member\" is not lead or "
                          "partner",
                          "memberships.csv:16: city atlantis does not exist",
                          "memberships.csv:16: role \"Lead\" is not lead or "
                          "partner",
                          // Its problems are line 14's.
                          "memberships.csv:17: duplicate membership of city "
                          "atlantis in nope, first on line 14"));
}

// The API refuses a project of more than 100 members; so does an import,
// whose project rows are checked before their memberships are read.
TEST(DatasetReaderTest, AProjectHasAtMostAHundredMembers) {
  std::string cities = kCitiesHeader;
  std::string memberships = "project_id,city_id,role\n";
  for (int i = 0; i < 102; ++i) {
    absl::StrAppend(&cities, "c", i, ",Town ", i, ",DE,50,8,1000\n");
    absl::StrAppend(&memberships, "big,c", i, ",partner\n");
  }
  const std::map<std::string, std::string> files = {
      {"cities.csv", cities},
      {"projects.csv", absl::StrCat(kProjectsHeader, "big,Big,Prog,,,\n")},
      {"memberships.csv", memberships}};
  ParsedDataset parsed = Parse(files);
  EXPECT_THAT(parsed.problems,
              ElementsAre(ProblemIs("memberships.csv", 102,
                                    "project big would have more than 100"),
                          ProblemIs("memberships.csv", 103, "more than 100")));
  // The evaluation reads data sets of any kind.
  ParsedDataset evaluated =
      ParseDataset(files, nullptr, ReadRules::kEvaluation);
  EXPECT_THAT(evaluated.problems, IsEmpty());
  ASSERT_THAT(evaluated.dataset.projects, SizeIs(1));
  EXPECT_THAT(evaluated.dataset.projects[0].members, SizeIs(102));
}

TEST(DatasetReaderTest, StartYearAfterEndYearIsRefused) {
  ParsedDataset parsed = Parse(
      {{"projects.csv", absl::StrCat(kProjectsHeader,
                                     "p1,One,Prog,2019,2015,Housing\n"
                                     "p2,Two,Prog,twenty,2015,Housing\n"
                                     "p3,Three,Prog,1850,,Housing\n"
                                     "p4,Four,Prog,2015,2015,Housing\n")}});
  EXPECT_THAT(
      parsed.problems,
      ElementsAre(ProblemIs("projects.csv", 2, "end_year"),
                  ProblemIs("projects.csv", 3, "start_year must be a year"),
                  ProblemIs("projects.csv", 4, "start_year")));
  ASSERT_THAT(parsed.dataset.projects, SizeIs(1));
  EXPECT_EQ(parsed.dataset.projects[0].id, "p4");
  EXPECT_EQ(parsed.projects, 1);
}

TEST(DatasetReaderTest, EveryProblemOfARowIsReportedInOneGo) {
  // A field that does not parse does not hide the row's other problems:
  // one import lists all that must be fixed.
  ParsedDataset parsed =
      Parse({{"cities.csv", absl::StrCat(kCitiesHeader,
                                         "c1,One,at,\"48,3\",16.3,12\n"
                                         "c2,,DE,91,east,many\n")},
             {"projects.csv",
              absl::StrCat(kProjectsHeader, "p1,,Prog,20x5,2016,Housing\n")},
             {"practices.csv",
              "id,name,city_id,themes,start_year\npr1,,milano,Housing,19x\n"}});
  EXPECT_THAT(
      parsed.problems,
      ElementsAre(ProblemIs("cities.csv", 2, "lat is not a finite number"),
                  ProblemIs("cities.csv", 2, "country \"at\""),
                  ProblemIs("cities.csv", 3, "lon is not a finite number"),
                  ProblemIs("cities.csv", 3, "population is not a whole"),
                  ProblemIs("cities.csv", 3, "name is required"),
                  ProblemIs("cities.csv", 3, "lat must be"),
                  ProblemIs("projects.csv", 2, "start_year must be a year"),
                  ProblemIs("projects.csv", 2, "name is required"),
                  ProblemIs("practices.csv", 2, "start_year must be a year"),
                  ProblemIs("practices.csv", 2, "name is required"),
                  ProblemIs("practices.csv", 2, "city milano does not exist")));
  EXPECT_THAT(parsed.dataset.cities, IsEmpty());
  EXPECT_THAT(parsed.dataset.projects, IsEmpty());
  EXPECT_THAT(parsed.dataset.practices, IsEmpty());
}

// The API names fields display_name, country_code, latitude, title, city;
// the user of an import edits the columns name, country, lat, name, city_id.
TEST(DatasetReaderTest, ProblemsNameTheColumnsOfTheFile) {
  ParsedDataset parsed =
      Parse({{"cities.csv", absl::StrCat(kCitiesHeader, "c1,,at,91,181,5\n")},
             {"projects.csv",
              absl::StrCat(kProjectsHeader, "p1,,Prog,2010,2012,A|B\x01\n")},
             {"practices.csv",
              "id,name,city_id,themes,start_year\n"
              "pr1,,,Housing,2015\n"
              "pr2,P,Bad Id,Housing,2015\n"}});
  const std::vector<std::string> lines = ProblemLines(parsed);
  EXPECT_THAT(
      lines,
      ElementsAre(
          "cities.csv:2: name is required",
          "cities.csv:2: country \"at\" is not an ISO 3166-1 alpha-2 code "
          "in upper case",
          "cities.csv:2: lat must be a number in -90..90",
          "cities.csv:2: lon must be a number in -180..180",
          "projects.csv:2: name is required",
          "projects.csv:2: themes label 2 contains a control character",
          "practices.csv:2: name is required",
          "practices.csv:2: city_id is required",
          "practices.csv:3: city_id \"Bad Id\" is not a valid city id "
          "([a-z0-9][a-z0-9-]{0,62})"));
}

TEST(DatasetReaderTest, DanglingReferencesAreReported) {
  std::map<std::string, std::string> files = testing::SampleFiles();
  files["memberships.csv"] +=
      "urbact-welcome,atlantis,partner\n"  // 14: unknown city
      "urbact-nowhere,roma,partner\n";     // 15: unknown project
  files["practices.csv"] += "gp-x,X,atlantis,Housing,2015\n";  // 4
  files["twinnings.csv"] +=
      "roma,atlantis\n"  // 4
      "roma,roma\n";     // 5
  ParsedDataset parsed = Parse(files);
  EXPECT_THAT(
      parsed.problems,
      ElementsAre(
          ProblemIs("memberships.csv", 14, "city atlantis does not exist"),
          ProblemIs("memberships.csv", 15,
                    "project urbact-nowhere does not exist"),
          ProblemIs("practices.csv", 4, "city atlantis does not exist"),
          ProblemIs("twinnings.csv", 4, "city atlantis does not exist"),
          ProblemIs("twinnings.csv", 5, "with itself")));
}

// An unknown city is a problem of the row like the others. A city_id that
// cannot be an id is not looked up as well.
TEST(DatasetReaderTest,
     APracticeOfAnUnknownCityIsReportedWithItsOtherProblems) {
  std::map<std::string, std::string> files = testing::SampleFiles();
  files["practices.csv"] +=
      "pr1,,atlantis,x,3000\n"        // line 4
      "pr2,P,Bad Id,Housing,2015\n";  // line 5
  std::vector<std::string> lines;
  for (const DatasetProblem& p : Parse(files).problems) {
    lines.push_back(FormatProblem(p));
  }
  EXPECT_THAT(
      lines,
      ElementsAre("practices.csv:4: name is required",
                  "practices.csv:4: start_year must be 0 (unknown) or a year "
                  "in 1900..2100, got 3000",
                  "practices.csv:4: city atlantis does not exist",
                  "practices.csv:5: city_id \"Bad Id\" is not a valid city id "
                  "([a-z0-9][a-z0-9-]{0,62})"));
}

TEST(DatasetReaderTest, RowsNamingARefusedCityAreNotReportedTwice) {
  ParsedDataset parsed =
      Parse({{"cities.csv", absl::StrCat(kCitiesHeader,
                                         "wien,Wien,AT,48.2,16.37,1\n"
                                         "graz,Graz,AT,,15.45,1\n")},  // 3
             {"projects.csv",
              absl::StrCat(kProjectsHeader, "p1,P,Prog,2010,2012,\n")},
             {"memberships.csv",
              "project_id,city_id,role\np1,wien,lead\np1,graz,partner\n"},
             {"practices.csv",
              "id,name,city_id,themes,start_year\ngp,G,graz,Housing,2015\n"},
             {"twinnings.csv", "city_a,city_b\nwien,graz\ngraz,atlantis\n"}});
  // The other city of a row is looked up all the same.
  EXPECT_THAT(parsed.problems,
              ElementsAre(ProblemIs("cities.csv", 3, "lat"),
                          ProblemIs("twinnings.csv", 3,
                                    "city atlantis does not exist")));
  // Nor read: no row may name a city the data set does not hold.
  ASSERT_THAT(parsed.dataset.projects, SizeIs(1));
  EXPECT_THAT(parsed.dataset.projects[0].members, SizeIs(1));
  EXPECT_THAT(parsed.dataset.practices, IsEmpty());
  EXPECT_THAT(parsed.dataset.twinnings, IsEmpty());
}

TEST(DatasetReaderTest, MembershipOfARefusedProjectIsNotReportedTwice) {
  ParsedDataset parsed = Parse(
      {{"cities.csv",
        absl::StrCat(kCitiesHeader, "wien,Wien,AT,48.2,16.37,1\n")},
       {"projects.csv", absl::StrCat(kProjectsHeader, "p1,,Prog,2010,2012,\n")},
       {"memberships.csv", "project_id,city_id,role\np1,wien,lead\n"}});
  EXPECT_THAT(parsed.problems,
              ElementsAre(ProblemIs("projects.csv", 2, "name is required")));
}

// The row of Bad Id exists, refused: a row naming it is told so there, not
// that no such row exists.
TEST(DatasetReaderTest, RowsNamingARowRefusedForItsIdAreNotReportedTwice) {
  ParsedDataset parsed = Parse(
      {{"cities.csv", absl::StrCat(kCitiesHeader,
                                   "c2,Two,AT,48.2,16.37,1\n"
                                   "Bad Id,Bad,AT,47.07,15.45,1\n")},  // 3
       {"projects.csv", absl::StrCat(kProjectsHeader,
                                     "p1,One,Prog,2010,2012,\n"
                                     "Bad_P,Bad,Prog,2010,2012,\n")},  // 3
       {"memberships.csv",
        "project_id,city_id,role\n"
        "Bad_P,c2,partner\n"
        "p1,Bad Id,partner\n"},
       {"practices.csv",
        "id,name,city_id,themes,start_year\npr1,P,Bad Id,Housing,2015\n"},
       {"twinnings.csv", "city_a,city_b\nc2,Bad Id\n"}});
  EXPECT_THAT(parsed.problems,
              ElementsAre(ProblemIs("cities.csv", 3, "id \"Bad Id\""),
                          ProblemIs("projects.csv", 3, "id \"Bad_P\"")));
  ASSERT_THAT(parsed.dataset.projects, SizeIs(1));
  EXPECT_THAT(parsed.dataset.projects[0].members, IsEmpty());
  EXPECT_THAT(parsed.dataset.practices, IsEmpty());
  EXPECT_THAT(parsed.dataset.twinnings, IsEmpty());
}

TEST(DatasetReaderTest, ReferencesResolveAgainstAnExistingSnapshot) {
  absl::StatusOr<std::shared_ptr<const GraphSnapshot>> existing =
      GraphBuilder(testing::SampleDataset()).Build(7);
  ASSERT_TRUE(existing.ok()) << existing.status();
  const std::map<std::string, std::string> files = {
      {"projects.csv",
       absl::StrCat(kProjectsHeader, "urbact-new,New,URBACT IV,2024,,Roma\n")},
      {"memberships.csv",
       "project_id,city_id,role\n"
       "urbact-new,graz,lead\n"
       "urbact-new,sevilla,partner\n"},
      {"practices.csv",
       "id,name,city_id,themes,start_year\ngp-lyon,Lyon way,lyon,Roma,2020\n"},
      {"twinnings.csv", "city_a,city_b\nwien,roma\n"}};
  ParsedDataset parsed = ParseDataset(files, existing->get());
  EXPECT_THAT(parsed.problems, IsEmpty());
  ASSERT_THAT(parsed.dataset.projects, SizeIs(1));
  EXPECT_THAT(parsed.dataset.projects[0].members,
              ElementsAre(Membership{"graz", Role::kLead},
                          Membership{"sevilla", Role::kPartner}));
  EXPECT_THAT(parsed.dataset.practices, SizeIs(1));
  EXPECT_THAT(parsed.dataset.twinnings, ElementsAre(Twinning{"roma", "wien"}));

  // Without the snapshot, the same files dangle.
  ParsedDataset alone = Parse(files);
  EXPECT_THAT(alone.problems, SizeIs(5));
}

TEST(DatasetReaderTest, MembershipsExtendAnExistingProject) {
  absl::StatusOr<std::shared_ptr<const GraphSnapshot>> existing =
      GraphBuilder(testing::SampleDataset()).Build(3);
  ASSERT_TRUE(existing.ok()) << existing.status();
  ParsedDataset parsed = ParseDataset(
      {{"memberships.csv",
        "project_id,city_id,role\n"
        "urbact-welcome,sevilla,partner\n"
        "urbact-welcome,wien,lead\n"}},  // an existing member changes role
      existing->get());
  EXPECT_THAT(parsed.problems, IsEmpty());
  EXPECT_EQ(parsed.projects, 0);  // no project rows were read
  EXPECT_EQ(parsed.memberships, 2);
  ASSERT_THAT(parsed.dataset.projects, SizeIs(1));
  const Project& welcome = parsed.dataset.projects[0];
  const Project* stored = (*existing)->FindProject("urbact-welcome");
  ASSERT_NE(stored, nullptr);
  // Everything else of the stored project is kept.
  EXPECT_EQ(welcome.id, stored->id);
  EXPECT_EQ(welcome.title, stored->title);
  EXPECT_EQ(welcome.themes, stored->themes);
  EXPECT_EQ(welcome.start_year, stored->start_year);
  EXPECT_THAT(welcome.members,
              ElementsAre(Membership{"bilbao", Role::kLead},
                          Membership{"wien", Role::kLead},
                          Membership{"lyon", Role::kPartner},
                          Membership{"sevilla", Role::kPartner}));
}

TEST(DatasetReaderTest, BadRowAtTheEndOfALargeFileIsReportedWithItsLine) {
  std::string cities = kCitiesHeader;
  constexpr int kGood = 20000;
  for (int i = 0; i < kGood; ++i) {
    absl::StrAppend(&cities, "c", i, ",\"City ", i, ", Region\",IT,",
                    40 + (i % 1000) / 100.0, ",", 10 + (i % 700) / 100.0, ",",
                    i, i % 3 == 0 ? "\r\n" : "\n");
  }
  absl::StrAppend(&cities, "c-bad,Bad,IT,45.0,9.0,lots\n");
  ParsedDataset parsed = Parse({{"cities.csv", cities}});
  EXPECT_THAT(parsed.problems,
              ElementsAre(ProblemIs("cities.csv", kGood + 2, "population")));
  EXPECT_THAT(parsed.dataset.cities, SizeIs(kGood));
}

TEST(DatasetReaderTest, ProblemsAreCappedButCountedInFull) {
  std::string cities = kCitiesHeader;
  for (int i = 0; i < 150; ++i) {
    absl::StrAppend(&cities, "c", i, ",C,it,45,9,1\n");
  }
  ParsedDataset parsed = Parse({{"cities.csv", cities}});
  ASSERT_THAT(parsed.problems, SizeIs(kMaxReportedProblems));
  EXPECT_THAT(parsed.problems.front(), ProblemIs("cities.csv", 2, "country"));
  EXPECT_THAT(parsed.problems.back(),
              ProblemIs("cities.csv", kMaxReportedProblems + 1, "country"));
  // A reply that lists fewer must still say how many there are in all.
  EXPECT_EQ(parsed.problem_count, 150);
  const std::vector<std::string> lines = FormatProblems(parsed);
  ASSERT_THAT(lines, SizeIs(kMaxReportedProblems + 1));
  EXPECT_EQ(lines.back(), "and 50 more problems");
}

TEST(DatasetReaderTest, ProblemsUnderTheCapHaveNoSummaryLine) {
  ParsedDataset parsed = ParseCitiesWith("x1,X,it,45,9,1");
  EXPECT_EQ(parsed.problem_count, 1);
  EXPECT_THAT(FormatProblems(parsed), ElementsAre(HasSubstr("cities.csv:10")));
}

TEST(DatasetReaderTest, APopulationNoCityHasIsRefusedAsOutOfRange) {
  const std::string cities =
      absl::StrCat(kCitiesHeader,
                   "a,A,AT,45,9,100000000\n"
                   "b,B,AT,45,9,100000001\n"
                   "c,C,AT,45,9,9223372036854775807\n"
                   "d,D,AT,45,9,9223372036854775808\n"
                   "e,E,AT,45,9,99999999999999999999999\n"
                   "f,F,AT,45,9,-99999999999999999999\n"
                   "g,G,AT,45,9,1e30\n");
  const ParsedDataset parsed = Parse({{"cities.csv", cities}});
  const std::string range =
      "must be in 0..100000000 (no city has 100 million inhabitants)";
  EXPECT_THAT(
      ProblemLines(parsed),
      ElementsAre(
          "cities.csv:3: population " + range + ", got 100000001",
          "cities.csv:4: population " + range + ", got 9223372036854775807",
          "cities.csv:5: population 9223372036854775808 is out of range: " +
              range,
          "cities.csv:6: population 99999999999999999999999 is out of "
          "range: " +
              range,
          "cities.csv:7: population -99999999999999999999 is out of range: " +
              range,
          "cities.csv:8: population 1e30 is out of range: " + range));
  ASSERT_THAT(parsed.dataset.cities, SizeIs(1));
  EXPECT_EQ(parsed.dataset.cities[0].population, 100000000);

  // The evaluation reads such a population as unknown, as a negative one.
  const ParsedDataset lenient =
      ParseDataset({{"cities.csv", cities}}, nullptr, ReadRules::kEvaluation);
  EXPECT_THAT(
      ProblemLines(lenient),
      ElementsAre(
          "cities.csv:3: population 100000001 is out of range: " + range +
              "; read as unknown",
          "cities.csv:4: population 9223372036854775807 is out of range: " +
              range + "; read as unknown",
          "cities.csv:5: population 9223372036854775808 is out of range: " +
              range + "; read as unknown",
          "cities.csv:6: population 99999999999999999999999 is out of "
          "range: " +
              range + "; read as unknown",
          "cities.csv:7: population -99999999999999999999 is out of range: " +
              range + "; read as unknown",
          "cities.csv:8: population 1e30 is out of range: " + range +
              "; read as unknown"));
  ASSERT_THAT(lenient.dataset.cities, SizeIs(7));
  EXPECT_EQ(lenient.dataset.cities[0].population, 100000000);
  for (size_t i = 1; i < lenient.dataset.cities.size(); ++i) {
    EXPECT_EQ(lenient.dataset.cities[i].population, 0) << i;
  }
}

TEST(DatasetReaderTest, ReadDatasetFilesReadsOnlyTheInterchangeFiles) {
  testing::TempDir dir;
  dir.Write("cities.csv", "id,name,country,lat,lon,population\n");
  dir.Write("notes.txt", "not data");
  absl::StatusOr<std::map<std::string, std::string>> files =
      ReadDatasetFiles(dir.path());
  ASSERT_TRUE(files.ok()) << files.status();
  ASSERT_EQ(files->size(), 1u);
  EXPECT_EQ(files->begin()->first, "cities.csv");
  EXPECT_EQ(files->begin()->second, "id,name,country,lat,lon,population\n");
}

TEST(DatasetReaderTest, ReadDatasetFilesErrors) {
  testing::TempDir dir;
  EXPECT_EQ(ReadDatasetFiles(dir.File("missing")).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(ReadDatasetFiles(dir.path()).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(DatasetReaderTest, ReadDatasetFilesNamesAFileItCannotRead) {
  testing::TempDir dir;
  dir.Write("projects.csv", "id,name,programme,start_year,end_year,themes\n");
  std::filesystem::create_symlink(dir.File("gone.csv"), dir.File("cities.csv"));
  absl::StatusOr<std::map<std::string, std::string>> files =
      ReadDatasetFiles(dir.path());
  EXPECT_EQ(files.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(
      files.status().message(),
      absl::StrCat("cannot read ", dir.File("cities.csv"), ": it is a link to ",
                   dir.File("gone.csv"), ", which does not exist"));

  std::filesystem::remove(dir.File("cities.csv"));
  std::filesystem::create_directory(dir.File("cities.csv"));
  files = ReadDatasetFiles(dir.path());
  EXPECT_FALSE(files.ok());
  EXPECT_EQ(files.status().message(),
            absl::StrCat("cannot read ", dir.File("cities.csv"),
                         ": it is a directory, not a file"));

  // Nor is a FIFO opened (reading one would wait for a writer).
  std::filesystem::remove(dir.File("cities.csv"));
  ASSERT_EQ(mkfifo(dir.File("cities.csv").c_str(), 0600), 0);
  files = ReadDatasetFiles(dir.path());
  EXPECT_FALSE(files.ok());
  EXPECT_EQ(files.status().message(),
            absl::StrCat("cannot read ", dir.File("cities.csv"),
                         ": it is not a regular file"));

  // A link to a file is read as the file.
  std::filesystem::remove(dir.File("cities.csv"));
  dir.Write("elsewhere.txt", "id,name,country,lat,lon,population\n");
  std::filesystem::create_symlink(dir.File("elsewhere.txt"),
                                  dir.File("cities.csv"));
  files = ReadDatasetFiles(dir.path());
  ASSERT_TRUE(files.ok()) << files.status();
  EXPECT_EQ(files->at("cities.csv"), "id,name,country,lat,lon,population\n");
}

TEST(DatasetReaderTest, ReadDatasetListsProblemsAsFileLineReason) {
  testing::TempDir dir;
  dir.WriteAll(testing::SampleFiles());
  dir.Write("twinnings.csv", "city_a,city_b\nmilano,lyon\nmilano,atlantis\n");
  absl::StatusOr<Dataset> data = ReadDataset(dir.path());
  ASSERT_FALSE(data.ok());
  EXPECT_EQ(data.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(data.status().message(),
            "twinnings.csv:3: city atlantis does not exist");
}

TEST(DatasetReaderTest, ReadDatasetOfTheSampleEqualsSampleDataset) {
  testing::TempDir dir;
  dir.WriteAll(testing::SampleFiles());
  absl::StatusOr<Dataset> data = ReadDataset(dir.path());
  ASSERT_TRUE(data.ok()) << data.status();
  const Dataset sample = testing::SampleDataset();
  EXPECT_EQ(data->cities, sample.cities);
  EXPECT_EQ(data->projects, sample.projects);
  EXPECT_EQ(data->practices, sample.practices);
  EXPECT_EQ(data->twinnings, sample.twinnings);
}

}  // namespace
}  // namespace citymatch
