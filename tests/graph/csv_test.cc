#include "graph/csv.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace citymatch {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<std::vector<std::string>> Fields(const std::vector<CsvRow>& rows) {
  std::vector<std::vector<std::string>> out;
  for (const CsvRow& row : rows) out.push_back(row.fields);
  return out;
}

std::vector<int> Lines(const std::vector<CsvRow>& rows) {
  std::vector<int> out;
  for (const CsvRow& row : rows) out.push_back(row.line);
  return out;
}

using Row = std::vector<std::string>;

TEST(CsvTest, SplitsPlainRows) {
  absl::StatusOr<std::vector<CsvRow>> rows = ParseCsv("a,b,c\n1,2,3\n");
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_THAT(Fields(*rows),
              ElementsAre(Row{"a", "b", "c"}, Row{"1", "2", "3"}));
  EXPECT_THAT(Lines(*rows), ElementsAre(1, 2));
}

TEST(CsvTest, LastRowWithoutLineEndIsKept) {
  absl::StatusOr<std::vector<CsvRow>> rows = ParseCsv("a,b\n1,2");
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_THAT(Fields(*rows), ElementsAre(Row{"a", "b"}, Row{"1", "2"}));
}

TEST(CsvTest, EmptyFieldsAreKept) {
  absl::StatusOr<std::vector<CsvRow>> rows = ParseCsv(",x,\n");
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_THAT(Fields(*rows), ElementsAre(Row{"", "x", ""}));
}

TEST(CsvTest, StripsUtf8ByteOrderMark) {
  absl::StatusOr<std::vector<CsvRow>> rows =
      ParseCsv("\xEF\xBB\xBFid,name\n1,Wien\n");
  ASSERT_TRUE(rows.ok()) << rows.status();
  // The header's first column must be "id", not "\xEF\xBB\xBFid".
  EXPECT_THAT(Fields(*rows), ElementsAre(Row{"id", "name"}, Row{"1", "Wien"}));
}

TEST(CsvTest, CrlfLineEndsLeaveNoCarriageReturnInFields) {
  absl::StatusOr<std::vector<CsvRow>> rows = ParseCsv("a,b\r\n1,2\r\n3,4\r\n");
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_THAT(Fields(*rows),
              ElementsAre(Row{"a", "b"}, Row{"1", "2"}, Row{"3", "4"}));
  EXPECT_THAT(Lines(*rows), ElementsAre(1, 2, 3));
}

TEST(CsvTest, LoneCarriageReturnEndsALine) {
  absl::StatusOr<std::vector<CsvRow>> rows = ParseCsv("a\r1\r");
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_THAT(Fields(*rows), ElementsAre(Row{"a"}, Row{"1"}));
  EXPECT_THAT(Lines(*rows), ElementsAre(1, 2));
}

TEST(CsvTest, QuotedCommaStaysInOneField) {
  absl::StatusOr<std::vector<CsvRow>> rows =
      ParseCsv("2772753,\"Leibnitz, Styria\",AT\n");
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_THAT(Fields(*rows),
              ElementsAre(Row{"2772753", "Leibnitz, Styria", "AT"}));
}

TEST(CsvTest, DoubledQuoteIsOneQuote) {
  absl::StatusOr<std::vector<CsvRow>> rows =
      ParseCsv("\"The \"\"Welcome\"\" network\",\"\"\"\"\n");
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_THAT(Fields(*rows), ElementsAre(Row{"The \"Welcome\" network", "\""}));
}

TEST(CsvTest, EmptyQuotedField) {
  absl::StatusOr<std::vector<CsvRow>> rows = ParseCsv("\"\",b\n");
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_THAT(Fields(*rows), ElementsAre(Row{"", "b"}));
}

TEST(CsvTest, NewlineInsideQuotesIsPartOfTheFieldAndCountsAsALine) {
  absl::StatusOr<std::vector<CsvRow>> rows =
      ParseCsv("h1,h2\n1,\"two\nlines\"\n2,x\n");
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_THAT(
      Fields(*rows),
      ElementsAre(Row{"h1", "h2"}, Row{"1", "two\nlines"}, Row{"2", "x"}));
  // The row starts on line 2; the next one on line 4, as an editor shows it.
  EXPECT_THAT(Lines(*rows), ElementsAre(1, 2, 4));
}

