#include "graph/dataset_reader.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/types/span.h"
#include "graph/csv.h"
#include "graph/interchange_file.h"
#include "graph/validation.h"

namespace citymatch {

namespace {

// Counts every problem but keeps only the first kMaxReportedProblems: a file
// of a million bad rows must not build a million messages nobody reads.
void AddProblem(ParsedDataset* out, DatasetProblem problem) {
  ++out->problem_count;
  if (out->problems.size() < static_cast<size_t>(kMaxReportedProblems)) {
    out->problems.push_back(std::move(problem));
  }
}

// The first line of `content` that is not empty (the header's, unless it
// is quoted across lines) and its number.
std::pair<absl::string_view, int> FirstLine(absl::string_view content) {
  absl::ConsumePrefix(&content, "\xEF\xBB\xBF");
  int number = 1;
  for (absl::string_view line : absl::StrSplit(content, '\n')) {
    absl::ConsumeSuffix(&line, "\r");
    if (!line.empty()) return {line, number};
    ++number;
  }
  return {"", 0};
}

// "semicolons" or "tabs" if `header`, a line, splits into several fields by
// them but not by commas; else null. A spreadsheet set to a European locale
// saves "id;name;..." (one field with commas), or "\"id\";\"name\";..."
// when it quotes each field (not CSV at all with commas).
const char* ForeignSeparator(absl::string_view header) {
  absl::StatusOr<std::vector<CsvRow>> by_commas = ParseCsv(header);
  if (by_commas.ok() && !by_commas->empty() &&
      by_commas->front().fields.size() > 1) {
    return nullptr;
  }
  for (const auto& [separator, name] :
       {std::pair<char, const char*>{';', "semicolons"}, {'\t', "tabs"}}) {
    absl::StatusOr<std::vector<CsvRow>> rows = ParseCsv(header, separator);
    if (rows.ok() && !rows->empty() && rows->front().fields.size() > 1) {
      return name;
    }
  }
  return nullptr;
}

// One file being read: its rows and where its columns are.
class Table {
 public:
  Table(std::string file, ReadRules rules, ParsedDataset* out)
      : file_(std::move(file)), rules_(rules), out_(out) {}

  // Parses `content`; false (with a problem recorded, and the file listed
  // in `unread_files`) if the file cannot be read at all or lacks one of
  // its `columns`. Under kEvaluation only the `keys` among them are needed:
  // the others, if absent, read as empty.
  bool Parse(const std::string& content,
             const std::vector<std::string>& columns,
             const std::vector<std::string>& keys) {
    if (ParseFile(content, columns, keys)) return true;
    out_->unread_files.push_back(file_);
    return false;
  }

  const std::vector<CsvRow>& rows() const { return rows_; }
  ReadRules rules() const { return rules_; }

  // False (with a problem) if the row's field count differs from the
  // header's. Under kEvaluation a row may be shorter (its missing fields
  // read as empty) or longer by empty fields only (trailing commas); longer
  // by text would shift every later field, so it is refused.
  bool CheckWidth(const CsvRow& row) {
    if (row.fields.size() == header_.size()) return true;
    if (rules_ == ReadRules::kEvaluation &&
        std::all_of(
            row.fields.begin() + std::min(row.fields.size(), header_.size()),
            row.fields.end(), [](const std::string& field) {
              return absl::StripAsciiWhitespace(field).empty();
            })) {
      return true;
    }
    Problem(row.line, absl::StrCat("expected ", header_.size(),
                                   " fields as in the header, found ",
                                   row.fields.size()));
    return false;
  }

  // The field of `column`, trimmed; "" if the column or the field is absent.
  std::string Get(const CsvRow& row, absl::string_view column) const {
    auto it = column_.find(column);
    if (it == column_.end() ||
        it->second >= static_cast<int>(row.fields.size())) {
      return "";
    }
    return std::string(absl::StripAsciiWhitespace(row.fields[it->second]));
  }

  void Problem(int line, std::string reason) {
    AddProblem(out_, {file_, line, std::move(reason)});
  }

