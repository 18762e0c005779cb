#include "client/commands.h"

#include <iterator>
#include <random>
#include <set>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "client/dataset_files.h"
#include "google/protobuf/struct.pb.h"

namespace citymatch {

namespace {

// The largest page the server serves; asked for when paging through all.
constexpr int kMaxPageSize = 1000;

// Adds `paths` to `mask`.
void SetMask(const std::vector<std::string>& paths,
             google::protobuf::FieldMask* mask) {
  for (const std::string& path : paths) mask->add_paths(path);
}

std::string Bytes(int64_t n) {
  if (n < 1024) return absl::StrCat(n, " B");
  if (n < (1 << 20)) return absl::StrFormat("%.1f KiB", n / 1024.0);
  return absl::StrFormat("%.1f MiB", n / 1048576.0);
}

}  // namespace

Commands::Commands(const PartnerClient* client, OutputFormat format,
                   std::ostream* out, std::ostream* err)
    : client_(client), format_(format), out_(out), err_(err) {}

int Commands::LocalFailure(const absl::Status& status) {
  *err_ << FormatLocalError(status);
  return kExitLocalFailure;
}

int Commands::ServerFailure(const absl::Status& status) {
  *err_ << FormatError(status);
  if (status.code() == absl::StatusCode::kUnauthenticated &&
      !unauthenticated_hint_.empty()) {
    *err_ << "hint: " << unauthenticated_hint_ << "\n";
  }
  if (ExitCodeForServerStatus(status) == kExitUnreachable) {
    // A server was there when the transports disagree: gRPC words a TLS
    // client's failed handshake with a plaintext server (or an untrusted
    // certificate) "Ssl handshake failed", and a plaintext client's call to
    // a TLS server, which closes the connection, "Socket closed". A server
    // that requires a client certificate (mutual TLS) checks it only after
    // the client has finished its side of a TLS 1.3 handshake, so a TLS
    // client it refuses sees "Socket closed" too: which of the two it was,
    // only whether this client speaks TLS tells.
    const absl::string_view message = status.message();
    const bool tls = !client_->options().ca_cert_file.empty();
    const bool client_cert = !client_->options().client_cert_file.empty();
    // A server that stops or is killed during a call closes the connection
    // too ("Socket closed"), but only after it was made.
    const bool reached = client_->Reached();
    if (!reached && absl::StrContains(message, "Ssl handshake failed")) {
      *err_ << "hint: a server answered but the TLS handshake failed: it may "
               "speak plaintext (then leave out --ca_cert and "
               "CITYMATCH_CA_CERT), or its certificate is not signed by the "
               "CA given with --ca_cert, or "
            << (client_cert ? "it did not accept the client certificate "
                              "given with --client_cert"
                            : "it may require a client certificate "
                              "(--client_cert, --client_key)")
            << "\n";
    } else if (!reached && tls && !client_cert &&
               absl::StrContains(message, "Socket closed")) {
      *err_ << "hint: the server closed the connection after the TLS "
               "handshake, as one that requires a client certificate "
               "(mutual TLS: its --tls_client_ca) does when none is "
               "presented: pass this client's certificate and key with "
               "--client_cert and --client_key (or CITYMATCH_CLIENT_CERT and "
               "CITYMATCH_CLIENT_KEY)\n";
    } else if (!reached && tls && absl::StrContains(message, "Socket closed")) {
      *err_ << "hint: the server closed the connection after the TLS "
               "handshake, as one that requires a client certificate does "
               "when it refuses the one presented: the certificate given with "
               "--client_cert must be signed by the CA the server trusts for "
               "clients (its --tls_client_ca), and not be expired\n";
    } else if (!reached && absl::StrContains(message, "Socket closed")) {
      *err_ << "hint: the server closed the connection at once, as one that "
               "speaks TLS does to a plaintext client: pass the CA that "
               "signed its certificate with --ca_cert (or "
               "CITYMATCH_CA_CERT)\n";
    } else if (!reached) {
      *err_ << unreachable_hint_;
      // A listener that never answers, or a deadline too short for a
      // connection to be made.
      if (status.code() == absl::StatusCode::kDeadlineExceeded) {
        *err_ << "hint: or the deadline passed before a connection was made "
                 "(--timeout, in seconds)\n";
      }
    } else if (!client_->Connected() &&
               status.code() == absl::StatusCode::kUnavailable) {
      *err_ << "hint: the connection to the server broke before it "
               "answered: it stopped, or was stopped, during the call\n";
    } else if (status.code() == absl::StatusCode::kDeadlineExceeded) {
      *err_ << deadline_hint_;
    }
  }
  return ExitCodeForServerStatus(status);
}

int Commands::Show(const google::protobuf::Message& message,
                   const std::string& table) {
  *out_ << (format_ == OutputFormat::kJson ? ToJson(message) : table);
  out_->flush();
  return kExitOk;
}

template <typename Request, typename Response, typename ListFn>
absl::StatusOr<Response> Commands::Pages(Request request, bool all,
                                         ListFn list) {
  if (!all) return (client_->*list)(request);
  if (request.page_size() == 0) request.set_page_size(kMaxPageSize);
  Response merged;
  std::set<std::string> seen_tokens;
  while (true) {
    absl::StatusOr<Response> page = (client_->*list)(request);
    if (!page.ok()) return page.status();
    // MergeFrom appends the repeated field and keeps the last token.
    merged.MergeFrom(*page);
    if (page->next_page_token().empty()) break;
    // A server that hands out a token twice would keep us here forever.
    if (!seen_tokens.insert(page->next_page_token()).second) {
      return absl::InternalError("the server repeated a page token");
    }
    request.set_page_token(page->next_page_token());
  }
  merged.clear_next_page_token();
  return merged;
}

template <typename Resource, typename Request, typename EditFn>
int Commands::ReadModifyWrite(
    const std::string& command, const std::string& name,
    absl::StatusOr<Resource> (PartnerClient::*get)(const std::string&) const,
    EditFn edit,
    absl::StatusOr<Resource> (PartnerClient::*update)(const Request&) const,
    std::string (*details)(const Resource&)) {
  // Optimistic concurrency: ABORTED means the etag was stale. Writers that
  // lost a race and retried at once would race each other again, so each
  // waits a random part of a window that doubles with every attempt (25 ms,
  // then 50, 100, 200): at most a few tenths of a second in all.
  constexpr int kAttempts = 5;
  std::minstd_rand jitter(std::random_device{}());
  for (int attempt = 1;; ++attempt) {
    if (attempt > 1) {
      const int window_ms = 25 << (attempt - 2);
      absl::SleepFor(absl::Milliseconds(
          std::uniform_int_distribution<int>(0, window_ms)(jitter)));
    }
    absl::StatusOr<Resource> current = (client_->*get)(name);
    if (!current.ok()) return ServerFailure(current.status());
    absl::StatusOr<Request> request = edit(*current);
    if (!request.ok()) {
      *err_ << FormatLocalError(request.status());
      return kExitUsage;
    }
    absl::StatusOr<Resource> updated = (client_->*update)(*request);
    if (updated.ok()) return Show(*updated, details(*updated));
    if (updated.status().code() != absl::StatusCode::kAborted) {
      return ServerFailure(updated.status());
    }
    if (attempt == kAttempts) {
      const int code = ServerFailure(updated.status());
      *err_ << command << ": read again and retried " << kAttempts
            << " times; others keep changing " << name
            << ": run it again later\n";
      return code;
    }
  }
}

int Commands::ListCities(v1::ListCitiesRequest request, bool all) {
  absl::StatusOr<v1::ListCitiesResponse> response =
      Pages<v1::ListCitiesRequest, v1::ListCitiesResponse>(
          request, all, &PartnerClient::ListCities);
  if (!response.ok()) return ServerFailure(response.status());
  const int code = Show(*response, CitiesTable(*response));
  if (response->cities_size() == 0 &&
      !request.display_name_contains().empty()) {
    // The shipped names are GeoNames' English ones: "milano" finds nothing.
    *err_ << "note: no city's name contains \""
          << request.display_name_contains()
          << "\"; names are as GeoNames writes them in English (Milan, "
             "Munich, Vienna, The Hague), accents optional\n";
  }
  return code;
}

int Commands::GetCity(const std::string& name) {
  absl::StatusOr<v1::City> city = client_->GetCity(name);
  if (!city.ok()) return ServerFailure(city.status());
  return Show(*city, CityDetails(*city));
}

int Commands::CreateCity(const v1::CreateCityRequest& request) {
  absl::StatusOr<v1::City> city = client_->CreateCity(request);
  if (!city.ok()) return ServerFailure(city.status());
  return Show(*city, CityDetails(*city));
}

int Commands::UpdateCity(const std::string& name, const CityEdit& edit) {
  return ReadModifyWrite(
      "cities update", name, &PartnerClient::GetCity,
      [&edit](const v1::City& current) {
        v1::UpdateCityRequest request;
        *request.mutable_city() = current;
        SetMask(ApplyCityEdit(edit, request.mutable_city()),
                request.mutable_update_mask());
        return request;
      },
      &PartnerClient::UpdateCity, &CityDetails);
}

int Commands::DeleteCity(const std::string& name) {
  absl::StatusOr<v1::DeleteResponse> response = client_->DeleteCity(name);
  if (!response.ok()) return ServerFailure(response.status());
  return Show(*response, absl::StrCat("deleted ", name, " (graph version ",
                                      response->graph_version(), ")\n"));
}

int Commands::ListPractices(v1::ListPracticesRequest request, bool all) {
  absl::StatusOr<v1::ListPracticesResponse> response =
      Pages<v1::ListPracticesRequest, v1::ListPracticesResponse>(
          std::move(request), all, &PartnerClient::ListPractices);
  if (!response.ok()) return ServerFailure(response.status());
  return Show(*response, PracticesTable(*response));
}

int Commands::GetPractice(const std::string& name) {
  absl::StatusOr<v1::Practice> practice = client_->GetPractice(name);
  if (!practice.ok()) return ServerFailure(practice.status());
  return Show(*practice, PracticeDetails(*practice));
}

int Commands::CreatePractice(const v1::CreatePracticeRequest& request) {
  absl::StatusOr<v1::Practice> practice = client_->CreatePractice(request);
  if (!practice.ok()) return ServerFailure(practice.status());
  return Show(*practice, PracticeDetails(*practice));
}

int Commands::UpdatePractice(const std::string& name,
                             const PracticeEdit& edit) {
  return ReadModifyWrite(
      "practices update", name, &PartnerClient::GetPractice,
      [&edit](const v1::Practice& current) {
        v1::UpdatePracticeRequest request;
        *request.mutable_practice() = current;
        SetMask(ApplyPracticeEdit(edit, request.mutable_practice()),
                request.mutable_update_mask());
        return request;
      },
      &PartnerClient::UpdatePractice, &PracticeDetails);
}

int Commands::DeletePractice(const std::string& name) {
  absl::StatusOr<v1::DeleteResponse> response = client_->DeletePractice(name);
  if (!response.ok()) return ServerFailure(response.status());
  return Show(*response, absl::StrCat("deleted ", name, " (graph version ",
                                      response->graph_version(), ")\n"));
}

int Commands::ListProjects(v1::ListProjectsRequest request, bool all) {
  absl::StatusOr<v1::ListProjectsResponse> response =
      Pages<v1::ListProjectsRequest, v1::ListProjectsResponse>(
          std::move(request), all, &PartnerClient::ListProjects);
  if (!response.ok()) return ServerFailure(response.status());
  return Show(*response, ProjectsTable(*response));
}

int Commands::GetProject(const std::string& name) {
  absl::StatusOr<v1::Project> project = client_->GetProject(name);
  if (!project.ok()) return ServerFailure(project.status());
  return Show(*project, ProjectDetails(*project));
}

int Commands::CreateProject(const v1::CreateProjectRequest& request) {
  absl::StatusOr<v1::Project> project = client_->CreateProject(request);
  if (!project.ok()) return ServerFailure(project.status());
  return Show(*project, ProjectDetails(*project));
}

int Commands::UpdateProject(const std::string& name, const ProjectEdit& edit) {
  return ReadModifyWrite(
      "projects update", name, &PartnerClient::GetProject,
      [&edit](const v1::Project& current)
          -> absl::StatusOr<v1::UpdateProjectRequest> {
        v1::UpdateProjectRequest request;
        *request.mutable_project() = current;
        absl::StatusOr<std::vector<std::string>> paths =
            ApplyProjectEdit(edit, request.mutable_project());
        // A member to drop that is not one: a bad value on the command line.
        if (!paths.ok()) return paths.status();
        SetMask(*paths, request.mutable_update_mask());
        return request;
      },
      &PartnerClient::UpdateProject, &ProjectDetails);
}

int Commands::DeleteProject(const std::string& name) {
  absl::StatusOr<v1::DeleteResponse> response = client_->DeleteProject(name);
  if (!response.ok()) return ServerFailure(response.status());
  return Show(*response, absl::StrCat("deleted ", name, " (graph version ",
                                      response->graph_version(), ")\n"));
}

int Commands::ListThemes() {
  absl::StatusOr<v1::ListThemesResponse> response = client_->ListThemes();
  if (!response.ok()) return ServerFailure(response.status());
  return Show(*response, ThemesTable(*response));
}

int Commands::ListTwinnings(v1::ListTwinningsRequest request, bool all) {
  absl::StatusOr<v1::ListTwinningsResponse> response =
      Pages<v1::ListTwinningsRequest, v1::ListTwinningsResponse>(
          std::move(request), all, &PartnerClient::ListTwinnings);
  if (!response.ok()) return ServerFailure(response.status());
  return Show(*response, TwinningsTable(*response));
}

int Commands::CreateTwinning(const v1::Twinning& twinning) {
  absl::StatusOr<v1::Twinning> created = client_->CreateTwinning(twinning);
  if (!created.ok()) return ServerFailure(created.status());
  return Show(*created, TwinningDetails(*created));
}

int Commands::DeleteTwinning(const v1::Twinning& twinning) {
  absl::StatusOr<v1::DeleteResponse> response =
      client_->DeleteTwinning(twinning);
  if (!response.ok()) return ServerFailure(response.status());
  return Show(*response,
              absl::StrCat("deleted the twinning of ", twinning.city_a(),
                           " and ", twinning.city_b(), " (graph version ",
                           response->graph_version(), ")\n"));
}

int Commands::Import(const std::string& dir, bool validate_only) {
  absl::StatusOr<std::map<std::string, std::string>> files =
      ReadDatasetFolder(dir);
  if (!files.ok()) return LocalFailure(files.status());
  int64_t total = 0;
  for (const auto& [name, content] : *files) {
    total += static_cast<int64_t>(content.size());
  }
  for (const std::string& skipped : OtherCsvFiles(dir)) {
    *err_ << "import: skipping " << skipped
          << ": not a file of the interchange format\n";
  }
  *err_ << "import: sending " << files->size()
        << (files->size() == 1 ? " file (" : " files (") << Bytes(total)
        << ") from " << dir << "\n";
  absl::StatusOr<v1::ImportDatasetResponse> response = client_->ImportDataset(
      *files, validate_only,
      [this](const std::string& file, int64_t sent, int64_t size) {
        // One line per chunk: at most one per MiB.
        *err_ << "import: " << file << " " << Bytes(sent) << " / "
              << Bytes(size) << "\n";
      });
  if (!response.ok()) {
    if (!FieldViolations(response.status()).empty()) {
      *err_ << "import: rejected, nothing was written\n";
    } else if (response.status().code() == absl::StatusCode::kUnavailable &&
               client_->Reached() && !client_->Connected()) {
      // The import is one transaction, committed or not when the server
      // went away; only the stored data can tell which.
      *err_ << "import: the server went away before it answered; an import "
               "is applied whole or not at all: once it serves again, look "
               "for the rows (citymatch audit lists ImportDataset OK for an "
               "import that was applied)\n";
    } else if (response.status().code() ==
               absl::StatusCode::kDeadlineExceeded) {
      // The server does not apply an import whose caller is gone, but one
      // that committed just as the deadline passed stays applied.
      *err_ << "import: no answer in time; the server applies no import "
               "whose call has ended, unless it committed at that very "
               "moment (citymatch audit then lists ImportDataset OK)\n";
    }
    return ServerFailure(response.status());
  }
  return Show(*response, ImportSummary(*response, validate_only));
}

int Commands::Export(const std::string& dir, bool force) {
  // Overwriting a data set loses it: only on purpose (--force).
  auto refused = [&](const std::vector<std::string>& names) {
    const std::vector<std::string> existing = ExistingFiles(dir, names);
    if (force || existing.empty()) return false;
    *err_ << "error: " << dir << " already holds "
          << absl::StrJoin(existing, ", ") << "; pass --force to overwrite "
          << (existing.size() == 1 ? "it" : "them")
          << ", or export into another folder\n";
    return true;
  };
  // Asked before the call, which can take minutes, so as not to make it in
  // vain; the write itself never replaces a file without --force, even one
  // created during the call.
  if (refused({std::begin(kInterchangeFiles), std::end(kInterchangeFiles)})) {
    return kExitUsage;
  }
  absl::StatusOr<std::map<std::string, std::string>> files =
      client_->ExportDataset();
  if (!files.ok()) return ServerFailure(files.status());
  absl::Status written = WriteDatasetFolder(
      dir, *files, force ? Existing::kReplace : Existing::kKeep);
  if (absl::IsAlreadyExists(written)) {
    std::vector<std::string> names;
    for (const auto& [name, content] : *files) names.push_back(name);
    if (refused(names)) return kExitUsage;
  }
  if (!written.ok()) return LocalFailure(written);

  // JSON: {"directory": DIR, "files": [{"file": NAME, "bytes": N}, ...]}.
  google::protobuf::Struct summary;
  (*summary.mutable_fields())["directory"].set_string_value(dir);
  google::protobuf::ListValue* list =
      (*summary.mutable_fields())["files"].mutable_list_value();
  std::string table;
  for (const auto& [name, content] : *files) {
    google::protobuf::Struct* entry =
        list->add_values()->mutable_struct_value();
    (*entry->mutable_fields())["file"].set_string_value(name);
    (*entry->mutable_fields())["bytes"].set_number_value(
        static_cast<double>(content.size()));
    absl::StrAppend(&table, "exported ", name, " (", Bytes(content.size()),
                    ")\n");
  }
  absl::StrAppend(&table, files->size(), " files written to ", dir, "\n");
  return Show(summary, table);
}

int Commands::Recommend(const v1::RecommendPartnersRequest& request,
                        bool explain) {
  absl::StatusOr<v1::RecommendPartnersResponse> response =
      client_->RecommendPartners(request);
  if (!response.ok()) return ServerFailure(response.status());
  const int exit_code =
      Show(*response, RecommendationsTable(*response, explain));
  // After the answer, where it is seen; on stderr, so JSON stays parseable.
  *err_ << UnmatchedNotes(*response) << ShortListNote(request, *response);
  return exit_code;
}

int Commands::CreateOrganization(const v1::CreateOrganizationRequest& request) {
  absl::StatusOr<v1::Organization> organization =
      client_->CreateOrganization(request);
  if (!organization.ok()) return ServerFailure(organization.status());
  return Show(*organization, OrganizationDetails(*organization));
}

int Commands::ListOrganizations(v1::ListOrganizationsRequest request,
                                bool all) {
  absl::StatusOr<v1::ListOrganizationsResponse> response =
      Pages<v1::ListOrganizationsRequest, v1::ListOrganizationsResponse>(
          std::move(request), all, &PartnerClient::ListOrganizations);
  if (!response.ok()) return ServerFailure(response.status());
  return Show(*response, OrganizationsTable(*response));
}

int Commands::UpdateOrganization(const v1::UpdateOrganizationRequest& request) {
  absl::StatusOr<v1::Organization> organization =
      client_->UpdateOrganization(request);
  if (!organization.ok()) return ServerFailure(organization.status());
  return Show(*organization, OrganizationDetails(*organization));
}

int Commands::DeleteOrganization(const std::string& name) {
  absl::StatusOr<v1::Organization> organization =
      client_->DeleteOrganization(name);
  if (!organization.ok()) return ServerFailure(organization.status());
  return Show(*organization,
              absl::StrCat("deleted ", organization->name(), "\n",
                           OrganizationDetails(*organization)));
}

int Commands::CreateToken(const v1::CreateTokenRequest& request) {
  absl::StatusOr<v1::CreateTokenResponse> response =
      client_->CreateToken(request);
  if (!response.ok()) return ServerFailure(response.status());
  return Show(*response, CreatedToken(*response));
}

int Commands::ListTokens(v1::ListTokensRequest request, bool all) {
  absl::StatusOr<v1::ListTokensResponse> response =
      Pages<v1::ListTokensRequest, v1::ListTokensResponse>(
          std::move(request), all, &PartnerClient::ListTokens);
  if (!response.ok()) return ServerFailure(response.status());
  return Show(*response, TokensTable(*response, absl::Now()));
}

int Commands::RevokeToken(const std::string& name) {
  absl::StatusOr<v1::Token> token = client_->RevokeToken(name);
  if (!token.ok()) return ServerFailure(token.status());
  return Show(*token, absl::StrCat("revoked ", token->name(), "\n",
                                   TokenDetails(*token)));
}

int Commands::ListAuditEvents(v1::ListAuditEventsRequest request, bool all) {
  absl::StatusOr<v1::ListAuditEventsResponse> response =
      Pages<v1::ListAuditEventsRequest, v1::ListAuditEventsResponse>(
          std::move(request), all, &PartnerClient::ListAuditEvents);
  if (!response.ok()) return ServerFailure(response.status());
  return Show(*response, AuditTable(*response));
}

}  // namespace citymatch
