#include "server/catalog_service.h"

#include <openssl/sha.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <type_traits>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/util/field_mask_util.h"
#include "graph/name_folding.h"
#include "graph/theme_taxonomy.h"
#include "server/access_policy.h"
#include "server/call_helpers.h"
#include "server/dataset_transfer.h"
#include "server/pagination.h"
#include "server/proto_convert.h"
#include "server/resource_traits.h"
#include "server/status_util.h"
#include "spdlog/spdlog.h"

namespace citymatch {

using google::protobuf::util::FieldMaskUtil;

namespace {

// "1 project", "2 projects".
std::string Count(size_t n, absl::string_view noun) {
  return absl::StrCat(n, " ", noun, n == 1 ? "" : "s");
}

}  // namespace

std::string ResourceTraits<City>::Blocker(const GraphSnapshot& g,
                                          absl::string_view id) {
  const int c = g.CityIndex(id);
  if (c < 0) return "";
  if (!g.city_projects(c).empty()) {
    const size_t n = g.city_projects(c).size();
    const std::string& example = g.projects()[g.city_projects(c)[0]].id;
    return absl::StrCat(
        "city ", id, " is a member of ", Count(n, "project"),
        n == 1
            ? absl::StrCat(" (", example,
                           "); remove it from that project first")
            : absl::StrCat(" (e.g. ", example, "); remove it from them first"),
        " (citymatch projects update ", example, " --remove-member ", id, ")");
  }
  if (!g.city_practices(c).empty()) {
    const size_t n = g.city_practices(c).size();
    return absl::StrCat("city ", id, " runs ", Count(n, "practice"),
                        n == 1 ? " (" : " (e.g. ",
                        g.practices()[g.city_practices(c)[0]].id, "); delete ",
                        n == 1 ? "it" : "them", " first");
  }
  if (!g.city_twins(c).empty()) {
    const size_t n = g.city_twins(c).size();
    return absl::StrCat("city ", id, " has ", Count(n, "twinning"), "; delete ",
                        n == 1 ? "it" : "them", " first");
  }
  return "";
}

namespace {

// References to other resources must resolve in the current graph. The
// store checks again under its lock; this check names the field.
void CheckReferences(const GraphSnapshot&, const City&, const std::string&,
                     std::vector<FieldViolation>*) {}

void CheckReferences(const GraphSnapshot& g, const Project& p,
                     const std::string& prefix,
                     std::vector<FieldViolation>* violations) {
  for (size_t i = 0; i < p.members.size(); ++i) {
    // An empty id did not parse and was reported as such.
    if (!p.members[i].city_id.empty() &&
        g.FindCity(p.members[i].city_id) == nullptr) {
      violations->push_back(
          {absl::StrCat(prefix, "members[", i, "].city"),
           absl::StrCat("city ", p.members[i].city_id, " does not exist")});
    }
  }
}

void CheckReferences(const GraphSnapshot& g, const Practice& p,
                     const std::string& prefix,
                     std::vector<FieldViolation>* violations) {
  if (!p.city_id.empty() && g.FindCity(p.city_id) == nullptr) {
    violations->push_back(
        {prefix + "city", absl::StrCat("city ", p.city_id, " does not exist")});
  }
}

// Why `label` is refused, with the nearest known theme if one is near.
std::string UnknownThemeMessage(const GraphSnapshot& g,
                                absl::string_view label) {
  return absl::StrCat("\"", label, "\" is not a known theme",
                      ThemeHint(g.SuggestTheme(label)));
}

// An interactive write names its themes from the vocabulary: a theme id,
// display name or synonym, or a label that stored projects or practices
// already carry (data imported from other networks keeps its own labels, and
// editing such a project keeps them). Anything else is most likely a typo,
// and stored it would stay: "hosing" would tie the project to a theme of its
// own instead of housing, out of reach of every query for housing. So it is
// refused, with the nearest known name. Keywords do not vouch for a label
// here, since "migratoin" contains one. The import does not come this way and
// keeps accepting any label: a bulk load from another network is not a typo.
void CheckThemes(const GraphSnapshot& g, const std::vector<std::string>& themes,
                 const std::string& field,
                 std::vector<FieldViolation>* violations) {
  // Labels already refused for their form (blank, '|', too many) are not
  // reported twice.
  absl::flat_hash_set<std::string> reported;
  for (const FieldViolation& v : *violations) reported.insert(v.field);
  if (reported.contains(field)) return;
  absl::flat_hash_map<std::string, std::vector<size_t>> unknown;
  for (size_t i = 0; i < themes.size(); ++i) {
    if (!g.taxonomy().Defines(themes[i]) &&
        !reported.contains(absl::StrCat(field, "[", i, "]"))) {
      unknown[NormalizeLabel(themes[i])].push_back(i);
    }
  }
  if (unknown.empty()) return;
  // One pass over every stored label; a write with an unknown label is rare.
  auto forget_stored = [&unknown](const std::vector<std::string>& labels) {
    for (const std::string& label : labels) {
      unknown.erase(NormalizeLabel(label));
    }
  };
  for (const Project& p : g.projects()) {
    if (unknown.empty()) break;
    forget_stored(p.themes);
  }
  for (const Practice& p : g.practices()) {
    if (unknown.empty()) break;
    forget_stored(p.themes);
  }
  for (const City& c : g.cities()) {
    if (unknown.empty()) break;
    forget_stored(c.profile.seeking_themes);
  }
  std::vector<size_t> refused;
  for (const auto& [label, indices] : unknown) {
    refused.insert(refused.end(), indices.begin(), indices.end());
  }
  std::sort(refused.begin(), refused.end());
  for (size_t i : refused) {
    violations->push_back(
        {absl::StrCat(field, "[", i, "]"), UnknownThemeMessage(g, themes[i])});
  }
}

// The themes a city seeks help on (its profile) come from the same
// vocabulary: a typo there would be a theme of its own that nobody reading
// the vocabulary finds.
void CheckThemes(const GraphSnapshot& g, const City& c,
                 const std::string& prefix,
                 std::vector<FieldViolation>* violations) {
  CheckThemes(g, c.profile.seeking_themes, prefix + "profile.seeking_themes",
              violations);
}

void CheckThemes(const GraphSnapshot& g, const Project& p,
                 const std::string& prefix,
                 std::vector<FieldViolation>* violations) {
  CheckThemes(g, p.themes, prefix + "themes", violations);
}

void CheckThemes(const GraphSnapshot& g, const Practice& p,
                 const std::string& prefix,
                 std::vector<FieldViolation>* violations) {
  CheckThemes(g, p.themes, prefix + "themes", violations);
}

// Why `name` is not a resource name of T's collection.
template <typename T>
std::string NotANameMessage(const std::string& name) {
  using Traits = ResourceTraits<T>;
  if constexpr (std::is_same_v<T, City>) {
    return NotACityMessage(name);
  } else {
    return absl::StrCat("\"", name, "\" is not a ", Traits::kField, " name (",
                        Traits::kCollection, "{id})");
  }
}

template <typename T>
grpc::Status Get(const GraphStore& store, const std::string& name,
                 typename ResourceTraits<T>::Proto* response) {
  using Traits = ResourceTraits<T>;
  const std::string id = ParseResourceName(Traits::kCollection, name);
  if (id.empty()) {
    return InvalidArgument({{"name", NotANameMessage<T>(name)}});
  }
  std::shared_ptr<const GraphSnapshot> graph = store.Snapshot();
  const T* entity = Traits::Find(*graph, id);
  if (entity == nullptr) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND,
                        absl::StrCat(name, " not found"));
  }
  *response = ToProto(*entity);
  return grpc::Status::OK;
}

