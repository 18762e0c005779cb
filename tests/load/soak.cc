// citymatch-soak: holds a mixed load against a running citymatch-server and
// reports errors, latency percentiles (in all and per kind of call) and the
// server's resident memory over time. Not a test: run it by hand (see README,
// "Load").
//
//   citymatch-soak --server=127.0.0.1:50051 --token_file=var/admin.token \
//       --server_pid=$(pgrep citymatch-server) --duration=10m --qps=0
//
// --qps=0 runs closed-loop (every worker as fast as it can) to find the
// maximum throughput; --qps=N paces the workers to N calls per second in all,
// and a call's latency then counts from when it was due.
// The mix: 80% RecommendPartners (stored projects and drafts), 15% reads
// (GetCity, ListProjects), 5% writes (CreateProject then DeleteProject).
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "citymatch/v1/catalog.grpc.pb.h"
#include "citymatch/v1/matching.grpc.pb.h"
#include "graph/flags_help.h"
#include "grpcpp/grpcpp.h"

ABSL_FLAG(std::string, server, "127.0.0.1:50051", "gRPC address.");
ABSL_FLAG(std::string, token_file, "var/admin.token", "Bearer token file.");
ABSL_FLAG(int, server_pid, 0, "Server pid, to sample its resident memory.");
ABSL_FLAG(absl::Duration, duration, absl::Minutes(1), "How long to run.");
ABSL_FLAG(double, qps, 0, "Target calls per second; 0: as fast as possible.");
ABSL_FLAG(int, workers, 8, "Concurrent callers.");
ABSL_FLAG(absl::Duration, sample_every, absl::Seconds(30),
          "How often to print throughput and memory.");

namespace {

using namespace citymatch;  // NOLINT: a tool, not a library

int64_t ResidentKb(int pid) {
  if (pid <= 0) return 0;
  std::ifstream status(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atoll(line.c_str() + 6);
  }
  return 0;
}

// The kinds of call in the mix, reported apart: a write fsyncs and
// rebuilds the snapshot, and would hide in a percentile of all calls.
enum Kind { kRecommend, kRead, kWrite, kNumKinds };
constexpr const char* kKindNames[kNumKinds] = {
    "RecommendPartners", "GetCity/ListProjects", "CreateProject+DeleteProject"};

struct Stats {
  std::mutex mu;
  std::vector<double> latencies_ms;  // every call
  std::vector<double> kind_latencies_ms[kNumKinds];
  int64_t errors = 0;
  std::vector<std::string> error_samples;
};

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

class Worker {
 public:
  Worker(std::shared_ptr<grpc::Channel> channel, std::string token, int seed,
         std::vector<std::string> projects, std::vector<std::string> cities)
      : catalog_(v1::Catalog::NewStub(channel)),
        matching_(v1::Matching::NewStub(channel)),
        token_(std::move(token)),
        random_(seed),
        seed_(seed),
        projects_(std::move(projects)),
        cities_(std::move(cities)) {}

  // One call of the mix; returns its status and sets its kind.
  grpc::Status Call(Kind* kind) {
    const int dice = random_() % 100;
    if (dice < 80) {
      *kind = kRecommend;
      return Recommend();
    }
    if (dice < 95) {
      *kind = kRead;
      return Read();
    }
    *kind = kWrite;
    return Write();
  }

 private:
  void Prepare(grpc::ClientContext* context) {
    context->AddMetadata("authorization", "Bearer " + token_);
    context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  }
  const std::string& Pick(const std::vector<std::string>& v) {
    return v[random_() % v.size()];
  }

  grpc::Status Recommend() {
    grpc::ClientContext context;
    Prepare(&context);
    v1::RecommendPartnersRequest request;
    if (random_() % 2 == 0) {
      request.set_project(Pick(projects_));
    } else {
      v1::ProjectDraft* draft = request.mutable_draft();
      draft->add_themes(random_() % 2 ? "migration" : "Social inclusion");
      // Two different cities: a draft that lists one twice is refused.
      const std::string& first = Pick(cities_);
      std::string second = Pick(cities_);
      while (second == first && cities_.size() > 1) second = Pick(cities_);
      draft->add_member_cities(first);
      draft->add_member_cities(second);
    }
    v1::RecommendPartnersResponse response;
    return matching_->RecommendPartners(&context, request, &response);
  }

