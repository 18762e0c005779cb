#include "graph/graph_store.h"

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "graph/graph_builder.h"
#include "graph/storage/in_memory_storage.h"
#include "gtest/gtest.h"
#include "tests/testing/sample_data.h"

namespace citymatch {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

City MakeCity(const std::string& id, const std::string& name = "Town") {
  City c;
  c.id = id;
  c.name = name;
  c.country = "IT";
  c.lat = 41;
  c.lon = 14;
  return c;
}

Precondition MustNotExist(EntityKind kind, const std::string& id) {
  Precondition p;
  p.entity = kind;
  p.id = id;
  p.kind = Precondition::Kind::kMustNotExist;
  return p;
}

Precondition MustExist(EntityKind kind, const std::string& id,
                       const std::string& etag = "") {
  Precondition p;
  p.entity = kind;
  p.id = id;
  p.kind = Precondition::Kind::kMustExist;
  p.etag = etag;
  return p;
}

Mutation PutCity(const City& city) {
  Mutation m;
  m.put_cities.push_back(city);
  return m;
}

// A store over the sample data at `version`; `storage` keeps a pointer to the
// storage the store owns, to look at what was persisted.
class GraphStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto storage =
        std::make_unique<InMemoryStorage>(testing::SampleDataset(), 10);
    storage_ = storage.get();
    absl::StatusOr<std::unique_ptr<GraphStore>> store =
        GraphStore::Open(std::move(storage));
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

  StoredGraph Persisted() {
    absl::StatusOr<StoredGraph> stored = storage_->Load();
    EXPECT_TRUE(stored.ok());
    return stored.ok() ? *std::move(stored) : StoredGraph();
  }

  InMemoryStorage* storage_ = nullptr;  // owned by store_
  std::unique_ptr<GraphStore> store_;
};

TEST_F(GraphStoreTest, OpenPublishesTheStoredGraphAndVersion) {
  std::shared_ptr<const GraphSnapshot> g = store_->Snapshot();
  EXPECT_EQ(g->version(), 10);
  EXPECT_EQ(g->cities().size(), 8u);
  EXPECT_EQ(g->projects().size(), 4u);
  // Cheap and stable while nothing is written.
  EXPECT_EQ(store_->Snapshot(), g);
}

TEST(GraphStoreOpenTest, InconsistentStoredGraphIsDataLoss) {
  Dataset data = testing::SampleDataset();
  data.cities.erase(data.cities.begin());  // milano, a project member
  absl::StatusOr<std::unique_ptr<GraphStore>> store =
      GraphStore::Open(std::make_unique<InMemoryStorage>(std::move(data), 3));
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(store.status().message(), HasSubstr("milano"));
}

TEST(GraphStoreOpenTest, EmptyStorageOpensAtVersionZero) {
  absl::StatusOr<std::unique_ptr<GraphStore>> store =
      GraphStore::Open(std::make_unique<InMemoryStorage>());
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ((*store)->Snapshot()->version(), 0);
  EXPECT_TRUE((*store)->Snapshot()->cities().empty());
}

TEST_F(GraphStoreTest, ApplyPersistsThenPublishesTheNextVersion) {
  std::shared_ptr<const GraphSnapshot> before = store_->Snapshot();
  absl::StatusOr<std::shared_ptr<const GraphSnapshot>> after =
      store_->Apply(PutCity(MakeCity("napoli", "Napoli")));
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ((*after)->version(), 11);
  EXPECT_EQ(store_->Snapshot(), *after);
  ASSERT_NE((*after)->FindCity("napoli"), nullptr);
  // A reader holding the old snapshot keeps seeing it unchanged.
  EXPECT_EQ(before->version(), 10);
  EXPECT_EQ(before->FindCity("napoli"), nullptr);

  StoredGraph stored = Persisted();
  EXPECT_EQ(stored.version, 11);
  EXPECT_EQ(stored.data.cities.size(), 9u);
}

