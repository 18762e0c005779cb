#include "server/token_secrets.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <cstdlib>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace citymatch {

namespace {

constexpr absl::string_view kPrefix = "cm_";
constexpr int kIdBytes = 8;
constexpr int kSecretBytes = 32;
constexpr int kSaltBytes = 16;

std::string RandomBytes(int n) {
  std::string bytes(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), n) != 1) {
    // Without randomness no token may be issued at all.
    std::abort();
  }
  return bytes;
}

std::string Hash(absl::string_view salt, absl::string_view secret) {
  const std::string input = absl::StrCat(salt, secret);
  std::string digest(SHA256_DIGEST_LENGTH, '\0');
  SHA256(reinterpret_cast<const unsigned char*>(input.data()), input.size(),
         reinterpret_cast<unsigned char*>(digest.data()));
  return digest;
}

}  // namespace

NewToken GenerateToken() {
  NewToken t;
  t.id = absl::BytesToHexString(RandomBytes(kIdBytes));
  const std::string secret =
      absl::WebSafeBase64Escape(RandomBytes(kSecretBytes));
  t.token = absl::StrCat(kPrefix, t.id, "_", secret);
  t.salt = RandomBytes(kSaltBytes);
  t.hash = Hash(t.salt, secret);
  return t;
}

std::optional<PresentedToken> ParseToken(absl::string_view token) {
  if (!absl::StartsWith(token, kPrefix)) return std::nullopt;
  token.remove_prefix(kPrefix.size());
  const size_t sep = token.find('_');
  if (sep != 2 * kIdBytes || token.size() <= sep + 1 || token.size() > 200) {
    return std::nullopt;
  }
  return PresentedToken{std::string(token.substr(0, sep)),
                        std::string(token.substr(sep + 1))};
}

bool VerifySecret(absl::string_view secret, absl::string_view salt,
                  absl::string_view hash) {
  const std::string computed = Hash(salt, secret);
  return hash.size() == computed.size() &&
         CRYPTO_memcmp(computed.data(), hash.data(), computed.size()) == 0;
}

}  // namespace citymatch
