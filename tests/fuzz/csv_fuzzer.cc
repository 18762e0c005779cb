// Fuzzes the CSV syntax of the interchange format (graph/csv.h): ParseCsv on
// any bytes, IsValidUtf8 against an independent decoder, and the writer's
// quoting read back by the parser.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "graph/csv.h"
#include "tests/fuzz/fuzz_check.h"

namespace citymatch {
namespace {

// RFC 3629's table of well-formed UTF-8 byte sequences, written out range by
// range: a second opinion on IsValidUtf8, which decodes and then checks
// code point bounds.
bool ReferenceUtf8(absl::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  auto in = [](unsigned char c, int lo, int hi) { return c >= lo && c <= hi; };
  size_t i = 0;
  while (i < n) {
    const unsigned char c = s[i];
    if (c <= 0x7F) {
      ++i;
      continue;
    }
    int len = 0;
    int lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (in(c, 0xC2, 0xDF)) {
      len = 2;
    } else if (c == 0xE0) {
      len = 3, lo = 0xA0;
    } else if (in(c, 0xE1, 0xEC) || in(c, 0xEE, 0xEF)) {
      len = 3;
    } else if (c == 0xED) {
      len = 3, hi = 0x9F;
    } else if (c == 0xF0) {
      len = 4, lo = 0x90;
    } else if (in(c, 0xF1, 0xF3)) {
      len = 4;
    } else if (c == 0xF4) {
      len = 4, hi = 0x8F;
    } else {
      return false;
    }
    if (i + len > n || !in(s[i + 1], lo, hi)) return false;
    for (int k = 2; k < len; ++k) {
      if (!in(s[i + k], 0x80, 0xBF)) return false;
    }
    i += len;
  }
  return true;
}

// Rows back to text. A BOM goes first (the parser must drop it, and it keeps
// a first field that starts with U+FEFF from being taken for one); a lone
// empty field is quoted so the row is not read as a blank line.
std::string Write(const std::vector<CsvRow>& rows) {
  std::string out = "\xEF\xBB\xBF";
  for (const CsvRow& row : rows) {
    if (row.fields.size() == 1 && row.fields[0].empty()) {
      out += "\"\"";
    } else {
      for (size_t i = 0; i < row.fields.size(); ++i) {
        if (i > 0) out += ',';
        out += CsvField(row.fields[i]);
      }
    }
    out += "\r\n";
  }
  return out;
}

}  // namespace
}  // namespace citymatch

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using citymatch::CsvRow;
  const absl::string_view text(reinterpret_cast<const char*>(data), size);

  FUZZ_CHECK(citymatch::IsValidUtf8(text) == citymatch::ReferenceUtf8(text));

  // Any single value survives the writer's quoting (after a BOM, which the
  // parser drops: a value may itself start with U+FEFF).
  absl::StatusOr<std::vector<CsvRow>> one = citymatch::ParseCsv(
      "\xEF\xBB\xBF" + citymatch::CsvField(text) + ",end");
  FUZZ_CHECK(one.ok());
  FUZZ_CHECK(one->size() == 1);
  FUZZ_CHECK((*one)[0].line == 1);
  FUZZ_CHECK((*one)[0].fields.size() == 2);
  FUZZ_CHECK((*one)[0].fields[0] == text);
  FUZZ_CHECK((*one)[0].fields[1] == "end");

  absl::StatusOr<std::vector<CsvRow>> rows = citymatch::ParseCsv(text);
  if (!rows.ok()) {
    FUZZ_CHECK(rows.status().code() == absl::StatusCode::kInvalidArgument);
    FUZZ_CHECK(absl::string_view(rows.status().message()).substr(0, 5) ==
               "line ");
    return 0;
  }
  int previous_line = 0;
  for (const CsvRow& row : *rows) {
    FUZZ_CHECK(row.line > previous_line);  // rows start on distinct lines
    FUZZ_CHECK(!row.fields.empty());
    previous_line = row.line;
  }
  // Whatever was read, written out again, reads back the same.
  absl::StatusOr<std::vector<CsvRow>> again =
      citymatch::ParseCsv(citymatch::Write(*rows));
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(again->size() == rows->size());
  for (size_t i = 0; i < rows->size(); ++i) {
    FUZZ_CHECK((*again)[i].fields == (*rows)[i].fields);
  }
  return 0;
}
