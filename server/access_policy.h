// Who may do what, in one place. Roles: ADMIN may do everything; VIEWER may
// read and ask for recommendations; EDITOR may also write, but only its own
// organisation's projects and practices and the profile of the cities its
// organisation is attached to.
#ifndef CITYMATCH_SERVER_ACCESS_POLICY_H_
#define CITYMATCH_SERVER_ACCESS_POLICY_H_

#include <string>
#include <vector>

#include "graph/entities.h"
#include "grpcpp/support/status.h"
#include "server/principal.h"

namespace citymatch {

// What a call needs before it looks at its request.
enum class Access {
  kRead,   // any role
  kWrite,  // ADMIN or EDITOR (then CheckWrite decides per entity)
  kAdmin,  // ADMIN only
};

// OK if `role` grants `access`, else PERMISSION_DENIED.
grpc::Status CheckAccess(const Principal& principal, Access access);

// Whether `principal` may turn `before` into `after`: a create has no
// `before`, a delete no `after`. `mask_paths` are the updated fields (empty:
// all). PERMISSION_DENIED says which rule refused.
grpc::Status CheckWrite(const Principal& principal, const City* before,
                        const City* after,
                        const std::vector<std::string>& mask_paths);
grpc::Status CheckWrite(const Principal& principal, const Project* before,
                        const Project* after,
                        const std::vector<std::string>& mask_paths);
grpc::Status CheckWrite(const Principal& principal, const Practice* before,
                        const Practice* after,
                        const std::vector<std::string>& mask_paths);

// An editor's new project or practice without an owner belongs to the
// editor's organisation.
void AssignDefaultOwner(const Principal& principal, City* city);
void AssignDefaultOwner(const Principal& principal, Project* project);
void AssignDefaultOwner(const Principal& principal, Practice* practice);

}  // namespace citymatch

#endif  // CITYMATCH_SERVER_ACCESS_POLICY_H_