// The owner of a project or practice; cities have none.
const std::string* OwnerOf(const City&) { return nullptr; }
const std::string* OwnerOf(const Project& p) { return &p.owner; }
const std::string* OwnerOf(const Practice& p) { return &p.owner; }

// Why `owner`, the value of `field`, is refused: it names no organisation.
FieldViolation UnknownOwner(const std::string& field,
                            const std::string& owner) {
  return {field, absl::StrCat("organizations/", owner,
                              " is not an existing organization (citymatch "
                              "orgs list)")};
}

// A new owner must be an organisation that exists: one never created or
// since deleted would leave the entity to whoever creates an organisation
// of that id later, and an organisation that owns it cannot be deleted.
// `owner` "" (none, reference data) passes. Checked against `registry` now,
// to name the field, and again by the check returned here, which Apply runs
// under the graph's write lock: DeleteOrganization checks the owners under
// that lock, so the two cannot pass each other.
std::function<absl::Status()> CheckOwner(const TokenRegistry& registry,
                                         const std::string& owner,
                                         const std::string& field,
                                         std::vector<FieldViolation>* refused) {
  if (owner.empty()) return nullptr;
  if (!registry.HasOrganization(owner)) {
    refused->push_back(UnknownOwner(field, owner));
    return nullptr;
  }
  return [&registry, owner, field, refused]() -> absl::Status {
    if (registry.HasOrganization(owner)) return absl::OkStatus();
    refused->push_back(UnknownOwner(field, owner));
    return absl::InvalidArgumentError("owner deleted");
  };
}

// Applies `mutation` and fills `response` with the stored entity `id`.
// `before_commit` as in GraphStore::Apply; violations it left in `refused`
// are the answer if it refused.
template <typename T>
grpc::Status ApplyAndReturn(
    GraphStore* store, const Mutation& mutation, const std::string& id,
    typename ResourceTraits<T>::Proto* response,
    const std::function<absl::Status()>& before_commit = nullptr,
    const std::vector<FieldViolation>* refused = nullptr) {
  absl::StatusOr<std::shared_ptr<const GraphSnapshot>> graph =
      store->Apply(mutation, before_commit);
  if (!graph.ok()) {
    if (refused != nullptr && !refused->empty()) {
      return InvalidArgument(*refused);
    }
    return ToGrpcStatus(graph.status());
  }
  *response = ToProto(*ResourceTraits<T>::Find(**graph, id));
  return grpc::Status::OK;
}

// The entity a create made, as recorded with its request_id.
template <typename T>
std::string RequestEntityKey(const std::string& id) {
  return absl::StrCat(EntityKindName(ResourceTraits<T>::kKind), "/", id);
}

// A digest of what a create asks for (the id and the resource as sent), to
// tell a retry of it from another request that reuses its request_id.
std::string RequestFingerprint(const std::string& id,
                               const google::protobuf::Message& resource) {
  std::string bytes = id + '\n';
  {
    google::protobuf::io::StringOutputStream out(&bytes);
    google::protobuf::io::CodedOutputStream coded(&out);
    coded.SetSerializationDeterministic(true);
    resource.SerializeToCodedStream(&coded);
  }
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
         digest);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), sizeof(digest)));
}

