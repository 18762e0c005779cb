#include "graph/edit_distance.h"

#include <algorithm>
#include <cstdlib>
#include <utility>
#include <vector>

namespace citymatch {

int EditDistance(absl::string_view a, absl::string_view b, int limit) {
  const int n = static_cast<int>(a.size());
  const int m = static_cast<int>(b.size());
  if (std::abs(n - m) > limit) return limit + 1;
  // Rows i - 2, i - 1 and i of the usual table.
  std::vector<int> before(m + 1), previous(m + 1), current(m + 1);
  for (int j = 0; j <= m; ++j) previous[j] = j;
  int previous_min = 0;
  for (int i = 1; i <= n; ++i) {
    current[0] = i;
    int current_min = i;
    for (int j = 1; j <= m; ++j) {
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1,
                             previous[j - 1] + (a[i - 1] != b[j - 1])});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        current[j] = std::min(current[j], before[j - 2] + 1);
      }
      current_min = std::min(current_min, current[j]);
    }
    // A transposition reaches back two rows, so both must be over the limit.
    if (current_min > limit && previous_min > limit) return limit + 1;
    previous_min = current_min;
    std::swap(before, previous);
    std::swap(previous, current);
  }
  return std::min(previous[m], limit + 1);
}

}  // namespace citymatch
