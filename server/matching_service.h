// MatchingService implements citymatch.v1.Matching over GraphStore and
// PartnerRecommender: it turns a request into a PartnerQuery and filter,
// ranks on one pinned snapshot and converts the answer back.
//
// Thread-safe: handlers run concurrently; the recommender is const.
#ifndef CITYMATCH_SERVER_MATCHING_SERVICE_H_
#define CITYMATCH_SERVER_MATCHING_SERVICE_H_

#include "citymatch/v1/matching.grpc.pb.h"
#include "graph/graph_store.h"
#include "graph/ranking/partner_recommender.h"
#include "server/request_guard.h"

namespace citymatch {

class MatchingService final : public v1::Matching::CallbackService {
 public:
  static constexpr int kDefaultPageSize = 10;

  // `store` and `guard` must outlive the service.
  MatchingService(GraphStore* store, const RequestGuard* guard);

  grpc::ServerUnaryReactor* RecommendPartners(
      grpc::CallbackServerContext* context,
      const v1::RecommendPartnersRequest* request,
      v1::RecommendPartnersResponse* response) override;

 private:
  grpc::Status Recommend(const v1::RecommendPartnersRequest& request,
                         v1::RecommendPartnersResponse* response) const;

  GraphStore* const store_;
  const RequestGuard* const guard_;
  const PartnerRecommender recommender_;
};

}  // namespace citymatch

#endif  // CITYMATCH_SERVER_MATCHING_SERVICE_H_
