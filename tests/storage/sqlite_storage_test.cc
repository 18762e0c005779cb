#include "graph/storage/sqlite_storage.h"

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "graph/dataset_reader.h"
#include "graph/graph_builder.h"
#include "graph/graph_store.h"
#include "graph/storage/sqlite_util.h"
#include "gtest/gtest.h"
#include "sqlite3.h"
#include "tests/testing/sample_data.h"
#include "tests/testing/temp_dir.h"

namespace citymatch {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;

// The data set as a snapshot holds it: sorted by id, twinnings normalised.
Dataset Canonical(Dataset data) {
  absl::StatusOr<std::shared_ptr<const GraphSnapshot>> g =
      GraphBuilder(std::move(data)).Build(0);
  EXPECT_TRUE(g.ok()) << g.status();
  return g.ok() ? GraphBuilder::ToDataset(**g) : Dataset();
}

void ExpectSameDataset(const Dataset& a, const Dataset& b) {
  ASSERT_EQ(a.cities.size(), b.cities.size());
  ASSERT_EQ(a.projects.size(), b.projects.size());
  ASSERT_EQ(a.practices.size(), b.practices.size());
  ASSERT_EQ(a.twinnings.size(), b.twinnings.size());
  for (size_t i = 0; i < a.cities.size(); ++i) {
    EXPECT_TRUE(a.cities[i] == b.cities[i]) << a.cities[i].id;
  }
  for (size_t i = 0; i < a.projects.size(); ++i) {
    EXPECT_TRUE(a.projects[i] == b.projects[i]) << a.projects[i].id;
  }
  for (size_t i = 0; i < a.practices.size(); ++i) {
    EXPECT_TRUE(a.practices[i] == b.practices[i]) << a.practices[i].id;
  }
  EXPECT_TRUE(a.twinnings == b.twinnings);
}

// Everything of `data` as one mutation of puts.
Mutation PutAll(const Dataset& data) {
  Mutation m;
  m.put_cities = data.cities;
  m.put_projects = data.projects;
  m.put_practices = data.practices;
  for (const Twinning& t : data.twinnings) {
    m.put_twinnings.push_back(Twinning::Normalized(t.city_a, t.city_b));
  }
  return m;
}

// The sample, with every field the interchange format does not carry set
// too, so that storage is shown to keep them.
Dataset RichSample() {
  Dataset data = testing::SampleDataset();
  City& milano = data.cities[0];
  milano.profile.seeking_themes = {"Migrants", "Housing, social"};
  milano.profile.languages = {"it", "en"};
  milano.profile.capacity = 3;
  milano.profile.contact_organization = "Comune di Milano";
  milano.name = "Milano \"la Grande\" – Città";
  milano.lat = 45.123456789012345;
  Project& arrival = data.projects[0];
  arrival.status = ProjectStatus::kRunning;
  arrival.owner = "comune-milano";
  arrival.wanted_partners = 4;
  arrival.rules = {3, 2, 1};
  Practice& health = data.practices[0];
  health.summary = "Peer health education, by and for migrant women.";
  health.source_url = "https://example.org/practice?id=1&lang=en";
  health.owner = "bilbao";
  return data;
}

absl::StatusOr<StoredGraph> Reload(const std::string& dir) {
  absl::StatusOr<std::unique_ptr<SqliteStorage>> storage =
      SqliteStorage::Open(dir);
  if (!storage.ok()) return storage.status();
  return (*storage)->Load();
}

std::string QueryText(sqlite3* db, const char* sql) {
  SqliteStatement q(db, sql);
  if (!q.Step()) return absl::StrCat("error: ", q.status().ToString());
  return q.Text(0);
}

TEST(SqliteStorageTest, NewStoreIsEmptyAtVersionZero) {
  testing::TempDir dir;
  const std::string path = dir.File("nested/data");  // created on open
  absl::StatusOr<std::unique_ptr<SqliteStorage>> storage =
      SqliteStorage::Open(path);
  ASSERT_TRUE(storage.ok()) << storage.status();
  EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(path) /
                                      SqliteStorage::kFileName));
  absl::StatusOr<StoredGraph> stored = (*storage)->Load();
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->version, 0);
  EXPECT_TRUE(stored->data.cities.empty());
  EXPECT_TRUE(stored->data.projects.empty());
}