 private:
  bool ParseFile(const std::string& content,
                 const std::vector<std::string>& columns,
                 const std::vector<std::string>& keys) {
    if (!IsValidUtf8(content)) {
      // Find the first bad line so the user can fix it.
      int line = 1;
      for (absl::string_view text : absl::StrSplit(content, '\n')) {
        if (!IsValidUtf8(text)) break;
        ++line;
      }
      Problem(line, "not valid UTF-8");
      return false;
    }
    // Said once, instead of a syntax error or every column missing.
    auto foreign_separator = [&] {
      if (columns.size() < 2) return false;
      const auto [header, line] = FirstLine(content);
      const char* separators = ForeignSeparator(header);
      if (separators == nullptr) return false;
      Problem(line,
              absl::StrCat("the header is one field separated by ", separators,
                           "; the interchange format separates fields "
                           "by commas"));
      return true;
    };
    absl::StatusOr<std::vector<CsvRow>> rows = ParseCsv(content);
    if (!rows.ok()) {
      if (foreign_separator()) return false;
      // ParseCsv says "line N: reason"; make N the problem's line, so that
      // a syntax error reads file:line like every other problem.
      absl::string_view reason = rows.status().message();
      int line = 0;
      absl::string_view rest = reason;
      if (absl::ConsumePrefix(&rest, "line ")) {
        const size_t colon = rest.find(": ");
        if (colon != absl::string_view::npos &&
            absl::SimpleAtoi(rest.substr(0, colon), &line)) {
          reason = rest.substr(colon + 2);
        } else {
          line = 0;
        }
      }
      Problem(line, std::string(reason));
      return false;
    }
    if (rows->empty()) {
      Problem(1, "the header row is missing");
      return false;
    }
    header_ = std::move(rows->front().fields);
    if (header_.size() == 1 && foreign_separator()) return false;
    // The fields (0-based) of each name as written, and under kEvaluation of
    // each name lower-cased: a header written elsewhere may say "ID" or
    // "Lat", which the evaluation reads unless the format's own name is
    // there too; an import keeps to the format's names.
    absl::flat_hash_map<std::string, std::vector<int>> exact, folded;
    for (size_t i = 0; i < header_.size(); ++i) {
      const absl::string_view name = absl::StripAsciiWhitespace(header_[i]);
      exact[name].push_back(static_cast<int>(i));
      if (rules_ == ReadRules::kEvaluation) {
        folded[absl::AsciiStrToLower(name)].push_back(static_cast<int>(i));
      }
    }
    for (const auto& [name, fields] : exact) column_[name] = fields.front();
    for (const auto& [name, fields] : folded) {
      column_.try_emplace(name, fields.front());
    }
    bool ok = true;
    for (const std::string& name : columns) {
      if (column_.contains(name)) {
        // A column named twice: an import cannot tell which field is meant
        // and refuses the file; the evaluation reads the first, as it reads
        // the first of two other spellings.
        auto it = exact.find(name);
        const std::vector<int>& fields =
            it != exact.end() ? it->second : folded.at(name);
        if (fields.size() < 2) continue;
        std::vector<std::string> numbers;
        for (int field : fields) numbers.push_back(absl::StrCat(field + 1));
        const std::string reason = absl::StrCat(
            "the header repeats the column \"", name, "\" (fields ",
            absl::StrJoin(
                absl::MakeConstSpan(numbers).first(numbers.size() - 1), ", "),
            " and ", numbers.back(), ")");
        if (rules_ == ReadRules::kEvaluation) {
          Problem(rows->front().line,
                  absl::StrCat(reason, "; the first is read"));
        } else {
          Problem(rows->front().line, reason);
          ok = false;
        }
        continue;
      }
      std::string reason =
          absl::StrCat("the header lacks the column \"", name, "\"");
      for (const std::string& field : header_) {
        const absl::string_view written = absl::StripAsciiWhitespace(field);
        if (absl::EqualsIgnoreCase(written, name)) {
          absl::StrAppend(&reason, " (it has \"", written,
                          "\": column names are lower case)");
          break;
        }
      }
      if (rules_ == ReadRules::kEvaluation &&
          std::find(keys.begin(), keys.end(), name) == keys.end()) {
        Problem(rows->front().line, absl::StrCat(reason, "; read as empty"));
      } else {
        Problem(rows->front().line, reason);
        ok = false;
      }
    }
    rows->erase(rows->begin());
    rows_ = std::move(*rows);
    return ok;
  }

