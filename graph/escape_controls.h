// Control characters written out as escapes, for text a client chose (a
// resource name in the audit log) shown where a newline would start what
// reads as a line of its own, or an escape sequence would drive the
// terminal. Its own small library, as edit_distance is: the server records
// names escaped, and the CLI escapes events recorded before it did.
#ifndef CITYMATCH_GRAPH_ESCAPE_CONTROLS_H_
#define CITYMATCH_GRAPH_ESCAPE_CONTROLS_H_

#include <string>

#include "absl/strings/string_view.h"

namespace citymatch {

// `text` with its control characters (C0, DEL and, in UTF-8, C1) escaped:
// \n, \r, \t, \xHH, \u00HH; with `backslashes` a backslash too (\\), so that
// an escape in the result cannot be told from one the text held.
std::string EscapeControls(absl::string_view text, bool backslashes);

}  // namespace citymatch

#endif  // CITYMATCH_GRAPH_ESCAPE_CONTROLS_H_