TEST(SqliteStorageTest, WriteCloseReopenReadsBackEqual) {
  testing::TempDir dir;
  const Dataset data = RichSample();
  {
    absl::StatusOr<std::unique_ptr<SqliteStorage>> storage =
        SqliteStorage::Open(dir.path());
    ASSERT_TRUE(storage.ok()) << storage.status();
    ASSERT_TRUE((*storage)->Apply(PutAll(data), 1).ok());
  }
  absl::StatusOr<StoredGraph> stored = Reload(dir.path());
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->version, 1);
  ExpectSameDataset(stored->data, Canonical(data));
  // Member order is content (the lead first, as entered).
  const Project& arrival = stored->data.projects[2];
  ASSERT_EQ(arrival.id, "urbact-arrival");
  EXPECT_THAT(arrival.members,
              ElementsAre(Membership{"milano", Role::kLead},
                          Membership{"roma", Role::kPartner},
                          Membership{"wien", Role::kPartner},
                          Membership{"bilbao", Role::kPartner}));
  EXPECT_EQ(arrival.status, ProjectStatus::kRunning);
  EXPECT_EQ(arrival.rules, (ConsortiumRules{3, 2, 1}));
}

TEST(SqliteStorageTest, VersionPersistsAcrossReopens) {
  testing::TempDir dir;
  for (int64_t version = 1; version <= 3; ++version) {
    absl::StatusOr<std::unique_ptr<SqliteStorage>> storage =
        SqliteStorage::Open(dir.path());
    ASSERT_TRUE(storage.ok()) << storage.status();
    absl::StatusOr<StoredGraph> before = (*storage)->Load();
    ASSERT_TRUE(before.ok());
    EXPECT_EQ(before->version, version - 1);
    City c;
    c.id = absl::StrCat("c", version);
    c.name = "C";
    c.country = "IT";
    Mutation m;
    m.put_cities = {c};
    ASSERT_TRUE((*storage)->Apply(m, version).ok());
  }
  absl::StatusOr<StoredGraph> stored = Reload(dir.path());
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->version, 3);
  EXPECT_THAT(stored->data.cities, SizeIs(3));
}

TEST(SqliteStorageTest, MutationWithPutsAndDeletes) {
  testing::TempDir dir;
  absl::StatusOr<std::unique_ptr<SqliteStorage>> storage =
      SqliteStorage::Open(dir.path());
  ASSERT_TRUE(storage.ok()) << storage.status();
  const Dataset sample = testing::SampleDataset();
  ASSERT_TRUE((*storage)->Apply(PutAll(sample), 1).ok());

  Mutation m;
  // Replacing a project replaces its member list, not appends to it.
  Project welcome = sample.projects[1];
  ASSERT_EQ(welcome.id, "urbact-welcome");
  welcome.members = {{"lyon", Role::kLead}};
  welcome.title = "Welcoming Cities (2nd phase)";
  m.put_projects = {welcome};
  m.delete_projects = {"urbact-arrival"};
  m.delete_practices = {"gp-sevilla-housing"};
  m.delete_twinnings = {Twinning::Normalized("graz", "sevilla")};
  m.delete_cities = {"sevilla"};
  City napoli;
  napoli.id = "napoli";
  napoli.name = "Napoli";
  napoli.country = "IT";
  m.put_cities = {napoli};
  m.put_twinnings = {Twinning::Normalized("napoli", "roma")};
  ASSERT_TRUE((*storage)->Apply(m, 2).ok());
  storage->reset();

  absl::StatusOr<StoredGraph> stored = Reload(dir.path());
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->version, 2);
  absl::StatusOr<std::shared_ptr<const GraphSnapshot>> expected = [&] {
    GraphBuilder builder(sample);
    builder.Apply(m);
    return std::move(builder).Build(2);
  }();
  ASSERT_TRUE(expected.ok()) << expected.status();
  ExpectSameDataset(stored->data, GraphBuilder::ToDataset(**expected));
  // The deleted project's memberships went with it.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(
                (std::filesystem::path(dir.path()) / SqliteStorage::kFileName)
                    .c_str(),
                &db),
            SQLITE_OK);
  EXPECT_EQ(QueryText(db,
                      "SELECT count(*) FROM memberships "
                      "WHERE project_id = 'urbact-arrival'"),
            "0");
  EXPECT_EQ(QueryText(db,
                      "SELECT count(*) FROM memberships "
                      "WHERE project_id = 'urbact-welcome'"),
            "1");
  sqlite3_close(db);
}

