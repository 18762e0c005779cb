// Conversions between the API messages (citymatch.v1) and the domain values
// (graph/). FromProto checks what only the message can get wrong (resource
// name syntax, enum values) and appends field violations; the entity's own
// rules are graph/validation.h's.
#ifndef CITYMATCH_SERVER_PROTO_CONVERT_H_
#define CITYMATCH_SERVER_PROTO_CONVERT_H_

#include <string>
#include <vector>

#include "citymatch/v1/matching.pb.h"
#include "citymatch/v1/resources.pb.h"
#include "graph/entities.h"
#include "graph/graph_snapshot.h"
#include "graph/ranking/partner_recommender.h"
#include "graph/validation.h"

namespace citymatch {

v1::City ToProto(const City& city);
v1::Project ToProto(const Project& project);
v1::Practice ToProto(const Practice& practice);
v1::Twinning ToProto(const Twinning& twinning);
v1::Recommendation ToProto(const Recommendation& recommendation,
                           const GraphSnapshot& graph);

// `prefix` is put before every field name in a violation ("city.").
City FromProto(const v1::City& city, std::string id, const std::string& prefix,
               std::vector<FieldViolation>* violations);
Project FromProto(const v1::Project& project, std::string id,
                  const std::string& prefix,
                  std::vector<FieldViolation>* violations);
Practice FromProto(const v1::Practice& practice, std::string id,
                   const std::string& prefix,
                   std::vector<FieldViolation>* violations);

}  // namespace citymatch

#endif  // CITYMATCH_SERVER_PROTO_CONVERT_H_
