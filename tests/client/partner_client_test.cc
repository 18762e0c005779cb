#include "client/partner_client.h"

#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"

namespace citymatch {
namespace {

TEST(PartnerClientTest, FromGrpcStatusKeepsCodeMessageAndViolations) {
  google::rpc::BadRequest bad_request;
  auto* v = bad_request.add_field_violations();
  v->set_field("city.country_code");
  v->set_description("\"ZZ\" is not an ISO 3166-1 alpha-2 code");
  google::rpc::Status details;
  details.set_code(grpc::StatusCode::INVALID_ARGUMENT);
  // Other detail types are skipped.
  google::rpc::RetryInfo retry;
  details.add_details()->PackFrom(retry);
  details.add_details()->PackFrom(bad_request);

  const absl::Status status =
      FromGrpcStatus(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                  "invalid city", details.SerializeAsString()));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "invalid city");
  const std::vector<FieldViolation> violations = FieldViolations(status);
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].field, "city.country_code");
  EXPECT_EQ(violations[0].description,
            "\"ZZ\" is not an ISO 3166-1 alpha-2 code");
}

TEST(PartnerClientTest, StatusWithoutOrWithGarbageDetailsHasNoViolations) {
  EXPECT_TRUE(FromGrpcStatus(grpc::Status::OK).ok());
  const absl::Status plain =
      FromGrpcStatus(grpc::Status(grpc::StatusCode::UNAVAILABLE, "down"));
  EXPECT_EQ(plain.code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(FieldViolations(plain).empty());
  const absl::Status garbage = FromGrpcStatus(grpc::Status(
      grpc::StatusCode::INVALID_ARGUMENT, "bad", "\xff\xff not a proto"));
  EXPECT_EQ(garbage.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(FieldViolations(garbage).empty());
}

TEST(PartnerClientTest, RetryDelayOnlyForRateLimitsWithRetryInfo) {
  google::rpc::RetryInfo retry;
  retry.mutable_retry_delay()->set_seconds(1);
  retry.mutable_retry_delay()->set_nanos(500000000);
  google::rpc::Status details;
  details.set_code(grpc::StatusCode::RESOURCE_EXHAUSTED);
  details.add_details()->PackFrom(retry);
  const absl::Status limited =
      FromGrpcStatus(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                                  "rate limit", details.SerializeAsString()));
  EXPECT_EQ(RetryDelay(limited), absl::Milliseconds(1500));

  EXPECT_EQ(RetryDelay(FromGrpcStatus(grpc::Status(
                grpc::StatusCode::RESOURCE_EXHAUSTED, "import too large"))),
            absl::nullopt);
  details.set_code(grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(
      RetryDelay(FromGrpcStatus(grpc::Status(
          grpc::StatusCode::UNAVAILABLE, "down", details.SerializeAsString()))),
      absl::nullopt);
}

TEST(PartnerClientTest, UnreadableCaCertFailsBeforeAnyCall) {
  ClientOptions options;
  options.ca_cert_file = "/nonexistent/ca.pem";
  EXPECT_EQ(PartnerClient::Create(options).status().code(),
            absl::StatusCode::kNotFound);
}

TEST(PartnerClientTest, AClientCertificateNeedsItsKeyAndTheCa) {
  ClientOptions options;
  options.client_cert_file = "/nonexistent/client.pem";
  EXPECT_EQ(PartnerClient::Create(options).status().code(),
            absl::StatusCode::kInvalidArgument);
  options.client_key_file = "/nonexistent/client.key";
  EXPECT_EQ(PartnerClient::Create(options).status().code(),
            absl::StatusCode::kInvalidArgument);
  options.client_cert_file.clear();
  options.ca_cert_file = "/nonexistent/ca.pem";
  EXPECT_EQ(PartnerClient::Create(options).status().code(),
            absl::StatusCode::kInvalidArgument);
  // All three given: now the files are read, and the first is missing.
  options.client_cert_file = "/nonexistent/client.pem";
  EXPECT_EQ(PartnerClient::Create(options).status().code(),
            absl::StatusCode::kNotFound);
}

TEST(PartnerClientTest, CallsToANonListeningPortAreUnavailable) {
  ClientOptions options;
  options.server = "127.0.0.1:1";
  options.timeout = absl::Seconds(10);
  absl::StatusOr<std::unique_ptr<PartnerClient>> client =
      PartnerClient::Create(options);
  ASSERT_TRUE(client.ok());
  EXPECT_EQ((*client)->GetCity("cities/lyon").status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ((*client)
                ->ImportDataset({{"cities.csv", "id\n"}}, false, {})
                .status()
                .code(),
            absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace citymatch