  std::string file_;
  ReadRules rules_;
  ParsedDataset* out_;
  std::vector<std::string> header_;
  absl::flat_hash_map<std::string, int> column_;
  std::vector<CsvRow> rows_;
};

// A number as the interchange format writes it: an optional sign, digits
// with an optional decimal point ("5", "-0.5", ".5", "5."), and an optional
// exponent ("1.5E-05", as a spreadsheet writes a small number). Not the rest
// of what strtod and absl::SimpleAtod read: hexadecimal ("0x10" would be a
// latitude of 16), "inf", "nan", "infinity".
bool IsDecimalNumber(absl::string_view text) {
  size_t i = 0;
  auto digits = [&] {
    const size_t start = i;
    while (i < text.size() && absl::ascii_isdigit(text[i])) ++i;
    return i - start;
  };
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
  size_t mantissa = digits();
  if (i < text.size() && text[i] == '.') {
    ++i;
    mantissa += digits();
  }
  if (mantissa == 0) return false;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    if (digits() == 0) return false;
  }
  return i == text.size();
}

enum class IntRead {
  kRead,
  kNotWhole,    // not a number, or one with a fraction
  kOutOfRange,  // a whole number beyond what is read (2^53, or int64_t)
};

// Parses an integer field; empty means 0. A whole number written as a
// decimal ("2016.0", as a spreadsheet or a data frame with gaps writes it)
// is that number.
IntRead ParseInt(const std::string& text, int64_t* value) {
  if (text.empty()) {
    *value = 0;
    return IntRead::kRead;
  }
  if (!IsDecimalNumber(text)) return IntRead::kNotWhole;
  if (absl::SimpleAtoi(text, value)) return IntRead::kRead;
  double number = 0;
  // Overflow reads as an infinity, a whole number out of range.
  if (!absl::SimpleAtod(text, &number) || std::trunc(number) != number) {
    return IntRead::kNotWhole;
  }
  // 2^53: beyond it a double no longer tells whole numbers apart.
  if (std::abs(number) > 9007199254740992.0) return IntRead::kOutOfRange;
  *value = static_cast<int64_t>(number);
  return IntRead::kRead;
}

// A year that fits an int. Not std::abs(year) <= 1000000: the absolute value
// of INT64_MIN overflows (in practice it stays negative and passes), and the
// year then became 0, "unknown", instead of a problem.
bool IsYear(int64_t year) { return year >= -1000000 && year <= 1000000; }

bool ParseDouble(const std::string& text, double* value) {
  return IsDecimalNumber(text) && absl::SimpleAtod(text, value) &&
         std::isfinite(*value);
}

// Reads a coordinate; a problem if it is not a finite number, which says
// so when it is one written with a decimal comma (as a spreadsheet in a
// European locale writes it, the field quoted).
bool ReadCoordinate(Table& table, const CsvRow& row, const char* column,
                    double* value) {
  const std::string text = table.Get(row, column);
  if (ParseDouble(text, value)) return true;
  std::string reason = absl::StrCat(column, " is not a finite number");
  double with_point = 0;
  if (absl::StrContains(text, ',') &&
      ParseDouble(absl::StrReplaceAll(text, {{",", "."}}), &with_point)) {
    absl::StrAppend(&reason, " (\"", text,
                    "\": decimals are written with a point)");
  }
  table.Problem(row.line, std::move(reason));
  return false;
}

std::vector<std::string> SplitLabels(const std::string& text) {
  std::vector<std::string> labels;
  for (absl::string_view label : absl::StrSplit(text, '|')) {
    label = absl::StripAsciiWhitespace(label);
    if (!label.empty()) labels.emplace_back(label);
  }
  return labels;
}

// A field of validation.h, named as in the API, and the column of a file
// that holds it: a problem of an import names what the user edits ("lat",
// not "latitude"). A field not listed has its column's name.
struct FieldColumn {
  absl::string_view field;
  absl::string_view column;
};
constexpr FieldColumn kCityColumns[] = {{"display_name", "name"},
                                        {"country_code", "country"},
                                        {"latitude", "lat"},
                                        {"longitude", "lon"}};
constexpr FieldColumn kProjectColumns[] = {{"title", "name"}};
constexpr FieldColumn kPracticeColumns[] = {{"title", "name"},
                                            {"city", "city_id"}};

std::string ColumnOf(absl::Span<const FieldColumn> columns,
                     const std::string& field) {
  for (const FieldColumn& c : columns) {
    if (field == c.field) return std::string(c.column);
  }
  // "themes[1]" is the second label of the column, counted from 1 as a
  // reader of the file counts.
  absl::string_view index_text = field;
  int index = 0;
  if (absl::ConsumePrefix(&index_text, "themes[") &&
      absl::ConsumeSuffix(&index_text, "]") &&
      absl::SimpleAtoi(index_text, &index)) {
    return absl::StrCat("themes label ", index + 1);
  }
  return field;
}

// Reports each violation of an entity as a problem of `line`, naming the
// column of the file by `columns`.
bool ReportViolations(Table& table, int line,
                      absl::Span<const FieldColumn> columns,
                      const std::vector<FieldViolation>& violations) {
  for (const FieldViolation& v : violations) {
    table.Problem(line,
                  absl::StrCat(ColumnOf(columns, v.field), " ", v.description));
  }
  return violations.empty();
}

// A whole number that did not parse: under kEvaluation the row is kept with
// the number unknown (true), under kService it is refused (false). Either
// way the problem is reported.
bool ReadAsUnknown(Table& table, const CsvRow& row, absl::string_view reason) {
  if (table.rules() == ReadRules::kEvaluation) {
    table.Problem(row.line, absl::StrCat(reason, "; read as unknown"));
    return true;
  }
  table.Problem(row.line, std::string(reason));
  return false;
}

// Under kEvaluation only a city's coordinates are checked: the evaluation
// needs nothing else of the service's rules.
void KeepOnlyCoordinates(ReadRules rules,
                         std::vector<FieldViolation>* violations) {
  if (rules == ReadRules::kService) return;
  violations->erase(std::remove_if(violations->begin(), violations->end(),
                                   [](const FieldViolation& v) {
                                     return v.field != "latitude" &&
                                            v.field != "longitude";
                                   }),
                    violations->end());
}

// Remembers the first line of each key, to report duplicates.
class FirstSeen {
 public:
  // 0 if `key` is new, else the line it was first seen on.
  int Insert(const std::string& key, int line) {
    auto [it, inserted] = lines_.try_emplace(key, line);
    return inserted ? 0 : it->second;
  }
  bool contains(const std::string& key) const { return lines_.contains(key); }

