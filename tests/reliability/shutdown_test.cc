// Shutdown in order: health checks answer NOT_SERVING while the server still
// serves, so that load balancers stop sending calls before the listener
// closes; then it stops.
#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "server/server.h"
#include "tests/server/in_process_server.h"
#include "tests/testing/temp_dir.h"

namespace citymatch {
namespace {

constexpr int kServing = 1;
constexpr int kNotServing = 2;

TEST(ShutdownTest, HealthAnswersNotServingWhileDraining) {
  testing::TempDir data;
  ServerOptions options;
  options.data_dir = data.path();
  options.grpc_addr = "127.0.0.1:0";
  options.drain_notice = absl::Seconds(2);
  absl::StatusOr<std::unique_ptr<Server>> server =
      Server::BuildAndStart(options);
  ASSERT_TRUE(server.ok()) << server.status();
  std::shared_ptr<grpc::Channel> channel = (*server)->InProcessChannel();
  absl::StatusOr<int> before = testing::HealthCheck(channel.get(), "");
  ASSERT_TRUE(before.ok()) << before.status();
  EXPECT_EQ(*before, kServing);

  absl::Notification stopped;
  std::thread stopper([&] {
    (*server)->Shutdown(absl::Seconds(10));
    stopped.Notify();
  });
  // Within the drain notice the server still answers, and says it is going.
  bool saw_not_serving = false;
  const absl::Time until = absl::Now() + absl::Seconds(1.5);
  while (absl::Now() < until && !saw_not_serving) {
    absl::StatusOr<int> status = testing::HealthCheck(channel.get(), "");
    saw_not_serving = status.ok() && *status == kNotServing;
    absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_TRUE(saw_not_serving);
  // So does each service asked by name.
  absl::StatusOr<int> catalog =
      testing::HealthCheck(channel.get(), "citymatch.v1.Catalog");
  // (No ASSERT: the stopper thread must still be joined.)
  EXPECT_TRUE(catalog.ok() && *catalog == kNotServing) << catalog.status();
  EXPECT_FALSE(stopped.HasBeenNotified());
  EXPECT_TRUE(stopped.WaitForNotificationWithTimeout(absl::Seconds(15)));
  stopper.join();
}

}  // namespace
}  // namespace citymatch
