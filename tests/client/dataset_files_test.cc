#include "client/dataset_files.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace citymatch {
namespace {

using ::citymatch::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(DatasetFilesTest, ReadsOnlyTheInterchangeFilesPresent) {
  TempDir dir;
  dir.Write("cities.csv", "id,name\r\nx,X\r\n");
  dir.Write("twinnings.csv", "");
  dir.Write("README.md", "not data");
  absl::StatusOr<std::map<std::string, std::string>> files =
      ReadDatasetFolder(dir.path());
  ASSERT_TRUE(files.ok()) << files.status();
  EXPECT_EQ(*files,
            (std::map<std::string, std::string>{
                {"cities.csv", "id,name\r\nx,X\r\n"}, {"twinnings.csv", ""}}));
}

TEST(DatasetFilesTest, OtherCsvFilesAreTheOnesReadingLeavesOut) {
  TempDir dir;
  dir.Write("cities.csv", "id\n");
  dir.Write("zz_extra.csv", "x\n");
  dir.Write("eumia_practices.csv", "x\n");
  dir.Write("README.md", "x\n");
  dir.Write("projects.CSV", "id\n");
  EXPECT_EQ(OtherCsvFiles(dir.path()),
            (std::vector<std::string>{"eumia_practices.csv", "projects.CSV",
                                      "zz_extra.csv"}));
  EXPECT_TRUE(OtherCsvFiles(dir.File("missing")).empty());
}

TEST(DatasetFilesTest, MissingOrEmptyFolderIsAnError) {
  TempDir dir;
  EXPECT_EQ(ReadDatasetFolder(dir.File("missing")).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(ReadDatasetFolder(dir.path()).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(DatasetFilesTest, AFolderOfMisnamedFilesNamesThem) {
  TempDir dir;
  dir.Write("citys.csv", "id,name\n");
  absl::StatusOr<std::map<std::string, std::string>> files =
      ReadDatasetFolder(dir.path());
  EXPECT_EQ(files.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(files.status().message(), HasSubstr("(it holds citys.csv)"));
}

TEST(DatasetFilesTest, WriteCreatesTheFolderAndRoundTrips) {
  TempDir dir;
  const std::string out = dir.File("a/b");
  const std::map<std::string, std::string> files = {
      {"cities.csv", "id\nlyon\n"}, {"projects.csv", "id\n"}};
  ASSERT_TRUE(WriteDatasetFolder(out, files).ok());
  absl::StatusOr<std::map<std::string, std::string>> read =
      ReadDatasetFolder(out);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(*read, files);
}

TEST(DatasetFilesTest, ExistingFilesAreTheOnesAWriteWouldReplace) {
  TempDir dir;
  dir.Write("twinnings.csv", "city_a,city_b\n");
  dir.Write("cities.csv", "id\n");
  dir.Write("notes.csv", "mine\n");
  std::filesystem::create_symlink(dir.File("nowhere"),
                                  dir.File("projects.csv"));
  EXPECT_THAT(ExistingFiles(dir.path(), {"cities.csv", "projects.csv",
                                         "memberships.csv", "twinnings.csv"}),
              ElementsAre("cities.csv", "projects.csv", "twinnings.csv"));
  EXPECT_THAT(ExistingFiles(dir.File("missing"), {"cities.csv"}), IsEmpty());
}

TEST(DatasetFilesTest, WriteRefusesNamesThatLeaveTheFolder) {
  TempDir dir;
  for (const char* name : {"../escape.csv", "/etc/x.csv", "a/b.csv",
                           ".hidden.csv", "cities.txt", ""}) {
    EXPECT_EQ(WriteDatasetFolder(dir.File("out"), {{name, "x"}}).code(),
              absl::StatusCode::kInvalidArgument)
        << name;
  }
  EXPECT_FALSE(std::filesystem::exists(dir.File("escape.csv")));
  EXPECT_FALSE(std::filesystem::exists(dir.File("out")));
}

}  // namespace
}  // namespace citymatch