TEST_F(GraphStoreTest, MustNotExistFailsWithAlreadyExists) {
  Mutation m = PutCity(MakeCity("milano", "Milan"));
  m.preconditions.push_back(MustNotExist(EntityKind::kCity, "milano"));
  absl::StatusOr<std::shared_ptr<const GraphSnapshot>> result =
      store_->Apply(m);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->Snapshot()->FindCity("milano")->name, "Milano");
  EXPECT_EQ(store_->Snapshot()->version(), 10);
  EXPECT_EQ(Persisted().version, 10);
}

TEST_F(GraphStoreTest, MustExistFailsWithNotFound) {
  Mutation m;
  m.delete_projects.push_back("urbact-nowhere");
  m.preconditions.push_back(MustExist(EntityKind::kProject, "urbact-nowhere"));
  EXPECT_EQ(store_->Apply(m).status().code(), absl::StatusCode::kNotFound);
  m.preconditions = {MustExist(EntityKind::kPractice, "nope")};
  EXPECT_EQ(store_->Apply(m).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->Snapshot()->version(), 10);
}

TEST_F(GraphStoreTest, StaleEtagIsAbortedAndCurrentEtagApplies) {
  const City milano = *store_->Snapshot()->FindCity("milano");
  const std::string read_etag = Etag(milano);

  // Someone else changes the city after we read it.
  City theirs = milano;
  theirs.population += 1000;
  ASSERT_TRUE(store_->Apply(PutCity(theirs)).ok());

  City ours = milano;
  ours.name = "Milan";
  Mutation m = PutCity(ours);
  m.preconditions.push_back(MustExist(EntityKind::kCity, "milano", read_etag));
  absl::StatusOr<std::shared_ptr<const GraphSnapshot>> stale = store_->Apply(m);
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(store_->Snapshot()->FindCity("milano")->name, "Milano");
  EXPECT_EQ(store_->Snapshot()->version(), 11);

  m.preconditions = {MustExist(EntityKind::kCity, "milano", Etag(theirs))};
  absl::StatusOr<std::shared_ptr<const GraphSnapshot>> fresh = store_->Apply(m);
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  EXPECT_EQ((*fresh)->FindCity("milano")->name, "Milan");
  EXPECT_EQ((*fresh)->version(), 12);
}

TEST_F(GraphStoreTest, EtagPreconditionsOfProjectsAndPractices) {
  std::shared_ptr<const GraphSnapshot> g = store_->Snapshot();
  const Project& welcome = *g->FindProject("urbact-welcome");
  const Practice& health = *g->FindPractice("eumia-bilbao-health");
  Mutation m;
  m.preconditions = {
      MustExist(EntityKind::kProject, "urbact-welcome", Etag(welcome)),
      MustExist(EntityKind::kPractice, "eumia-bilbao-health", Etag(health))};
  m.delete_projects = {"urbact-welcome"};
  ASSERT_TRUE(store_->Apply(m).ok());
  // The same mutation again: the project is gone now.
  EXPECT_EQ(store_->Apply(m).status().code(), absl::StatusCode::kNotFound);
  m.preconditions = {MustExist(EntityKind::kPractice, "eumia-bilbao-health",
                               "0000000000000000")};
  EXPECT_EQ(store_->Apply(m).status().code(), absl::StatusCode::kAborted);
}

TEST_F(GraphStoreTest, TwinningPreconditionsTakeEitherOrder) {
  const GraphSnapshot& g = *store_->Snapshot();
  EXPECT_TRUE(
      CheckPrecondition(g, MustExist(EntityKind::kTwinning, "lyon|milano"))
          .ok());
  EXPECT_TRUE(
      CheckPrecondition(g, MustExist(EntityKind::kTwinning, "milano|lyon"))
          .ok());
  EXPECT_EQ(
      CheckPrecondition(g, MustNotExist(EntityKind::kTwinning, "milano|lyon"))
          .code(),
      absl::StatusCode::kAlreadyExists);
  // The messages name the two cities, not the key "milano|roma".
  EXPECT_EQ(
      CheckPrecondition(g, MustExist(EntityKind::kTwinning, "milano|roma")),
      absl::NotFoundError("twinning of milano and roma not found"));
  EXPECT_TRUE(
      CheckPrecondition(g, MustNotExist(EntityKind::kTwinning, "roma|milano"))
          .ok());
}

