// A small, hand-made cooperation data set for tests: eight cities in four
// countries, four projects (two on migration), two practices and two
// twinnings, in the interchange format and as a Dataset. Small enough to
// reason about by hand; real enough to exercise every file and reference.
#ifndef CITYMATCH_TESTS_TESTING_SAMPLE_DATA_H_
#define CITYMATCH_TESTS_TESTING_SAMPLE_DATA_H_

#include <map>
#include <string>

#include "graph/dataset.h"

namespace citymatch::testing {

// The five CSV files, keyed by file name.
std::map<std::string, std::string> SampleFiles();

// The same data, parsed.
Dataset SampleDataset();

// The folder of the real data set shipped with the project (deploy/data),
// found from $CITYMATCH_SOURCE_DIR or the working directory.
std::string ShippedDataDir();

}  // namespace citymatch::testing

#endif  // CITYMATCH_TESTS_TESTING_SAMPLE_DATA_H_
