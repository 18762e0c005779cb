#include "tests/server/in_process_server.h"

#include <fstream>
#include <future>

#include "absl/strings/str_cat.h"
#include "google/protobuf/unknown_field_set.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/generic/generic_stub.h"

namespace citymatch::testing {

absl::StatusOr<std::unique_ptr<InProcessServer>> InProcessServer::Start(
    const std::map<std::string, std::string>& seed_files,
    CatalogOptions catalog) {
  std::unique_ptr<InProcessServer> server(new InProcessServer(catalog));
  std::string seed_dir;
  if (!seed_files.empty()) {
    server->seed_dir_.WriteAll(seed_files);
    seed_dir = server->seed_dir_.path();
  }
  absl::Status status = server->Boot(seed_dir);
  if (!status.ok()) return status;
  return server;
}

absl::StatusOr<std::unique_ptr<InProcessServer>>
InProcessServer::StartWithSeedDir(const std::string& seed_dir,
                                  CatalogOptions catalog) {
  std::unique_ptr<InProcessServer> server(new InProcessServer(catalog));
  absl::Status status = server->Boot(seed_dir);
  if (!status.ok()) return status;
  return server;
}

InProcessServer::~InProcessServer() {
  catalog_.reset();
  matching_.reset();
  channel_.reset();
  if (server_ != nullptr) server_->Shutdown(absl::Seconds(5));
  server_.reset();
}

absl::Status InProcessServer::Boot(const std::string& seed_dir) {
  ServerOptions options;
  options.data_dir = data_dir_.File("store");
  // Port 0: the kernel picks a free port, so tests may run in parallel.
  options.grpc_addr = "127.0.0.1:0";
  options.seed_dir = seed_dir;
  options.catalog = catalog_options_;
  // Nothing balances load in a test: shut down without the drain notice.
  options.drain_notice = absl::ZeroDuration();
  // Service tests are about answers, not about the per-token rate limit,
  // which a slow machine must not trip.
  options.rate_limit_qps = 0;
  absl::StatusOr<std::unique_ptr<Server>> server =
      Server::BuildAndStart(options);
  if (!server.ok()) return server.status();
  server_ = std::move(*server);
  channel_ = server_->InProcessChannel();
  catalog_ = v1::Catalog::NewStub(channel_);
  matching_ = v1::Matching::NewStub(channel_);
  return absl::OkStatus();
}

absl::Status InProcessServer::Restart() {
  catalog_.reset();
  matching_.reset();
  channel_.reset();
  server_->Shutdown(absl::Seconds(5));
  server_.reset();
  return Boot("");
}

std::string InProcessServer::AdminToken() const {
  std::ifstream in(data_dir_.File("store/admin.token"));
  std::string token;
  in >> token;
  return token;
}

std::vector<Violation> FieldViolations(const grpc::Status& status) {
  std::vector<Violation> violations;
  google::rpc::Status details;
  if (!details.ParseFromString(status.error_details())) return violations;
  for (const google::protobuf::Any& any : details.details()) {
    google::rpc::BadRequest bad_request;
    if (!any.UnpackTo(&bad_request)) continue;
    for (const auto& v : bad_request.field_violations()) {
      violations.push_back({v.field(), v.description()});
    }
  }
  return violations;
}

std::vector<std::string> ViolatedFields(const grpc::Status& status) {
  std::vector<std::string> fields;
  for (const Violation& v : FieldViolations(status)) fields.push_back(v.field);
  return fields;
}

grpc::Status ImportFiles(v1::Catalog::Stub* catalog,
                         const std::map<std::string, std::string>& files,
                         v1::ImportDatasetResponse* response,
                         bool validate_only, size_t chunk_bytes) {
  grpc::ClientContext context;
  std::unique_ptr<grpc::ClientWriter<v1::ImportDatasetRequest>> writer =
      catalog->ImportDataset(&context, response);
  for (const auto& [name, content] : files) {
    size_t offset = 0;
    do {
      v1::ImportDatasetRequest request;
      request.set_validate_only(validate_only);
      request.mutable_chunk()->set_file(name);
      request.mutable_chunk()->set_data(content.substr(offset, chunk_bytes));
      offset += chunk_bytes;
      if (!writer->Write(request)) break;  // the server already answered
    } while (offset < content.size());
  }
  writer->WritesDone();
  return writer->Finish();
}

grpc::Status ExportFiles(v1::Catalog::Stub* catalog,
                         std::map<std::string, std::string>* files) {
  grpc::ClientContext context;
  std::unique_ptr<grpc::ClientReader<v1::DatasetChunk>> reader =
      catalog->ExportDataset(&context, v1::ExportDatasetRequest());
  v1::DatasetChunk chunk;
  while (reader->Read(&chunk)) (*files)[chunk.file()].append(chunk.data());
  return reader->Finish();
}

grpc::Status ListAllCities(v1::Catalog::Stub* catalog, int page_size,
                           const std::string& country_code,
                           std::vector<v1::City>* cities, int* pages) {
  std::string token;
  *pages = 0;
  do {
    v1::ListCitiesRequest request;
    request.set_page_size(page_size);
    request.set_page_token(token);
    request.set_country_code(country_code);
    v1::ListCitiesResponse response;
    grpc::ClientContext context;
    grpc::Status status = catalog->ListCities(&context, request, &response);
    if (!status.ok()) return status;
    ++*pages;
    for (const v1::City& c : response.cities()) cities->push_back(c);
    token = response.next_page_token();
    // A server that never ends its pages must not hang the test.
    if (*pages > 100000) {
      return grpc::Status(grpc::StatusCode::INTERNAL, "pages never end");
    }
  } while (!token.empty());
  return grpc::Status::OK;
}

grpc::Status ListAllProjects(v1::Catalog::Stub* catalog,
                             const std::string& city, const std::string& theme,
                             std::vector<v1::Project>* projects) {
  std::string token;
  int pages = 0;
  do {
    v1::ListProjectsRequest request;
    request.set_page_size(1000);
    request.set_page_token(token);
    request.set_city(city);
    request.set_theme(theme);
    v1::ListProjectsResponse response;
    grpc::ClientContext context;
    grpc::Status status = catalog->ListProjects(&context, request, &response);
    if (!status.ok()) return status;
    for (const v1::Project& p : response.projects()) projects->push_back(p);
    token = response.next_page_token();
    if (++pages > 100000) {
      return grpc::Status(grpc::StatusCode::INTERNAL, "pages never end");
    }
  } while (!token.empty());
  return grpc::Status::OK;
}

absl::StatusOr<int64_t> GraphVersion(v1::Catalog::Stub* catalog) {
  v1::ImportDatasetResponse response;
  grpc::Status status = ImportFiles(
      catalog, {{"twinnings.csv", "city_a,city_b\n"}}, &response,
      /*validate_only=*/true);
  if (!status.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                        status.error_message());
  }
  return response.graph_version();
}

