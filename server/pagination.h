// List pagination shared by every List call: page size rules and keyset
// paging over id-sorted items.
#ifndef CITYMATCH_SERVER_PAGINATION_H_
#define CITYMATCH_SERVER_PAGINATION_H_

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "graph/validation.h"
#include "server/page_token.h"

namespace citymatch {

// A List request's paging fields, checked.
struct PageRequest {
  int page_size = 0;  // effective, >= 1
  std::string after;  // last id of the previous page; "" for the first
};

// Checks `page_size` (0 -> default, capped at max, negative refused) and
// decodes `page_token` for `scope`; appends violations on error.
PageRequest ParsePageRequest(int page_size, const std::string& page_token,
                             const std::string& scope, int default_page_size,
                             int max_page_size,
                             std::vector<FieldViolation>* violations);

// Walks `items` (sorted by `key`) after `page.after`, keeping those for which
// `keep` holds: calls `emit` for at most page_size of them, and returns the
// next page token ("" at the end) and, in *total, how many are kept in all.
template <typename T, typename KeyFn, typename KeepFn, typename EmitFn>
std::string Paginate(const std::vector<T>& items, const PageRequest& page,
                     const std::string& scope, KeyFn key, KeepFn keep,
                     EmitFn emit, int* total) {
  int emitted = 0;
  int kept = 0;
  std::string last_key;
  bool more = false;
  for (const T& item : items) {
    if (!keep(item)) continue;
    ++kept;
    const std::string item_key = key(item);
    if (!page.after.empty() && item_key <= page.after) continue;
    if (emitted == page.page_size) {
      more = true;
      continue;  // keep counting for total
    }
    emit(item);
    ++emitted;
    last_key = item_key;
  }
  if (total != nullptr) *total = kept;
  return more ? EncodePageToken(scope, last_key) : "";
}

}  // namespace citymatch

#endif  // CITYMATCH_SERVER_PAGINATION_H_
