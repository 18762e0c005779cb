// A Mutation is one atomic change of the graph: puts (insert or replace by id)
// and deletes, with the preconditions that must hold when it is applied.
// GraphStore checks the preconditions and the references under its write
// lock, persists the mutation in one transaction, then publishes it.
#ifndef CITYMATCH_GRAPH_MUTATION_H_
#define CITYMATCH_GRAPH_MUTATION_H_

#include <string>
#include <vector>

#include "graph/entities.h"

namespace citymatch {

// What a mutation that carried a request_id recorded with it.
struct AppliedRequest {
  std::string entity;       // Mutation::request_entity
  std::string fingerprint;  // Mutation::request_fingerprint ("" if none)

  bool operator==(const AppliedRequest& other) const {
    return entity == other.entity && fingerprint == other.fingerprint;
  }
};

// A condition on the current graph, checked atomically with the write.
struct Precondition {
  enum class Kind {
    kMustNotExist,  // fails with AlreadyExists
    kMustExist,     // fails with NotFound; with an etag, Aborted if stale
  };
  EntityKind entity = EntityKind::kCity;
  std::string id;  // for twinnings: "a|b" of the normalised pair
  Kind kind = Kind::kMustExist;
  std::string etag;  // empty: any version
};

struct Mutation {
  std::vector<Precondition> preconditions;
  // A client's idempotency key for a create: stored with the mutation, so a
  // retry of the same request can be recognised even after a restart.
  std::string request_id;
  // What the request created, "<kind>/<id>" (e.g. "city/lyon").
  std::string request_entity;
  // A digest of the request's content, so that a retry (the same content)
  // can be told from another request that reuses the id.
  std::string request_fingerprint;
  std::vector<City> put_cities;
  std::vector<Project> put_projects;
  std::vector<Practice> put_practices;
  std::vector<Twinning> put_twinnings;  // normalised
  std::vector<std::string> delete_cities;
  std::vector<std::string> delete_projects;
  std::vector<std::string> delete_practices;
  std::vector<Twinning> delete_twinnings;  // normalised

  bool empty() const {
    return put_cities.empty() && put_projects.empty() &&
           put_practices.empty() && put_twinnings.empty() &&
           delete_cities.empty() && delete_projects.empty() &&
           delete_practices.empty() && delete_twinnings.empty();
  }
};

}  // namespace citymatch

#endif  // CITYMATCH_GRAPH_MUTATION_H_