TEST_F(GraphStoreTest, FirstFailingPreconditionDecidesAndNothingIsWritten) {
  Mutation m = PutCity(MakeCity("napoli"));
  m.preconditions = {MustNotExist(EntityKind::kCity, "napoli"),
                     MustExist(EntityKind::kCity, "bari"),
                     MustNotExist(EntityKind::kCity, "milano")};
  EXPECT_EQ(store_->Apply(m).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->Snapshot()->FindCity("napoli"), nullptr);
  EXPECT_EQ(Persisted().data.cities.size(), 8u);
}

TEST_F(GraphStoreTest, MutationWithOnlyPreconditionsPublishesNothing) {
  std::shared_ptr<const GraphSnapshot> before = store_->Snapshot();
  Mutation m;
  m.preconditions = {MustExist(EntityKind::kCity, "roma")};
  absl::StatusOr<std::shared_ptr<const GraphSnapshot>> result =
      store_->Apply(m);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(*result, before);
  EXPECT_EQ(store_->Snapshot()->version(), 10);
  EXPECT_EQ(Persisted().version, 10);
}

TEST_F(GraphStoreTest, MutationThatChangesNothingPublishesNothing) {
  std::shared_ptr<const GraphSnapshot> before = store_->Snapshot();
  Mutation same;
  same.put_cities.push_back(*before->FindCity("milano"));
  same.put_projects.push_back(before->projects().front());
  same.put_practices.push_back(before->practices().front());
  same.put_twinnings.push_back(before->twinnings().front());
  // Nothing reaches the storage: it would fail the write.
  storage_->set_fail_writes(true);
  absl::StatusOr<std::shared_ptr<const GraphSnapshot>> result =
      store_->Apply(same);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(*result, before);
  EXPECT_EQ(store_->Snapshot()->version(), 10);
  storage_->set_fail_writes(false);

  // One field changed in one of them is a write, of the next version.
  same.put_cities[0].population += 1;
  result = store_->Apply(same);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ((*result)->version(), 11);
  EXPECT_EQ((*result)->FindCity("milano")->population,
            before->FindCity("milano")->population + 1);
  EXPECT_EQ(Persisted().version, 11);
}

TEST_F(GraphStoreTest, FailingStorageLeavesSnapshotAndVersionUnchanged) {
  std::shared_ptr<const GraphSnapshot> before = store_->Snapshot();
  storage_->set_fail_writes(true);
  absl::StatusOr<std::shared_ptr<const GraphSnapshot>> result =
      store_->Apply(PutCity(MakeCity("napoli")));
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(store_->Snapshot(), before);
  EXPECT_EQ(store_->Snapshot()->version(), 10);
  EXPECT_EQ(store_->Snapshot()->FindCity("napoli"), nullptr);
  EXPECT_EQ(Persisted().version, 10);

  // Once storage recovers, the next write takes the next version: no gap
  // for the failed one.
  storage_->set_fail_writes(false);
  result = store_->Apply(PutCity(MakeCity("napoli")));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ((*result)->version(), 11);
  EXPECT_EQ(Persisted().version, 11);
}