 private:
  absl::flat_hash_map<std::string, int> lines_;
};

// What becomes of a row once its id is checked.
enum class IdVerdict {
  // A new id of the rules' syntax.
  kRead,
  // An id the rules refuse, reported: the rest of the row is checked too,
  // so that one import lists every problem of the row, and the row is then
  // refused.
  kRefuse,
  // Reported, and nothing else of the row is.
  kSkip,
};

IdVerdict CheckId(Table& table, const CsvRow& row, const std::string& id,
                  FirstSeen* seen) {
  if (table.rules() == ReadRules::kEvaluation && id.empty()) {
    table.Problem(row.line, "id is empty");
    // The evaluation lists each row it skips once, with why: the rest of a
    // row it cannot use would only add lines ("read as unknown") about
    // values it never reads.
    return IdVerdict::kSkip;
  }
  if (table.rules() == ReadRules::kService && !IsValidId(id)) {
    table.Problem(row.line, absl::StrCat("id \"", id,
                                         "\" does not match "
                                         "[a-z0-9][a-z0-9-]{0,62}"));
    return IdVerdict::kRefuse;
  }
  if (int first = seen->Insert(id, row.line)) {
    table.Problem(row.line,
                  absl::StrCat("duplicate id ", id, ", first on line ", first));
    // Only the duplicate: the fix is to delete the row or give it an id of
    // its own, and a row repeated (two exports merged, a row pasted twice)
    // would list again every problem already listed on its first line.
    return IdVerdict::kSkip;
  }
  return IdVerdict::kRead;
}

// Notes that the row of `id` was refused, so that a row naming it is
// skipped without a second report. Its id as written, even one that is not
// an id: a row naming it names the refused row. Not an empty one, which
// names no row: a reference left empty is a problem of the row that has it.
void Refuse(const std::string& id, absl::flat_hash_set<std::string>* refused) {
  if (!id.empty()) refused->insert(id);
}

// A row of an import replaces what the format has a column for and keeps
// the rest of the stored resource of its id: an export imported back, or a
// file edited in a spreadsheet, must not strip the owner of a project (its
// editors would lose it), its status, its wanted partners and rules, a
// city's profile or a practice's summary. Returns whether one was stored.
bool KeepWhatTheFormatLacks(const GraphSnapshot* existing, City* city) {
  const City* stored =
      existing == nullptr ? nullptr : existing->FindCity(city->id);
  if (stored == nullptr) return false;
  city->profile = stored->profile;
  return true;
}

// Also keeps the stored members; the caller replaces them if the files give
// the project's memberships.
bool KeepWhatTheFormatLacks(const GraphSnapshot* existing, Project* project) {
  const Project* stored =
      existing == nullptr ? nullptr : existing->FindProject(project->id);
  if (stored == nullptr) return false;
  project->members = stored->members;
  project->status = stored->status;
  project->owner = stored->owner;
  project->wanted_partners = stored->wanted_partners;
  project->rules = stored->rules;
  return true;
}

bool KeepWhatTheFormatLacks(const GraphSnapshot* existing, Practice* practice) {
  const Practice* stored =
      existing == nullptr ? nullptr : existing->FindPractice(practice->id);
  if (stored == nullptr) return false;
  practice->summary = stored->summary;
  practice->source_url = stored->source_url;
  practice->owner = stored->owner;
  return true;
}

}  // namespace