// If `request_id` was already used, the answer to the retry: the entity the
// first call created. nullopt if the request is new. A caller who may not
// write that entity (another organisation's editor, with the same id by
// chance or on purpose) did not make the first call: refused as a write of
// it would be, so that it is not told, nor audited as, having created it.
// A request that reuses the id with other content is no retry: answered
// with the first call's entity, its caller would take it for its own.
template <typename T>
std::optional<grpc::Status> Replay(
    const GraphStore& store, const Principal& principal,
    const std::string& request_id, const std::string& id,
    const std::string& fingerprint,
    typename ResourceTraits<T>::Proto* response) {
  if (request_id.empty()) return std::nullopt;
  const std::optional<AppliedRequest> applied = store.Request(request_id);
  if (!applied.has_value()) return std::nullopt;
  const std::string& known = applied->entity;
  if (known != RequestEntityKey<T>(id)) {
    return InvalidArgument(
        {{"request_id", absl::StrCat("was used before to create ", known)}});
  }
  const T* entity = ResourceTraits<T>::Find(*store.Snapshot(), id);
  if (entity == nullptr) {
    return grpc::Status(
        grpc::StatusCode::NOT_FOUND,
        absl::StrCat("the ", EntityKindName(ResourceTraits<T>::kKind),
                     " this request created was deleted since"));
  }
  grpc::Status allowed = CheckWrite(principal, entity, entity, {});
  if (!allowed.ok()) return allowed;
  // "" for a request stored before fingerprints were: replayed as before.
  if (!applied->fingerprint.empty() && applied->fingerprint != fingerprint) {
    return InvalidArgument(
        {{"request_id",
          absl::StrCat("was used before, by a request with other content, to "
                       "create ",
                       known,
                       "; a retry must send the same request, another "
                       "request needs a new request_id")}});
  }
  *response = ToProto(*entity);
  return grpc::Status::OK;
}

template <typename T>
grpc::Status Create(GraphStore* store, const TokenRegistry& registry,
                    const Principal& principal, const std::string& id_field,
                    const std::string& id, const std::string& request_id,
                    const typename ResourceTraits<T>::Proto& resource,
                    typename ResourceTraits<T>::Proto* response) {
  using Traits = ResourceTraits<T>;
  std::vector<FieldViolation> violations;
  std::string problem = CheckText(request_id, 128, /*required=*/false);
  if (!problem.empty()) violations.push_back({"request_id", problem});
  if (!IsValidId(id)) {
    violations.push_back(
        {id_field, id.empty() ? "is required"
                              : absl::StrCat("\"", id,
                                             "\" does not match "
                                             "[a-z0-9][a-z0-9-]{0,62}")});
  }
  const std::string prefix = absl::StrCat(Traits::kField, ".");
  T entity = FromProto(resource, id, prefix, &violations);
  std::shared_ptr<const GraphSnapshot> graph = store->Snapshot();
  CheckReferences(*graph, entity, prefix, &violations);
  CheckThemes(*graph, entity, prefix, &violations);
  if (!violations.empty()) return InvalidArgument(violations);
  AssignDefaultOwner(principal, &entity);
  grpc::Status allowed = CheckWrite(principal, nullptr, &entity, {});
  if (!allowed.ok()) return allowed;
  const std::string fingerprint =
      request_id.empty() ? "" : RequestFingerprint(id, resource);
  if (std::optional<grpc::Status> replayed =
          Replay<T>(*store, principal, request_id, id, fingerprint, response)) {
    return *replayed;
  }
  // After CheckWrite, which refuses an editor every owner but its own, so
  // that editors cannot probe which organisations exist.
  std::vector<FieldViolation> owner_refused;
  std::function<absl::Status()> owner_check;
  if (const std::string* owner = OwnerOf(entity)) {
    owner_check =
        CheckOwner(registry, *owner, prefix + "owner", &owner_refused);
    if (!owner_refused.empty()) return InvalidArgument(owner_refused);
  }
  Mutation mutation;
  mutation.preconditions.push_back(
      {Traits::kKind, id, Precondition::Kind::kMustNotExist, ""});
  mutation.request_id = request_id;
  if (!request_id.empty()) {
    mutation.request_entity = RequestEntityKey<T>(id);
    mutation.request_fingerprint = fingerprint;
  }
  Traits::Puts(&mutation)->push_back(std::move(entity));
  grpc::Status status = ApplyAndReturn<T>(store, mutation, id, response,
                                          owner_check, &owner_refused);
  if (status.error_code() == grpc::StatusCode::ALREADY_EXISTS) {
    // A concurrent retry of the same request may have won the race.
    if (std::optional<grpc::Status> replayed = Replay<T>(
            *store, principal, request_id, id, fingerprint, response)) {
      return *replayed;
    }
  }
  return status;
}