// An import whose client has gone away calls its write off at the last
// moment, under the write lock.
TEST_F(GraphStoreTest, AWriteCalledOffBeforeTheCommitWritesNothing) {
  std::shared_ptr<const GraphSnapshot> before = store_->Snapshot();
  int asked = 0;
  absl::StatusOr<std::shared_ptr<const GraphSnapshot>> result =
      store_->Apply(PutCity(MakeCity("napoli")), [&] {
        ++asked;
        return absl::DeadlineExceededError("the client gave up");
      });
  EXPECT_EQ(result.status(), absl::DeadlineExceededError("the client gave up"));
  EXPECT_EQ(asked, 1);
  EXPECT_EQ(store_->Snapshot(), before);
  EXPECT_EQ(Persisted().version, 10);

  // A write still wanted goes ahead.
  result = store_->Apply(PutCity(MakeCity("napoli")), [&] {
    ++asked;
    return absl::OkStatus();
  });
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(asked, 2);
  EXPECT_EQ(Persisted().version, 11);
  EXPECT_NE(store_->Snapshot()->FindCity("napoli"), nullptr);
}

// DeleteCity takes the city out of its organisations before the commit; if
// the commit then fails, the undo puts it back, and that must happen before
// the next write (an UpdateOrganization) can see the city out of them.
TEST_F(GraphStoreTest, AFailedCommitIsUndoneBeforeTheNextWrite) {
  absl::Mutex mu;
  std::vector<std::string> events;
  auto record = [&](const std::string& event) {
    absl::MutexLock lock(&mu);
    events.push_back(event);
  };
  auto next_write = [&] {
    absl::StatusOr<std::shared_ptr<const GraphSnapshot>> next =
        store_->ApplyFrom(
            [&](const GraphSnapshot&) -> absl::StatusOr<Mutation> {
              record("next write");
              return Mutation();
            });
    EXPECT_TRUE(next.ok()) << next.status();
  };
  std::thread next;
  auto before_commit = [&] {
    record("before_commit");
    next = std::thread(next_write);
    // Time for it to reach the write lock and wait there.
    absl::SleepFor(absl::Milliseconds(200));
    return absl::OkStatus();
  };
  storage_->set_fail_writes(true);
  absl::StatusOr<std::shared_ptr<const GraphSnapshot>> result = store_->Apply(
      PutCity(MakeCity("napoli")), before_commit, [&] { record("undo"); });
  next.join();
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(events, ElementsAre("before_commit", "undo", "next write"));
  EXPECT_EQ(store_->Snapshot()->FindCity("napoli"), nullptr);
}

// Only a failed commit is undone: a write refused or called off before it,
// or committed, has nothing to take back.
TEST_F(GraphStoreTest, NothingIsUndoneUnlessTheCommitFails) {
  int undone = 0;
  auto undo = [&] { ++undone; };
  Mutation refused = PutCity(MakeCity("napoli"));
  refused.preconditions = {MustExist(EntityKind::kCity, "napoli")};
  absl::StatusOr<std::shared_ptr<const GraphSnapshot>> result =
      store_->Apply(refused, nullptr, undo);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kNotFound);
  auto call_off = [] { return absl::CancelledError("the client gave up"); };
  result = store_->Apply(PutCity(MakeCity("napoli")), call_off, undo);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kCancelled);
  result = store_->Apply(PutCity(MakeCity("napoli")), nullptr, undo);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(undone, 0);

  storage_->set_fail_writes(true);
  result = store_->Apply(PutCity(MakeCity("bari")), nullptr, undo);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(undone, 1);
}

TEST_F(GraphStoreTest, ApplyFromMakesTheMutationFromTheGraphItAppliesTo) {
  ASSERT_TRUE(store_->Apply(PutCity(MakeCity("napoli", "Napoli"))).ok());
  int64_t seen = 0;
  absl::StatusOr<std::shared_ptr<const GraphSnapshot>> result =
      store_->ApplyFrom([&](const GraphSnapshot& base)
                            -> absl::StatusOr<Mutation> {
        seen = base.version();
        City renamed = *base.FindCity("napoli");
        renamed.name = "Napoli (NA)";
        return PutCity(renamed);
      });
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(seen, 11);
  EXPECT_EQ((*result)->version(), 12);
  EXPECT_EQ((*result)->FindCity("napoli")->name, "Napoli (NA)");
  EXPECT_EQ(Persisted().version, 12);

  // An error from `make` is returned as it is, and nothing is written.
  result = store_->ApplyFrom(
      [](const GraphSnapshot&) -> absl::StatusOr<Mutation> {
        return absl::InvalidArgumentError("a bad row");
      });
  EXPECT_EQ(result.status(), absl::InvalidArgumentError("a bad row"));
  EXPECT_EQ(store_->Snapshot()->version(), 12);
  EXPECT_EQ(Persisted().version, 12);
}

