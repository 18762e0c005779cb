// A Principal is who is calling: the token a request authenticated with, its
// role and, for editors, the organisation it acts for.
#ifndef CITYMATCH_SERVER_PRINCIPAL_H_
#define CITYMATCH_SERVER_PRINCIPAL_H_

#include <string>
#include <vector>

#include "graph/storage/admin_storage.h"

namespace citymatch {

struct Principal {
  std::string token_id;
  TokenRole role = TokenRole::kUnspecified;
  std::string organization_id;  // editors only
  // The cities whose profile the organisation may change (editors only).
  std::vector<std::string> organization_city_ids;
};

// "ADMIN", "EDITOR", "VIEWER" or "UNSPECIFIED".
const char* TokenRoleName(TokenRole role);

}  // namespace citymatch

#endif  // CITYMATCH_SERVER_PRINCIPAL_H_
