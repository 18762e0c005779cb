#include "graph/escape_controls.h"

#include "absl/strings/str_format.h"

namespace citymatch {

std::string EscapeControls(absl::string_view text, bool backslashes) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    const unsigned char next =
        i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0;
    if (c == '\\' && backslashes) {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      absl::StrAppendFormat(&out, "\\x%02x", c);
    } else if (c == 0xC2 && next >= 0x80 && next <= 0x9F) {
      // U+0080..U+009F in UTF-8; CSI (U+009B) among them.
      absl::StrAppendFormat(&out, "\\u%04x", next);
      ++i;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace citymatch