ParsedDataset ParseDataset(const std::map<std::string, std::string>& files,
                           const GraphSnapshot* existing, ReadRules rules) {
  ParsedDataset out;
  for (const auto& file : files) {
    // Not a structured binding: C++17 lambdas cannot capture one (clang
    // refuses it).
    const std::string& name = file.first;
    if (std::find_if(std::begin(kDatasetFiles), std::end(kDatasetFiles),
                     [&](const char* f) { return name == f; }) ==
        std::end(kDatasetFiles)) {
      AddProblem(&out, {name, 0,
                        "not a file of the interchange format (expected "
                        "cities.csv, projects.csv, memberships.csv, "
                        "practices.csv or twinnings.csv)"});
    }
  }
  auto content_of = [&](const char* name) -> const std::string* {
    auto it = files.find(name);
    return it == files.end() ? nullptr : &it->second;
  };

  FirstSeen city_ids;
  // Cities whose own row was refused (see Refuse): reported there, so a row
  // that names one is skipped without a second report.
  absl::flat_hash_set<std::string> refused_cities;
  if (const std::string* content = content_of("cities.csv")) {
    Table table("cities.csv", rules, &out);
    if (table.Parse(*content,
                    {"id", "name", "country", "lat", "lon", "population"},
                    {"id", "lat", "lon"})) {
      for (const CsvRow& row : table.rows()) {
        if (!table.CheckWidth(row)) continue;
        City city;
        city.id = table.Get(row, "id");
        const IdVerdict id_verdict = CheckId(table, row, city.id, &city_ids);
        if (id_verdict == IdVerdict::kSkip) continue;
        city.name = table.Get(row, "name");
        city.country = table.Get(row, "country");
        if (rules == ReadRules::kEvaluation) {
          absl::AsciiStrToUpper(&city.country);
        }
        const bool lat_read = ReadCoordinate(table, row, "lat", &city.lat);
        const bool lon_read = ReadCoordinate(table, row, "lon", &city.lon);
        bool population_read = true;
        const std::string population = table.Get(row, "population");
        const IntRead population_parsed =
            ParseInt(population, &city.population);
        // Under kService a value parsed but out of range is ValidateCity's
        // to report. Under kEvaluation it is unknown, as one that is not a
        // number: a typo must not make a city outrank every other.
        if (population_parsed == IntRead::kOutOfRange ||
            (rules == ReadRules::kEvaluation &&
             city.population > kMaxPopulation)) {
          city.population = 0;
          population_read = ReadAsUnknown(
              table, row,
              absl::StrCat("population ", population,
                           " is out of range: ", PopulationRange()));
        } else if (population_parsed == IntRead::kNotWhole ||
                   (rules == ReadRules::kEvaluation && city.population < 0)) {
          city.population = 0;
          population_read = ReadAsUnknown(
              table, row, "population is not a whole number >= 0");
        }
        // The rest of a row with an unreadable field is checked too, so
        // that one import lists every problem of the row. A field that did
        // not parse is reported above, not again.
        std::vector<FieldViolation> violations;
        ValidateCity(city, "", &violations);
        KeepOnlyCoordinates(rules, &violations);
        violations.erase(
            std::remove_if(violations.begin(), violations.end(),
                           [&](const FieldViolation& v) {
                             return (v.field == "latitude" && !lat_read) ||
                                    (v.field == "longitude" && !lon_read) ||
                                    (v.field == "population" &&
                                     !population_read);
                           }),
            violations.end());
        const bool valid =
            ReportViolations(table, row.line, kCityColumns, violations);
        if (id_verdict == IdVerdict::kRead && lat_read && lon_read &&
            population_read && valid) {
          KeepWhatTheFormatLacks(existing, &city);
          out.dataset.cities.push_back(std::move(city));
        } else {
          Refuse(city.id, &refused_cities);
        }
      }
    }
  }
  auto city_exists = [&](const std::string& id) {
    return city_ids.contains(id) ||
           (existing != nullptr && existing->FindCity(id) != nullptr);
  };

  FirstSeen project_ids;
  absl::flat_hash_set<std::string> refused_projects;   // as refused_cities
  absl::flat_hash_map<std::string, int> project_slot;  // id -> index
  // Stored projects whose row was read: they keep their stored members
  // unless memberships.csv gives theirs, which then replace them all.
  absl::flat_hash_set<std::string> members_kept;
  if (const std::string* content = content_of("projects.csv")) {
    Table table("projects.csv", rules, &out);
    if (table.Parse(
            *content,
            {"id", "name", "programme", "start_year", "end_year", "themes"},
            {"id"})) {
      for (const CsvRow& row : table.rows()) {
        if (!table.CheckWidth(row)) continue;
        Project project;
        project.id = table.Get(row, "id");
        const IdVerdict id_verdict =
            CheckId(table, row, project.id, &project_ids);
        if (id_verdict == IdVerdict::kSkip) continue;
        project.title = table.Get(row, "name");
        project.programme = table.Get(row, "programme");
        project.themes = SplitLabels(table.Get(row, "themes"));
        // Each column on its own: "2016.0" is a year whatever the other
        // holds. One that is not is unknown for the checks below, which
        // still run (as for a city).
        bool years_read = true;
        auto read_year = [&](const char* column, int* year) {
          int64_t value = 0;
          if (ParseInt(table.Get(row, column), &value) != IntRead::kRead ||
              !IsYear(value)) {
            value = 0;
            if (!ReadAsUnknown(table, row,
                               absl::StrCat(column, " must be a year"))) {
              years_read = false;
            }
          }
          *year = static_cast<int>(value);
        };
        read_year("start_year", &project.start_year);
        read_year("end_year", &project.end_year);
        // The interchange format records past cooperation.
        project.status = ProjectStatus::kClosed;
        std::vector<FieldViolation> violations;
        if (rules == ReadRules::kService) {
          ValidateProject(project, "", &violations);
        }
        if (ReportViolations(table, row.line, kProjectColumns, violations) &&
            years_read && id_verdict == IdVerdict::kRead) {
          if (KeepWhatTheFormatLacks(existing, &project)) {
            members_kept.insert(project.id);
          }
          ++out.projects;
          project_slot[project.id] =
              static_cast<int>(out.dataset.projects.size());
          out.dataset.projects.push_back(std::move(project));
        } else {
          Refuse(project.id, &refused_projects);
        }
      }
    }
  }

  if (const std::string* content = content_of("memberships.csv")) {
    Table table("memberships.csv", rules, &out);
    FirstSeen pairs;
    if (table.Parse(*content, {"project_id", "city_id", "role"},
                    {"project_id", "city_id"})) {
      for (const CsvRow& row : table.rows()) {
        if (!table.CheckWidth(row)) continue;
        const std::string project_id = table.Get(row, "project_id");
        const std::string city_id = table.Get(row, "city_id");
        const std::string role = table.Get(row, "role");
        ++out.memberships;
        // Reported alone, as a duplicate id is: whatever else is wrong with
        // the row is wrong with its first line, and reported there.
        if (int first = pairs.Insert(absl::StrCat(project_id, "\x1f", city_id),
                                     row.line)) {
          table.Problem(row.line, absl::StrCat("duplicate membership of city ",
                                               city_id, " in ", project_id,
                                               ", first on line ", first));
          continue;
        }
        // Each of the row's problems, in the order of its columns, then
        // the row is refused if there is one.
        bool ok = true;
        auto slot = project_slot.find(project_id);
        const Project* stored = nullptr;
        if (slot == project_slot.end()) {
          stored =
              existing == nullptr ? nullptr : existing->FindProject(project_id);
          if (stored == nullptr) {
            // A project that failed its own row is reported there already.
            if (!refused_projects.contains(project_id)) {
              table.Problem(row.line, absl::StrCat("project ", project_id,
                                                   " does not exist"));
            }
            ok = false;
          }
        }
        if (refused_cities.contains(city_id)) {
          ok = false;  // as a refused project
        } else if (!city_exists(city_id)) {
          table.Problem(row.line,
                        absl::StrCat("city ", city_id, " does not exist"));
          ok = false;
        }
        if (rules == ReadRules::kService && role != "lead" &&
            role != "partner") {
          table.Problem(row.line, absl::StrCat("role \"", role,
                                               "\" is not lead or partner"));
          ok = false;
        }
        if (!ok) continue;
        if (slot == project_slot.end()) {
          slot = project_slot
                     .emplace(project_id,
                              static_cast<int>(out.dataset.projects.size()))
                     .first;
          out.dataset.projects.push_back(*stored);
        }
        Project& project = out.dataset.projects[slot->second];
        if (members_kept.erase(project_id) > 0) project.members.clear();
        auto member = std::find_if(
            project.members.begin(), project.members.end(),
            [&](const Membership& m) { return m.city_id == city_id; });
        const Role parsed = absl::StartsWithIgnoreCase(role, "lead")
                                ? Role::kLead
                                : Role::kPartner;
        if (member != project.members.end()) {
          member->role = parsed;
        } else if (rules == ReadRules::kService &&
                   project.members.size() >= kMaxListLength) {
          // The project's own row was checked before its members came.
          table.Problem(row.line, absl::StrCat("project ", project_id,
                                               " would have more than ",
                                               kMaxListLength, " members"));
        } else {
          project.members.push_back({city_id, parsed});
        }
      }
    }
  }

  if (const std::string* content = content_of("practices.csv")) {
    Table table("practices.csv", rules, &out);
    FirstSeen practice_ids;
    if (table.Parse(*content, {"id", "name", "city_id", "themes", "start_year"},
                    {"id", "city_id"})) {
      for (const CsvRow& row : table.rows()) {
        if (!table.CheckWidth(row)) continue;
        Practice practice;
        practice.id = table.Get(row, "id");
        const IdVerdict id_verdict =
            CheckId(table, row, practice.id, &practice_ids);
        if (id_verdict == IdVerdict::kSkip) continue;
        practice.title = table.Get(row, "name");
        practice.city_id = table.Get(row, "city_id");
        practice.themes = SplitLabels(table.Get(row, "themes"));
        int64_t start = 0;
        bool year_read = true;
        if (ParseInt(table.Get(row, "start_year"), &start) != IntRead::kRead ||
            !IsYear(start)) {
          year_read = ReadAsUnknown(table, row, "start_year must be a year");
          start = 0;
        }
        practice.start_year = static_cast<int>(start);
        std::vector<FieldViolation> violations;
        if (rules == ReadRules::kService) {
          ValidatePractice(practice, "", &violations);
        }
        const bool city_refused = refused_cities.contains(practice.city_id);
        if (city_refused) {
          // Its own row said what is wrong with its id ("Bad Id").
          violations.erase(std::remove_if(violations.begin(), violations.end(),
                                          [](const FieldViolation& v) {
                                            return v.field == "city";
                                          }),
                           violations.end());
        }
        bool valid =
            ReportViolations(table, row.line, kPracticeColumns, violations);
        // Looked up with the rest of the row, unless city_id is reported
        // already (empty, or not an id).
        if (!city_refused &&
            std::none_of(
                violations.begin(), violations.end(),
                [](const FieldViolation& v) { return v.field == "city"; }) &&
            !city_exists(practice.city_id)) {
          table.Problem(row.line, absl::StrCat("city ", practice.city_id,
                                               " does not exist"));
          valid = false;
        }
        if (!valid || !year_read || city_refused ||
            id_verdict != IdVerdict::kRead) {
          continue;
        }
        KeepWhatTheFormatLacks(existing, &practice);
        out.dataset.practices.push_back(std::move(practice));
      }
    }
  }

  if (const std::string* content = content_of("twinnings.csv")) {
    Table table("twinnings.csv", rules, &out);
    FirstSeen pairs;
    if (table.Parse(*content, {"city_a", "city_b"}, {"city_a", "city_b"})) {
      for (const CsvRow& row : table.rows()) {
        if (!table.CheckWidth(row)) continue;
        Twinning t = Twinning::Normalized(table.Get(row, "city_a"),
                                          table.Get(row, "city_b"));
        if (t.city_a == t.city_b) {
          table.Problem(row.line, "a city cannot be twinned with itself");
          continue;
        }
        bool ok = true;
        for (const std::string& id : {t.city_a, t.city_b}) {
          // Reported on its own row; the other city is still looked up.
          if (refused_cities.contains(id)) {
            ok = false;
          } else if (!city_exists(id)) {
            table.Problem(row.line,
                          absl::StrCat("city ", id, " does not exist"));
            ok = false;
          }
        }
        if (!ok) continue;
        if (int first =
                pairs.Insert(absl::StrCat(t.city_a, "|", t.city_b), row.line)) {
          table.Problem(row.line, absl::StrCat("duplicate twinning, first on "
                                               "line ",
                                               first));
          continue;
        }
        out.dataset.twinnings.push_back(std::move(t));
      }
    }
  }

  return out;
}