TEST(SqliteStorageTest, UsesWalWithFullSynchronousCommits) {
  testing::TempDir dir;
  absl::StatusOr<std::unique_ptr<SqliteStorage>> storage =
      SqliteStorage::Open(dir.path());
  ASSERT_TRUE(storage.ok()) << storage.status();
  EXPECT_EQ(QueryText((*storage)->db(), "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(QueryText((*storage)->db(), "PRAGMA synchronous"), "2");  // FULL
}

TEST(SqliteStorageTest, SchemaVersionIsStoredInUserVersion) {
  testing::TempDir dir;
  absl::StatusOr<std::unique_ptr<SqliteStorage>> storage =
      SqliteStorage::Open(dir.path());
  ASSERT_TRUE(storage.ok()) << storage.status();
  EXPECT_EQ(QueryText((*storage)->db(), "PRAGMA user_version"),
            absl::StrCat(SqliteStorage::kSchemaVersion));
  for (const char* table : {"meta", "cities", "projects", "memberships",
                            "practices", "twinnings"}) {
    const std::string sql = absl::StrCat(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '",
        table, "'");
    EXPECT_EQ(QueryText((*storage)->db(), sql.c_str()), "1") << table;
  }
}

TEST(SqliteStorageTest, NewerSchemaIsFailedPrecondition) {
  testing::TempDir dir;
  {
    absl::StatusOr<std::unique_ptr<SqliteStorage>> storage =
        SqliteStorage::Open(dir.path());
    ASSERT_TRUE(storage.ok()) << storage.status();
    const std::string bump = absl::StrCat("PRAGMA user_version = ",
                                          SqliteStorage::kSchemaVersion + 1);
    ASSERT_TRUE(SqliteExec((*storage)->db(), bump.c_str()).ok());
  }
  absl::StatusOr<std::unique_ptr<SqliteStorage>> reopened =
      SqliteStorage::Open(dir.path());
  ASSERT_FALSE(reopened.ok());
  EXPECT_EQ(reopened.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(reopened.status().message(),
              HasSubstr(absl::StrCat("schema version ",
                                     SqliteStorage::kSchemaVersion + 1)));
}

TEST(SqliteStorageTest, GarbageFileIsDataLoss) {
  testing::TempDir dir;
  std::string garbage;
  uint32_t x = 12345;
  for (int i = 0; i < 8192; ++i) {
    x = x * 1103515245 + 12345;
    garbage.push_back(static_cast<char>(x >> 24));
  }
  dir.Write(SqliteStorage::kFileName, garbage);
  absl::StatusOr<std::unique_ptr<SqliteStorage>> storage =
      SqliteStorage::Open(dir.path());
  ASSERT_FALSE(storage.ok());
  EXPECT_EQ(storage.status().code(), absl::StatusCode::kDataLoss)
      << storage.status();
}

TEST(SqliteStorageTest, DirectoryThatIsAFileIsUnavailable) {
  testing::TempDir dir;
  dir.Write("plain-file", "x");
  absl::StatusOr<std::unique_ptr<SqliteStorage>> storage =
      SqliteStorage::Open(dir.File("plain-file"));
  ASSERT_FALSE(storage.ok());
  EXPECT_EQ(storage.status().code(), absl::StatusCode::kUnavailable);
}

TEST(SqliteStorageTest, StoreThatCannotBeWrittenIsRefusedAtOpen) {
  // Root writes a file whatever its mode says.
  if (::geteuid() == 0) GTEST_SKIP() << "file modes do not bind root";
  testing::TempDir dir;
  {
    absl::StatusOr<std::unique_ptr<SqliteStorage>> storage =
        SqliteStorage::Open(dir.path());
    ASSERT_TRUE(storage.ok()) << storage.status();
    ASSERT_TRUE((*storage)->Apply(PutAll(testing::SampleDataset()), 1).ok());
  }
  const std::string file = dir.File(SqliteStorage::kFileName);
  std::filesystem::permissions(file, std::filesystem::perms::owner_read);
  absl::StatusOr<std::unique_ptr<SqliteStorage>> storage =
      SqliteStorage::Open(dir.path());
  ASSERT_FALSE(storage.ok());
  EXPECT_EQ(storage.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(storage.status().message(), HasSubstr(file));
  EXPECT_THAT(storage.status().message(),
              HasSubstr("cannot be written by this process"));
}

TEST(SqliteStorageTest, StoreInADirectoryThatCannotBeWrittenIsNamed) {
  if (::geteuid() == 0) GTEST_SKIP() << "file modes do not bind root";
  testing::TempDir dir;
  {
    absl::StatusOr<std::unique_ptr<SqliteStorage>> storage =
        SqliteStorage::Open(dir.path());
    ASSERT_TRUE(storage.ok()) << storage.status();
  }
  // Closed cleanly, so there is no -wal file: it would have to be made.
  std::filesystem::permissions(
      dir.path(),
      std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
  absl::StatusOr<std::unique_ptr<SqliteStorage>> storage =
      SqliteStorage::Open(dir.path());
  std::filesystem::permissions(dir.path(), std::filesystem::perms::owner_all);
  ASSERT_FALSE(storage.ok());
  EXPECT_THAT(storage.status().message(),
              HasSubstr(dir.File(SqliteStorage::kFileName)));
}

TEST(SqliteStorageTest, CleanCloseLeavesNoWal) {
  testing::TempDir dir;
  const std::filesystem::path wal =
      std::filesystem::path(dir.path()) /
      absl::StrCat(SqliteStorage::kFileName, "-wal");
  {
    absl::StatusOr<std::unique_ptr<SqliteStorage>> storage =
        SqliteStorage::Open(dir.path());
    ASSERT_TRUE(storage.ok()) << storage.status();
    ASSERT_TRUE((*storage)->Apply(PutAll(testing::SampleDataset()), 1).ok());
    EXPECT_TRUE(std::filesystem::exists(wal));
  }
  EXPECT_FALSE(std::filesystem::exists(wal));
  absl::StatusOr<StoredGraph> stored = Reload(dir.path());
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->version, 1);
}

TEST(SqliteStorageTest, FailedCommitIsUnavailableAndChangesNothing) {
  testing::TempDir dir;
  absl::StatusOr<std::unique_ptr<SqliteStorage>> storage =
      SqliteStorage::Open(dir.path());
  ASSERT_TRUE(storage.ok()) << storage.status();
  ASSERT_TRUE((*storage)->Apply(PutAll(testing::SampleDataset()), 1).ok());

  // Another connection holds the write lock; do not wait for it.
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(
                (std::filesystem::path(dir.path()) / SqliteStorage::kFileName)
                    .c_str(),
                &other),
            SQLITE_OK);
  ASSERT_TRUE(SqliteExec(other, "BEGIN IMMEDIATE").ok());
  sqlite3_busy_timeout((*storage)->db(), 0);
  Mutation m;
  m.delete_twinnings = {Twinning::Normalized("lyon", "milano")};
  absl::Status status = (*storage)->Apply(m, 2);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  ASSERT_TRUE(SqliteExec(other, "ROLLBACK").ok());
  sqlite3_close(other);

  absl::StatusOr<StoredGraph> stored = (*storage)->Load();
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->version, 1);
  EXPECT_THAT(stored->data.twinnings, SizeIs(2));
  // The connection is usable again afterwards.
  EXPECT_TRUE((*storage)->Apply(m, 2).ok());
  stored = (*storage)->Load();
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->version, 2);
  EXPECT_THAT(stored->data.twinnings, SizeIs(1));
}

// The size of the WAL file of `dir`'s graph database; 0 if there is none.
uintmax_t WalSize(const std::string& dir) {
  std::error_code error;
  const uintmax_t size = std::filesystem::file_size(
      std::filesystem::path(dir) /
          absl::StrCat(SqliteStorage::kFileName, "-wal"),
      error);
  return error ? 0 : size;
}

// An import of `n` new cities, of about 5 MB for n = 20,000.
Mutation ManyCities(int n) {
  Mutation m;
  for (int i = 0; i < n; ++i) {
    City c;
    c.id = absl::StrCat("town-", 100000 + i);
    c.name = absl::StrCat("Town number ", i, " of a data set too large");
    c.country = "IT";
    c.lat = 45 + i / 1e5;
    c.lon = 9;
    c.population = 1000 + i;
    c.profile.contact_organization = std::string(100, 'x');
    m.put_cities.push_back(std::move(c));
  }
  return m;
}

// A write that fails after it wrote most of its rows (here a trigger refuses
// the last one; on a full disk SQLite refuses the next page) has had its
// pages spilled into the WAL. They are garbage, but used to keep their disk
// space: on a full disk, every later write of either database was refused,
// also after a restart. The WAL is emptied instead, and the next write goes
// through.
TEST(SqliteStorageTest, AFailedWriteGivesItsWalSpaceBack) {
  testing::TempDir dir;
  absl::StatusOr<std::unique_ptr<SqliteStorage>> storage =
      SqliteStorage::Open(dir.path());
  ASSERT_TRUE(storage.ok()) << storage.status();
  ASSERT_TRUE((*storage)->Apply(PutAll(testing::SampleDataset()), 1).ok());
  sqlite3* db = (*storage)->db();
  // A page cache of 50 pages: the write spills into the WAL at 200 kB, as
  // one larger than the default cache (2 MB) does.
  ASSERT_TRUE(SqliteExec(db, "PRAGMA cache_size = 50").ok());
  ASSERT_TRUE(SqliteExec(db,
                         "CREATE TRIGGER refuse_the_last BEFORE INSERT ON "
                         "cities WHEN NEW.id = 'town-119999' BEGIN "
                         "SELECT RAISE(ABORT, 'no room for the last one'); END")
                  .ok());

  absl::Status status = (*storage)->Apply(ManyCities(20000), 2);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_THAT(status.message(), HasSubstr("no room for the last one"));
  EXPECT_LT(WalSize(dir.path()), 64u << 10);

  Mutation m;
  m.delete_twinnings = {Twinning::Normalized("lyon", "milano")};
  ASSERT_TRUE((*storage)->Apply(m, 2).ok());
  storage->reset();
  absl::StatusOr<StoredGraph> stored = Reload(dir.path());
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->version, 2);
  EXPECT_EQ(stored->data.cities.size(), 8u);
  EXPECT_THAT(stored->data.twinnings, SizeIs(1));
}