absl::StatusOr<int> HealthCheck(grpc::Channel* channel,
                                const std::string& service) {
  // HealthCheckRequest { string service = 1; }, encoded by hand.
  std::string request_bytes;
  if (!service.empty()) {
    request_bytes.push_back(0x0a);
    request_bytes.push_back(static_cast<char>(service.size()));  // < 128
    request_bytes.append(service);
  }
  grpc::Slice slice(request_bytes);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(10));
  grpc::GenericStub stub(channel->shared_from_this());
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, "/grpc.health.v1.Health/Check",
                 grpc::StubOptions(), &request, &response,
                 [&done](grpc::Status s) { done.set_value(std::move(s)); });
  grpc::Status status = done.get_future().get();
  if (!status.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                        status.error_message());
  }
  std::vector<grpc::Slice> slices;
  if (!response.Dump(&slices).ok()) {
    return absl::InternalError("cannot read the health response");
  }
  std::string bytes;
  for (const grpc::Slice& s : slices) {
    bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  // HealthCheckResponse { ServingStatus status = 1; } (0 is not sent).
  google::protobuf::UnknownFieldSet fields;
  if (!fields.ParseFromString(bytes)) {
    return absl::InternalError("cannot parse the health response");
  }
  int serving = 0;
  for (int i = 0; i < fields.field_count(); ++i) {
    const google::protobuf::UnknownField& f = fields.field(i);
    if (f.number() == 1 &&
        f.type() == google::protobuf::UnknownField::TYPE_VARINT) {
      serving = static_cast<int>(f.varint());
    }
  }
  return serving;
}

}  // namespace citymatch::testing
