// Fuzzes the page token decoder (server/page_token.h): a client may send any
// string as page_token. The input is a scope and a token separated by the
// first NUL byte (no NUL: the whole input is the token, the scope is empty).
//
// Invariants: a token that decodes names the same page as its canonical
// spelling; any id survives encoding; a token is refused
// under any other scope.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "server/page_token.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  absl::string_view scope, token = input;
  if (const size_t nul = input.find('\0'); nul != absl::string_view::npos) {
    scope = input.substr(0, nul);
    token = input.substr(nul + 1);
  }

  const std::optional<std::string> last_id =
      citymatch::DecodePageToken(scope, token);
  if (last_id.has_value()) {
    // absl's base64 decoder is lenient (it skips whitespace and padding and
    // ignores the unused low bits of the last character), so one token has
    // several spellings. That is harmless: the seal covers the decoded
    // bytes, not the spelling. What must hold is that the canonical
    // spelling names the same page.
    const std::string canonical = citymatch::EncodePageToken(scope, *last_id);
    FUZZ_CHECK(canonical.size() <= token.size());
    FUZZ_CHECK(citymatch::DecodePageToken(scope, canonical) == last_id);
  }

  // The token text used as an id: encoded, it decodes back under its own
  // scope only.
  const std::string encoded = citymatch::EncodePageToken(scope, token);
  const std::optional<std::string> decoded =
      citymatch::DecodePageToken(scope, encoded);
  FUZZ_CHECK(decoded.has_value() && *decoded == token);
  FUZZ_CHECK(!citymatch::DecodePageToken(absl::StrCat(scope, "x"), encoded)
                  .has_value());
  return 0;
}
