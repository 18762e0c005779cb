// Folding of place names for search: what a person types ("munchen",
// "LODZ", "malmo") is compared with stored names ("München", "Łódź",
// "Malmö") after both are folded the same way.
//
// Thread-safe: a free function (each thread keeps its own ICU
// transliterator, which ICU does not let threads share).
#ifndef CITYMATCH_GRAPH_NAME_FOLDING_H_
#define CITYMATCH_GRAPH_NAME_FOLDING_H_

#include <string>

#include "absl/strings/string_view.h"

namespace citymatch {

// `text` (UTF-8) in lower case and without accents: ICU's compatibility
// decomposition with the combining marks dropped ("é" -> "e"), then its
// Latin-ASCII transliteration for the letters that do not decompose
// ("ł" -> "l", "ø" -> "o", "ß" -> "ss", "’" -> "'"), then case folding.
// Letters of other scripts stay, case-folded ("Москва" -> "москва"). ASCII
// text is only lower-cased.
std::string FoldName(absl::string_view text);

}  // namespace citymatch

#endif  // CITYMATCH_GRAPH_NAME_FOLDING_H_
