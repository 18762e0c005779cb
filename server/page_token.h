// Opaque page tokens for List calls. A token names the last id of the page it
// ends (keyset pagination: no item is skipped or repeated while others are
// written) and the request it belongs to, sealed with a digest so that a
// forged or altered token is refused rather than misread.
#ifndef CITYMATCH_SERVER_PAGE_TOKEN_H_
#define CITYMATCH_SERVER_PAGE_TOKEN_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace citymatch {

// A token for the page after `last_id`, for a request identified by `scope`
// (the method and its filters).
std::string EncodePageToken(absl::string_view scope, absl::string_view last_id);

// The last id from `token`, or nullopt if the token was not issued for
// `scope` or was altered.
std::optional<std::string> DecodePageToken(absl::string_view scope,
                                           absl::string_view token);

}  // namespace citymatch

#endif  // CITYMATCH_SERVER_PAGE_TOKEN_H_
