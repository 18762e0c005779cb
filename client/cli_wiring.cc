#include "client/cli_wiring.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace citymatch::cli {

namespace {

// An optional sign, then digits only: a whole number, whatever its size.
bool IsWholeNumber(absl::string_view text) {
  absl::ConsumePrefix(&text, "-") || absl::ConsumePrefix(&text, "+");
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return absl::ascii_isdigit(c);
  });
}

}  // namespace

CLI::Validator NumberIn(double lowest, double highest, bool whole) {
  // Bounds of whole numbers as written: 100000000, not 1e+08.
  auto bound = [whole](double value) {
    return whole ? absl::StrCat(static_cast<int64_t>(value))
                 : absl::StrCat(value);
  };
  auto range = [=] {
    return absl::StrCat("must be in ", bound(lowest), "..", bound(highest));
  };
  auto check = [=](std::string& text) -> std::string {
    double value = 0;
    int64_t integer = 0;
    const bool parsed =
        whole ? absl::SimpleAtoi(text, &integer)
              : absl::SimpleAtod(text, &value) && std::isfinite(value) &&
                    // SimpleAtod also reads C's hex floats.
                    text.find_first_of("xX") == std::string::npos;
    if (whole) value = static_cast<double>(integer);
    if (!parsed && whole && IsWholeNumber(text)) {
      // Too large for int64_t: a whole number all the same.
      if (highest == std::numeric_limits<double>::max()) {
        return absl::StrCat("\"", text, "\" is out of range");
      }
      return absl::StrCat("\"", text, "\" is out of range: ", range());
    }
    if (!parsed) {
      std::string with_point = text;
      std::replace(with_point.begin(), with_point.end(), ',', '.');
      double unused = 0;
      const bool decimal_comma =
          !whole && with_point != text && absl::SimpleAtod(with_point, &unused);
      return absl::StrCat("\"", text, "\" is not a ",
                          whole ? "whole number" : "number",
                          decimal_comma ? absl::StrCat(" (decimals are written "
                                                       "with a point: ",
                                                       with_point, ")")
                                        : "");
    }
    if (value >= lowest && value <= highest) return "";
    if (highest == std::numeric_limits<double>::max()) {
      return lowest == 0 ? "must not be negative"
                         : absl::StrCat("must be at least ", bound(lowest));
    }
    return range();
  };
  return CLI::Validator(check, "");
}

CLI::Validator NonNegative(bool whole) {
  return NumberIn(0, std::numeric_limits<double>::max(), whole);
}

CLI::Option* AddListOption(CLI::App* app, const std::string& name,
                           std::vector<std::string>* items,
                           const std::string& help) {
  return app->add_option(name, *items, help)
      ->delimiter(',')
      ->allow_extra_args(false);
}

CLI::Validator NoEmptyValue(const std::string& item) {
  return CLI::Validator(
      [item](std::string& value) -> std::string {
        if (!absl::StripAsciiWhitespace(value).empty()) return "";
        return absl::StrCat("needs ", item, ", not an empty value");
      },
      "");
}

void AddListFlags(CLI::App* list, ListFlags* flags) {
  list->add_option("--page-size", flags->page_size,
                   "Rows per page (0: the server's default, 50)")
      ->check(NumberIn(0, 1000, /*whole=*/true));
  list->add_option("--page-token", flags->page_token,
                   "Continue from this next_page_token");
  list->add_flag("--all", flags->all, "Page through every row");
}

void AddNamedCommand(CLI::App* parent, const std::string& verb,
                     const std::string& help, const std::string& arg,
                     const std::string& collection,
                     int (Commands::*method)(const std::string&),
                     Choice* choice) {
  auto id = std::make_shared<std::string>();
  CLI::App* command = parent->add_subcommand(verb, help);
  command->add_option(arg, *id, "id or " + collection + "/{id}")->required();
  command->callback([id, collection, method, choice] {
    choice->action = [name = ToResourceName(collection, *id),
                      method](Commands& c) { return (c.*method)(name); };
  });
}

}  // namespace citymatch::cli
