// RFC 4180 CSV: the interchange format's only syntax. Handles a leading UTF-8
// byte order mark, CRLF and LF line ends, quoted fields with commas, quotes
// ("") and line breaks inside.
//
// Thread-safe: free functions over their arguments.
#ifndef CITYMATCH_GRAPH_CSV_H_
#define CITYMATCH_GRAPH_CSV_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace citymatch {

struct CsvRow {
  int line = 0;  // 1-based line on which the row starts
  std::vector<std::string> fields;
};

// Splits `text` into rows; blank lines (empty, or spaces and tabs only) are
// skipped. InvalidArgument naming
// the line for a quote that is never closed or text after a closing quote.
// The interchange format separates fields by commas; another `separator`
// serves to recognise a file saved with it.
absl::StatusOr<std::vector<CsvRow>> ParseCsv(absl::string_view text,
                                             char separator = ',');

// `field` as one CSV field: quoted only when it must be.
std::string CsvField(absl::string_view field);

// True if `text` is well-formed UTF-8 (no overlong forms, no surrogates).
bool IsValidUtf8(absl::string_view text);

}  // namespace citymatch

#endif  // CITYMATCH_GRAPH_CSV_H_