  grpc::Status Read() {
    grpc::ClientContext context;
    Prepare(&context);
    if (random_() % 2 == 0) {
      v1::GetCityRequest request;
      request.set_name(Pick(cities_));
      v1::City city;
      return catalog_->GetCity(&context, request, &city);
    }
    v1::ListProjectsRequest request;
    request.set_page_size(50);
    request.set_city(Pick(cities_));
    v1::ListProjectsResponse response;
    return catalog_->ListProjects(&context, request, &response);
  }

  grpc::Status Write() {
    const std::string id = absl::StrCat("soak-", seed_, "-", ++writes_);
    {
      grpc::ClientContext context;
      Prepare(&context);
      v1::CreateProjectRequest request;
      request.set_project_id(id);
      v1::Project* project = request.mutable_project();
      project->set_title("Soak test project");
      project->add_themes("Migrants");
      project->add_members()->set_city(Pick(cities_));
      v1::Project created;
      grpc::Status status =
          catalog_->CreateProject(&context, request, &created);
      if (!status.ok()) return status;
    }
    // Deleting again keeps the graph the same size over a long run, so
    // memory growth means a leak, not more data.
    grpc::ClientContext context;
    Prepare(&context);
    v1::DeleteProjectRequest request;
    request.set_name("projects/" + id);
    v1::DeleteResponse response;
    return catalog_->DeleteProject(&context, request, &response);
  }

  std::unique_ptr<v1::Catalog::Stub> catalog_;
  std::unique_ptr<v1::Matching::Stub> matching_;
  const std::string token_;
  std::mt19937 random_;
  const int seed_;
  int writes_ = 0;
  const std::vector<std::string> projects_;
  const std::vector<std::string> cities_;
};

}  // namespace