TEST_F(GraphStoreTest, DanglingReferenceIsFailedPreconditionAndNotPersisted) {
  Project p;
  p.id = "p-ghost";
  p.title = "Ghost";
  p.members = {{"milano", Role::kLead}, {"atlantis", Role::kPartner}};
  Mutation put;
  put.put_projects = {p};
  absl::StatusOr<std::shared_ptr<const GraphSnapshot>> result =
      store_->Apply(put);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(result.status().message(), HasSubstr("atlantis"));

  Mutation del;
  del.delete_cities = {"wien"};  // still a member of two projects
  EXPECT_EQ(store_->Apply(del).status().code(),
            absl::StatusCode::kFailedPrecondition);

  EXPECT_EQ(store_->Snapshot()->version(), 10);
  StoredGraph stored = Persisted();
  EXPECT_EQ(stored.version, 10);
  EXPECT_EQ(stored.data.cities.size(), 8u);
  EXPECT_EQ(stored.data.projects.size(), 4u);
}

TEST_F(GraphStoreTest, RepeatedRequestIdIsAlreadyExistsAndAppliedOnce) {
  Mutation m = PutCity(MakeCity("napoli"));
  m.request_id = "req-1";
  m.request_entity = "city/napoli";
  m.request_fingerprint = "f1";
  EXPECT_FALSE(store_->Request("req-1").has_value());
  ASSERT_TRUE(store_->Apply(m).ok());
  const AppliedRequest recorded{"city/napoli", "f1"};
  EXPECT_EQ(store_->Request("req-1"), recorded);
  EXPECT_EQ(Persisted().requests.at("req-1"), recorded);

  // A retry of the same request, even with other content, changes nothing.
  Mutation retry = PutCity(MakeCity("napoli", "Napoli again"));
  retry.request_id = "req-1";
  retry.request_entity = "city/napoli";
  absl::StatusOr<std::shared_ptr<const GraphSnapshot>> again =
      store_->Apply(retry);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(again.status().message(), HasSubstr("city/napoli"));
  EXPECT_EQ(store_->Snapshot()->version(), 11);
  EXPECT_EQ(store_->Snapshot()->FindCity("napoli")->name, "Town");
}

TEST_F(GraphStoreTest, RequestIdOfAFailedWriteIsNotRecorded) {
  Mutation m = PutCity(MakeCity("napoli"));
  m.request_id = "req-2";
  m.request_entity = "city/napoli";
  storage_->set_fail_writes(true);
  EXPECT_EQ(store_->Apply(m).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_FALSE(store_->Request("req-2").has_value());
  // The client's retry goes through.
  storage_->set_fail_writes(false);
  ASSERT_TRUE(store_->Apply(m).ok());
  ASSERT_TRUE(store_->Request("req-2").has_value());
  EXPECT_EQ(store_->Request("req-2")->entity, "city/napoli");
}

TEST_F(GraphStoreTest, WaitForChangeWakesOnAWrite) {
  std::shared_ptr<const GraphSnapshot> seen;
  absl::Time returned;
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  std::thread waiter([&] {
    seen = store_->WaitForChange(10, deadline);
    returned = absl::Now();
  });
  ASSERT_TRUE(store_->Apply(PutCity(MakeCity("napoli"))).ok());
  waiter.join();
  ASSERT_NE(seen, nullptr);
  EXPECT_EQ(seen->version(), 11);
  EXPECT_NE(seen->FindCity("napoli"), nullptr);
  EXPECT_LT(returned, deadline);
}

TEST_F(GraphStoreTest, WaitForChangeTimesOutWithTheCurrentSnapshot) {
  const absl::Time start = absl::Now();
  std::shared_ptr<const GraphSnapshot> seen =
      store_->WaitForChange(10, start + absl::Milliseconds(100));
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(100));
  EXPECT_EQ(seen, store_->Snapshot());
  EXPECT_EQ(seen->version(), 10);
}