template <typename T>
grpc::Status Update(GraphStore* store, const TokenRegistry& registry,
                    const Principal& principal,
                    const typename ResourceTraits<T>::Proto& patch,
                    const google::protobuf::FieldMask& mask,
                    typename ResourceTraits<T>::Proto* response) {
  using Traits = ResourceTraits<T>;
  const std::string prefix = absl::StrCat(Traits::kField, ".");
  const std::string id = ParseResourceName(Traits::kCollection, patch.name());
  if (id.empty()) {
    return InvalidArgument(
        {{prefix + "name", NotANameMessage<T>(patch.name())}});
  }
  const std::vector<std::string> updatable = Traits::UpdatablePaths();
  std::vector<FieldViolation> violations;
  for (const std::string& path : mask.paths()) {
    const std::string top = path.substr(0, path.find('.'));
    // A sub-path must name a field too: the merge below skips one that does
    // not ("display_name.first", "profile.capcity", "members.role"), and the
    // update would answer OK having changed nothing.
    if (std::find(updatable.begin(), updatable.end(), top) == updatable.end() ||
        !FieldMaskUtil::IsValidPath<typename Traits::Proto>(path)) {
      violations.push_back(
          {"update_mask",
           absl::StrCat("\"", path, "\" is not an updatable field of a ",
                        Traits::kField)});
    }
  }
  if (!violations.empty()) return InvalidArgument(violations);

  // The patch is merged into the stored resource as of one snapshot and
  // committed only if that resource is still as it was then: with the
  // client's etag if it sent one (a stale one is ABORTED), else with the
  // etag of the version merged into, so that a masked update never writes
  // back fields another client changed meanwhile. Without a client etag a
  // concurrent change is merged into again, as the client asked for no
  // check of its own.
  constexpr int kAttempts = 100;
  for (int attempt = 1;; ++attempt) {
    std::shared_ptr<const GraphSnapshot> graph = store->Snapshot();
    const T* current = Traits::Find(*graph, id);
    if (current == nullptr) {
      return grpc::Status(grpc::StatusCode::NOT_FOUND,
                          absl::StrCat(patch.name(), " not found"));
    }
    typename Traits::Proto merged = ToProto(*current);
    google::protobuf::FieldMask effective = mask;
    if (effective.paths_size() == 0) {
      for (const std::string& path : updatable) effective.add_paths(path);
    }
    FieldMaskUtil::MergeOptions options;
    options.set_replace_message_fields(true);
    options.set_replace_repeated_fields(true);
    FieldMaskUtil::MergeMessageTo(patch, effective, options, &merged);
    T entity = FromProto(merged, id, prefix, &violations);
    // A problem the stored resource has already, with the same value, is
    // not the update's: a value stored before the service refused it (a
    // population above kMaxPopulation, a language that is not a code)
    // would otherwise refuse every update of the resource, an editor's of
    // the profile too, who may not change that value.
    if (!violations.empty()) {
      std::vector<FieldViolation> stored;
      FromProto(ToProto(*current), id, prefix, &stored);
      violations.erase(std::remove_if(violations.begin(), violations.end(),
                                      [&stored](const FieldViolation& v) {
                                        return std::any_of(
                                            stored.begin(), stored.end(),
                                            [&v](const FieldViolation& s) {
                                              return s.field == v.field &&
                                                     s.description ==
                                                         v.description;
                                            });
                                      }),
                       violations.end());
    }
    CheckReferences(*graph, entity, prefix, &violations);
    CheckThemes(*graph, entity, prefix, &violations);
    if (!violations.empty()) return InvalidArgument(violations);
    grpc::Status allowed = CheckWrite(
        principal, current, &entity, {mask.paths().begin(), mask.paths().end()});
    if (!allowed.ok()) return allowed;
    // Only a new owner is checked: an update of anything else leaves the
    // owner as it is (an owner stored before owners were checked included).
    std::vector<FieldViolation> owner_refused;
    std::function<absl::Status()> owner_check;
    const std::string* owner = OwnerOf(entity);
    if (owner != nullptr && *owner != *OwnerOf(*current)) {
      owner_check =
          CheckOwner(registry, *owner, prefix + "owner", &owner_refused);
      if (!owner_refused.empty()) return InvalidArgument(owner_refused);
    }

    Mutation mutation;
    // The etag check happens under the store's lock, so two clients that
    // read the same version cannot both win.
    const bool client_etag = !patch.etag().empty();
    mutation.preconditions.push_back(
        {Traits::kKind, id, Precondition::Kind::kMustExist,
         client_etag ? patch.etag() : Etag(*current)});
    Traits::Puts(&mutation)->push_back(std::move(entity));
    grpc::Status status = ApplyAndReturn<T>(store, mutation, id, response,
                                            owner_check, &owner_refused);
    if (client_etag || attempt == kAttempts ||
        status.error_code() != grpc::StatusCode::ABORTED) {
      return status;
    }
  }
}