// A large import that succeeds leaves no WAL of its size (about 5 MB here)
// until the next write or the store is closed.
TEST(SqliteStorageTest, ALargeWriteLeavesNoLargeWal) {
  testing::TempDir dir;
  absl::StatusOr<std::unique_ptr<SqliteStorage>> storage =
      SqliteStorage::Open(dir.path());
  ASSERT_TRUE(storage.ok()) << storage.status();
  ASSERT_TRUE((*storage)->Apply(ManyCities(20000), 1).ok());
  EXPECT_LE(WalSize(dir.path()), static_cast<uintmax_t>(kWalSizeLimit));
  Mutation m;
  m.delete_cities = {"town-100000"};
  ASSERT_TRUE((*storage)->Apply(m, 2).ok());
  EXPECT_LE(WalSize(dir.path()), static_cast<uintmax_t>(kWalSizeLimit));
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(
                (std::filesystem::path(dir.path()) / SqliteStorage::kFileName)
                    .c_str(),
                &other),
            SQLITE_OK);
  EXPECT_EQ(QueryText(other, "SELECT count(*) FROM cities"), "19999");
  sqlite3_close(other);
}

// SQL function file_size(path): the size of that file in bytes.
void FileSizeFunction(sqlite3_context* context, int, sqlite3_value** args) {
  const char* path = reinterpret_cast<const char*>(sqlite3_value_text(args[0]));
  std::error_code error;
  const uintmax_t size =
      std::filesystem::file_size(path != nullptr ? path : "", error);
  sqlite3_result_int64(context, error ? -1 : static_cast<int64_t>(size));
}

