// Fuzzes the bearer token parser and secret check (server/token_secrets.h):
// every request's Authorization header reaches ParseToken. The input is a
// token, a salt and a hash separated by NUL bytes.
//
// Invariants: a parsed token is exactly "cm_" + id + "_" + secret with a
// 16-character id; VerifySecret accepts the salted SHA-256 of the secret
// and nothing that differs from it in one byte or in length.
#include <openssl/sha.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "server/token_secrets.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

std::string Sha256(absl::string_view bytes) {
  std::string digest(SHA256_DIGEST_LENGTH, '\0');
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
         reinterpret_cast<unsigned char*>(digest.data()));
  return digest;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // A generated token must be one the parser takes.
  const citymatch::NewToken fresh = citymatch::GenerateToken();
  const std::optional<citymatch::PresentedToken> parsed =
      citymatch::ParseToken(fresh.token);
  FUZZ_CHECK(parsed.has_value() && parsed->id == fresh.id);
  FUZZ_CHECK(citymatch::VerifySecret(parsed->secret, fresh.salt, fresh.hash));
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  const std::vector<absl::string_view> parts =
      absl::StrSplit(input, absl::MaxSplits('\0', 2));
  const absl::string_view token = parts[0];
  const absl::string_view salt = parts.size() > 1 ? parts[1] : "";
  const absl::string_view hash = parts.size() > 2 ? parts[2] : "";

  const std::optional<citymatch::PresentedToken> parsed =
      citymatch::ParseToken(token);
  // Whatever the presented hash, checking it must not misbehave.
  citymatch::VerifySecret(token, salt, hash);
  if (!parsed.has_value()) return 0;

  FUZZ_CHECK(absl::StrCat("cm_", parsed->id, "_", parsed->secret) == token);
  FUZZ_CHECK(parsed->id.size() == 16);
  FUZZ_CHECK(!parsed->secret.empty());

  std::string good = Sha256(absl::StrCat(salt, parsed->secret));
  FUZZ_CHECK(citymatch::VerifySecret(parsed->secret, salt, good));
  FUZZ_CHECK(!citymatch::VerifySecret(parsed->secret, salt,
                                      good.substr(0, good.size() - 1)));
  FUZZ_CHECK(!citymatch::VerifySecret(parsed->secret, salt, good + "x"));
  good[size % good.size()] ^= 1;
  FUZZ_CHECK(!citymatch::VerifySecret(parsed->secret, salt, good));
  return 0;
}