TEST(CsvTest, CrlfInsideQuotesIsKeptVerbatim) {
  absl::StatusOr<std::vector<CsvRow>> rows =
      ParseCsv("\"a\r\nb\",c\r\nd,e\r\n");
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_THAT(Fields(*rows), ElementsAre(Row{"a\r\nb", "c"}, Row{"d", "e"}));
  EXPECT_THAT(Lines(*rows), ElementsAre(1, 3));
}

TEST(CsvTest, UnterminatedQuoteNamesTheLineWhereTheRowStarts) {
  absl::StatusOr<std::vector<CsvRow>> rows =
      ParseCsv("a,b\n1,2\n3,\"never closed\n4,5\n6,7\n");
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(rows.status().message(), HasSubstr("line 3"));
  EXPECT_THAT(rows.status().message(), HasSubstr("never closed"));
}

TEST(CsvTest, TextAfterClosingQuoteIsAnError) {
  absl::StatusOr<std::vector<CsvRow>> rows = ParseCsv("a,b\n\"x\"y,2\n");
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(rows.status().message(), HasSubstr("line 2"));
  EXPECT_THAT(rows.status().message(), HasSubstr("after a closing quote"));
}

TEST(CsvTest, AnotherSeparatorSplitsAndCommasBecomeText) {
  absl::StatusOr<std::vector<CsvRow>> rows =
      ParseCsv("\"id\";\"lat\"\nwien;\"48,2\"\n", ';');
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_THAT(Fields(*rows),
              ElementsAre(Row{"id", "lat"}, Row{"wien", "48,2"}));
  // With commas, the same text is not CSV.
  EXPECT_FALSE(ParseCsv("\"id\";\"lat\"\n").ok());
}

TEST(CsvTest, BlankLinesAreSkippedButCounted) {
  absl::StatusOr<std::vector<CsvRow>> rows = ParseCsv("a\n\n\r\n1\n\n");
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_THAT(Fields(*rows), ElementsAre(Row{"a"}, Row{"1"}));
  EXPECT_THAT(Lines(*rows), ElementsAre(1, 4));
}

TEST(CsvTest, LinesOfBlanksOnlyAreBlankLines) {
  absl::StatusOr<std::vector<CsvRow>> rows = ParseCsv("  \t\na, b\n \n 1,2\n");
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_THAT(Fields(*rows), ElementsAre(Row{"a", " b"}, Row{" 1", "2"}));
  EXPECT_THAT(Lines(*rows), ElementsAre(2, 4));
}

TEST(CsvTest, EmptyInputHasNoRows) {
  absl::StatusOr<std::vector<CsvRow>> rows = ParseCsv("");
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_TRUE(rows->empty());
}

TEST(CsvTest, CsvFieldQuotesOnlyWhenItMust) {
  EXPECT_EQ(CsvField("Wien"), "Wien");
  EXPECT_EQ(CsvField(""), "");
  EXPECT_EQ(CsvField("Leibnitz, Styria"), "\"Leibnitz, Styria\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvField("a\nb"), "\"a\nb\"");
  EXPECT_EQ(CsvField("a\rb"), "\"a\rb\"");
}

TEST(CsvTest, CsvFieldRoundTripsThroughParseCsv) {
  const std::vector<std::string> fields = {
      "plain", "with, comma", "\"quoted\"", "two\nlines", "", "é, ü \"x\""};
  std::string line;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) line += ",";
    line += CsvField(fields[i]);
  }
  absl::StatusOr<std::vector<CsvRow>> rows = ParseCsv(line + "\n");
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].fields, fields);
}

TEST(CsvTest, IsValidUtf8AcceptsWellFormedText) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("Düsseldorf, Łódź, Θεσσαλονίκη"));
  EXPECT_TRUE(IsValidUtf8("\xF0\x9F\x98\x80"));  // U+1F600, four bytes
  EXPECT_TRUE(IsValidUtf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF, the last one
}

TEST(CsvTest, IsValidUtf8RefusesMalformedText) {
  EXPECT_FALSE(IsValidUtf8("Caf\xE9"));           // Latin-1 é
  EXPECT_FALSE(IsValidUtf8("\xC3"));              // truncated sequence
  EXPECT_FALSE(IsValidUtf8("\x80"));              // lone continuation
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xE0\x80\xAF"));      // overlong, 3 bytes
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate U+D800
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xFF"));
}

}  // namespace
}  // namespace citymatch
