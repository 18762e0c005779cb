// A directory that exists for the life of a test and is removed after it.
#ifndef CITYMATCH_TESTS_TESTING_TEMP_DIR_H_
#define CITYMATCH_TESTS_TESTING_TEMP_DIR_H_

#include <map>
#include <string>
#include <vector>

namespace citymatch::testing {

class TempDir {
 public:
  TempDir();  // creates a fresh directory under $TMPDIR (or /tmp)
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // `path()/name`.
  std::string File(const std::string& name) const;
  // Writes `content` to `path()/name`, creating parent directories.
  void Write(const std::string& name, const std::string& content) const;
  // Writes every file of `files` (name -> content).
  void WriteAll(const std::map<std::string, std::string>& files) const;

 private:
  std::string path_;
};

// The names of the entries in `dir` (hidden ones too), sorted; none if it
// cannot be read.
std::vector<std::string> FileNames(const std::string& dir);

}  // namespace citymatch::testing

#endif  // CITYMATCH_TESTS_TESTING_TEMP_DIR_H_
