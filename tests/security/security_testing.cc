#include "tests/security/security_testing.h"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "google/protobuf/unknown_field_set.h"
#include "grpcpp/generic/generic_stub.h"
#include "gtest/gtest.h"
#include "server/audit_log.h"
#include "server/token_secrets.h"
#include "sqlite3.h"
#include "tests/server/in_process_server.h"
#include "tests/testing/sample_data.h"

namespace citymatch::testing {

std::string SecretOf(const std::string& token) {
  std::optional<PresentedToken> parsed = ParseToken(token);
  return parsed.has_value() ? parsed->secret : "";
}

std::string ForgeToken(const std::string& token) {
  std::optional<PresentedToken> parsed = ParseToken(token);
  const std::string id = parsed.has_value() ? parsed->id : "0123456789abcdef";
  // A fresh secret of the same shape as a real one.
  const std::string secret = SecretOf(GenerateToken().token);
  return absl::StrCat("cm_", id, "_", secret);
}

void SetDeadline(grpc::ClientContext* context, absl::Duration timeout) {
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
}

StderrToFile::StderrToFile(const std::string& path) {
  std::fflush(stderr);
  saved_ = ::dup(STDERR_FILENO);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ok_ = saved_ >= 0 && fd >= 0 && ::dup2(fd, STDERR_FILENO) >= 0;
  if (fd >= 0) ::close(fd);
}

void StderrToFile::Restore() {
  if (saved_ < 0) return;
  std::fflush(stderr);
  ::dup2(saved_, STDERR_FILENO);
  ::close(saved_);
  saved_ = -1;
}

std::string ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

std::map<std::string, std::string> ReadTree(const std::string& dir) {
  std::map<std::string, std::string> files;
  std::error_code error;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(dir, error)) {
    if (entry.is_regular_file()) {
      files[entry.path().string()] = ReadFileBytes(entry.path().string());
    }
  }
  return files;
}

grpc::Status HealthCheck(grpc::Channel* channel, int* serving) {
  absl::StatusOr<int> status = HealthCheck(channel, "");
  if (!status.ok()) {
    return grpc::Status(static_cast<grpc::StatusCode>(status.status().code()),
                        std::string(status.status().message()));
  }
  *serving = *status;
  return grpc::Status::OK;
}