TEST_F(GraphStoreTest, WaitForChangeReturnsAtOnceWhenAlreadyNewer) {
  // A watcher that last saw version 3 must not wait for version 11.
  const absl::Time start = absl::Now();
  std::shared_ptr<const GraphSnapshot> seen =
      store_->WaitForChange(3, start + absl::Seconds(60));
  EXPECT_EQ(seen->version(), 10);
  EXPECT_LT(absl::Now() - start, absl::Seconds(30));
}

TEST_F(GraphStoreTest, ConcurrentReadersSeeConsistentVersions) {
  constexpr int kWrites = 200;
  std::atomic<bool> done{false};
  std::atomic<int> reads{0};
  std::atomic<int> inconsistent{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&] {
      int64_t last = 0;
      while (!done.load()) {
        std::shared_ptr<const GraphSnapshot> g = store_->Snapshot();
        // Version v holds exactly the cities c11..cv next to the sample's 8.
        const int64_t v = g->version();
        bool ok =
            v >= last && g->cities().size() == static_cast<size_t>(8 + v - 10);
        if (v > 10) ok = ok && g->FindCity(absl::StrCat("c", v)) != nullptr;
        ok = ok && g->FindCity(absl::StrCat("c", v + 1)) == nullptr;
        if (!ok) ++inconsistent;
        last = v;
        ++reads;
      }
    });
  }
  for (int i = 0; i < kWrites; ++i) {
    const int64_t version = 11 + i;
    Mutation m = PutCity(MakeCity(absl::StrCat("c", version)));
    m.preconditions = {
        MustNotExist(EntityKind::kCity, absl::StrCat("c", version))};
    absl::StatusOr<std::shared_ptr<const GraphSnapshot>> result =
        store_->Apply(m);
    // No ASSERT here: the readers must be joined whatever happens.
    EXPECT_TRUE(result.ok()) << result.status();
    if (!result.ok() || (*result)->version() != version) break;
  }
  done = true;
  for (std::thread& t : readers) t.join();
  EXPECT_EQ(inconsistent.load(), 0);
  EXPECT_GT(reads.load(), 0);
  EXPECT_EQ(store_->Snapshot()->version(), 10 + kWrites);
  EXPECT_EQ(Persisted().version, 10 + kWrites);
}

TEST_F(GraphStoreTest, ConcurrentCreatesOfOneIdSucceedExactlyOnce) {
  constexpr int kThreads = 8;
  std::atomic<int> created{0};
  std::atomic<int> already{0};
  std::vector<std::thread> writers;
  for (int i = 0; i < kThreads; ++i) {
    writers.emplace_back([&, i] {
      Mutation m = PutCity(MakeCity("napoli", absl::StrCat("Napoli ", i)));
      m.preconditions = {MustNotExist(EntityKind::kCity, "napoli")};
      absl::StatusOr<std::shared_ptr<const GraphSnapshot>> result =
          store_->Apply(m);
      if (result.ok()) {
        ++created;
      } else if (absl::IsAlreadyExists(result.status())) {
        ++already;
      }
    });
  }
  for (std::thread& t : writers) t.join();
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(already.load(), kThreads - 1);
  EXPECT_EQ(store_->Snapshot()->version(), 11);
}

}  // namespace
}  // namespace citymatch
