#include "server/rate_limiter.h"

#include <algorithm>

namespace citymatch {

RateLimiter::RateLimiter(double qps, double burst)
    : qps_(qps), burst_(std::max(1.0, burst)) {}

bool RateLimiter::Admit(const std::string& key, absl::Time now,
                        absl::Duration* retry_after) {
  if (qps_ <= 0) return true;
  absl::MutexLock lock(&mu_);
  // Keys are token ids, a bounded set; still, never let the map grow without
  // bound: a full bucket carries no state worth keeping.
  if (buckets_.size() > 100000) buckets_.clear();
  auto [it, inserted] = buckets_.try_emplace(key, Bucket{burst_, now});
  Bucket& bucket = it->second;
  if (!inserted) {
    const double elapsed = absl::ToDoubleSeconds(now - bucket.updated);
    bucket.tokens =
        std::min(burst_, bucket.tokens + std::max(0.0, elapsed) * qps_);
    bucket.updated = now;
  }
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return true;
  }
  *retry_after = absl::Seconds((1 - bucket.tokens) / qps_);
  return false;
}

}  // namespace citymatch