absl::StatusOr<std::map<std::string, std::string>> ReadDatasetFiles(
    const std::string& dir) {
  std::error_code error;
  if (!std::filesystem::is_directory(dir, error)) {
    return absl::NotFoundError(absl::StrCat("no such directory: ", dir));
  }
  std::map<std::string, std::string> files;
  for (const char* name : kDatasetFiles) {
    absl::StatusOr<std::optional<std::string>> content =
        ReadInterchangeFile(dir, name);
    if (!content.ok()) return content.status();
    if (*content) files[name] = **std::move(content);
  }
  if (files.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        dir,
        " holds none of cities.csv, projects.csv, memberships.csv, "
        "practices.csv, twinnings.csv"));
  }
  return files;
}

absl::StatusOr<ParsedDataset> ParseDatasetDir(const std::string& dir,
                                              ReadRules rules) {
  absl::StatusOr<std::map<std::string, std::string>> files =
      ReadDatasetFiles(dir);
  if (!files.ok()) return files.status();
  return ParseDataset(*files, nullptr, rules);
}

absl::StatusOr<Dataset> ReadDataset(const std::string& dir) {
  absl::StatusOr<ParsedDataset> read =
      ParseDatasetDir(dir, ReadRules::kService);
  if (!read.ok()) return read.status();
  ParsedDataset& parsed = *read;
  if (!parsed.problems.empty()) {
    return absl::InvalidArgumentError(
        absl::StrJoin(FormatProblems(parsed), "\n"));
  }
  return std::move(parsed.dataset);
}

std::string FormatProblem(const DatasetProblem& p) {
  if (p.file.empty()) return p.reason;
  if (p.line == 0) return absl::StrCat(p.file, ": ", p.reason);
  return absl::StrCat(p.file, ":", p.line, ": ", p.reason);
}

std::vector<std::string> FormatProblems(const ParsedDataset& parsed) {
  std::vector<std::string> lines;
  for (const DatasetProblem& p : parsed.problems) {
    lines.push_back(FormatProblem(p));
  }
  const int more =
      parsed.problem_count - static_cast<int>(parsed.problems.size());
  if (more > 0) lines.push_back(absl::StrCat("and ", more, " more problems"));
  return lines;
}

}  // namespace citymatch
