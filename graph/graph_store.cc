#include "graph/graph_store.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "graph/graph_builder.h"

namespace citymatch {

absl::StatusOr<std::unique_ptr<GraphStore>> GraphStore::Open(
    std::unique_ptr<Storage> storage) {
  absl::StatusOr<StoredGraph> stored = storage->Load();
  if (!stored.ok()) return stored.status();
  absl::StatusOr<std::shared_ptr<const GraphSnapshot>> first =
      GraphBuilder(std::move(stored->data)).Build(stored->version);
  if (!first.ok()) {
    // Everything stored passed the same checks when it was written.
    return absl::DataLossError(absl::StrCat("stored graph is inconsistent: ",
                                            first.status().message()));
  }
  return std::unique_ptr<GraphStore>(new GraphStore(
      std::move(storage), std::move(*first), std::move(stored->requests)));
}

GraphStore::GraphStore(
    std::unique_ptr<Storage> storage,
    std::shared_ptr<const GraphSnapshot> first,
    absl::flat_hash_map<std::string, AppliedRequest> requests)
    : storage_(std::move(storage)),
      current_(std::move(first)),
      requests_(std::move(requests)) {}

std::optional<AppliedRequest> GraphStore::Request(
    const std::string& request_id) const {
  absl::MutexLock lock(&mu_);
  auto it = requests_.find(request_id);
  if (it == requests_.end()) return std::nullopt;
  return it->second;
}

std::shared_ptr<const GraphSnapshot> GraphStore::Snapshot() const {
  absl::MutexLock lock(&mu_);
  return current_;
}

absl::Status CheckPrecondition(const GraphSnapshot& graph,
                               const Precondition& p) {
  bool exists = false;
  std::string etag;
  // What the messages call the entity: "city lyon", or for a twinning, whose
  // id is an internal key "a|b", "twinning of a and b".
  std::string subject = absl::StrCat(EntityKindName(p.entity), " ", p.id);
  switch (p.entity) {
    case EntityKind::kCity:
      if (const City* c = graph.FindCity(p.id)) {
        exists = true;
        etag = Etag(*c);
      }
      break;
    case EntityKind::kProject:
      if (const Project* x = graph.FindProject(p.id)) {
        exists = true;
        etag = Etag(*x);
      }
      break;
    case EntityKind::kPractice:
      if (const Practice* x = graph.FindPractice(p.id)) {
        exists = true;
        etag = Etag(*x);
      }
      break;
    case EntityKind::kTwinning: {
      std::pair<std::string, std::string> pair =
          absl::StrSplit(p.id, absl::MaxSplits('|', 1));
      subject = absl::StrCat(EntityKindName(p.entity), " of ", pair.first,
                             " and ", pair.second);
      exists = graph.HasTwinning(
          Twinning::Normalized(std::move(pair.first), std::move(pair.second)));
      break;
    }
  }
  if (p.kind == Precondition::Kind::kMustNotExist) {
    if (exists) {
      return absl::AlreadyExistsError(absl::StrCat(subject, " already exists"));
    }
    return absl::OkStatus();
  }
  if (!exists) {
    return absl::NotFoundError(absl::StrCat(subject, " not found"));
  }
  if (!p.etag.empty() && p.etag != etag) {
    return absl::AbortedError(
        absl::StrCat(subject, " was changed since etag ", p.etag,
                     " was read; read it again and retry"));
  }
  return absl::OkStatus();
}

namespace {

// Whether every put of `mutation` is already in `graph` as it is and it
// deletes nothing.
bool ChangesNothing(const GraphSnapshot& graph, const Mutation& mutation) {
  if (!mutation.delete_cities.empty() || !mutation.delete_projects.empty() ||
      !mutation.delete_practices.empty() ||
      !mutation.delete_twinnings.empty()) {
    return false;
  }
  auto stored = [](const auto* found, const auto& put) {
    return found != nullptr && *found == put;
  };
  for (const City& c : mutation.put_cities) {
    if (!stored(graph.FindCity(c.id), c)) return false;
  }
  for (const Project& p : mutation.put_projects) {
    if (!stored(graph.FindProject(p.id), p)) return false;
  }
  for (const Practice& p : mutation.put_practices) {
    if (!stored(graph.FindPractice(p.id), p)) return false;
  }
  for (const Twinning& t : mutation.put_twinnings) {
    if (!graph.HasTwinning(t)) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<std::shared_ptr<const GraphSnapshot>> GraphStore::Apply(
    const Mutation& mutation,
    const std::function<absl::Status()>& before_commit,
    const std::function<void()>& undo_before_commit) {
  absl::MutexLock write_lock(&write_mu_);
  // Only this thread replaces current_, so reading it here is stable.
  return ApplyLocked(Snapshot(), mutation, before_commit, undo_before_commit);
}

absl::StatusOr<std::shared_ptr<const GraphSnapshot>> GraphStore::ApplyFrom(
    const std::function<absl::StatusOr<Mutation>(const GraphSnapshot&)>& make,
    const std::function<absl::Status()>& before_commit,
    const std::function<void()>& undo_before_commit) {
  absl::MutexLock write_lock(&write_mu_);
  std::shared_ptr<const GraphSnapshot> base = Snapshot();
  absl::StatusOr<Mutation> mutation = make(*base);
  if (!mutation.ok()) return mutation.status();
  return ApplyLocked(std::move(base), *mutation, before_commit,
                     undo_before_commit);
}

absl::StatusOr<std::shared_ptr<const GraphSnapshot>> GraphStore::ApplyLocked(
    std::shared_ptr<const GraphSnapshot> base, const Mutation& mutation,
    const std::function<absl::Status()>& before_commit,
    const std::function<void()>& undo_before_commit) {
  if (!mutation.request_id.empty()) {
    if (mutation.request_entity.empty()) {
      return absl::InvalidArgumentError(
          "a mutation with a request_id must name the entity it creates");
    }
    if (const std::optional<AppliedRequest> applied =
            Request(mutation.request_id)) {
      return absl::AlreadyExistsError(
          absl::StrCat("request ", mutation.request_id,
                       " was applied already: ", applied->entity));
    }
  }
  for (const Precondition& p : mutation.preconditions) {
    absl::Status status = CheckPrecondition(*base, p);
    if (!status.ok()) return status;
  }
  if (mutation.empty()) return base;
  // A write that changes nothing (an update that sets what is there, the
  // same data set imported again) makes no new version: a client polling
  // with if_none_match is not sent the same answer again.
  if (mutation.request_id.empty() && ChangesNothing(*base, mutation)) {
    return base;
  }
  // Build before persisting: an inconsistent mutation must not reach disk.
  GraphBuilder builder(*base);
  builder.Apply(mutation);
  absl::StatusOr<std::shared_ptr<const GraphSnapshot>> next =
      std::move(builder).Build(base->version() + 1, base->taxonomy());
  if (!next.ok()) return next.status();
  if (before_commit) {
    absl::Status wanted = before_commit();
    if (!wanted.ok()) return wanted;
  }
  absl::Status status = storage_->Apply(mutation, base->version() + 1);
  if (!status.ok()) {
    if (undo_before_commit) undo_before_commit();
    return status;
  }
  absl::MutexLock lock(&mu_);
  current_ = *next;
  if (!mutation.request_id.empty()) {
    requests_[mutation.request_id] = {mutation.request_entity,
                                      mutation.request_fingerprint};
  }
  return current_;
}

std::shared_ptr<const GraphSnapshot> GraphStore::WaitForChange(
    int64_t version, absl::Time deadline) const {
  absl::MutexLock lock(&mu_);
  auto changed = [this, version]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return current_->version() > version;
  };
  mu_.AwaitWithDeadline(absl::Condition(&changed), deadline);
  return current_;
}

}  // namespace citymatch
