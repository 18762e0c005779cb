#include "graph/name_folding.h"

#include <memory>

#include "absl/strings/ascii.h"
#include "unicode/normalizer2.h"
#include "unicode/translit.h"
#include "unicode/uchar.h"
#include "unicode/unistr.h"

namespace citymatch {

namespace {

bool IsAscii(absl::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// Latin-ASCII is a rule-based transliterator: it costs about ten times the
// decomposition, so it only sees what decomposition left non-ASCII (about
// one name in sixty of the shipped data). Null if ICU cannot make one; the
// letters it would have replaced then stay as they are.
const icu::Transliterator* LatinAscii() {
  thread_local const std::unique_ptr<icu::Transliterator> transliterator = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::Transliterator> made(
        icu::Transliterator::createInstance("Latin-ASCII", UTRANS_FORWARD,
                                            status));
    if (U_FAILURE(status)) made.reset();
    return made;
  }();
  return transliterator.get();
}

}  // namespace

std::string FoldName(absl::string_view text) {
  if (IsAscii(text)) return absl::AsciiStrToLower(text);
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkd = icu::Normalizer2::getNFKDInstance(status);
  if (U_FAILURE(status)) return absl::AsciiStrToLower(text);
  const icu::UnicodeString decomposed =
      nfkd->normalize(icu::UnicodeString::fromUTF8(icu::StringPiece(
                          text.data(), static_cast<int32_t>(text.size()))),
                      status);
  if (U_FAILURE(status)) return absl::AsciiStrToLower(text);
  icu::UnicodeString folded;
  bool ascii = true;
  for (int32_t i = 0; i < decomposed.length();) {
    const UChar32 c = decomposed.char32At(i);
    i += U16_LENGTH(c);
    if (u_charType(c) == U_NON_SPACING_MARK) continue;
    folded.append(c);
    ascii = ascii && c < 0x80;
  }
  if (!ascii) {
    if (const icu::Transliterator* latin_ascii = LatinAscii()) {
      latin_ascii->transliterate(folded);
    }
  }
  folded.foldCase();
  std::string out;
  folded.toUTF8String(out);
  return out;
}

}  // namespace citymatch