// Deletes the entity `name`. A city also leaves every organisation attached
// to it, in the same operation: projects, practices and twinnings that hold
// a city refuse its deletion (Blocker), as they are data a user must decide
// about, but an organisation's cities are access rights, not data: refusing
// would make a city's deletion wait for an UpdateOrganization of every
// organisation that lists it; and an organisation left holding the id would
// give its editors the profile of any city created later under that id. The organisations are in the admin store, another
// SQLite database, so the order is what keeps a crash harmless: the city
// leaves them first, under the graph's write lock once its deletion has
// passed every check (so only a failing disk can still stop it), and is
// deleted after. A crash in between leaves the city without those
// organisations, which only takes access away; the other order could leave
// an organisation holding an id that no city has. If the deletion fails
// after all, the city is attached to them again, still under the lock: an
// UpdateOrganization or DeleteOrganization waiting for it must find the
// city where it was, not see it gone and have it come back after.
template <typename T>
grpc::Status Delete(GraphStore* store, TokenRegistry* registry,
                    const Principal& principal, const std::string& name,
                    const std::string& etag, v1::DeleteResponse* response) {
  using Traits = ResourceTraits<T>;
  const std::string id = ParseResourceName(Traits::kCollection, name);
  if (id.empty()) {
    return InvalidArgument({{"name", NotANameMessage<T>(name)}});
  }
  // Who may delete it is decided on the graph the deletion is made from,
  // under the write lock: checked on an earlier snapshot, a project handed
  // to another organisation meanwhile would be deleted by its former
  // owner's editor.
  grpc::Status refused;
  auto make = [&](const GraphSnapshot& graph) -> absl::StatusOr<Mutation> {
    if (const T* existing = Traits::Find(graph, id)) {
      refused = CheckWrite(principal, existing, nullptr, {});
      if (!refused.ok()) return absl::PermissionDeniedError("refused");
    }
    std::string blocker = Traits::Blocker(graph, id);
    if (!blocker.empty()) return absl::FailedPreconditionError(blocker);
    Mutation mutation;
    mutation.preconditions.push_back(
        {Traits::kKind, id, Precondition::Kind::kMustExist, etag});
    Traits::Deletes(&mutation)->push_back(id);
    return mutation;
  };
  std::vector<std::string> detached;  // organisations the city left
  std::function<absl::Status()> before_commit;
  std::function<void()> undo_before_commit;
  if constexpr (std::is_same_v<T, City>) {
    before_commit = [&]() -> absl::Status {
      absl::StatusOr<std::vector<std::string>> left = registry->DetachCity(id);
      if (!left.ok()) return left.status();
      detached = *std::move(left);
      return absl::OkStatus();
    };
    undo_before_commit = [&] {
      if (detached.empty()) return;
      absl::Status undone = registry->ReattachCity(id, detached);
      if (!undone.ok()) {
        spdlog::error(
            "{} was not deleted, but it could not be attached again to "
            "organizations {}: {}",
            name, absl::StrJoin(detached, ", "), undone.ToString());
      }
    };
  }
  absl::StatusOr<std::shared_ptr<const GraphSnapshot>> graph =
      store->ApplyFrom(make, before_commit, undo_before_commit);
  if (!refused.ok()) return refused;
  if (!graph.ok()) return ToGrpcStatus(graph.status());
  if (!detached.empty()) {
    spdlog::info("deleted {}; it left organizations {}", name,
                 absl::StrJoin(detached, ", "));
  }
  response->set_graph_version((*graph)->version());
  return grpc::Status::OK;
}

// The four resource handlers, admitted and (for writes) audited: each
// Catalog method for cities, projects and practices is one of these.
template <typename T>
grpc::ServerUnaryReactor* ServeGet(
    const RequestGuard& guard, const GraphStore& store,
    grpc::CallbackServerContext* context, const std::string& name,
    typename ResourceTraits<T>::Proto* response) {
  return Serve(guard, context, Access::kRead,
               [&](const Principal&) { return Get<T>(store, name, response); });
}

template <typename T>
grpc::ServerUnaryReactor* ServeCreate(
    const RequestGuard& guard, GraphStore* store, const TokenRegistry& registry,
    grpc::CallbackServerContext* context, const char* method,
    const std::string& id_field, const std::string& id,
    const std::string& request_id,
    const typename ResourceTraits<T>::Proto& resource,
    typename ResourceTraits<T>::Proto* response) {
  return ServeWrite(guard, context, Access::kWrite, method,
                    ResourceName(ResourceTraits<T>::kCollection, id),
                    [&](const Principal& p) {
                      return Create<T>(store, registry, p, id_field, id,
                                       request_id, resource, response);
                    });
}

template <typename T>
grpc::ServerUnaryReactor* ServeUpdate(
    const RequestGuard& guard, GraphStore* store, const TokenRegistry& registry,
    grpc::CallbackServerContext* context, const char* method,
    const typename ResourceTraits<T>::Proto& patch,
    const google::protobuf::FieldMask& mask,
    typename ResourceTraits<T>::Proto* response) {
  return ServeWrite(guard, context, Access::kWrite, method, patch.name(),
                    [&](const Principal& p) {
                      return Update<T>(store, registry, p, patch, mask,
                                       response);
                    });
}

template <typename T>
grpc::ServerUnaryReactor* ServeDelete(
    const RequestGuard& guard, GraphStore* store, TokenRegistry* registry,
    grpc::CallbackServerContext* context, const char* method,
    const std::string& name, const std::string& etag,
    v1::DeleteResponse* response) {
  return ServeWrite(
      guard, context, Access::kWrite, method, name, [&](const Principal& p) {
        return Delete<T>(store, registry, p, name, etag, response);
      });
}

// True if `labels` carry `theme` (a theme id or a label) under `graph`'s
// taxonomy.
bool HasTheme(const GraphSnapshot& graph, const std::vector<int>& themes,
              const std::vector<int>& wanted) {
  for (int t : wanted) {
    if (std::binary_search(themes.begin(), themes.end(), t)) return true;
  }
  return false;
}

// The id of an optional "cities/{id}" filter; a violation if it names no
// city of `graph` (an empty list would not tell "milan", a name typed for an
// id, from a city without projects).
std::string CityFilter(const GraphSnapshot& graph, const std::string& name,
                       std::vector<FieldViolation>* violations) {
  if (name.empty()) return "";
  std::string id = ParseResourceName(kCities, name);
  if (id.empty()) {
    violations->push_back({"city", NotACityMessage(name)});
  } else if (graph.CityIndex(id) < 0) {
    violations->push_back({"city", UnknownCityMessage(id)});
  }
  return id;
}

// The theme nodes of an optional theme filter; a violation if the label
// resolves to none, so that a typo is not answered with an empty list.
std::vector<int> ThemeFilter(const GraphSnapshot& graph,
                             const std::string& label,
                             std::vector<FieldViolation>* violations) {
  if (label.empty()) return {};
  std::vector<int> themes = graph.ResolveThemes({label});
  if (themes.empty()) {
    violations->push_back({"theme", UnknownThemeMessage(graph, label)});
  }
  return themes;
}

}  // namespace

