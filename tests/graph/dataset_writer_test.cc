#include "graph/dataset_writer.h"

#include <map>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "graph/dataset_reader.h"
#include "graph/graph_builder.h"
#include "gtest/gtest.h"
#include "tests/testing/sample_data.h"
#include "tests/testing/temp_dir.h"

namespace citymatch {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::shared_ptr<const GraphSnapshot> Build(Dataset data) {
  absl::StatusOr<std::shared_ptr<const GraphSnapshot>> graph =
      GraphBuilder(std::move(data)).Build(1);
  EXPECT_TRUE(graph.ok()) << graph.status();
  return graph.ok() ? *graph : nullptr;
}

// Sorted by id, as a snapshot holds it, so that file order does not matter.
Dataset Canonical(Dataset data) {
  std::shared_ptr<const GraphSnapshot> graph = Build(std::move(data));
  return graph == nullptr ? Dataset() : GraphBuilder::ToDataset(*graph);
}

void ExpectSameDataset(const Dataset& a, const Dataset& b) {
  EXPECT_EQ(a.cities.size(), b.cities.size());
  EXPECT_EQ(a.projects.size(), b.projects.size());
  EXPECT_EQ(a.practices.size(), b.practices.size());
  EXPECT_EQ(a.twinnings.size(), b.twinnings.size());
  EXPECT_TRUE(a.cities == b.cities);
  EXPECT_TRUE(a.projects == b.projects);
  EXPECT_TRUE(a.practices == b.practices);
  EXPECT_TRUE(a.twinnings == b.twinnings);
}

// Writes `graph`, parses the files again and compares.
void ExpectRoundTrip(const GraphSnapshot& graph) {
  ParsedDataset parsed = ParseDataset(WriteDatasetFiles(graph), nullptr);
  ASSERT_THAT(parsed.problems, IsEmpty());
  ExpectSameDataset(Canonical(std::move(parsed.dataset)),
                    GraphBuilder::ToDataset(graph));
}

TEST(DatasetWriterTest, WritesTheFiveFilesWithTheirHeaders) {
  std::shared_ptr<const GraphSnapshot> graph = Build(testing::SampleDataset());
  ASSERT_NE(graph, nullptr);
  std::map<std::string, std::string> files = WriteDatasetFiles(*graph);
  ASSERT_EQ(files.size(), 5u);
  auto header = [&](const char* file) {
    return files[file].substr(0, files[file].find('\n'));
  };
  EXPECT_EQ(header("cities.csv"), "id,name,country,lat,lon,population");
  EXPECT_EQ(header("projects.csv"),
            "id,name,programme,start_year,end_year,themes");
  EXPECT_EQ(header("memberships.csv"), "project_id,city_id,role");
  EXPECT_EQ(header("practices.csv"), "id,name,city_id,themes,start_year");
  EXPECT_EQ(files["twinnings.csv"],
            "city_a,city_b\ngraz,sevilla\nlyon,milano\n");
}

TEST(DatasetWriterTest, QuotesFieldsThatNeedItAndLeavesUnknownYearsEmpty) {
  std::shared_ptr<const GraphSnapshot> graph = Build(testing::SampleDataset());
  ASSERT_NE(graph, nullptr);
  std::map<std::string, std::string> files = WriteDatasetFiles(*graph);
  EXPECT_THAT(files["cities.csv"],
              HasSubstr("sevilla,\"Sevilla, Andalucia\",ES,"));
  EXPECT_THAT(files["practices.csv"],
              HasSubstr("gp-sevilla-housing,\"Homes, not shelters\",sevilla,"
                        "Housing|Roma,\n"));
  EXPECT_THAT(files["projects.csv"],
              HasSubstr("interreg-it-at-health,Health Across,"
                        "Interreg V-A Italy-Austria,2017,,"
                        "Health and social services\n"));
  EXPECT_THAT(files["memberships.csv"],
              HasSubstr("urbact-arrival,milano,lead\n"));
  // Coordinates keep the six decimals of the data they came from.
  EXPECT_THAT(files["cities.csv"],
              HasSubstr("milano,Milano,IT,45.464270,9.189510,1371498\n"));
}

TEST(DatasetWriterTest, SampleRoundTrips) {
  std::shared_ptr<const GraphSnapshot> graph = Build(testing::SampleDataset());
  ASSERT_NE(graph, nullptr);
  ExpectRoundTrip(*graph);
}

TEST(DatasetWriterTest, ShippedDataRoundTrips) {
  absl::StatusOr<Dataset> data = ReadDataset(testing::ShippedDataDir());
  ASSERT_TRUE(data.ok()) << data.status();
  std::shared_ptr<const GraphSnapshot> graph = Build(*std::move(data));
  ASSERT_NE(graph, nullptr);
  EXPECT_EQ(graph->cities().size(), 7166u);
  ExpectRoundTrip(*graph);
}

TEST(DatasetWriterTest, AwkwardTextAndCoordinatesRoundTrip) {
  Dataset data;
  // Coordinates as the API may set them, with more digits than the shipped
  // data; names with every character CSV must quote.
  data.cities.push_back(
      {"a", "Saint-\"Quote\", Town", "FR", 45.123456789, -0.000000123, 1});
  data.cities.push_back(
      {"b", "Ünïcödé – Łódź", "PL", -89.99999999, 179.9999999, 0});
  data.cities.push_back({"c", "C", "IT", 1.0 / 3.0, 2.0 / 3.0, 5});
  Project p;
  p.id = "p";
  p.title = "Commas, \"quotes\" and more";
  p.programme = "Prog, 2014 - 2020";
  p.themes = {"Migrants", "Housing, social", "\"Quoted\" theme"};
  p.members = {{"b", Role::kPartner}, {"a", Role::kLead}};
  p.start_year = 2014;
  p.status = ProjectStatus::kClosed;
  data.projects.push_back(p);
  Practice practice;
  practice.id = "x";
  practice.title = "T";
  practice.city_id = "c";
  data.practices.push_back(practice);
  data.twinnings.push_back(Twinning::Normalized("c", "a"));
  std::shared_ptr<const GraphSnapshot> graph = Build(std::move(data));
  ASSERT_NE(graph, nullptr);
  ExpectRoundTrip(*graph);
}

TEST(DatasetWriterTest, WriteDatasetWritesFilesThatReadBack) {
  std::shared_ptr<const GraphSnapshot> graph = Build(testing::SampleDataset());
  ASSERT_NE(graph, nullptr);
  testing::TempDir dir;
  ASSERT_TRUE(WriteDataset(*graph, dir.path()).ok());
  absl::StatusOr<Dataset> read = ReadDataset(dir.path());
  ASSERT_TRUE(read.ok()) << read.status();
  ExpectSameDataset(Canonical(*std::move(read)),
                    GraphBuilder::ToDataset(*graph));
}

TEST(DatasetWriterTest, WriteDatasetIntoAMissingDirectoryIsUnavailable) {
  std::shared_ptr<const GraphSnapshot> graph = Build(testing::SampleDataset());
  ASSERT_NE(graph, nullptr);
  testing::TempDir dir;
  absl::Status status = WriteDataset(*graph, dir.File("no/such/dir"));
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace citymatch
