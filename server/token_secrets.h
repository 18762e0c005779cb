// Token secrets: how they are made, what is stored of them and how a
// presented token is checked. A token reads "cm_<id>_<secret>": the id finds
// the stored record, the secret is checked against its salted SHA-256 hash in
// constant time. The secret itself is never stored or logged.
#ifndef CITYMATCH_SERVER_TOKEN_SECRETS_H_
#define CITYMATCH_SERVER_TOKEN_SECRETS_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace citymatch {

struct NewToken {
  std::string id;     // 16 lower-case hex characters
  std::string token;  // what the client sends: cm_<id>_<secret>
  std::string salt;   // 16 random bytes
  std::string hash;   // SHA-256(salt || secret)
};

// A fresh token from the system's CSPRNG (OpenSSL RAND_bytes).
NewToken GenerateToken();

struct PresentedToken {
  std::string id;
  std::string secret;
};

// Splits "cm_<id>_<secret>"; nullopt if it is not of that form.
std::optional<PresentedToken> ParseToken(absl::string_view token);

// True if `secret` hashes with `salt` to `hash`; constant time in the secret.
bool VerifySecret(absl::string_view secret, absl::string_view salt,
                  absl::string_view hash);

}  // namespace citymatch

#endif  // CITYMATCH_SERVER_TOKEN_SECRETS_H_