CatalogService::CatalogService(GraphStore* store, TokenRegistry* registry,
                               const RequestGuard* guard,
                               CatalogOptions options)
    : store_(store),
      registry_(registry),
      guard_(guard),
      options_(options),
      export_slots_(options.max_exports_per_token, options.max_exports) {}

// ---- Cities ----------------------------------------------------------------

grpc::ServerUnaryReactor* CatalogService::GetCity(
    grpc::CallbackServerContext* context, const v1::GetCityRequest* request,
    v1::City* response) {
  return ServeGet<City>(*guard_, *store_, context, request->name(), response);
}

grpc::ServerUnaryReactor* CatalogService::ListCities(
    grpc::CallbackServerContext* context, const v1::ListCitiesRequest* request,
    v1::ListCitiesResponse* response) {
  return Serve(*guard_, context, Access::kRead, [&](const Principal&) {
    std::vector<FieldViolation> violations;
    const std::string& name_text = request->display_name_contains();
    const std::string country = absl::AsciiStrToUpper(request->country_code());
    if (!country.empty()) {
      std::string problem = CheckCountryFilter(request->country_code());
      if (!problem.empty()) violations.push_back({"country_code", problem});
    }
    std::string scope = absl::StrCat("ListCities\x1f", country);
    // Without a name filter the scope is what it was before the filter
    // existed, so page tokens handed out then stay valid.
    if (!name_text.empty()) absl::StrAppend(&scope, "\x1f", name_text);
    PageRequest page = ParsePageRequest(
        request->page_size(), request->page_token(), scope,
        options_.default_page_size, options_.max_page_size, &violations);
    std::string problem =
        CheckText(name_text, kMaxNameLength, /*required=*/false);
    if (!problem.empty()) {
      violations.push_back({"display_name_contains", problem});
    }
    if (!violations.empty()) return InvalidArgument(violations);
    const std::string wanted_name =
        FoldName(absl::StripAsciiWhitespace(name_text));
    std::shared_ptr<const GraphSnapshot> graph = store_->Snapshot();
    int total = 0;
    response->set_next_page_token(Paginate(
        graph->cities(), page, scope, [](const City& c) { return c.id; },
        [&](const City& c) {
          if (!country.empty() && c.country != country) {
            return false;
          }
          return wanted_name.empty() ||
                 absl::StrContains(FoldName(c.name), wanted_name);
        },
        [&](const City& c) { *response->add_cities() = ToProto(c); }, &total));
    response->set_total_size(total);
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* CatalogService::CreateCity(
    grpc::CallbackServerContext* context, const v1::CreateCityRequest* request,
    v1::City* response) {
  return ServeCreate<City>(*guard_, store_, *registry_, context, "CreateCity",
                           "city_id", request->city_id(), request->request_id(),
                           request->city(), response);
}

grpc::ServerUnaryReactor* CatalogService::UpdateCity(
    grpc::CallbackServerContext* context, const v1::UpdateCityRequest* request,
    v1::City* response) {
  return ServeUpdate<City>(*guard_, store_, *registry_, context, "UpdateCity",
                           request->city(), request->update_mask(), response);
}

grpc::ServerUnaryReactor* CatalogService::DeleteCity(
    grpc::CallbackServerContext* context, const v1::DeleteCityRequest* request,
    v1::DeleteResponse* response) {
  return ServeDelete<City>(*guard_, store_, registry_, context, "DeleteCity",
                           request->name(), request->etag(), response);
}

// ---- Projects --------------------------------------------------------------

grpc::ServerUnaryReactor* CatalogService::GetProject(
    grpc::CallbackServerContext* context, const v1::GetProjectRequest* request,
    v1::Project* response) {
  return ServeGet<Project>(*guard_, *store_, context, request->name(),
                           response);
}

grpc::ServerUnaryReactor* CatalogService::ListProjects(
    grpc::CallbackServerContext* context,
    const v1::ListProjectsRequest* request,
    v1::ListProjectsResponse* response) {
  return Serve(*guard_, context, Access::kRead, [&](const Principal&) {
    std::vector<FieldViolation> violations;
    const std::string scope = absl::StrCat("ListProjects\x1f", request->city(),
                                           "\x1f", request->theme());
    PageRequest page = ParsePageRequest(
        request->page_size(), request->page_token(), scope,
        options_.default_page_size, options_.max_page_size, &violations);
    std::shared_ptr<const GraphSnapshot> graph = store_->Snapshot();
    const std::string city_id =
        CityFilter(*graph, request->city(), &violations);
    const std::vector<int> themes =
        ThemeFilter(*graph, request->theme(), &violations);
    if (!violations.empty()) return InvalidArgument(violations);
    const int city = city_id.empty() ? -1 : graph->CityIndex(city_id);
    int total = 0;
    response->set_next_page_token(Paginate(
        graph->projects(), page, scope, [](const Project& p) { return p.id; },
        [&](const Project& p) {
          const int index = graph->ProjectIndex(p.id);
          if (!city_id.empty()) {
            const std::vector<int>& members = graph->project_members(index);
            if (!std::binary_search(members.begin(), members.end(), city)) {
              return false;
            }
          }
          return request->theme().empty() ||
                 HasTheme(*graph, graph->project_themes(index), themes);
        },
        [&](const Project& p) { *response->add_projects() = ToProto(p); },
        &total));
    response->set_total_size(total);
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* CatalogService::CreateProject(
    grpc::CallbackServerContext* context,
    const v1::CreateProjectRequest* request, v1::Project* response) {
  return ServeCreate<Project>(*guard_, store_, *registry_, context,
                              "CreateProject", "project_id",
                              request->project_id(), request->request_id(),
                              request->project(), response);
}

grpc::ServerUnaryReactor* CatalogService::UpdateProject(
    grpc::CallbackServerContext* context,
    const v1::UpdateProjectRequest* request, v1::Project* response) {
  return ServeUpdate<Project>(*guard_, store_, *registry_, context,
                              "UpdateProject", request->project(),
                              request->update_mask(), response);
}

grpc::ServerUnaryReactor* CatalogService::DeleteProject(
    grpc::CallbackServerContext* context,
    const v1::DeleteProjectRequest* request, v1::DeleteResponse* response) {
  return ServeDelete<Project>(*guard_, store_, registry_, context,
                              "DeleteProject", request->name(), request->etag(),
                              response);
}

// ---- Practices -------------------------------------------------------------

grpc::ServerUnaryReactor* CatalogService::GetPractice(
    grpc::CallbackServerContext* context, const v1::GetPracticeRequest* request,
    v1::Practice* response) {
  return ServeGet<Practice>(*guard_, *store_, context, request->name(),
                            response);
}

grpc::ServerUnaryReactor* CatalogService::ListPractices(
    grpc::CallbackServerContext* context,
    const v1::ListPracticesRequest* request,
    v1::ListPracticesResponse* response) {
  return Serve(*guard_, context, Access::kRead, [&](const Principal&) {
    std::vector<FieldViolation> violations;
    const std::string scope = absl::StrCat("ListPractices\x1f", request->city(),
                                           "\x1f", request->theme());
    PageRequest page = ParsePageRequest(
        request->page_size(), request->page_token(), scope,
        options_.default_page_size, options_.max_page_size, &violations);
    std::shared_ptr<const GraphSnapshot> graph = store_->Snapshot();
    const std::string city_id =
        CityFilter(*graph, request->city(), &violations);
    const std::vector<int> themes =
        ThemeFilter(*graph, request->theme(), &violations);
    if (!violations.empty()) return InvalidArgument(violations);
    int total = 0;
    response->set_next_page_token(Paginate(
        graph->practices(), page, scope, [](const Practice& p) { return p.id; },
        [&](const Practice& p) {
          if (!city_id.empty() && p.city_id != city_id) return false;
          return request->theme().empty() ||
                 HasTheme(*graph,
                          graph->practice_themes(graph->PracticeIndex(p.id)),
                          themes);
        },
        [&](const Practice& p) { *response->add_practices() = ToProto(p); },
        &total));
    response->set_total_size(total);
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* CatalogService::CreatePractice(
    grpc::CallbackServerContext* context,
    const v1::CreatePracticeRequest* request, v1::Practice* response) {
  return ServeCreate<Practice>(*guard_, store_, *registry_, context,
                               "CreatePractice", "practice_id",
                               request->practice_id(), request->request_id(),
                               request->practice(), response);
}

grpc::ServerUnaryReactor* CatalogService::UpdatePractice(
    grpc::CallbackServerContext* context,
    const v1::UpdatePracticeRequest* request, v1::Practice* response) {
  return ServeUpdate<Practice>(*guard_, store_, *registry_, context,
                               "UpdatePractice", request->practice(),
                               request->update_mask(), response);
}

grpc::ServerUnaryReactor* CatalogService::DeletePractice(
    grpc::CallbackServerContext* context,
    const v1::DeletePracticeRequest* request, v1::DeleteResponse* response) {
  return ServeDelete<Practice>(*guard_, store_, registry_, context,
                               "DeletePractice", request->name(),
                               request->etag(), response);
}

// ---- Themes ----------------------------------------------------------------

grpc::ServerUnaryReactor* CatalogService::ListThemes(
    grpc::CallbackServerContext* context, const v1::ListThemesRequest*,
    v1::ListThemesResponse* response) {
  return Serve(*guard_, context, Access::kRead, [&](const Principal&) {
    std::shared_ptr<const GraphSnapshot> graph = store_->Snapshot();
    for (const ThemeDefinition& definition : graph->taxonomy().themes()) {
      v1::Theme* theme = response->add_themes();
      theme->set_name(ResourceName(kThemes, definition.id));
      theme->set_display_name(definition.display_name);
      for (const std::string& s : definition.synonyms) theme->add_synonyms(s);
      const int t = graph->ThemeIndex(definition.id);
      if (t >= 0) {
        theme->set_project_count(
            static_cast<int>(graph->theme_projects(t).size()));
        theme->set_practice_count(
            static_cast<int>(graph->theme_practices(t).size()));
      }
    }
    return grpc::Status::OK;
  });
}

// ---- Twinnings -------------------------------------------------------------

namespace {

// Parses both cities of `t`, appending violations under `prefix`.
std::optional<Twinning> TwinningFromProto(
    const v1::Twinning& t, std::vector<FieldViolation>* violations) {
  const std::string a = ParseResourceName(kCities, t.city_a());
  const std::string b = ParseResourceName(kCities, t.city_b());
  if (a.empty()) {
    violations->push_back({"twinning.city_a", "must be a city name"});
  }
  if (b.empty()) {
    violations->push_back({"twinning.city_b", "must be a city name"});
  }
  if (!a.empty() && a == b) {
    violations->push_back(
        {"twinning.city_b", "a city cannot be twinned with itself"});
  }
  if (!violations->empty()) return std::nullopt;
  return Twinning::Normalized(a, b);
}

}  // namespace

grpc::ServerUnaryReactor* CatalogService::ListTwinnings(
    grpc::CallbackServerContext* context,
    const v1::ListTwinningsRequest* request,
    v1::ListTwinningsResponse* response) {
  return Serve(*guard_, context, Access::kRead, [&](const Principal&) {
    std::vector<FieldViolation> violations;
    const std::string scope =
        absl::StrCat("ListTwinnings\x1f", request->city());
    PageRequest page = ParsePageRequest(
        request->page_size(), request->page_token(), scope,
        options_.default_page_size, options_.max_page_size, &violations);
    // A token issued when the key's separator was '|' goes on where it left
    // off: ids hold neither character.
    std::replace(page.after.begin(), page.after.end(), '|', ',');
    std::shared_ptr<const GraphSnapshot> graph = store_->Snapshot();
    const std::string city_id =
        CityFilter(*graph, request->city(), &violations);
    if (!violations.empty()) return InvalidArgument(violations);
    int total = 0;
    // The key must sort as the pairs do (city_a, then city_b): a separator
    // below every id character keeps "317109" before "3171095", which '|'
    // would not, and the page after (317109, x) would skip (3171095, y).
    response->set_next_page_token(Paginate(
        graph->twinnings(), page, scope,
        [](const Twinning& t) { return absl::StrCat(t.city_a, ",", t.city_b); },
        [&](const Twinning& t) {
          return city_id.empty() || t.city_a == city_id || t.city_b == city_id;
        },
        [&](const Twinning& t) { *response->add_twinnings() = ToProto(t); },
        &total));
    response->set_total_size(total);
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* CatalogService::CreateTwinning(
    grpc::CallbackServerContext* context,
    const v1::CreateTwinningRequest* request, v1::Twinning* response) {
  const std::string resource = absl::StrCat(request->twinning().city_a(), "~",
                                            request->twinning().city_b());
  return ServeWrite(
      *guard_, context, Access::kAdmin, "CreateTwinning", resource,
      [&](const Principal&) {
        std::vector<FieldViolation> violations;
        std::optional<Twinning> twinning =
            TwinningFromProto(request->twinning(), &violations);
        if (twinning.has_value()) {
          std::shared_ptr<const GraphSnapshot> graph = store_->Snapshot();
          for (const auto& [field, id] :
               // The fields as the client wrote them, not in normalised order.
               {std::pair<const char*, std::string>{
                    "twinning.city_a",
                    ParseResourceName(kCities, request->twinning().city_a())},
                {"twinning.city_b",
                 ParseResourceName(kCities, request->twinning().city_b())}}) {
            if (graph->FindCity(id) == nullptr) {
              violations.push_back(
                  {field, absl::StrCat("city ", id, " does not exist")});
            }
          }
        }
        if (!violations.empty()) return InvalidArgument(violations);
        Mutation mutation;
        mutation.preconditions.push_back(
            {EntityKind::kTwinning,
             absl::StrCat(twinning->city_a, "|", twinning->city_b),
             Precondition::Kind::kMustNotExist, ""});
        mutation.put_twinnings.push_back(*twinning);
        absl::StatusOr<std::shared_ptr<const GraphSnapshot>> graph =
            store_->Apply(mutation);
        if (!graph.ok()) return ToGrpcStatus(graph.status());
        *response = ToProto(*twinning);
        return grpc::Status::OK;
      });
}

grpc::ServerUnaryReactor* CatalogService::DeleteTwinning(
    grpc::CallbackServerContext* context,
    const v1::DeleteTwinningRequest* request, v1::DeleteResponse* response) {
  const std::string resource = absl::StrCat(request->twinning().city_a(), "~",
                                            request->twinning().city_b());
  return ServeWrite(
      *guard_, context, Access::kAdmin, "DeleteTwinning", resource,
      [&](const Principal&) {
        std::vector<FieldViolation> violations;
        std::optional<Twinning> twinning =
            TwinningFromProto(request->twinning(), &violations);
        if (!violations.empty()) return InvalidArgument(violations);
        Mutation mutation;
        mutation.preconditions.push_back(
            {EntityKind::kTwinning,
             absl::StrCat(twinning->city_a, "|", twinning->city_b),
             Precondition::Kind::kMustExist, ""});
        mutation.delete_twinnings.push_back(*twinning);
        absl::StatusOr<std::shared_ptr<const GraphSnapshot>> graph =
            store_->Apply(mutation);
        if (!graph.ok()) return ToGrpcStatus(graph.status());
        response->set_graph_version((*graph)->version());
        return grpc::Status::OK;
      });
}

// ---- Import and export -----------------------------------------------------

grpc::ServerReadReactor<v1::ImportDatasetRequest>*
CatalogService::ImportDataset(grpc::CallbackServerContext* context,
                              v1::ImportDatasetResponse* response) {
  Principal principal;
  const grpc::Status admitted =
      guard_->Admit(*context, Access::kAdmin, &principal);
  return NewImportReactor(context, store_, guard_->audit(),
                          std::move(principal), admitted,
                          options_.max_import_bytes, response);
}

grpc::ServerWriteReactor<v1::DatasetChunk>* CatalogService::ExportDataset(
    grpc::CallbackServerContext* context, const v1::ExportDatasetRequest*) {
  Principal principal;
  const grpc::Status admitted =
      guard_->Admit(*context, Access::kRead, &principal);
  return NewExportReactor(admitted, *store_, options_.export_chunk_bytes,
                          &export_slots_, principal.token_id);
}

}  // namespace citymatch