// Emptying the WAL after a failed write writes the commits it still holds
// into the database file first, which a full disk refuses: a large write
// begins only once the database file holds every commit, so its failure
// leaves nothing to copy.
TEST(SqliteStorageTest, ALargeWriteBeginsWithEveryCommitInTheDatabaseFile) {
  testing::TempDir dir;
  absl::StatusOr<std::unique_ptr<SqliteStorage>> storage =
      SqliteStorage::Open(dir.path());
  ASSERT_TRUE(storage.ok()) << storage.status();
  // Small writes, which stay in the WAL.
  ASSERT_TRUE((*storage)->Apply(PutAll(testing::SampleDataset()), 1).ok());
  Mutation some = ManyCities(50);
  ASSERT_TRUE((*storage)->Apply(some, 2).ok());
  sqlite3* db = (*storage)->db();
  const std::string committed =
      QueryText(db,
                "SELECT page_count * page_size FROM pragma_page_count(), "
                "pragma_page_size()");

  // The size of the database file when the large write inserts its first
  // city, recorded by a trigger of this connection only.
  ASSERT_EQ(sqlite3_create_function(db, "file_size", 1, SQLITE_UTF8, nullptr,
                                    &FileSizeFunction, nullptr, nullptr),
            SQLITE_OK);
  ASSERT_TRUE(SqliteExec(db,
                         "CREATE TEMP TABLE seen (size INTEGER); "
                         "CREATE TEMP TRIGGER watch BEFORE INSERT ON "
                         "main.cities WHEN NEW.id = 'town-100050' BEGIN "
                         "INSERT INTO seen SELECT file_size(file) FROM "
                         "pragma_database_list WHERE name = 'main'; END")
                  .ok());
  Mutation large = ManyCities(2000);
  large.put_cities.erase(large.put_cities.begin(),
                         large.put_cities.begin() + 50);
  ASSERT_TRUE((*storage)->Apply(large, 3).ok());
  EXPECT_EQ(QueryText(db, "SELECT size FROM seen"), committed);
}

