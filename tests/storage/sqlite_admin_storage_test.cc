// SqliteAdminStorage's organisation writes on a real file: a rename and the
// cities change together, a delete removes only that organisation, both
// survive a reopen, and an unknown id is NotFound with nothing written.
#include "graph/storage/sqlite_admin_storage.h"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "graph/storage/sqlite_util.h"
#include "gtest/gtest.h"
#include "sqlite3.h"
#include "tests/testing/temp_dir.h"

namespace citymatch {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class SqliteAdminStorageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Reopen();
    for (const auto& [id, cities] :
         std::vector<std::pair<std::string, std::vector<std::string>>>{
             {"milano", {"3173435"}}, {"torino", {"3165524", "3173435"}}}) {
      OrganizationRecord org;
      org.id = id;
      org.display_name = "Comune di " + id;
      org.city_ids = cities;
      org.create_time_ms = 1000;
      ASSERT_TRUE(storage_->InsertOrganization(org).ok());
    }
  }

  // Closes the database and opens it again, as a restart would.
  void Reopen() {
    storage_.reset();
    absl::StatusOr<std::unique_ptr<SqliteAdminStorage>> storage =
        SqliteAdminStorage::Open(dir_.path());
    ASSERT_TRUE(storage.ok()) << storage.status();
    storage_ = std::move(*storage);
  }

  std::vector<OrganizationRecord> Load() {
    absl::StatusOr<std::vector<OrganizationRecord>> orgs =
        storage_->LoadOrganizations();
    EXPECT_TRUE(orgs.ok()) << orgs.status();
    return orgs.ok() ? *orgs : std::vector<OrganizationRecord>();
  }

  testing::TempDir dir_;
  std::unique_ptr<SqliteAdminStorage> storage_;
};

TEST_F(SqliteAdminStorageTest, UpdateWritesNameAndCitiesAndKeepsCreateTime) {
  OrganizationRecord org;
  org.id = "milano";
  org.display_name = "Città di Milano";
  org.city_ids = {"3173435", "3181928"};
  org.create_time_ms = 99;  // not written
  ASSERT_TRUE(storage_->UpdateOrganization(org).ok());
  Reopen();
  const std::vector<OrganizationRecord> orgs = Load();
  ASSERT_EQ(orgs.size(), 2u);
  EXPECT_EQ(orgs[0].id, "milano");
  EXPECT_EQ(orgs[0].display_name, "Città di Milano");
  EXPECT_THAT(orgs[0].city_ids, ElementsAre("3173435", "3181928"));
  EXPECT_EQ(orgs[0].create_time_ms, 1000);
  // The other one is as it was.
  EXPECT_EQ(orgs[1].display_name, "Comune di torino");
  EXPECT_THAT(orgs[1].city_ids, ElementsAre("3165524", "3173435"));
}

TEST_F(SqliteAdminStorageTest, UpdateToNoCitiesLoadsAsNoCities) {
  OrganizationRecord org;
  org.id = "torino";
  org.display_name = "Comune di torino";
  ASSERT_TRUE(storage_->UpdateOrganization(org).ok());
  Reopen();
  EXPECT_THAT(Load()[1].city_ids, IsEmpty());
}

TEST_F(SqliteAdminStorageTest, UpdateOfAnUnknownOrganizationIsNotFound) {
  OrganizationRecord org;
  org.id = "roma";
  org.display_name = "Roma";
  EXPECT_EQ(storage_->UpdateOrganization(org).code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(Load().size(), 2u);
}

TEST_F(SqliteAdminStorageTest, DeleteRemovesOnlyThatOrganizationForGood) {
  TokenRecord token;
  token.id = "0123456789abcdef";
  token.display_name = "Milano editors";
  token.role = TokenRole::kEditor;
  token.organization_id = "milano";
  token.revoked = true;
  ASSERT_TRUE(storage_->PutToken(token).ok());

  ASSERT_TRUE(storage_->DeleteOrganization("milano").ok());
  Reopen();
  const std::vector<OrganizationRecord> orgs = Load();
  ASSERT_EQ(orgs.size(), 1u);
  EXPECT_EQ(orgs[0].id, "torino");
  // Its tokens stay, as the record of who acted for it.
  absl::StatusOr<std::vector<TokenRecord>> tokens = storage_->LoadTokens();
  ASSERT_TRUE(tokens.ok()) << tokens.status();
  ASSERT_EQ(tokens->size(), 1u);
  EXPECT_EQ((*tokens)[0].organization_id, "milano");

  // Twice: it is gone.
  EXPECT_EQ(storage_->DeleteOrganization("milano").code(),
            absl::StatusCode::kNotFound);
  // The id can be used again.
  OrganizationRecord again;
  again.id = "milano";
  again.display_name = "Milano, again";
  EXPECT_TRUE(storage_->InsertOrganization(again).ok());
}

TEST_F(SqliteAdminStorageTest, DeleteOfAnUnknownOrganizationIsNotFound) {
  EXPECT_EQ(storage_->DeleteOrganization("roma").code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(Load().size(), 2u);
}

// An update of many organisations that fails at its last one (unknown) has
// had most of its pages spilled into the WAL: the rollback gives that space
// back, where it used to stay taken (on a full disk, refusing every later
// write of the audit log). Nothing of the update is kept.
TEST_F(SqliteAdminStorageTest, AFailedUpdateGivesItsWalSpaceBack) {
  const std::filesystem::path file =
      std::filesystem::path(dir_.path()) / SqliteAdminStorage::kFileName;
  // 5,000 organisations, in one transaction of another connection.
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &other), SQLITE_OK);
  ASSERT_TRUE(SqliteExec(other,
                         "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL "
                         "SELECT i + 1 FROM n WHERE i < 5000) "
                         "INSERT INTO organizations (id, display_name, "
                         "city_ids, create_time_ms) "
                         "SELECT 'org-' || i, 'Org', '', 1000 FROM n")
                  .ok());
  sqlite3_close(other);

  // About 5 MB of new cities, more than SQLite's page cache (2 MB) holds.
  std::vector<std::string> cities;
  for (int i = 0; i < 100; ++i) cities.push_back(absl::StrCat(3100000 + i));
  std::vector<OrganizationRecord> update;
  for (int i = 1; i <= 5000; ++i) {
    OrganizationRecord org;
    org.id = absl::StrCat("org-", i);
    org.city_ids = cities;
    update.push_back(std::move(org));
  }
  update.push_back(OrganizationRecord{"roma", "", cities, 0});
  EXPECT_EQ(storage_->UpdateOrganizationCities(update).code(),
            absl::StatusCode::kNotFound);
  std::error_code error;
  EXPECT_LT(std::filesystem::file_size(file.string() + "-wal", error),
            64u << 10);

  EXPECT_TRUE(storage_->DeleteOrganization("org-1").ok());
  Reopen();
  const std::vector<OrganizationRecord> orgs = Load();
  ASSERT_EQ(orgs.size(), 5001u);
  for (const OrganizationRecord& org : orgs) {
    if (org.id != "milano" && org.id != "torino") {
      EXPECT_THAT(org.city_ids, IsEmpty()) << org.id;
    }
  }
}

}  // namespace
}  // namespace citymatch
