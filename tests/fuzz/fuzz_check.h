// FUZZ_CHECK: an invariant of a fuzz target. A failure prints the condition
// and aborts, which libFuzzer (and the corpus replay) report as a crash with
// the input that caused it. Unlike assert(), it is never compiled out.
#ifndef CITYMATCH_TESTS_FUZZ_FUZZ_CHECK_H_
#define CITYMATCH_TESTS_FUZZ_FUZZ_CHECK_H_

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition)                                            \
  do {                                                                   \
    if (!(condition)) {                                                  \
      std::fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__,    \
                   __LINE__, #condition);                                \
      std::abort();                                                      \
    }                                                                    \
  } while (0)

#endif  // CITYMATCH_TESTS_FUZZ_FUZZ_CHECK_H_
