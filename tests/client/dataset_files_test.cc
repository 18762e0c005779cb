#include "client/dataset_files.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace citymatch {
namespace {

using ::citymatch::testing::FileNames;
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

TEST(DatasetFilesTest, AFileThatIsThereButCannotBeReadIsAnError) {
  TempDir dir;
  dir.Write("projects.csv", "id\n");
  std::filesystem::create_symlink(dir.File("gone.csv"), dir.File("cities.csv"));
  absl::StatusOr<std::map<std::string, std::string>> files =
      ReadDatasetFolder(dir.path());
  EXPECT_FALSE(files.ok());
  EXPECT_THAT(files.status().message(),
              HasSubstr("cannot read " + dir.File("cities.csv") +
                        ": it is a link to "));

  std::filesystem::remove(dir.File("cities.csv"));
  std::filesystem::create_directory(dir.File("cities.csv"));
  files = ReadDatasetFolder(dir.path());
  EXPECT_FALSE(files.ok());
  EXPECT_THAT(files.status().message(),
              HasSubstr(dir.File("cities.csv") + ": it is a directory"));
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
  ASSERT_TRUE(WriteDatasetFolder(out, files, Existing::kKeep).ok());
  absl::StatusOr<std::map<std::string, std::string>> read =
      ReadDatasetFolder(out);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(*read, files);
}

std::string Content(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

TEST(DatasetFilesTest, WriteThatMustKeepFilesWritesNothingIfOneExists) {
  TempDir dir;
  dir.Write("twinnings.csv", "mine\n");
  const std::map<std::string, std::string> files = {
      {"cities.csv", "id\n"},
      {"projects.csv", "id\n"},
      {"twinnings.csv", "city_a,city_b\n"}};
  const absl::Status written =
      WriteDatasetFolder(dir.path(), files, Existing::kKeep);
  EXPECT_EQ(written.code(), absl::StatusCode::kAlreadyExists) << written;
  EXPECT_THAT(written.message(), HasSubstr("twinnings.csv"));
  // cities.csv and projects.csv were put in place before twinnings.csv was
  // refused: taken back, and no temporary left behind.
  EXPECT_THAT(FileNames(dir.path()), ElementsAre("twinnings.csv"));
  EXPECT_EQ(Content(dir.File("twinnings.csv")), "mine\n");
}

TEST(DatasetFilesTest, WriteThatMustKeepFilesKeepsALink) {
  TempDir dir;
  dir.Write("target", "mine\n");
  std::filesystem::create_symlink(dir.File("target"), dir.File("cities.csv"));
  EXPECT_EQ(
      WriteDatasetFolder(dir.path(), {{"cities.csv", "id\n"}}, Existing::kKeep)
          .code(),
      absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(Content(dir.File("target")), "mine\n");
  EXPECT_TRUE(std::filesystem::is_symlink(dir.File("cities.csv")));
}

TEST(DatasetFilesTest, WriteThatReplacesPutsNewFilesInPlace) {
  TempDir dir;
  dir.Write("cities.csv", "old\n");
  dir.Write("target", "mine\n");
  std::filesystem::create_symlink(dir.File("target"), dir.File("projects.csv"));
  ASSERT_TRUE(WriteDatasetFolder(
                  dir.path(),
                  {{"cities.csv", "id\nlyon\n"}, {"projects.csv", "id\n"}},
                  Existing::kReplace)
                  .ok());
  EXPECT_EQ(Content(dir.File("cities.csv")), "id\nlyon\n");
  // The link is replaced, not written through.
  EXPECT_FALSE(std::filesystem::is_symlink(dir.File("projects.csv")));
  EXPECT_EQ(Content(dir.File("projects.csv")), "id\n");
  EXPECT_EQ(Content(dir.File("target")), "mine\n");
  EXPECT_THAT(FileNames(dir.path()),
              ElementsAre("cities.csv", "projects.csv", "target"));
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
    EXPECT_EQ(
        WriteDatasetFolder(dir.File("out"), {{name, "x"}}, Existing::kKeep)
            .code(),
        absl::StatusCode::kInvalidArgument)
        << name;
  }
  EXPECT_FALSE(std::filesystem::exists(dir.File("escape.csv")));
  EXPECT_FALSE(std::filesystem::exists(dir.File("out")));
}

}  // namespace
}  // namespace citymatch