grpc::Status ListServicesByReflection(grpc::Channel* channel,
                                      std::vector<std::string>* services) {
  // ServerReflectionRequest{list_services: ""}: field 7, length 0.
  const std::string request_bytes("\x3a\x00", 2);
  grpc::ClientContext context;
  SetDeadline(&context);
  grpc::CompletionQueue cq;
  grpc::GenericStub stub(channel->shared_from_this());
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call = stub.PrepareCall(
      &context, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
      &cq);
  // One operation at a time, each awaited before the next.
  auto await = [&cq]() {
    void* tag = nullptr;
    bool ok = false;
    return cq.Next(&tag, &ok) && ok;
  };
  grpc::Slice slice(request_bytes);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  bool have_response = false;
  call->StartCall(reinterpret_cast<void*>(1));
  if (await()) {
    call->Write(request, reinterpret_cast<void*>(2));
    if (await()) {
      call->WritesDone(reinterpret_cast<void*>(3));
      if (await()) {
        call->Read(&response, reinterpret_cast<void*>(4));
        have_response = await();
      }
    }
  }
  grpc::Status status;
  call->Finish(&status, reinterpret_cast<void*>(5));
  void* tag = nullptr;
  bool ok = false;
  cq.Next(&tag, &ok);
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  if (!status.ok()) return status;
  if (!have_response) {
    return grpc::Status(grpc::StatusCode::INTERNAL, "no reflection response");
  }
  std::vector<grpc::Slice> slices;
  if (!response.Dump(&slices).ok()) {
    return grpc::Status(grpc::StatusCode::INTERNAL, "unreadable response");
  }
  std::string bytes;
  for (const grpc::Slice& s : slices) {
    bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  // ServerReflectionResponse{list_services_response (6): ListServiceResponse{
  // service (1): ServiceResponse{name (1)}}}.
  google::protobuf::UnknownFieldSet top;
  if (!top.ParseFromString(bytes)) {
    return grpc::Status(grpc::StatusCode::INTERNAL, "unparsable response");
  }
  for (int i = 0; i < top.field_count(); ++i) {
    if (top.field(i).number() != 6 ||
        top.field(i).type() !=
            google::protobuf::UnknownField::TYPE_LENGTH_DELIMITED) {
      continue;
    }
    google::protobuf::UnknownFieldSet list;
    if (!list.ParseFromString(top.field(i).length_delimited())) continue;
    for (int j = 0; j < list.field_count(); ++j) {
      if (list.field(j).number() != 1 ||
          list.field(j).type() !=
              google::protobuf::UnknownField::TYPE_LENGTH_DELIMITED) {
        continue;
      }
      google::protobuf::UnknownFieldSet service;
      if (!service.ParseFromString(list.field(j).length_delimited())) continue;
      for (int k = 0; k < service.field_count(); ++k) {
        if (service.field(k).number() == 1 &&
            service.field(k).type() ==
                google::protobuf::UnknownField::TYPE_LENGTH_DELIMITED) {
          services->push_back(service.field(k).length_delimited());
        }
      }
    }
  }
  return grpc::Status::OK;
}

std::string CodeName(grpc::StatusCode code) { return StatusCodeName(code); }

absl::StatusOr<std::unique_ptr<SecuredServer>> SecuredServer::Start(
    ServerOptions options) {
  std::unique_ptr<SecuredServer> server(new SecuredServer(std::move(options)));
  server->seed_dir_.WriteAll(SampleFiles());
  server->options_.data_dir = server->data_dir_.path();
  server->options_.seed_dir = server->seed_dir_.path();
  server->options_.grpc_addr = "127.0.0.1:0";
  absl::Status status = server->Boot();
  if (!status.ok()) return status;
  return server;
}

v1::Project ProjectOwnedBy(const std::string& org) {
  v1::Project p;
  p.set_title("Arrival support");
  p.set_programme("URBACT IV");
  p.add_themes("Migrants");
  v1::Membership* lead = p.add_members();
  lead->set_city("cities/milano");
  lead->set_role(v1::LEAD);
  p.set_start_year(2025);
  p.set_status(v1::PROPOSAL);
  if (!org.empty()) p.set_owner("organizations/" + org);
  return p;
}

SecuredServer::~SecuredServer() { Shutdown(); }

absl::Status SecuredServer::Boot() {
  absl::StatusOr<std::unique_ptr<Server>> server =
      Server::BuildAndStart(options_);
  if (!server.ok()) return server.status();
  server_ = std::move(*server);
  std::shared_ptr<grpc::Channel> channel = Channel(AdminToken());
  admin_ = v1::Admin::NewStub(channel);
  catalog_ = v1::Catalog::NewStub(channel);
  return absl::OkStatus();
}

void SecuredServer::Shutdown() {
  admin_.reset();
  catalog_.reset();
  if (server_ != nullptr) server_->Shutdown(absl::Seconds(5));
  server_.reset();
}

absl::Status SecuredServer::Restart() {
  Shutdown();
  return Boot();
}

std::string SecuredServer::AdminToken() const {
  return std::string(absl::StripAsciiWhitespace(
      ReadFileBytes(data_dir_.File("admin.token"))));
}

std::shared_ptr<grpc::Channel> SecuredServer::Channel(const std::string& token) {
  return server_->InProcessChannel(token);
}

grpc::Status SecuredServer::CreateOrganization(
    const std::string& id, const std::vector<std::string>& city_ids) {
  v1::CreateOrganizationRequest request;
  request.set_organization_id(id);
  request.mutable_organization()->set_display_name("Organisation " + id);
  for (const std::string& c : city_ids) {
    request.mutable_organization()->add_cities("cities/" + c);
  }
  v1::Organization response;
  grpc::ClientContext context;
  SetDeadline(&context);
  return admin_->CreateOrganization(&context, request, &response);
}

absl::StatusOr<IssuedToken> SecuredServer::CreateToken(
    v1::TokenRole role, const std::string& organization_id,
    const std::string& display_name) {
  v1::CreateTokenRequest request;
  request.set_role(role);
  if (!organization_id.empty()) {
    request.set_organization("organizations/" + organization_id);
  }
  request.set_display_name(display_name);
  v1::CreateTokenResponse response;
  grpc::ClientContext context;
  SetDeadline(&context);
  grpc::Status status = admin_->CreateToken(&context, request, &response);
  if (!status.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                        status.error_message());
  }
  return IssuedToken{response.name(), response.token()};
}

grpc::Status SecuredServer::RevokeToken(const std::string& name) {
  v1::RevokeTokenRequest request;
  request.set_name(name);
  v1::Token response;
  grpc::ClientContext context;
  SetDeadline(&context);
  return admin_->RevokeToken(&context, request, &response);
}

absl::StatusOr<std::vector<v1::AuditEvent>> SecuredServer::AuditEvents() {
  std::vector<v1::AuditEvent> events;
  std::string page_token;
  do {
    v1::ListAuditEventsRequest request;
    request.set_page_size(1000);
    request.set_page_token(page_token);
    v1::ListAuditEventsResponse response;
    grpc::ClientContext context;
    SetDeadline(&context);
    grpc::Status status = admin_->ListAuditEvents(&context, request, &response);
    if (!status.ok()) {
      return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                          status.error_message());
    }
    events.insert(events.end(), response.events().begin(),
                  response.events().end());
    page_token = response.next_page_token();
  } while (!page_token.empty());
  return events;
}

sqlite3* OpenStoreFile(const std::string& data_dir, const char* file) {
  sqlite3* db = nullptr;
  const std::filesystem::path path = std::filesystem::path(data_dir) / file;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK) << path;
  sqlite3_busy_timeout(db, 5000);
  return db;
}

}  // namespace citymatch::testing
