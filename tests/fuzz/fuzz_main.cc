// A stand-in for libFuzzer's driver, for builds without it (g++, the normal
// CI build): runs LLVMFuzzerTestOneInput once on every input named on the
// command line, as `fuzzer FILE_OR_DIR...` does with libFuzzer. A directory
// stands for the regular files in it, in name order so that runs repeat.
// Arguments starting with '-' (libFuzzer flags) are ignored.
//
// Exits 0 after the last input, 1 if no input was found (a missing corpus
// must not pass as a clean run); an input that breaks an invariant aborts.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc,
                                                          char*** argv);

namespace {

bool RunFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    return false;
  }
  // A heap copy of exactly the input's size, so that AddressSanitizer sees
  // a read past its end, as it would under libFuzzer.
  const std::string bytes((std::istreambuf_iterator<char>(in)),
                          std::istreambuf_iterator<char>());
  std::vector<uint8_t> data(bytes.begin(), bytes.end());
  std::fprintf(stderr, "running %s (%zu bytes)\n", path.c_str(), data.size());
  LLVMFuzzerTestOneInput(data.data(), data.size());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (LLVMFuzzerInitialize != nullptr) LLVMFuzzerInitialize(&argc, &argv);
  int runs = 0;
  for (int i = 1; i < argc; ++i) {
    if (argv[i][0] == '-') continue;
    const std::filesystem::path arg = argv[i];
    std::error_code error;
    if (std::filesystem::is_directory(arg, error)) {
      std::vector<std::filesystem::path> files;
      for (const auto& entry : std::filesystem::directory_iterator(arg)) {
        if (entry.is_regular_file()) files.push_back(entry.path());
      }
      std::sort(files.begin(), files.end());
      for (const auto& file : files) runs += RunFile(file) ? 1 : 0;
    } else if (RunFile(arg)) {
      ++runs;
    } else {
      return 1;
    }
  }
  std::fprintf(stderr, "%d inputs run\n", runs);
  return runs > 0 ? 0 : 1;
}
