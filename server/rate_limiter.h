// RateLimiter holds one token bucket per key (a token id): a steady `qps`
// with bursts up to `burst`. Buckets of idle keys are forgotten.
//
// Thread-safe.
#ifndef CITYMATCH_SERVER_RATE_LIMITER_H_
#define CITYMATCH_SERVER_RATE_LIMITER_H_

#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace citymatch {

class RateLimiter {
 public:
  // qps <= 0 disables limiting.
  RateLimiter(double qps, double burst);

  // Takes one token from `key`'s bucket. False if it is empty; then
  // *retry_after is how long until a token is back.
  bool Admit(const std::string& key, absl::Time now,
             absl::Duration* retry_after);

 private:
  struct Bucket {
    double tokens = 0;
    absl::Time updated;
  };

  const double qps_;
  const double burst_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Bucket> buckets_ ABSL_GUARDED_BY(mu_);
};

}  // namespace citymatch

#endif  // CITYMATCH_SERVER_RATE_LIMITER_H_
