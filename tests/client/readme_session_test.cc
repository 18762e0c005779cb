// The README's "A session with the CLI" claims to be real output. This test
// replays it: each `$ citymatch ...` line of the session's first text block
// runs against a server seeded with the shipped data, and what the binary
// prints (stdout, then stderr) must be the lines the README shows under it.
// A line "…" stands for any number of lines; "(exit code N)" at the end of a
// command's output is its expected exit code (0 when absent).
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "tests/client/cli_fixture.h"
#include "tests/testing/sample_data.h"

namespace citymatch::testing {
namespace {

constexpr char kElision[] = "…";

struct SessionCommand {
  std::vector<std::string> args;  // after "citymatch"
  std::vector<std::string> expected;
  int exit_code = 0;
  int line = 0;  // of the "$" line in README.md, for failure messages
};

// Splits a command line on spaces; "double quoted" words keep theirs.
std::vector<std::string> SplitArgs(const std::string& line) {
  std::vector<std::string> args;
  std::string word;
  bool quoted = false, in_word = false;
  for (char c : line) {
    if (c == '"') {
      quoted = !quoted;
      in_word = true;
    } else if (c == ' ' && !quoted) {
      if (in_word) args.push_back(word);
      word.clear();
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (in_word) args.push_back(word);
  return args;
}

void DropTrailingBlankLines(std::vector<std::string>* lines) {
  while (!lines->empty() && absl::StripAsciiWhitespace(lines->back()).empty()) {
    lines->pop_back();
  }
}

// The commands of the first ```text block under "## A session with the CLI".
std::vector<SessionCommand> ReadSession(const std::string& readme_path) {
  std::ifstream in(readme_path);
  std::vector<SessionCommand> commands;
  std::string line;
  int number = 0;
  enum { kBefore, kSection, kBlock } state = kBefore;
  while (std::getline(in, line)) {
    ++number;
    if (state == kBefore) {
      if (line == "## A session with the CLI") state = kSection;
    } else if (state == kSection) {
      if (line == "```text") state = kBlock;
    } else if (line == "```") {
      break;
    } else if (absl::StartsWith(line, "$ citymatch ")) {
      SessionCommand command;
      command.args = SplitArgs(line.substr(sizeof("$ citymatch ") - 1));
      command.line = number;
      commands.push_back(std::move(command));
    } else if (!commands.empty()) {
      commands.back().expected.push_back(line);
    }
  }
  for (SessionCommand& command : commands) {
    DropTrailingBlankLines(&command.expected);
    absl::string_view last;
    if (!command.expected.empty()) last = command.expected.back();
    int code = 0;
    if (absl::ConsumePrefix(&last, "(exit code ") &&
        absl::ConsumeSuffix(&last, ")") && absl::SimpleAtoi(last, &code)) {
      command.exit_code = code;
      command.expected.pop_back();
      DropTrailingBlankLines(&command.expected);
    }
  }
  return commands;
}

// True if `actual` from `a` on is `expected` from `e` on, an elision line
// matching any run of lines (the shortest that lets the rest match).
bool LinesMatch(const std::vector<std::string>& expected, size_t e,
                const std::vector<std::string>& actual, size_t a) {
  if (e == expected.size()) return a == actual.size();
  if (absl::StripAsciiWhitespace(expected[e]) == kElision) {
    for (size_t skip = a; skip <= actual.size(); ++skip) {
      if (LinesMatch(expected, e + 1, actual, skip)) return true;
    }
    return false;
  }
  return a < actual.size() && expected[e] == actual[a] &&
         LinesMatch(expected, e + 1, actual, a + 1);
}

class ReadmeSessionTest : public CliTest {
 protected:
  void SetUp() override { StartServer(ShippedDataDir()); }
};

TEST_F(ReadmeSessionTest, EveryCommandPrintsWhatTheReadmeShows) {
  const char* source = std::getenv("CITYMATCH_SOURCE_DIR");
  const std::string readme =
      std::string(source != nullptr ? source : ".") + "/README.md";
  const std::vector<SessionCommand> commands = ReadSession(readme);
  // The session shows lookups, listings, themes, recommendations and an
  // error: if parsing found fewer, the README's layout changed under us.
  ASSERT_GE(commands.size(), 6u) << readme;

  for (const SessionCommand& command : commands) {
    const std::string shown = "README.md:" + std::to_string(command.line) +
                              ": citymatch " + absl::StrJoin(command.args, " ");
    const CliResult result = Cli(command.args);
    EXPECT_EQ(result.exit_code, command.exit_code) << shown << "\n" << result;
    std::vector<std::string> actual =
        absl::StrSplit(result.out + result.err, '\n');
    DropTrailingBlankLines(&actual);
    EXPECT_TRUE(LinesMatch(command.expected, 0, actual, 0))
        << shown << "\n--- the README shows:\n"
        << absl::StrJoin(command.expected, "\n")
        << "\n--- the binary printed:\n"
        << absl::StrJoin(actual, "\n");
  }
}

}  // namespace
}  // namespace citymatch::testing