TEST(SqliteStorageTest, GraphStoreOverSqliteSurvivesARestart) {
  testing::TempDir dir;
  {
    absl::StatusOr<std::unique_ptr<SqliteStorage>> storage =
        SqliteStorage::Open(dir.path());
    ASSERT_TRUE(storage.ok()) << storage.status();
    absl::StatusOr<std::unique_ptr<GraphStore>> store =
        GraphStore::Open(*std::move(storage));
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)->Apply(PutAll(testing::SampleDataset())).ok());
    Mutation m;
    m.delete_twinnings = {Twinning::Normalized("lyon", "milano")};
    ASSERT_TRUE((*store)->Apply(m).ok());
    EXPECT_EQ((*store)->Snapshot()->version(), 2);
  }
  absl::StatusOr<std::unique_ptr<SqliteStorage>> storage =
      SqliteStorage::Open(dir.path());
  ASSERT_TRUE(storage.ok()) << storage.status();
  absl::StatusOr<std::unique_ptr<GraphStore>> store =
      GraphStore::Open(*std::move(storage));
  ASSERT_TRUE(store.ok()) << store.status();
  std::shared_ptr<const GraphSnapshot> g = (*store)->Snapshot();
  EXPECT_EQ(g->version(), 2);
  EXPECT_EQ(g->cities().size(), 8u);
  EXPECT_FALSE(g->HasTwinning(Twinning::Normalized("lyon", "milano")));
  EXPECT_TRUE(g->HasTwinning(Twinning::Normalized("graz", "sevilla")));
}

TEST(SqliteStorageTest, RequestIdsSurviveARestart) {
  testing::TempDir dir;
  Mutation m;
  m.put_cities = testing::SampleDataset().cities;
  m.request_id = "import-7";
  m.request_entity = "city/milano";
  m.request_fingerprint = "0f1e";
  {
    absl::StatusOr<std::unique_ptr<SqliteStorage>> storage =
        SqliteStorage::Open(dir.path());
    ASSERT_TRUE(storage.ok()) << storage.status();
    absl::StatusOr<std::unique_ptr<GraphStore>> store =
        GraphStore::Open(*std::move(storage));
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)->Apply(m).ok());
  }
  absl::StatusOr<std::unique_ptr<SqliteStorage>> storage =
      SqliteStorage::Open(dir.path());
  ASSERT_TRUE(storage.ok()) << storage.status();
  absl::StatusOr<std::unique_ptr<GraphStore>> store =
      GraphStore::Open(*std::move(storage));
  ASSERT_TRUE(store.ok()) << store.status();
  const AppliedRequest recorded{"city/milano", "0f1e"};
  EXPECT_EQ((*store)->Request("import-7"), recorded);
  EXPECT_EQ((*store)->Apply(m).status().code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ((*store)->Snapshot()->version(), 1);
}

// Writes the sample data set to a new store in `dir`, then runs `sql` on it
// (to make it look as an earlier schema left it).
void WriteSampleThenRun(const std::string& dir, const char* sql) {
  absl::StatusOr<std::unique_ptr<SqliteStorage>> storage =
      SqliteStorage::Open(dir);
  ASSERT_TRUE(storage.ok()) << storage.status();
  ASSERT_TRUE((*storage)->Apply(PutAll(testing::SampleDataset()), 1).ok());
  ASSERT_TRUE(SqliteExec((*storage)->db(), sql).ok());
}

