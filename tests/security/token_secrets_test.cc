// Token secrets: the "cm_<id>_<secret>" form, the salted SHA-256 hash that is
// all the store keeps, and the checks that refuse anything else.
#include "server/token_secrets.h"

#include <openssl/sha.h>

#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace citymatch {
namespace {

bool IsLowerHex(const std::string& s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string Sha256(const std::string& bytes) {
  std::string digest(SHA256_DIGEST_LENGTH, '\0');
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
         reinterpret_cast<unsigned char*>(digest.data()));
  return digest;
}

TEST(TokenSecretsTest, GeneratedTokenHasTheDocumentedForm) {
  const NewToken t = GenerateToken();
  EXPECT_EQ(t.id.size(), 16u);
  EXPECT_TRUE(IsLowerHex(t.id)) << t.id;
  EXPECT_EQ(t.salt.size(), 16u);
  EXPECT_EQ(t.hash.size(), 32u);
  std::optional<PresentedToken> parsed = ParseToken(t.token);
  ASSERT_TRUE(parsed.has_value()) << t.token;
  EXPECT_EQ(parsed->id, t.id);
  EXPECT_EQ(t.token, absl::StrCat("cm_", t.id, "_", parsed->secret));
  // 32 random bytes, web-safe base64 without padding.
  EXPECT_EQ(parsed->secret.size(), 43u);
}

TEST(TokenSecretsTest, StoredHashIsSha256OfSaltAndSecret) {
  const NewToken t = GenerateToken();
  std::optional<PresentedToken> parsed = ParseToken(t.token);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(t.hash, Sha256(t.salt + parsed->secret));
  // What is stored (salt and hash) does not contain the secret.
  EXPECT_EQ((t.salt + t.hash).find(parsed->secret), std::string::npos);
}

TEST(TokenSecretsTest, VerifyAcceptsTheSecret) {
  const NewToken t = GenerateToken();
  std::optional<PresentedToken> parsed = ParseToken(t.token);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_TRUE(VerifySecret(parsed->secret, t.salt, t.hash));
}

TEST(TokenSecretsTest, VerifyRefusesWrongSecrets) {
  const NewToken t = GenerateToken();
  const NewToken other = GenerateToken();
  const std::string secret = ParseToken(t.token)->secret;
  std::string flipped = secret;
  flipped[0] = flipped[0] == 'A' ? 'B' : 'A';
  std::string last_flipped = secret;
  last_flipped.back() = last_flipped.back() == 'A' ? 'B' : 'A';
  for (const std::string& wrong :
       {std::string(), flipped, last_flipped, secret.substr(1),
        secret.substr(0, secret.size() - 1), secret + "A",
        ParseToken(other.token)->secret, t.token, t.id}) {
    EXPECT_FALSE(VerifySecret(wrong, t.salt, t.hash)) << "secret: " << wrong;
  }
}

TEST(TokenSecretsTest, VerifyRefusesWrongSaltOrHash) {
  const NewToken t = GenerateToken();
  const NewToken other = GenerateToken();
  const std::string secret = ParseToken(t.token)->secret;
  EXPECT_FALSE(VerifySecret(secret, other.salt, t.hash));
  EXPECT_FALSE(VerifySecret(secret, t.salt, other.hash));
  EXPECT_FALSE(VerifySecret(secret, t.salt, ""));
  EXPECT_FALSE(VerifySecret(secret, t.salt, t.hash.substr(0, 31)));
  EXPECT_FALSE(VerifySecret(secret, t.salt, t.hash + "x"));
  // The hash of the bare secret (no salt) does not verify either.
  EXPECT_FALSE(VerifySecret(secret, t.salt, Sha256(secret)));
}

TEST(TokenSecretsTest, TokensAreUnique) {
  std::set<std::string> ids, tokens, salts;
  constexpr int kCount = 2000;
  for (int i = 0; i < kCount; ++i) {
    const NewToken t = GenerateToken();
    ids.insert(t.id);
    tokens.insert(t.token);
    salts.insert(t.salt);
  }
  EXPECT_EQ(ids.size(), static_cast<size_t>(kCount));
  EXPECT_EQ(tokens.size(), static_cast<size_t>(kCount));
  EXPECT_EQ(salts.size(), static_cast<size_t>(kCount));
}

TEST(TokenSecretsTest, ParseSplitsIdAndSecret) {
  std::optional<PresentedToken> parsed =
      ParseToken("cm_0123456789abcdef_s3cr-t_with_underscores");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->id, "0123456789abcdef");
  EXPECT_EQ(parsed->secret, "s3cr-t_with_underscores");
}

TEST(TokenSecretsTest, ParseRefusesMalformedForms) {
  const std::string id = "0123456789abcdef";
  for (const std::string& malformed : {
           std::string(),
           std::string("cm_"),
           std::string("cm"),
           std::string("secret"),
           absl::StrCat("cm_", id),                  // no secret part
           absl::StrCat("cm_", id, "_"),             // empty secret
           absl::StrCat("xx_", id, "_secret"),       // wrong prefix
           absl::StrCat("CM_", id, "_secret"),       // prefix is case-exact
           absl::StrCat("Bearer cm_", id, "_secret"),  // header, not token
           absl::StrCat(" cm_", id, "_secret"),
           absl::StrCat("cm_", id.substr(1), "_secret"),  // 15-char id
           absl::StrCat("cm_", id, "0_secret"),           // 17-char id
           absl::StrCat("cm__", id, "_secret"),
           absl::StrCat("cm_", id, "_", std::string(200, 'a')),  // too long
       }) {
    EXPECT_FALSE(ParseToken(malformed).has_value()) << "token: " << malformed;
  }
}

}  // namespace
}  // namespace citymatch