int main(int argc, char** argv) {
  citymatch::SetFlagsHelp(
      "citymatch-soak --server=HOST:PORT --token_file=FILE [--qps=N] "
      "[--duration=D]: a mixed load against a running citymatch-server",
      "load/soak.cc");
  citymatch::ParseFlags(argc, argv);
  std::ifstream token_in(absl::GetFlag(FLAGS_token_file));
  std::stringstream token_text;
  token_text << token_in.rdbuf();
  const std::string token(absl::StripAsciiWhitespace(token_text.str()));
  auto channel = grpc::CreateChannel(absl::GetFlag(FLAGS_server),
                                     grpc::InsecureChannelCredentials());

  // The projects and cities to ask about: the first pages of the catalogue.
  std::vector<std::string> projects, cities;
  {
    auto catalog = v1::Catalog::NewStub(channel);
    grpc::ClientContext c1, c2;
    c1.AddMetadata("authorization", "Bearer " + token);
    c2.AddMetadata("authorization", "Bearer " + token);
    v1::ListProjectsRequest pr;
    pr.set_page_size(1000);
    v1::ListProjectsResponse presp;
    v1::ListCitiesRequest cr;
    cr.set_page_size(1000);
    v1::ListCitiesResponse cresp;
    grpc::Status s1 = catalog->ListProjects(&c1, pr, &presp);
    grpc::Status s2 = catalog->ListCities(&c2, cr, &cresp);
    if (!s1.ok() || !s2.ok()) {
      std::fprintf(stderr, "cannot list the catalogue: %s\n",
                   (s1.ok() ? s2 : s1).error_message().c_str());
      return 1;
    }
    for (const auto& p : presp.projects()) projects.push_back(p.name());
    for (const auto& c : cresp.cities()) cities.push_back(c.name());
  }

  const absl::Duration duration = absl::GetFlag(FLAGS_duration);
  const int workers = absl::GetFlag(FLAGS_workers);
  const double qps = absl::GetFlag(FLAGS_qps);
  const int pid = absl::GetFlag(FLAGS_server_pid);
  const absl::Time start = absl::Now();
  const absl::Time end = start + duration;
  Stats stats;
  std::atomic<int64_t> calls{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < workers; ++w) {
    threads.emplace_back([&, w] {
      Worker worker(channel, token, 1000 + w, projects, cities);
      // Open loop when paced: each worker owns an even share of the rate.
      const absl::Duration interval =
          qps > 0 ? absl::Seconds(workers / qps) : absl::ZeroDuration();
      absl::Time next = absl::Now();
      std::vector<double> local;
      std::vector<double> local_kind[kNumKinds];
      while (absl::Now() < end) {
        // Paced, a call's latency counts from the moment it was due, not
        // from when it was sent: a worker held up by a slow call sends the
        // calls due meanwhile late, and their clients would have waited
        // that long too (coordinated omission; the percentiles would
        // otherwise leave out the server's stalls).
        absl::Time t0 = absl::Now();
        if (qps > 0) {
          absl::SleepFor(next - absl::Now());
          t0 = next;
          next += interval;
        }
        Kind kind;
        grpc::Status status = worker.Call(&kind);
        const double ms = absl::ToDoubleMilliseconds(absl::Now() - t0);
        local.push_back(ms);
        local_kind[kind].push_back(ms);
        ++calls;
        if (!status.ok()) {
          std::lock_guard<std::mutex> lock(stats.mu);
          ++stats.errors;
          if (stats.error_samples.size() < 5) {
            stats.error_samples.push_back(absl::StrCat(
                status.error_code(), ": ", status.error_message()));
          }
        }
      }
      std::lock_guard<std::mutex> lock(stats.mu);
      stats.latencies_ms.insert(stats.latencies_ms.end(), local.begin(),
                                local.end());
      for (int k = 0; k < kNumKinds; ++k) {
        stats.kind_latencies_ms[k].insert(stats.kind_latencies_ms[k].end(),
                                          local_kind[k].begin(),
                                          local_kind[k].end());
      }
    });
  }

  const int64_t rss_start = ResidentKb(pid);
  int64_t rss_max = rss_start;
  int64_t last_calls = 0;
  absl::Time last = start;
  std::printf("%8s %10s %10s\n", "seconds", "calls/s", "rss_kb");
  while (absl::Now() < end) {
    absl::SleepFor(
        std::min(absl::GetFlag(FLAGS_sample_every), end - absl::Now()));
    const absl::Time now = absl::Now();
    const int64_t total = calls.load();
    const int64_t rss = ResidentKb(pid);
    rss_max = std::max(rss_max, rss);
    std::printf("%8.0f %10.1f %10lld\n", absl::ToDoubleSeconds(now - start),
                (total - last_calls) / absl::ToDoubleSeconds(now - last),
                static_cast<long long>(rss));
    std::fflush(stdout);
    last_calls = total;
    last = now;
  }
  for (std::thread& t : threads) t.join();
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  const int64_t rss_end = ResidentKb(pid);
  std::printf(
      "calls %lld in %.0f s (%.1f/s), errors %lld, p50 %.2f ms, p99 %.2f ms, "
      "rss start %lld kB, end %lld kB, max %lld kB\n",
      static_cast<long long>(calls.load()), seconds, calls.load() / seconds,
      static_cast<long long>(stats.errors),
      Percentile(stats.latencies_ms, 0.50),
      Percentile(stats.latencies_ms, 0.99), static_cast<long long>(rss_start),
      static_cast<long long>(rss_end), static_cast<long long>(rss_max));
  for (int k = 0; k < kNumKinds; ++k) {
    const std::vector<double>& v = stats.kind_latencies_ms[k];
    std::printf("  %-28s calls %8zu, p50 %7.2f ms, p99 %7.2f ms\n",
                kKindNames[k], v.size(), Percentile(v, 0.50),
                Percentile(v, 0.99));
  }
  for (const std::string& e : stats.error_samples) {
    std::printf("  error: %s\n", e.c_str());
  }
  return stats.errors == 0 ? 0 : 1;
}
