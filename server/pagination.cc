#include "server/pagination.h"

namespace citymatch {

PageRequest ParsePageRequest(int page_size, const std::string& page_token,
                             const std::string& scope, int default_page_size,
                             int max_page_size,
                             std::vector<FieldViolation>* violations) {
  PageRequest page;
  if (page_size < 0) {
    violations->push_back(
        {"page_size", absl::StrCat("must not be negative, got ", page_size)});
  }
  page.page_size =
      page_size <= 0 ? default_page_size : std::min(page_size, max_page_size);
  if (!page_token.empty()) {
    std::optional<std::string> after = DecodePageToken(scope, page_token);
    if (!after.has_value()) {
      violations->push_back(
          {"page_token",
           "was not issued by this server for this request; pass "
           "next_page_token unchanged with the same filters"});
    } else {
      page.after = std::move(*after);
    }
  }
  return page;
}

}  // namespace citymatch
