#include "server/admin_service.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "google/protobuf/util/time_util.h"
#include "server/call_helpers.h"
#include "server/pagination.h"
#include "server/resource_names.h"
#include "server/status_util.h"

namespace citymatch {

namespace {

using google::protobuf::util::TimeUtil;

constexpr absl::string_view kTokens = "tokens/";
constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 1000;

google::protobuf::Timestamp ToTimestamp(int64_t ms) {
  // A store may hold an expiry beyond what a Timestamp can (CreateToken took
  // any once), and converting it would fail every reply naming the token:
  // it is shown as the nearest a Timestamp holds.
  constexpr int64_t kMin = TimeUtil::kTimestampMinSeconds * 1000;
  constexpr int64_t kMax = TimeUtil::kTimestampMaxSeconds * 1000 + 999;
  return TimeUtil::MillisecondsToTimestamp(std::clamp(ms, kMin, kMax));
}

v1::Organization ToProto(const OrganizationRecord& o) {
  v1::Organization out;
  out.set_name(ResourceName(kOrganizations, o.id));
  out.set_display_name(o.display_name);
  for (const std::string& c : o.city_ids) {
    out.add_cities(ResourceName(kCities, c));
  }
  *out.mutable_create_time() = ToTimestamp(o.create_time_ms);
  return out;
}

v1::Token ToProto(const TokenRecord& t) {
  v1::Token out;
  out.set_name(ResourceName(kTokens, t.id));
  out.set_display_name(t.display_name);
  out.set_role(static_cast<v1::TokenRole>(t.role));
  if (!t.organization_id.empty()) {
    out.set_organization(ResourceName(kOrganizations, t.organization_id));
  }
  *out.mutable_create_time() = ToTimestamp(t.create_time_ms);
  if (t.expire_time_ms != 0) {
    *out.mutable_expire_time() = ToTimestamp(t.expire_time_ms);
  }
  out.set_revoked(t.revoked);
  return out;
}

// The ids of `names` ("cities/{id}"), each a city of `graph`; a violation
// under `list`[i] ("organization.cities[0]") for each that is not, or that
// repeats an earlier one.
std::vector<std::string> ExistingCities(
    const GraphSnapshot& graph,
    const google::protobuf::RepeatedPtrField<std::string>& names,
    absl::string_view list, std::vector<FieldViolation>* violations) {
  std::vector<std::string> ids;
  for (ListedCity& city :
       ParseCityList(names, list, violations, [&](const std::string& id) {
         return graph.FindCity(id) != nullptr
                    ? std::string()
                    : absl::StrCat("\"", ResourceName(kCities, id),
                                   "\" is not an existing city");
       })) {
    ids.push_back(std::move(city.id));
  }
  return ids;
}

std::string NotAnOrganizationMessage(absl::string_view name) {
  return absl::StrCat("\"", name,
                      "\" is not an organization name (organizations/{id})");
}

// "1 project", "2 projects".
std::string Count(size_t n, absl::string_view noun) {
  return absl::StrCat(n, " ", noun, n == 1 ? "" : "s");
}

// Why organisation `id` cannot be deleted while it owns projects or
// practices of `graph`; "" if it owns none. Reference data has no owner, so
// a project can be handed to another organisation or to none.
std::string OwnedBlocker(const GraphSnapshot& graph, const std::string& id) {
  std::vector<std::string> projects, practices;
  for (const Project& p : graph.projects()) {
    if (p.owner == id) projects.push_back(p.id);
  }
  for (const Practice& p : graph.practices()) {
    if (p.owner == id) practices.push_back(p.id);
  }
  if (projects.empty() && practices.empty()) return "";
  std::vector<std::string> owned, commands;
  if (!projects.empty()) {
    owned.push_back(absl::StrCat(Count(projects.size(), "project"), " (e.g. ",
                                 projects[0], ")"));
    commands.push_back(absl::StrCat("citymatch projects update ", projects[0],
                                    " --owner OTHER"));
  }
  if (!practices.empty()) {
    owned.push_back(absl::StrCat(Count(practices.size(), "practice"), " (e.g. ",
                                 practices[0], ")"));
    commands.push_back(absl::StrCat("citymatch practices update ", practices[0],
                                    " --owner OTHER"));
  }
  return absl::StrCat(
      "it owns ", absl::StrJoin(owned, " and "),
      projects.size() + practices.size() == 1 ? "; hand it over"
                                              : "; hand them over",
      " to another organisation first (", absl::StrJoin(commands, ", "),
      "; --owner \"\" makes one reference data, owned by nobody)");
}

// Why organisation `id` cannot be deleted while `tokens` act for it and
// still work; "" if none does.
std::string TokenBlocker(const std::vector<std::string>& tokens) {
  if (tokens.empty()) return "";
  constexpr size_t kNamed = 5;
  std::vector<std::string> named;
  for (size_t i = 0; i < tokens.size() && i < kNamed; ++i) {
    named.push_back(ResourceName(kTokens, tokens[i]));
  }
  if (tokens.size() > kNamed) {
    named.push_back(absl::StrCat(tokens.size() - kNamed, " more"));
  }
  const bool one = tokens.size() == 1;
  return absl::StrCat(
      Count(tokens.size(), "token"),
      one ? " acts for it and still works (" : " act for it and still work (",
      absl::StrJoin(named, ", "), "); revoke ", one ? "it" : "them",
      " first (citymatch tokens revoke ", tokens[0], ")");
}

}  // namespace

AdminService::AdminService(TokenRegistry* registry, GraphStore* store,
                           const RequestGuard* guard)
    : registry_(registry), store_(store), guard_(guard) {}

grpc::ServerUnaryReactor* AdminService::CreateOrganization(
    grpc::CallbackServerContext* context,
    const v1::CreateOrganizationRequest* request, v1::Organization* response) {
  return ServeWrite(
      *guard_, context, Access::kAdmin, "CreateOrganization",
      ResourceName(kOrganizations, request->organization_id()),
      [&](const Principal&) {
        std::vector<FieldViolation> violations;
        OrganizationRecord org;
        org.id = request->organization_id();
        if (!IsValidId(org.id)) {
          violations.push_back(
              {"organization_id", "must match [a-z0-9][a-z0-9-]{0,62}"});
        }
        org.display_name = request->organization().display_name();
        std::string problem =
            CheckText(org.display_name, kMaxNameLength, /*required=*/true);
        if (!problem.empty()) {
          violations.push_back({"organization.display_name", problem});
        }
        // The cities are checked and the organisation stored under the
        // graph's write lock (writing nothing to the graph): DeleteCity
        // takes a city out of every organisation under that lock, so a city
        // deleted meanwhile is either refused here or taken out of this
        // organisation too, never left in it for a later city of that id.
        absl::StatusOr<OrganizationRecord> created =
            absl::UnknownError("not created");
        absl::StatusOr<std::shared_ptr<const GraphSnapshot>> checked =
            store_->ApplyFrom(
                [&](const GraphSnapshot& graph) -> absl::StatusOr<Mutation> {
                  org.city_ids =
                      ExistingCities(graph, request->organization().cities(),
                                     "organization.cities", &violations);
                  // Reported below, with every violation.
                  if (!violations.empty()) {
                    return absl::InvalidArgumentError("bad request");
                  }
                  created = registry_->CreateOrganization(std::move(org));
                  if (!created.ok()) return created.status();
                  return Mutation();
                });
        if (!violations.empty()) return InvalidArgument(violations);
        if (!checked.ok()) return ToGrpcStatus(checked.status());
        *response = ToProto(*created);
        return grpc::Status::OK;
      });
}

grpc::ServerUnaryReactor* AdminService::ListOrganizations(
    grpc::CallbackServerContext* context,
    const v1::ListOrganizationsRequest* request,
    v1::ListOrganizationsResponse* response) {
  return Serve(*guard_, context, Access::kAdmin, [&](const Principal&) {
    std::vector<FieldViolation> violations;
    const std::string scope = "ListOrganizations";
    PageRequest page =
        ParsePageRequest(request->page_size(), request->page_token(), scope,
                         kDefaultPageSize, kMaxPageSize, &violations);
    if (!violations.empty()) return InvalidArgument(violations);
    response->set_next_page_token(Paginate(
        registry_->Organizations(), page, scope,
        [](const OrganizationRecord& o) { return o.id; },
        [](const OrganizationRecord&) { return true; },
        [&](const OrganizationRecord& o) {
          *response->add_organizations() = ToProto(o);
        },
        nullptr));
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* AdminService::UpdateOrganization(
    grpc::CallbackServerContext* context,
    const v1::UpdateOrganizationRequest* request, v1::Organization* response) {
  return ServeWrite(
      *guard_, context, Access::kAdmin, "UpdateOrganization", request->name(),
      [&](const Principal&) {
        std::vector<FieldViolation> violations;
        const std::string id =
            ParseResourceName(kOrganizations, request->name());
        if (id.empty()) {
          violations.push_back(
              {"name", NotAnOrganizationMessage(request->name())});
        }
        // "" keeps the name, so a name can never be blanked; one given is
        // held to CreateOrganization's rules.
        if (!request->display_name().empty()) {
          std::string problem = CheckText(request->display_name(),
                                          kMaxNameLength, /*required=*/true);
          if (!problem.empty()) violations.push_back({"display_name", problem});
        }
        if (request->display_name().empty() && request->add_cities().empty() &&
            request->remove_cities().empty()) {
          violations.push_back(
              {"request",
               "changes nothing: give a display_name, add_cities or "
               "remove_cities"});
        }
        const std::vector<ListedCity> removed = ParseCityList(
            request->remove_cities(), "remove_cities", &violations);
        for (const ListedCity& r : removed) {
          for (int i = 0; i < request->add_cities().size(); ++i) {
            if (ParseResourceName(kCities, request->add_cities(i)) == r.id) {
              violations.push_back(
                  {absl::StrCat("remove_cities[", r.index, "]"),
                   absl::StrCat("\"", request->remove_cities(r.index),
                                "\" is also added (add_cities[", i, "])")});
              break;
            }
          }
        }
        // As in CreateOrganization: the added cities are checked and the
        // organisation written under the graph's write lock (writing
        // nothing to the graph), so a city deleted meanwhile is either
        // refused here or taken out by DeleteCity after, never left in.
        // The lock also orders this update with every other one.
        absl::StatusOr<OrganizationRecord> updated =
            absl::UnknownError("not updated");
        absl::StatusOr<std::shared_ptr<const GraphSnapshot>> checked =
            store_->ApplyFrom(
                [&](const GraphSnapshot& graph) -> absl::StatusOr<Mutation> {
                  const std::vector<std::string> added = ExistingCities(
                      graph, request->add_cities(), "add_cities", &violations);
                  // Reported below, with every violation.
                  if (!violations.empty()) {
                    return absl::InvalidArgumentError("bad request");
                  }
                  absl::optional<OrganizationRecord> current =
                      registry_->FindOrganization(id);
                  if (!current.has_value()) {
                    return absl::NotFoundError(
                        absl::StrCat(request->name(), " not found"));
                  }
                  // A removal that finds nothing to remove is refused: a
                  // typo must not pass for done.
                  std::vector<std::string> remove_ids;
                  for (const ListedCity& r : removed) {
                    if (std::find(current->city_ids.begin(),
                                  current->city_ids.end(),
                                  r.id) == current->city_ids.end()) {
                      violations.push_back(
                          {absl::StrCat("remove_cities[", r.index, "]"),
                           absl::StrCat("\"", request->remove_cities(r.index),
                                        "\" is not one of the cities of ",
                                        request->name())});
                    }
                    remove_ids.push_back(r.id);
                  }
                  if (!violations.empty()) {
                    return absl::InvalidArgumentError("bad request");
                  }
                  updated = registry_->UpdateOrganization(
                      id, request->display_name(), added, remove_ids);
                  if (!updated.ok()) return updated.status();
                  return Mutation();
                });
        if (!violations.empty()) return InvalidArgument(violations);
        if (!checked.ok()) return ToGrpcStatus(checked.status());
        *response = ToProto(*updated);
        return grpc::Status::OK;
      });
}

grpc::ServerUnaryReactor* AdminService::DeleteOrganization(
    grpc::CallbackServerContext* context,
    const v1::DeleteOrganizationRequest* request, v1::Organization* response) {
  return ServeWrite(
      *guard_, context, Access::kAdmin, "DeleteOrganization", request->name(),
      [&](const Principal&) {
        const std::string id =
            ParseResourceName(kOrganizations, request->name());
        if (id.empty()) {
          return InvalidArgument(
              {{"name", NotAnOrganizationMessage(request->name())}});
        }
        // The owners are checked and the organisation deleted under the
        // graph's write lock (writing nothing to the graph). Projects and
        // practices check that their owner exists under that lock too, so
        // none can be given to this organisation between the check and the
        // delete, and none is left owned by an organisation that is gone.
        absl::StatusOr<OrganizationRecord> deleted =
            absl::UnknownError("not deleted");
        absl::StatusOr<std::shared_ptr<const GraphSnapshot>> checked =
            store_->ApplyFrom(
                [&](const GraphSnapshot& graph) -> absl::StatusOr<Mutation> {
                  if (!registry_->FindOrganization(id).has_value()) {
                    return absl::NotFoundError(
                        absl::StrCat(request->name(), " not found"));
                  }
                  // Every reason at once, so that one attempt tells all
                  // there is to do.
                  std::vector<std::string> blockers;
                  for (std::string blocker :
                       {TokenBlocker(registry_->WorkingTokens(id)),
                        OwnedBlocker(graph, id)}) {
                    if (!blocker.empty()) blockers.push_back(blocker);
                  }
                  if (!blockers.empty()) {
                    return absl::FailedPreconditionError(
                        absl::StrCat(request->name(), " cannot be deleted: ",
                                     absl::StrJoin(blockers, "; and ")));
                  }
                  // The registry checks the tokens again under its own
                  // lock, which CreateToken takes too.
                  deleted = registry_->DeleteOrganization(id);
                  if (!deleted.ok()) return deleted.status();
                  return Mutation();
                });
        if (!checked.ok()) return ToGrpcStatus(checked.status());
        *response = ToProto(*deleted);
        return grpc::Status::OK;
      });
}

grpc::ServerUnaryReactor* AdminService::CreateToken(
    grpc::CallbackServerContext* context, const v1::CreateTokenRequest* request,
    v1::CreateTokenResponse* response) {
  // The audit names the new token once it exists ("tokens" while it is made
  // and if refused); ServeWrite records the resource again with the result.
  std::string resource = "tokens";
  return ServeWrite(
      *guard_, context, Access::kAdmin, "CreateToken", resource,
      [&](const Principal&) {
        std::vector<FieldViolation> violations;
        const TokenRole role = static_cast<TokenRole>(request->role());
        if (role != TokenRole::kAdmin && role != TokenRole::kEditor &&
            role != TokenRole::kViewer) {
          violations.push_back({"role", "must be ADMIN, EDITOR or VIEWER"});
        }
        std::string organization;
        if (!request->organization().empty()) {
          organization =
              ParseResourceName(kOrganizations, request->organization());
          if (organization.empty()) {
            violations.push_back({"organization",
                                  "is not an organization name "
                                  "(organizations/{id})"});
          }
        }
        if (role == TokenRole::kEditor && request->organization().empty()) {
          violations.push_back(
              {"organization", "is required for an EDITOR token"});
        }
        if (role != TokenRole::kEditor && !request->organization().empty()) {
          violations.push_back(
              {"organization", "only EDITOR tokens act for an organization"});
        }
        std::string problem = CheckText(request->display_name(), kMaxNameLength,
                                        /*required=*/true);
        if (!problem.empty()) violations.push_back({"display_name", problem});
        int64_t expire_ms = 0;
        if (request->has_expire_time()) {
          const google::protobuf::Timestamp& expire = request->expire_time();
          // Outside the range a Timestamp may hold (years 1 to 9999) the
          // token would be stored, and every reply naming it (this one,
          // ListTokens) would fail converting its expiry back.
          if (expire.seconds() < TimeUtil::kTimestampMinSeconds ||
              expire.seconds() > TimeUtil::kTimestampMaxSeconds ||
              expire.nanos() < 0 || expire.nanos() > 999999999) {
            violations.push_back(
                {"expire_time",
                 "is not a valid timestamp (years 1 to 9999, nanos in "
                 "0..999999999)"});
          } else {
            expire_ms = TimeUtil::TimestampToMilliseconds(expire);
            // Stored in milliseconds, rounded up: a token must not stop
            // working before the time asked for.
            // Within the last millisecond of year 9999 it stays there.
            if (expire.nanos() % 1000000 != 0 &&
                expire_ms < TimeUtil::kTimestampMaxSeconds * 1000 + 999) {
              ++expire_ms;
            }
            if (expire_ms <= absl::ToUnixMillis(absl::Now())) {
              violations.push_back({"expire_time", "must be in the future"});
            }
          }
        }
        if (!violations.empty()) return InvalidArgument(violations);
        absl::StatusOr<TokenRegistry::Created> created = registry_->CreateToken(
            role, organization, request->display_name(), expire_ms);
        if (!created.ok()) return ToGrpcStatus(created.status());
        response->set_name(ResourceName(kTokens, created->record.id));
        resource = response->name();
        response->set_token(created->token);
        *response->mutable_metadata() = ToProto(created->record);
        return grpc::Status::OK;
      });
}

grpc::ServerUnaryReactor* AdminService::ListTokens(
    grpc::CallbackServerContext* context, const v1::ListTokensRequest* request,
    v1::ListTokensResponse* response) {
  return Serve(*guard_, context, Access::kAdmin, [&](const Principal&) {
    std::vector<FieldViolation> violations;
    const std::string scope = "ListTokens";
    PageRequest page =
        ParsePageRequest(request->page_size(), request->page_token(), scope,
                         kDefaultPageSize, kMaxPageSize, &violations);
    if (!violations.empty()) return InvalidArgument(violations);
    response->set_next_page_token(Paginate(
        registry_->Tokens(), page, scope,
        [](const TokenRecord& t) { return t.id; },
        [](const TokenRecord&) { return true; },
        [&](const TokenRecord& t) { *response->add_tokens() = ToProto(t); },
        nullptr));
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* AdminService::RevokeToken(
    grpc::CallbackServerContext* context, const v1::RevokeTokenRequest* request,
    v1::Token* response) {
  return ServeWrite(*guard_, context, Access::kAdmin, "RevokeToken",
                    request->name(), [&](const Principal&) {
                      // A token id is an id like any other: "tokens/a/b" is
                      // malformed, not a token that happens to be unknown.
                      const std::string id =
                          ParseResourceName(kTokens, request->name());
                      if (id.empty()) {
                        return InvalidArgument(
                            {{"name", "is not a token name (tokens/{id})"}});
                      }
                      absl::StatusOr<TokenRecord> revoked =
                          registry_->RevokeToken(id);
                      if (!revoked.ok()) return ToGrpcStatus(revoked.status());
                      *response = ToProto(*revoked);
                      return grpc::Status::OK;
                    });
}

grpc::ServerUnaryReactor* AdminService::ListAuditEvents(
    grpc::CallbackServerContext* context,
    const v1::ListAuditEventsRequest* request,
    v1::ListAuditEventsResponse* response) {
  return Serve(*guard_, context, Access::kAdmin, [&](const Principal&) {
    std::vector<FieldViolation> violations;
    const std::string scope = "ListAuditEvents";
    PageRequest page =
        ParsePageRequest(request->page_size(), request->page_token(), scope,
                         kDefaultPageSize, kMaxPageSize, &violations);
    int64_t before = 0;
    if (!page.after.empty() && !absl::SimpleAtoi(page.after, &before)) {
      violations.push_back({"page_token", "is not a valid token"});
    }
    if (!violations.empty()) return InvalidArgument(violations);
    // One more than asked tells whether another page follows.
    absl::StatusOr<std::vector<AuditRecord>> events =
        guard_->audit()->storage()->ListAudit(before, page.page_size + 1);
    if (!events.ok()) return ToGrpcStatus(events.status());
    const bool more = static_cast<int>(events->size()) > page.page_size;
    if (more) events->resize(page.page_size);
    for (const AuditRecord& e : *events) {
      v1::AuditEvent* out = response->add_events();
      out->set_sequence(e.sequence);
      *out->mutable_time() = ToTimestamp(e.time_ms);
      out->set_token(ResourceName(kTokens, e.token_id));
      out->set_role(static_cast<v1::TokenRole>(e.role));
      if (!e.organization_id.empty()) {
        out->set_organization(ResourceName(kOrganizations, e.organization_id));
      }
      out->set_method(e.method);
      out->set_resource(e.resource);
      out->set_result(e.result);
    }
    if (more) {
      response->set_next_page_token(
          EncodePageToken(scope, absl::StrCat(events->back().sequence)));
    }
    return grpc::Status::OK;
  });
}

}  // namespace citymatch
