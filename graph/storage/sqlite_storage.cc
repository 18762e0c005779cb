#include "graph/storage/sqlite_storage.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "graph/storage/sqlite_util.h"
#include "sqlite3.h"

namespace citymatch {

namespace {

// Lists are stored joined by the unit separator, which validation keeps out
// of every text field (it is a control character).
constexpr char kListSep[] = "\x1f";

std::string JoinList(const std::vector<std::string>& items) {
  return absl::StrJoin(items, kListSep);
}

std::vector<std::string> SplitList(const std::string& text) {
  if (text.empty()) return {};
  return absl::StrSplit(text, kListSep);
}

constexpr char kSchema[] = R"sql(
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS cities (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, country TEXT NOT NULL,
  lat REAL NOT NULL, lon REAL NOT NULL, population INTEGER NOT NULL,
  seeking_themes TEXT NOT NULL, languages TEXT NOT NULL,
  capacity INTEGER NOT NULL, contact_organization TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS projects (
  id TEXT PRIMARY KEY, title TEXT NOT NULL, programme TEXT NOT NULL,
  themes TEXT NOT NULL, start_year INTEGER NOT NULL, end_year INTEGER NOT NULL,
  status INTEGER NOT NULL, owner TEXT NOT NULL,
  wanted_partners INTEGER NOT NULL, min_countries INTEGER NOT NULL,
  min_eu_member_states INTEGER NOT NULL, max_per_country INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS memberships (
  project_id TEXT NOT NULL, position INTEGER NOT NULL, city_id TEXT NOT NULL,
  role INTEGER NOT NULL, PRIMARY KEY (project_id, position)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS practices (
  id TEXT PRIMARY KEY, title TEXT NOT NULL, city_id TEXT NOT NULL,
  themes TEXT NOT NULL, start_year INTEGER NOT NULL, summary TEXT NOT NULL,
  source_url TEXT NOT NULL, owner TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS twinnings (
  city_a TEXT NOT NULL, city_b TEXT NOT NULL,
  PRIMARY KEY (city_a, city_b)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS requests (
  request_id TEXT PRIMARY KEY, entity TEXT NOT NULL,
  version INTEGER NOT NULL, fingerprint TEXT NOT NULL DEFAULT '')
  WITHOUT ROWID;
INSERT OR IGNORE INTO meta (key, value) VALUES ('graph_version', 0);
)sql";

}  // namespace

absl::StatusOr<std::unique_ptr<SqliteStorage>> SqliteStorage::Open(
    const std::string& dir) {
  absl::StatusOr<sqlite3*> db =
      OpenSqliteDatabase(dir, kFileName, kSchema, kSchemaVersion,
                         {{2,
                           "ALTER TABLE requests ADD COLUMN fingerprint "
                           "TEXT NOT NULL DEFAULT ''"}});
  if (!db.ok()) return db.status();
  return std::unique_ptr<SqliteStorage>(new SqliteStorage(*db));
}

SqliteStorage::~SqliteStorage() {
  // The last connection to close folds the WAL back into the database, so a
  // clean shutdown leaves one file.
  sqlite3_close_v2(db_);
}

absl::StatusOr<StoredGraph> SqliteStorage::Load() {
  StoredGraph stored;
  {
    SqliteStatement q(db_,
                      "SELECT value FROM meta WHERE key = 'graph_version'");
    if (q.Step()) stored.version = q.Int(0);
    if (!q.status().ok()) return q.status();
  }
  {
    SqliteStatement q(db_,
                      "SELECT id, name, country, lat, lon, population, "
                      "seeking_themes, languages, capacity, "
                      "contact_organization FROM cities ORDER BY id");
    while (q.Step()) {
      City c;
      c.id = q.Text(0);
      c.name = q.Text(1);
      c.country = q.Text(2);
      c.lat = q.Double(3);
      c.lon = q.Double(4);
      c.population = q.Int(5);
      c.profile.seeking_themes = SplitList(q.Text(6));
      c.profile.languages = SplitList(q.Text(7));
      c.profile.capacity = static_cast<int>(q.Int(8));
      c.profile.contact_organization = q.Text(9);
      stored.data.cities.push_back(std::move(c));
    }
    if (!q.status().ok()) return q.status();
  }
  {
    SqliteStatement q(db_,
                      "SELECT id, title, programme, themes, start_year, "
                      "end_year, status, owner, wanted_partners, "
                      "min_countries, min_eu_member_states, max_per_country "
                      "FROM projects ORDER BY id");
    while (q.Step()) {
      Project p;
      p.id = q.Text(0);
      p.title = q.Text(1);
      p.programme = q.Text(2);
      p.themes = SplitList(q.Text(3));
      p.start_year = static_cast<int>(q.Int(4));
      p.end_year = static_cast<int>(q.Int(5));
      p.status = static_cast<ProjectStatus>(q.Int(6));
      p.owner = q.Text(7);
      p.wanted_partners = static_cast<int>(q.Int(8));
      p.rules.min_countries = static_cast<int>(q.Int(9));
      p.rules.min_eu_member_states = static_cast<int>(q.Int(10));
      p.rules.max_per_country = static_cast<int>(q.Int(11));
      stored.data.projects.push_back(std::move(p));
    }
    if (!q.status().ok()) return q.status();
  }
  {
    // Both sides are ordered by project id, so one merge pass joins them.
    SqliteStatement q(db_,
                      "SELECT project_id, city_id, role FROM memberships "
                      "ORDER BY project_id, position");
    size_t p = 0;
    std::vector<Project>& projects = stored.data.projects;
    while (q.Step()) {
      const std::string project_id = q.Text(0);
      while (p < projects.size() && projects[p].id < project_id) ++p;
      if (p == projects.size() || projects[p].id != project_id) {
        return absl::DataLossError(absl::StrCat(
            "membership of unknown project ", project_id, " in the store"));
      }
      projects[p].members.push_back(
          {q.Text(1), q.Int(2) == 1 ? Role::kLead : Role::kPartner});
    }
    if (!q.status().ok()) return q.status();
  }
  {
    SqliteStatement q(db_,
                      "SELECT id, title, city_id, themes, start_year, "
                      "summary, source_url, owner FROM practices ORDER BY id");
    while (q.Step()) {
      Practice p;
      p.id = q.Text(0);
      p.title = q.Text(1);
      p.city_id = q.Text(2);
      p.themes = SplitList(q.Text(3));
      p.start_year = static_cast<int>(q.Int(4));
      p.summary = q.Text(5);
      p.source_url = q.Text(6);
      p.owner = q.Text(7);
      stored.data.practices.push_back(std::move(p));
    }
    if (!q.status().ok()) return q.status();
  }
  {
    SqliteStatement q(db_,
                      "SELECT request_id, entity, fingerprint FROM requests");
    while (q.Step()) stored.requests[q.Text(0)] = {q.Text(1), q.Text(2)};
    if (!q.status().ok()) return q.status();
  }
  {
    SqliteStatement q(db_,
                      "SELECT city_a, city_b FROM twinnings "
                      "ORDER BY city_a, city_b");
    while (q.Step()) stored.data.twinnings.push_back({q.Text(0), q.Text(1)});
    if (!q.status().ok()) return q.status();
  }
  return stored;
}

namespace {

absl::Status WriteMutation(sqlite3* db, const Mutation& m, int64_t version) {
  SqliteStatement put_city(
      db,
      "INSERT OR REPLACE INTO cities (id, name, country, lat, lon, "
      "population, seeking_themes, languages, capacity, contact_organization) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  for (const City& c : m.put_cities) {
    absl::Status s = put_city.Bind(1, c.id)
                         .Bind(2, c.name)
                         .Bind(3, c.country)
                         .Bind(4, c.lat)
                         .Bind(5, c.lon)
                         .Bind(6, c.population)
                         .Bind(7, JoinList(c.profile.seeking_themes))
                         .Bind(8, JoinList(c.profile.languages))
                         .Bind(9, static_cast<int64_t>(c.profile.capacity))
                         .Bind(10, c.profile.contact_organization)
                         .Run();
    if (!s.ok()) return s;
  }
  SqliteStatement put_project(
      db,
      "INSERT OR REPLACE INTO projects (id, title, programme, themes, "
      "start_year, end_year, status, owner, wanted_partners, min_countries, "
      "min_eu_member_states, max_per_country) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
  SqliteStatement clear_members(
      db, "DELETE FROM memberships WHERE project_id = ?1");
  SqliteStatement put_member(db,
                             "INSERT INTO memberships (project_id, position, "
                             "city_id, role) VALUES (?1, ?2, ?3, ?4)");
  for (const Project& p : m.put_projects) {
    absl::Status s =
        put_project.Bind(1, p.id)
            .Bind(2, p.title)
            .Bind(3, p.programme)
            .Bind(4, JoinList(p.themes))
            .Bind(5, static_cast<int64_t>(p.start_year))
            .Bind(6, static_cast<int64_t>(p.end_year))
            .Bind(7, static_cast<int64_t>(p.status))
            .Bind(8, p.owner)
            .Bind(9, static_cast<int64_t>(p.wanted_partners))
            .Bind(10, static_cast<int64_t>(p.rules.min_countries))
            .Bind(11, static_cast<int64_t>(p.rules.min_eu_member_states))
            .Bind(12, static_cast<int64_t>(p.rules.max_per_country))
            .Run();
    if (!s.ok()) return s;
    s = clear_members.Bind(1, p.id).Run();
    if (!s.ok()) return s;
    for (size_t i = 0; i < p.members.size(); ++i) {
      s = put_member.Bind(1, p.id)
              .Bind(2, static_cast<int64_t>(i))
              .Bind(3, p.members[i].city_id)
              .Bind(4, static_cast<int64_t>(p.members[i].role))
              .Run();
      if (!s.ok()) return s;
    }
  }
  SqliteStatement put_practice(
      db,
      "INSERT OR REPLACE INTO practices (id, title, city_id, themes, "
      "start_year, summary, source_url, owner) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  for (const Practice& p : m.put_practices) {
    absl::Status s = put_practice.Bind(1, p.id)
                         .Bind(2, p.title)
                         .Bind(3, p.city_id)
                         .Bind(4, JoinList(p.themes))
                         .Bind(5, static_cast<int64_t>(p.start_year))
                         .Bind(6, p.summary)
                         .Bind(7, p.source_url)
                         .Bind(8, p.owner)
                         .Run();
    if (!s.ok()) return s;
  }
  SqliteStatement put_twinning(
      db, "INSERT OR IGNORE INTO twinnings (city_a, city_b) VALUES (?1, ?2)");
  for (const Twinning& t : m.put_twinnings) {
    absl::Status s = put_twinning.Bind(1, t.city_a).Bind(2, t.city_b).Run();
    if (!s.ok()) return s;
  }
  SqliteStatement delete_city(db, "DELETE FROM cities WHERE id = ?1");
  for (const std::string& id : m.delete_cities) {
    absl::Status s = delete_city.Bind(1, id).Run();
    if (!s.ok()) return s;
  }
  SqliteStatement delete_project(db, "DELETE FROM projects WHERE id = ?1");
  for (const std::string& id : m.delete_projects) {
    absl::Status s = delete_project.Bind(1, id).Run();
    if (s.ok()) s = clear_members.Bind(1, id).Run();
    if (!s.ok()) return s;
  }
  SqliteStatement delete_practice(db, "DELETE FROM practices WHERE id = ?1");
  for (const std::string& id : m.delete_practices) {
    absl::Status s = delete_practice.Bind(1, id).Run();
    if (!s.ok()) return s;
  }
  SqliteStatement delete_twinning(
      db, "DELETE FROM twinnings WHERE city_a = ?1 AND city_b = ?2");
  for (const Twinning& t : m.delete_twinnings) {
    absl::Status s = delete_twinning.Bind(1, t.city_a).Bind(2, t.city_b).Run();
    if (!s.ok()) return s;
  }
  if (!m.request_id.empty()) {
    SqliteStatement put_request(
        db,
        "INSERT INTO requests (request_id, entity, version, fingerprint) "
        "VALUES (?1, ?2, ?3, ?4)");
    absl::Status s = put_request.Bind(1, m.request_id)
                         .Bind(2, m.request_entity)
                         .Bind(3, version)
                         .Bind(4, m.request_fingerprint)
                         .Run();
    if (!s.ok()) return s;
  }
  SqliteStatement set_version(
      db, "UPDATE meta SET value = ?1 WHERE key = 'graph_version'");
  return set_version.Bind(1, version).Run();
}

// The rows `m` writes, at least.
size_t RowsWritten(const Mutation& m) {
  size_t rows = m.put_cities.size() + m.put_projects.size() +
                m.put_practices.size() + m.put_twinnings.size() +
                m.delete_cities.size() + m.delete_projects.size() +
                m.delete_practices.size() + m.delete_twinnings.size();
  for (const Project& p : m.put_projects) rows += p.members.size();
  return rows;
}

// A write of up to this many rows changes at most a few hundred pages,
// which SQLite's page cache (500 pages) holds until the commit: it writes
// nothing into the WAL before then.
constexpr size_t kLargeWriteRows = 100;

}  // namespace

absl::Status SqliteStorage::Apply(const Mutation& mutation, int64_t version) {
  // An import that fails (a full disk) has spilled pages into the WAL;
  // SqliteRollback gives that space back only if it needs none itself.
  if (RowsWritten(mutation) > kLargeWriteRows) SqliteCheckpoint(db_);
  absl::Status status = SqliteExec(db_, "BEGIN IMMEDIATE");
  if (!status.ok()) return status;
  status = WriteMutation(db_, mutation, version);
  if (status.ok()) status = SqliteExec(db_, "COMMIT");
  if (status.ok()) {
    LimitWalAfterCommit(db_);
    return status;
  }
  SqliteRollback(db_);
  // Whatever SQLite said, the caller's write did not happen.
  if (!absl::IsUnavailable(status)) {
    return absl::UnavailableError(
        absl::StrCat("storage write failed: ", status.message()));
  }
  return status;
}

absl::Status SqliteStorage::MarkBackupCopy() {
  return SqliteExec(db_,
                    "INSERT OR REPLACE INTO meta (key, value) "
                    "VALUES ('backup_copy', 1)");
}

absl::StatusOr<int64_t> SqliteStorage::AdvanceBackupCopy(int64_t floor) {
  absl::Status status = SqliteExec(db_, "BEGIN IMMEDIATE");
  if (!status.ok()) return status;
  int64_t version = 0;
  bool marked = false;
  {
    SqliteStatement q(db_,
                      "SELECT key, value FROM meta WHERE key IN "
                      "('graph_version', 'backup_copy')");
    while (q.Step()) {
      if (q.Text(0) == "backup_copy") {
        marked = true;
      } else {
        version = q.Int(1);
      }
    }
    status = q.status();
  }
  if (status.ok() && marked) {
    version = std::max(version + 1, floor);
    SqliteStatement set_version(
        db_, "UPDATE meta SET value = ?1 WHERE key = 'graph_version'");
    status = set_version.Bind(1, version).Run();
    if (status.ok()) {
      status = SqliteExec(db_, "DELETE FROM meta WHERE key = 'backup_copy'");
    }
  }
  if (status.ok()) status = SqliteExec(db_, "COMMIT");
  if (!status.ok()) {
    SqliteRollback(db_);
    return status;
  }
  return marked ? version : 0;
}

}  // namespace citymatch