// A store written before the requests table existed has user_version 1 and
// no requests table; opening it migrates it to the current schema.
TEST(SqliteStorageTest, StoreOfTheFirstSchemaOpensAndLoads) {
  testing::TempDir dir;
  // What a store written before request ids existed looks like.
  WriteSampleThenRun(dir.path(),
                     "DROP TABLE requests; PRAGMA user_version = 1");
  if (HasFatalFailure()) return;
  absl::StatusOr<std::unique_ptr<SqliteStorage>> storage =
      SqliteStorage::Open(dir.path());
  ASSERT_TRUE(storage.ok()) << storage.status();
  absl::StatusOr<StoredGraph> stored = (*storage)->Load();
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->version, 1);
  EXPECT_EQ(stored->data.cities.size(), 8u);
}

// A store of schema 2 has a requests table without fingerprints: it gains
// the column, its requests load with none ("": replayed as before), and
// new ones keep theirs.
TEST(SqliteStorageTest, StoreOfTheSecondSchemaKeepsItsRequests) {
  testing::TempDir dir;
  WriteSampleThenRun(dir.path(),
                     "DROP TABLE requests; "
                     "CREATE TABLE requests (request_id TEXT PRIMARY KEY, "
                     "entity TEXT NOT NULL, version INTEGER NOT NULL) "
                     "WITHOUT ROWID; "
                     "INSERT INTO requests VALUES ('old', 'city/lyon', 1); "
                     "PRAGMA user_version = 2");
  if (HasFatalFailure()) return;
  {
    absl::StatusOr<std::unique_ptr<SqliteStorage>> storage =
        SqliteStorage::Open(dir.path());
    ASSERT_TRUE(storage.ok()) << storage.status();
    EXPECT_EQ(QueryText((*storage)->db(), "PRAGMA user_version"),
              absl::StrCat(SqliteStorage::kSchemaVersion));
    Mutation m;
    m.put_cities = {testing::SampleDataset().cities[0]};
    m.put_cities[0].name = "Renamed";
    m.request_id = "new";
    m.request_entity = "city/milano";
    m.request_fingerprint = "abc";
    ASSERT_TRUE((*storage)->Apply(m, 2).ok());
  }
  absl::StatusOr<StoredGraph> stored = Reload(dir.path());
  ASSERT_TRUE(stored.ok()) << stored.status();
  const AppliedRequest old{"city/lyon", ""};
  const AppliedRequest fresh{"city/milano", "abc"};
  EXPECT_EQ(stored->requests.at("old"), old);
  EXPECT_EQ(stored->requests.at("new"), fresh);
  EXPECT_EQ(stored->version, 2);
}

TEST(SqliteStorageTest, ShippedDataReopensAsTheSameDataset) {
  absl::StatusOr<Dataset> shipped = ReadDataset(testing::ShippedDataDir());
  ASSERT_TRUE(shipped.ok()) << shipped.status();
  const Dataset expected = Canonical(*shipped);
  testing::TempDir dir;
  {
    absl::StatusOr<std::unique_ptr<SqliteStorage>> storage =
        SqliteStorage::Open(dir.path());
    ASSERT_TRUE(storage.ok()) << storage.status();
    absl::StatusOr<std::unique_ptr<GraphStore>> store =
        GraphStore::Open(*std::move(storage));
    ASSERT_TRUE(store.ok()) << store.status();
    absl::StatusOr<std::shared_ptr<const GraphSnapshot>> imported =
        (*store)->Apply(PutAll(*shipped));
    ASSERT_TRUE(imported.ok()) << imported.status();
    EXPECT_EQ((*imported)->version(), 1);
  }
  absl::StatusOr<StoredGraph> stored = Reload(dir.path());
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->version, 1);
  EXPECT_EQ(stored->data.cities.size(), 7166u);
  EXPECT_EQ(stored->data.projects.size(), 1986u);
  EXPECT_EQ(stored->data.practices.size(), 99u);
  EXPECT_EQ(stored->data.twinnings.size(), 7290u);
  size_t memberships = 0;
  for (const Project& p : stored->data.projects) {
    memberships += p.members.size();
  }
  EXPECT_EQ(memberships, 8502u);
  ExpectSameDataset(stored->data, expected);
}

}  // namespace
}  // namespace citymatch
