// Commands runs each `citymatch` subcommand once its flags are parsed: it
// makes the calls, prints the reply in the chosen format to `out`, progress
// and errors to `err`, and returns the exit code (see cli_support.h).
//
// Errors are printed as "error: <CODE_NAME>: <message>", then one
// "  <field>: <description>" line per field violation the server attached
// (for an import: "  cities.csv:3: <reason>").
//
// Thread-compatible: one command at a time (the streams are not locked).
#ifndef CITYMATCH_CLIENT_COMMANDS_H_
#define CITYMATCH_CLIENT_COMMANDS_H_

#include <ostream>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "client/city_edit.h"
#include "client/cli_support.h"
#include "client/output.h"
#include "client/partner_client.h"
#include "client/practice_edit.h"
#include "client/project_edit.h"

namespace citymatch {

class Commands {
 public:
  // `client`, `out` and `err` must outlive this object.
  Commands(const PartnerClient* client, OutputFormat format, std::ostream* out,
           std::ostream* err);

  // List commands print one page, or with `all` every page from
  // `request.page_token` on, merged into one reply (with `page_size` 0 the
  // largest pages the server allows are asked for).
  int ListCities(v1::ListCitiesRequest request, bool all);
  int GetCity(const std::string& name);
  int CreateCity(const v1::CreateCityRequest& request);
  // Changes only the fields `edit` names, as UpdateProject does.
  int UpdateCity(const std::string& name, const CityEdit& edit);
  int DeleteCity(const std::string& name);

  int ListPractices(v1::ListPracticesRequest request, bool all);
  int GetPractice(const std::string& name);
  int CreatePractice(const v1::CreatePracticeRequest& request);
  // Changes only the fields `edit` names, as UpdateProject does.
  int UpdatePractice(const std::string& name, const PracticeEdit& edit);
  int DeletePractice(const std::string& name);

  int ListProjects(v1::ListProjectsRequest request, bool all);
  int GetProject(const std::string& name);
  int CreateProject(const v1::CreateProjectRequest& request);
  // Reads the project, applies `edit` and writes back only the fields it
  // touched, with the etag read: a write by someone else in between is not
  // overwritten but read again and the edit reapplied (a few times).
  int UpdateProject(const std::string& name, const ProjectEdit& edit);
  int DeleteProject(const std::string& name);

  int ListThemes();
  int ListTwinnings(v1::ListTwinningsRequest request, bool all);
  // The order of the two cities does not matter.
  int CreateTwinning(const v1::Twinning& twinning);
  int DeleteTwinning(const v1::Twinning& twinning);

  // Sends the interchange files of `dir`, reporting progress on `err`.
  int Import(const std::string& dir, bool validate_only);
  // Writes the server's whole data set into `dir`. Unless `force`, refuses
  // with kExitUsage, writing nothing, when `dir` already holds a file of the
  // same name as one the export writes.
  int Export(const std::string& dir, bool force);

  int Recommend(const v1::RecommendPartnersRequest& request, bool explain);

  // Administration (ADMIN tokens only). CreateToken prints the secret once;
  // nothing else ever shows one.
  int CreateOrganization(const v1::CreateOrganizationRequest& request);
  int ListOrganizations(v1::ListOrganizationsRequest request, bool all);
  // Prints the organisation as it is after the change.
  int UpdateOrganization(const v1::UpdateOrganizationRequest& request);
  // Prints the organisation deleted.
  int DeleteOrganization(const std::string& name);
  int CreateToken(const v1::CreateTokenRequest& request);
  int ListTokens(v1::ListTokensRequest request, bool all);
  int RevokeToken(const std::string& name);
  // Newest first.
  int ListAuditEvents(v1::ListAuditEventsRequest request, bool all);

  // Prints `status` as a local failure (no status code) and returns
  // kExitLocalFailure.
  int LocalFailure(const absl::Status& status);

  // Printed after an UNAUTHENTICATED error, e.g. where a token may come from
  // when none was sent. Empty (the default): nothing.
  void set_unauthenticated_hint(std::string hint) {
    unauthenticated_hint_ = std::move(hint);
  }

  // Printed after UNAVAILABLE or DEADLINE_EXCEEDED when the server was never
  // reached, e.g. which address was tried and how to choose another. Empty
  // (the default): nothing.
  void set_unreachable_hint(std::string hint) {
    unreachable_hint_ = std::move(hint);
  }

  // Printed after DEADLINE_EXCEEDED when the server was reached: it did not
  // answer in time, e.g. which --timeout applied. Empty (the default):
  // nothing.
  void set_deadline_hint(std::string hint) { deadline_hint_ = std::move(hint); }

 private:
  // Prints `status` and returns its exit code (3 or 4).
  int ServerFailure(const absl::Status& status);

  // Prints `message` as JSON or `table`, whichever was asked for.
  int Show(const google::protobuf::Message& message, const std::string& table);

  template <typename Request, typename Response, typename ListFn>
  absl::StatusOr<Response> Pages(Request request, bool all, ListFn list);

  // The update of every Update* command: reads `name` with `get`, makes the
  // request with `edit(current)` (its error is a bad value on the command
  // line) and sends it with `update`, then prints the result with `details`.
  // The request carries the etag read; if the server finds it stale, the
  // resource is read again and the edit reapplied, a few times, after
  // growing random pauses. `command` ("projects update") names the command
  // when it gives up.
  template <typename Resource, typename Request, typename EditFn>
  int ReadModifyWrite(
      const std::string& command, const std::string& name,
      absl::StatusOr<Resource> (PartnerClient::*get)(const std::string&) const,
      EditFn edit,
      absl::StatusOr<Resource> (PartnerClient::*update)(const Request&) const,
      std::string (*details)(const Resource&));

  const PartnerClient* const client_;
  const OutputFormat format_;
  std::ostream* const out_;
  std::ostream* const err_;
  std::string unauthenticated_hint_;
  std::string unreachable_hint_;
  std::string deadline_hint_;
};

}  // namespace citymatch

#endif  // CITYMATCH_CLIENT_COMMANDS_H_
