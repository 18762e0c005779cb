#include "server/page_token.h"

#include <openssl/sha.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace citymatch {

namespace {

// The digest only has to catch forged and mangled tokens, not keep a secret:
// what a token says (the last id of a page) is no secret.
std::string Seal(absl::string_view scope, absl::string_view last_id) {
  const std::string text =
      absl::StrCat("citymatch-page\x1f", scope, "\x1f", last_id);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(),
         digest);
  return std::string(reinterpret_cast<const char*>(digest), 12);
}

}  // namespace

std::string EncodePageToken(absl::string_view scope,
                            absl::string_view last_id) {
  return absl::WebSafeBase64Escape(absl::StrCat(Seal(scope, last_id), last_id));
}

std::optional<std::string> DecodePageToken(absl::string_view scope,
                                           absl::string_view token) {
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw) || raw.size() < 12) {
    return std::nullopt;
  }
  std::string last_id = raw.substr(12);
  if (raw.substr(0, 12) != Seal(scope, last_id)) return std::nullopt;
  return last_id;
}

}  // namespace citymatch
